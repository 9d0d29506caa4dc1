"""The opening hours editor: a week grid (each day closed, or one or two periods) and the
exceptional closures, each field checked as it is typed with the reason said under it.

Used by the policy tab and by the first-run assistant; the checks are in
:mod:`admin_console.gui.hours`, the editor only shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.gui import i18n
from admin_console.gui.hours import (
    PERIODS_PER_DAY,
    WEEKDAYS,
    ClosureValue,
    PeriodText,
    check_closure,
    check_day,
    day_periods,
    day_ranges,
)
from admin_console.gui.tab_widgets import field_error, say
from policies import Language

DATE_FORMAT = "dd/MM/yyyy"


def _mark(widget: QWidget, bad: bool) -> None:
    # A red border on the field the sentence is about (the style sheet reads the property).
    if widget.property("bad") != bad:
        widget.setProperty("bad", bad)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class DayRow:
    """One weekday in the grid: its name, "closed", its periods and the reason under it."""

    def __init__(self, day: str, language: Language, grid: QGridLayout, row: int) -> None:
        self.day = day
        self.language = language
        self.editable = True
        name = i18n.text(f"hours.day.{day}", language)
        self.name = QLabel(name)
        self.closed = QCheckBox(i18n.text("hours.closed", language))
        self.closed.setAccessibleName(f"{name}: {i18n.text('hours.closed', language)}")
        self.inputs: list[tuple[QLineEdit, QLineEdit]] = []
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.closed, row, 1)
        column = 2
        for index in range(PERIODS_PER_DAY):
            if index:
                grid.addWidget(QLabel(i18n.text("hours.and", language)), row, column)
                column += 1
            pair = (self._time_input(name, index, "opens"), self._time_input(name, index, "closes"))
            grid.addWidget(pair[0], row, column)
            grid.addWidget(QLabel(i18n.text("hours.to", language)), row, column + 1)
            grid.addWidget(pair[1], row, column + 2)
            column += 3
            self.inputs.append(pair)
        self.error = field_error()
        grid.addWidget(self.error, row + 1, 1, 1, column - 1)
        self.closed.toggled.connect(self._closed_changed)

    def _time_input(self, day_name: str, index: int, side: str) -> QLineEdit:
        box = QLineEdit()
        box.setMaxLength(5)
        box.setFixedWidth(60)
        box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.setPlaceholderText("--:--")
        box.setAccessibleName(
            i18n.text(f"hours.{side}_name", self.language, day=day_name, n=index + 1)
        )
        return box

    def _closed_changed(self, closed: bool) -> None:
        for pair in self.inputs:
            for box in pair:
                box.setEnabled(self.editable and not closed)

    def periods(self) -> list[PeriodText]:
        """The periods as typed."""
        return [PeriodText(opens.text(), closes.text()) for opens, closes in self.inputs]

    def show(self, ranges: Any) -> None:
        """Show the policy's day (a list of periods; none: closed)."""
        periods = day_periods(ranges)
        for (opens, closes), period in zip(self.inputs, periods, strict=False):
            opens.setText(period.opens)
            closes.setText(period.closes)
        self.closed.setChecked(not ranges)
        self.complain("")

    def check(self) -> bool:
        """Check what is typed and say what is wrong under the row; True when it is right."""
        found = check_day(self.closed.isChecked(), self.periods())
        for index, (opens, closes) in enumerate(self.inputs):
            _mark(opens, (index, "opens") in found.fields)
            _mark(closes, (index, "closes") in found.fields)
        if found.problem is None:
            self.complain("")
            return True
        self.complain(i18n.text(found.problem.value, self.language, value=found.value))
        return False

    def complain(self, sentence: str) -> None:
        """Say ``sentence`` under the day (empty: clear it)."""
        say(self.error, sentence)
        if not sentence:
            for pair in self.inputs:
                for box in pair:
                    _mark(box, False)

    def value(self) -> list[dict[str, str]]:
        """The day as the policy holds it (check first)."""
        return day_ranges(self.closed.isChecked(), self.periods())


class ClosureRow(QFrame):
    """One exceptional closure: a day or a span of days, and why."""

    removed = Signal(object)

    def __init__(self, language: Language, closure: ClosureValue) -> None:
        super().__init__()
        self.language = language
        self.setObjectName("ruleBox")
        self.start = self._date(closure.start)
        self.start.setAccessibleName(i18n.text("hours.closure_from", language))
        self.until = QCheckBox(i18n.text("hours.closure_until", language))
        self.end = self._date(closure.end or closure.start)
        self.end.setAccessibleName(i18n.text("hours.closure_until", language))
        self.until.setChecked(closure.end is not None and closure.end != closure.start)
        self.end.setEnabled(self.until.isChecked())
        self.reason = QLineEdit(closure.reason)
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(i18n.text("hours.closure_reason", language))
        self.reason.setAccessibleName(i18n.text("hours.closure_reason", language))
        self.remove = QPushButton(i18n.text("hours.closure_remove", language))
        self.error = field_error()
        dates = QHBoxLayout()
        dates.addWidget(QLabel(i18n.text("hours.closure_from", language)))
        dates.addWidget(self.start)
        dates.addWidget(self.until)
        dates.addWidget(self.end)
        dates.addStretch(1)
        dates.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(dates)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        self.until.toggled.connect(self._until_changed)
        self.start.dateChanged.connect(lambda _d: self.check())
        self.end.dateChanged.connect(lambda _d: self.check())
        self.remove.clicked.connect(lambda: self.removed.emit(self))

    @staticmethod
    def _date(day: dt.date) -> QDateEdit:
        box = QDateEdit(QDate(day.year, day.month, day.day))
        box.setDisplayFormat(DATE_FORMAT)
        box.setCalendarPopup(True)
        box.setMinimumWidth(130)
        return box

    def _until_changed(self, on: bool) -> None:
        self.end.setEnabled(on and self.start.isEnabled())
        if on and self.end.date() < self.start.date():
            self.end.setDate(self.start.date())
        self.check()

    def set_editable(self, editable: bool) -> None:
        """Managers edit; animators only read."""
        for widget in (self.start, self.until, self.remove):
            widget.setEnabled(editable)
        self.end.setEnabled(editable and self.until.isChecked())
        self.reason.setReadOnly(not editable)
        self.remove.setVisible(editable)

    def closure(self) -> ClosureValue:
        """The closure as typed."""
        start = self.start.date().toPython()
        end = self.end.date().toPython() if self.until.isChecked() else None
        assert isinstance(start, dt.date)
        assert end is None or isinstance(end, dt.date)
        return ClosureValue(start, end, self.reason.text())

    def check(self) -> bool:
        """Check the dates and say what is wrong; True when they are right."""
        found = self.closure()
        problem = check_closure(found.start, found.end)
        _mark(self.end, problem is not None)
        self.complain(i18n.text(problem.value, self.language) if problem else "")
        return problem is None

    def complain(self, sentence: str) -> None:
        """Say ``sentence`` under the closure (empty: clear it)."""
        say(self.error, sentence)


class HoursEditor(QGroupBox):
    """The week's opening hours and the exceptional closures of the policy."""

    changed = Signal()
    """Staff typed something (the checks have run)."""

    def __init__(self, language: Language, today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(i18n.text("hours.title", language))
        self.language = language
        self.today = today
        self.editable = True
        help_text = QLabel(i18n.text("hours.help", language))
        help_text.setObjectName("muted")
        help_text.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.days: dict[str, DayRow] = {}
        for index, day in enumerate(WEEKDAYS):
            row = DayRow(day, language, grid, index * 2)
            self.days[day] = row
            for opens, closes in row.inputs:
                opens.textEdited.connect(lambda _t, r=row: self._day_edited(r))
                closes.textEdited.connect(lambda _t, r=row: self._day_edited(r))
            row.closed.toggled.connect(lambda _on, r=row: self._day_edited(r))
        grid.setColumnStretch(grid.columnCount(), 1)
        self.closures_title = QLabel(i18n.text("hours.closures", language))
        self.closures_title.setObjectName("sectionTitle")
        closures_help = QLabel(i18n.text("hours.closures_help", language))
        closures_help.setObjectName("muted")
        closures_help.setWordWrap(True)
        self.no_closures = QLabel(i18n.text("hours.closures_none", language))
        self.no_closures.setObjectName("muted")
        self.closures_host = QVBoxLayout()
        self.closures: list[ClosureRow] = []
        self.add_closure = QPushButton(i18n.text("hours.closure_add", language))
        self.add_closure.clicked.connect(self._add_closure_clicked)
        self.error = field_error()
        """What the console said about the hours that no field shows."""
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(self.closures_title)
        layout.addWidget(closures_help)
        layout.addWidget(self.no_closures)
        layout.addLayout(self.closures_host)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_closure)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        layout.addWidget(self.error)

    def _day_edited(self, row: DayRow) -> None:
        row.check()
        self.changed.emit()

    def show_hours(self, hours: Any) -> None:
        """Show the policy's ``opening_hours`` (plain data); what was typed is dropped."""
        hours = hours or {}
        for day, row in self.days.items():
            row.show(hours.get(day))
        for old in self.closures:
            self._drop(old)
        self.closures = []
        for data in hours.get("closures") or []:
            self._add(ClosureValue.from_policy(data))
        self.complain("")
        self.set_editable(self.editable)

    def _add_closure_clicked(self) -> None:
        row = self._add(ClosureValue(self.today()))
        row.start.setFocus()
        self.changed.emit()

    def _add(self, closure: ClosureValue) -> ClosureRow:
        row = ClosureRow(self.language, closure)
        row.removed.connect(self._remove)
        row.set_editable(self.editable)
        self.closures_host.addWidget(row)
        self.closures.append(row)
        self.no_closures.setVisible(False)
        return row

    def _drop(self, row: ClosureRow) -> None:
        # Not setParent(None): a parentless widget is a window, and asks the platform.
        self.closures_host.removeWidget(row)
        row.hide()
        row.deleteLater()

    def _remove(self, row: ClosureRow) -> None:
        self._drop(row)
        self.closures.remove(row)
        self.no_closures.setVisible(not self.closures)
        self.changed.emit()

    def set_editable(self, editable: bool) -> None:
        """Managers edit; animators only read."""
        self.editable = editable
        for row in self.days.values():
            row.editable = editable
            row.closed.setEnabled(editable)
            row._closed_changed(row.closed.isChecked())
        for closure in self.closures:
            closure.set_editable(editable)
        self.add_closure.setVisible(editable)
        self.no_closures.setVisible(not self.closures)

    def check(self) -> bool:
        """Check every field, saying what is wrong next to each; True when all is right."""
        days = [row.check() for row in self.days.values()]
        closures = [row.check() for row in self.closures]
        return all(days) and all(closures)

    def value(self) -> dict[str, Any]:
        """The opening hours as the policy holds them (check first)."""
        hours: dict[str, Any] = {day: row.value() for day, row in self.days.items()}
        hours["closures"] = [row.closure().as_policy() for row in self.closures]
        return hours

    def complain(self, sentence: str, name: str = "") -> None:
        """The console's reason about the hours: under the day or closure ``name`` names
        (``opening_hours.saturday.0.closes``, ``opening_hours.closures.1``), else under the
        whole editor."""
        parts = name.split(".")
        if len(parts) > 1 and parts[1] in self.days:
            self.days[parts[1]].complain(sentence)
            return
        if len(parts) > 2 and parts[1] == "closures" and parts[2].isdigit():
            index = int(parts[2])
            if index < len(self.closures):
                self.closures[index].complain(sentence)
                return
        say(self.error, sentence)
