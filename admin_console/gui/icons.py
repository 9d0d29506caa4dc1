"""The console's icons: small SVGs kept in this module (one drawing per name)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from policies import PICTOGRAMS, pictogram_svg

_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
_STROKE = 'stroke="{c}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'

SVGS: dict[str, str] = {
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "help": '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3'
    'c-.6.3-1 .9-1 1.6V14"/><circle cx="12" cy="17.5" r=".6" fill="{c}"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "unlock": '<rect x="5" y="11" width="14" height="10" rx="2"/>'
    '<path d="M8 11V7a4 4 0 0 1 7.5-2"/>',
    "offline": '<path d="M2 8.5a15 15 0 0 1 20 0M5 12a10 10 0 0 1 14 0M8.5 15.5a5 5 0 0 1 7 0"/>'
    '<path d="M3 3l18 18"/>',
    "wipe": '<path d="M4 20h16M7 16l9-9 3 3-9 9H7z"/>',
    "extend": '<circle cx="12" cy="12" r="9"/><path d="M12 8v8M8 12h8"/>',
    "end": '<circle cx="12" cy="12" r="9"/><rect x="9" y="9" width="6" height="6" fill="{c}"/>',
    "message": '<path d="M4 5h16v11H9l-5 4z"/>',
    "logout": '<path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10"/>',
    "broken": '<rect x="3" y="4" width="18" height="12" rx="1"/><path d="M9 20h6M12 16v4"/>'
    '<path d="M9 7l6 6M15 7l-6 6"/>',
    "ticket": '<path d="M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z"/><path d="M14 7v10"/>',
    "members": '<circle cx="9" cy="8" r="3"/><path d="M3 20a6 6 0 0 1 12 0"/>'
    '<path d="M16 5a3 3 0 0 1 0 6M18 20a6 6 0 0 0-3-5"/>',
    "chart": '<path d="M4 20V4M4 20h16"/><rect x="7" y="12" width="3" height="6"/>'
    '<rect x="12" y="8" width="3" height="10"/><rect x="17" y="14" width="2" height="4"/>',
    "policy": '<path d="M6 3h9l4 4v14H6z"/><path d="M9 11h7M9 15h7M9 7h4"/>',
    "workshop": '<rect x="3" y="4" width="8" height="6" rx="1"/><rect x="13" y="4" width="8" '
    'height="6" rx="1"/><rect x="8" y="14" width="8" height="6" rx="1"/>',
    "print": '<path d="M7 9V3h10v6M7 17H4v-7h16v7h-3"/><rect x="7" y="14" width="10" height="7"/>',
    "go": '<path d="M5 12h14M13 6l6 6-6 6"/>',
    "done": '<path d="M4 12l5 5L20 6"/>',
    "power": '<path d="M12 3v9"/><path d="M7 6.5a7.5 7.5 0 1 0 10 0"/>',
    "restart": '<path d="M20 12a8 8 0 1 1-2.3-5.7"/><path d="M20 4v5h-5"/>',
    "wake": '<circle cx="12" cy="12" r="4"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2'
    'M17 17l2 2M5 19l2-2M17 7l2-2"/>',
    "more": '<circle cx="12" cy="5" r="1.5" fill="{c}"/><circle cx="12" cy="12" r="1.5" '
    'fill="{c}"/><circle cx="12" cy="19" r="1.5" fill="{c}"/>',
    "team": '<circle cx="7" cy="8" r="2.5"/><circle cx="17" cy="8" r="2.5"/>'
    '<circle cx="12" cy="6" r="2.5"/><path d="M2 19a5 5 0 0 1 10 0M12 19a5 5 0 0 1 10 0"/>',
    "key": '<circle cx="7" cy="12" r="4"/><path d="M11 12h10M18 12v3M21 12v2"/>',
}


@cache
def pixmap(name: str, size: int = 24, colour: str = "#1f3a5f") -> QPixmap:
    """The icon ``name`` drawn in ``colour`` at ``size`` pixels."""
    body = SVGS[name].replace("{c}", colour)
    svg = _HEAD + _STROKE.replace("{c}", colour) + body + "</svg>"
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


@cache
def pictogram(name: str, size: int = 40) -> QPixmap:
    """A house rule's pictogram as the PCs show it (``policies/pictograms``); empty if the
    name is not shipped."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    if name in PICTOGRAMS:
        renderer = QSvgRenderer(QByteArray(pictogram_svg(name)))
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
    return QPixmap.fromImage(image)


def icon(name: str, colour: str = "#1f3a5f") -> QIcon:
    """The icon ``name`` for a button."""
    return QIcon(pixmap(name, 32, colour))
