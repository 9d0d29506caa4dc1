"""``epn-console gui``: start the console GUI on a console server."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from admin_console.gui import i18n
from admin_console.gui.client import Endpoint
from admin_console.gui.controller import ConsoleController
from admin_console.gui.window import ConsoleWindow
from epn_shared.qt_texts import QtOwnTexts
from policies import Language


def run(endpoint: Endpoint, language: Language = i18n.FR) -> int:
    """Build the window and run Qt's event loop until it closes."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Qt's own dialogs (where to save a sheet, "Yes"/"No") in the staff language too, also
    # when the window switches to the logged-in staff member's own.
    qt_texts = QtOwnTexts(app)
    qt_texts.use(language)
    controller = ConsoleController(endpoint, language)
    controller.language_changed.connect(qt_texts.use)
    window = ConsoleWindow(controller)
    window.show()
    controller.check_first_admin()
    code = app.exec()
    controller.feed.stop()
    return int(code)
