"""A visitor cannot print without the kiosk's approval: the tricks that work on a stock CUPS
(verified by the control test) print nothing on the kiosk's queue, and count nothing."""

from __future__ import annotations

import pwd
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.print_documents import write_pdf

from installer.demo.cupsd import PrivateCups

pytestmark = [pytest.mark.root]

HELD = 4


@pytest.fixture
def visitor() -> Iterator[int]:
    """An unprivileged user, removed afterwards; its uid."""
    name = "epnv" + secrets.token_hex(4)
    subprocess.run(["useradd", "-M", "-U", "-s", "/usr/sbin/nologin", name], check=True)
    try:
        yield pwd.getpwnam(name).pw_uid
    finally:
        subprocess.run(["userdel", name], capture_output=True, check=False)


def _document(cups: PrivateCups) -> Path:
    docs = cups.root / "docs"
    docs.mkdir(mode=0o755, exist_ok=True)
    doc = write_pdf(docs / f"cv-{secrets.token_hex(3)}.pdf", 4)
    doc.chmod(0o644)
    return doc


def _submit(cups: PrivateCups, uid: int, *options: str) -> int:
    done = cups.run("lp", "-d", "kiosk", *options, str(_document(cups)), user=uid)
    assert done.returncode == 0, done.stderr
    found = re.search(r"kiosk-(\d+)", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


def _state(cups: PrivateCups, job: int) -> int:
    import cups as pycups

    connection = pycups.Connection(host=str(cups.socket))
    return int(connection.getJobAttributes(job, requested_attributes=["job-state"])["job-state"])


def _printed_pages(cups: PrivateCups) -> int:
    log = cups.root / "log/page_log"
    text = log.read_text() if log.exists() else ""
    return sum(int(n) for n in re.findall(r"total (\d+)", text))


def _wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_control_on_stock_cups_a_visitor_releases_their_own_job(visitor: int):
    # Without the kiosk's policy and gate, the trick works: the test can see cheating.
    with PrivateCups(gate=False, policy=False) as cups:
        job = _submit(cups, visitor)
        assert _state(cups, job) == HELD
        released = cups.run("lp", "-i", str(job), "-H", "resume", user=visitor)
        assert released.returncode == 0, released.stderr
        _wait_for(lambda: any(cups.printed.iterdir()), "the released job to print")


def test_asking_for_no_hold_prints_nothing_and_the_job_stays_held(visitor: int):
    with PrivateCups() as cups:
        job = _submit(cups, visitor, "-o", "job-hold-until=no-hold")
        _wait_for(
            lambda: f"[Job {job}] Backend returned status 3" in cups.error_log(),
            "the gate to send the job back on hold",
        )
        _wait_for(lambda: _state(cups, job) == HELD, "the job to be held again")
        assert list(cups.printed.iterdir()) == []
        assert _printed_pages(cups) == 0


@pytest.mark.parametrize(
    "trick",
    [
        pytest.param(["lp", "-i", "{job}", "-H", "resume"], id="resume-own-job"),
        pytest.param(["lp", "-U", "root", "-i", "{job}", "-H", "resume"], id="resume-as-root"),
        pytest.param(["lp", "-i", "{job}", "-H", "immediate"], id="hold-until-immediate"),
        pytest.param(["lp", "-i", "{job}", "-o", "job-hold-until=no-hold"], id="set-attribute"),
        pytest.param(["lpmove", "{job}", "other"], id="move-to-another-queue"),
    ],
)
def test_a_visitor_cannot_release_or_move_a_held_job(visitor: int, trick: list[str]):
    with PrivateCups() as cups:
        cups.run("lpadmin", "-p", "other", "-E", "-v", f"capture:{cups.printed}")
        job = _submit(cups, visitor)
        done = cups.run(*(part.format(job=job) for part in trick), user=visitor)
        assert done.returncode != 0, f"{trick} was allowed: {done.stdout}"
        assert _state(cups, job) == HELD
        assert list(cups.printed.iterdir()) == []
        assert _printed_pages(cups) == 0
