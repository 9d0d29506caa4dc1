"""The print meter's worker: one thread with its own CUPS connection.

It polls the kiosk's queue (CUPS's own notifications are pulled too, and no faster), counts
each newly held job with all of its documents, counts it again when it changed (a document
sent to it while held, or back on hold after a release the gate refused), says when a job
left the queue, and runs what the agent asks — release, cancel, purge — in order, on the
same thread, so pycups is never shared. A release checks the job again first: one that is
no longer what was quoted is not released but counted again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from kiosk.agent.log import event
from kiosk.agent.printing.cups_queue import HELD, CupsQueue, PrintSystemError
from kiosk.agent.printing.documents import Uncountable, count_pages
from kiosk.agent.printing.gate_backend import Approval, Basis
from kiosk.core.printing import JobOptionError, PrintCount, count_job

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
RETRY_SECONDS = 2.0
OPTIONS_PROBLEM = "options"


@dataclass(frozen=True, slots=True)
class CountedJob:
    """A job newly held on the queue, counted (or not, with the reason)."""

    job_id: int
    user: str
    created: int
    count: PrintCount | None
    colour: bool
    problem: str | None = None
    """Why it could not be counted: a :class:`~kiosk.agent.printing.documents.Problem`
    value, or ``"options"`` for job options the kiosk will not guess about."""
    detail: str = ""
    basis: Basis | None = None
    """What the count was made on: a release prints the job only while it is still this."""


class PrintWorker:
    """Counts held jobs and acts on the queue, on one thread of its own."""

    def __init__(
        self,
        cups: CupsQueue,
        on_job: Callable[[CountedJob], object],
        on_gone: Callable[[int], object],
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.cups = cups
        self._on_job = on_job
        self._on_gone = on_gone
        self._poll = poll_seconds
        self._orders: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._seen: dict[int, int] = {}
        """Counted jobs, with their number of documents then."""
        self._released: set[int] = set()
        self._thread: threading.Thread | None = None
        self._down = False
        self.polls = 0
        """How many times the queue was read (for tests and the benchmark)."""

    def start(self) -> None:
        """Start the thread."""
        self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish what was asked, then stop the thread."""
        if self._thread is not None:
            self._orders.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def release(self, job_id: int, pages: int, basis: Basis | None) -> Future[bool]:
        """Approve the job for the gate (to print once, as ``basis``, charged ``pages``)
        and take it off hold; False (and the job counted again) when it is no longer what
        was quoted."""
        return self._order(lambda: self._release(job_id, pages, basis))

    def cancel(self, job_id: int) -> Future[None]:
        """Cancel and purge the job."""
        return self._order(lambda: self.cups.cancel(job_id))

    def purge(self, user: str) -> Future[int]:
        """Cancel and purge every job of ``user``; how many."""
        return self._order(lambda: self.cups.purge_visitor_jobs(user))

    # -- the thread ----------------------------------------------------------------------

    def _order(self, work: Callable[[], Any]) -> Future[Any]:
        done: Future[Any] = Future()
        self._orders.put((work, done))
        return done

    def _run(self) -> None:
        next_poll = time.monotonic()
        while True:
            wait = next_poll - time.monotonic()
            try:
                # Orders do not delay the polls: a job is seen within one interval.
                order = self._orders.get(timeout=wait) if wait > 0 else self._orders.get_nowait()
            except queue.Empty:
                self._poll_once()
                interval = RETRY_SECONDS if self._down else self._poll
                next_poll = time.monotonic() + interval
                continue
            if order is None:
                return
            work, done = order
            try:
                done.set_result(work())
            except Exception as exc:  # handed to the caller, who decides
                done.set_exception(exc)

    def _release(self, job_id: int, pages: int, basis: Basis | None) -> bool:
        now = self.cups.details(job_id)
        if (
            basis is None
            or now.state != HELD
            or now.user != basis.user
            or now.documents != len(basis.documents)
            or now.copies != basis.copies
            or now.paper != basis.options
            or now.extra_sheets
        ):
            event(log, "print_job_changed", job=job_id)
            self._seen.pop(job_id, None)  # counted again at the next poll
            return False
        self.cups.approve_and_release(Approval(job_id, pages, basis))
        self._released.add(job_id)
        return True

    def _poll_once(self) -> None:
        try:
            jobs = self.cups.jobs()
        except PrintSystemError as exc:
            if not self._down:
                event(log, "print_system_down", logging.WARNING, error=str(exc))
            self._down = True
            return
        if self._down:
            event(log, "print_system_up")
            self._down = False
        self.polls += 1
        present = {job.job_id for job in jobs}
        for job_id in sorted(set(self._seen) - present):
            self._seen.pop(job_id, None)
            self._released.discard(job_id)
            self._on_gone(job_id)
        for job in jobs:
            if not job.held or job.documents < 1:
                continue  # a job created without its documents yet is counted when it has one
            counted_with = self._seen.get(job.job_id)
            if counted_with == job.documents and job.job_id not in self._released:
                continue
            counted = self._count(job.job_id, job.user, job.created)
            if counted is not None:
                self._seen[job.job_id] = job.documents
                self._released.discard(job.job_id)
                self._on_job(counted)

    def _count(self, job_id: int, user: str, created: int) -> CountedJob | None:
        try:
            details = self.cups.details(job_id)
            digests: list[str] = []
            pages: list[int] = []
            problem: Uncountable | None = None
            for number in range(1, details.documents + 1):
                with self.cups.document(job_id, number) as (path, document_format):
                    digests.append(self.cups.digest(path))
                    if problem is None:
                        try:
                            kind = document_format or details.document_format
                            pages.append(count_pages(path, kind))
                        except Uncountable as exc:
                            problem = exc
            if not digests:
                return None
            basis = Basis(user, details.copies, details.paper, tuple(digests))
            if problem is not None:
                return CountedJob(
                    job_id, user, created, None, False, problem.problem.value, problem.detail, basis
                )
            try:
                options = details.options
            except JobOptionError as exc:
                return CountedJob(
                    job_id, user, created, None, False, OPTIONS_PROBLEM, str(exc), basis
                )
            counts = [count_job(n, options) for n in pages]
            # Each document goes to the printer on its own: its copies, ranges and sheets.
            total = PrintCount(
                sum(c.document_pages for c in counts),
                sum(c.pages for c in counts),
                sum(c.sheets for c in counts),
            )
            return CountedJob(job_id, user, created, total, details.colour, basis=basis)
        except PrintSystemError as exc:
            # Gone meanwhile, or CUPS hiccuped: the next poll tries again if it is still there.
            event(log, "print_job_unreadable", logging.WARNING, job=job_id, error=str(exc))
            return None
