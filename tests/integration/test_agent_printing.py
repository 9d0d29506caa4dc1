"""Printing through a real agent and a real private cupsd: every job held, counted, shown
to the visitor, printed only on "print", cancelled on "cancel" or silence, refused over
quota until an animator grants pages, purged at the end of the session."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest_print import cups, kiosk, lp
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.print_documents import write_pdf

from epn_shared import protocol as wire
from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing.cups_queue import CupsQueue
from kiosk.agent.printing.meter import RELEASED_AFTER_SESSION_SECONDS, Outcome, PrintJobFact
from kiosk.core.model import State
from kiosk.core.protocol import View

__all__ = ["cups", "kiosk"]

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed (Debian package cups)"
)


def submit(
    cups: PrivateCups,
    tmp_path: Path,
    pages: int,
    *options: str,
    user_password: str | None = None,
    owner_password: str | None = None,
) -> int:
    doc = write_pdf(
        tmp_path / f"{secrets.token_hex(3)}.pdf",
        pages,
        user_password=user_password,
        owner_password=owner_password,
    )
    return lp(cups, *options, str(doc))


@contextmanager
def visit(kiosk: AgentThread) -> Iterator[ShellClient]:
    """A shell on ``kiosk`` that said hello and started a visitor's session."""
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        yield shell


def leave(shell: ShellClient) -> None:
    """The visitor ends the session, and the agent finishes it (done, or waiting for the next
    visitor)."""
    assert shell.request("end_session").ok
    shell.wait_view(lambda v: v.state in (State.DONE, State.WAITING))


def asked(shell: ShellClient, job: int, waiting: str = "confirm") -> View:
    return shell.wait_view(
        lambda v: (
            v.print_job is not None and v.print_job.job_id == job and v.print_job.waiting == waiting
        )
    )


def printed(cups: PrivateCups, job: int) -> bool:
    return (cups.printed / f"job-{job}").exists()


def test_the_visitor_sees_pages_sheets_and_price_then_prints(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    with visit(kiosk) as shell:
        job = submit(cups, tmp_path, 9, "-o", "number-up=2", "-o", "sides=two-sided-long-edge")
        shown = asked(shell, job).print_job
        assert shown is not None
        assert (shown.pages, shown.sheets) == (5, 3)
        assert shown.cost_cents == 5 * kiosk.policy.printing.price_per_page_cents
        assert shown.pages_left == kiosk.policy.printing.pages_per_session
        assert not printed(cups, job), "nothing comes out before the visitor says print"
        assert shell.request("print_answer", job_id=job, print_it=True).ok
        after = shell.wait_view(lambda v: v.print_job is None and v.pages_printed == 5)
        assert after.state is State.ACTIVE
        kiosk.wait_until(lambda: printed(cups, job), 10, "the job to print")
        page_log = cups.root / "log/page_log"
        kiosk.wait_until(
            lambda: page_log.exists() and "total 5" in page_log.read_text(),
            10,
            "CUPS to log the 5 pages the kiosk counted",
        )
        assert shell.request("end_session").ok
        done = shell.wait_view(lambda v: v.state is State.DONE)
    # The receipt tells what was printed and what it cost, after the meter forgot it.
    assert done.summary is not None
    assert (done.summary.pages_printed, done.summary.cost_cents, done.summary.currency) == (
        5,
        5 * kiosk.policy.printing.price_per_page_cents,
        "EUR",
    )


def test_cancel_and_two_minutes_of_silence_print_nothing(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    with visit(kiosk) as shell:
        first = submit(cups, tmp_path, 2)
        asked(shell, first)
        assert shell.request("print_answer", job_id=first, print_it=False).ok
        shell.wait_view(lambda v: v.print_job is None)
        second = submit(cups, tmp_path, 2)
        waiting = asked(shell, second).print_job
        assert waiting is not None and 110 <= waiting.seconds_left <= 120
        kiosk.advance(seconds=121)
        shell.wait_view(lambda v: v.print_job is None)
        kiosk.wait_until(lambda: queue.jobs() == [], 10, "both jobs cancelled")
        assert not printed(cups, first) and not printed(cups, second)
        assert shell.latest_view().pages_printed == 0


def test_over_quota_waits_for_an_animator_who_grants_pages(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    quota = kiosk.policy.printing.pages_per_session
    with visit(kiosk) as shell:
        job = submit(cups, tmp_path, quota + 3)
        refused = asked(shell, job, "over_quota").print_job
        assert refused is not None and refused.pages == quota + 3 and refused.pages_left == quota
        answer = shell.request("print_answer", job_id=job, print_it=True)
        assert not answer.ok, "over quota, the visitor alone cannot print it"
        status = kiosk.call(kiosk.agent.console.console_status)
        assert (status.print_waiting, status.print_job_id) == ("over_quota", job)
        grant = wire.Command(
            command_id="grant-1234", action=wire.CommandAction.GRANT_PAGES, by="ada", pages=3
        )
        assert kiosk.call(lambda: kiosk.agent.console.console_command(grant)).ok
        offer = asked(shell, job).print_job
        assert offer is not None and offer.cost_cents < (quota + 3) * 10
        assert shell.request("print_answer", job_id=job, print_it=True).ok
        kiosk.wait_until(lambda: printed(cups, job), 10, "the job to print")


def test_a_document_the_kiosk_cannot_count_prints_only_when_staff_release_it(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    with visit(kiosk) as shell:
        job = submit(cups, tmp_path, 2, user_password="u", owner_password="o")
        told = asked(shell, job, "uncountable").print_job
        assert told is not None and told.problem == "encrypted"
        assert not shell.request("print_answer", job_id=job, print_it=True).ok
        release = wire.Command(
            command_id="release-1",
            action=wire.CommandAction.PRINT_RELEASE,
            by="ada",
            job_id=job,
            pages=2,
        )
        assert kiosk.call(lambda: kiosk.agent.console.console_command(release)).ok
        kiosk.wait_until(lambda: printed(cups, job), 10, "the job to print")
        assert shell.wait_view(lambda v: v.print_job is None).pages_printed == 2


def test_the_end_of_the_session_purges_every_job_and_a_job_without_session_is_cancelled(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    stray = submit(cups, tmp_path, 1)
    kiosk.wait_until(lambda: queue.jobs() == [], 10, "a job with no session cancelled")
    with visit(kiosk) as shell:
        waiting = submit(cups, tmp_path, 1)
        asked(shell, waiting)
        leave(shell)
    kiosk.wait_until(lambda: queue.jobs(which="all") == [], 10, "every job purged")
    assert not printed(cups, stray) and not printed(cups, waiting)


def test_a_price_the_console_pushes_applies_to_the_next_job(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    data = kiosk.policy.model_dump(mode="json")
    data["printing"]["price_per_page_cents"] += 7
    price = data["printing"]["price_per_page_cents"]
    command = wire.Command(
        command_id="policy-1", action=wire.CommandAction.POLICY_UPDATE, by="ada", policy=data
    )
    with visit(kiosk) as shell:
        assert kiosk.call(lambda: kiosk.agent.console.console_command(command)).ok, "mid-session"
        job = submit(cups, tmp_path, 3)
        shown = asked(shell, job).print_job
        assert shown is not None and shown.cost_cents == 3 * price


@pytest.fixture
def facts(kiosk: AgentThread) -> list[PrintJobFact]:
    """What the meter tells the console from now on (the outbox's print_job events)."""
    facts: list[PrintJobFact] = []

    def install() -> None:
        meter = kiosk.agent.printing.meter
        assert meter is not None
        told = meter._on_fact

        def record(fact: PrintJobFact) -> None:
            facts.append(fact)
            told(fact)

        meter._on_fact = record

    kiosk.call(install)
    return facts


def _charged(facts: list[PrintJobFact]) -> int:
    """Pages the usage review charges: released, less what was given back."""
    released = sum(f.pages for f in facts if f.outcome is Outcome.RELEASED)
    return released - sum(f.pages for f in facts if f.outcome is Outcome.NOT_PRINTED)


def confirmed_just_before_logout(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path, pages: int, unanswered: int = 0
) -> int:
    """A session in which the visitor confirms a job of ``pages`` while the printer is still
    busy with someone else's page (the queue disabled), is asked about a job of
    ``unanswered`` pages (when not 0) and logs out at once. Returns the confirmed job's id:
    counted as printed, not printed yet."""
    with visit(kiosk) as shell:
        job = submit(cups, tmp_path, pages)
        asked(shell, job)
        cups.run("cupsdisable", "kiosk")
        assert shell.request("print_answer", job_id=job, print_it=True).ok
        shell.wait_view(lambda v: v.pages_printed == pages)
        if unanswered:
            asked(shell, submit(cups, tmp_path, unanswered))
        leave(shell)
    return job


def test_a_job_confirmed_just_before_logout_prints_once_then_nothing_of_it_remains(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path, facts: list[PrintJobFact]
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    confirmed = confirmed_just_before_logout(kiosk, cups, tmp_path, 3, unanswered=2)
    kiosk.wait_until(
        lambda: [j.job_id for j in queue.jobs(which="all")] == [confirmed],
        10,
        "the unconfirmed job cancelled and purged, the confirmed one kept",
    )
    cups.run("cupsenable", "kiosk")
    kiosk.wait_until(lambda: cups.device_pages(confirmed) == 3, 10, "the confirmed pages")
    kiosk.wait_until(lambda: queue.jobs(which="all") == [], 10, "nothing of the visitor left")
    assert cups.device_pages() == 3, "the unconfirmed job never printed"
    assert _charged(facts) == 3, facts


def test_a_confirmed_job_the_printer_never_takes_is_purged_after_the_bound_and_given_back(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path, facts: list[PrintJobFact]
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    job = confirmed_just_before_logout(kiosk, cups, tmp_path, 4)
    assert [j.job_id for j in queue.jobs()] == [job], "kept while the printer may take it"
    kiosk.advance(seconds=RELEASED_AFTER_SESSION_SECONDS - 30)
    assert [j.job_id for j in queue.jobs()] == [job]
    kiosk.advance(seconds=31)
    kiosk.wait_until(lambda: queue.jobs(which="all") == [], 10, "the job cancelled and purged")
    kiosk.wait_until(lambda: _charged(facts) == 0, 10, "its charge given back")
    given_back = [f for f in facts if f.outcome is Outcome.NOT_PRINTED]
    assert [(f.pages, f.session_id) for f in given_back] == [(4, facts[0].session_id)]
    cups.run("cupsenable", "kiosk")
    assert cups.device_pages() == 0
