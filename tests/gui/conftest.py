"""Fixtures of the shell's GUI tests: a window drawing views, with a fake agent and speaker."""

from __future__ import annotations

import os

# Before Qt loads: the tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from typing import Any

import pytest
from helpers.kiosk_shell import Kiosk, make_kiosk
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


@pytest.fixture
def kiosk(qtbot: Any) -> Iterator[Kiosk]:
    """A shell window drawing the views a test pushes."""
    yield make_kiosk(qtbot)
    # The layout direction belongs to the application, which outlives a test.
    QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
