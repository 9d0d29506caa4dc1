"""The "My account" tab (everyone, animators too): one's own name and language, one's own
password, and one's own PIN for the PCs' staff key. Each new secret is typed twice and
checked as typed; a PIN that breaks the PCs' rule is refused in words before it is sent."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.staff import DISPLAY_NAME_MAX
from admin_console.gui import i18n
from admin_console.gui.account import AccountDesk, new_password_problems, new_pin_problems
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.tab_widgets import Notice, field_error, help_text, say, tell_problems, title
from admin_console.gui.team import role_name
from admin_console.gui.team_view import column, form_layout, language_box, level_labels, secret
from epn_shared.staff_pins import PIN_DIGITS
from policies import Language


def pin_box() -> QLineEdit:
    """A PIN box: dots, the longest PIN the PCs take."""
    edit = secret()
    edit.setMaxLength(PIN_DIGITS[1])
    return edit


class AccountScreen(QWidget):
    """Me (name, language), my password, my PIN: three boxes, each with its own button."""

    def __init__(self, desk: AccountDesk, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        lang = desk.language
        self.who = QLabel()
        self.who.setObjectName("muted")
        self.who.setWordWrap(True)
        self.notice = Notice()
        me = self._build_me()
        password = self._build_password()
        pin = self._build_pin()
        left = QVBoxLayout()
        left.addWidget(me)
        left.addWidget(password)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(pin)
        right.addStretch(1)
        boxes = QHBoxLayout()
        boxes.addLayout(left, 1)
        boxes.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title(i18n.text("account.title", lang)))
        layout.addWidget(self.who)
        layout.addWidget(self.notice)
        layout.addLayout(boxes, 1)

        self.save.clicked.connect(self._save)
        self.change_password.clicked.connect(self._change_password)
        self.set_pin.clicked.connect(self._set_pin)
        self.clear_pin.clicked.connect(self._clear_pin)
        self.password.editingFinished.connect(lambda: self._check_password({"password"}))
        self.password_again.editingFinished.connect(lambda: self._check_password({"again"}))
        self.pin.textEdited.connect(self._pin_typed)
        self.pin_again.editingFinished.connect(lambda: self._check_pin({"again"}))
        desk.loaded.connect(self.show_me)
        desk.saved.connect(self._saved)
        desk.failed.connect(self.notice.bad)
        desk.refused.connect(self._refused)
        self.show_me()

    def _build_me(self) -> QGroupBox:
        lang = self.desk.language
        box = QGroupBox(i18n.text("account.me", lang))
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(DISPLAY_NAME_MAX)
        self.display_name.setAccessibleName(i18n.text("team.name", lang))
        self.language = language_box(lang)
        self.save = QPushButton(i18n.text("account.save", lang))
        form = form_layout(box)
        form.addRow(
            i18n.text("team.name", lang),
            column(self.display_name, help_text(i18n.text("account.name_help", lang))),
        )
        form.addRow(
            i18n.text("team.language", lang),
            column(self.language, help_text(i18n.text("account.language_help", lang))),
        )
        form.addRow(self.save)
        level_labels(form)
        return box

    def _build_password(self) -> QGroupBox:
        lang = self.desk.language
        box = QGroupBox(i18n.text("account.password_title", lang))
        self.current = secret()
        self.current.setAccessibleName(i18n.text("account.current", lang))
        self.password = secret()
        self.password.setAccessibleName(i18n.text("team.new_password", lang))
        self.password_again = secret()
        self.password_again.setAccessibleName(i18n.text("admin.again", lang))
        self.password_errors = {n: field_error() for n in ("current", "password", "again")}
        self.change_password = QPushButton(i18n.text("account.change_password", lang))
        form = form_layout(box)
        errors = self.password_errors
        form.addRow(i18n.text("account.current", lang), column(self.current, errors["current"]))
        form.addRow(
            i18n.text("team.new_password", lang),
            column(
                self.password,
                help_text(i18n.text("account.password_help", lang)),
                errors["password"],
            ),
        )
        form.addRow(i18n.text("admin.again", lang), column(self.password_again, errors["again"]))
        form.addRow(self.change_password)
        level_labels(form)
        return box

    def _build_pin(self) -> QGroupBox:
        lang = self.desk.language
        box = QGroupBox(i18n.text("account.pin_title", lang))
        self.pin_state = QLabel()
        self.pin_state.setWordWrap(True)
        self.pin_state.setObjectName("sectionTitle")
        self.pin_current = secret()
        self.pin_current.setAccessibleName(i18n.text("account.current", lang))
        self.pin = pin_box()
        self.pin.setAccessibleName(i18n.text("account.pin", lang))
        self.pin_again = pin_box()
        self.pin_again.setAccessibleName(i18n.text("account.pin_again", lang))
        self.pin_errors = {n: field_error() for n in ("current", "pin", "again")}
        self.set_pin = QPushButton(i18n.text("account.set_pin", lang))
        self.clear_pin = QPushButton(i18n.text("account.clear_pin", lang))
        low, high = PIN_DIGITS
        form = form_layout(box)
        form.addRow(self.pin_state)
        form.addRow(help_text(i18n.text("account.pin_intro", lang)))
        errors = self.pin_errors
        form.addRow(
            i18n.text("account.current", lang),
            column(
                self.pin_current,
                help_text(i18n.text("account.pin_current_help", lang)),
                errors["current"],
            ),
        )
        form.addRow(
            i18n.text("account.pin", lang),
            column(
                self.pin,
                help_text(i18n.text("account.pin_help", lang, low=low, high=high)),
                errors["pin"],
            ),
        )
        form.addRow(i18n.text("account.pin_again", lang), column(self.pin_again, errors["again"]))
        buttons = QHBoxLayout()
        buttons.addWidget(self.set_pin)
        buttons.addWidget(self.clear_pin)
        form.addRow(buttons)
        level_labels(form)
        return box

    def start(self) -> None:
        """Shown: what the console knows of me, no secret in any box, no old message."""
        self.notice.setText("")
        for edit in self._secrets():
            edit.clear()
        for label in (*self.password_errors.values(), *self.pin_errors.values()):
            say(label, "")
        self.show_me()

    def _secrets(self) -> tuple[QLineEdit, ...]:
        return (
            self.current,
            self.password,
            self.password_again,
            self.pin_current,
            self.pin,
            self.pin_again,
        )

    def show_me(self) -> None:
        """My name, language, role and whether I have a PIN."""
        me = self.desk.me
        lang = self.desk.language
        self.setEnabled(me is not None)
        if me is None:
            self.who.setText("")
            self.pin_state.setText("")
            return
        self.who.setText(
            i18n.text("account.who", lang, username=me.username, role=role_name(me.role, lang))
        )
        self.display_name.setText(me.display_name)
        self.language.setCurrentIndex(max(0, self.language.findData(me.language)))
        self.pin_state.setText(
            i18n.text("account.has_pin" if me.has_pin else "account.no_pin", lang)
        )
        self.clear_pin.setEnabled(me.has_pin)

    def _saved(self, sentence: str) -> None:
        self.notice.good(sentence)
        for edit in self._secrets():
            edit.clear()  # a secret does not stay on screen once used

    def _refused(self, form: str, sentence: str) -> None:
        if form == "password":
            say(self.password_errors["current"], sentence)
        elif form == "pin":
            say(self.pin_errors["current"], sentence)
        self.notice.bad(sentence)

    def _save(self) -> None:
        self.notice.setText("")
        self.desk.change(self.display_name.text(), Language(self.language.currentData()))

    def _check_password(self, fields: set[str]) -> bool:
        me = self.desk.me
        problems = new_password_problems(
            me.username if me else "",
            self.password.text(),
            self.password_again.text(),
            self.desk.language,
        )
        if not self.current.text():
            problems["current"] = i18n.text("account.current_missing", self.desk.language)
        return tell_problems(self.password_errors, problems, fields)

    def _change_password(self) -> None:
        if not self._check_password(set(self.password_errors)):
            return
        self.notice.setText("")
        self.desk.change_password(self.current.text(), self.password.text())

    def _pin_typed(self, typed: str) -> None:
        # As typed: a letter or a guessable PIN is said at once; "too short" only once
        # there are enough digits to judge, so a PIN being typed is not scolded.
        problems = new_pin_problems(typed, typed, self.desk.language)
        short = len(typed) < PIN_DIGITS[0] and (typed.isdigit() or not typed)
        say(self.pin_errors["pin"], "" if short else problems.get("pin", ""))

    def _check_pin(self, fields: set[str], clearing: bool = False) -> bool:
        lang = self.desk.language
        typed = (self.pin.text(), self.pin_again.text())
        problems = {} if clearing else new_pin_problems(*typed, lang)
        if not self.pin_current.text():
            problems["current"] = i18n.text("account.current_missing", lang)
        return tell_problems(self.pin_errors, problems, fields)

    def _set_pin(self) -> None:
        if not self._check_pin(set(self.pin_errors)):
            return
        self.notice.setText("")
        self.desk.set_pin(self.pin.text(), self.pin_current.text())

    def _clear_pin(self) -> None:
        for name in ("pin", "again"):
            say(self.pin_errors[name], "")
        if not self._check_pin({"current"}, clearing=True):
            return
        lang = self.desk.language
        question = i18n.text("account.clear_confirm", lang)
        if not self.dialogs.confirm(self, i18n.text("account.clear_pin", lang), question):
            return
        self.notice.setText("")
        self.desk.set_pin(None, self.pin_current.text())
