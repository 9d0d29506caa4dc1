"""Test doubles and helpers for the shell: a window drawing views, with a fake agent and
speaker, and finders for what the visitor sees. Used by the GUI tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.core.protocol import ErrorBody, Reply, View
from kiosk.shell import i18n
from kiosk.shell.controller import ShellController
from kiosk.shell.screens import AnimatorPage, SessionPage
from kiosk.shell.speaker import Speaker
from kiosk.shell.viewmodel import LocalState, Screen
from kiosk.shell.widgets import ActionButton
from kiosk.shell.window import MainWindow, Shell, shell_on_agent
from policies import Language


class FakeSender:
    """Stands for the agent: records each request (built and validated) and can answer it."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self._callbacks: dict[int, Callable[[Reply], None] | None] = {}

    def send(
        self, kind: type[Any], /, on_reply: Callable[[Reply], None] | None = None, **fields: Any
    ) -> int:
        request_id = len(self.sent) + 1
        self.sent.append(kind(id=request_id, **fields))
        self._callbacks[request_id] = on_reply
        return request_id

    def of_type(self, kind: type[Any]) -> list[Any]:
        """The requests of one type, in order."""
        return [message for message in self.sent if isinstance(message, kind)]

    def answer_last(self, code: str | None = None, retry_after: int | None = None) -> None:
        """Reply to the last request: ok, or refused with ``code``."""
        request = self.sent[-1]
        request_id = request.id
        callback = self._callbacks.get(request_id)
        error = None if code is None else ErrorBody(code=code, message="x", retry_after=retry_after)
        if callback is not None:
            callback(Reply(re=request_id, ok=code is None, error=error))


class FakeSpeaker(Speaker):
    """Records what would be read aloud."""

    def __init__(self, available: bool = True) -> None:
        super().__init__()
        self._available = available
        self._speaking = False
        self.said: list[tuple[str, Language]] = []

    @property
    def available(self) -> bool:
        return self._available

    @available.setter
    def available(self, available: bool) -> None:
        """False: the PC has no sound (from the next screen drawn on)."""
        self._available = available

    @property
    def speaking(self) -> bool:
        return self._speaking

    def speak(self, text: str, language: Language) -> None:
        self.said.append((text, language))
        self._speaking = True
        self.speakingChanged.emit(True)

    def stop(self) -> None:
        if self._speaking:
            self._speaking = False
            self.speakingChanged.emit(False)


class FakeStarter:
    """Stands for the programs: records each command line started; ``fails`` refuses all."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.languages: list[Language | None] = []
        self.fails = False

    def start(self, exec_line: str, language: Language | None = None) -> bool:
        if self.fails:
            return False
        self.started.append(exec_line)
        self.languages.append(language)
        return True


@dataclass
class FakeClock:
    """A monotonic clock the test moves by hand."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Kiosk:
    """A shell window wired to fakes."""

    shell: ShellController
    window: MainWindow
    agent: FakeSender
    speaker: FakeSpeaker
    clock: FakeClock = field(default_factory=FakeClock)
    starter: FakeStarter = field(default_factory=FakeStarter)

    def show(self, view: View) -> None:
        """The agent pushes ``view``."""
        self.shell.set_view(view)

    def texts(self) -> list[str]:
        """Every text a visitor can see now (labels and buttons)."""
        return visible_texts(self.window)


def visible_texts(root: QWidget) -> list[str]:
    """Texts of the labels and buttons visible in ``root``."""
    found = [
        label.text()
        for label in root.findChildren(QLabel)
        if label.isVisibleTo(root) and label.text()
    ]
    return found


def find_button(root: QWidget, text: str) -> ActionButton:
    """The visible button showing ``text``."""
    for button in root.findChildren(ActionButton):
        if button.isVisibleTo(root) and button.label == text:
            return button
    raise AssertionError(f"no visible button {text!r} in {visible_texts(root)}")


def make_kiosk(qtbot: Any, speaker: FakeSpeaker | None = None) -> Kiosk:
    """A connected shell window with a fake agent."""
    agent = FakeSender()
    speaker = speaker or FakeSpeaker()
    clock = FakeClock()
    starter = FakeStarter()
    shell = ShellController(agent, speaker, monotonic=clock, starter=starter)
    window = MainWindow(shell, windowed=True)
    qtbot.addWidget(window)
    window.show()
    shell.set_connected(True)
    return Kiosk(shell, window, agent, speaker, clock, starter)


def agent_shell(
    qtbot: Any, socket_path: str | os.PathLike[str], speaker: Speaker | None = None
) -> Shell:
    """The real shell on the agent at ``socket_path``, its window shown, its client not
    started yet; ``speaker`` reads aloud (default: one that never can)."""
    shell = shell_on_agent(str(socket_path), speaker or Speaker(), windowed=True)
    qtbot.addWidget(shell.window)
    shell.window.show()
    return shell


@contextlib.contextmanager
def running_shell(
    qtbot: Any, socket_path: str | os.PathLike[str], language: Language
) -> Iterator[tuple[ShellController, MainWindow]]:
    """The real shell on the agent at ``socket_path``, connected, the visitor's ``language``
    picked on its first screen; stopped (and the application left to right) afterwards."""
    client, shell, window = agent_shell(qtbot, socket_path)
    try:
        client.start()
        qtbot.waitUntil(lambda: shell.screen is Screen.LANGUAGE, timeout=5000)
        qtbot.mouseClick(find_button(window, language.native_name), Qt.MouseButton.LeftButton)
        yield shell, window
    finally:
        client.stop()
        QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@contextlib.contextmanager
def visitor_in_session(
    qtbot: Any, socket_path: str | os.PathLike[str], language: Language
) -> Iterator[tuple[ShellController, MainWindow]]:
    """:func:`running_shell`, then a walk-in visitor in ``language`` who accepted the rules,
    in session (the launcher, which opens first when the PC has programs, closed)."""
    left = Qt.MouseButton.LeftButton
    with running_shell(qtbot, socket_path, language) as (shell, window):
        qtbot.mouseClick(find_button(window, i18n.tr("mode_walk_in", language)), left)
        qtbot.waitUntil(lambda: shell.screen is Screen.RULES, timeout=5000)
        qtbot.mouseClick(find_button(window, i18n.tr("accept", language)), left)
        qtbot.waitUntil(lambda: shell.screen in (Screen.SESSION, Screen.LAUNCHER), timeout=5000)
        if shell.screen is Screen.LAUNCHER:
            shell.close_launcher()
        yield shell, window


def open_staff_key(shell: ShellController, window: MainWindow, qtbot: Any) -> AnimatorPage:
    """Touch the session's staff key: the staff menu's PIN page, shown."""
    session = window.pages[Screen.SESSION]
    assert isinstance(session, SessionPage)
    qtbot.mouseClick(session.staff, Qt.MouseButton.LeftButton)
    assert shell.screen is Screen.ANIMATOR
    page = window.pages[Screen.ANIMATOR]
    assert isinstance(page, AnimatorPage)
    return page


def type_pin(page: AnimatorPage, pin: str, qtbot: Any) -> None:
    """Type ``pin`` on the staff menu's keypad and confirm."""
    for digit in pin:
        qtbot.mouseClick(page.keypad.digits[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.keypad.ok, Qt.MouseButton.LeftButton)


LOOKS = {
    "normal": (False, False),
    # High contrast only thickens the borders (a pixel or two on every button): large
    # text with it is the tightest case of large text.
    "large": (True, True),
}
"""The visitor's looks a screen must fit in: (large text, high contrast)."""


class LookShell(ShellController):
    """A shell whose visitor keeps one look (large text, contrast) through every scene.

    Switching the look restyles the whole window: once per window, not twice per scene.
    """

    look: tuple[bool, bool] = (False, False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "local" and isinstance(value, LocalState):
            large, contrast = self.look
            value = replace(value, large_text=large, high_contrast=contrast)
        super().__setattr__(name, value)


def look_window(
    qtbot: Any | None, size: tuple[int, int], look: str
) -> tuple[LookShell, MainWindow]:
    """A connected shell window of ``size`` whose visitor keeps the look named ``look``
    (closed with the test, given its ``qtbot``)."""
    shell = LookShell(FakeSender(), FakeSpeaker())
    shell.look = LOOKS[look]
    shell.local = shell.local
    window = MainWindow(shell, windowed=True, size=size)
    if qtbot is not None:
        qtbot.addWidget(window)
    window.show()
    shell.set_connected(True)
    return shell, window


SETTLE_TURNS = 10


def draw(
    shell: ShellController,
    window: MainWindow,
    scene: Callable[[Any, Any, Language], None],
    language: Language,
) -> None:
    """Put the window in ``scene``, laid out as it would be shown."""
    speaker = shell.speaker
    speaker.stop()
    if isinstance(speaker, FakeSpeaker):
        speaker.available = True
    shell.set_connected(True)
    scene(shell, window, language)
    _settle(window)
    # Painted (one pixel of it: as dear as the whole for what follows): painting sends
    # the hidden screens the resizes they were owed, and some layouts only move then (a
    # rule's text opened the first time ran under its scroll bar, in the pictures too).
    window.grab(QRect(0, 0, 1, 1))
    _settle(window)


def _settle(window: QWidget) -> None:
    # Layouts settle on posted events, wrapped words sometimes over two turns: until
    # nothing moves any more (a layout that never settles fails on the last turn's state).
    before = None
    for _ in range(SETTLE_TURNS):
        QApplication.processEvents()
        now = _geometries(window)
        if now == before:
            break
        before = now


def _geometries(window: QWidget) -> list[tuple[int, int, int, int]]:
    return [
        (widget.x(), widget.y(), widget.width(), widget.height())
        for widget in window.findChildren(QWidget)
        if widget.isVisible()
    ]
