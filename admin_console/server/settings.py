"""What the console server is told at start: one declared schema, read from ``epn-console``'s
options, then ``EPN_CONSOLE_*`` environment variables (``EPN_CONSOLE_DATA_DIR``,
``EPN_CONSOLE_DATABASE_URL``, ...); an option wins over the environment."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated

from pydantic import Field, IPvAnyAddress
from pydantic_settings import BaseSettings, SettingsConfigDict

from admin_console.server.limits import RateLimits
from epn_shared.settings_cli import NotAnOption, Option

THIS_MACHINE = (IPv4Network("127.0.0.0/8"), IPv6Network("::1/128"))
"""The loopback addresses: a request from one of them comes from the console machine."""

COMMAND_WAIT = 5.0
"""Seconds an API call waits for the kiosk's answer before saying ``pending``."""
ALIVE_EVERY = 2.0
"""Seconds between two "alive" messages of a server process to the console's others."""
SILENT_AFTER = 3
"""Intervals of ``alive_every`` without a word from a process after which the others take
it for dead and show its PCs offline."""


class ServerSettings(BaseSettings):
    """How one console server runs: each field an option of ``epn-console serve`` unless it
    says who sets it, and a variable (``EPN_CONSOLE_DATA_DIR``)."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_prefix="EPN_CONSOLE_")

    data_dir: Path = Field(
        Path("/var/lib/epn-console"),
        description="Folder of the SQLite database, the TLS material and the ticket key.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL (e.g. postgresql+psycopg://...); without it, SQLite in "
        "DATA_DIR.",
    )
    host: str = Field("127.0.0.1", min_length=1, description="Address to listen on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Server processes sharing the address (more than 1: PostgreSQL only; "
        "they tell each other through it).",
    )
    shared: bool = Field(
        False,
        description="Other server processes serve this console too (started apart, behind "
        "one address): hear them through PostgreSQL LISTEN/NOTIFY. Implied by --workers 2+.",
    )
    port: int = Field(8443, ge=0, le=65535, description="Port to listen on, 0 for any free port.")
    tls: Annotated[bool, Option("--no-tls")] = Field(
        True,
        description="HTTPS with the console's own certificate (--no-tls: plain HTTP, tests only).",
    )
    announce: Annotated[bool, Option("--no-announce")] = Field(
        True,
        description="Announce the console on the local network (mDNS) so new PCs find it "
        "(--no-announce: keep quiet).",
    )
    command_wait: Annotated[float, NotAnOption("tests")] = Field(
        COMMAND_WAIT,
        gt=0,
        description="Seconds an API call waits for the kiosk's answer before saying pending.",
    )
    alive_every: Annotated[float, NotAnOption("the environment: EPN_CONSOLE_ALIVE_EVERY")] = Field(
        ALIVE_EVERY,
        gt=0,
        le=60,
        description="Seconds between two words of a server process to the others that it is "
        f"alive; one silent for {SILENT_AFTER} of them is taken for dead, its PCs offline.",
    )
    fingerprint: Annotated[str | None, NotAnOption("serve: its certificate's SHA-256")] = Field(
        None, description="SHA-256 of the console's certificate, given to enrolling PCs."
    )
    timezone: Annotated[str, NotAnOption("the environment: EPN_CONSOLE_TIMEZONE")] = Field(
        "Europe/Brussels",
        description="The EPN's time zone: where a member's day starts and a ban's last day ends.",
    )
    rate_limits: Annotated[RateLimits, NotAnOption("tests")] = Field(
        default_factory=RateLimits,
        description="Requests per client on the routes a stranger can reach (``limits``).",
    )
    console_machine: Annotated[
        tuple[IPv4Network | IPv6Network, ...], NotAnOption("tests: the loopback addresses")
    ] = Field(
        THIS_MACHINE,
        description="Peer addresses that are the console machine itself: only from them can "
        "the first admin account be made in the window, while no account exists.",
    )
    cups_server: str | None = Field(
        None,
        description="The CUPS the console lists printers of and prints test pages on (a "
        "socket path or host, as CUPS_SERVER); without it, CUPS_SERVER or the local CUPS.",
    )
    wake_address: IPvAnyAddress = Field(
        IPv4Address("255.255.255.255"),
        description="Where Wake-on-LAN packets go: the broadcast address of the PCs' network "
        "(e.g. 192.168.1.255 when the console has several networks).",
    )
    wake_port: int = Field(9, ge=1, le=65535, description="The UDP port of Wake-on-LAN packets.")
