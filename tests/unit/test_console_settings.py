"""The console server's settings: ``epn-console``'s options are its fields, the environment
sets what no option gave, a bad value is refused by the field's name."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pydantic import ValidationError

from admin_console.cli import SETUP_OPTIONS, command_parser
from admin_console.server.settings import ServerSettings
from epn_shared.settings_cli import BadSettings, NotAnOption, settings_from

SERVE_OPTIONS = {
    "--data-dir",
    "--database-url",
    "--host",
    "--port",
    "--no-tls",
    "--no-announce",
    "--cups-server",
    "--wake-address",
    "--wake-port",
    "--workers",
    "--shared",
}
"""What the installer's unit, the README and the tests' harnesses write (and the switch
that keeps the console off the local network's mDNS, the CUPS it lists printers of, where
its Wake-on-LAN packets go, and the server processes that serve one console together)."""


def _command(name: str) -> argparse.ArgumentParser:
    commands = next(
        a for a in command_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    parser: argparse.ArgumentParser = commands.choices[name]
    return parser


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {a.dest: a for a in parser._actions if a.dest in ServerSettings.model_fields}


def test_every_server_setting_is_an_option_of_serve_unless_it_says_who_sets_it() -> None:
    options = _options(_command("serve"))
    not_options = {
        name
        for name, field in ServerSettings.model_fields.items()
        if any(isinstance(m, NotAnOption) for m in field.metadata)
    }
    assert set(options) == set(ServerSettings.model_fields) - not_options
    assert not_options == {
        "alive_every",
        "command_wait",
        "fingerprint",
        "timezone",
        "rate_limits",
        "console_machine",
    }
    assert {flag for a in options.values() for flag in a.option_strings} == SERVE_OPTIONS
    assert all(a.help for a in options.values())
    assert "EPN_CONSOLE_DATA_DIR" in _command("serve").format_help()


@pytest.mark.parametrize(
    "command", ["create-admin", "create-staff", "pairing-code", "backup", "backup-code", "restore"]
)
def test_the_setup_commands_take_where_the_database_is(command: str) -> None:
    assert set(_options(_command(command))) == set(SETUP_OPTIONS)


def test_wake_on_lan_goes_to_the_whole_network_unless_told_where(tmp_path: Path) -> None:
    default = ServerSettings(data_dir=tmp_path)
    assert (str(default.wake_address), default.wake_port) == ("255.255.255.255", 9)
    words = ["serve", "--wake-address", "192.168.1.255", "--wake-port", "7"]
    settings = settings_from(ServerSettings, command_parser().parse_args(words))
    assert (str(settings.wake_address), settings.wake_port) == ("192.168.1.255", 7)
    with pytest.raises(ValidationError, match="wake_address"):
        ServerSettings(data_dir=tmp_path, wake_address="the-room")


def test_serve_options_set_their_fields(tmp_path: Path) -> None:
    words = ["serve", "--data-dir", str(tmp_path), "--port", "0", "--no-tls", "--host", "::1"]
    settings = settings_from(ServerSettings, command_parser().parse_args(words))
    assert (settings.data_dir, settings.port, settings.tls, settings.host) == (
        tmp_path,
        0,
        False,
        "::1",
    )
    assert settings.database_url is None and settings.fingerprint is None
    defaults = settings_from(ServerSettings, command_parser().parse_args(["serve"]))
    assert (defaults.data_dir, defaults.port, defaults.tls, defaults.host) == (
        Path("/var/lib/epn-console"),
        8443,
        True,
        "127.0.0.1",
    )


def test_the_environment_sets_what_no_option_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPN_CONSOLE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EPN_CONSOLE_PORT", "9443")
    monkeypatch.setenv("EPN_CONSOLE_TIMEZONE", "Europe/Paris")
    settings = settings_from(ServerSettings, command_parser().parse_args(["serve", "--port", "1"]))
    assert settings.data_dir == tmp_path and settings.timezone == "Europe/Paris"
    assert settings.port == 1, "an option wins over the environment"


@pytest.mark.parametrize(
    ("words", "variable", "field"),
    [
        (["--port", "many"], None, "port"),
        (["--port", "70000"], None, "port"),
        (["--host", ""], None, "host"),
        ([], ("EPN_CONSOLE_PORT", "many"), "port"),
        ([], ("EPN_CONSOLE_TLS", "perhaps"), "tls"),
        ([], ("EPN_CONSOLE_RATE_LIMITS", "{"), "rate_limits"),
    ],
)
def test_a_bad_value_is_refused_by_its_fields_name(
    words: list[str],
    variable: tuple[str, str] | None,
    field: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if variable is not None:
        monkeypatch.setenv(*variable)
    with pytest.raises(BadSettings, match=rf"\b{field}\b"):
        settings_from(ServerSettings, command_parser().parse_args(["serve", *words]))
