"""The room's printer, chosen from what CUPS knows on the console machine: a list with
readable names (the search takes seconds: "looking for printers…" meanwhile, the window
stays free), an address to type instead, a test page, and the choice. Used by the
first-run assistant and the policy tab (the choice is ``printing.printer_uri``)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.printers import Printer, PrinterKind, PrinterList, SentTestPage
from admin_console.gui import i18n, icons
from admin_console.gui.printers import PrinterDesk, address_problem
from admin_console.gui.tab_widgets import Notice, field_error, say
from policies import Language

URI_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
LINE_ROLE = Qt.ItemDataRole.AccessibleTextRole
"""A line's words (:func:`printer_line`), as screen readers say them."""


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def printer_line(printer: Printer, language: Language) -> str:
    """How a printer reads in the list: its name, then what it is and where it is known."""
    if printer.local:
        where = i18n.text("printer.local", language)
    elif printer.kind is PrinterKind.QUEUE and printer.queue:
        where = i18n.text("printer.queue", language, queue=printer.queue)
    else:
        where = i18n.text("printer.network", language)
    about = " · ".join(part for part in (printer.detail, where) if part)
    return f"{printer.name}\n{about}"


def _printer_row(printer: Printer, language: Language) -> QWidget:
    """A line of the list: the icon, the name, what it is, and its address in smaller
    grey text (staff can write it down); greyed when the PCs cannot reach it."""
    row = QWidget()
    row.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    icon = QLabel()
    icon.setPixmap(icons.icon("print").pixmap(28, 28))
    name, _, about = printer_line(printer, language).partition("\n")
    words = QLabel(
        f"<b>{html.escape(name)}</b><br>{html.escape(about)}"
        f"<br><span style='font-size: 9pt;'>{html.escape(printer.uri)}</span>"
    )
    words.setObjectName("printerLine")
    # Greyed, yet still read: the reason the PCs cannot use it is on the line.
    words.setStyleSheet("QLabel:disabled { color: #6d6d6d; }")
    words.setWordWrap(True)
    words.setTextFormat(Qt.TextFormat.RichText)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(4, 2, 4, 2)
    layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(words, 1)
    row.setEnabled(not printer.local)
    return row


class PrinterPicker(QWidget):
    """The list of printers, a typed address, "print a test page", and the choice."""

    def __init__(
        self,
        desk: PrinterDesk,
        epn_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.epn_name = epn_name
        lang = desk.language
        self.language = lang
        self.testing = False
        self.editable = True
        self.chosen_uri: str | None = None
        self.chosen_name = ""
        self.list = QListWidget()
        self.list.setAccessibleName(i18n.text("printer.list", lang))
        self.list.setMinimumHeight(240)
        self.list.setMaximumHeight(320)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setIconSize(QSize(28, 28))
        self.list.setAlternatingRowColors(True)
        self.state = _muted("")
        self.again = QPushButton(i18n.text("printer.search_again", lang))
        self.address = QLineEdit()
        self.address.setPlaceholderText("ipp://192.168.1.20/ipp/print")
        self.address.setAccessibleName(i18n.text("printer.address", lang))
        self.address.setMinimumWidth(380)
        self.address.setMaximumWidth(520)
        self.use = QPushButton(i18n.text("printer.use_address", lang))
        self.address_error = field_error()
        self.test = QPushButton(i18n.text("printer.test", lang))
        self.test.setMinimumHeight(36)
        self.clear = QPushButton(i18n.text("printer.clear", lang))
        self.chosen = QLabel()
        self.chosen.setObjectName("sectionTitle")
        self.chosen.setWordWrap(True)
        self.notice = Notice()
        self._lay_out()
        self._connect()
        self._show_chosen()

    def _lay_out(self) -> None:
        lang = self.language
        header = QHBoxLayout()
        header.addWidget(QLabel(i18n.text("printer.list", lang)), 1)
        header.addWidget(self.again)
        typed = QHBoxLayout()
        typed.addWidget(QLabel(i18n.text("printer.address", lang)))
        typed.addWidget(self.address)
        typed.addWidget(self.use)
        typed.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.test)
        actions.addWidget(self.clear)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_muted(i18n.text("printer.help", lang)))
        layout.addLayout(header)
        layout.addWidget(self.list)
        layout.addWidget(self.state)
        layout.addLayout(typed)
        layout.addWidget(_muted(i18n.text("printer.address_help", lang)))
        layout.addWidget(self.address_error)
        layout.addWidget(self.chosen)
        layout.addLayout(actions)
        layout.addWidget(self.notice)
        layout.addStretch(1)

    def _connect(self) -> None:
        desk = self.desk
        self.again.clicked.connect(self.search)
        self.use.clicked.connect(self._use_address)
        self.address.returnPressed.connect(self._use_address)
        self.list.currentItemChanged.connect(lambda item, _before: self._picked(item))
        self.test.clicked.connect(self._test)
        self.clear.clicked.connect(lambda: self.set_value(None))
        desk.listed.connect(self.show_printers)
        desk.list_failed.connect(self._list_failed)
        desk.tested.connect(self._tested)
        desk.test_failed.connect(self._test_failed)

    # -- the list ---------------------------------------------------------------------------

    def search(self) -> None:
        """Ask for the printers again; the list says it is looking meanwhile."""
        if not self.desk.client.token:
            return  # logged out: nobody to ask for
        self.state.setText(i18n.text("printer.searching", self.language))
        self.state.setStyleSheet("")
        self.again.setEnabled(False)
        self.desk.search()

    def show_printers(self, found: PrinterList) -> None:
        """The printers the console found; the chosen one stays chosen."""
        self.again.setEnabled(True)
        self.list.blockSignals(True)
        self.list.clear()
        for printer in found.printers:
            item = QListWidgetItem()
            item.setData(LINE_ROLE, printer_line(printer, self.language))
            item.setData(URI_ROLE, printer.uri)
            item.setData(NAME_ROLE, printer.name)
            item.setToolTip(printer.uri)
            if printer.local:  # the PCs cannot print to it: not the room's printer
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            row = _printer_row(printer, self.language)
            item.setSizeHint(row.sizeHint())
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
        self.list.blockSignals(False)
        if not found.printers:
            self.state.setText(i18n.text("printer.none_found", self.language))
        elif found.network_search != "done":
            self.state.setText(i18n.text("printer.search_cut", self.language))
        else:
            self.state.setText("")
        self._select_chosen()

    def _list_failed(self, sentence: str) -> None:
        self.again.setEnabled(True)
        self.state.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.state.setText(sentence)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None or not self.editable or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        self._choose(str(item.data(URI_ROLE)), str(item.data(NAME_ROLE)))

    def _use_address(self) -> None:
        problem = address_problem(self.address.text(), self.language)
        say(self.address_error, problem)
        if problem:
            return
        uri = self.address.text().strip()
        self.list.clearSelection()
        self._choose(uri, uri)

    # -- the choice -------------------------------------------------------------------------

    def _choose(self, uri: str, name: str) -> None:
        if uri != self.chosen_uri:
            self.notice.setText("")
        self.chosen_uri = uri
        self.chosen_name = name
        self._show_chosen()

    def set_value(self, uri: str | None) -> None:
        """Show ``uri`` as the choice (the policy's ``printing.printer_uri``)."""
        self.notice.setText("")
        self.chosen_uri = uri or None
        self.chosen_name = self._name_of(uri) if uri else ""
        self._select_chosen()
        self._show_chosen()

    def value(self) -> str | None:
        """The chosen printer's address (None: no choice, each PC keeps its own)."""
        return self.chosen_uri

    def set_editable(self, editable: bool) -> None:
        """Managers choose; animators only see the choice."""
        self.editable = editable
        for widget in (self.list, self.again, self.address, self.use, self.clear, self.test):
            widget.setEnabled(editable)
        self._show_chosen()

    def _name_of(self, uri: str) -> str:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(URI_ROLE) == uri:
                return str(item.data(NAME_ROLE))
        return uri

    def _select_chosen(self) -> None:
        self.list.blockSignals(True)
        self.list.clearSelection()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(URI_ROLE) == self.chosen_uri:
                self.list.setCurrentItem(item)
                self.chosen_name = str(item.data(NAME_ROLE))
        self.list.blockSignals(False)

    def _show_chosen(self) -> None:
        lang = self.language
        if self.chosen_uri is None:
            self.chosen.setText(i18n.text("printer.none_chosen", lang))
        else:
            self.chosen.setText(i18n.text("printer.chosen", lang, name=self.chosen_name))
            self.chosen.setToolTip(self.chosen_uri)
        self.test.setEnabled(self.editable and self.chosen_uri is not None and not self.testing)

    # -- the test page ----------------------------------------------------------------------

    def _test(self) -> None:
        if self.chosen_uri is None:
            self.notice.bad(i18n.text("printer.pick_first", self.language))
            return
        self.testing = True
        self._show_chosen()
        self.notice.setStyleSheet("")
        self.notice.setText(i18n.text("printer.testing", self.language))
        self.desk.test(self.chosen_uri, self.chosen_name, self.epn_name())

    def _tested(self, sent: SentTestPage) -> None:
        if not self.testing:
            return  # another picker's page
        self.testing = False
        self._show_chosen()
        self.notice.good(i18n.text("printer.test_sent", self.language, job=sent.job_id))

    def _test_failed(self, sentence: str) -> None:
        if not self.testing:
            return
        self.testing = False
        self._show_chosen()
        self.notice.bad(sentence)
