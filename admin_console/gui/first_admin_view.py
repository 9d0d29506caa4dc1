"""The first admin account, made in the window: shown instead of the login when the
console has no account at all and the window runs on the console machine. Username,
password twice, each checked as typed with the console's own rules; then the window goes
on logged in as that admin (and the first-run assistant opens)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.staff import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    USERNAME_MAX,
)
from admin_console.gui import i18n
from admin_console.gui.account import new_password_problems
from admin_console.gui.controller import ConsoleController
from admin_console.gui.tab_widgets import Notice, big, field_error, help_text, say, tell_problems
from policies import Language


def account_problems(
    username: str, password: str, again: str, language: Language
) -> dict[str, str]:
    """What is wrong with the account as typed, by field (``username``, ``password``,
    ``again``); empty when it can be made."""
    problems: dict[str, str] = {}
    if not username.strip():
        problems["username"] = i18n.text("admin.username_missing", language)
    elif len(username.strip()) > USERNAME_MAX:
        problems["username"] = i18n.text("check.max_length", language, n=USERNAME_MAX)
    problems.update(new_password_problems(username, password, again, language))
    return problems


class FirstAdminScreen(QWidget):
    """Username, password twice, help under each, and "create the account"."""

    def __init__(self, controller: ConsoleController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        lang = controller.language
        self.language = lang
        box = QFrame(self)
        box.setObjectName("loginBox")
        box.setMaximumWidth(640)
        heading = QLabel(i18n.text("admin.title", lang))
        big(heading, 17, bold=True)
        heading.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setMaxLength(USERNAME_MAX)
        self.password = QLineEdit()
        self.again = QLineEdit()
        for edit, key in (
            (self.username, "admin.username"),
            (self.password, "admin.password"),
            (self.again, "admin.again"),
        ):
            edit.setAccessibleName(i18n.text(key, lang))
            edit.setMinimumHeight(36)
            big(edit, 12)
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(MAX_PASSWORD_LENGTH)
        self.errors = {name: field_error() for name in ("username", "password", "again")}
        form = self._form()
        self.create_button = QPushButton(i18n.text("admin.create", lang))
        self.create_button.setDefault(True)
        self.create_button.setMinimumHeight(42)
        big(self.create_button, 12, bold=True)
        self.notice = Notice()
        inner = QVBoxLayout(box)
        inner.setSpacing(10)
        inner.addWidget(heading)
        inner.addWidget(help_text(i18n.text("admin.intro", lang)))
        inner.addLayout(form)
        inner.addWidget(self.create_button)
        inner.addWidget(self.notice)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self._connect()

    def _form(self) -> QFormLayout:
        """Each field beside its label, with what it is for and its problem under it."""
        lang = self.language
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        helps = {
            "username": i18n.text("admin.username_help", lang),
            "password": i18n.text("admin.password_help", lang, n=MIN_PASSWORD_LENGTH),
            "again": i18n.text("admin.again_help", lang),
        }
        for name, edit in (
            ("username", self.username),
            ("password", self.password),
            ("again", self.again),
        ):
            column = QVBoxLayout()
            column.setSpacing(4)
            column.addWidget(edit)
            column.addWidget(help_text(helps[name]))
            column.addWidget(self.errors[name])
            label = QLabel(i18n.text(f"admin.{name}", lang))
            label.setFixedHeight(36)  # level with its box, not with its help
            label.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            form.addRow(label, column)
        return form

    def _connect(self) -> None:
        self.create_button.clicked.connect(self._create)
        self.again.returnPressed.connect(self._create)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.again.setFocus)
        # Checked as typed once a field was left, so a half-typed field is not scolded.
        self.username.editingFinished.connect(lambda: self._check({"username"}))
        self.password.editingFinished.connect(lambda: self._check({"password"}))
        self.again.editingFinished.connect(lambda: self._check({"again"}))
        self.controller.first_admin_failed.connect(self._failed)

    def _check(self, fields: set[str]) -> bool:
        problems = account_problems(
            self.username.text(), self.password.text(), self.again.text(), self.language
        )
        return tell_problems(self.errors, problems, fields)

    def _create(self) -> None:
        if not self._check(set(self.errors)):
            return
        self.create_button.setEnabled(False)
        self.notice.setStyleSheet("")
        self.notice.setText(i18n.text("admin.creating", self.language))
        self.controller.create_first_admin(self.username.text(), self.password.text())

    def _failed(self, sentence: str) -> None:
        self.create_button.setEnabled(True)
        self.notice.bad(sentence)

    def start(self) -> None:
        """Shown: empty fields, the cursor in the first."""
        for edit in (self.username, self.password, self.again):
            edit.clear()
        for label in self.errors.values():
            say(label, "")
        self.notice.setText("")
        self.create_button.setEnabled(True)
        self.username.setFocus()
