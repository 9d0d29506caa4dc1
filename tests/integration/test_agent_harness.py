"""The harness other tests build on starts a real agent and leaves nothing behind."""

from __future__ import annotations

import threading

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy

from kiosk.agent.errors import StartRefused
from kiosk.core.model import State


def test_the_harness_cleans_up_after_itself() -> None:
    before = {t.name for t in threading.enumerate()}
    with AgentThread(policy=open_all_day_policy(length_minutes=30)) as kiosk:
        assert kiosk.socket_path.is_socket()
        assert len(str(kiosk.socket_path).encode()) < 108
        with ShellClient(kiosk.socket_path) as shell:
            assert shell.hello().state is State.WAITING
            assert shell.start_session().seconds_left == 30 * 60
        assert kiosk.call(lambda: 6 * 7) == 42
    assert not kiosk.socket_path.exists()
    assert not kiosk.data_dir.exists()
    assert {t.name for t in threading.enumerate()} <= before


def test_a_broken_start_is_reported_not_hung() -> None:
    first = AgentThread().start()
    try:
        second = AgentThread(data_dir=first.data_dir)  # same socket: must refuse
        with pytest.raises(StartRefused, match="already listening"):
            second.start()
        assert first.engine_state() is State.WAITING
    finally:
        first.stop()
