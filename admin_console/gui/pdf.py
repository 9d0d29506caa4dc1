"""The console's printed pages (the ticket sheet, the printer's test page): an A4 PDF
writer set up once."""

from __future__ import annotations

from PySide6.QtCore import QIODevice, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter


def a4_writer(target: str | QIODevice, title: str, margin_mm: float, resolution: int) -> QPdfWriter:
    """A portrait A4 PDF writer to ``target`` (a file name or an open device), with
    ``margin_mm`` on each side, ``resolution`` dots per inch and ``title`` in its properties."""
    writer = QPdfWriter(target)
    writer.setResolution(resolution)
    writer.setTitle(title)
    writer.setCreator("EPN Kiosk console")
    margins = QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            margins,
            QPageLayout.Unit.Millimeter,
        )
    )
    return writer
