"""The console's main window: the login screen, then the room."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout, QStackedWidget, QVBoxLayout, QWidget

from admin_console.gui import i18n
from admin_console.gui.controller import ConsoleController
from admin_console.gui.widgets import LoginScreen, RoomScreen

STYLE = """
QWidget { font-size: 11pt; }
#loginBox { background: #ffffff; border: 1px solid #c5cbd3; border-radius: 12px; padding: 16px; }
#loginError { color: #b71c1c; font-weight: bold; }
#muted { color: #616161; }
#askPanel { background: #fff8e1; border: 1px solid #ffb300; border-radius: 8px; }
"""


class ConsoleWindow(QWidget):
    """Login, then the live room; back to login on logout or an expired token.

    A plain top-level widget, not a ``QMainWindow``: there is no menu or status bar, and a
    main window's layout asks the platform for size hints the offscreen plugin refuses.
    """

    def __init__(self, controller: ConsoleController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(i18n.text("app.title", controller.language))
        self.setStyleSheet(STYLE)
        self.login = LoginScreen(controller)
        self.room = RoomScreen(controller)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.room)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(1200, 780)
        controller.logged_in.connect(lambda _name: self.stack.setCurrentWidget(self.room))
        controller.logged_out.connect(self._logged_out)

    def _logged_out(self, why: str) -> None:
        self.stack.setCurrentWidget(self.login)
        self.login.show_error(why)
