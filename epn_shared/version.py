"""The installed EPN Kiosk version: what ``--version`` prints, the agent tells its console
(the room view flags a PC left behind) and the packages are named after."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "epn-kiosk"


def installed_version() -> str:
    """The version of the installed distribution, or ``unknown`` when run from a source tree
    that was never installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
