"""System tests need root (other uids, mounts, real users); without it they are skipped."""

from __future__ import annotations

import os

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a ``root`` test, saying why, when not running as root."""
    if item.get_closest_marker("root") is not None and os.geteuid() != 0:
        pytest.skip("needs root: switches to another uid to test who may talk to the agent")
