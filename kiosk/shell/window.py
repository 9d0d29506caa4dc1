"""The shell's one window: full screen before and after a session, a slim bar during it."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QRect, QSocketNotifier, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QPaintEvent
from PySide6.QtWidgets import QLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.shell import x11
from kiosk.shell.controller import ShellController
from kiosk.shell.ipc_client import AgentClient
from kiosk.shell.screens import ScreenPage, build_pages
from kiosk.shell.speaker import Speaker
from kiosk.shell.theme import Theme, stylesheet
from kiosk.shell.viewmodel import Screen, WindowMode
from kiosk.shell.widgets import Ctx
from kiosk.shell.wm import SHELL_ROLE

WINDOWED_SIZE = (1280, 800)
"""Size of the window with ``--windowed`` (a demo on a developer's desktop)."""


class MainWindow(QWidget):
    """Draws the controller's current screen and sizes itself for it.

    ``windowed`` gives a normal window of ``size`` (1280×800 unless told: the pictures and
    the tests draw it as a 1024×768 or 1366×768 screen); otherwise the window is frameless,
    stays on top, and covers the whole screen or a bar across its top. Under X11 the bar's
    strip is reserved (``_NET_WM_STRUT_PARTIAL``): the window manager keeps maximised
    programs under it, and the window's role (:data:`SHELL_ROLE`) keeps it above them;
    :class:`KeepOnTop` undoes what a program asks to get over it (full screen, above).
    """

    firstPainted = Signal()

    def __init__(
        self,
        shell: ShellController,
        windowed: bool = False,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.shell = shell
        self.windowed = windowed
        self.windowed_size = size or WINDOWED_SIZE
        self.setObjectName("root")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("EPN")
        self.setWindowRole(SHELL_ROLE)
        self._strut: tuple[int, int, int] | None = None
        if not windowed:
            self.setWindowFlags(
                Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            )
        self.stack = QStackedWidget()
        self.pages: dict[Screen, ScreenPage] = {
            Screen(name): page for name, page in build_pages(shell).items()
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The window shrinks to a bar during a session, smaller than the full screens.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.stack)
        self.screen_shown: Screen | None = None
        self._look: tuple[Theme, str] | None = None
        self._mode: tuple[WindowMode, Theme, int] | None = None
        self._painted = False
        self._rendering = False
        shell.changed.connect(self.redraw)
        shell.speaker.speakingChanged.connect(lambda _speaking: self.redraw())
        # A headset plugged in, a sound server started: read aloud is offered at once.
        shell.speaker.availableChanged.connect(lambda _available: self.redraw())
        self.resize(*self.windowed_size)
        self.redraw()

    @property
    def page(self) -> ScreenPage:
        """The screen on view."""
        page = self.stack.currentWidget()
        assert isinstance(page, ScreenPage)
        return page

    def redraw(self) -> None:
        """Draw the current view in the visitor's language, theme and direction."""
        if self._rendering:
            return  # a page asked for a redraw while drawing: it is already under way
        self._rendering = True
        try:
            self._render()
        finally:
            self._rendering = False

    def _render(self) -> None:
        shell = self.shell
        ctx = Ctx(shell.language, shell.theme)
        direction = Qt.LayoutDirection.RightToLeft if ctx.rtl else Qt.LayoutDirection.LeftToRight
        if QGuiApplication.layoutDirection() != direction:
            QGuiApplication.setLayoutDirection(direction)
        look = (ctx.theme, ctx.language.about.font)
        if look != self._look:
            self._look = look
            self.setStyleSheet(stylesheet(*look))
        screen = shell.screen
        page = self.pages[screen]
        if screen is not self.screen_shown:
            self.screen_shown = screen
            self.stack.setCurrentWidget(page)
            page.entered()
        page.show_view(shell.view, ctx)
        self._apply_mode(shell.window_mode, ctx.theme, page.extra_height())

    def _apply_mode(self, mode: WindowMode, theme: Theme, extra: int = 0) -> None:
        """Size the window for ``mode``; ``extra`` pixels more under a bar (a workshop's
        title strip)."""
        if (mode, theme, extra) == self._mode:
            return
        self._mode = (mode, theme, extra)
        heights = {
            WindowMode.BAR: theme.bar_height,
            WindowMode.BANNER: theme.banner_height,
            WindowMode.PANEL: theme.panel_height,
        }
        if self.windowed:
            width, full_height = self.windowed_size
            self.resize(width, heights.get(mode, full_height - extra) + extra)
            return
        area = self.screen().geometry()
        height = heights.get(mode, area.height() - extra) + extra
        self.setGeometry(QRect(area.x(), area.y(), area.width(), height))
        # Programs take the screen under the bar, whatever the shell covers now: a page
        # over them (rules, print confirmation, a warning) covers them, it does not move them.
        self._reserve(area.x(), area.width(), theme.bar_height + extra)
        self.raise_()

    def _reserve(self, x: int, width: int, height: int) -> None:
        """Reserve the bar's strip at the top of the screen for this window (X11 only)."""
        strut = (x, width, height)
        if QGuiApplication.platformName() != "xcb" or strut == self._strut:
            return
        if x11.reserve_top(int(self.winId()), height, x, width):
            self._strut = strut

    def paintEvent(self, event: QPaintEvent) -> None:
        """Tell once that the first screen is on the display."""
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # After this paint pass has reached the screen, not in the middle of it.
            QTimer.singleShot(0, self.firstPainted.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        """A visitor cannot close the kiosk window; the demo window closes normally."""
        if self.windowed:
            event.accept()
        else:
            event.ignore()


class Shell(NamedTuple):
    """The visitor's shell on one agent: the socket's client, the controller, the window."""

    client: AgentClient
    controller: ShellController
    window: MainWindow


def shell_on_agent(socket_path: str, speaker: Speaker, *, windowed: bool = False) -> Shell:
    """The shell wired to the agent at ``socket_path``: the controller follows the agent's
    views and the connection, the window draws them. Neither shown nor started."""
    client = AgentClient(socket_path)
    controller = ShellController(client, speaker)
    client.viewChanged.connect(controller.set_view)
    client.connectionChanged.connect(controller.set_connected)
    return Shell(client, controller, MainWindow(controller, windowed=windowed))


class KeepOnTop(QObject):
    """Keeps the kiosk's window over every program window on X11, whatever a program asks
    of the window manager (full screen, stay above…): :class:`kiosk.shell.x11.ShellOnTop`,
    woken by Qt's event loop when the display has news."""

    def __init__(self, window: QWidget, on_top: x11.ShellOnTop) -> None:
        super().__init__(window)
        self._on_top = on_top
        self._notifier = QSocketNotifier(on_top.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self.check)
        self.check()  # the windows open already

    @classmethod
    def start(cls, window: QWidget) -> KeepOnTop | None:
        """Watch over ``window`` (a top-level window of the xcb platform); None when there
        is no X display to watch."""
        on_top = x11.ShellOnTop.open(int(window.winId()))
        return None if on_top is None else cls(window, on_top)

    def check(self) -> None:
        """Read the display's news and correct what covers the window."""
        if not self._notifier.isEnabled():
            return
        if not self._on_top.check():
            self._notifier.setEnabled(False)  # the display has gone: the shell ends with it
        elif self._on_top.behind:
            QTimer.singleShot(0, self.check)  # after what else waits in Qt's event loop

    def stop(self) -> None:
        """Stop watching and close the connection."""
        self._notifier.setEnabled(False)
        self._on_top.close()


class InputWatcher(QObject):
    """Sees keyboard, mouse and touch input to the shell's windows and reports activity."""

    INPUT_EVENTS = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )

    def __init__(self, shell: ShellController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shell = shell

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Never consumes the event; the controller throttles what it sends."""
        if event.type() in self.INPUT_EVENTS:
            self._shell.user_input()
        return False
