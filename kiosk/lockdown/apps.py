"""Which launcher applications a PC has: the catalogue's candidates found installed."""

from __future__ import annotations

import os
from collections.abc import Set
from pathlib import Path

from policies.model import APP_CATALOGUE, App, AppCandidate, Policy

APPLICATIONS_DIR = Path("usr/share/applications")
PROGRAM_DIRS = (Path("usr/local/bin"), Path("usr/bin"), Path("bin"))


def installed_desktop_files(root: Path = Path("/")) -> frozenset[str]:
    """Desktop entries of catalogue programs installed under ``root``.

    A program counts as installed when its desktop entry is in /usr/share/applications
    and its command is an executable file in a system program folder: a leftover entry
    of a removed package, or a command without its entry, is not offered.
    """
    found: set[str] = set()
    for info in APP_CATALOGUE.values():
        for candidate in info.candidates:
            entry = root / APPLICATIONS_DIR / candidate.desktop_file
            programs = (root / folder / candidate.command for folder in PROGRAM_DIRS)
            if entry.is_file() and any(p.is_file() and os.access(p, os.X_OK) for p in programs):
                found.add(candidate.desktop_file)
    return frozenset(found)


def launcher_apps(policy: Policy, installed: Set[str]) -> tuple[tuple[App, AppCandidate], ...]:
    """The applications the launcher shows, in the policy's order, each with the program
    that fills it: the first candidate whose desktop entry is in ``installed``."""
    chosen: list[tuple[App, AppCandidate]] = []
    for app in policy.launcher.apps:
        for candidate in APP_CATALOGUE[app].candidates:
            if candidate.desktop_file in installed:
                chosen.append((app, candidate))
                break
    return tuple(chosen)
