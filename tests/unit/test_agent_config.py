"""The agent's configuration and the secrets typed at the kiosk."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from epn_shared.settings_cli import NotAnOption
from kiosk.agent import cli
from kiosk.agent.agent import build_agent
from kiosk.agent.config import PRINTING, PRODUCTION, AgentConfig, packaged_skeleton
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


AGENT_OPTIONS = {
    "--data-dir", "--sandbox", "--socket", "--policy", "--pc-name", "--animator-pin-hash",
    "--config-dir", "--allow-insecure-link", "--cups-socket", "--cups-backends",
    "--print-approvals", "--print-user", "--visitor", "--home", "--home-size", "--skeleton",
    "--home-inodes", "--display-manager", "--lockdown-root", "--admin-socket",
    "--update-hold-seconds",
}  # fmt: skip
"""What the installer's units, the docs and operators' scripts write."""


def _agent_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="epn-kiosk agent", exit_on_error=False)
    cli.add_arguments(parser)
    return parser


def test_every_configuration_field_is_an_option_unless_it_says_who_sets_it() -> None:
    options = {a.dest: a for a in _agent_parser()._actions if a.dest != "help"}
    not_options = {
        name
        for name, field in AgentConfig.model_fields.items()
        if any(isinstance(m, NotAnOption) for m in field.metadata)
    }
    assert set(options) == set(AgentConfig.model_fields) - not_options
    assert not_options == {
        "socket_mode",
        "allowed_uids",
        "tick_seconds",
        "secrets_dir",
        "apps_root",
        "apt_root",
    }
    assert {flag for a in options.values() for flag in a.option_strings} == AGENT_OPTIONS
    for name, action in options.items():
        assert action.help and AgentConfig.model_fields[name].description, name
    help_text = _agent_parser().format_help()
    assert PRINTING in help_text and PRODUCTION in help_text and "EPN_KIOSK_DATA_DIR" in help_text


def test_each_option_sets_its_field(tmp_path: Path) -> None:
    args = _agent_parser().parse_args(
        [
            *("--data-dir", str(tmp_path), "--sandbox", "--socket", str(tmp_path / "s.sock")),
            *("--policy", "/etc/p.toml", "--home", "/home/v", "--skeleton", "/srv/skel"),
            *("--home-inodes", "5000", "--cups-socket", "/run/cups/cups.sock"),
        ]
    )
    config = cli.config_from_args(args)
    assert config.sandbox and config.data_dir == tmp_path
    assert config.socket_path == tmp_path / "s.sock"
    assert config.policy_path == Path("/etc/p.toml")
    assert (config.home_dir, config.skeleton_dir) == (Path("/home/v"), Path("/srv/skel"))
    assert config.home_inodes == 5000 and config.cups_socket == Path("/run/cups/cups.sock")
    assert config.model_fields_set == {
        "data_dir", "sandbox", "socket_path", "policy_path", "home_dir", "skeleton_dir",
        "home_inodes", "cups_socket",
    }, "what was not given keeps its default (a production home comes from passwd)"  # fmt: skip


@pytest.mark.parametrize(
    ("words", "field"),
    [
        (["--home-inodes", "many"], "home_inodes"),
        (["--home-inodes", "10"], "home_inodes"),
        (["--home-size", "lots"], "home_size"),
        (["--pc-name", ""], "pc_name"),
        (["--animator-pin-hash", "2468"], "animator_pin_hash"),
        (["--allow-insecure-link"], "allow_insecure_link"),
    ],
)
def test_a_bad_option_refuses_the_start_naming_its_field(words: list[str], field: str) -> None:
    args = _agent_parser().parse_args(["--data-dir", "/srv/kiosk", *words])
    with pytest.raises(StartRefused, match=rf"^bad configuration: {field}: "):
        cli.config_from_args(args)


def test_without_a_data_folder_the_agent_says_it_is_required() -> None:
    with pytest.raises(StartRefused, match=r"^bad configuration: data_dir: Field required"):
        cli.config_from_args(_agent_parser().parse_args(["--sandbox"]))


def test_the_environment_sets_what_no_option_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPN_KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EPN_KIOSK_SANDBOX", "true")
    monkeypatch.setenv("EPN_KIOSK_PC_NAME", "PC-ENV")
    config = cli.config_from_args(_agent_parser().parse_args(["--pc-name", "PC-OPTION"]))
    assert config.data_dir == tmp_path and config.sandbox
    assert config.pc_name == "PC-OPTION", "an option wins over the environment"


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("EPN_KIOSK_HOME_INODES", "many", "home_inodes"),
        ("EPN_KIOSK_SANDBOX", "perhaps", "sandbox"),
        ("EPN_KIOSK_ALLOWED_UIDS", "[1000,", "allowed_uids"),
    ],
)
def test_a_bad_environment_value_refuses_the_start_naming_its_field(
    variable: str, value: str, field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(StartRefused, match=rf"^bad configuration: .*\b{field}\b"):
        cli.config_from_args(_agent_parser().parse_args(["--data-dir", "/srv/kiosk"]))
