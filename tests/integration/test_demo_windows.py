"""How the demo room treats a window that ends: a crash is started again after a pause that
grows while it keeps crashing (a crash loop never spins), a console window closed on purpose
stays closed until the user asks, and a process that is not a window stops the room.

Real processes that end at once stand in for the windows; the room itself is not started.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from installer.demo.room import STABLE_SECONDS, Child, DemoRoom, restart_delay, spawn


@pytest.fixture
def said() -> list[str]:
    """What the room told its terminal."""
    return []


@pytest.fixture
def room(tmp_path: Path, said: list[str]) -> DemoRoom:
    """A room that is not started: the test puts its processes in it."""
    return DemoRoom(tmp_path, say=said.append)


def ended(room: DemoRoom, name: str, code: int, *, restart: bool = True) -> Child:
    """A process of ``room`` called ``name`` that has already ended with ``code``, in the room
    in place of the one of that name (as the room puts a window it started again)."""
    log = room.data_dir / f"{name.replace(' ', '-')}.log"
    child = spawn(name, [sys.executable, "-c", f"raise SystemExit({code})"], log, restart=restart)
    child.process.wait(30)
    room._replace(child)
    return child


def test_the_pause_before_a_new_start_grows_with_each_crash_in_a_row_up_to_30_s() -> None:
    delays = [restart_delay(n) for n in range(1, 10)]
    assert delays[0] <= 1.0  # a lost shell is back well within the agent's 30 s
    assert delays == sorted(delays)
    assert delays[-1] == delays[-2] == 30.0


def test_a_crashed_window_waits_longer_each_time_and_a_stable_one_starts_again_soon(
    room: DemoRoom, said: list[str]
) -> None:
    first = ended(room, "shell PC-01", 1)
    assert room.children == [first]
    now = time.monotonic()
    assert room.tend(now) is None
    assert first.failures == 1 and first.due == now + restart_delay(1)
    assert said == [f"shell PC-01 ended (code 1): starting it again in {restart_delay(1):g} s."]

    # Started again, it crashes at once: the next pause is longer.
    second = ended(room, "shell PC-01", 1)
    assert room.children == [second]
    room.tend(now + 1)
    assert second.failures == 2 and second.due == now + 1 + restart_delay(2)

    # One that ran a while before it ended counts as a first failure again.
    third = ended(room, "shell PC-01", 1)
    third.started = now - STABLE_SECONDS
    room.tend(now)
    assert third.failures == 1


def test_the_console_window_closed_on_purpose_stays_closed_and_the_room_runs_on(
    room: DemoRoom, said: list[str]
) -> None:
    gui = ended(room, "console GUI", 0)
    assert room.tend() is None
    assert room.gui_closed
    assert said and "Press Enter here to open it again" in said[0]
    # Long after, it is still closed: nothing was started in its place.
    assert room.tend(time.monotonic() + 3600) is None
    assert room.children == [gui] and len(said) == 1


def test_an_agent_that_ends_stops_the_room(room: DemoRoom) -> None:
    agent = ended(room, "agent PC-01", 1, restart=False)
    assert room.tend() is agent
