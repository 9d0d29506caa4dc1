"""Building blocks of the screens: big buttons with a pictogram, icons, the keypad."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.shell import i18n
from kiosk.shell.icons import icon_pixmap, tone_colour
from kiosk.shell.theme import Theme
from policies import Language

LEADING = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Ctx:
    """What every screen needs to draw itself: the language and the look."""

    language: Language
    theme: Theme

    @property
    def rtl(self) -> bool:
        """True when the UI is laid out right to left."""
        return self.language.right_to_left

    def tr(self, key: str, **values: object) -> str:
        """A UI text in the shown language."""
        return i18n.tr(key, self.language, **values)


def text_label(role: str = "", align: Qt.AlignmentFlag = LEADING, wrap: bool = True) -> QLabel:
    """A label with a style role (title, subtitle, big, huge, error)."""
    label = QLabel()
    if role:
        label.setProperty("role", role)
    label.setAlignment(align)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class IconLabel(QLabel):
    """A pictogram on its own (titles, status screens)."""

    def __init__(self, icon: str, size: int = 96, dark_surface: bool = False) -> None:
        super().__init__()
        self._icon = icon
        self._size = size
        self._dark = dark_surface
        self.setAlignment(CENTER)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def update_look(self, ctx: Ctx, icon: str | None = None, size: int | None = None) -> None:
        """Draw the icon for the current theme and direction (``size``: another base size
        than the one it was made with)."""
        if icon is not None:
            self._icon = icon
        size = ctx.theme.box(size or self._size)
        self.setPixmap(icon_pixmap(self._icon, size, ctx.theme.tone(self._dark), ctx.rtl))
        self.setFixedSize(size, size)


class SheetPicture(QLabel):
    """A big sheet of paper with a short text written on it: the pages of a print job.

    The count is the first thing a visitor who cannot read sees; its digits are the
    shell's Western digits in every language. The sheet is big already and keeps its size
    with large text, leaving the room to the words.
    """

    def __init__(self, size: int = 160) -> None:
        super().__init__()
        self._size = size
        self._count = ""
        self.setAlignment(CENTER)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    @property
    def count(self) -> str:
        """The text written on the sheet."""
        return self._count

    def update_look(self, ctx: Ctx, count: str, size: int | None = None) -> None:
        """Draw the sheet for the theme with ``count`` in its middle (``size`` px high, or
        the size it was made with)."""
        self._count = count
        size = size or self._size
        tone = ctx.theme.tone()
        pixmap = icon_pixmap("sheet", size, tone).copy()
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        # The empty middle of sheet.svg (64 units): x 14-51, y 23-51.
        box_left, box_top = size * 14 // 64, size * 23 // 64
        box_width, box_height = size * 37 // 64, size * 28 // 64
        font = QFont("DejaVu Sans")
        font.setBold(True)
        pixel_size = box_height
        font.setPixelSize(pixel_size)
        # Shrink long counts (1000 pages and more) until they fit on the sheet.
        while pixel_size > 8 and QFontMetrics(font).horizontalAdvance(count) > box_width:
            pixel_size -= 2
            font.setPixelSize(pixel_size)
        painter.setFont(font)
        painter.setPen(QColor(tone_colour("#1f3a5f", tone)))
        painter.drawText(box_left, box_top, box_width, box_height, CENTER, count)
        painter.end()
        self.setPixmap(pixmap)
        self.setFixedSize(size, size)
        self.setAccessibleName(count)


class ActionButton(QPushButton):
    """A big button: a pictogram then a short text that may wrap.

    ``role`` picks the style: normal, primary, go (green), danger, language. The pictogram
    stays next to the words so that visitors who cannot read still find the action.
    """

    def __init__(
        self,
        icon: str | None,
        *,
        role: str = "normal",
        icon_size: int = 48,
        centered: bool = False,
        dark_surface: bool = False,
        trailing: str | None = None,
        wrap: bool = True,
    ) -> None:
        super().__init__()
        self.setProperty("role", role)
        self._icon_name = icon
        self._icon_size = icon_size
        self._tight = False
        self._floor = 0
        self._dark = dark_surface or role in ("primary", "danger", "go")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._trailing_name = trailing
        self._icon = QLabel()
        self._text = QLabel()
        self._trailing = QLabel()
        self._text.setWordWrap(wrap)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setAlignment(CENTER if centered and icon is None else LEADING)
        for child in (self._icon, self._text, self._trailing):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = self._layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.setSpacing(14)
        if centered:
            layout.addStretch(1)
        layout.addWidget(self._icon)
        if icon is None:
            self._icon.hide()
        layout.addWidget(self._text, 0 if centered else 1)
        if centered:
            layout.addStretch(1)
        if trailing is not None:
            layout.addWidget(self._trailing)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    @property
    def label(self) -> str:
        """The text shown on the button."""
        return self._text.text()

    def set_wrap(self, wrap: bool) -> None:
        """Let the words wrap onto a second line (or keep them on one)."""
        if self._text.wordWrap() != wrap:
            self._text.setWordWrap(wrap)
            self._keep_words_whole()

    def set_family(self, family: str, size: int | None = None) -> None:
        """Draw the words in ``family`` (a language's own font, whatever the screen's), at
        ``size`` pixels if given (else the style's)."""
        sized = f" font-size: {size}px;" if size is not None else ""
        self._text.setStyleSheet(f'font-family: "{family}";{sized}')

    def one_line_width(self) -> int:
        """How wide the words are on one line."""
        self._text.ensurePolished()
        return self._text.fontMetrics().horizontalAdvance(self._text.text())

    def set_tight(self, tight: bool) -> None:
        """Smaller gaps and pictogram, for a crowded bar; the words keep their size."""
        self._tight = tight
        gap = 8 if tight else 14
        self._layout.setContentsMargins(gap, 6, gap, 6)
        self._layout.setSpacing(gap)
        self._keep_words_whole()

    def setMinimumWidth(self, width: int) -> None:
        """At least ``width``, and never narrower than the words and pictogram need."""
        self._floor = width
        self._keep_words_whole()

    def _keep_words_whole(self) -> None:
        # An explicit minimum (a page's) hides the button's own minimum from its layout,
        # which then cuts the words. (The style sheet sets none on these buttons.)
        # Measured for the words and gaps as they are now, not as the layout last saw them.
        self._text.ensurePolished()
        self._layout.invalidate()
        super().setMinimumWidth(max(self._floor, self.minimumSizeHint().width()))

    def set_text_size(self, pixels: int | None) -> None:
        """Words of ``pixels`` high instead of the style's size (None: the style's)."""
        style = f"font-size: {pixels}px;" if pixels is not None else ""
        if self._text.styleSheet() != style:
            self._text.setStyleSheet(style)
            self._keep_words_whole()

    def set_picture(self, pixmap: QPixmap) -> None:
        """Show any picture (a house-rule pictogram) in place of the icon."""
        self._icon.setPixmap(pixmap)
        self._icon.setFixedSize(pixmap.size())
        self._icon.show()

    def update_look(self, ctx: Ctx, text: str, icon: str | None = None) -> None:
        """Set the text and draw the pictogram for the current theme and direction."""
        self._text.setText(text)
        self._text.setVisible(bool(text))
        if text:
            self.setAccessibleName(text)
            self.setToolTip(text)
        if icon is not None:
            self._icon_name = icon
        if self._icon_name is not None:
            size = ctx.theme.box(self._icon_size * (0.75 if self._tight else 1))
            tone = ctx.theme.tone(self._dark)
            self._icon.setPixmap(icon_pixmap(self._icon_name, size, tone, ctx.rtl))
            self._icon.setFixedSize(size, size)
        if self._trailing_name is not None:
            size = ctx.theme.box(36)
            tone = ctx.theme.tone(self._dark)
            self._trailing.setPixmap(icon_pixmap(self._trailing_name, size, tone, ctx.rtl))
            self._trailing.setFixedSize(size, size)
        self._keep_words_whole()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        """As big as the pictogram and the text need (no bigger than a fixed size)."""
        return self._layout.sizeHint().expandedTo(super().sizeHint()).boundedTo(self.maximumSize())

    def minimumSizeHint(self) -> QSize:
        """Never smaller than a 64 px touch target, nor than its longest word."""
        size = self._layout.minimumSize()
        text = self._text
        if text.wordWrap() and text.text() and not text.isHidden():
            # A wrapped label asks for almost no width: a word longer than that is cut.
            widest = max(text.fontMetrics().horizontalAdvance(w) for w in text.text().split())
            grow = widest + 2 * text.margin() + 2 - text.minimumSizeHint().width()
            size.setWidth(size.width() + max(0, grow))
        return size.expandedTo(QSize(64, 64))

    def hasHeightForWidth(self) -> bool:
        """The text wraps, so the height follows the width."""
        return True

    def heightForWidth(self, width: int) -> int:
        """Height needed for the wrapped text at ``width``."""
        return max(self._layout.totalHeightForWidth(width), self.minimumHeight(), 64)


class ReadButton(ActionButton):
    """Read aloud: the loudspeaker and "read aloud", the red square and "stop reading" while
    it reads; without sound, a crossed-out loudspeaker and "no sound" that does nothing.

    ``words=False`` keeps only the pictogram (a crowded row); the words stay for screen
    readers and as a tooltip.
    """

    def __init__(self, icon_size: int = 40, dark_surface: bool = False) -> None:
        super().__init__("read_aloud", icon_size=icon_size, dark_surface=dark_surface)
        self.reading = False
        self.sound = True
        self._drawn: tuple[object, ...] | None = None
        # Never the focus: a screen's first button is its answer, not the loudspeaker.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_state(
        self,
        ctx: Ctx,
        *,
        available: bool,
        speaking: bool,
        words: bool = True,
        language: Language | None = None,
    ) -> None:
        """Draw the button for the speaker's state now; not shown at all when ``language``
        (the visitor's unless given) has no voice to read it (its speakers would press it
        and hear another language, or nothing)."""
        if (language or ctx.language).about.voice is None:
            self.hide()
            return
        self.show()
        # Drawn again only when something it shows changed: every view change asks.
        drawn = (ctx, available, speaking, words, self._tight)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        self.sound = available
        self.reading = available and speaking
        if not available:
            key, icon, shown = "no_sound", "no_sound", ctx.tr("no_sound_short")
        elif speaking:
            key, icon, shown = "stop_reading", "stop", ctx.tr("stop_reading")
        else:
            key, icon, shown = "read_aloud", "read_aloud", ctx.tr("read_aloud")
        said = ctx.tr(key)
        self.update_look(ctx, shown if words else "", icon)
        self.setAccessibleName(said)
        self.setToolTip(said)
        # Without sound there is nothing to press: the pictogram only says why.
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if available else Qt.CursorShape.ArrowCursor
        )
        self.setProperty("sound", "yes" if available else "no")


class AppTile(QPushButton):
    """A launcher tile: the program's icon, big, with its name and what it is for.

    The words go under the icon; with large text, beside it (:meth:`set_beside`), so that
    two columns of wide tiles hold names that three columns of tall ones would cut.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._picture = QLabel()
        self._name = QLabel()
        self._kind = QLabel()
        self._kind.setProperty("role", "kind")
        for child in (self._picture, self._name, self._kind):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            child.setAlignment(CENTER)
        for label in (self._name, self._kind):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        words = QVBoxLayout()
        words.setSpacing(4)
        words.addWidget(self._name)
        words.addWidget(self._kind)
        layout = self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self._picture, 0, CENTER)
        layout.addLayout(words)
        layout.addStretch(1)
        self._beside = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_beside(self, beside: bool) -> None:
        """The words beside the icon (True) or under it."""
        if beside == self._beside:
            return
        self._beside = beside
        layout = self._layout
        layout.setDirection(
            QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        )
        layout.setContentsMargins(20 if beside else 12, 12, 20 if beside else 12, 12)
        layout.setSpacing(20 if beside else 10)
        # Beside: the icon at the start and the words filling the rest, read from the start.
        layout.setStretch(0, 0 if beside else 1)
        layout.setStretch(2, 1 if beside else 0)
        layout.setStretch(3, 0 if beside else 1)
        for label in (self._name, self._kind):
            label.setAlignment(LEADING if beside else CENTER)

    @property
    def label(self) -> str:
        """The program's name, as shown."""
        return self._name.text()

    @property
    def kind(self) -> str:
        """What the program is for, as shown (empty when not known)."""
        return self._kind.text()

    def update_look(self, name: str, kind: str, picture: QPixmap) -> None:
        """Show the program's name, what it is for and its icon."""
        self._name.setText(name)
        self._kind.setText(kind)
        self._kind.setVisible(bool(kind))
        self._picture.setPixmap(picture)
        self._picture.setFixedSize(picture.size())
        said = f"{name}, {kind}" if kind else name
        self.setAccessibleName(said)
        self.setToolTip(said)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        """As big as the icon and the words need."""
        return self._layout.sizeHint().expandedTo(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        """Never smaller than the icon and the words, nor narrower than its longest word."""
        size = self._layout.minimumSize()
        margins = self._layout.contentsMargins()
        for label in (self._name, self._kind):
            if label.text() and not label.isHidden():
                metrics = label.fontMetrics()
                widest = max(metrics.horizontalAdvance(w) for w in label.text().split())
                needed = widest + 2 + margins.left() + margins.right()
                if self._beside:
                    needed += self._picture.width() + self._layout.spacing()
                size.setWidth(max(size.width(), needed))
        return size.expandedTo(QSize(64, 64))

    def hasHeightForWidth(self) -> bool:
        """The words wrap, so the height follows the width."""
        return True

    def heightForWidth(self, width: int) -> int:
        """Height needed for the icon and the wrapped words at ``width``."""
        return max(self._layout.totalHeightForWidth(width), self.minimumHeight(), 64)


class StaffButton(QPushButton):
    """The discreet key that opens the animator panel."""

    def __init__(self, dark_surface: bool = False) -> None:
        super().__init__()
        self.setProperty("role", "staff")
        self._dark = dark_surface
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Discreet: never the focus a screen opens with (its ring would call a visitor to
        # the staff's key on a screen with nothing to answer); a click still works.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def update_look(self, ctx: Ctx) -> None:
        """Draw the key for the current theme; its name is read by screen readers."""
        size = ctx.theme.box(36)
        self.setIcon(icon_pixmap("key", size, ctx.theme.tone(self._dark)))
        self.setIconSize(QSize(size, size))
        self.setAccessibleName(ctx.tr("staff"))
        self.setToolTip(ctx.tr("staff"))


class Keypad(QWidget):
    """A large on-screen keypad: digits, erase, OK. Always laid out like a phone's."""

    typed = Signal(str)
    erased = Signal()
    entered = Signal()

    def __init__(self) -> None:
        super().__init__()
        # Digits keep their phone order in Arabic too, as on every keypad visitors know.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        self.digits: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            self.digits[digit] = self._digit(digit)
            grid.addWidget(self.digits[digit], index // 3, index % 3)
        self.erase = ActionButton("backspace", icon_size=40, centered=True)
        self.erase.clicked.connect(self.erased)
        self.digits["0"] = self._digit("0")
        self.ok = ActionButton("accept", role="primary", icon_size=40, centered=True)
        self.ok.clicked.connect(self.entered)
        grid.addWidget(self.erase, 3, 0)
        grid.addWidget(self.digits["0"], 3, 1)
        grid.addWidget(self.ok, 3, 2)

    def _digit(self, digit: str) -> QPushButton:
        button = QPushButton(digit)
        button.setProperty("role", "key")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
        button.clicked.connect(lambda: self.typed.emit(digit))
        return button

    def update_look(self, ctx: Ctx) -> None:
        """Size the keys for the theme and name erase and OK in the visitor's language."""
        # The same keys with large text: four rows of them, the page's title and its
        # buttons fit a 768 px high screen, and the digits are big already.
        side = 84
        width = side + 20
        for button in self.digits.values():
            button.setFixedSize(width, side)
        for button, key in ((self.erase, "erase"), (self.ok, "ok")):
            button.update_look(ctx, "")
            button.setAccessibleName(ctx.tr(key))
            button.setToolTip(ctx.tr(key))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setFixedSize(width, side)


class ScrollList(QWidget):
    """A list that may be longer than the screen: it scrolls, and says so.

    The scroll bar shows as soon as part of the list is hidden, and under the list an arrow
    with "there is more below" stays until the visitor has scrolled to its end.
    """

    def __init__(self, inner: QWidget) -> None:
        super().__init__()
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.area.setWidget(inner)
        self.area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.more = QWidget(self)
        self.more_icon = IconLabel("more_below", 36)
        self.more_text = text_label("subtitle", wrap=False)
        for part in (self.more_icon, self.more_text):
            policy = part.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            part.setSizePolicy(policy)
        more = self._more_row = QHBoxLayout(self.more)
        more.setContentsMargins(0, 4, 0, 0)
        more.setSpacing(12)
        more.addStretch(1)
        more.addWidget(self.more_icon)
        more.addWidget(self.more_text)
        more.addStretch(1)
        self.more.hide()
        self._cue = 40
        self._icon_box = 36
        # The cue is placed by hand under the list (see _place): in a layout, the list's
        # wish for all of its height squeezed it away.
        bar = self.area.verticalScrollBar()
        bar.valueChanged.connect(self._update_cue)
        bar.rangeChanged.connect(self._update_cue)

    @property
    def more_below(self) -> bool:
        """True while part of the list is hidden under its bottom edge."""
        bar = self.area.verticalScrollBar()
        return bar.value() < bar.maximum()

    def to_top(self) -> None:
        """Back to the start of the list."""
        self.area.verticalScrollBar().setValue(0)

    def update_look(self, ctx: Ctx) -> None:
        """Draw the cue in the visitor's language and theme."""
        self.more_icon.update_look(ctx)
        self.more_text.setText(ctx.tr("more_below"))
        self._icon_box = ctx.theme.box(36)
        self._place()
        self._update_cue()

    @property
    def cue_height(self) -> int:
        """How high the "more below" cue is, when the list scrolls."""
        return self._cue

    def sizeHint(self) -> QSize:
        """The list's own wish."""
        return self.area.sizeHint()

    def minimumSizeHint(self) -> QSize:
        """Room for a bit of the list and the cue."""
        hint = self.area.minimumSizeHint()
        width = self._more_row.sizeHint().width()
        return QSize(max(hint.width(), width), hint.height() + self._cue)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The list above, the cue along the bottom edge."""
        super().resizeEvent(event)
        self._place()

    def _fit_cue(self, width: int) -> None:
        """The cue's words on one line, or on two when the list is too narrow for them."""
        text = self.more_text
        text.ensurePolished()
        room = width - self.more_icon.width() - self._more_row.spacing()
        needed = text.fontMetrics().horizontalAdvance(text.text()) + 2 * text.margin() + 2
        wraps = needed > room > 0
        text.setWordWrap(wraps)
        text.setMinimumWidth(room if wraps else 0)
        high = text.heightForWidth(room) if wraps else text.sizeHint().height()
        self._cue = max(high, self._icon_box) + 4

    def _place(self) -> None:
        width, height = self.width(), self.height()
        self._fit_cue(width)
        for _ in range(3):
            cue = self._cue if not self.more.isHidden() else 0
            self.more.setGeometry(0, height - cue, width, cue)
            # Resizing the list may show or hide the cue (and place it) from in here.
            self.area.setGeometry(0, 0, width, height - cue)
            if cue == (self._cue if not self.more.isHidden() else 0):
                break

    def _follow_width(self) -> None:
        """The list's rows as wide as the list: when the scroll bar comes or goes while the
        list is hidden (a rule's text opened the first time), its layout kept the old width
        and the words ran under the bar."""
        inner = self.area.widget()
        layout = inner.layout() if inner is not None else None
        if inner is not None and layout is not None and layout.geometry().width() != inner.width():
            layout.invalidate()

    def _update_cue(self) -> None:
        self._follow_width()
        bar = self.area.verticalScrollBar()
        # The cue's row stays while the list can scroll; at the end only its arrow and
        # words go, so that the list's room, and so its end, does not move.
        can_scroll = bar.maximum() > 0
        if can_scroll == self.more.isHidden():
            self.more.setVisible(can_scroll)
            self._place()
        for part in (self.more_icon, self.more_text):
            part.setVisible(bar.value() < bar.maximum())
