"""``epn-kiosk``: run the agent, the shell, or the one-PC demo."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kiosk.agent import service
from kiosk.demo import add_arguments as demo_arguments
from kiosk.shell import app


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``epn-kiosk`` console script."""
    parser = argparse.ArgumentParser(prog="epn-kiosk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    service.add_arguments(commands.add_parser("agent", help="run the kiosk agent (service)"))
    app.add_arguments(commands.add_parser("shell", help="run the visitor's shell"))
    demo_arguments(commands.add_parser("demo", help="run one kiosk on this machine (sandbox)"))
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
