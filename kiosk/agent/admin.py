"""Small administration of a kiosk's local store: tickets, members, the animator PIN hash.

Used by the demo and by staff on a stand-alone kiosk::

    python -m kiosk.agent.admin --data-dir DIR tickets --count 5 --minutes 60
    python -m kiosk.agent.admin --data-dir DIR member --card 1001 --pin 4321
    python -m kiosk.agent.admin hash-pin 2468
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.agent.credentials import hash_pin
from kiosk.agent.store import Store

DATABASE_NAME = "kiosk.db"


def open_store(data_dir: Path) -> Store:
    """The store of the agent whose data folder is ``data_dir`` (created if needed)."""
    return Store.open(data_dir / DATABASE_NAME)


def create_tickets(
    data_dir: Path,
    count: int,
    minutes: int = 60,
    valid_days: int = 30,
    now: dt.datetime | None = None,
) -> list[str]:
    """Make ``count`` single-use tickets of ``minutes``; returns their codes ("1234-5678").

    The codes are shown once: only their sha256 is stored.
    """
    now = now or dt.datetime.now().astimezone()
    store = open_store(data_dir)
    try:
        return store.create_tickets(count, minutes, now + dt.timedelta(days=valid_days), now)
    finally:
        store.close()


def add_member(
    data_dir: Path, card: str, pin: str, daily_allowance_minutes: int | None = None
) -> None:
    """Create a member account: a card number and a PIN (stored as an argon2id hash)."""
    if not card.strip() or not pin:
        raise ValueError("a member needs a card number and a PIN")
    store = open_store(data_dir)
    try:
        store.add_member(card.strip(), hash_pin(pin), daily_allowance_minutes)
    finally:
        store.close()


def ban_member(data_dir: Path, card: str, until: dt.datetime | None, reason: str = "") -> None:
    """Suspend a member card until ``until`` (None lifts the suspension)."""
    store = open_store(data_dir)
    try:
        store.ban_member(card, until, reason)
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the module."""
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.agent.admin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", type=Path, help="the agent's data folder")
    commands = parser.add_subparsers(dest="command", required=True)
    tickets = commands.add_parser("tickets", help="make single-use tickets, print their codes")
    tickets.add_argument("--count", type=int, default=1)
    tickets.add_argument("--minutes", type=int, default=60)
    tickets.add_argument("--valid-days", type=int, default=30)
    member = commands.add_parser("member", help="add a member card")
    member.add_argument("--card", required=True)
    member.add_argument("--pin", required=True)
    member.add_argument("--daily-minutes", type=int, default=None)
    pin = commands.add_parser("hash-pin", help="print the argon2id hash of a PIN")
    pin.add_argument("pin")
    args = parser.parse_args(argv)
    if args.command == "hash-pin":
        print(hash_pin(args.pin))
        return 0
    if args.data_dir is None:
        parser.error("--data-dir is needed")
    if args.command == "tickets":
        for code in create_tickets(args.data_dir, args.count, args.minutes, args.valid_days):
            print(code)
    else:
        add_member(args.data_dir, args.card, args.pin, args.daily_minutes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
