"""The test page staff print on the printer they are choosing: one A4 page, drawn with
QPdfWriter, in staff's language: "Test page — EPN Kiosk", the EPN's name, the printer's
name, the date and time, and what to do if it came out right."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from admin_console.gui import formats, i18n
from admin_console.gui.pdf import a4_writer
from policies import Language

RESOLUTION = 150


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def printed_test_page(epn_name: str, printer: str, when: dt.datetime, language: Language) -> bytes:
    """The test page as PDF bytes (one page)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = a4_writer(buffer, i18n.text("printer.page.title", language), 20, RESOLUTION)
    mm = RESOLUTION / 25.4
    painter = QPainter(writer)
    try:
        width = float(writer.width())
        painter.setPen(QPen(QColor("#1565c0"), 1.2 * mm))
        painter.drawRoundedRect(QRectF(0, 0, width, 70 * mm), 6 * mm, 6 * mm)
        painter.setPen(QColor("#0d2a4a"))
        painter.setFont(_font(26, bold=True))
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(
            QRectF(8 * mm, 10 * mm, width - 16 * mm, 26 * mm),
            flags,
            i18n.text("printer.page.title", language),
        )
        painter.setFont(_font(18))
        painter.drawText(
            QRectF(8 * mm, 38 * mm, width - 16 * mm, 26 * mm), flags, epn_name or "EPN"
        )
        lines = (
            (i18n.text("printer.page.printer", language), printer),
            (i18n.text("printer.page.when", language), formats.day_and_time(when, language)),
        )
        y = 90 * mm
        for label, value in lines:
            painter.setFont(_font(12, bold=True))
            painter.drawText(QRectF(0, y, 50 * mm, 10 * mm), Qt.AlignmentFlag.AlignLeft, label)
            painter.setFont(_font(12))
            painter.drawText(
                QRectF(52 * mm, y, width - 52 * mm, 20 * mm),
                Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                value,
            )
            y += 14 * mm
        painter.setFont(_font(12))
        painter.drawText(
            QRectF(0, y + 10 * mm, width, 40 * mm),
            Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
            i18n.text("printer.page.works", language),
        )
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())
