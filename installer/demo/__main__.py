"""``python -m installer.demo [room|pc] [options]``: the demo, on this machine, in sandbox mode.

``room`` (the default; ``installer/dev.sh demo`` runs it): a console, its window and three
public PCs, each PC in a window of its own (:mod:`installer.demo.room`). ``pc``: one public
PC without a console (:mod:`installer.demo.one_pc`). Both need a display and both products'
dependencies (``pip install -e '.[test]'``). The demo is not part of either product: neither
package nor wheel ships it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from installer.demo.one_pc import run_pc
from installer.demo.room import DEFAULT_PORT, run_room

COMMANDS = ("room", "pc")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m installer.demo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    room = commands.add_parser("room", help="a console, its window and three PCs (default)")
    pc = commands.add_parser("pc", help="one PC without a console (agent and shell only)")
    for command in (room, pc):
        command.add_argument(
            "--data-dir",
            type=Path,
            default=Path("demo-data"),
            help="where the demo keeps its stores and visitor homes (default: demo-data)",
        )
        command.add_argument(
            "--fullscreen",
            action="store_true",
            help="the shells full screen on this display, as on a real public PC (default: a "
            "window; with Xephyr, each PC's shell is full screen in that PC's own window)",
        )
    room.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the demo console's port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free one)",
    )
    room.add_argument("--no-gui", action="store_true", help="without the console window")
    room.add_argument(
        "--no-screens",
        action="store_true",
        help="no Xephyr window per PC: the shells as plain windows on this display",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the room or the one PC until its windows are closed, Ctrl+C or SIGTERM."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help"):
        arguments.insert(0, "room")
    args = _parser().parse_args(arguments)
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        print(
            "installer.demo: no display. Run it in a desktop session "
            "(or under Xvfb with DISPLAY set).",
            file=sys.stderr,
        )
        return 2
    if args.command == "pc":
        return run_pc(args.data_dir, fullscreen=args.fullscreen)
    return run_room(
        args.data_dir,
        port=args.port,
        gui=not args.no_gui,
        fullscreen=args.fullscreen,
        screens=False if args.no_screens else None,
    )


if __name__ == "__main__":
    sys.exit(main())
