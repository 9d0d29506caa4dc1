"""The shell's icons (``kiosk/shell/icons/*.svg``) and the house-rule pictograms, as pixmaps.

Icons are drawn in the pictograms' palette (navy, orange, red). High contrast and dark
surfaces get the same drawing with the palette swapped, so one SVG serves every theme.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache, lru_cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap, QTransform
from PySide6.QtSvg import QSvgRenderer

from policies import pictogram_svg

ICON_NAMES = frozenset(
    {
        "accept",
        "back",
        "backspace",
        "black_white",
        "browser",
        "clock",
        "close",
        "closed",
        "colour",
        "connect",
        "contrast",
        "document",
        "end",
        "extend",
        "folder",
        "help",
        "hourglass",
        "idle",
        "info",
        "key",
        "language",
        "large_text",
        "lock",
        "member_card",
        "no_sound",
        "message",
        "more_below",
        "out_of_order",
        "pdf",
        "picture",
        "price",
        "printer",
        "programs",
        "read_aloud",
        "sheet",
        "shield",
        "slides",
        "stop",
        "table",
        "ticket",
        "touch",
        "unlock",
        "walk_in",
        "warning",
    }
)

MIRRORED_IN_RTL = frozenset({"back", "end"})
"""Icons that point somewhere: in Arabic, 'back' points the other way."""


class Tone(Enum):
    """Which palette an icon is drawn in, after the surface it sits on."""

    NORMAL = "normal"  # on a light surface
    ON_DARK = "on_dark"  # on the navy bar or a navy button
    CONTRAST = "contrast"  # high contrast: on black


_SWAPS: dict[Tone, dict[str, str]] = {
    Tone.NORMAL: {},
    Tone.ON_DARK: {"#1f3a5f": "#ffffff", "#ffffff": "#1f3a5f"},
    Tone.CONTRAST: {
        "#1f3a5f": "#ffff00",
        "#ffffff": "#000000",
        "#2e7d32": "#00e676",
        "#c62828": "#ff6e6e",
    },
}
_COLOUR = re.compile(rb"#[0-9a-fA-F]{6}")


def tone_colour(colour: str, tone: Tone) -> str:
    """One palette colour as ``tone`` draws it (for text painted over an icon)."""
    return _SWAPS[tone].get(colour.lower(), colour)


def recolour(svg: bytes, tone: Tone) -> bytes:
    """The SVG with its palette swapped for ``tone`` (every colour at once)."""
    swaps = _SWAPS[tone]
    if not swaps:
        return svg
    return _COLOUR.sub(
        lambda m: swaps.get(m.group().decode().lower(), m.group().decode()).encode(), svg
    )


@cache
def icon_svg(name: str) -> bytes:
    """The SVG of one of the shell's icons."""
    if name not in ICON_NAMES:
        raise KeyError(f"no icon {name!r}")
    return (resources.files("kiosk.shell") / "icons" / f"{name}.svg").read_bytes()


def render_svg(svg: bytes, size: int, mirrored: bool = False) -> QPixmap:
    """A square pixmap of ``size`` pixels drawn from ``svg``."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(svg))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if mirrored:
        image = image.transformed(QTransform().scale(-1, 1))
    return QPixmap.fromImage(image)


@lru_cache(maxsize=512)
def icon_pixmap(name: str, size: int, tone: Tone = Tone.NORMAL, rtl: bool = False) -> QPixmap:
    """One of the shell's icons, mirrored in right-to-left when it points somewhere."""
    return render_svg(recolour(icon_svg(name), tone), size, rtl and name in MIRRORED_IN_RTL)


def app_pixmap(theme_name: str, fallback: str, size: int, tone: Tone = Tone.NORMAL) -> QPixmap:
    """A program's icon from the desktop's icon theme, else our pictogram ``fallback``."""
    themed = QIcon.fromTheme(theme_name) if theme_name else QIcon()
    if not themed.isNull():
        pixmap = themed.pixmap(size, size)
        if not pixmap.isNull():
            return pixmap
    return icon_pixmap(fallback, size, tone)


@lru_cache(maxsize=128)
def pictogram_pixmap(name: str, size: int, tone: Tone = Tone.NORMAL) -> QPixmap:
    """A house-rule pictogram from ``policies/pictograms``."""
    return render_svg(recolour(pictogram_svg(name), tone), size)
