"""The kiosk as it runs on a public PC: a real agent process and a real shell process.

The shell (Qt offscreen) talks to the agent over the real unix socket. When the agent is
killed and restarted, the shell must come back by itself and the visitor's session must go
on with its time, without anyone touching the PC.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentProcess, ShellClient, write_open_all_day_policy
from helpers.processes import assert_session_goes_on

from kiosk.core import State

pytestmark = pytest.mark.slow


def start_shell(socket_path: Path, log: Path) -> subprocess.Popen[bytes]:
    """The visitor's shell as its own process, offscreen."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk", "shell", "--socket", str(socket_path)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this test started, by its pid."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)


def test_shell_comes_back_by_itself_after_the_agent_is_killed(kiosk_dir: Path) -> None:
    policy = write_open_all_day_policy(kiosk_dir)
    agents = [AgentProcess(kiosk_dir, ["--policy", str(policy)]).wait_listening()]
    shell = start_shell(kiosk_dir / "kiosk.sock", kiosk_dir / "shell.log")
    try:
        agents[0].wait_event("shell_connected", client="shell")
        with ShellClient(kiosk_dir / "kiosk.sock") as visitor:
            visitor.hello()
            before = visitor.start_session("walk_in", "ar")
        assert before.seconds_left is not None

        agents[0].kill()
        assert shell.poll() is None, "the shell must survive its agent's death"

        agents.append(AgentProcess(kiosk_dir, ["--policy", str(policy)]).wait_listening())
        # Nobody restarts the shell: it reconnects on its own, and the session goes on.
        agents[1].wait_event("shell_connected", client="shell", state=State.ACTIVE.value)
        assert_session_goes_on(kiosk_dir / "kiosk.sock", before, "ar", within=30)
        assert not any(e.get("event") == "shell_lost" for e in agents[1].events())
    finally:
        stop(shell)
        for agent in agents:
            if agent.process.poll() is None:
                agent.terminate()
    log = (kiosk_dir / "shell.log").read_text(errors="replace")
    assert "Traceback" not in log, log


def test_a_killed_shell_leaves_time_to_come_back_and_a_clean_stop_wipes(
    kiosk_dir: Path,
) -> None:
    policy = write_open_all_day_policy(kiosk_dir)
    agent = AgentProcess(kiosk_dir, ["--policy", str(policy)]).wait_listening()
    shell = start_shell(kiosk_dir / "kiosk.sock", kiosk_dir / "shell.log")
    try:
        agent.wait_event("shell_connected", client="shell")
        with ShellClient(kiosk_dir / "kiosk.sock") as visitor:
            visitor.hello()
            visitor.start_session("walk_in", "fr")
        (kiosk_dir / "home" / "Documents" / "cv.txt").write_text("a visitor's CV")

        os.kill(shell.pid, signal.SIGKILL)  # the visitor kills their screen
        shell.wait(10)
        # One shell is gone; the session is not over yet: a restarted shell picks it up.
        agent.wait_event("shell_lost")
        assert (kiosk_dir / "home" / "Documents" / "cv.txt").exists()
    finally:
        stop(shell)
        agent.terminate()
    # The agent's clean stop ends the session and erases the visitor's files.
    assert not (kiosk_dir / "home" / "Documents" / "cv.txt").exists()
