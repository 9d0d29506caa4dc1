"""Small building blocks shared by the console's tabs: big titles, read-only tables, a line
that says what just happened (green) or went wrong (red)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Row = TypeVar("Row")

PANEL_WIDTH = 430
"""The width of the panel beside a tab's list: a form's labels and fields at a readable size."""


def big(widget: QWidget, points: int, bold: bool = False) -> None:
    """Set the widget's font size (and weight)."""
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)


def title(text: str, points: int = 15) -> QLabel:
    """A section title."""
    label = QLabel(text)
    big(label, points, bold=True)
    return label


def help_text(text: str) -> QLabel:
    """A field's help: smaller, muted, wrapped under it."""
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def field_error() -> QLabel:
    """Where a field's problem is said, in red under it; hidden until there is one."""
    label = QLabel()
    label.setObjectName("loginError")
    label.setWordWrap(True)
    label.hide()
    return label


def say(label: QLabel, sentence: str) -> None:
    """Show ``sentence`` in ``label`` (empty: hide it)."""
    label.setText(sentence)
    label.setVisible(bool(sentence))


def tell_problems(
    errors: Mapping[str, QLabel], problems: Mapping[str, str], fields: Iterable[str]
) -> bool:
    """Say under each of ``fields`` its problem from ``problems`` (none: its label is
    hidden); True when ``problems`` is empty, so the form may be sent."""
    for name in fields:
        say(errors[name], problems.get(name, ""))
    return not problems


def table() -> QTableWidget:
    """A read-only table, one row selected at a time."""
    view = QTableWidget()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def fill(view: QTableWidget, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Replace the table's contents."""
    view.clear()
    view.setColumnCount(len(header))
    view.setHorizontalHeaderLabels(list(header))
    view.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if c and value[:1].isdigit():
                item.setTextAlignment(
                    Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
                )
            view.setItem(r, c, item)
    view.resizeColumnsToContents()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """A dialog's buttons, side by side at its trailing edge, in the order given."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def chosen_row(view: QTableWidget, rows: Sequence[Row]) -> Row | None:
    """The row of ``rows`` selected in ``view`` (the rows it shows, in order); None when
    nothing is selected."""
    row = view.currentRow()
    if not view.selectedItems() or not 0 <= row < len(rows):
        return None
    return rows[row]


def list_beside_panel(owner: QWidget, left: QLayout, panel: Sequence[QWidget]) -> None:
    """Lay out ``owner``: ``left`` (a tab's list) taking the room, and the ``panel`` widgets
    stacked at the top of a fixed-width column on its right."""
    right = QVBoxLayout()
    for widget in panel:
        right.addWidget(widget)
    right.addStretch(1)
    right_host = QWidget()
    right_host.setLayout(right)
    right_host.setFixedWidth(PANEL_WIDTH)
    layout = QHBoxLayout(owner)
    layout.addLayout(left, 1)
    layout.addWidget(right_host)


class Notice(QLabel):
    """One line: what was done (green) or what went wrong (red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("notice")
        self.hide()

    def setText(self, text: str) -> None:
        """Show ``text``; an empty notice takes no room."""
        super().setText(text)
        self.setVisible(bool(text))

    def good(self, text: str) -> None:
        """Say what was done."""
        self.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.setText(text)

    def bad(self, text: str) -> None:
        """Say what went wrong."""
        self.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.setText(text)
