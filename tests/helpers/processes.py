"""The real processes of the end-to-end tests: waiting for them, the processes a pid started,
the X session's program ``epn-kiosk session``, a demo room for a test module and the
processes it may have left, and what a visitor's session must still be after a process under
it died.

Every process started here is stopped by its pid: by the caller for
:func:`start_session_program`, by :func:`demo_room` itself for the room's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from helpers.kiosk_agent import ShellClient

from installer.demo.room import PC_NAMES, DemoRoom
from kiosk.core.model import State
from kiosk.core.protocol import View

T = TypeVar("T")

DEADLINE = 30.0
"""How long a process may take to do what a test waits for."""
SESSION_PROGRAM = (sys.executable, "-m", "kiosk", "session")
"""The X session's program, as the installer's session runs it (``epn-kiosk session``)."""


def wait_for(
    what: str, condition: Callable[[], T | None], timeout: float = DEADLINE, log: Path | None = None
) -> T:
    """Poll ``condition`` until it gives a true value, and return that value; after
    ``timeout`` seconds, fail naming ``what`` (with the text of ``log`` when given)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            shown = log.read_text(errors="replace") if log is not None and log.exists() else ""
            raise AssertionError(f"waited {timeout:.0f} s for {what}\n{shown}".rstrip())
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (its threads' children), none once it is gone."""
    found: list[int] = []
    with contextlib.suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def start_session_program(
    socket_path: Path, log: Path, env: Mapping[str, str], *options: str
) -> subprocess.Popen[bytes]:
    """``epn-kiosk session`` with ``options`` on the agent at ``socket_path``, its output
    (and its shells') in ``log``; the caller stops it by its pid."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [*SESSION_PROGRAM, *options, "--socket", str(socket_path)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env),
        )


def room_pids(data_dir: Path) -> list[int]:
    """Processes whose command line names ``data_dir`` (a stopped demo room leaves none)."""
    needle = str(data_dir.resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if any(needle in arg.decode(errors="replace") for arg in argv):
                found.append(int(entry.name))
    return found


@contextlib.contextmanager
def demo_room(
    *, screens: bool | None = None, printing: bool = True, shell_for: tuple[str, ...] = PC_NAMES
) -> Iterator[DemoRoom]:
    """A demo room without its console window, started in a short folder of its own (unix
    socket paths); at the end every process of it is stopped by its pid, none may be left,
    and the folder is removed. The options are :class:`DemoRoom`'s."""
    folder = Path(tempfile.mkdtemp(prefix="epn"))
    running = DemoRoom(
        folder,
        port=0,
        gui=False,
        screens=screens,
        printing=printing,
        shell_for=shell_for,
        say=lambda _: None,
    )
    try:
        yield running.start()
    finally:
        pids = list(running.pids().values())
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)
        assert not [p for p in pids if Path(f"/proc/{p}").exists()], "a process was left"
        assert room_pids(folder) == [], "a process of the room was left"


def assert_session_goes_on(socket_path: Path, before: View, language: str, within: float) -> View:
    """The session as a client connecting now sees it: still running (active or warned), in
    the visitor's ``language``, with at most ``within`` seconds less left than ``before``."""
    with ShellClient(socket_path) as staff_view:
        staff_view.hello()
        after = staff_view.latest_view()
    assert after.state in (State.ACTIVE, State.WARNED), after
    assert after.language == language, after
    assert before.seconds_left is not None and after.seconds_left is not None, (before, after)
    assert 0 <= before.seconds_left - after.seconds_left <= within, (before, after)
    return after
