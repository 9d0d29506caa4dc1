"""Settings shared by every test level."""

from __future__ import annotations

import os

import pytest

# Qt must never try a real display in tests; tests that want a real window start Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``root`` need real users, mounts or other uids: skip them, saying why."""
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root: creates users, mounts or switches uid")
    for item in items:
        if "root" in item.keywords:
            item.add_marker(skip)
