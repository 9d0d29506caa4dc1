"""The agent's unit is Type=notify with a watchdog: the agent must say READY once it serves,
or systemd would wait for READY and then kill and restart it, over and over."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import pytest


class QuietAgent:
    """Enough of an agent for ``serve``: starts and stops at once."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def reload_policy(self) -> None:
        return None


def test_serving_agent_tells_systemd_it_is_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.agent.agent import serve

    manager = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    manager.bind(str(tmp_path / "notify"))
    manager.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))

    async def run() -> None:
        task = asyncio.create_task(serve(QuietAgent()))  # type: ignore[arg-type]
        await asyncio.sleep(0.2)
        os.kill(os.getpid(), signal.SIGTERM)  # serve's own handler stops it
        await task

    try:
        asyncio.run(run())
        assert manager.recv(100) == b"READY=1"
    finally:
        manager.close()
