"""Tickets and member cards made with the admin module work on a running agent, whose log
never shows a code, a PIN or a card number."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentProcess, ShellClient

from kiosk.agent import admin
from kiosk.agent.clock import SystemClock, boot_id
from kiosk.core.model import State


def test_admin_tickets_and_members_work_and_never_reach_the_log(
    spawn_agent: Callable[..., AgentProcess], agent_dir: Path
) -> None:
    agent = spawn_agent().wait_listening()
    [code] = admin.create_tickets(agent_dir, 1, minutes=25)
    admin.add_member(agent_dir, "77001234", "9137")
    with ShellClient(agent.socket_path) as shell:
        shell.hello()
        assert shell.start_session(mode="ticket", code=code).seconds_left == 25 * 60
        assert shell.request("end_session").ok
        shell.wait_view(lambda v: v.state is State.DONE)
        wrong = shell.request("login", mode="member", language="fr", card="77001234", pin="9999")
        assert wrong.error is not None and wrong.error.code == "wrong_pin"
        assert shell.start_session(mode="member", card="77001234", pin="9137").state is State.ACTIVE
    assert agent.terminate() == 0

    assert agent.wait_event("session_ended")
    # Every field but the timestamp, whose microseconds may hold any four digits; a secret
    # counts as a whole word, not as a piece of a longer number or hash.
    fields = [
        json.dumps({key: value for key, value in json.loads(line).items() if key != "ts"})
        for line in agent.log_path.read_text().splitlines()
    ]
    logged = "\n".join(fields)
    for secret in (code, code.replace("-", ""), "9137", "9999", "77001234"):
        assert not re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", logged), (
            f"{secret!r} is in the agent's log"
        )


def test_hash_pin_prints_an_argon2id_hash_not_the_pin(capsys: pytest.CaptureFixture[str]) -> None:
    assert admin.main(["hash-pin", "2468"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("$argon2id$") and "2468" not in printed


def test_the_system_clock_counts_since_boot_and_knows_the_boot() -> None:
    first = SystemClock().now()
    second = SystemClock().now()
    assert 0 < first.mono <= second.mono
    assert first.wall.tzinfo is not None
    assert uuid.UUID(boot_id()) and re.fullmatch(r"[0-9a-f-]{36}", boot_id())
