"""A crash, a kill mid-wipe or a reboot never gives a visitor free time or leaves data behind."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentProcess, AgentThread, ShellClient

from kiosk.agent.config import packaged_skeleton
from kiosk.agent.wiper import JournalState
from kiosk.core.model import State


def _only_skeleton(home: Path) -> set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*")}


SKELETON = _only_skeleton(packaged_skeleton())
"""What a fresh home holds: the packaged skeleton, nothing of the last visitor."""


@pytest.mark.slow
def test_sigkill_and_restart_resumes_the_session_with_the_right_time_left(
    spawn_agent: Callable[..., AgentProcess],
) -> None:
    first = spawn_agent(launcher=AgentProcess.FULL_CLI).wait_listening()
    with ShellClient(first.socket_path) as shell:
        shell.hello()
        before = shell.start_session()
        seen_at = time.monotonic()
    assert before.seconds_left is not None and before.seconds_left > 600
    letter = first.home_dir / "Documents" / "letter.odt"
    letter.write_text("Madame, Monsieur,")

    first.kill()
    second = spawn_agent(launcher=AgentProcess.FULL_CLI).wait_listening()
    with ShellClient(second.socket_path) as shell:
        after = shell.hello()
        elapsed = time.monotonic() - seen_at

    assert after.state is State.ACTIVE
    assert after.seconds_left is not None
    assert abs(after.seconds_left - (before.seconds_left - elapsed)) <= 2
    assert letter.read_text() == "Madame, Monsieur,", "a resumed session keeps the visitor's files"
    assert second.wait_event("snapshot_restored")["same_boot"] is True

    # A clean stop (SIGTERM) ends the session and erases it before exiting.
    assert second.terminate() == 0
    assert not letter.exists()
    assert second.wait_event("session_ended")["reason"] == "stopped"
    assert JournalState(second.journal_path.read_text().strip()) is JournalState.CLEAN


@pytest.mark.slow
def test_a_kill_during_the_wipe_is_finished_before_the_next_login(
    spawn_agent: Callable[..., AgentProcess], agent_dir: Path
) -> None:
    marker = agent_dir / "stalled"
    first = spawn_agent(
        "--stall-after", "2", "--stall-marker", str(marker), launcher=AgentProcess.STALLING
    ).wait_listening()
    with ShellClient(first.socket_path) as shell:
        shell.hello()
        shell.start_session()
        home = first.home_dir
        (home / "Downloads" / "payslip.pdf").write_bytes(b"%PDF" + b"0" * 2000)
        (home / "Documents" / "cv.odt").write_text("CV")
        (home / ".mozilla" / "firefox" / "abc.default").mkdir(parents=True)
        (home / ".mozilla" / "firefox" / "abc.default" / "cookies.sqlite").write_bytes(b"c" * 100)
        (home / "zz-notes.txt").write_text("IBAN BE00")
        assert shell.request("end_session").ok

    deadline = time.monotonic() + 20
    while not marker.exists():  # the wipe erased two entries and stopped
        assert time.monotonic() < deadline, "the wipe never reached the stall point"
        time.sleep(0.01)
    assert first.journal_path.read_text().strip() == "WIPING"
    first.kill()
    assert (home / "zz-notes.txt").exists(), "killed mid-wipe: some data is still there"

    second = spawn_agent().wait_listening()
    with ShellClient(second.socket_path) as shell:
        view = shell.hello()
        assert view.state in {State.ENDING, State.WIPING, State.DONE}
        shell.wait_view(lambda v: v.state is State.DONE)
        assert _only_skeleton(home) == SKELETON
        assert second.journal_path.read_text().strip() == "CLEAN"
        reply = shell.request("login", mode="walk_in", language="nl")
        assert reply.ok, reply

    names = [e["event"] for e in second.events()]
    assert names.index("wipe_finished") < names.index("rules_shown")
    finished = second.wait_event("wipe_finished")
    assert finished["recovery"] is True
    assert second.terminate() == 0


def test_a_new_boot_ends_the_session_and_wipes_it() -> None:
    first = AgentThread(boot="boot-A").start()
    try:
        with ShellClient(first.socket_path) as shell:
            shell.hello()
            shell.start_session(language="ar")
        planted = first.home_dir / "Downloads" / "passport-scan.jpg"
        planted.write_bytes(b"\xff\xd8" * 500)
        first.clock.advance(minutes=12)
        first.call(lambda: first.agent.store.touch(first.clock.now().wall))
    finally:
        first.crash()

    second = first.successor(boot="boot-B").start()
    try:
        assert second.wait_for_state(State.DONE) is State.DONE
        view = second.view()
        assert view.end_reason == "reboot"
        assert view.receipt is not None and view.receipt.erased["downloads"] == 1
        assert not planted.exists()
        assert second.journal_path.read_text().strip() == "CLEAN"
        store = second.open_store()
        [record] = store.finished_sessions()
        store.close()
        assert record.end_reason == "reboot"
        assert record.language == "ar"
        assert record.seconds_used == 12 * 60  # up to the last sign of life before the reboot
    finally:
        second.stop()


def test_same_boot_restart_counts_the_time_the_agent_was_down() -> None:
    first = AgentThread().start()
    try:
        with ShellClient(first.socket_path) as shell:
            shell.hello()
            started = shell.start_session()
    finally:
        first.crash()
    first.clock.advance(minutes=7)  # BOOTTIME keeps counting while the agent is down

    second = first.successor().start()
    try:
        with ShellClient(second.socket_path) as shell:
            view = shell.hello()
        assert view.state is State.ACTIVE
        assert started.seconds_left is not None
        assert view.seconds_left == started.seconds_left - 7 * 60
    finally:
        second.stop()


def test_a_dirty_journal_with_nothing_to_resume_is_wiped_first(tmp_path: Path) -> None:
    first = AgentThread().start()
    first.crash()
    first.home_dir.mkdir(exist_ok=True)
    (first.home_dir / "left-behind.txt").write_text("from a crash between two sessions")
    first.journal_path.write_text("ACTIVE\n")

    second = first.successor().start()
    try:
        assert second.wait_for_state(State.DONE) is State.DONE
        assert not (second.home_dir / "left-behind.txt").exists()
        assert second.journal_path.read_text().strip() == "CLEAN"
    finally:
        second.stop()
