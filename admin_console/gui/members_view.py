"""The members tab (managers and admins): card numbers, PINs, allowances, bans. No names:
the console refuses them, and the form has nowhere to type one."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.members import MemberModel
from admin_console.gui import i18n
from admin_console.gui.members import MemberDesk, banned_on, member_cells
from admin_console.gui.tab_widgets import Notice, chosen_row, fill, list_beside_panel, table, title

HEADERS = ("members.col.card", "members.col.nickname", "members.col.allowance", "members.col.ban")


def _allowance_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 24 * 60)
    box.setSingleStep(15)
    box.setSuffix(" min")
    return box


class MembersScreen(QWidget):
    """The list on the left; a new member and the chosen member's changes on the right."""

    def __init__(self, desk: MemberDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        lang = desk.language
        self.table = table()
        self.refresh = QPushButton(i18n.text("common.refresh", lang))
        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(title(i18n.text("members.title", lang)))
        top.addStretch(1)
        top.addWidget(self.refresh)
        left.addLayout(top)
        privacy = QLabel(i18n.text("members.privacy", lang))
        privacy.setObjectName("muted")
        privacy.setWordWrap(True)
        left.addWidget(privacy)
        self.search = QLineEdit()
        self.search.setPlaceholderText(i18n.text("members.search", lang))
        self.search.setClearButtonEnabled(True)
        left.addWidget(self.search)
        left.addWidget(self.table, 1)

        create = self._build_create()
        self._build_chosen()
        self.notice = Notice()
        list_beside_panel(self, left, (create, self.chosen, self.notice))

        self.shown: list[MemberModel] = []
        self.refresh.clicked.connect(desk.load)
        self.search.textChanged.connect(lambda _text: self.show_list())
        self.add.clicked.connect(self._add)
        self.save.clicked.connect(self._save)
        self.reset_pin.clicked.connect(self._reset_pin)
        self.ban.clicked.connect(self._ban)
        self.unban.clicked.connect(self._unban)
        self.table.itemSelectionChanged.connect(self._chosen)
        desk.listed.connect(self.show_list)
        desk.saved.connect(self._saved)
        desk.created.connect(self._empty_form)
        desk.failed.connect(self.notice.bad)
        desk.refused_field.connect(self._refused_field)
        self._chosen()

    def _build_create(self) -> QGroupBox:
        lang = self.desk.language
        self.new_card = QLineEdit()
        self.new_pin = QLineEdit()
        self.new_pin.setMaxLength(12)
        self.new_allowance = _allowance_box()
        self.new_allowance.setSpecialValueText(i18n.text("members.policy_limit", lang))
        self.new_nickname = QLineEdit()
        self.new_nickname.setMaxLength(40)
        self.add = QPushButton(i18n.text("members.add", lang))
        create = QGroupBox(i18n.text("members.new", lang))
        create_form = QFormLayout(create)
        create_form.addRow(i18n.text("members.card", lang), self.new_card)
        create_form.addRow(i18n.text("members.pin", lang), self.new_pin)
        create_form.addRow(i18n.text("members.allowance", lang), self.new_allowance)
        create_form.addRow(i18n.text("members.nickname", lang), self.new_nickname)
        create_form.addRow(self.add)
        return create

    def _build_chosen(self) -> None:
        lang = self.desk.language
        self.chosen = QGroupBox(i18n.text("members.choose", lang))
        self.allowance = _allowance_box()
        self.allowance.setSpecialValueText(i18n.text("members.policy_limit", lang))
        self.nickname = QLineEdit()
        self.nickname.setMaxLength(40)
        self.save = QPushButton(i18n.text("members.save", lang))
        self.pin = QLineEdit()
        self.pin.setMaxLength(12)
        self.reset_pin = QPushButton(i18n.text("members.reset_pin", lang))
        self.ban_until = QDateEdit()
        self.ban_until.setCalendarPopup(True)
        self.ban_until.setDisplayFormat("dd/MM/yyyy")
        self.ban_reason = QLineEdit()
        self.ban_reason.setMaxLength(200)
        self.ban = QPushButton(i18n.text("members.ban", lang))
        self.unban = QPushButton(i18n.text("members.unban", lang))
        chosen_form = QFormLayout(self.chosen)
        chosen_form.addRow(i18n.text("members.allowance", lang), self.allowance)
        chosen_form.addRow(i18n.text("members.nickname", lang), self.nickname)
        chosen_form.addRow(self.save)
        chosen_form.addRow(i18n.text("members.new_pin", lang), self.pin)
        chosen_form.addRow(self.reset_pin)
        chosen_form.addRow(i18n.text("members.ban_until", lang), self.ban_until)
        chosen_form.addRow(i18n.text("members.ban_reason", lang), self.ban_reason)
        ban_row = QHBoxLayout()
        ban_row.addWidget(self.ban)
        ban_row.addWidget(self.unban)
        chosen_form.addRow(ban_row)

    def member(self) -> MemberModel | None:
        """The member chosen in the table."""
        return chosen_row(self.table, self.shown)

    def show_list(self) -> None:
        """Every member; the one chosen stays chosen."""
        lang = self.desk.language
        kept = self.member()
        today = self.desk.today()
        typed = self.search.text().strip().lower()
        self.shown = [
            m
            for m in self.desk.rows
            if not typed or typed in m.card.lower() or typed in (m.nickname or "").lower()
        ]
        fill(
            self.table,
            [i18n.text(k, lang) for k in HEADERS],
            [member_cells(m, today, lang) for m in self.shown],
        )
        if kept is not None:
            for index, row in enumerate(self.shown):
                if row.card == kept.card:
                    self.table.selectRow(index)
        self._chosen()

    def _chosen(self) -> None:
        member = self.member()
        lang = self.desk.language
        self.chosen.setEnabled(member is not None)
        if member is None:
            self.chosen.setTitle(i18n.text("members.choose", lang))
            return
        self.chosen.setTitle(i18n.text("members.card_title", lang, card=member.card))
        self.allowance.setValue(member.daily_allowance_minutes or 0)
        self.nickname.setText(member.nickname or "")
        self.pin.clear()
        self.ban_reason.setText(member.ban_reason or "")
        today = self.desk.today()
        self.ban_until.setMinimumDate(QDate(today.year, today.month, today.day))
        until = member.banned_until or today + dt.timedelta(days=7)
        self.ban_until.setDate(QDate(until.year, until.month, until.day))
        self.unban.setEnabled(banned_on(member, today))

    def _saved(self, sentence: str) -> None:
        self.notice.good(sentence)
        for secret in (self.new_pin, self.pin):
            secret.clear()  # a PIN is typed, given to the member, and not kept on screen

    def _refused_field(self, _field: str, sentence: str) -> None:
        self.notice.bad(sentence)

    def _empty_form(self, _card: str = "") -> None:
        for edit in (self.new_card, self.new_pin, self.new_nickname):
            edit.clear()
        self.new_allowance.setValue(0)

    def _add(self) -> None:
        self.notice.setText("")
        self.desk.create(
            self.new_card.text(),
            self.new_pin.text(),
            self.new_allowance.value() or None,
            self.new_nickname.text(),
        )

    def _save(self) -> None:
        member = self.member()
        if member is not None:
            self.desk.change(member.card, self.allowance.value() or None, self.nickname.text())

    def _reset_pin(self) -> None:
        member = self.member()
        if member is not None:
            self.desk.reset_pin(member.card, self.pin.text())

    def _ban(self) -> None:
        member = self.member()
        lang = self.desk.language
        if member is None:
            return
        if not self.ban_reason.text().strip():
            self.notice.bad(i18n.text("members.ban_needs_reason", lang))
            return
        until: dt.date = self.ban_until.date().toPython()  # type: ignore[assignment]
        self.desk.ban(member.card, until, self.ban_reason.text())

    def _unban(self) -> None:
        member = self.member()
        if member is not None:
            self.desk.unban(member.card)
