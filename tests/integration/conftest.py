"""Fixtures for integration tests: real agent processes on real unix sockets."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentProcess, write_open_all_day_policy


@pytest.fixture
def agent_dir() -> Iterator[Path]:
    """A short data folder under /tmp (unix socket paths must stay under 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="epn"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def spawn_agent(agent_dir: Path) -> Iterator[Callable[..., AgentProcess]]:
    """Start agent processes on ``agent_dir``; any still running at the end are killed."""
    started: list[AgentProcess] = []
    policy = write_open_all_day_policy(agent_dir)

    def spawn(
        *args: str,
        launcher: Sequence[str] = AgentProcess.AGENT_ONLY,
        policy_path: Path | None = policy,
        expected_errors: Sequence[str] = (),
    ) -> AgentProcess:
        extra = list(args)
        if policy_path is not None:
            extra += ["--policy", str(policy_path)]
        process = AgentProcess(agent_dir, extra, launcher, expected_errors=expected_errors)
        started.append(process)
        return process

    yield spawn
    for process in started:
        if process.process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.process.wait(10)
    for process in started:
        process.check_log()
