"""The room's power actions on screen: the PC's menu (restart, shut down, wake up) and the
dialog that asks before any of them goes, naming the PC (or how many) and what its
visitors lose."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.room import KioskTile
from admin_console.gui import i18n, icons
from admin_console.gui.power import PowerAction, PowerQuestion, may
from admin_console.gui.tab_widgets import button_row
from policies import Language

ICONS = {PowerAction.RESTART: "restart", PowerAction.SHUT_DOWN: "power", PowerAction.WAKE: "wake"}


def power_menu(pc: KioskTile, language: Language, parent: QWidget) -> QMenu:
    """The PC's menu: each action, greyed out when it cannot reach the PC now (restart and
    shut down need it connected; waking needs it off and its network card known)."""
    menu = QMenu(parent)
    menu.setObjectName("powerMenu")
    for action in PowerAction:
        item = QAction(
            icons.icon(ICONS[action]), i18n.text(f"power.{action.value}", language), menu
        )
        item.setData(action.value)
        item.setEnabled(may(action, pc))
        if action is PowerAction.WAKE and pc.mac is None:
            item.setToolTip(i18n.text("power.no_card", language))
        menu.addAction(item)
    menu.setToolTipsVisible(True)
    return menu


class PowerDialog(QDialog):
    """Asks before a power action goes: the question, what visitors lose, Cancel and the
    action itself (never a bare "Yes"). Cancel is the default button."""

    confirmed = Signal(object)
    """The :class:`PowerQuestion` staff confirmed."""

    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("powerDialog")
        self.setModal(True)
        self.setStyleSheet(
            "#powerTitle { font-size: 15pt; font-weight: bold; }"
            " #powerConsequence { color: #8a1c00; font-weight: bold; background: #fff3e0;"
            " border: 1px solid #ef6c00; border-radius: 6px; padding: 8px; }"
        )
        self.question: PowerQuestion | None = None
        self.icon = QLabel()
        self.icon.setFixedSize(40, 40)
        self.title = QLabel()
        self.title.setObjectName("powerTitle")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.consequence = QLabel()
        self.consequence.setObjectName("powerConsequence")
        self.consequence.setWordWrap(True)
        self.cancel = QPushButton(i18n.text("action.cancel", language))
        self.confirm = QPushButton()
        self.confirm.setAutoDefault(False)
        self.cancel.setDefault(True)
        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        buttons = button_row(self.cancel, self.confirm)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.body)
        layout.addWidget(self.consequence)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.cancel.clicked.connect(self.reject)
        self.confirm.clicked.connect(self._confirm)

    def ask(self, question: PowerQuestion) -> None:
        """Show ``question`` (the window stays behind it until staff answer)."""
        self.question = question
        self.setWindowTitle(question.title)
        self.icon.setPixmap(icons.pixmap(ICONS[question.action], 40, "#8a1c00"))
        self.title.setText(question.title)
        self.body.setText(question.question)
        self.consequence.setText(question.consequence)
        self.consequence.setVisible(bool(question.consequence))
        self.confirm.setText(question.confirm)
        self.confirm.setIcon(icons.icon(ICONS[question.action]))
        self.adjustSize()
        self.open()
        self.cancel.setFocus()

    def _confirm(self) -> None:
        question = self.question
        self.accept()
        if question is not None:
            self.confirmed.emit(question)
