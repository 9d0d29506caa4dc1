"""A bad policy file never puts garbage in force: at start the agent refuses, later the last
good policy stays."""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.kiosk_agent import (
    AgentProcess,
    AgentThread,
    ShellClient,
    open_all_day_data,
    open_all_day_policy,
)

from epn_shared import protocol as wire
from kiosk.core.model import State


def test_a_bad_policy_at_start_is_refused_naming_the_field(
    spawn_agent: Callable[..., AgentProcess], agent_dir: Path
) -> None:
    bad = agent_dir / "bad.yaml"
    bad.write_text(yaml.safe_dump({"session": {"length_minutes": 2}}))
    agent = spawn_agent(policy_path=bad, expected_errors=["policy_rejected", "start_refused"])
    assert agent.process.wait(20) == 2
    log = agent.log_path.read_text()
    assert "session.length_minutes" in log
    rejected = agent.wait_event("policy_rejected")
    assert any(p.startswith("session.length_minutes") for p in rejected["problems"])
    assert not agent.socket_path.exists()
    assert "listening" not in {e["event"] for e in agent.events()}


def test_a_bad_policy_on_sighup_keeps_the_last_good_one(
    spawn_agent: Callable[..., AgentProcess], agent_dir: Path
) -> None:
    policy = agent_dir / "policy.yaml"
    agent = spawn_agent(policy_path=policy).wait_listening()
    with ShellClient(agent.socket_path) as shell:
        before = shell.hello()
        broken = open_all_day_data()
        broken["languages"] = ["fr", "klingon"]
        policy.write_text(yaml.safe_dump(broken))
        os.kill(agent.pid, signal.SIGHUP)
        rejected = agent.wait_event("policy_rejected")
        assert any(p.startswith("languages") for p in rejected["problems"])
        assert shell.request("ping").ok
        assert shell.start_session(language="es").language == "es"
        assert shell.latest_view().languages == before.languages
    assert agent.terminate() == 0


def test_a_changed_policy_file_is_picked_up_for_the_next_session(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    kiosk = AgentThread(policy=open_all_day_policy(length_minutes=60))
    with kiosk, ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        data = open_all_day_data()
        data["session"] = {"length_minutes": 2}
        kiosk.policy_path.write_text(yaml.safe_dump(data))
        kiosk.advance(seconds=2)
        rejected = [r for r in caplog.records if getattr(r, "event", "") == "policy_rejected"]
        assert rejected, "a rejected policy is logged"
        problems = rejected[-1].fields["problems"]  # type: ignore[attr-defined]
        assert any(p.startswith("session.length_minutes") for p in problems)
        assert shell.start_session().seconds_left == 60 * 60, "the last good policy applies"
        assert shell.request("end_session").ok
        shell.wait_view(lambda v: v.state is State.DONE)
        assert shell.request("dismiss_receipt").ok

        data["session"] = {"length_minutes": 45}
        kiosk.policy_path.write_text(yaml.safe_dump(data))
        kiosk.advance(seconds=2)
        assert shell.start_session().seconds_left == 45 * 60


def _push(kiosk: AgentThread, data: dict[str, Any]) -> wire.CommandResult:
    command = wire.Command(
        command_id=str(uuid.uuid4()), action=wire.CommandAction.POLICY_UPDATE, by="ada", policy=data
    )
    return kiosk.call(lambda: kiosk.agent.console.console_command(command))


def test_a_block_list_pushed_by_the_console_reaches_the_browsers(tmp_path: Path) -> None:
    root = tmp_path / "root"
    firefox = root / "etc/firefox/policies/policies.json"
    chromium = root / "etc/chromium/policies/managed/epn-kiosk.json"
    options = {"lockdown_root": root}
    with AgentThread(policy=open_all_day_policy(), config_options=options) as kiosk:
        assert firefox.exists() and chromium.exists(), "written at start"
        assert "jeux.example.org" not in firefox.read_text()

        data = open_all_day_policy().model_dump(mode="json")
        data["web"]["block"] = ["jeux.example.org"]
        assert _push(kiosk, data).ok
        website = json.loads(firefox.read_text())["policies"]["WebsiteFilter"]
        assert "*://*.jeux.example.org/*" in website["Block"]
        assert "jeux.example.org" in json.loads(chromium.read_text())["URLBlocklist"]
        assert stat.S_IMODE(firefox.stat().st_mode) == 0o644, "every browser user reads it"

        data["web"]["block"] = ["jeux.example.org", "https://x/"]
        refused = _push(kiosk, data)
        assert not refused.ok and "web.block[1]" in refused.message
        assert "*://*.jeux.example.org/*" in firefox.read_text(), "the last good list stays"
