"""Starting the visitor's applications from the launcher.

On a locked-down kiosk the shell is all the visitor's session runs: the programs the agent
lists in ``View.apps`` are started from here. :class:`AppStarter` is the small interface
the controller uses; :class:`DetachedStarter` is the real one, the tests use a fake.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QProcess

from kiosk.shell.locales import with_language
from policies import Language

log = logging.getLogger(__name__)


def split_command(exec_line: str) -> tuple[str, list[str]] | None:
    """The program and its arguments of ``exec_line``; None when there is nothing to run.

    Desktop-entry field codes (``%U``, ``%f``…) are dropped: the launcher opens a program
    empty, never with files, and a literal ``%U`` would be taken for a file name.
    """
    try:
        words = [word for word in shlex.split(exec_line) if not word.startswith("%")]
    except ValueError:  # an unbalanced quote
        return None
    if not words:
        return None
    return words[0], words[1:]


class AppStarter(Protocol):
    """Starts a program for the visitor, without waiting for it."""

    def start(self, exec_line: str, language: Language | None = None) -> bool:
        """Start ``exec_line`` (in the visitor's ``language``); False when it could not."""
        ...


def _children() -> dict[int, list[int]]:
    """Each process's children, from ``/proc`` (the visitor's own processes)."""
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found.setdefault(parent, []).append(int(entry.name))
    return found


def _with_descendants(pids: list[int]) -> list[int]:
    children = _children()
    found: list[int] = []
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo += children.get(pid, [])
    return found


class ProgramWindows:
    """Brings a running program's window to the front (``xdotool``: ``_NET_WM_PID`` and
    the window manager's ``_NET_ACTIVE_WINDOW``)."""

    def activate(self, pids: list[int]) -> bool:
        """Raise a window of ``pids`` or of their children; False when none has one."""
        xdotool = shutil.which("xdotool")
        if xdotool is None or not os.environ.get("DISPLAY"):
            return False
        for pid in _with_descendants(pids):
            found = subprocess.run(
                [xdotool, "search", "--onlyvisible", "--pid", str(pid)],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.split()
            if found:
                done = subprocess.run(
                    [xdotool, "windowactivate", found[-1]],
                    capture_output=True,
                    timeout=5,
                    check=False,
                )
                return done.returncode == 0
        return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class DetachedStarter:
    """Starts programs detached from the shell (``QProcess.startDetached``).

    Detached: a program keeps running when the shell redraws or restarts, and the shell
    never waits for it. The agent ends every program of the visitor at the wipe. With a
    ``language`` the program gets the visitor's locale (:mod:`kiosk.shell.locales`).

    A program already open is not started twice: tapping its tile again brings its window
    back to the front (the letter the visitor was writing, not a second blank one).
    """

    def __init__(self, windows: ProgramWindows | None = None) -> None:
        self._windows = windows if windows is not None else ProgramWindows()
        self._pids: dict[str, list[int]] = {}

    def start(self, exec_line: str, language: Language | None = None) -> bool:
        """Start ``exec_line`` (or bring it back); False when it is empty or the program
        could not start."""
        command = split_command(exec_line)
        if command is None:
            log.warning("nothing to start in %r", exec_line)
            return False
        running = [pid for pid in self._pids.get(exec_line, []) if _alive(pid)]
        self._pids[exec_line] = running
        if running and self._windows.activate(running):
            return True
        program, arguments = command
        if shutil.which(program) is None:
            log.warning("could not start %r: no such program", exec_line)
            return False
        argv = [program, *arguments]
        if language is not None:
            # Through env(1), which runs the program in its own place (same pid): the
            # static startDetached tells the pid, and takes no environment.
            env = with_language(os.environ, language)
            unset = [f"-u{key}" for key in os.environ if key not in env]
            argv = ["env", *unset, *(f"{k}={env[k]}" for k in ("LANGUAGE", "LANG")), *argv]
        started, pid = QProcess.startDetached(argv[0], argv[1:])
        if not started:
            log.warning("could not start %r", exec_line)
            return False
        self._pids[exec_line].append(int(pid))
        return True
