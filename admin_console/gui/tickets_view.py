"""The tickets tab: make a batch, print its sheet, list tickets by state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from admin_console.gui import formats, i18n, icons
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.tab_widgets import Notice, big, fill, table, title
from admin_console.gui.ticket_sheet import choice_name, choices, write_sheet
from admin_console.gui.tickets import (
    TICKET_STATES,
    TicketDesk,
    end_of_month,
    group_code,
    last_moment,
    ticket_cells,
)

TABLE_HEADERS = (
    "tickets.col.ref",
    "tickets.col.minutes",
    "tickets.col.pages",
    "tickets.col.until",
    "tickets.col.state",
    "tickets.col.by",
)


class TicketsScreen(QWidget):
    """Left: the new batch and its sheet. Right: every ticket, filtered by state."""

    def __init__(
        self,
        desk: TicketDesk,
        dialogs: Dialogs,
        pc_names: Callable[[], Mapping[int, str]] = dict,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.pc_names = pc_names
        self.dialogs = dialogs
        layout = QHBoxLayout(self)
        left_host = QWidget()
        left_host.setLayout(self._build_batch())
        left_host.setFixedWidth(430)  # a batch line: a 16-digit code, its minutes and date
        layout.addWidget(left_host)
        layout.addSpacing(12)
        layout.addLayout(self._build_list(), 1)

        self.make.clicked.connect(self._create)
        self.print_sheet.clicked.connect(self.save_sheet)
        self.filter.currentIndexChanged.connect(
            lambda _i: self.desk.load(self.filter.currentData())
        )
        self.refresh.clicked.connect(lambda: self.desk.load(self.filter.currentData()))
        desk.created.connect(self.show_batch)
        desk.listed.connect(self.show_list)
        desk.failed.connect(self.notice.bad)
        self.reset_date()
        self.show_batch()

    def _build_batch(self) -> QVBoxLayout:
        lang = self.desk.language
        self.count = QSpinBox()
        self.count.setRange(1, 200)
        self.count.setValue(10)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setValue(60)
        self.minutes.setSuffix(" min")
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.free_pages = QSpinBox()
        self.free_pages.setRange(0, 1000)
        self.make = QPushButton(icons.icon("ticket"), i18n.text("tickets.create", lang))
        self.make.setMinimumHeight(40)
        form = QFormLayout()
        form.addRow(i18n.text("tickets.count", lang), self.count)
        form.addRow(i18n.text("tickets.minutes", lang), self.minutes)
        form.addRow(i18n.text("tickets.until", lang), self.until)
        form.addRow(i18n.text("tickets.free_pages", lang), self.free_pages)

        self.batch_title = QLabel()
        big(self.batch_title, 12, bold=True)
        self.batch_title.setWordWrap(True)
        self.codes = QListWidget()
        big(self.codes, 13)
        self.sheet_language = QComboBox()
        for languages in choices():
            self.sheet_language.addItem(choice_name(languages), languages)
        self.print_sheet = QPushButton(icons.icon("print"), i18n.text("tickets.print", lang))
        self.print_sheet.setMinimumHeight(40)
        # Above its list, not beside it: the Brussels choice's three names need the width.
        sheet_label = QLabel(i18n.text("tickets.sheet_language", lang))
        sheet_label.setBuddy(self.sheet_language)
        self.notice = Notice()
        batch = QFrame()
        batch.setObjectName("batchBox")
        batch_layout = QVBoxLayout(batch)
        batch_layout.addWidget(self.batch_title)
        batch_layout.addWidget(self.codes, 1)
        batch_layout.addWidget(sheet_label)
        batch_layout.addWidget(self.sheet_language)
        batch_layout.addWidget(self.print_sheet)

        left = QVBoxLayout()
        left.addWidget(title(i18n.text("tickets.new", lang)))
        left.addLayout(form)
        left.addWidget(self.make)
        left.addWidget(self.notice)
        left.addWidget(batch, 1)
        return left

    def _build_list(self) -> QVBoxLayout:
        lang = self.desk.language
        self.filter = QComboBox()
        self.filter.addItem(i18n.text("tickets.filter.all", lang), None)
        for state in TICKET_STATES:
            self.filter.addItem(i18n.text(f"tickets.state.{state}", lang), state)
        self.refresh = QPushButton(i18n.text("common.refresh", lang))
        self.table = table()
        filters = QHBoxLayout()
        filters.addWidget(QLabel(i18n.text("tickets.show", lang)))
        filters.addWidget(self.filter)
        filters.addStretch(1)
        filters.addWidget(self.refresh)
        right = QVBoxLayout()
        right.addWidget(title(i18n.text("tickets.list", lang)))
        right.addLayout(filters)
        right.addWidget(self.table, 1)
        return right

    def reset_date(self) -> None:
        """Valid until the end of this month by default; never before today."""
        today = self.desk.now().astimezone().date()
        self.until.setMinimumDate(QDate(today.year, today.month, today.day))
        end = end_of_month(today)
        self.until.setDate(QDate(end.year, end.month, end.day))

    def _create(self) -> None:
        self.notice.setText("")
        if self.desk.unprinted and not self.dialogs.confirm(
            self,
            i18n.text("tickets.unprinted_title", self.desk.language),
            i18n.text("tickets.unprinted_replace", self.desk.language),
        ):
            return
        day: dt.date = self.until.date().toPython()  # type: ignore[assignment]
        self.desk.create(
            self.count.value(), self.minutes.value(), last_moment(day), self.free_pages.value()
        )

    def show_batch(self) -> None:
        """The codes of the last batch (only here, until printed)."""
        lang = self.desk.language
        issued = self.desk.issued
        self.codes.clear()
        for ticket in issued:
            code, until = group_code(ticket.code), formats.day(ticket.valid_until, lang)
            self.codes.addItem(f"{code}  ·  {ticket.minutes} min  ·  {until}")
        if issued:
            self.batch_title.setText(i18n.counted("tickets.batch", lang, len(issued)))
        else:
            self.batch_title.setText(i18n.text("tickets.no_batch", lang))
        self.print_sheet.setEnabled(bool(issued))

    def save_sheet(self) -> None:
        """Ask where, write the PDF, say how many pages."""
        lang = self.desk.language
        issued = self.desk.issued
        if not issued:
            return
        stamp = self.desk.now().astimezone()
        path = self.dialogs.save_file(
            self,
            i18n.text("tickets.print", lang),
            f"tickets-{stamp:%Y%m%d-%H%M}.pdf",
            "PDF (*.pdf)",
        )
        if path is None:
            return
        try:
            pages = write_sheet(Path(path), issued, self.sheet_language.currentData())
        except OSError as exc:
            self.notice.bad(i18n.text("tickets.print_failed", lang, detail=str(exc)))
            return
        self.desk.mark_printed()
        self.notice.good(i18n.counted("tickets.printed", lang, pages) + f" {path}")

    def show_list(self) -> None:
        """Every ticket the filter lets through."""
        lang = self.desk.language
        header = [i18n.text(key, lang) for key in TABLE_HEADERS]
        names = self.pc_names()
        fill(self.table, header, [ticket_cells(row, lang, names) for row in self.desk.rows])
