"""The print meter: what happens to each held job of a session, on the agent's event loop.

Every job the worker counted is either asked about (the visitor sees pages, sheets, price
and what is left, and chooses), refused (over quota, or uncountable — an animator can
grant pages or release it), or cancelled (no session, a job from before this session,
another account's job, no answer within two minutes). Nothing prints without the
visitor's "print" or an animator's release; every outcome becomes a console event.
A job counted again (it changed after its quote, or the gate sent it back on hold: nothing
of it printed) is asked about again, and what its release had charged is given back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from epn_shared.json_log import event
from kiosk.agent.printing.gate_backend import Basis
from kiosk.agent.printing.worker import CountedJob
from kiosk.core.printing import Allowance, PrintCount, Quote, allowance, quote
from policies import Policy

log = logging.getLogger(__name__)

CONFIRM_SECONDS = 120.0
"""A job nobody answers about is cancelled after two minutes."""
RELEASED_AFTER_SESSION_SECONDS = 600.0
"""A job the visitor confirmed prints after their session ends; one the printer has not
taken ten minutes after the end is cancelled and purged, and its charge given back."""


class Outcome(StrEnum):
    """What became of a job (the console's ``print_job`` outcomes)."""

    COUNTED = "counted"
    RELEASED = "released"
    NOT_PRINTED = "not_printed"
    """Released, then back on hold before anything printed: the release is taken back."""
    CANCELLED = "cancelled"
    REFUSED = "refused"
    UNCOUNTABLE = "uncountable"


class Waiting(StrEnum):
    """Why a job waits: for the visitor's answer, or for an animator."""

    CONFIRM = "confirm"
    OVER_QUOTA = "over_quota"
    UNCOUNTABLE = "uncountable"


class Queue(Protocol):
    """What the meter asks of the print worker."""

    def release(self, job_id: int, pages: int, basis: Basis | None) -> Future[bool]: ...

    def cancel(self, job_id: int) -> Future[None]: ...

    def purge(self, user: str) -> Future[int]: ...


@dataclass(frozen=True, slots=True)
class PrintJobFact:
    """One outcome, for the console (through the outbox)."""

    session_id: str | None
    outcome: Outcome
    pages: int
    sheets: int
    cost_cents: int
    colour: bool


@dataclass(frozen=True, slots=True)
class Pending:
    """A job waiting on hold, and what the visitor is shown about it."""

    job_id: int
    waiting: Waiting
    deadline: float
    """Monotonic time at which it is cancelled unanswered."""
    quote: Quote | None
    problem: str | None = None
    currency: str = "EUR"
    basis: Basis | None = None
    """What was counted: the job is released only while it is still this."""


@dataclass
class _Session:
    session_id: str
    started: float
    """Wall-clock epoch seconds: jobs created before are not this visitor's."""
    free_pages: int
    day_quota: int | None
    printed_today: int
    printed: int = 0
    free_used: int = 0
    granted: int = 0
    cost_cents: int = 0
    pending: dict[int, Pending] = field(default_factory=dict)
    charged: dict[int, Quote] = field(default_factory=dict)
    """Released jobs not gone from the queue yet, and what each was charged."""


@dataclass
class _Draining:
    """A job a visitor confirmed, still to print after their session ended."""

    session_id: str
    charged: Quote
    deadline: float | None
    """Monotonic time at which it is cancelled if still there (None: set at the next tick)."""


class PrintMeter:
    """Decides about each counted job; the agent shows :meth:`pending` to the visitor."""

    def __init__(
        self,
        queue: Queue,
        visitor_user: str,
        on_fact: Callable[[PrintJobFact], None],
        on_change: Callable[[], None],
    ) -> None:
        self._queue = queue
        self.visitor_user = visitor_user
        self._on_fact = on_fact
        self._on_change = on_change
        self._policy: Policy | None = None
        self._session: _Session | None = None
        self._draining: dict[int, _Draining] = {}
        """Released jobs of ended sessions, not printed yet."""

    # -- session ------------------------------------------------------------------------

    def session_started(
        self,
        policy: Policy,
        session_id: str,
        started_epoch: float,
        *,
        free_pages: int = 0,
        member: bool = False,
        printed_today: int = 0,
    ) -> None:
        """A session began: its quota and free pages apply from now."""
        self._policy = policy
        self._session = _Session(
            session_id,
            started_epoch,
            free_pages,
            policy.printing.pages_per_day if member else None,
            printed_today,
        )

    def session_ended(self, now_mono: float | None = None) -> None:
        """Cancel what waits; purge everything of the visitor account but the jobs the
        visitor confirmed, which print to the end (the queue keeps them); one the printer
        has not taken :data:`RELEASED_AFTER_SESSION_SECONDS` later is cancelled then, and
        its charge given back (``now_mono``: when the session ended; None: at the next
        :meth:`tick`)."""
        session, self._session = self._session, None
        if session is not None:
            for job_id in list(session.pending):
                self._cancel(session, job_id)
            deadline = None if now_mono is None else now_mono + RELEASED_AFTER_SESSION_SECONDS
            for job_id, offer in session.charged.items():
                self._draining[job_id] = _Draining(session.session_id, offer, deadline)
        self._watch(self._queue.purge(self.visitor_user), "purge")
        self._on_change()

    def set_policy(self, policy: Policy) -> None:
        """Prices and quotas of a new policy apply to the next job."""
        self._policy = policy

    @property
    def printed(self) -> int:
        """Pages printed in this session."""
        return self._session.printed if self._session else 0

    @property
    def cost_cents(self) -> int:
        """What this session's printing cost."""
        return self._session.cost_cents if self._session else 0

    def pending(self) -> Pending | None:
        """The job the visitor is asked about now (the oldest), if any."""
        if self._session is None or not self._session.pending:
            return None
        return self._session.pending[min(self._session.pending)]

    def allowance(self) -> Allowance | None:
        """What this session may still print."""
        session, policy = self._session, self._policy
        if session is None or policy is None:
            return None
        return allowance(
            session_quota=policy.printing.pages_per_session,
            day_quota=session.day_quota,
            printed_session=session.printed,
            printed_today=session.printed_today + session.printed,
            granted=session.granted,
            free_pages=session.free_pages,
            free_used=session.free_used,
        )

    # -- jobs -----------------------------------------------------------------------------

    def job_counted(self, job: CountedJob, now_mono: float) -> None:
        """A newly held job (from the worker, on the agent's loop)."""
        session, policy = self._session, self._policy
        if job.job_id in self._draining:
            # Back on hold after its session ended: nothing of it printed.
            self._give_back(job.job_id, "held again after the session")
            return
        if session is None or policy is None:
            self._cancel_stray(job, "no session")
            return
        if job.user != self.visitor_user or job.created < int(session.started):
            self._cancel_stray(job, "not this session's job")
            return
        self._refund(session, job.job_id)
        deadline = now_mono + CONFIRM_SECONDS
        currency = policy.printing.currency
        if job.count is None:
            session.pending[job.job_id] = Pending(
                job.job_id, Waiting.UNCOUNTABLE, deadline, None, job.problem, currency, job.basis
            )
            self._fact(session, Outcome.UNCOUNTABLE, None, 0, colour=job.colour)
            event(log, "print_uncountable", job=job.job_id, problem=job.problem)
        else:
            offer = self._quote(job.count, job.colour)
            waiting = Waiting.OVER_QUOTA if offer.over_quota else Waiting.CONFIRM
            session.pending[job.job_id] = Pending(
                job.job_id, waiting, deadline, offer, None, currency, job.basis
            )
            outcome = Outcome.REFUSED if offer.over_quota else Outcome.COUNTED
            self._fact(session, outcome, job.count, 0, colour=job.colour)
            event(
                log,
                "print_counted",
                job=job.job_id,
                pages=job.count.pages,
                sheets=job.count.sheets,
                over_quota=offer.over_quota,
            )
        self._on_change()

    def job_gone(self, job_id: int) -> None:
        """A job left the queue (printed, or cancelled elsewhere)."""
        if self._draining.pop(job_id, None) is not None:
            event(log, "print_done_after_session", job=job_id)
        if self._session is None:
            return
        self._session.charged.pop(job_id, None)
        if self._session.pending.pop(job_id, None) is not None:
            self._on_change()

    def answer(self, job_id: int, *, print_it: bool) -> bool:
        """The visitor's answer; False when that job is not waiting for one."""
        session = self._session
        waiting = session.pending.get(job_id) if session else None
        if session is None or waiting is None:
            return False
        if not print_it:
            self._cancel(session, job_id)
        elif waiting.waiting is Waiting.CONFIRM and waiting.quote is not None:
            self._release(session, waiting.quote, waiting)
        else:
            return False
        self._on_change()
        return True

    def grant(self, pages: int) -> None:
        """An animator grants free pages: a job over quota is asked about again."""
        session = self._session
        if session is None:
            return
        session.granted += pages
        for job_id, waiting in list(session.pending.items()):
            if waiting.waiting is Waiting.OVER_QUOTA and waiting.quote is not None:
                offer = self._quote(waiting.quote.count, waiting.quote.colour)
                if not offer.over_quota:
                    session.pending[job_id] = replace(waiting, waiting=Waiting.CONFIRM, quote=offer)
        self._on_change()

    def staff_release(self, job_id: int, pages: int) -> bool:
        """An animator releases a job the kiosk could not count (free of charge)."""
        session = self._session
        waiting = session.pending.get(job_id) if session else None
        if session is None or waiting is None:
            return False
        count = waiting.quote.count if waiting.quote else PrintCount(pages, pages, pages)
        free = Quote(count, False, 0, count.pages, 0, over_quota=False)
        self._release(session, free, waiting, staff=True)
        self._on_change()
        return True

    def tick(self, now_mono: float) -> None:
        """Cancel the jobs nobody answered about in time, and the confirmed jobs of ended
        sessions the printer did not take in time."""
        for job_id, draining in list(self._draining.items()):
            if draining.deadline is None:
                draining.deadline = now_mono + RELEASED_AFTER_SESSION_SECONDS
            elif draining.deadline <= now_mono:
                self._give_back(job_id, "not printed in time after the session")
        session = self._session
        if session is None:
            return
        late = [j for j, waiting in session.pending.items() if waiting.deadline <= now_mono]
        for job_id in late:
            event(log, "print_timed_out", job=job_id)
            self._cancel(session, job_id)
        if late:
            self._on_change()

    # -- internals -----------------------------------------------------------------------

    def _quote(self, count: PrintCount, colour: bool) -> Quote:
        policy = self._policy
        left = self.allowance()
        assert policy is not None and left is not None
        return quote(
            count,
            colour,
            left,
            policy.printing.price_per_page_cents,
            policy.printing.colour_price_per_page_cents,
        )

    def _release(
        self, session: _Session, offer: Quote, waiting: Pending, staff: bool = False
    ) -> None:
        job_id = waiting.job_id
        session.pending.pop(job_id, None)
        session.printed += offer.count.pages
        session.free_used += offer.free_pages_used
        session.cost_cents += offer.cost_cents
        session.charged[job_id] = offer
        self._watch(self._queue.release(job_id, offer.count.pages, waiting.basis), "release")
        self._fact(session, Outcome.RELEASED, offer.count, offer.cost_cents, colour=offer.colour)
        event(
            log,
            "print_released",
            job=job_id,
            pages=offer.count.pages,
            cost_cents=offer.cost_cents,
            by="staff" if staff else "visitor",
        )

    def _refund(self, session: _Session, job_id: int) -> None:
        """A released job is counted again: it was not released (it changed since its
        quote) or the gate sent it back on hold before anything reached the printer."""
        offer = session.charged.pop(job_id, None)
        if offer is None:
            return
        session.printed -= offer.count.pages
        session.free_used -= offer.free_pages_used
        session.cost_cents -= offer.cost_cents
        self._fact(session, Outcome.NOT_PRINTED, offer.count, offer.cost_cents, colour=offer.colour)
        event(log, "print_not_printed", job=job_id, pages=offer.count.pages)

    def _give_back(self, job_id: int, why: str) -> None:
        """Cancel and purge a confirmed job of an ended session that did not print; what it
        was charged is given back to that session."""
        draining = self._draining.pop(job_id)
        offer = draining.charged
        self._watch(self._queue.cancel(job_id), "cancel")
        self._on_fact(
            PrintJobFact(
                draining.session_id,
                Outcome.NOT_PRINTED,
                offer.count.pages,
                offer.count.sheets,
                offer.cost_cents,
                offer.colour,
            )
        )
        event(log, "print_not_printed", job=job_id, pages=offer.count.pages, reason=why)

    def _cancel(self, session: _Session, job_id: int) -> None:
        waiting = session.pending.pop(job_id, None)
        self._watch(self._queue.cancel(job_id), "cancel")
        count = waiting.quote.count if waiting and waiting.quote else None
        colour = bool(waiting and waiting.quote and waiting.quote.colour)
        self._fact(session, Outcome.CANCELLED, count, 0, colour=colour)
        event(log, "print_cancelled", job=job_id)

    def _cancel_stray(self, job: CountedJob, why: str) -> None:
        self._watch(self._queue.cancel(job.job_id), "cancel")
        event(log, "print_cancelled", job=job.job_id, reason=why)

    def _fact(
        self,
        session: _Session,
        outcome: Outcome,
        count: PrintCount | None,
        cost: int,
        *,
        colour: bool,
    ) -> None:
        self._on_fact(
            PrintJobFact(
                session.session_id,
                outcome,
                count.pages if count else 0,
                count.sheets if count else 0,
                cost,
                colour,
            )
        )

    @staticmethod
    def _watch(done: Future[Any], what: str) -> None:
        def check(finished: Future[Any]) -> None:
            error = finished.exception()
            if error is not None:
                event(log, "print_order_failed", logging.ERROR, order=what, error=str(error))

        done.add_done_callback(check)
