"""A visitor's session belongs to the desktop it started in: a shell restarted in the same
desktop picks the session up; a shell from a new desktop (the X server died or restarted)
ends it and wipes at once, so the next person never gets the last visitor's session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy

from kiosk.core.model import State


def wait_no_shell(kiosk: AgentThread) -> None:
    kiosk.wait_until(
        lambda: not any(c.is_shell for c in kiosk.agent.server.connections), 10, "the shell to go"
    )


@pytest.fixture
def kiosk() -> Iterator[AgentThread]:
    with AgentThread(policy=open_all_day_policy(length_minutes=60)) as harness:
        yield harness


def test_a_shell_back_in_the_same_desktop_carries_on(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as first:
        first.hello(display_session="x11:0:11:1001")
        first.start_session()
    wait_no_shell(kiosk)
    with ShellClient(kiosk.socket_path) as again:
        view = again.hello(display_session="x11:0:11:1001")
        assert view.state is State.ACTIVE
        kiosk.advance(seconds=60)
        assert again.wait_view(lambda v: v.seconds_left == 59 * 60).state is State.ACTIVE


def test_a_shell_from_a_new_desktop_ends_and_wipes_the_session_at_once(
    kiosk: AgentThread,
) -> None:
    marker = kiosk.home_dir / "Documents" / "cv-secret.txt"
    with ShellClient(kiosk.socket_path) as first:
        first.hello(display_session="x11:0:11:1001")
        first.start_session()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("the last visitor's CV")
    wait_no_shell(kiosk)
    with ShellClient(kiosk.socket_path) as next_desktop:
        next_desktop.hello(display_session="x11:0:11:2002")  # X restarted: a new socket
        done = next_desktop.wait_view(lambda v: v.state is State.DONE)
        assert done.end_reason == "shell_lost"
        assert not marker.exists(), "the last visitor's files are erased before anyone logs in"
        assert next_desktop.request("dismiss_receipt").ok
        next_desktop.wait_view(lambda v: v.state is State.WAITING)
        # The new desktop's own session starts and is not ended by its own shell.
        next_desktop.start_session()
    with ShellClient(kiosk.socket_path) as restarted:
        assert restarted.hello(display_session="x11:0:11:2002").state is State.ACTIVE


def test_a_shell_that_cannot_tell_its_desktop_falls_back_to_the_grace_period(
    kiosk: AgentThread,
) -> None:
    with ShellClient(kiosk.socket_path) as first:
        first.hello(display_session="x11:0:11:1001")
        first.start_session()
    wait_no_shell(kiosk)
    with ShellClient(kiosk.socket_path) as unknown:
        assert unknown.hello().state is State.ACTIVE


def test_after_a_crash_the_screen_says_the_pc_is_being_prepared_until_it_is(
    tmp_path: Path,
) -> None:
    from helpers.kiosk_agent import StallingWiper

    first = AgentThread(policy=open_all_day_policy()).start()
    try:
        with ShellClient(first.socket_path) as shell:
            shell.hello()
            shell.start_session()
        for name in ("a.txt", "b.txt", "c.txt"):
            (first.home_dir / name).write_text("left by a visitor")
        first.journal_path.write_text("WIPING\n")  # as a power cut mid-wipe leaves it
    finally:
        first.crash()
    wiper = StallingWiper(
        first.config.home_dir,
        first.config.skeleton_dir,
        first.config.journal_path,
        stall_after=1,
        marker=tmp_path / "stalled",
    )
    second = first.successor(wiper=wiper).start()
    try:
        with ShellClient(second.socket_path) as shell:
            view = shell.hello()
            assert view.preparing and view.state in (State.ENDING, State.WIPING)
            refused = shell.request("login", mode="walk_in", language="fr")
            assert not refused.ok and refused.error is not None
            assert refused.error.code == "busy"
            wiper.release.set()
            ready = shell.wait_view(lambda v: not v.preparing)
            assert ready.state in (State.DONE, State.WAITING)
    finally:
        wiper.release.set()
        second.stop()
