"""Finds what a visitor would see cut or overlapping on a drawn window.

:func:`layout_problems` walks every visible control of a window (buttons, labels, fields,
pictograms) and names each one that lies partly off the screen, is clipped by its parent,
overlaps a sibling, or whose words do not fit in it: a line wider than its room, wrapped
words taller than their room, a button's or a field's text (typed or its placeholder) wider
than the button or the field. A text the shell cuts short on purpose with "…" (a workshop
title, staff's free text) is measured as shown: its whole is its tooltip, and read aloud.
The shell's own buttons (``ActionButton``, ``AppTile``) show their words in labels inside them,
which are checked as labels. The window stands for the screen: the shell fills it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollBar,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QStyleOptionFrame,
    QWidget,
)

SLACK = 1
"""Pixels of rounding forgiven (fractional font advances, odd borders)."""


def describe(widget: QWidget) -> str:
    """A widget as a test failure names it: its class, object name and text."""
    name = type(widget).__name__
    if widget.objectName():
        name += f"#{widget.objectName()}"
    text = _shown_text(widget)
    if not text:
        text = widget.accessibleName()
    if text:
        name += f" {text[:60]!r}"
    parent = widget.parentWidget()
    while text == "" and parent is not None and not isinstance(parent, QStackedWidget):
        if isinstance(parent, QAbstractButton) and parent.accessibleName():
            return f"{name} in {type(parent).__name__} {parent.accessibleName()[:60]!r}"
        parent = parent.parentWidget()
    return name


def _shown_text(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return widget.text()
    if isinstance(widget, QAbstractButton):
        label = getattr(widget, "label", None)
        return str(label) if isinstance(label, str) else widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return ""


def _scrolled(widget: QWidget) -> bool:
    """True for a scroll area's inner widget, which may be taller than its viewport."""
    parent = widget.parentWidget()
    area = parent.parentWidget() if parent is not None else None
    return isinstance(area, QAbstractScrollArea) and area.viewport() is parent


def _inside_scroll(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if _scrolled(parent):
            return True
        parent = parent.parentWidget()
    return False


def _contains(outer: QRect, inner: QRect) -> bool:
    return (
        inner.left() >= outer.left() - SLACK
        and inner.top() >= outer.top() - SLACK
        and inner.right() <= outer.right() + SLACK
        and inner.bottom() <= outer.bottom() + SLACK
    )


def _overlap(a: QRect, b: QRect) -> bool:
    both = a.intersected(b)
    return both.width() > SLACK and both.height() > SLACK


def _words_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text:
        return None
    metrics = label.fontMetrics()
    room = label.contentsRect()
    width = room.width() - 2 * label.margin()
    if not label.wordWrap():
        widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        if widest > width + SLACK:
            return f"text needs {widest} px, has {width} px"
        lines = text.count("\n") + 1
        if metrics.height() * lines > room.height() + SLACK + (lines - 1) * metrics.leading():
            return f"text needs {metrics.height() * lines} px high, has {room.height()} px"
        return None
    widest_word = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
    if widest_word > width + SLACK:
        return f"a word needs {widest_word} px, has {width} px"
    needed = label.heightForWidth(label.width())
    if needed > label.height() + SLACK:
        return f"wrapped text needs {needed} px high, has {label.height()} px"
    return None


def _picture_problem(label: QLabel) -> str | None:
    pixmap = label.pixmap()
    if pixmap is None or pixmap.isNull():
        return None
    size = pixmap.deviceIndependentSize().toSize()
    room = label.contentsRect()
    if size.width() > room.width() + SLACK or size.height() > room.height() + SLACK:
        return f"picture {size.width()}×{size.height()} px in {room.width()}×{room.height()} px"
    return None


def _field_problem(field: QLineEdit) -> str | None:
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    room = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    margins = field.textMargins()
    metrics = field.fontMetrics()
    high = room.height() - margins.top() - margins.bottom()
    if metrics.height() > high + SLACK:
        return f"typed text needs {metrics.height()} px high, has {high} px"
    text = field.text() if field.echoMode() == QLineEdit.EchoMode.Normal else ""
    what = "typed text"
    if not field.text() and field.placeholderText():
        text, what = field.placeholderText(), "its hint"
    if text:
        needed = metrics.horizontalAdvance(text)
        # QLineEdit keeps 2 px free on each side of its text.
        wide = room.width() - margins.left() - margins.right() - 4
        if needed > wide + SLACK:
            return f"{what} needs {needed} px, has {wide} px"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    """A button's own text (drawn by the style, as the keypad's digits) wider or taller
    than the room the style leaves it."""
    text = button.text()
    if not text or not isinstance(button, QPushButton):
        return None
    option = QStyleOptionButton()
    button.initStyleOption(option)
    room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    metrics = button.fontMetrics()
    needed = metrics.horizontalAdvance(text)
    if not button.icon().isNull():
        needed += button.iconSize().width() + 4
    if needed > room.width() + SLACK:
        return f"its text needs {needed} px, has {room.width()} px"
    if metrics.height() > room.height() + SLACK:
        return f"its text needs {metrics.height()} px high, has {room.height()} px"
    return None


CHECKED = (QAbstractButton, QLabel, QLineEdit)
"""What a visitor reads or touches; containers are checked through them."""


def _visible_children(widget: QWidget) -> list[QWidget]:
    return [
        child
        for child in widget.children()
        if isinstance(child, QWidget) and not child.isWindow() and child.isVisible()
    ]


def layout_problems(root: QWidget) -> list[str]:
    """Every visible control of ``root`` that is cut, off the window or overlapping."""
    problems: list[str] = []
    screen = root.rect()
    shown: list[tuple[QWidget, QRect]] = []

    def note(widget: QWidget, what: str) -> None:
        problems.append(f"{describe(widget)}: {what}")

    def walk(widget: QWidget, view: QRect) -> None:
        for child in _visible_children(widget):
            if isinstance(child, QScrollBar):
                continue
            where = QRect(child.mapTo(root, child.rect().topLeft()), child.size())
            inner_view = view
            if isinstance(child, QAbstractScrollArea):
                port = child.viewport()
                inner_view = view.intersected(
                    QRect(port.mapTo(root, port.rect().topLeft()), port.size())
                )
            # A container may reach past its parent, as long as its controls do not.
            outside = not _scrolled(child) and not _contains(widget.rect(), child.geometry())
            if outside and (
                isinstance(child, CHECKED) or not _contains(widget.rect(), _content(child))
            ):
                note(
                    child,
                    f"clipped by its parent {describe(widget)} "
                    f"({_rect(child.geometry())} in {_rect(widget.rect())})",
                )
            if isinstance(child, CHECKED):
                if view != screen:
                    # Scrolled lists go under the screen's edge; across, they must fit.
                    off = where.left() < -SLACK or where.right() > screen.right() + SLACK
                else:
                    off = not _contains(screen, where)
                if off:
                    note(child, f"off the screen ({_rect(where)} on {_rect(screen)})")
                problem = None
                if isinstance(child, QLabel):
                    problem = _words_problem(child) or _picture_problem(child)
                elif isinstance(child, QLineEdit):
                    problem = _field_problem(child)
                else:
                    problem = _button_problem(child)
                if problem:
                    note(child, problem)
                seen = where.intersected(view)
                if not seen.isEmpty():
                    shown.append((child, seen))
            walk(child, inner_view)

    walk(root, screen)
    overlaps: list[tuple[QWidget, QWidget]] = []
    for index, (first, first_rect) in enumerate(shown):
        for second, second_rect in shown[index + 1 :]:
            if first.isAncestorOf(second) or second.isAncestorOf(first):
                continue
            if not _overlap(first_rect, second_rect):
                continue
            # Once two buttons overlap, their pictograms and words do too: say it once.
            if any(
                (_self_or_above(a, first) and _self_or_above(b, second))
                or (_self_or_above(a, second) and _self_or_above(b, first))
                for a, b in overlaps
            ):
                continue
            overlaps.append((first, second))
            note(first, f"overlaps {describe(second)}")
    return problems


def _self_or_above(ancestor: QWidget, widget: QWidget) -> bool:
    return ancestor is widget or ancestor.isAncestorOf(widget)


def _content(widget: QWidget) -> QRect:
    """The part of a container that holds visible controls, in its parent's coordinates."""
    area = QRect()
    for child in widget.findChildren(QWidget):
        if isinstance(child, CHECKED) and child.isVisibleTo(widget):
            area = area.united(QRect(child.mapTo(widget, child.rect().topLeft()), child.size()))
    return area.translated(widget.pos())


def _rect(rect: QRect) -> str:
    return f"{rect.width()}×{rect.height()}+{rect.x()}+{rect.y()}"
