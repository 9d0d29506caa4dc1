"""The printed sheet of a batch of tickets: A4 pages of cut-out cards, drawn with QPdfWriter.

Each card: the code big and grouped, the minutes, the last day of use, the free pages, the
ticket's reference, a pictogram and how to use it. Staff choose the sheet's language when
they print it: French, Dutch and English on one card (Brussels' usual sheet), or one of
the visitor languages of the PCs alone, so a visitor can read at home what they take away
(Arabic cards are laid out right to left). The cards' texts are the ``sheet`` catalogue
(``locale/<language>/LC_MESSAGES/sheet.po``).
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
from admin_console.gui import formats
from admin_console.gui.pdf import a4_writer
from admin_console.gui.tickets import group_code
from epn_shared.catalogues import Catalogue, _t, _tn, sources
from policies import Language

COLUMNS = 2
ROWS = 5
PER_PAGE = COLUMNS * ROWS
RESOLUTION = 300

TEXTS = sources(
    # Translators: the word at the top of each card,
    # as the PCs' screens name a ticket.
    _t("ticket", "Ticket"),
    # Translators: how long the ticket lasts, in big letters: "45 minutes".
    _tn("minutes", "{n} minute", "{n} minutes"),
    _t("valid_until", "Valid until"),
    _t("free_pages", "Free pages"),
    # Translators: quote the PCs' own button ("I have a ticket" on the visitor
    # screens) and their word for "code", so that the visitor finds them.
    _t("how_to", "At a PC, tap “I have a ticket” and type this code."),
    # Translators: the ticket's reference (staff find a ticket by it).
    _t("ref", "ref. {ref}"),
)

CATALOGUE = Catalogue(Path(__file__).parent / "locale", "sheet", TEXTS)
"""The cards' texts in every visitor language (English is the source)."""

BRUSSELS = (Language.FR, Language.NL, Language.EN)


def choices() -> list[tuple[Language, ...]]:
    """What staff may print: the three languages on one card, or one visitor language alone
    (each that has the sheet's catalogue: a language the PCs speak before the sheet does is
    not offered in English instead)."""
    shipped = CATALOGUE.languages()
    alone = [(language,) for language in Language if language is Language.EN or language in shipped]
    return [BRUSSELS, *alone]


def choice_name(languages: Sequence[Language]) -> str:
    """How the choice reads in the list: each language by its own name."""
    return " · ".join(language.native_name for language in languages)


def text(key: str, language: Language, n: int | None = None, **values: object) -> str:
    """The card's text ``key`` in ``language``, filled with ``values`` (and ``n``)."""
    if n is not None:
        values["n"] = n
    return CATALOGUE.text(key, language, n).format(**values)


def page_count(tickets: int) -> int:
    """Pages needed for ``tickets`` cards."""
    return max(1, -(-tickets // PER_PAGE))


def _font(points: float, bold: bool = False, mono: bool = False, family: str = "") -> QFont:
    font = QFont("DejaVu Sans Mono" if mono else family or "DejaVu Sans")
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _fitting_font(
    painter: QPainter,
    words: str,
    width: float,
    points: float,
    least: float,
    *,
    mono: bool = False,
    family: str = "",
) -> QFont:
    """The biggest bold font from ``points`` down to ``least`` in which ``words`` fit ``width`` on
    one line: a 16-digit code must stay whole beside the pictogram, "120 minutes" in its
    box."""
    while points > least:
        font = _font(points, bold=True, mono=mono, family=family)
        if QFontMetricsF(font, painter.device()).horizontalAdvance(words) <= width:
            return font
        points -= 0.5
    return _font(least, bold=True, mono=mono, family=family)


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


class _Card:
    """Draws in one card's box, mirrored for a language written right to left: the
    pictogram goes to the left and each line starts at the right edge."""

    def __init__(self, painter: QPainter, inner: QRectF, right_to_left: bool) -> None:
        self.painter = painter
        self.inner = inner
        self.rtl = right_to_left

    def box(self, left: float, top: float, width: float, height: float) -> QRectF:
        """A box ``left`` from the card's start edge (the right one in Arabic)."""
        if self.rtl:
            left = self.inner.width() - left - width
        return QRectF(self.inner.left() + left, top, width, height)

    def write(
        self,
        box: QRectF,
        words: str,
        *,
        vertical: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter,
        wrap: bool = False,
        end: bool = False,
        left_to_right: bool = False,
    ) -> None:
        """``words`` at the start edge of ``box`` (its end edge if ``end``); a code or a
        reference is always read left to right, even on an Arabic card."""
        at_right = self.rtl != end
        side = Qt.AlignmentFlag.AlignRight if at_right else Qt.AlignmentFlag.AlignLeft
        # Absolute: Qt would otherwise swap left and right again on a right-to-left line.
        flags = side | Qt.AlignmentFlag.AlignAbsolute | vertical
        if wrap:
            flags |= Qt.TextFlag.TextWordWrap
        ltr = left_to_right or not self.rtl
        self.painter.setLayoutDirection(
            Qt.LayoutDirection.LeftToRight if ltr else Qt.LayoutDirection.RightToLeft
        )
        self.painter.drawText(box, flags, words)


def _card(
    painter: QPainter,
    box: QRectF,
    ticket: IssuedTicket,
    mm: float,
    languages: Sequence[Language],
) -> None:
    first = languages[0]
    alone = len(languages) == 1
    family = first.about.font
    pad = 4 * mm
    inner = box.adjusted(pad, pad, -pad, -pad)
    card = _Card(painter, inner, alone and first.right_to_left)
    # The cut line.
    cut = QPen(QColor("#9e9e9e"), 0.3 * mm, Qt.PenStyle.DashLine)
    painter.setPen(cut)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(box)
    ink = QColor("#000000")
    muted = QColor("#424242")
    icon = 16 * mm
    text_width = inner.width() - icon - 2 * mm
    _pictogram(painter, card.box(inner.width() - icon, inner.top(), icon, icon))
    painter.setPen(ink)
    painter.setFont(_font(9 if alone else 8, bold=True, family=family))
    heading = " · ".join(text("ticket", language) for language in languages)
    card.write(card.box(0, inner.top(), text_width, 5 * mm), heading)
    code_box = card.box(0, inner.top() + 5 * mm, text_width, 11 * mm)
    code = group_code(ticket.code)
    painter.setFont(_fitting_font(painter, code, code_box.width(), 20, 10, mono=True))
    card.write(code_box, code, left_to_right=True)

    top = inner.top() + 17 * mm
    minutes_width = 34 * mm
    minutes = text("minutes", first, ticket.minutes)
    painter.setFont(_fitting_font(painter, minutes, minutes_width - 2 * mm, 14, 8, family=family))
    card.write(card.box(0, top, minutes_width, 10 * mm), minutes)
    values = (formats.day_in_digits(ticket.valid_until, first), str(ticket.free_pages))
    column = (inner.width() - minutes_width) / 2
    for index, (key, value) in enumerate(zip(("valid_until", "free_pages"), values, strict=True)):
        left = minutes_width + index * column
        painter.setPen(muted)
        painter.setFont(_font(7 if alone else 5.5, family=family))
        label = " / ".join(text(key, language) for language in languages)
        card.write(
            card.box(left, top, column - 2 * mm, 5.5 * mm),
            label,
            vertical=Qt.AlignmentFlag.AlignBottom,
            wrap=True,
        )
        painter.setPen(ink)
        painter.setFont(_font(10, bold=True, family=family))
        card.write(card.box(left, top + 5.5 * mm, column - 2 * mm, 4.5 * mm), value)

    painter.setPen(muted)
    how = top + 11 * mm
    if alone:
        painter.setFont(_font(8.5, family=family))
        card.write(card.box(0, how, inner.width(), 8 * mm), text("how_to", first), wrap=True)
    else:
        painter.setFont(_font(6.5, family=family))
        for index, language in enumerate(languages):
            line = card.box(0, how + index * 3.6 * mm, inner.width(), 3.6 * mm)
            card.write(line, text("how_to", language))
    painter.setFont(_font(6.5, mono=True))
    card.write(
        card.box(0, inner.bottom() - 3.6 * mm, inner.width(), 3.6 * mm),
        text("ref", first, ref=ticket.ref),
        end=True,
    )


def write_sheet(
    path: Path,
    tickets: Sequence[IssuedTicket],
    languages: Sequence[Language] = BRUSSELS,
    title: str = "EPN tickets",
) -> int:
    """Write the cards of ``tickets`` in ``languages`` (one of :func:`choices`) to a PDF at
    ``path`` (A4, 10 per page); the page count.

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
                _card(painter, box, ticket, mm, languages)
    finally:
        painter.end()
    return pages
