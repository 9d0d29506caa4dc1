"""The printed sheet of a batch of tickets: A4 pages of cut-out cards, drawn with QPdfWriter.

Each card: the code big and grouped, the minutes, the last day of use, the free pages, the
ticket's reference, a pictogram and one line saying how to use it in French, Dutch and
English (the visitor may read any of them, or none: the pictogram shows where to type).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)

from admin_console.api.tickets import IssuedTicket
from admin_console.gui.pdf import a4_writer
from admin_console.gui.tickets import group_code, local_date

COLUMNS = 2
ROWS = 5
PER_PAGE = COLUMNS * ROWS
RESOLUTION = 300
HOW_TO = (
    "FR : sur un PC, touchez « Ticket » et tapez ce code.",
    "NL: tik op een pc op „Ticket” en typ deze code.",
    "EN: at a PC, tap “Ticket” and type this code.",
)
LABELS = (
    ("Valable jusqu'au", "Geldig tot", "Valid until"),
    ("Pages gratuites", "Gratis pagina's", "Free pages"),
)


def page_count(tickets: int) -> int:
    """Pages needed for ``tickets`` cards."""
    return max(1, -(-tickets // PER_PAGE))


def _font(points: float, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _code_font(painter: QPainter, code: str, width: float) -> QFont:
    """The biggest monospaced bold font, up to 20 pt, in which ``code`` fits ``width``: a
    16-digit code must stay whole on one line beside the pictogram."""
    points = 20.0
    while points > 10.0:
        font = _font(points, bold=True, mono=True)
        if QFontMetricsF(font, painter.device()).horizontalAdvance(code) <= width:
            return font
        points -= 0.5
    return _font(points, bold=True, mono=True)


def _pictogram(painter: QPainter, box: QRectF) -> None:
    """A screen with a ticket going in: "type the ticket at a PC"."""
    painter.save()
    ink = QColor("#1f3a5f")
    pen = QPen(ink, box.width() * 0.06)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    w, h = box.width(), box.height()
    screen = QRectF(box.left() + w * 0.05, box.top() + h * 0.08, w * 0.9, h * 0.6)
    painter.drawRoundedRect(screen, w * 0.05, w * 0.05)
    painter.drawLine(
        QPointF(box.center().x(), screen.bottom()),
        QPointF(box.center().x(), box.bottom() - h * 0.1),
    )
    painter.drawLine(
        QPointF(box.left() + w * 0.3, box.bottom() - h * 0.1),
        QPointF(box.right() - w * 0.3, box.bottom() - h * 0.1),
    )
    # The ticket on the screen: a card with notched sides and three dots (digits).
    ticket = QRectF(screen.left() + w * 0.15, screen.top() + h * 0.15, w * 0.6, h * 0.3)
    path = QPainterPath()
    path.addRoundedRect(ticket, w * 0.03, w * 0.03)
    painter.setBrush(QColor("#ffe082"))
    painter.drawPath(path)
    painter.setBrush(ink)
    for i in range(3):
        centre = QPointF(ticket.left() + ticket.width() * (0.28 + 0.22 * i), ticket.center().y())
        painter.drawEllipse(centre, w * 0.035, w * 0.035)
    painter.restore()


def _card(painter: QPainter, box: QRectF, ticket: IssuedTicket, mm: float) -> None:
    pad = 4 * mm
    inner = box.adjusted(pad, pad, -pad, -pad)
    # The cut line.
    cut = QPen(QColor("#9e9e9e"), 0.3 * mm, Qt.PenStyle.DashLine)
    painter.setPen(cut)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(box)
    ink = QColor("#000000")
    muted = QColor("#424242")
    icon = 16 * mm
    _pictogram(painter, QRectF(inner.right() - icon, inner.top(), icon, icon))
    painter.setPen(ink)
    painter.setFont(_font(8, bold=True))
    painter.drawText(
        QRectF(inner.left(), inner.top(), inner.width() - icon, 5 * mm),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        "Ticket · Ticket · Ticket",
    )
    code_box = QRectF(inner.left(), inner.top() + 5 * mm, inner.width() - icon - 2 * mm, 11 * mm)
    code = group_code(ticket.code)
    painter.setFont(_code_font(painter, code, code_box.width()))
    painter.drawText(
        code_box,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        code,
    )
    top = inner.top() + 17 * mm
    painter.setFont(_font(14, bold=True))
    painter.drawText(
        QRectF(inner.left(), top, 24 * mm, 10 * mm),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        f"{ticket.minutes} min",
    )
    values = (local_date(ticket.valid_until), str(ticket.free_pages))
    column = (inner.width() - 24 * mm) / 2
    for index, (labels, value) in enumerate(zip(LABELS, values, strict=True)):
        left = inner.left() + 24 * mm + index * column
        painter.setPen(muted)
        painter.setFont(_font(5.5))
        painter.drawText(
            QRectF(left, top, column - 2 * mm, 5.5 * mm),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap,
            " / ".join(labels),
        )
        painter.setPen(ink)
        painter.setFont(_font(10, bold=True))
        painter.drawText(
            QRectF(left, top + 5.5 * mm, column - 2 * mm, 4.5 * mm),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            value,
        )
    painter.setPen(muted)
    painter.setFont(_font(6.5))
    how = top + 11 * mm
    for index, line in enumerate(HOW_TO):
        painter.drawText(
            QRectF(inner.left(), how + index * 3.6 * mm, inner.width(), 3.6 * mm),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            line,
        )
    painter.setFont(_font(6.5, mono=True))
    painter.drawText(
        QRectF(inner.left(), inner.bottom() - 3.6 * mm, inner.width(), 3.6 * mm),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        f"ref. {ticket.ref}",
    )


def write_sheet(path: Path, tickets: Sequence[IssuedTicket], title: str = "EPN tickets") -> int:
    """Write the cards of ``tickets`` to a PDF at ``path`` (A4, 10 per page); the page count.

    Raises ``OSError`` when ``path`` cannot be written (Qt would only log a warning)."""
    with path.open("wb"):
        pass
    writer = a4_writer(str(path), title, 10, RESOLUTION)
    mm = RESOLUTION / 25.4
    painter = QPainter(writer)
    try:
        width = writer.width()
        height = writer.height()
        card_w = width / COLUMNS
        card_h = height / ROWS
        pages = page_count(len(tickets))
        for page in range(pages):
            if page:
                writer.newPage()
            for slot, ticket in enumerate(tickets[page * PER_PAGE : (page + 1) * PER_PAGE]):
                column, row = slot % COLUMNS, slot // COLUMNS
                box = QRectF(column * card_w, row * card_h, card_w, card_h)
                _card(painter, box, ticket, mm)
    finally:
        painter.end()
    return pages
