"""The print meter's worker: one thread with its own CUPS connection.

It reads the kiosk's queue when CUPS says something changed there, counts each newly held
job with all of its documents, counts it again when it changed (a document sent to it while
held, or back on hold after a release the gate refused), says when a job left the queue,
and runs what the agent asks — release, cancel, purge — in order, on the same thread, so
pycups is never shared. A release checks the job again first: one that is no longer what
was quoted is not released but counted again.

CUPS says so through a subscription to the queue's job events whose recipient is the
``epn-wake`` notifier (:mod:`kiosk.agent.printing.wake_notifier`): cupsd runs it and it sends
a byte to the worker's datagram socket per event. The byte only wakes the worker, which then
reads the queue as its poll does; it trusts nothing in it. A slow poll (every few seconds)
stays as the fallback: it catches what an event missed, renews the subscription and makes
it again when cupsd restarted without it, and is all there is when subscribing is refused.
"""

from __future__ import annotations

import contextlib
import grp
import logging
import os
import queue
import select
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from epn_shared.json_log import event
from kiosk.agent.printing.cups_queue import (
    HELD,
    CupsQueue,
    NoQueue,
    PrinterRefused,
    PrintSystemError,
)
from kiosk.agent.printing.cupsconf import gate_uri
from kiosk.agent.printing.documents import Uncountable, count_pages
from kiosk.agent.printing.gate_backend import Approval, Basis
from kiosk.agent.printing.wake_notifier import recipient_uri
from kiosk.core.printing import JobOptionError, PrintCount, count_job

log = logging.getLogger(__name__)

POLL_SECONDS = 3.0
"""The fallback poll: how long a change CUPS did not tell about may go unseen."""
RETRY_SECONDS = 2.0
LEASE_SECONDS = 600
"""The subscription's lease: one left by an agent that died ends on its own."""
RENEW_SECONDS = 120
EVENTS = (
    "job-created",
    "job-state-changed",
    "job-config-changed",
    "job-completed",
    "job-stopped",
)
"""A job came, changed state (held, released, printing, done, cancelled), or got a document."""
FOLLOW_UP_SECONDS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64)
"""Looks again after an event, sooner then later: CUPS 2.4 says a job was created (by
Create-Job, before its documents) but not that a held job got a document (measured), and
``lp`` sends them right after."""
INCOMING_SECONDS = 0.005
INCOMING_WINDOW = 1.0
"""While a job seen in the last second has no document yet, look every 5 ms: its first
document is on its way and no event will say it came."""
WAKE_SOCKET_NAME = "epn-kiosk-events.sock"
CUPS_GROUP = "lp"
"""The group cupsd runs its notifiers as (Debian's ``User lp``, ``Group lp``)."""
OPTIONS_PROBLEM = "options"
PRINTING = 5
STARTING_STATES = frozenset({3, PRINTING, 6})
"""Pending, processing, stopped mid-job: a job CUPS runs, or may start at any moment."""


class PrinterChange(StrEnum):
    """What became of a new printer for the queue."""

    CHANGED = "changed"
    SAME = "same"
    """The queue already sends there: nothing done (setting it again would restart a job)."""
    WAITING = "waiting"
    """A job is printing (or about to): the change is made as soon as none is."""
    MADE = "made"
    """There was no queue (a PC installed without a printer): made as the installer does."""
    REFUSED = "refused"
    """CUPS said no: the queue keeps its printer (or, if there was none, is still absent)."""


def wake_socket_for(cups_socket: Path) -> Path:
    """Where the agent listens for the notifier: beside cupsd's own socket (``/run/cups``),
    a folder cupsd's user may reach and where CUPS's AppArmor profile lets its notifiers
    write."""
    return cups_socket.parent / WAKE_SOCKET_NAME


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
        poll_seconds: float | None = None,
        events: Path | None = None,
    ) -> None:
        """``poll_seconds``: the fallback poll (default :data:`POLL_SECONDS`); ``events``:
        the socket where the ``epn-wake`` notifier wakes the worker (None: poll only)."""
        self.cups = cups
        self._on_job = on_job
        self._on_gone = on_gone
        self._poll = POLL_SECONDS if poll_seconds is None else poll_seconds
        self._events_path = events
        self._orders: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        # An order nudges the thread out of its wait on the wake socket.
        self._nudged, self._nudge = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._nudged.setblocking(False)
        self._nudge.setblocking(False)
        self._wake: socket.socket | None = None
        self._subscription: int | None = None
        self._renewed = 0.0
        self._refused_logged = False
        self._look = False
        self._empty_since: dict[int, float] = {}
        """Held jobs without a document yet, since when."""
        self._incoming = False
        """One of them came less than :data:`INCOMING_WINDOW` ago."""
        self._seen: dict[int, int] = {}
        """Counted jobs, with their number of documents then."""
        self._released: set[int] = set()
        self._printer_wanted: str | None = None
        """A printer URI the queue is to send to once no job is printing."""
        self._thread: threading.Thread | None = None
        self._down = False
        self.polls = 0
        """How many times the queue was read (for tests and the benchmark)."""
        self.wakes = 0
        """How many times CUPS's events woke the worker."""

    def start(self) -> None:
        """Start the thread."""
        self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish what was asked, then stop the thread."""
        if self._thread is not None:
            self._orders.put(None)
            self._poke()
            self._thread.join(timeout=30)
            self._thread = None

    @property
    def poll_seconds(self) -> float:
        """The fallback poll's interval."""
        return self._poll

    @property
    def subscription(self) -> int | None:
        """The id of the worker's subscription to CUPS's events, while it has one."""
        return self._subscription

    @property
    def subscribed(self) -> bool:
        """True while the worker holds a subscription to CUPS's events."""
        return self._subscription is not None

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

    def set_printer(self, printer_uri: str) -> Future[PrinterChange]:
        """Send what the queue prints to ``printer_uri`` (behind the gate) from now on; while
        a job is printing, or released and about to, as soon as it is done: a job prints
        whole on one printer, once. A later call replaces a change still waiting."""
        return self._order(lambda: self._want_printer(printer_uri))

    # -- the thread ----------------------------------------------------------------------

    def _order(self, work: Callable[[], Any]) -> Future[Any]:
        done: Future[Any] = Future()
        self._orders.put((work, done))
        self._poke()
        return done

    def _poke(self) -> None:
        with contextlib.suppress(OSError):  # a nudge already waiting is as good
            self._nudge.send(b"o")

    def _run(self) -> None:
        self._wake = self._listen()
        try:
            self._serve()
        finally:
            self._unsubscribe()
            if self._wake is not None:
                self._wake.close()
                self._wake = None
                if self._events_path is not None:
                    self._events_path.unlink(missing_ok=True)
            self._nudged.close()
            self._nudge.close()

    def _serve(self) -> None:
        next_poll = time.monotonic()
        follow_ups: list[float] = []
        woken = False
        while True:
            # Wait for an event, an order, a follow-up look or the fallback poll; events
            # and orders take turns, so neither delays the other.
            idle = not woken and self._orders.empty()
            if self._incoming and self._wake is not None:
                soon = time.monotonic() + INCOMING_SECONDS
                follow_ups = [soon, *(t for t in follow_ups if t > soon)]
            due = min(next_poll, follow_ups[0]) if follow_ups else next_poll
            wait = max(0.0, due - time.monotonic()) if idle else 0.0
            sources = [self._nudged] if self._wake is None else [self._nudged, self._wake]
            ready, _, _ = select.select(sources, [], [], wait)
            if self._nudged in ready:
                _drain(self._nudged)
            if self._wake is not None and self._wake in ready:
                _drain(self._wake)
                woken = True
                self.wakes += 1
            now = time.monotonic()
            if woken:
                follow_ups = [now + delay for delay in FOLLOW_UP_SECONDS]
            if now >= next_poll:
                woken = False
                self._poll_once()
                if self._keep_subscription():
                    self._poll_once()  # what changed before the subscription took effect
                interval = RETRY_SECONDS if self._down else self._poll
                next_poll = time.monotonic() + interval
            elif woken or (follow_ups and now >= follow_ups[0]):
                if not woken:
                    follow_ups.pop(0)
                woken = False
                self._poll_once()  # what the fallback poll would have seen, now
            try:
                order = self._orders.get_nowait()
            except queue.Empty:
                continue
            if order is None:
                return
            work, done = order
            try:
                done.set_result(work())
            except Exception as exc:  # handed to the caller, who decides
                done.set_exception(exc)
            if self._look:
                self._look = False
                woken = True  # a refused release: the job is counted again at once

    # -- events --------------------------------------------------------------------------

    def _listen(self) -> socket.socket | None:
        """The wake socket, writable by cupsd's notifier; None (poll only) if it cannot be."""
        path = self._events_path
        if path is None:
            return None
        # Made under another name and renamed when its permissions are right: the
        # notifier never finds it half made.
        making = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            making.unlink(missing_ok=True)
            wake = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                wake.setblocking(False)
                wake.bind(str(making))
                if os.geteuid() == 0:
                    # cupsd runs the notifier as lp: only root and lp may wake the worker.
                    with contextlib.suppress(KeyError):
                        os.chown(making, 0, grp.getgrnam(CUPS_GROUP).gr_gid)
                    making.chmod(0o620)
                else:
                    making.chmod(0o600)  # an unprivileged cupsd runs it as the agent's user
                making.replace(path)  # one left by an agent that did not stop goes
            except OSError:
                wake.close()
                making.unlink(missing_ok=True)
                raise
        except OSError as exc:
            event(log, "print_events_unavailable", logging.WARNING, error=str(exc))
            return None
        return wake

    def _keep_subscription(self) -> bool:
        """On each fallback poll: subscribe if not subscribed, or no more (a restarted
        cupsd that lost it); renew the lease in time. True when it just subscribed."""
        path = self._events_path
        if self._wake is not None and path is not None and not path.exists():
            # Removed under the worker (its folder made again): listen again.
            event(log, "print_events_socket_gone", path=str(path))
            self._wake.close()
            self._wake = self._listen()
        if self._wake is None or self._events_path is None or self._down:
            return False
        now = time.monotonic()
        try:
            if self._subscription is not None and not self.cups.subscribed(self._subscription):
                event(log, "print_events_lost", subscription=self._subscription)
                self._subscription = None
            if self._subscription is None:
                recipient = recipient_uri(str(self._events_path))
                self._subscription = self.cups.subscribe(recipient, EVENTS, LEASE_SECONDS)
                self._renewed = now
                event(log, "print_events_subscribed", subscription=self._subscription)
                return True
            if now - self._renewed >= RENEW_SECONDS:
                self.cups.renew(self._subscription, LEASE_SECONDS)
                self._renewed = now
        except PrintSystemError as exc:
            # Refused, or no notifier installed: the fallback poll does the work; asked
            # again at the next one.
            if self._subscription is not None or not self._refused_logged:
                event(log, "print_events_refused", logging.WARNING, error=str(exc))
            self._refused_logged = True
            self._subscription = None
        return False

    def _unsubscribe(self) -> None:
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            with contextlib.suppress(PrintSystemError):
                self.cups.unsubscribe(subscription)

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
            self._seen.pop(job_id, None)  # counted again, right after this order
            self._look = True
            return False
        self.cups.approve_and_release(Approval(job_id, pages, basis))
        self._released.add(job_id)
        return True

    def _want_printer(self, printer_uri: str) -> PrinterChange:
        self._printer_wanted = printer_uri
        change = self._change_printer()
        if change is PrinterChange.WAITING:
            event(log, "printer_change_waits", printer=shown_uri(printer_uri))
        return change

    def _change_printer(self) -> PrinterChange:
        """Point the queue's gate at the printer wanted, unless a job is printing or about
        to (CUPS would stop it and print it again from the start: twice, or, the gate's
        approval spent, never). Only this thread releases jobs, so none starts between the
        look and the change but one a visitor forced off hold, which the gate holds again."""
        wanted = self._printer_wanted
        if wanted is None:
            return PrinterChange.SAME
        device = gate_uri(wanted)
        try:
            printer = self.cups.printer()
        except NoQueue:
            return self._make_queue(wanted)  # installed without a printer
        except PrintSystemError:
            return PrinterChange.WAITING  # CUPS away: tried again at the next look
        try:
            if printer.device_uri == device:
                self._printer_wanted = None
                return PrinterChange.SAME
            busy = any(
                job.state in STARTING_STATES and not (printer.stopped and job.state != PRINTING)
                for job in self.cups.jobs()
            )
            if busy:
                return PrinterChange.WAITING
            self.cups.set_device(device)
        except PrinterRefused as exc:
            return self._refused(wanted, shown_uri(printer.device_uri), exc)
        except PrintSystemError:
            return PrinterChange.WAITING  # CUPS away: tried again at the next look
        self._printer_wanted = None
        before = shown_uri(printer.device_uri)
        event(log, "printer_changed", printer=shown_uri(wanted), before=before)
        return PrinterChange.CHANGED

    def _refused(self, wanted: str, kept: str | None, exc: PrinterRefused) -> PrinterChange:
        """CUPS refused ``wanted``: said once in the log (``kept``: the printer the queue
        keeps, None: no queue), not tried again before the next policy."""
        self._printer_wanted = None
        event(
            log,
            "printer_refused",
            logging.ERROR,
            printer=shown_uri(wanted),
            kept=kept,
            error=str(exc),
        )
        return PrinterChange.REFUSED

    def _make_queue(self, wanted: str) -> PrinterChange:
        """The queue, made as the installer makes it, sending to ``wanted`` behind the gate.
        Refused (no right to, the gate's backend missing): logged, the PC stays without a
        queue until the next policy; CUPS away: tried again at the next look."""
        try:
            self.cups.make(gate_uri(wanted))
        except PrinterRefused as exc:
            return self._refused(wanted, None, exc)
        except PrintSystemError:
            return PrinterChange.WAITING
        self._printer_wanted = None
        event(log, "printer_queue_made", queue=self.cups.queue, printer=shown_uri(wanted))
        return PrinterChange.MADE

    def _poll_once(self) -> None:
        self._look_at_queue()
        if self._printer_wanted is not None and not self._down:
            self._change_printer()

    def _look_at_queue(self) -> None:
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
        now = time.monotonic()
        empty = {job.job_id for job in jobs if job.held and job.documents < 1}
        self._empty_since = {job_id: self._empty_since.get(job_id, now) for job_id in empty}
        self._incoming = any(now - t < INCOMING_WINDOW for t in self._empty_since.values())
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


def shown_uri(uri: str) -> str:
    """A printer URI for the log, without a user name or password it may carry."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


def _drain(sock: socket.socket) -> None:
    """Read every datagram waiting: many events make one look at the queue."""
    with contextlib.suppress(OSError):
        while sock.recv(64):
            pass
