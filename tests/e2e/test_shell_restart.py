"""A shell that dies comes back by itself, and the visitor's session goes on.

In production the X session's program is ``epn-kiosk session`` (installer), which runs the
shell and starts it again when it dies. Here the real agent (sandbox) and the real
``epn-kiosk session`` run as processes, the shell offscreen: the shell is killed with
SIGKILL in the middle of a session, a new one connects, and it shows the same session with
the time the agent kept.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentProcess, ShellClient, write_open_all_day_policy
from helpers.processes import (
    DEADLINE,
    assert_session_goes_on,
    children,
    start_session_program,
    wait_for,
)

from kiosk.core import State
from kiosk.shell.supervisor import Supervisor

pytestmark = pytest.mark.slow


def offscreen() -> dict[str, str]:
    """The session program's environment here: no display, its shells offscreen."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    return env


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def screens(log: Path) -> list[str]:
    """The screens the shells printed (``--screen-marker``), in order."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return [line.split()[1] for line in text.splitlines() if line.startswith("screen ")]


def test_a_killed_shell_is_restarted_and_shows_the_same_session(kiosk_dir: Path) -> None:
    policy = write_open_all_day_policy(kiosk_dir)
    agent = AgentProcess(kiosk_dir, ["--policy", str(policy)]).wait_listening()
    log = kiosk_dir / "session.log"
    session = start_session_program(kiosk_dir / "kiosk.sock", log, offscreen(), "--screen-marker")
    shells: list[int] = []
    try:
        agent.wait_event("shell_connected", client="shell")
        # Once the shell said hello: the supervisor's only child is then the shell.
        first = wait_for("the first shell", lambda: children(session.pid))[0]
        shells.append(first)
        with ShellClient(kiosk_dir / "kiosk.sock") as visitor:
            visitor.hello()
            before = visitor.start_session("walk_in", "ar")
        assert before.seconds_left is not None
        wait_for("the session's launcher", lambda: "launcher" in screens(log), log=log)
        assert children(session.pid) == [first], (
            "the first shell ended by itself:\n" + (log.read_text(errors="replace")[-4000:])
        )

        os.kill(first, signal.SIGKILL)  # a crash: the shell is gone at once
        agent.wait_event("shell_lost")
        second = wait_for("a new shell", lambda: [p for p in children(session.pid) if p != first])[
            0
        ]
        shells.append(second)
        # It says hello by itself, and the agent gives it the running session back.
        agent.wait_event("shell_connected", client="shell", state=State.ACTIVE.value)
        wait_for(
            "the session's launcher on the new shell",
            lambda: screens(log).count("launcher") >= 2,
        )
        assert_session_goes_on(kiosk_dir / "kiosk.sock", before, "ar", within=DEADLINE)
        assert not any(e.get("event") == "session_ended" for e in agent.events())
        assert session.poll() is None, "the X session's program must outlive its shell"
    finally:
        if session.poll() is None:
            os.kill(session.pid, signal.SIGTERM)
        code = session.wait(20)
        agent.terminate()
    assert code == 0
    assert not [pid for pid in shells if alive(pid)], "a shell outlived its session"
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_killed_session_program_takes_its_shell_with_it(kiosk_dir: Path) -> None:
    policy = write_open_all_day_policy(kiosk_dir)
    agent = AgentProcess(kiosk_dir, ["--policy", str(policy)]).wait_listening()
    log = kiosk_dir / "session.log"
    session = start_session_program(kiosk_dir / "kiosk.sock", log, offscreen(), "--screen-marker")
    try:
        shell = wait_for("the shell", lambda: children(session.pid))[0]
        agent.wait_event("shell_connected", client="shell")
        os.kill(session.pid, signal.SIGKILL)
        session.wait(10)
        wait_for("the orphaned shell to stop", lambda: not alive(shell))
    finally:
        if session.poll() is None:
            os.kill(session.pid, signal.SIGKILL)
            session.wait(10)
        agent.terminate()


def test_a_shell_that_keeps_dying_is_restarted_later_and_later(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.shell.supervisor")
    supervisor = Supervisor(
        [sys.executable, "-c", "raise SystemExit(3)"],
        first_delay=0.05,
        max_delay=0.4,
        healthy_after=60.0,
        gone=lambda: False,
    )
    runner = threading.Thread(target=supervisor.run)
    runner.start()
    try:
        wait_for("seven starts", lambda: supervisor.starts >= 7)
    finally:
        supervisor.stop()
        runner.join(20)
    assert not runner.is_alive()
    delays = [
        float(r.getMessage().rsplit("restarting in ", 1)[1].split()[0])
        for r in caplog.records
        if "restarting in" in r.getMessage()
    ]
    assert delays[:6] == [0.05, 0.1, 0.2, 0.4, 0.4, 0.4]
    assert all("exit 3" in r.getMessage() for r in caplog.records if "restarting" in r.getMessage())


def test_no_restart_once_the_display_is_gone() -> None:
    """The X server went away (the visitor's session is over): nothing to restart on."""
    supervisor = Supervisor(
        [sys.executable, "-c", "raise SystemExit(1)"], first_delay=0.05, gone=lambda: True
    )
    assert supervisor.run() == 0
    assert supervisor.starts == 1


def test_the_window_manager_runs_beside_the_shell_and_comes_back_if_it_dies() -> None:
    """Without it a program would cover the bar: it is started first, again when killed,
    and stopped with the session."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    supervisor = Supervisor(sleeper, gone=lambda: False, companion=sleeper)
    runner = threading.Thread(target=supervisor.run)
    runner.start()
    try:
        first = wait_for("the window manager", lambda: supervisor.companion)
        assert supervisor.child is not None or wait_for("the shell", lambda: supervisor.child)
        os.kill(first.pid, signal.SIGKILL)
        again = wait_for(
            "the window manager again",
            lambda: supervisor.companion if supervisor.companion is not first else None,
        )
        assert alive(again.pid)
        assert supervisor.starts == 1, "the shell went on meanwhile"
    finally:
        supervisor.stop()
        runner.join(30)
    assert not runner.is_alive()
    assert again.poll() is not None, "stopped with the session"
