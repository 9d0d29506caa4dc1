"""The help queue panel beside the room: who waits, for how long, and who is going."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from admin_console.api.help import HelpCallModel
from admin_console.gui import i18n, icons
from admin_console.gui.helpqueue import HelpQueue, call_line
from admin_console.gui.tab_widgets import Notice, big


class CallRow(QFrame):
    """One PC waiting: its line, and the button that fits (I'm going / Done)."""

    def __init__(self, queue: HelpQueue, call: HelpCallModel, me: str | None) -> None:
        super().__init__()
        lang = queue.language
        self.kiosk_id = call.kiosk_id
        self.taken_by = call.taken_by
        self.setObjectName("helpWaiting" if call.taken_by is None else "helpTaken")
        self.line = QLabel(call_line(call, queue.now(), lang, me))
        self.line.setWordWrap(True)
        big(self.line, 11, bold=call.taken_by is None)
        self.cancel: QPushButton | None = None
        if call.taken_by is None:
            self.button = QPushButton(icons.icon("go"), i18n.text("help.take", lang))
            self.action = partial(queue.take, call.kiosk_id)
            if call.reason is None:  # the console's own calls stay until someone looked
                self.cancel = QPushButton(i18n.text("help.cancel", lang))
                self.cancel.setMinimumHeight(34)
        else:
            self.button = QPushButton(icons.icon("done"), i18n.text("help.done", lang))
            self.action = partial(queue.done, call.kiosk_id)
        self.button.setMinimumHeight(34)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.line)
        row = QHBoxLayout()
        row.addStretch(1)
        if self.cancel is not None:
            row.addWidget(self.cancel)
        row.addWidget(self.button)
        layout.addLayout(row)


class HelpPanel(QFrame):
    """The queue, oldest call first; redrawn at each refresh so waiting times grow."""

    def __init__(
        self, queue: HelpQueue, me: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.queue = queue
        self.me = me
        self.setObjectName("helpPanel")
        self.setFixedWidth(290)
        lang = queue.language
        heading = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(icons.pixmap("help", 24, "#c62828"))
        self.title = QLabel(i18n.text("help.title", lang))
        big(self.title, 13, bold=True)
        heading.addWidget(icon)
        heading.addWidget(self.title, 1)
        self.empty = QLabel(i18n.text("help.empty", lang))
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        # The calls scroll when the room leaves them little height: a squeezed row would
        # draw its text over its buttons.
        rows_widget = QWidget()
        rows_widget.setObjectName("helpRows")
        self.rows_host = QVBoxLayout(rows_widget)
        self.rows_host.setContentsMargins(0, 0, 0, 0)
        self.rows_host.setSpacing(6)
        self.rows_host.addStretch(1)
        self.rows_scroll = QScrollArea()
        self.rows_scroll.setWidgetResizable(True)
        self.rows_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.rows_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rows_scroll.setWidget(rows_widget)
        self.notice = Notice()
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.rows_scroll, 1)
        layout.addWidget(self.notice)
        self.rows: list[CallRow] = []
        queue.changed.connect(self.redraw)
        queue.failed.connect(self.notice.bad)
        self.redraw()

    def _act(self, row: CallRow) -> None:
        self.notice.setText("")  # the last problem is about the last click, not this one
        row.action()

    def _cancel(self, row: CallRow) -> None:
        self.notice.setText("")
        self.queue.cancel(row.kiosk_id)

    def redraw(self) -> None:
        """One row per call; rows whose call did not change only get their new waiting time,
        so a button is never pulled from under a finger by the refresh."""
        me = self.me()
        calls = self.queue.calls
        if [(r.kiosk_id, r.taken_by) for r in self.rows] == [
            (c.kiosk_id, c.taken_by) for c in calls
        ]:
            for row, call in zip(self.rows, calls, strict=True):
                row.line.setText(call_line(call, self.queue.now(), self.queue.language, me))
            return
        for row in self.rows:
            # Not setParent(None): a parentless widget is a window, and asks the platform.
            self.rows_host.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = [CallRow(self.queue, call, me) for call in calls]
        for row in self.rows:
            row.button.clicked.connect(partial(self._act, row))
            if row.cancel is not None:
                row.cancel.clicked.connect(partial(self._cancel, row))
        for index, row in enumerate(self.rows):
            self.rows_host.insertWidget(index, row)  # above the stretch
        count = len(self.queue.calls)
        lang = self.queue.language
        self.title.setText(i18n.text("help.title", lang) + (f" ({count})" if count else ""))
        self.empty.setVisible(not count)
