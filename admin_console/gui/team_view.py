"""The team tab (managers and admins): the staff accounts on the left; a new colleague's
account in a small window; the chosen colleague's name, role, language, a new password,
and disabling or enabling the account on the right.

Teams change often (reinsertion contracts, volunteers, interns): each step says what it
does to the colleague — a disabled account is logged out everywhere and its PIN stops
working on every PC — so a manager new in the job does not find out afterwards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.staff import (
    DISPLAY_NAME_MAX,
    MAX_PASSWORD_LENGTH,
    USERNAME_MAX,
    Role,
    StaffAccount,
)
from admin_console.gui import i18n
from admin_console.gui.account import new_password_problems
from admin_console.gui.controller import ConsoleController
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.tab_widgets import (
    Notice,
    button_row,
    chosen_row,
    field_error,
    fill,
    help_text,
    list_beside_panel,
    say,
    table,
    tell_problems,
    title,
)
from admin_console.gui.team import (
    TEAM_LANGUAGES,
    TeamDesk,
    account_cells,
    may_change,
    role_name,
    roles_offered,
    shown_name,
)
from policies import Language

HEADERS = (
    "team.col.name",
    "team.col.username",
    "team.col.role",
    "team.col.language",
    "team.col.pin",
    "team.col.state",
)


def language_box(language: Language) -> QComboBox:
    """The staff languages, each in its own name (``Nederlands``), the code as data."""
    box = QComboBox()
    for choice in TEAM_LANGUAGES:
        box.addItem(choice.native_name, choice.value)
    box.setAccessibleName(i18n.text("team.language", language))
    return box


def role_box(roles: tuple[Role, ...], language: Language) -> QComboBox:
    """The roles offered, in words, the role as data."""
    box = QComboBox()
    for role in roles:
        box.addItem(role_name(role, language), role.value)
    box.setAccessibleName(i18n.text("team.role", language))
    return box


def secret() -> QLineEdit:
    """A password box: dots, the console's longest password."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(MAX_PASSWORD_LENGTH)
    return edit


FIELD_HEIGHT = 32
"""Every box of these forms, and its label beside it, is this high: the label stays level
with its box, not with the help under the box."""


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    """A form whose boxes take the width and whose labels sit at the top of their row."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
    return form


def level_labels(form: QFormLayout) -> None:
    """Each label as high as the box beside it (the first widget of its field)."""
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None or not isinstance(label.widget(), QLabel):
            continue
        inner = field.layout()
        first = inner.itemAt(0) if inner is not None and inner.count() else None
        box = first.widget() if first is not None else field.widget()
        if box is not None:
            box.setMinimumHeight(FIELD_HEIGHT)
        text = label.widget()
        assert isinstance(text, QLabel)
        text.setFixedHeight(FIELD_HEIGHT)
        text.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)


def column(*widgets: QWidget) -> QVBoxLayout:
    """A field with its help and its problem under it."""
    layout = QVBoxLayout()
    layout.setSpacing(3)
    for widget in widgets:
        layout.addWidget(widget)
    return layout


class NewAccountDialog(QDialog):
    """A new colleague: username, name, role, language, first password twice."""

    def __init__(self, desk: TeamDesk, parent: QWidget) -> None:
        super().__init__(parent)
        self.desk = desk
        lang = desk.language
        self.setWindowTitle(i18n.text("team.new", lang))
        self.setModal(True)
        self.username = QLineEdit()
        self.username.setMaxLength(USERNAME_MAX)
        self.username.setAccessibleName(i18n.text("team.username", lang))
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(DISPLAY_NAME_MAX)
        self.display_name.setAccessibleName(i18n.text("team.name", lang))
        self.role = role_box((Role.ANIMATOR,), lang)
        self.language = language_box(lang)
        self.password = secret()
        self.again = secret()
        self.errors = {name: field_error() for name in ("username", "password", "again")}
        self.create_button = QPushButton(i18n.text("team.create", lang))
        self.create_button.setDefault(True)
        self.cancel = QPushButton(i18n.text("team.cancel", lang))
        self.notice = Notice()
        form = form_layout()
        form.addRow(
            i18n.text("team.username", lang),
            column(
                self.username,
                help_text(i18n.text("team.username_help", lang)),
                self.errors["username"],
            ),
        )
        form.addRow(
            i18n.text("team.name", lang),
            column(self.display_name, help_text(i18n.text("team.name_help", lang))),
        )
        form.addRow(i18n.text("team.role", lang), self.role)
        form.addRow(i18n.text("team.language", lang), self.language)
        form.addRow(
            i18n.text("team.first_password", lang),
            column(
                self.password,
                help_text(i18n.text("team.first_password_help", lang)),
                self.errors["password"],
            ),
        )
        form.addRow(i18n.text("admin.again", lang), column(self.again, self.errors["again"]))
        level_labels(form)
        buttons = button_row(self.cancel, self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title(i18n.text("team.new", lang)))
        layout.addWidget(help_text(i18n.text("team.new_intro", lang)))
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        # No size constraint from the layout: nothing asks the platform for size hints
        # (the offscreen one refuses, as for the pairing code); a fixed first size.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(620, 560)
        self.create_button.clicked.connect(self._create)
        self.cancel.clicked.connect(self.reject)
        self.password.editingFinished.connect(lambda: self._check({"password"}))
        self.again.editingFinished.connect(lambda: self._check({"again"}))
        desk.created.connect(self._created)
        desk.refused.connect(self._refused)
        desk.failed.connect(self._refused)  # the console unreachable: said here too

    def start(self, roles: tuple[Role, ...], language: Language) -> None:
        """Empty, offering ``roles`` (animator first), the new colleague's language first
        set to ``language``; then shown."""
        lang = self.desk.language
        self.role.clear()
        for role in roles:
            self.role.addItem(role_name(role, lang), role.value)
        for edit in (self.username, self.display_name, self.password, self.again):
            edit.clear()
        for label in self.errors.values():
            say(label, "")
        self.notice.setText("")
        self.role.setCurrentIndex(0)
        self.language.setCurrentIndex(max(0, self.language.findData(language.value)))
        self.create_button.setEnabled(True)
        self.open()
        self.username.setFocus()

    def problems(self) -> dict[str, str]:
        """What is wrong as typed, by field."""
        lang = self.desk.language
        problems = new_password_problems(
            self.username.text(), self.password.text(), self.again.text(), lang
        )
        if not self.username.text().strip():
            problems["username"] = i18n.text("admin.username_missing", lang)
        return problems

    def _check(self, fields: set[str]) -> bool:
        problems = self.problems()
        return tell_problems(self.errors, problems, fields)

    def _create(self) -> None:
        if not self._check(set(self.errors)):
            return
        self.notice.setText("")
        self.create_button.setEnabled(False)
        self.desk.create(
            self.username.text(),
            self.display_name.text(),
            Role(self.role.currentData()),
            Language(self.language.currentData()),
            self.password.text(),
        )

    def _created(self, _username: str) -> None:
        self.password.clear()
        self.again.clear()
        self.accept()

    def _refused(self, sentence: str) -> None:
        if self.isVisible():
            self.create_button.setEnabled(True)
            self.notice.bad(sentence)


class TeamScreen(QWidget):
    """The team on the left; the chosen colleague's account on the right."""

    def __init__(
        self,
        desk: TeamDesk,
        controller: ConsoleController,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.controller = controller
        self.dialogs = dialogs
        lang = desk.language
        self.table = table()
        self.table.setAccessibleName(i18n.text("team.title", lang))
        self.refresh = QPushButton(i18n.text("common.refresh", lang))
        self.add = QPushButton(i18n.text("team.add", lang))
        top = QHBoxLayout()
        top.addWidget(title(i18n.text("team.title", lang)))
        top.addStretch(1)
        top.addWidget(self.add)
        top.addWidget(self.refresh)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(help_text(i18n.text("team.intro", lang)))
        left.addWidget(self.table, 1)
        self._build_chosen()
        self.notice = Notice()
        list_beside_panel(self, left, (self.notice, self.chosen))
        self.new_account = NewAccountDialog(desk, self)

        self.shown: list[StaffAccount] = []
        self.refresh.clicked.connect(desk.load)
        self.add.clicked.connect(self._add)
        self.save.clicked.connect(self._save)
        self.reset.clicked.connect(self._reset)
        self.toggle.clicked.connect(self._toggle)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.password.editingFinished.connect(lambda: self._check_password({"password"}))
        self.again.editingFinished.connect(lambda: self._check_password({"again"}))
        desk.listed.connect(self.show_list)
        desk.saved.connect(self._saved)
        desk.failed.connect(self.notice.bad)
        desk.refused.connect(self._refused)
        self.show_list()

    def offered(self) -> tuple[Role, ...]:
        """The roles the logged-in staff member may give."""
        mine = self.controller.role
        return roles_offered(Role(mine)) if mine in tuple(Role) else (Role.ANIMATOR,)

    def _build_chosen(self) -> None:
        lang = self.desk.language
        self.chosen = QGroupBox(i18n.text("team.choose", lang))
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(DISPLAY_NAME_MAX)
        self.display_name.setAccessibleName(i18n.text("team.name", lang))
        self.role = role_box(tuple(Role), lang)
        self.language = language_box(lang)
        self.why_fixed = help_text("")
        self.save = QPushButton(i18n.text("team.save", lang))
        self.password = secret()
        self.password.setAccessibleName(i18n.text("team.new_password", lang))
        self.again = secret()
        self.again.setAccessibleName(i18n.text("admin.again", lang))
        self.errors = {name: field_error() for name in ("password", "again")}
        self.reset = QPushButton(i18n.text("team.reset", lang))
        self.toggle = QPushButton(i18n.text("team.disable", lang))
        self.toggle_help = help_text(i18n.text("team.disable_help", lang))
        form = form_layout(self.chosen)
        form.addRow(i18n.text("team.name", lang), self.display_name)
        form.addRow(i18n.text("team.role", lang), self.role)
        form.addRow(i18n.text("team.language", lang), self.language)
        form.addRow(self.why_fixed)
        form.addRow(self.save)
        heading = QLabel(i18n.text("team.password_title", lang))
        heading.setObjectName("sectionTitle")
        form.addRow(heading)
        form.addRow(help_text(i18n.text("team.password_help", lang)))
        form.addRow(
            i18n.text("admin.password", lang), column(self.password, self.errors["password"])
        )
        form.addRow(i18n.text("admin.again", lang), column(self.again, self.errors["again"]))
        form.addRow(self.reset)
        state = QLabel(i18n.text("team.state_title", lang))
        state.setObjectName("sectionTitle")
        form.addRow(state)
        form.addRow(self.toggle_help)
        form.addRow(self.toggle)
        level_labels(form)

    def account(self) -> StaffAccount | None:
        """The colleague chosen in the table."""
        return chosen_row(self.table, self.shown)

    def show_list(self) -> None:
        """The whole team; the one chosen stays chosen."""
        lang = self.desk.language
        kept = self.account()
        self.shown = list(self.desk.rows)
        fill(
            self.table,
            [i18n.text(k, lang) for k in HEADERS],
            [account_cells(a, lang) for a in self.shown],
        )
        for index, row in enumerate(self.shown):
            if row.disabled:
                for c in range(self.table.columnCount()):
                    item = self.table.item(index, c)
                    if item is not None:
                        item.setForeground(Qt.GlobalColor.darkGray)
            if kept is not None and row.id == kept.id:
                self.table.selectRow(index)
        self._chosen()

    def _chosen(self) -> None:
        account = self.account()
        lang = self.desk.language
        self.chosen.setEnabled(account is not None)
        for name in self.errors:
            say(self.errors[name], "")
        self.password.clear()
        self.again.clear()
        if account is None:
            self.chosen.setTitle(i18n.text("team.choose", lang))
            say(self.why_fixed, "")
            return
        self.chosen.setTitle(i18n.text("team.account_of", lang, name=shown_name(account)))
        me_id = self.controller.user_id()
        mine = Role(self.controller.role) if self.controller.role in tuple(Role) else Role.ANIMATOR
        itself = account.id == me_id
        allowed = may_change(mine, me_id or -1, account)
        self.display_name.setText(account.display_name)
        self.role.clear()
        for role in self.offered() if allowed else (account.role,):
            self.role.addItem(role_name(role, lang), role.value)
        if self.role.findData(account.role.value) < 0:
            self.role.addItem(role_name(account.role, lang), account.role.value)
        self.role.setCurrentIndex(self.role.findData(account.role.value))
        self.language.setCurrentIndex(max(0, self.language.findData(account.language)))
        self.role.setEnabled(allowed and not itself)
        for widget in (self.display_name, self.language, self.save):
            widget.setEnabled(allowed)
        for widget in (self.password, self.again, self.reset):
            widget.setEnabled(allowed and not itself)
        self.toggle.setEnabled(allowed and not itself)
        self.toggle.setText(i18n.text("team.enable" if account.disabled else "team.disable", lang))
        self.toggle_help.setText(
            i18n.text("team.enable_help" if account.disabled else "team.disable_help", lang)
        )
        if not allowed:
            say(self.why_fixed, i18n.text("team.admin_only", lang))
        elif itself:
            say(self.why_fixed, i18n.text("team.yourself", lang))
        else:
            say(self.why_fixed, "")

    def _add(self) -> None:
        self.notice.setText("")
        self.new_account.start(self.offered(), self.desk.language)

    def _saved(self, sentence: str) -> None:
        self.notice.good(sentence)
        self.password.clear()  # a password is told to the colleague, not kept on screen
        self.again.clear()

    def _refused(self, sentence: str) -> None:
        if not self.new_account.isVisible():
            self.notice.bad(sentence)

    def _save(self) -> None:
        account = self.account()
        if account is None:
            return
        self.notice.setText("")
        role = Role(self.role.currentData())
        self.desk.change(
            account.id,
            role=role if role is not account.role else None,
            display_name=self.display_name.text(),
            language=Language(self.language.currentData()),
        )

    def _check_password(self, fields: set[str]) -> bool:
        account = self.account()
        problems = new_password_problems(
            account.username if account else "",
            self.password.text(),
            self.again.text(),
            self.desk.language,
        )
        return tell_problems(self.errors, problems, fields)

    def _reset(self) -> None:
        account = self.account()
        if account is None or not self._check_password(set(self.errors)):
            return
        lang = self.desk.language
        name = shown_name(account)
        question = i18n.text("team.reset_confirm", lang, name=name)
        if not self.dialogs.confirm(self, i18n.text("team.reset", lang), question):
            return
        self.notice.setText("")
        self.desk.reset_password(account.id, name, self.password.text())

    def _toggle(self) -> None:
        account = self.account()
        if account is None:
            return
        lang = self.desk.language
        name = shown_name(account)
        if not account.disabled:
            question = i18n.text("team.disable_confirm", lang, name=name)
            if not self.dialogs.confirm(self, i18n.text("team.disable", lang), question):
                return
        self.notice.setText("")
        self.desk.set_disabled(account.id, not account.disabled)
