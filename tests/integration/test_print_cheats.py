"""Cheats against the print meter, through a real agent and a real private cupsd with the
real gate backend in front of a recording printer: whatever is tried, the pages that reach
the printer (as the printer's own backend counts them) are at most the pages charged."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from conftest_print import cups, kiosk
from conftest_shell import shell
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.print_documents import write_pdf

from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing.cups_queue import CupsQueue
from kiosk.core.protocol import View

__all__ = ["cups", "kiosk", "shell"]

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed (Debian package cups)"
)


def pdf(tmp_path: Path, pages: int) -> Path:
    return write_pdf(tmp_path / f"{secrets.token_hex(3)}.pdf", pages)


def lp(cups: PrivateCups, *args: str) -> int:
    done = cups.run("lp", "-d", "kiosk", *args)
    found = re.search(r"kiosk-(\d+)", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


def create_job(cups: PrivateCups) -> int:
    import cups as pycups

    connection = pycups.Connection(host=str(cups.socket))
    connection.getJobs()  # authenticates the connection
    return int(connection.createJob("kiosk", "letters", {}))


def asked(shell: ShellClient, job: int, pages: int | None = None) -> View:
    return shell.wait_view(
        lambda v: (
            v.print_job is not None
            and v.print_job.job_id == job
            and v.print_job.waiting == "confirm"
            and (pages is None or v.print_job.pages == pages)
        )
    )


def done_printing(kiosk: AgentThread, cups: PrivateCups) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    kiosk.wait_until(lambda: queue.jobs() == [], 10, "the queue to empty")


def print_and_wait(kiosk: AgentThread, cups: PrivateCups, shell: ShellClient, job: int) -> None:
    """The visitor says print; back once the job reached the printer and left the queue."""
    assert shell.request("print_answer", job_id=job, print_it=True).ok
    kiosk.wait_until(lambda: cups.device_runs(job) != [], 10, "the job to print")
    done_printing(kiosk, cups)


def test_a_job_of_two_documents_is_charged_for_both(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, pdf(tmp_path, 3).as_posix(), pdf(tmp_path, 4).as_posix())
    shown = asked(shell, job).print_job
    assert shown is not None and shown.pages == 7
    assert shell.request("print_answer", job_id=job, print_it=True).ok
    shell.wait_view(lambda v: v.pages_printed == 7)
    kiosk.wait_until(lambda: cups.device_runs(job) != [], 10, "the job to print")
    done_printing(kiosk, cups)
    assert cups.device_pages(job) == 7
    assert shell.latest_view().pages_printed == 7


def test_copies_of_several_documents_are_charged_as_printed(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, "-n", "2", pdf(tmp_path, 2).as_posix(), pdf(tmp_path, 3).as_posix())
    assert asked(shell, job, 10).print_job is not None
    print_and_wait(kiosk, cups, shell, job)
    assert cups.device_pages(job) == 10 == shell.latest_view().pages_printed


def test_create_job_then_several_send_document_counts_every_document(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = create_job(cups)
    cups.send_document(job, pdf(tmp_path, 2), last=False)
    cups.send_document(job, pdf(tmp_path, 5), last=False)
    cups.send_document(job, pdf(tmp_path, 1), last=True)
    assert asked(shell, job, 8).print_job is not None
    print_and_wait(kiosk, cups, shell, job)
    assert cups.device_pages(job) == 8 == shell.latest_view().pages_printed


def test_a_document_sent_after_the_quote_is_quoted_again_not_printed_on_the_old_quote(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, pdf(tmp_path, 1).as_posix())
    asked(shell, job, 1)
    # The visitor saw "1 page", then adds 10 pages to the held job (CUPS accepts it).
    cups.send_document(job, pdf(tmp_path, 10), last=True)
    # Quoted again with both documents; nothing came out on the 1-page quote.
    again = asked(shell, job, 11).print_job
    assert again is not None
    assert cups.device_pages(job) == 0
    assert shell.latest_view().pages_printed == 0
    print_and_wait(kiosk, cups, shell, job)
    assert cups.device_pages(job) == 11 == shell.latest_view().pages_printed


def test_copies_changed_after_the_quote_are_quoted_again(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, pdf(tmp_path, 3).as_posix())
    asked(shell, job, 3)
    # As if the policy let the owner change it (root is allowed to): 5 copies.
    cups.run("lp", "-i", str(job), "-n", "5")
    shell.request("print_answer", job_id=job, print_it=True)
    assert asked(shell, job, 15).print_job is not None
    assert cups.device_pages(job) == 0
    print_and_wait(kiosk, cups, shell, job)
    assert cups.device_pages(job) == 15 == shell.latest_view().pages_printed


def test_page_ranges_widened_after_the_quote_are_quoted_again(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, "-P", "1", pdf(tmp_path, 12).as_posix())
    asked(shell, job, 1)
    cups.run("lp", "-i", str(job), "-P", "1-12")
    shell.request("print_answer", job_id=job, print_it=True)
    assert asked(shell, job, 12).print_job is not None
    assert cups.device_pages(job) == 0
    assert shell.request("print_answer", job_id=job, print_it=False).ok
    done_printing(kiosk, cups)
    assert cups.device_pages() == 0 == shell.latest_view().pages_printed


def test_a_job_of_another_account_never_prints(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    import pwd

    docs = cups.root / "docs"
    docs.mkdir(mode=0o755)
    theirs_doc = write_pdf(docs / "theirs.pdf", 2)
    theirs_doc.chmod(0o644)
    shell.start_session()
    done = cups.run("lp", "-d", "kiosk", str(theirs_doc), user=pwd.getpwnam("nobody").pw_uid)
    found = re.search(r"kiosk-(\d+)", done.stdout)
    assert found, done.stderr
    theirs = int(found.group(1))
    mine = lp(cups, pdf(tmp_path, 1).as_posix())
    asked(shell, mine, 1)
    assert not shell.request("print_answer", job_id=theirs, print_it=True).ok
    assert shell.request("print_answer", job_id=mine, print_it=True).ok
    done_printing(kiosk, cups)
    assert cups.device_runs(theirs) == []
    assert cups.device_pages() == 1 == shell.latest_view().pages_printed


def test_asking_for_no_hold_with_several_documents_prints_only_what_was_charged(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(
        cups,
        "-o",
        "job-hold-until=no-hold",
        pdf(tmp_path, 2).as_posix(),
        pdf(tmp_path, 2).as_posix(),
    )
    # The gate sent it back on hold; the agent asks about all of it.
    assert asked(shell, job, 4).print_job is not None
    assert cups.device_pages() == 0
    print_and_wait(kiosk, cups, shell, job)
    assert cups.device_pages(job) == 4 == shell.latest_view().pages_printed


def test_a_document_sent_after_the_visitor_said_print_is_held_by_the_gate_and_asked_again(
    kiosk: AgentThread, shell: ShellClient, cups: PrivateCups, tmp_path: Path
) -> None:
    shell.start_session()
    job = lp(cups, pdf(tmp_path, 2).as_posix())
    asked(shell, job, 2)
    # The printer is busy (stopped) when the visitor says print: the job is released
    # and waits, no longer held, when 9 more pages are sent to it.
    cups.run("cupsdisable", "kiosk")
    assert shell.request("print_answer", job_id=job, print_it=True).ok
    shell.wait_view(lambda v: v.pages_printed == 2)
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    kiosk.wait_until(
        lambda: [j.state for j in queue.jobs()] == [3], 10, "the job to wait for the printer"
    )
    cups.send_document(job, pdf(tmp_path, 9), last=True)
    cups.run("cupsenable", "kiosk")
    # The gate found a document it was not approved for: back on hold, nothing printed,
    # the 2 pages given back, and the visitor asked about the 11.
    assert asked(shell, job, 11).print_job is not None
    assert cups.device_pages() == 0
    assert shell.latest_view().pages_printed == 0
    print_and_wait(kiosk, cups, shell, job)
    assert cups.device_pages(job) == 11 == shell.latest_view().pages_printed
