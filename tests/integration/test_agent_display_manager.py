"""LightDM logs the visitor in by itself only when it starts: the agent restarts it when a
wipe or a dead shell left the screen without a visitor session, and never under a shell
that is there. ``systemctl`` is a script on PATH that writes down what it was asked."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy

from kiosk.agent.display_watch import (
    DISPLAY_CHECK_AFTER_LOSS,
    DISPLAY_CHECK_AFTER_WIPE,
    DISPLAY_CHECK_AT_START,
)
from kiosk.core.model import State

RESTART = "restart --no-block lightdm.service"


@pytest.fixture
def systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``systemctl`` that appends its arguments to a file; that file."""
    folder = tmp_path / "bin"
    folder.mkdir()
    calls = tmp_path / "systemctl.calls"
    script = folder / "systemctl"
    script.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return calls


@pytest.fixture
def kiosk(systemctl: Path) -> Iterator[AgentThread]:
    options = {"display_manager": "lightdm.service"}
    with AgentThread(policy=open_all_day_policy(), config_options=options) as harness:
        yield harness


def no_shell(kiosk: AgentThread) -> bool:
    return not any(c.is_shell for c in kiosk.agent.server.connections)


def shell_dies_on_the_waiting_screen(kiosk: AgentThread) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
    kiosk.wait_until(lambda: no_shell(kiosk), 10, "the agent to see the shell go")


def restarts(calls: Path) -> list[str]:
    return calls.read_text().splitlines() if calls.exists() else []


def test_after_a_wipe_without_a_shell_the_display_manager_starts_the_next_login(
    kiosk: AgentThread, systemctl: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        assert shell.request("end_session").ok
        # The wipe stops the visitor's X session, and the shell with it.
    kiosk.wait_for_state(State.DONE)
    kiosk.advance(seconds=DISPLAY_CHECK_AFTER_WIPE + 1)
    kiosk.wait_until(lambda: bool(restarts(systemctl)), 10, "the display manager's restart")
    assert restarts(systemctl) == [RESTART]
    kiosk.wait_until(lambda: _logged(caplog, "display_manager_restarted"), 10, "the log line")
    (record,) = [r for r in caplog.records if _event(r) == "display_manager_restarted"]
    assert record.fields["reason"] == "wiped"  # type: ignore[attr-defined]


def test_a_shell_still_there_after_the_wipe_keeps_its_desktop(
    kiosk: AgentThread, systemctl: Path
) -> None:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        assert shell.request("end_session").ok
        shell.wait_view(lambda v: v.state is State.DONE)
        kiosk.advance(seconds=DISPLAY_CHECK_AFTER_WIPE + 1)
        kiosk.advance(seconds=DISPLAY_CHECK_AFTER_WIPE + 1)
        assert shell.request("ping").ok
    assert restarts(systemctl) == [], "a running desktop is never restarted under a visitor"


def test_a_shell_that_dies_on_the_waiting_screen_gets_a_new_login(
    kiosk: AgentThread, systemctl: Path
) -> None:
    shell_dies_on_the_waiting_screen(kiosk)
    kiosk.advance(seconds=DISPLAY_CHECK_AFTER_LOSS - 1)
    assert restarts(systemctl) == [], "not before the delay"
    kiosk.advance(seconds=2)
    kiosk.wait_until(lambda: bool(restarts(systemctl)), 10, "the display manager's restart")
    assert restarts(systemctl) == [RESTART]


def test_a_shell_that_comes_back_in_time_cancels_the_restart(
    kiosk: AgentThread, systemctl: Path
) -> None:
    shell_dies_on_the_waiting_screen(kiosk)
    with ShellClient(kiosk.socket_path) as again:
        again.hello()
        kiosk.advance(seconds=DISPLAY_CHECK_AFTER_LOSS + 1)
        assert again.request("ping").ok
    assert restarts(systemctl) == []


def test_without_a_display_manager_unit_nothing_is_restarted(systemctl: Path) -> None:
    with AgentThread(policy=open_all_day_policy()) as kiosk:
        with ShellClient(kiosk.socket_path) as shell:
            shell.hello()
            shell.start_session()
            assert shell.request("end_session").ok
        kiosk.wait_for_state(State.DONE)
        kiosk.advance(seconds=DISPLAY_CHECK_AFTER_WIPE + DISPLAY_CHECK_AFTER_LOSS)
        kiosk.advance(minutes=5)
    assert restarts(systemctl) == []


def _event(record: logging.LogRecord) -> str:
    return str(getattr(record, "event", ""))


def _logged(caplog: pytest.LogCaptureFixture, name: str) -> bool:
    return any(_event(r) == name for r in caplog.records)


def test_a_pc_whose_shell_never_connected_gets_a_new_login_once(
    kiosk: AgentThread, systemctl: Path
) -> None:
    kiosk.advance(seconds=DISPLAY_CHECK_AT_START - 1)
    assert restarts(systemctl) == [], "a slow PC has time to start its desktop"
    kiosk.advance(seconds=2)
    kiosk.wait_until(lambda: bool(restarts(systemctl)), 10, "the display manager's restart")
    kiosk.advance(minutes=10)
    assert restarts(systemctl) == [RESTART], "once: a shell that cannot start is not a loop"
