"""``epn-kiosk agent``: the agent's command line (its options, derived from
:class:`~kiosk.agent.config.AgentConfig`, and the entry point that logs as JSON lines and
refuses clearly)."""

from __future__ import annotations

import argparse
import logging
import sys

from epn_shared import json_log
from epn_shared.json_log import event
from epn_shared.settings_cli import BadSettings, add_options, settings_from
from kiosk.agent.agent import run
from kiosk.agent.config import AgentConfig
from kiosk.agent.errors import StartRefused
from kiosk.agent.wiper import Wiper

log = logging.getLogger(__name__)


def config_from_args(args: argparse.Namespace) -> AgentConfig:
    """The configuration the command line describes: each option sets the field it names,
    the ``EPN_KIOSK_*`` environment the fields no option set."""
    try:
        return settings_from(AgentConfig, args)
    except BadSettings as exc:
        raise StartRefused(f"bad configuration: {exc}") from exc


def main(args: argparse.Namespace, *, wiper: Wiper | None = None) -> int:
    """``epn-kiosk agent``: log as JSON lines on stderr, refuse clearly, run."""
    json_log.install(["kiosk"])
    try:
        config = config_from_args(args)
        return run(config, wiper=wiper)
    except StartRefused as exc:
        event(log, "start_refused", logging.ERROR, reason=str(exc))
        if sys.stderr.isatty():  # a person at a terminal; the log stays JSON lines
            print(f"epn-kiosk agent: {exc}", file=sys.stderr)
        return 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``agent`` command's options (one per configuration field) and its entry
    point."""
    add_options(parser, AgentConfig)
    parser.set_defaults(run=main)
