"""The agent's configuration and the secrets typed at the kiosk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.agent.agent import build_agent
from kiosk.agent.config import AgentConfig, packaged_skeleton
from kiosk.agent.credentials import hash_pin, normalize_ticket_code, ticket_digest, verify_pin
from kiosk.agent.errors import StartRefused


def test_paths_default_inside_the_data_folder() -> None:
    config = AgentConfig(data_dir=Path("/srv/kiosk"), sandbox=True)
    assert config.socket_path == Path("/srv/kiosk/kiosk.sock")
    assert config.home_dir == Path("/srv/kiosk/home")
    assert config.database_path == Path("/srv/kiosk/kiosk.db")
    assert config.journal_path == Path("/srv/kiosk/wipe.journal")
    assert config.skeleton_dir == packaged_skeleton()
    assert config.allowed_uids == (os.getuid(),), "sandbox: only the agent's own user"
    assert config.socket_mode == 0o600
    assert config.policy_path is None


def test_the_packaged_skeleton_is_a_small_home() -> None:
    names = {str(p.relative_to(packaged_skeleton())) for p in packaged_skeleton().rglob("*")}
    assert {"Desktop/.keep", "Documents/.keep", "Downloads/.keep"} <= names


def test_a_socket_path_too_long_for_unix_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="socket_path"):
        AgentConfig(data_dir=Path("/tmp") / ("x" * 120), sandbox=True)


def test_the_animator_pin_must_be_an_argon2id_hash() -> None:
    with pytest.raises(ValidationError, match="animator_pin_hash"):
        AgentConfig(data_dir=Path("/srv/kiosk"), sandbox=True, animator_pin_hash="2468")


def test_a_production_agent_without_its_visitor_account_says_what_is_missing(
    tmp_path: Path,
) -> None:
    config = AgentConfig(data_dir=tmp_path, sandbox=False, visitor="epn-nobody-here")
    with pytest.raises(StartRefused) as refused:
        build_agent(config)
    # As root: the account is named; otherwise: root or --sandbox is asked for.
    expected = "epn-nobody-here" if os.geteuid() == 0 else "--sandbox"
    assert expected in str(refused.value)
    assert not (tmp_path / "kiosk.db").exists(), "nothing is written before refusing"


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("1234-5678", "12345678"), ("1234 5678", "12345678"), (" 12345678 ", "12345678")],
)
def test_ticket_codes_are_read_with_or_without_dash_or_space(typed: str, digits: str) -> None:
    assert normalize_ticket_code(typed) == digits
    assert ticket_digest(typed) == ticket_digest(digits)


@pytest.mark.parametrize("typed", ["", "1234-567", "123456789", "abcd-efgh", "١٢٣٤٥٦٧٨"])
def test_what_cannot_be_a_ticket_code_is_not_looked_up(typed: str) -> None:
    assert ticket_digest(typed) is None


def test_a_pin_hash_verifies_only_its_pin() -> None:
    stored = hash_pin("4321")
    assert stored.startswith("$argon2id$") and "4321" not in stored
    assert verify_pin(stored, "4321")
    assert not verify_pin(stored, "1234")
    assert not verify_pin(None, "4321")
    assert not verify_pin("damaged", "4321")
