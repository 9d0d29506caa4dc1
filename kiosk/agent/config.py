"""The agent's configuration: one declared schema, read from ``epn-kiosk agent``'s options, then
``EPN_KIOSK_*`` environment variables; defaults derived from the data folder."""

from __future__ import annotations

import os
import platform
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from epn_shared.settings_cli import NotAnOption, Option
from kiosk.agent.printing.gate_backend import DEFAULT_APPROVALS
from kiosk.agent.staff_pin import read_pin_hash

MAX_SOCKET_PATH_BYTES = 107
"""A unix socket path longer than this cannot be bound (``sun_path`` is 108 bytes)."""


def packaged_skeleton() -> Path:
    """The visitor home skeleton shipped with the agent."""
    return Path(str(resources.files("kiosk.agent") / "skeleton"))


PRINTING = "printing (metered through CUPS)"
PRODUCTION = "production (as root, without --sandbox)"
"""The option groups of ``epn-kiosk agent --help``."""


class AgentConfig(BaseSettings):
    """How one kiosk agent runs; paths left out are placed inside ``data_dir``. Each field is
    an option (``--data-dir``, or as its ``Option`` says) and a variable (``EPN_KIOSK_...``)."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_prefix="EPN_KIOSK_")

    data_dir: Path = Field(
        description="Folder of the local store, the wipe journal and (sandbox) the home."
    )
    sandbox: bool = Field(
        False, description="Run without root: the home is a folder, no real users or lockdown."
    )
    socket_path: Annotated[Path, Option("--socket")] = Field(
        default_factory=lambda data: data["data_dir"] / "kiosk.sock",
        validate_default=True,
        description="Unix socket the shell connects to (default: DATA_DIR/kiosk.sock).",
    )
    socket_mode: Annotated[int, NotAnOption("tests: a socket other users may open")] = Field(
        0o600,
        ge=0,
        le=0o777,
        description="Permission bits of the socket file; the peer uid is checked in any case.",
    )
    admin_socket_path: Annotated[Path, Option("--admin-socket")] = Field(
        default_factory=lambda data: data["data_dir"] / "admin.sock",
        validate_default=True,
        description="Unix socket of root's tools, such as `epn-kiosk update` (the agent's "
        "own user only; default: DATA_DIR/admin.sock).",
    )
    update_hold_seconds: int = Field(
        30 * 60,
        ge=1,
        le=4 * 3600,
        description="Longest an update keeps visitors off this PC: the hold ends by itself "
        "then, even if the updater was killed.",
    )
    policy_path: Annotated[Path | None, Option("--policy")] = Field(
        None, description="Policy file (.toml/.yaml); without it, the bundled default policy."
    )
    pc_name: str = Field(
        default_factory=lambda: (platform.node() or "PC")[:40],
        min_length=1,
        max_length=40,
        description="Name of this PC, shown on screen and to staff (default: the host name).",
    )
    allowed_uids: Annotated[
        tuple[int, ...], NotAnOption("the visitor's uid, looked up; tests and sandbox")
    ] = Field(
        # Sandbox: the shell runs as the same user as the agent.
        default_factory=lambda data: (os.getuid(),) if data.get("sandbox") else (),
        description="Uids allowed to connect to the socket.",
    )
    animator_pin_hash: str | None = Field(
        default_factory=lambda data: read_pin_hash(data["data_dir"]),
        description="argon2id hash of the animator PIN (`python -m kiosk.agent.admin hash-pin`; "
        "default: the one `epn-kiosk set-pin` keeps in DATA_DIR/staff-pin); without it, no "
        "animator actions at the kiosk.",
    )
    home_dir: Annotated[Path, Option("--home", PRODUCTION)] = Field(
        default_factory=lambda data: data["data_dir"] / "home",
        description="The visitor's home (sandbox: a folder; otherwise the visitor's passwd "
        "home unless given).",
    )
    visitor: Annotated[str, Option(group=PRODUCTION)] = Field(
        "epn-visitor",
        min_length=1,
        max_length=32,
        description="The dedicated visitor account (not in sandbox mode).",
    )
    home_size: Annotated[str, Option(group=PRODUCTION)] = Field(
        "1g",
        pattern=r"^[0-9]+[kmg%]?$",
        description="Most RAM the visitor's tmpfs home may use (not reserved).",
    )
    home_inodes: Annotated[int, Option(group=PRODUCTION)] = Field(
        200_000, ge=1000, le=10_000_000, description="Most files the visitor's home may hold."
    )
    skeleton_dir: Annotated[Path, Option("--skeleton", PRODUCTION)] = Field(
        default_factory=packaged_skeleton,
        description="What a fresh visitor home contains (default: the packaged skeleton).",
    )
    tick_seconds: Annotated[float, NotAnOption("tests")] = Field(
        0.25, gt=0, le=5, description="How often the agent looks at the time."
    )
    config_dir: Path = Field(
        default_factory=lambda data: data["data_dir"],
        description="Folder of console.json, the console link settings written by "
        "`epn-kiosk enroll` (default: DATA_DIR).",
    )
    secrets_dir: Annotated[Path, NotAnOption("tests; DATA_DIR/secrets on a kiosk")] = Field(
        default_factory=lambda data: data["data_dir"] / "secrets",
        description="Folder (mode 0700, the agent's own) of the keyring file with the token.",
    )
    allow_insecure_link: bool = Field(
        False,
        description="Accept a ws:// console (no TLS): tests and sandbox demos only.",
    )
    cups_socket: Annotated[Path | None, Option(group=PRINTING)] = Field(
        None,
        description="The kiosk's cupsd unix socket: when set, the agent holds and meters "
        "printing, and a wipe purges the visitor's jobs.",
    )
    apps_root: Annotated[Path, NotAnOption("tests")] = Field(
        Path("/"),
        description="Root of the file system where the launcher's applications are looked "
        "for (tests point it elsewhere).",
    )
    display_manager: Annotated[str | None, Option(group=PRODUCTION)] = Field(
        None,
        pattern=r"^[A-Za-z0-9@._-]+\.service$",
        description="The display manager's systemd unit (lightdm.service): restarted when a "
        "wipe or a dead shell left the screen without a visitor session, because LightDM "
        "logs the visitor in by itself only when it starts.",
    )
    apt_root: Annotated[Path | None, NotAnOption("/ on a kiosk; tests: a folder")] = Field(
        default_factory=lambda data: None if data.get("sandbox") else Path("/"),
        description="Root under which pairing writes the apt source of the console's package "
        "repository, its archive key and CA (none in sandbox mode).",
    )
    lockdown_root: Annotated[Path | None, Option(group=PRODUCTION)] = Field(
        None,
        description="When set (/ on a kiosk), the browsers' policy files under it are "
        "rewritten from the policy in force, at start and whenever the policy changes.",
    )
    print_approvals: Annotated[Path, Option(group=PRINTING)] = Field(
        Path(DEFAULT_APPROVALS),
        description="Folder (0700) where the agent approves jobs for the gated backend.",
    )
    cups_backends: Annotated[Path, Option(group=PRINTING)] = Field(
        Path("/usr/lib/cups/backend"),
        description="CUPS's backends folder: a printer the policy names is used only when "
        "this PC's CUPS has the backend of its scheme.",
    )
    print_user: Annotated[str | None, Option(group=PRINTING)] = Field(
        None,
        description="Account whose print jobs are the visitor's (default: the visitor "
        "account; in sandbox mode, the agent's own user).",
    )

    @model_validator(mode="after")
    def _insecure_only_in_sandbox(self) -> AgentConfig:
        if self.allow_insecure_link and not self.sandbox:
            raise ValueError("allow_insecure_link: a ws:// console is for sandbox mode only")
        return self

    @field_validator("socket_path", "admin_socket_path")
    @classmethod
    def _short_socket_path(cls, value: Path) -> Path:
        if len(os.fsencode(value)) > MAX_SOCKET_PATH_BYTES:
            raise ValueError(
                f"a unix socket path is at most {MAX_SOCKET_PATH_BYTES} bytes; choose a shorter one"
            )
        return value

    @field_validator("animator_pin_hash")
    @classmethod
    def _argon2id(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("$argon2id$"):
            raise ValueError(
                "must be an argon2id hash (see `python -m kiosk.agent.admin hash-pin`)"
            )
        return value

    @property
    def database_path(self) -> Path:
        """The SQLite file of the local store."""
        return self.data_dir / "kiosk.db"

    @property
    def console_path(self) -> Path:
        """The console link settings written at enrollment; absent: not enrolled."""
        return self.config_dir / "console.json"

    @property
    def console_policy_path(self) -> Path:
        """The last good policy the console pushed (used again after a restart)."""
        return self.data_dir / "console-policy.yaml"

    @property
    def journal_path(self) -> Path:
        """The wipe journal (CLEAN, ACTIVE, WIPING)."""
        return self.data_dir / "wipe.journal"
