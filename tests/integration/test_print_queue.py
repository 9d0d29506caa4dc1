"""The kiosk's CUPS queue against a real private cupsd: what the print meter sees and does."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import pytest
from conftest_print import cups
from helpers.print_documents import write_pdf

from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing.cups_queue import CupsQueue, options_from_attributes
from kiosk.agent.printing.documents import count_pages
from kiosk.agent.printing.gate_backend import Approval
from kiosk.core.printing import JobOptionError, PageSet, Sides, count_job

__all__ = ["cups"]

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed (Debian package cups)"
)


def _submit(cups: PrivateCups, doc: Path, *options: str, title: str = "doc") -> int:
    done = cups.run("lp", "-d", "kiosk", "-t", title, *options, str(doc))
    return int(re.search(r"kiosk-(\d+)", done.stdout).group(1))


def _wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_a_submitted_job_waits_on_hold_and_is_counted_from_its_document(cups, tmp_path):
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    job = _submit(
        cups,
        write_pdf(tmp_path / "a.pdf", 9),
        "-n",
        "2",
        "-o",
        "number-up=2",
        "-o",
        "sides=two-sided-long-edge",
        "-o",
        "print-color-mode=color",
    )
    [seen] = queue.jobs()
    assert (seen.job_id, seen.held, seen.user) == (job, True, "root")
    details = queue.details(job)
    assert details.colour
    assert details.options.copies == 2 and details.options.number_up == 2
    with queue.document(job) as (path, kind):
        assert count_pages(path, kind) == 9
        fetched = path
    assert not fetched.exists(), "the visitor's document must not stay on disk"
    count = count_job(9, details.options)
    assert (count.pages, count.sheets) == (10, 6)


def test_an_approved_job_prints_once_and_the_page_log_has_no_names(cups, tmp_path):
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    marker = "cv-" + secrets.token_hex(4)
    job = _submit(cups, write_pdf(tmp_path / f"{marker}.pdf", 3), title=marker)
    queue.approve_and_release(Approval(job, 3, queue.basis(job)))
    _wait_for((cups.printed / f"job-{job}").exists, "the job to print")
    _wait_for(lambda: queue.jobs() == [], "the job to complete")
    assert list(cups.approvals.iterdir()) == [], "an approval is good for one job, once"
    page_log = (cups.root / "log/page_log").read_text()
    assert "total 3" in page_log
    assert marker not in page_log and "root" not in page_log
    assert queue.jobs(which="completed") == [], "no job history is kept"


def test_cancel_purges_the_job_and_its_document(cups, tmp_path):
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    marker = "letter-" + secrets.token_hex(4)
    job = _submit(cups, write_pdf(tmp_path / "b.pdf", 2), title=marker)
    queue.cancel(job)
    assert queue.jobs(which="all") == []
    spooled = [p.name for p in (cups.root / "spool").iterdir() if p.is_file()]
    assert not [name for name in spooled if name.startswith(("d", "c"))], spooled
    assert list(cups.printed.iterdir()) == []


def test_purging_a_visitors_jobs_leaves_nothing_of_them(cups, tmp_path):
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    marker = "bank-" + secrets.token_hex(4)
    jobs = [_submit(cups, write_pdf(tmp_path / f"{n}.pdf", 1), title=marker) for n in range(3)]
    queue.approve_and_release(Approval(jobs[0], 1, queue.basis(jobs[0])))
    _wait_for(lambda: len(queue.jobs()) == 2, "one job to print")
    assert queue.purge_visitor_jobs("root") == 2
    assert queue.purge_visitor_jobs("root") == 0, "a second purge finds nothing"
    assert queue.jobs(which="all") == []
    for path in cups.root.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            assert marker.encode() not in path.read_bytes(), f"{marker} left in {path}"


def test_options_cups_gives_become_job_options():
    options = options_from_attributes(
        {
            "copies": 3,
            "page-ranges": [(1, 3), (5, 5)],
            "input-page-ranges": "2-8",
            "number-up": 4,
            "sides": "two-sided-short-edge",
            "page-set": "odd",
        }
    )
    assert options.page_ranges == ((1, 3), (5, 5))
    assert options.input_page_ranges == ((2, 8),)
    assert (options.copies, options.number_up) == (3, 4)
    assert options.sides is Sides.TWO_SIDED_SHORT_EDGE and options.page_set is PageSet.ODD
    assert options_from_attributes({"page-ranges": (2, 2)}).page_ranges == ((2, 2),)


@pytest.mark.parametrize(
    ("attributes", "option"),
    [
        ({"sides": "three-sided"}, "sides"),
        ({"page-set": "prime"}, "page-set"),
        ({"number-up": 5}, "number-up"),
    ],
)
def test_options_the_kiosk_cannot_count_are_named(attributes, option):
    with pytest.raises(JobOptionError) as caught:
        options_from_attributes(attributes)
    assert caught.value.option == option


def test_a_wipe_is_not_held_up_by_a_cupsd_that_is_not_there(tmp_path, caplog):
    from kiosk.agent.printing.cups_queue import TolerantPurger

    purger = TolerantPurger(CupsQueue(tmp_path / "no-cups.sock"))
    with caplog.at_level("ERROR"):
        assert purger.purge_visitor_jobs("epn-visitor") == 0
    assert any(r.getMessage() == "print_purge_failed" for r in caplog.records)


def test_the_wipes_purger_purges_when_cupsd_is_there(cups, tmp_path):
    from kiosk.agent.printing.cups_queue import TolerantPurger

    _submit(cups, write_pdf(tmp_path / "a.pdf", 1))
    assert TolerantPurger(CupsQueue(cups.socket)).purge_visitor_jobs("root") == 1


def _held_again(cups: PrivateCups, queue: CupsQueue, job: int) -> None:
    _wait_for(
        lambda: f"[Job {job}] Backend returned status 3" in cups.error_log(),
        "the gate to send the job back on hold",
    )
    _wait_for(lambda: [j.held for j in queue.jobs() if j.job_id == job] == [True], "held")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda cups, job, tmp: cups.send_document(job, write_pdf(tmp / "x.pdf", 9)),
            id="document-added",
        ),
        pytest.param(lambda cups, job, tmp: cups.run("lp", "-i", str(job), "-n", "4"), id="copies"),
        pytest.param(
            lambda cups, job, tmp: cups.run("lp", "-i", str(job), "-P", "1-6"), id="page-ranges"
        ),
        pytest.param(
            lambda cups, job, tmp: cups.run("lp", "-i", str(job), "-o", "number-up=1"),
            id="number-up",
        ),
    ],
)
def test_the_gate_refuses_a_job_changed_after_its_approval(cups, tmp_path, change):
    # The agent approved the job as quoted; it changes before CUPS runs the gate.
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    job = _submit(cups, write_pdf(tmp_path / "a.pdf", 6), "-P", "1", "-o", "number-up=2")
    approval = Approval(job, 1, queue.basis(job))
    change(cups, job, tmp_path)
    queue.approve_and_release(approval)
    _held_again(cups, queue, job)
    assert cups.device_runs() == []


def test_an_approval_prints_its_job_once_and_no_other(cups, tmp_path):
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    doc = write_pdf(tmp_path / "a.pdf", 2)
    job = _submit(cups, doc, doc.as_posix())
    approval = Approval(job, 4, queue.basis(job))
    queue.approve_and_release(approval)
    _wait_for(lambda: queue.jobs() == [], "the job to print")
    assert cups.device_pages(job) == 4
    # The same approval written again for the next job id (a replay, or an id reused after
    # a restart of cupsd) does not print a job that is not the approved one.
    other = write_pdf(tmp_path / "b.pdf", 7)
    reused = Approval(job + 1, 4, approval.basis)
    path = cups.approvals / f"job-{job + 1}"
    path.write_text(reused.to_text())
    stranger = _submit(cups, other, "-o", "job-hold-until=no-hold")
    assert stranger == job + 1
    _held_again(cups, queue, stranger)
    assert cups.device_pages() == 4


def test_the_purge_keeps_a_confirmed_job_waiting_for_the_printer_and_cancels_the_rest(
    cups, tmp_path
):
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    confirmed, held = (_submit(cups, write_pdf(tmp_path / f"{n}.pdf", 2)) for n in range(2))
    cups.run("cupsdisable", "kiosk")
    queue.approve_and_release(Approval(confirmed, 2, queue.basis(confirmed)))
    _wait_for(lambda: [j.state for j in queue.jobs()] == [3, 4], "the confirmed job to wait")
    assert queue.purge_visitor_jobs("root") == 1, "only the unconfirmed job is purged"
    assert [j.job_id for j in queue.jobs(which="all")] == [confirmed]
    assert queue.released_jobs("root") == [confirmed]
    cups.run("cupsenable", "kiosk")
    _wait_for(lambda: queue.jobs(which="all") == [], "the confirmed job to print, then go")
    assert cups.device_pages(confirmed) == 2 and cups.device_pages(held) == 0
    assert list(cups.approvals.iterdir()) == [], "no approval or mark left"
    assert queue.purge_visitor_jobs("root") == 0
