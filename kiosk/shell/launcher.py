"""Starting the visitor's applications from the launcher.

On a locked-down kiosk the shell is all the visitor's session runs: the programs the agent
lists in ``View.apps`` are started from here. :class:`AppStarter` is the small interface
the controller uses; :class:`DetachedStarter` is the real one, the tests use a fake.
"""

from __future__ import annotations

import logging
import os
import shlex
from typing import Protocol

from PySide6.QtCore import QProcess, QProcessEnvironment

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


class DetachedStarter:
    """Starts programs detached from the shell (``QProcess.startDetached``).

    Detached: a program keeps running when the shell redraws or restarts, and the shell
    never waits for it. The agent ends every program of the visitor at the wipe. With a
    ``language`` the program gets the visitor's locale (:mod:`kiosk.shell.locales`).
    """

    def start(self, exec_line: str, language: Language | None = None) -> bool:
        """Start ``exec_line``; False when it is empty or the program could not start."""
        command = split_command(exec_line)
        if command is None:
            log.warning("nothing to start in %r", exec_line)
            return False
        program, arguments = command
        process = QProcess()
        process.setProgram(program)
        process.setArguments(arguments)
        if language is not None:
            environment = QProcessEnvironment()
            for key, value in with_language(os.environ, language).items():
                environment.insert(key, value)
            process.setProcessEnvironment(environment)
        started = process.startDetached()
        if not started:
            log.warning("could not start %r", exec_line)
        return bool(started)
