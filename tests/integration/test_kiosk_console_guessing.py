"""Guessing member PINs at an enrolled PC with its console online: the PC counts each try
before it asks the console, so 60 parallel wrong PINs reach the console (and its argon2) no
more often than the PC's rules allow."""

from __future__ import annotations

import sqlalchemy as sa
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import ShellClient
from test_kiosk_console import (
    PIN,
    Room,
    add_member,
    admin,
    refused,
    relay,
    room,
    server,
    start,
)

from admin_console.server.db.models import MemberRow

__all__ = ["admin", "relay", "room", "server"]


def _failed_pins(server: ConsoleServer, card: str) -> int:
    with server.console.engine.connect() as c:
        return int(c.scalar(sa.select(MemberRow.failed_pins).where(MemberRow.card == card)))


def test_online_60_parallel_wrong_pins_reach_the_console_at_most_3_times(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    add_member(server, admin, "C-4001", minutes=60)
    pc = room.pc("PC-01")
    shells = [ShellClient(pc.socket_path, timeout=30) for _ in range(60)]
    try:
        ids = [
            s.send("login", mode="member", language="fr", card="C-4001", pin=f"{n:04d}")
            for n, s in enumerate(shells)
        ]
        codes = [refused(s.reply(i)) for s, i in zip(shells, ids, strict=True)]
    finally:
        for s in shells:
            s.close()
    assert codes.count("wrong_pin") == 3
    assert codes.count("too_many_tries") == 57
    assert _failed_pins(server, "C-4001") == 3, "the console checked three PINs"
    pc.advance(seconds=30)
    shell, seconds = start(pc, mode="member", card="C-4001", pin=PIN)
    assert seconds == 60 * 60
    shell.close()
    assert _failed_pins(server, "C-4001") == 0, "a right PIN clears the card's count"
