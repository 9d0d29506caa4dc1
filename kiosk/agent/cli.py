"""``epn-kiosk agent``: the agent's command line (its options, the configuration they
describe, and the entry point that logs as JSON lines and refuses clearly)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from epn_shared import json_log
from epn_shared.json_log import event
from kiosk.agent.agent import run
from kiosk.agent.config import AgentConfig
from kiosk.agent.errors import StartRefused
from kiosk.agent.wiper import Wiper

log = logging.getLogger(__name__)

_FIELDS = {
    "socket": "socket_path",
    "policy": "policy_path",
    "home": "home_dir",
    "skeleton": "skeleton_dir",
}
"""The options named otherwise than the configuration field they set."""


def config_from_args(args: argparse.Namespace) -> AgentConfig:
    """The configuration the command line describes: each option sets the field it names."""
    given = {_FIELDS.get(name, name): value for name, value in vars(args).items()}
    try:
        return AgentConfig(**{k: v for k, v in given.items() if k in AgentConfig.model_fields})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}"
            for e in exc.errors(include_url=False)
            if e["type"] != "default_factory_not_called"  # a consequence, not a cause
        )
        raise StartRefused(f"bad configuration: {problems}") from exc


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
    """Declare the ``agent`` command's options and its entry point."""
    parser.add_argument(
        "--sandbox", action="store_true", help="run without root: the visitor's home is a folder"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=True,
        help="folder of the local store, the wipe journal and the home",
    )
    parser.add_argument(
        "--socket", type=Path, help="unix socket for the shell (default DATA_DIR/kiosk.sock)"
    )
    parser.add_argument(
        "--policy", type=Path, help="policy file, .toml or .yaml (default: the bundled policy)"
    )
    parser.add_argument("--pc-name", help="name of this PC (default: host name)")
    parser.add_argument(
        "--animator-pin-hash",
        help="argon2id hash of the animator PIN (python -m kiosk.agent.admin hash-pin)",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        help="folder of console.json, written by `epn-kiosk enroll` (default DATA_DIR)",
    )
    parser.add_argument(
        "--allow-insecure-link",
        action="store_true",
        help="accept a ws:// console without TLS (sandbox demos and tests only)",
    )
    printing = parser.add_argument_group("printing (metered through CUPS)")
    printing.add_argument("--cups-socket", type=Path, help="the kiosk's cupsd socket (no printing)")
    printing.add_argument(
        "--print-approvals",
        type=Path,
        help="folder of the gated backend's approvals (/run/epn-kiosk/print-approved)",
    )
    printing.add_argument("--print-user", help="account whose jobs are metered (the visitor)")
    production = parser.add_argument_group("production (as root, without --sandbox)")
    production.add_argument("--visitor", help="the visitor account (epn-visitor)")
    production.add_argument("--home", type=Path, help="the visitor's home (default: from passwd)")
    production.add_argument("--home-size", help="tmpfs size of the home (1g)")
    production.add_argument(
        "--skeleton", type=Path, help="what a fresh home holds (the packaged one)"
    )
    production.add_argument("--home-inodes", type=int, help="most files in the home (200000)")
    production.add_argument(
        "--display-manager",
        help="systemd unit restarted after each wipe so it logs the visitor in again "
        "(lightdm.service)",
    )
    production.add_argument(
        "--lockdown-root",
        type=Path,
        help="rewrite the browsers' policies under this root (/) when the policy changes",
    )
    parser.set_defaults(run=main)
