"""Fixtures of the end-to-end tests (their helpers are in ``tests/helpers/processes.py``)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def kiosk_dir() -> Iterator[Path]:
    """A short folder under /tmp for a kiosk's (or a demo room's) data: unix socket paths
    must stay under 108 bytes. Removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="epn"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
