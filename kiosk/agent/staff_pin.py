"""``epn-kiosk set-pin``: the staff PIN of this PC, typed twice at its terminal.

Without a PIN a PC has no staff key: nobody can pair it from its screen, extend a session
or end one there. The PIN is kept as an argon2id hash in ``DATA_DIR/staff-pin`` (mode 0600,
root's on a kiosk); the agent reads it when it starts: restart the PC between visitors
(on a new PC, the restart at the end of its install) for the staff key to use it.

It is the first-run default only: once the console has sent the PC its staff roster
(:mod:`kiosk.agent.staff_roster`), each staff member opens the staff key with their own PIN,
and this one no longer does (it works again only if the console's roster becomes empty).

Exit status: 0 the PIN is set, 1 it was not (a PIN refused, the two typings differ, the
file could not be written: the old PIN, if any, stays).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from epn_shared import staff_pins
from epn_shared.files import write_atomically
from kiosk.agent.credentials import hash_pin

PIN_FILE = "staff-pin"
PIN_DIGITS = staff_pins.PIN_DIGITS


def pin_path(data_dir: Path) -> Path:
    """Where the staff PIN's hash is kept."""
    return data_dir / PIN_FILE


def read_pin_hash(data_dir: Path) -> str | None:
    """The staff PIN's hash written by ``set-pin``, or None when there is none."""
    try:
        text = pin_path(data_dir).read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    return text or None


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be the staff PIN, or None when it can."""
    problem = staff_pins.pin_problem(pin)
    return None if problem is None else staff_pins.sentence(problem)


def set_pin(data_dir: Path, pin: str) -> None:
    """Check ``pin`` and keep its hash; ValueError names what is wrong (nothing written)."""
    problem = pin_problem(pin)
    if problem is not None:
        raise ValueError(problem)
    data_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(pin_path(data_dir), hash_pin(pin) + "\n", mode=0o600)


def _typed(prompt: str) -> str:
    """A line typed at the terminal without echo, or read from stdin (scripts)."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def run(args: argparse.Namespace) -> int:
    """Ask for the PIN twice and keep it."""
    first = _typed("new staff PIN (digits): ")
    problem = pin_problem(first)
    if problem is not None:
        print(f"set-pin: {problem}; nothing changed", file=sys.stderr)
        return 1
    if _typed("the same PIN again: ") != first:
        print("set-pin: the two PINs differ; nothing changed", file=sys.stderr)
        return 1
    try:
        set_pin(args.data_dir, first)
    except OSError as exc:
        print(f"set-pin: cannot write {pin_path(args.data_dir)}: {exc}", file=sys.stderr)
        return 1
    print("staff PIN set: restart the PC (between visitors) for its staff key to use it")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``set-pin`` command's options and its entry point."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("/var/lib/epn-kiosk"),
        help="the agent's data folder (default /var/lib/epn-kiosk)",
    )
    parser.set_defaults(run=run)
