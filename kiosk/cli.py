"""``epn-kiosk``: run the agent, the shell, the X session's program, enroll, sweep, or
update."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from epn_shared.version import installed_version

COMMANDS = {
    "agent": ("kiosk.agent.cli", "run the kiosk agent (service)"),
    "shell": ("kiosk.shell.app", "run the visitor's shell"),
    "session": (
        "kiosk.shell.supervisor",
        "run the visitor's shell and restart it when it dies (the X session's program)",
    ),
    "enroll": ("kiosk.agent.enroll", "join this PC to a console with a pairing code"),
    "set-pin": ("kiosk.agent.staff_pin", "set the staff PIN of this PC (typed twice, as root)"),
    "sweep": ("kiosk.agent.sweep", "finish any wipe left undone (run at boot, as root)"),
    "update": (
        "kiosk.agent.update",
        "install the kiosk's update from the console, never during a visitor's session "
        "(run by a timer, as root)",
    ),
}
"""Each command's module provides ``add_arguments(parser)``. Only the chosen command's
module is imported: the shell never loads the agent's database layer, the agent never
loads Qt, and both start faster."""


def command_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The ``epn-kiosk`` command line: every command, with the options of ``chosen`` only
    (None: of every command, for the manual page)."""
    parser = argparse.ArgumentParser(
        prog="epn-kiosk", description="Run the kiosk agent, the visitor's shell, enrollment."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (module, summary) in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=summary)
        if chosen is None or chosen == name:
            importlib.import_module(module).add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``epn-kiosk`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    chosen = arguments[0] if arguments and arguments[0] in COMMANDS else ""
    args = command_parser(chosen).parse_args(arguments)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
