"""Shared pieces of the console GUI tests: a real console server with staff and a PC, the
window logged in, and dialogs that answer at once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.console_server import TEST_PASSWORD, ConsoleServer, StaffLogin
from helpers.room_link import LinkedRoom
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QWidget

from admin_console.api.staff import Role
from admin_console.gui.client import Endpoint
from admin_console.gui.controller import ConsoleController
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.window import ConsoleWindow
from admin_console.server.clock import FakeClock
from policies import Language

WAIT_MS = 15_000  # a bound for a hung window, not a speed target (busy 2-core machines)


@dataclass
class AnsweringDialogs(Dialogs):
    """Dialogs that answer what the test says, and remember what was asked."""

    save_path: str | None = None
    confirm_answer: bool = False
    questions: list[str] = field(default_factory=list)

    def save_file(self, parent: QWidget, title: str, suggested: str, pattern: str) -> str | None:
        """The path the test chose."""
        self.questions.append(title)
        return self.save_path

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        """The test's answer."""
        self.questions.append(question)
        return self.confirm_answer


@dataclass
class Console:
    """A console server, its admin, and the GUI on it."""

    server: ConsoleServer
    admin: StaffLogin
    controller: ConsoleController
    window: ConsoleWindow
    dialogs: AnsweringDialogs


def log_in(qtbot: Any, window: ConsoleWindow, username: str, password: str = TEST_PASSWORD) -> None:
    """Type the credentials and press the button; wait for the tabs."""
    window.login.username.setText(username)
    window.login.password.setText(password)
    qtbot.mouseClick(window.login.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=WAIT_MS)


@dataclass
class Room:
    """A console server with PCs linked to it (:class:`LinkedRoom`) and a console window
    on it."""

    server: ConsoleServer
    pcs: LinkedRoom
    controller: ConsoleController
    window: ConsoleWindow

    def tile(self, name: str) -> Any:
        """The room view's tile of the PC ``name``."""
        return self.window.room.tiles.get(self.pcs.ids[name])


@contextlib.contextmanager
def console_window(
    qtbot: Any, server: ConsoleServer, language: Language, dialogs: Dialogs | None = None
) -> Iterator[tuple[ConsoleController, ConsoleWindow]]:
    """A console window in ``language`` on ``server``, shown, not logged in (``dialogs``:
    its questions' answers; default: the real ones); its feed and help timer stopped after."""
    endpoint = Endpoint.parse(server.url, None, insecure_http=True)
    controller = ConsoleController(endpoint, language, now=server.clock.now)
    window = ConsoleWindow(controller, dialogs)
    qtbot.addWidget(window)
    window.show()
    try:
        yield controller, window
    finally:
        controller.feed.stop()
        controller.help.timer.stop()


@contextlib.contextmanager
def console(
    qtbot: Any,
    tmp_path: Path,
    language: Language = Language.FR,
    *,
    cups_server: str | None = None,
    staff: bool = True,
    **settings: Any,
) -> Iterator[Console]:
    """A real console server on 127.0.0.1 (fake clock) with an admin, a manager ``marie``
    and an animator ``nadia`` (none with ``staff=False``: the admin is then a login of
    nobody), each of whom reads ``language``, and a console window on it in ``language``
    (not logged in: the window speaks each one's own language once logged in). Its CUPS is
    ``cups_server``; by default a socket where none answers, never the machine's own.
    ``settings``: further server settings (``console_machine=...``)."""
    cups = cups_server or str(tmp_path / "no-cups.sock")
    with ConsoleServer(tmp_path, cups_server=cups, **settings) as server:
        admin = StaffLogin("admin", Role.ADMIN, "")
        if staff:
            admin = server.add_staff("admin", Role.ADMIN)
            server.add_staff("marie", Role.MANAGER, login=False)
            server.add_staff("nadia", Role.ANIMATOR, login=False)
            for name in ("admin", "marie", "nadia"):
                speaks(server, name, language)
        dialogs = AnsweringDialogs()
        with console_window(qtbot, server, language, dialogs) as (controller, window):
            yield Console(server, admin, controller, window, dialogs)


def speaks(server: ConsoleServer, username: str, language: Language) -> None:
    """Make ``language`` the account's own (as a manager chooses it in the team tab)."""
    staff = server.console.repos.staff.find(username)
    assert staff is not None
    server.console.repos.staff.change(staff.id, language=language.value)


def cell(table: QTableWidget, row: int, column: int) -> str:
    """The text of one cell ('' when empty)."""
    item = table.item(row, column)
    return item.text() if item is not None else ""


def advance(server: ConsoleServer, **delta: float) -> None:
    """Move the server's fake clock (which the GUI reads too)."""
    clock = server.clock
    assert isinstance(clock, FakeClock)
    clock.advance(**delta)
