"""Input anywhere in the visitor's X session counts as activity, not only input to the shell.

A visitor typing a CV in the browser must never see "are you still there?".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from helpers.xvfb import private_xvfb

from kiosk.shell.idle import SessionInputWatcher, X11IdleSource


class FixedIdle:
    """An idle source that says what the test wants."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds

    def idle_seconds(self) -> float | None:
        return self.seconds


@pytest.mark.parametrize(("idle", "reported"), [(0.3, True), (60.0, False), (None, False)])
def test_recent_input_in_the_session_is_reported_as_activity(
    qtbot, idle: float | None, reported: bool
) -> None:
    calls: list[None] = []
    watcher = SessionInputWatcher(FixedIdle(idle), lambda: calls.append(None))
    assert watcher.poll() is reported
    assert len(calls) == (1 if reported else 0)


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb display, stopped by its pid at the end."""
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (installed by installer/dev.sh as root)")
    with private_xvfb("640x480") as display:
        if display is None:
            pytest.skip("Xvfb did not start")
        yield display


def test_input_to_another_program_resets_the_idle_time_of_the_whole_session(
    x_display: str,
) -> None:
    source = X11IdleSource.open(x_display)
    if source is None:
        pytest.skip("libXss or the MIT-SCREEN-SAVER extension is missing")
    env = dict(os.environ, DISPLAY=x_display)
    try:
        deadline = time.monotonic() + 10
        while (source.idle_seconds() or 0.0) < 1.0:  # nobody touches the display
            assert time.monotonic() < deadline, "the idle time never grew"
            time.sleep(0.05)
        # Another X client (as a browser would) gets a key press and a pointer move.
        subprocess.run(["xdotool", "mousemove", "200", "200", "key", "a"], env=env, check=True)
        idle = source.idle_seconds()
        assert idle is not None and idle < 0.5
    finally:
        source.close()
