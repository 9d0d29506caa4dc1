"""The print meter's decisions: nothing prints without the visitor's "print" or an
animator; quotas, free pages and timeouts hold; every outcome is told to the console."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from typing import TypeVar

import pytest

from kiosk.agent.printing.meter import (
    CONFIRM_SECONDS,
    RELEASED_AFTER_SESSION_SECONDS,
    Outcome,
    PrintJobFact,
    PrintMeter,
    Waiting,
)
from kiosk.agent.printing.worker import CountedJob
from kiosk.core.printing import JobOptions, count_job
from policies import Policy
from policies.loading import default_policy

VISITOR = "epn-visitor"
STARTED = 1_800_000_000.0
T = TypeVar("T")


class FakeQueue:
    def __init__(self) -> None:
        self.orders: list[tuple[str, object]] = []

    def _done(self, value: T) -> Future[T]:
        done: Future[T] = Future()
        done.set_result(value)
        return done

    def release(self, job_id: int, pages: int, basis: object = None) -> Future[bool]:
        self.orders.append(("release", (job_id, pages)))
        return self._done(True)

    def cancel(self, job_id: int) -> Future[None]:
        self.orders.append(("cancel", job_id))
        return self._done(None)

    def purge(self, user: str) -> Future[int]:
        self.orders.append(("purge", user))
        return self._done(0)


Setup = tuple[PrintMeter, FakeQueue, list[PrintJobFact], Policy]
"""A meter on a fake queue, what it told the console, and the default policy."""


@pytest.fixture
def setup() -> Setup:
    queue = FakeQueue()
    facts: list[PrintJobFact] = []
    changes: list[int] = []
    meter = PrintMeter(queue, VISITOR, facts.append, lambda: changes.append(1))
    policy = default_policy()
    return meter, queue, facts, policy


def job(
    job_id: int,
    pages: int,
    *,
    user: str = VISITOR,
    created: float = STARTED + 5,
    colour: bool = False,
    options: JobOptions | None = None,
) -> CountedJob:
    return CountedJob(job_id, user, int(created), count_job(pages, options or JobOptions()), colour)


def test_a_job_waits_for_the_visitor_then_prints_what_was_shown(setup):
    meter, queue, facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(7, 3), now_mono=0)
    shown = meter.pending()
    assert shown is not None and shown.waiting is Waiting.CONFIRM
    assert shown.quote.count.pages == 3
    assert shown.quote.cost_cents == 3 * policy.printing.price_per_page_cents
    assert queue.orders == [], "nothing is released before the visitor answers"
    assert meter.answer(7, print_it=True)
    assert queue.orders == [("release", (7, 3))]
    assert meter.printed == 3 and meter.pending() is None
    assert [f.outcome for f in facts] == [Outcome.COUNTED, Outcome.RELEASED]
    assert facts[-1].cost_cents == shown.quote.cost_cents and facts[-1].session_id == "s1"


def test_cancel_and_silence_both_cancel(setup):
    meter, queue, facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(1, 2), now_mono=0)
    meter.job_counted(job(2, 2), now_mono=0)
    assert meter.answer(1, print_it=False)
    meter.tick(CONFIRM_SECONDS - 1)
    assert ("cancel", 2) not in queue.orders
    meter.tick(CONFIRM_SECONDS)
    assert queue.orders == [("cancel", 1), ("cancel", 2)]
    assert meter.printed == 0
    assert [f.outcome for f in facts].count(Outcome.CANCELLED) == 2


def test_over_quota_is_refused_until_an_animator_grants_pages(setup):
    meter, queue, facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    too_many = policy.printing.pages_per_session + 5
    meter.job_counted(job(3, too_many), now_mono=0)
    shown = meter.pending()
    assert shown.waiting is Waiting.OVER_QUOTA and shown.quote.over_quota
    assert facts[-1].outcome is Outcome.REFUSED
    assert not meter.answer(3, print_it=True), "a refused job cannot be printed by the visitor"
    assert queue.orders == []
    meter.grant(5)
    shown = meter.pending()
    assert shown.waiting is Waiting.CONFIRM
    assert meter.answer(3, print_it=True)
    assert queue.orders == [("release", (3, too_many))]


def test_an_uncountable_job_prints_only_when_an_animator_releases_it(setup):
    meter, queue, facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(CountedJob(4, VISITOR, int(STARTED) + 1, None, False, "encrypted"), 0)
    shown = meter.pending()
    assert shown.waiting is Waiting.UNCOUNTABLE and shown.problem == "encrypted"
    assert facts[-1].outcome is Outcome.UNCOUNTABLE
    assert not meter.answer(4, print_it=True)
    assert meter.staff_release(4, pages=2)
    assert queue.orders == [("release", (4, 2))]
    assert facts[-1].cost_cents == 0


def test_jobs_outside_the_session_are_cancelled_without_asking(setup):
    meter, queue, _facts, policy = setup
    meter.job_counted(job(1, 1), now_mono=0)  # no session at all
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(2, 1, created=STARTED - 60), now_mono=0)  # the previous visitor's
    meter.job_counted(job(3, 1, user="root"), now_mono=0)
    assert queue.orders == [("cancel", 1), ("cancel", 2), ("cancel", 3)]
    assert meter.pending() is None


def test_the_end_of_a_session_cancels_what_waits_and_purges_the_account(setup):
    meter, queue, facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(5, 1), now_mono=0)
    meter.session_ended()
    assert queue.orders == [("cancel", 5), ("purge", VISITOR)]
    assert meter.pending() is None and facts[-1].outcome is Outcome.CANCELLED


def test_a_tickets_free_pages_are_free(setup):
    meter, _queue, _facts, policy = setup
    meter.session_started(policy, "s1", STARTED, free_pages=2)
    meter.job_counted(job(1, 3), now_mono=0)
    assert meter.pending().quote.cost_cents == 1 * policy.printing.price_per_page_cents
    meter.answer(1, print_it=True)
    meter.job_counted(job(2, 1), now_mono=0)
    assert meter.pending().quote.free_pages_used == 0


def test_a_members_day_quota_counts_what_was_printed_earlier_today(setup):
    meter, _queue, _facts, policy = setup
    meter.session_started(
        policy, "s1", STARTED, member=True, printed_today=policy.printing.pages_per_day - 2
    )
    meter.job_counted(job(1, 3), now_mono=0)
    assert meter.pending().waiting is Waiting.OVER_QUOTA


def test_colour_is_priced_as_colour(setup):
    meter, _queue, _facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(1, 2, colour=True), now_mono=0)
    assert meter.pending().quote.cost_cents == 2 * policy.printing.colour_price_per_page_cents


def test_a_released_job_counted_again_is_given_back_and_asked_about_again(setup):
    # The worker found it changed before releasing it, or the gate sent it back on hold:
    # nothing of it printed.
    meter, _queue, facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(5, 3), now_mono=0)
    assert meter.answer(5, print_it=True)
    assert meter.printed == 3 and meter.cost_cents > 0
    meter.job_counted(job(5, 8), now_mono=1)
    assert meter.printed == 0 and meter.cost_cents == 0
    shown = meter.pending()
    assert shown is not None and shown.job_id == 5 and shown.quote.count.pages == 8
    # The console takes back what the release counted: pages and money.
    taken_back = facts[-2]
    assert taken_back.outcome is Outcome.NOT_PRINTED and taken_back.pages == 3
    assert taken_back.cost_cents == facts[1].cost_cents > 0
    assert meter.answer(5, print_it=True)
    assert meter.printed == 8
    meter.job_gone(5)
    meter.job_counted(job(5, 2, created=STARTED + 60), now_mono=2)
    assert meter.printed == 8, "a printed job is not given back when its id comes again"


def test_the_release_carries_what_was_counted(setup):
    from kiosk.agent.printing.gate_backend import Basis

    meter, _queue, _facts, policy = setup
    released: list[object] = []

    class Recording(FakeQueue):
        def release(self, job_id: int, pages: int, basis: object = None) -> Future[bool]:
            released.append(basis)
            return self._done(True)

    meter = PrintMeter(Recording(), VISITOR, lambda fact: None, lambda: None)
    meter.session_started(policy, "s1", STARTED)
    basis = Basis(VISITOR, 1, (), ("a" * 64,))
    counted = CountedJob(9, VISITOR, int(STARTED) + 1, count_job(2, JobOptions()), False)
    meter.job_counted(replace(counted, basis=basis), 0)
    assert meter.answer(9, print_it=True)
    assert released == [basis]


ENDED_AT = 10.0
"""When the session of the ``ended`` fixture ends (monotonic seconds)."""


@pytest.fixture
def ended(setup: Setup) -> Setup:
    """``setup`` once session s1 ended just after its visitor confirmed job 7 (3 pages)."""
    meter, _queue, _facts, policy = setup
    meter.session_started(policy, "s1", STARTED)
    meter.job_counted(job(7, 3), now_mono=0)
    assert meter.answer(7, print_it=True)
    meter.session_ended(now_mono=ENDED_AT)
    return setup


def test_a_job_confirmed_before_the_end_prints_after_it_and_is_charged_once(ended: Setup) -> None:
    meter, queue, facts, _policy = ended
    assert ("cancel", 7) not in queue.orders and queue.orders[-1] == ("purge", VISITOR)
    meter.job_gone(7)  # printed
    meter.tick(ENDED_AT + RELEASED_AFTER_SESSION_SECONDS + 1)
    assert [f.outcome for f in facts] == [Outcome.COUNTED, Outcome.RELEASED]


def test_a_confirmed_job_not_printed_in_time_is_cancelled_and_given_back(ended: Setup) -> None:
    meter, queue, facts, policy = ended
    meter.session_started(policy, "s2", STARTED + 100)
    meter.tick(ENDED_AT + RELEASED_AFTER_SESSION_SECONDS - 1)
    assert ("cancel", 7) not in queue.orders
    meter.tick(ENDED_AT + RELEASED_AFTER_SESSION_SECONDS)
    assert queue.orders[-1] == ("cancel", 7)
    back = facts[-1]
    assert (back.outcome, back.session_id, back.pages) == (Outcome.NOT_PRINTED, "s1", 3)
    assert meter.printed == 0, "the next visitor's session is not touched"
    meter.tick(ENDED_AT + 2 * RELEASED_AFTER_SESSION_SECONDS)
    assert facts[-1] is back, "given back once"


def test_a_confirmed_job_held_again_after_the_session_is_cancelled_and_given_back(
    ended: Setup,
) -> None:
    meter, queue, facts, _policy = ended
    meter.job_counted(job(7, 3), now_mono=ENDED_AT + 1)  # the gate sent it back on hold
    assert queue.orders[-1] == ("cancel", 7)
    assert (facts[-1].outcome, facts[-1].session_id) == (Outcome.NOT_PRINTED, "s1")
