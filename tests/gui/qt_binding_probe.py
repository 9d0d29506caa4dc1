"""Calls the Qt methods the shell and the console window use, many times each, and prints how
the reference counts of None, True and False moved (one JSON line per method).

Run as its own process by ``test_qt_binding.py``: a binding that drops a reference it does
not own ends in ``Fatal Python error: none_dealloc`` (or ``bool_dealloc``), which would take
the test run with it. Python 3.11's None, True and False are not immortal (3.12 made them
so), so their counts show such a bug exactly.

``python tests/gui/qt_binding_probe.py [CALLS]``
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


class _Emitter(QObject):
    changed = Signal()
    valued = Signal(int)


def probes() -> dict[str, Callable[[], object]]:
    """Each a call the shell (``kiosk/shell``) or the console (``admin_console/gui``) makes
    on every view: void setters, bool getters, and getters that may answer None."""
    window = QWidget()
    row = QHBoxLayout(window)
    label = QLabel("x")
    button = QPushButton("ok")
    button.setCheckable(True)
    entry = QLineEdit()
    bar = QProgressBar()
    row.addWidget(label)
    row.addWidget(button)
    row.addWidget(entry)
    row.addWidget(bar)
    row.addStretch(1)
    grid = QGridLayout()
    column = QVBoxLayout()
    stack = QStackedWidget()
    page = QWidget()
    stack.addWidget(page)
    scroll = QScrollArea()
    orphan = QWidget()  # no layout, no parent: layout() and parentWidget() answer None
    pixmap = QPixmap(QSize(16, 16))
    emitter = _Emitter()
    emitter.changed.connect(lambda: None)
    emitter.valued.connect(lambda _value: None)
    timer = QTimer()
    keep = (window, grid, column, stack, page, scroll, orphan, pixmap, emitter, timer)
    calls: dict[str, Callable[[], object]] = {
        # void methods (the crash: set_tight -> setContentsMargins / setSpacing)
        "QHBoxLayout.setContentsMargins": lambda: row.setContentsMargins(8, 6, 8, 6),
        "QHBoxLayout.setSpacing": lambda: row.setSpacing(8),
        "QGridLayout.setSpacing": lambda: grid.setSpacing(18),
        "QVBoxLayout.setContentsMargins": lambda: column.setContentsMargins(0, 0, 0, 0),
        "QLayout.invalidate": row.invalidate,
        "QLabel.setText": lambda: label.setText("y"),
        "QLabel.setPixmap": lambda: label.setPixmap(pixmap),
        "QLabel.setWordWrap": lambda: label.setWordWrap(True),
        "QLabel.setAlignment": lambda: label.setAlignment(Qt.AlignmentFlag.AlignCenter),
        "QWidget.setVisible": lambda: label.setVisible(True),
        "QWidget.show": label.show,
        "QWidget.update": label.update,
        "QWidget.updateGeometry": label.updateGeometry,
        "QWidget.setMinimumHeight": lambda: label.setMinimumHeight(20),
        "QWidget.setFixedSize": lambda: label.setFixedSize(40, 20),
        "QWidget.setToolTip": lambda: label.setToolTip("tip"),
        "QWidget.setAccessibleName": lambda: label.setAccessibleName("name"),
        "QWidget.setEnabled": lambda: button.setEnabled(True),
        "QWidget.setLayoutDirection": lambda: window.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft
        ),
        "QWidget.setStyleSheet": lambda: label.setStyleSheet(""),
        "QWidget.setProperty": lambda: label.setProperty("role", "title"),
        "QAbstractButton.setChecked": lambda: button.setChecked(False),
        "QLineEdit.setMaxLength": lambda: entry.setMaxLength(16),
        "QProgressBar.setValue": lambda: bar.setValue(5),
        "QStackedWidget.setCurrentWidget": lambda: stack.setCurrentWidget(page),
        "QTimer.start": lambda: timer.start(1000),
        "Signal.emit": emitter.changed.emit,
        "Signal.emit(int)": lambda: emitter.valued.emit(3),
        # bool-returning methods
        "QWidget.isVisible": label.isVisible,
        "QWidget.isHidden": label.isHidden,
        "QWidget.isEnabled": button.isEnabled,
        "QWidget.hasHeightForWidth": label.hasHeightForWidth,
        "QLabel.wordWrap": label.wordWrap,
        "QAbstractButton.isChecked": button.isChecked,
        "QAbstractButton.isCheckable": button.isCheckable,
        "QPixmap.isNull": pixmap.isNull,
        "QTimer.isActive": timer.isActive,
        "QSize.isValid": lambda: QSize(3, 4).isValid(),
        # methods that may answer None
        "QWidget.layout (None)": orphan.layout,
        "QWidget.layout": window.layout,
        "QWidget.parentWidget (None)": orphan.parentWidget,
        "QWidget.focusWidget (None)": orphan.focusWidget,
        "QScrollArea.widget (None)": scroll.widget,
        "QLayout.itemAt (None)": lambda: row.itemAt(99),
        "QLayoutItem.widget (None)": lambda: row.itemAt(4).widget(),
        "QLayout.sizeHint": row.sizeHint,
        "QLabel.text": label.text,
    }
    calls["_keep"] = lambda: keep  # the objects live as long as the calls
    return calls


def main() -> int:
    """Print one line per method: ``{"method", "calls", "None", "True", "False"}``."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    app = QApplication.instance() or QApplication([])
    print(json.dumps({"pyside": PYSIDE_VERSION, "python": sys.version.split()[0]}), flush=True)
    for name, call in probes().items():
        if name.startswith("_"):
            continue
        call()  # first call: caches and lazy type set-up are not counted
        gc.collect()
        before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
        for _ in range(count):
            call()
        gc.collect()
        after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
        moved = [a - b for a, b in zip(after, before, strict=True)]
        line = {"method": name, "calls": count, "None": moved[0], "True": moved[1]}
        line["False"] = moved[2]
        print(json.dumps(line), flush=True)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
