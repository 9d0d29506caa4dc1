"""A plain labelled bar chart drawn with QPainter (no QtCharts needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from admin_console.gui.usage import Bars

BAR_COLOUR = QColor("#1f6fb2")
AXIS_COLOUR = QColor("#616161")


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


class BarChart(QWidget):
    """A title, one bar per label with its value above it; labels thinned when crowded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars = Bars("", [], [])
        self.empty_text = ""
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        """Wide and short."""
        return QSize(480, 200)

    def show_bars(self, bars: Bars, empty_text: str = "") -> None:
        """Draw ``bars`` (``empty_text`` when there is nothing to draw)."""
        self.bars = bars
        self.empty_text = empty_text
        self.setAccessibleName(bars.title)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Title, bars, values and labels."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#1f3a5f"))
        title_height = QFontMetrics(title_font).height() + 4
        painter.drawText(
            QRectF(8, 2, self.width() - 16, title_height),
            Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter,
            self.bars.title,
        )
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.8))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        values = list(self.bars.values)
        labels = list(self.bars.labels)
        area = QRectF(
            12,
            title_height + metrics.height() + 4,
            self.width() - 24,
            self.height() - title_height - 2 * metrics.height() - 14,
        )
        if not values or max(values) <= 0:
            painter.setPen(AXIS_COLOUR)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        top = max(values)
        slot = area.width() / len(values)
        widest = max(metrics.horizontalAdvance(label) for label in labels) + 6
        every = max(1, int(-(-widest // max(slot, 1))))
        painter.setPen(QPen(AXIS_COLOUR, 1))
        painter.drawLine(
            int(area.left()), int(area.bottom()), int(area.right()), int(area.bottom())
        )
        for index, value in enumerate(values):
            height = area.height() * value / top
            x = area.left() + index * slot + slot * 0.15
            bar = QRectF(x, area.bottom() - height, slot * 0.7, height)
            painter.fillRect(bar, BAR_COLOUR)
            if slot >= metrics.horizontalAdvance(_number(value)) + 2:
                painter.setPen(QColor("#000000"))
                painter.drawText(
                    QRectF(
                        area.left() + index * slot,
                        bar.top() - metrics.height(),
                        slot,
                        metrics.height(),
                    ),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    _number(value),
                )
            if index % every == 0:
                painter.setPen(AXIS_COLOUR)
                centre = area.left() + index * slot + slot / 2
                # Kept inside the widget: the first and last labels are not cut in half.
                left = min(max(0.0, centre - widest / 2), self.width() - widest)
                painter.drawText(
                    QRectF(left, area.bottom() + 2, widest, metrics.height()),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    labels[index],
                )
        painter.end()
