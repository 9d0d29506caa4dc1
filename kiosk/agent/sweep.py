"""``epn-kiosk sweep``: finish any wipe left undone, before the login screen.

Run at boot (before the display manager) and by the agent at start. When the wipe journal
says anything but CLEAN — a session was running at a power cut, or the agent was killed in
the middle of a wipe — the whole wipe runs again; every step of it is idempotent.

Exit status: 0 the PC is clean (it was, or the sweep made it so), 1 the wipe failed (no
session may start), 2 the sweep could not run (not root, bad arguments).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from epn_shared import json_log
from epn_shared.json_log import event
from epn_shared.settings_cli import BadSettings, add_options, settings_from
from kiosk.agent.config import AgentConfig
from kiosk.agent.errors import WipeError
from kiosk.agent.system.users import home_of
from kiosk.agent.system_wiper import HomeLimits, SystemParts, SystemWiper
from kiosk.agent.wiper import JournalState, Wiper
from kiosk.core.model import WipeReceipt

log = logging.getLogger(__name__)

SWEEP_SETTINGS = (
    "data_dir", "visitor", "home_dir", "skeleton_dir", "home_size", "home_inodes", "cups_socket"
)  # fmt: skip
"""The agent's settings the sweep takes, with the agent's options (the same home, the same
journal)."""


def sweep(wiper: Wiper, *, force: bool = False) -> WipeReceipt | None:
    """Wipe when the journal is not CLEAN (or when ``force``); the receipt, or None when
    there was nothing to do."""
    state = wiper.journal_state()
    if state is JournalState.CLEAN and not force:
        return None
    event(log, "sweep_wiping", journal=state.value, forced=force)
    return wiper.wipe()


def wiper_from_args(args: argparse.Namespace) -> SystemWiper:
    """The system wiper the command line describes (:class:`BadSettings` if it is wrong)."""
    config = settings_from(AgentConfig, args)
    given = config.model_fields_set
    home = config.home_dir if "home_dir" in given else home_of(config.visitor)
    print_jobs = None
    if config.cups_socket is not None:
        from kiosk.agent.printing.cups_queue import CupsQueue, TolerantPurger  # noqa: PLC0415

        # No print meter watches what an ended session confirmed any more: purge it all.
        print_jobs = TolerantPurger(CupsQueue(config.cups_socket), keep_released=False)
    return SystemWiper(
        config.visitor,
        home,
        config.skeleton_dir,
        config.journal_path,
        parts=SystemParts.real(print_jobs),
        limits=HomeLimits(size=config.home_size, nr_inodes=config.home_inodes),
    )


def main(args: argparse.Namespace) -> int:
    """Sweep; print one JSON line saying what was done."""
    json_log.install(["kiosk"])
    if os.geteuid() != 0:
        print(
            "epn-kiosk sweep: needs root (kills the visitor's processes, unmounts)", file=sys.stderr
        )
        return 2
    try:
        wiper = wiper_from_args(args)
    except BadSettings as exc:
        print(f"epn-kiosk sweep: bad configuration: {exc}", file=sys.stderr)
        return 2
    try:
        receipt = sweep(wiper, force=args.force)
    except (OSError, WipeError) as exc:
        event(log, "sweep_failed", logging.ERROR, reason=str(exc))
        print(f"epn-kiosk sweep: the wipe failed, no session may start: {exc}", file=sys.stderr)
        return 1
    if receipt is None:
        print(json.dumps({"journal": JournalState.CLEAN.value, "wiped": False}))
    else:
        print(
            json.dumps(
                {
                    "journal": JournalState.CLEAN.value,
                    "wiped": True,
                    "erased": dict(receipt.erased),
                    "bytes_erased": receipt.bytes_erased,
                    "seconds": receipt.seconds,
                }
            )
        )
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``sweep`` command's options and its entry point."""
    add_options(parser, AgentConfig, fields=SWEEP_SETTINGS)
    parser.add_argument("--force", action="store_true", help="wipe even when the journal is CLEAN")
    parser.set_defaults(run=main)


def cli(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.agent.sweep``, until the CLI's command table lists it."""
    parser = argparse.ArgumentParser(prog="epn-kiosk sweep", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(cli())
