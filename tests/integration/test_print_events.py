"""The print worker wakes on CUPS's events, against a real private cupsd running the real
``epn-wake`` notifier: with the fallback poll set to a minute, a job is still counted, shown
to the visitor, released and forgotten at once; without events (no notifier, a lost
subscription, a restarted cupsd) the fallback poll still does the work."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from conftest_print import Recorder, cups, lp, released_on_an_old_quote, running_worker
from conftest_shell import shell
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy
from helpers.print_documents import write_pdf

from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing import worker as worker_module
from kiosk.agent.printing.cups_queue import CupsQueue
from kiosk.agent.printing.worker import CountedJob, PrintWorker

__all__ = ["cups", "shell"]

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed (Debian package cups)"
)

LONG_POLL = 60.0
"""Longer than any wait below: what is seen in time was seen through an event."""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def started(cups: PrivateCups, poll: float) -> AbstractContextManager[tuple[PrintWorker, Recorder]]:
    """A worker on ``cups`` woken by its ``epn-wake`` notifier, its fallback poll ``poll``."""
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    return running_worker(queue, poll, events=cups.wake_socket)


def woken_by_a_new_job(
    cups: PrivateCups, worker: PrintWorker, recorder: Recorder, doc: Path, what: str
) -> CountedJob:
    """Submit ``doc``: the worker counts it, and an event (``what``) wakes it."""
    wakes = worker.wakes
    job = lp(cups, str(doc))
    counted = recorder.next_job()
    assert counted.job_id == job
    wait_until(lambda: worker.wakes > wakes, what)
    return counted


def test_with_a_minute_between_polls_events_do_the_work(cups: PrivateCups, tmp_path: Path) -> None:
    with started(cups, LONG_POLL) as (worker, recorder):
        wait_until(lambda: worker.subscribed, "the subscription")
        polls = worker.polls
        # Two documents: CUPS tells of the job (Create-Job) but not of its documents.
        job = lp(cups, str(write_pdf(tmp_path / "a.pdf", 2)), str(write_pdf(tmp_path / "b.pdf", 3)))
        counted = recorder.next_job()
        assert counted.job_id == job and counted.count is not None
        assert counted.count.pages == 5 and counted.basis is not None
        assert len(counted.basis.documents) == 2
        assert worker.wakes > 0 and worker.polls > polls
        assert worker.release(job, 5, counted.basis).result(timeout=10)
        assert recorder.gone.get(timeout=10) == job
        assert cups.device_pages(job) == 5
        held = lp(cups, str(tmp_path / "a.pdf"))
        assert recorder.next_job().job_id == held
        worker.cancel(held).result(timeout=10)
        assert recorder.gone.get(timeout=10) == held
        assert cups.device_pages(held) == 0
    assert not cups.wake_socket.exists(), "the wake socket is removed at stop"


def test_a_document_added_after_the_quote_is_still_caught_before_release(
    cups: PrivateCups, tmp_path: Path
) -> None:
    # No event says a held job got a document: the re-check before release catches it,
    # and the job is counted again at once, not at the next poll.
    with started(cups, LONG_POLL) as (worker, recorder):
        wait_until(lambda: worker.subscribed, "the subscription")
        released_on_an_old_quote(cups, worker, recorder, tmp_path)


def test_without_the_notifier_the_fallback_poll_counts_the_job(tmp_path: Path) -> None:
    with PrivateCups(notifier=False) as cups, started(cups, 0.2) as (worker, recorder):
        job = lp(cups, str(write_pdf(tmp_path / "a.pdf", 4)))
        counted = recorder.next_job()
        assert counted.job_id == job and counted.count is not None
        assert counted.count.pages == 4
        assert not worker.subscribed and worker.wakes == 0
        worker.cancel(job).result(timeout=10)
        assert recorder.gone.get(timeout=10) == job


def _cancel_the_subscription(cups: PrivateCups, worker: PrintWorker) -> None:
    import cups as pycups

    first = worker.subscription
    assert first is not None
    pycups.Connection(host=str(cups.socket)).cancelSubscription(first)
    wait_until(lambda: worker.subscription not in (None, first), "a new subscription")


def _remove_the_wake_socket(cups: PrivateCups, worker: PrintWorker) -> None:
    cups.wake_socket.unlink()
    wait_until(cups.wake_socket.exists, "the socket again")


@pytest.mark.parametrize(
    ("lose_events", "what"),
    [
        pytest.param(
            _cancel_the_subscription, "an event from the new subscription", id="subscription"
        ),
        pytest.param(_remove_the_wake_socket, "an event on the new socket", id="wake-socket"),
    ],
)
def test_a_lost_subscription_or_wake_socket_is_made_again(
    cups: PrivateCups,
    tmp_path: Path,
    lose_events: Callable[[PrivateCups, PrintWorker], None],
    what: str,
) -> None:
    with started(cups, 0.2) as (worker, recorder):
        wait_until(lambda: worker.subscribed, "the subscription")
        lose_events(cups, worker)
        woken_by_a_new_job(cups, worker, recorder, write_pdf(tmp_path / "a.pdf", 1), what)


def test_after_cupsd_restarts_jobs_are_counted_and_events_come_again(
    cups: PrivateCups, tmp_path: Path
) -> None:
    with started(cups, 0.2) as (worker, recorder):
        wait_until(lambda: worker.subscribed, "the subscription")
        held = lp(cups, str(write_pdf(tmp_path / "a.pdf", 1)))
        assert recorder.next_job().job_id == held
        cups.restart()
        # Kept by cupsd across the restart, or made again by the worker's fallback poll.
        after = CupsQueue(cups.socket)

        def known() -> bool:
            subscription = worker.subscription
            return subscription is not None and after.subscribed(subscription)

        wait_until(known, "the worker's subscription in the restarted cupsd")
        doc = write_pdf(tmp_path / "b.pdf", 2)
        counted = woken_by_a_new_job(cups, worker, recorder, doc, "an event after the restart")
        assert counted.count is not None and counted.count.pages == 2
        queued = {j.job_id for j in CupsQueue(cups.socket).jobs()}
        assert queued == {held, counted.job_id}, "the job held before the restart is still there"


@pytest.fixture
def kiosk(cups: PrivateCups, monkeypatch: pytest.MonkeyPatch) -> Iterator[AgentThread]:
    """A real agent metering ``cups`` whose fallback poll comes once a minute."""
    monkeypatch.setattr(worker_module, "POLL_SECONDS", LONG_POLL)
    options = {
        "cups_socket": cups.socket,
        "print_approvals": cups.approvals,
        "print_user": "root",
    }
    with AgentThread(policy=open_all_day_policy(), config_options=options) as harness:
        harness.wait_until(lambda: harness.agent.printing.meter is not None, 10, "printing")
        worker = harness.agent.printing.worker
        assert worker is not None and worker.poll_seconds == LONG_POLL
        harness.wait_until(lambda: worker.subscribed, 10, "the subscription")
        yield harness


def test_the_visitor_sees_the_confirmation_on_the_event(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, str(write_pdf(tmp_path / "cv.pdf", 3)))
    shown = shell.wait_view(
        lambda v: v.print_job is not None and v.print_job.job_id == job
    ).print_job
    assert shown is not None and shown.pages == 3 and shown.waiting == "confirm"
    worker = kiosk.agent.printing.worker
    assert worker is not None and worker.wakes > 0, "seen through CUPS's event"
    assert shell.request("print_answer", job_id=job, print_it=True).ok
    shell.wait_view(lambda v: v.print_job is None and v.pages_printed == 3)
    kiosk.wait_until(lambda: cups.device_runs(job) != [], 10, "the job to print")
    assert cups.device_pages(job) == 3
    queue = CupsQueue(cups.socket)
    kiosk.wait_until(lambda: queue.jobs() == [], 10, "the job to leave the queue")
