"""The print meter's worker against a real private cupsd: every held job is counted once,
what cannot be counted is said, and release, cancel and purge happen on its own thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_print import Recorder, lp, released_on_an_old_quote, running_worker
from helpers.print_documents import truncated, write_pdf, write_postscript

from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing.cups_queue import CupsQueue
from kiosk.agent.printing.worker import PrintWorker

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed (Debian package cups)"
)


Setup = tuple[PrivateCups, PrintWorker, Recorder]
"""A private cupsd and a worker polling it every 50 ms, with what the worker reported."""


@pytest.fixture
def setup() -> Iterator[Setup]:
    with (
        PrivateCups() as cups,
        running_worker(CupsQueue(cups.socket, approvals=cups.approvals), 0.05) as running,
    ):
        yield cups, *running


def _submit(cups: PrivateCups, doc: Path, *options: str) -> int:
    return lp(cups, *options, str(doc))


def test_each_held_job_is_counted_once_with_its_options(setup, tmp_path):
    cups, worker, recorder = setup
    first = _submit(cups, write_pdf(tmp_path / "a.pdf", 57), "-o", "number-up=4")
    second = _submit(cups, write_postscript(tmp_path / "b.ps", 3), "-n", "2")
    counted = {job.job_id: job for job in (recorder.next_job(), recorder.next_job())}
    assert counted[first].count is not None and counted[first].count.pages == 15
    assert counted[second].count is not None and counted[second].count.pages == 6
    polls = worker.polls
    deadline = time.monotonic() + 5
    while worker.polls < polls + 5:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert recorder.jobs.empty(), "a job still held is not counted again"


def test_what_cannot_be_counted_is_reported_not_printed(setup: Setup, tmp_path: Path) -> None:
    cups, _worker, recorder = setup
    cut = truncated(write_pdf(tmp_path / "full.pdf", 5), tmp_path / "cut.pdf")
    locked = write_pdf(tmp_path / "locked.pdf", 2, user_password="u", owner_password="o")
    _submit(cups, cut)
    _submit(cups, locked)
    problems = {recorder.next_job().problem, recorder.next_job().problem}
    assert problems == {"damaged", "encrypted"}
    assert list(cups.printed.iterdir()) == []


def test_release_prints_and_the_job_leaves_the_queue(setup: Setup, tmp_path: Path) -> None:
    cups, worker, recorder = setup
    job = _submit(cups, write_pdf(tmp_path / "a.pdf", 2))
    counted = recorder.next_job()
    assert counted.job_id == job
    assert worker.release(job, 2, counted.basis).result(timeout=10)
    assert recorder.gone.get(timeout=10) == job
    assert (cups.printed / f"job-{job}").exists()


def test_cancel_and_purge_run_on_the_worker_thread(setup: Setup, tmp_path: Path) -> None:
    cups, worker, recorder = setup
    jobs = [_submit(cups, write_pdf(tmp_path / f"{n}.pdf", 1)) for n in range(3)]
    assert {recorder.next_job().job_id for _ in jobs} == set(jobs)
    worker.cancel(jobs[0]).result(timeout=10)
    assert recorder.gone.get(timeout=10) == jobs[0]
    assert worker.purge("root").result(timeout=10) == 2
    assert {recorder.gone.get(timeout=10), recorder.gone.get(timeout=10)} == set(jobs[1:])
    assert list(cups.printed.iterdir()) == []


def test_a_cupsd_that_goes_away_is_survived() -> None:
    cups = PrivateCups()
    try:
        with running_worker(CupsQueue(cups.root / "nothing-here.sock"), 0.05) as (worker, _):
            done = worker.purge("root")
            with pytest.raises(Exception, match="CUPS"):
                done.result(timeout=10)
    finally:
        cups.stop()


def test_a_job_of_several_documents_is_counted_whole(setup: Setup, tmp_path: Path) -> None:
    cups, _worker, recorder = setup
    job = _submit(cups, write_pdf(tmp_path / "a.pdf", 3), "-n", "2")
    counted = recorder.next_job()
    assert counted.job_id == job and counted.count is not None and counted.count.pages == 6
    assert counted.basis is not None and len(counted.basis.documents) == 1
    two = lp(cups, str(write_pdf(tmp_path / "b.pdf", 2)), str(tmp_path / "a.pdf"))
    counted = recorder.next_job()
    assert counted.job_id == two and counted.count is not None and counted.count.pages == 5
    assert counted.basis is not None and len(counted.basis.documents) == 2


def test_a_release_on_an_old_quote_is_refused_and_the_job_counted_again(
    setup: Setup, tmp_path: Path
) -> None:
    cups, worker, recorder = setup
    again = released_on_an_old_quote(cups, worker, recorder, tmp_path)
    assert worker.release(again.job_id, 31, again.basis).result(timeout=10)
    assert recorder.gone.get(timeout=10) == again.job_id
    assert cups.device_pages(again.job_id) == 31


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["-P", "1-2,4"], id="page-ranges"),
        pytest.param(["-o", "input-page-ranges=2-3"], id="input-page-ranges"),
        pytest.param(["-o", "page-set=odd", "-o", "sides=two-sided-long-edge"], id="page-set"),
        pytest.param(["-o", "number-up=2", "-o", "print-color-mode=color"], id="number-up"),
        pytest.param(["-n", "3", "-o", "job-sheets=none"], id="copies"),
    ],
)
@pytest.mark.parametrize("documents", [1, 2])
def test_an_honest_job_with_options_prints_as_approved(
    setup: Setup, tmp_path: Path, options: list[str], documents: int
) -> None:
    # What the agent binds must read the same as what CUPS hands the gate, or honest jobs
    # would never print.
    cups, worker, recorder = setup
    doc = write_pdf(tmp_path / "a.pdf", 5)
    job = _submit(cups, doc, *options, *[str(doc)] * (documents - 1))
    counted = recorder.next_job()
    assert counted.job_id == job and counted.count is not None
    assert worker.release(job, counted.count.pages, counted.basis).result(timeout=10)
    assert recorder.gone.get(timeout=10) == job
    assert cups.device_runs(job) != [], cups.error_log()
    if options[0] in ("-P", "-n"):  # what the test printer applies itself: ranges, copies
        assert cups.device_pages(job) == counted.count.pages
