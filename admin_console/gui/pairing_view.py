"""The dialog that shows a new PC's pairing code, big enough to read from a few steps
away, with until when it is valid and what to do on the PC."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.room import PairingCodeResponse
from admin_console.gui import formats, i18n
from admin_console.gui.pairing import PairingDesk
from admin_console.gui.site_chooser import SiteChooser
from admin_console.gui.tab_widgets import button_row

CODE_POINTS = 40


class PairingDialog(QDialog):
    """The code, its expiry (local time), one line of what to do; "New code", "Close"."""

    def __init__(self, desk: PairingDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        lang = desk.language
        self.setWindowTitle(i18n.text("pairing.title", lang))
        self.setObjectName("pairingDialog")
        # The window's style sets every font's size: the code's is set the same way.
        self.setStyleSheet(
            f"#pairingCode {{ font-size: {CODE_POINTS}pt; font-weight: bold;"
            " font-family: 'DejaVu Sans Mono', monospace; letter-spacing: 2px; }"
            " #pairingUntil { font-size: 16pt; }"
        )
        # With several sites: which one the new PC goes into (a new code for each).
        self.site = SiteChooser(lang, with_all=False)
        self.site.label.setText(i18n.text("pairing.site", lang))
        self.site.chosen.connect(lambda _site: self.ask() if self.isVisible() else None)
        self.code = QLabel()
        self.code.setObjectName("pairingCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setAccessibleName(i18n.text("pairing.title", lang))
        self.until = QLabel()
        self.until.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.until.setObjectName("pairingUntil")
        self.how = QLabel(i18n.text("pairing.how", lang))
        self.how.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.again = QPushButton(i18n.text("pairing.again", lang))
        self.close_button = QPushButton(i18n.text("pairing.close", lang))
        buttons = button_row(self.again, self.close_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addWidget(self.site)
        layout.addWidget(self.code)
        layout.addWidget(self.until)
        layout.addWidget(self.how)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        # No size constraint from the layout: as the main window, nothing asks the
        # platform for size hints (the offscreen one refuses); a fixed first size.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(680, 380)
        self.again.clicked.connect(self.ask)
        self.close_button.clicked.connect(self.accept)
        desk.made.connect(self.show_code)
        desk.refused.connect(self.show_refusal)

    def ask(self) -> None:
        """Ask the console for a code; the dialog says so meanwhile."""
        self.error.hide()
        self.code.setText("…")
        self.until.setText(i18n.text("pairing.asking", self.desk.language))
        self.again.setEnabled(False)
        self.desk.ask(self.site.site_id())

    def show_code(self, made: PairingCodeResponse) -> None:
        """The code, as the console wrote it, and until when (this computer's time)."""
        self.again.setEnabled(True)
        self.error.hide()
        self.code.setText(made.code)
        until = formats.time_of_day(made.expires_at, self.desk.language)
        self.until.setText(i18n.text("pairing.until", self.desk.language, time=until))

    def show_refusal(self, sentence: str) -> None:
        """No code: why, in the staff language."""
        self.again.setEnabled(True)
        self.code.setText("")
        self.until.setText("")
        self.error.setText(sentence)
        self.error.show()
