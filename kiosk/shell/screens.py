"""The screens of the shell, one widget per :class:`~kiosk.shell.viewmodel.Screen`.

Each screen draws the view it is given with :meth:`ScreenPage.render` and calls the
controller when the visitor acts. None of them decides anything.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFontMetrics, QMouseEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpacerItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from epn_shared.ticket_codes import CODE_DIGITS
from kiosk.core.errors import Refusal
from kiosk.core.model import LockReason, State
from kiosk.core.protocol import AppView, ConsoleView, RuleView, StaffMemberView, View
from kiosk.shell import i18n
from kiosk.shell.controller import ShellController
from kiosk.shell.icons import app_pixmap, pictogram_pixmap
from kiosk.shell.viewmodel import (
    IN_SESSION,
    PAIRING_CODE_LETTERS,
    BarTexts,
    Page,
    PrintTexts,
    app_fallback_icon,
    app_kind,
    banner_due,
    bar_texts,
    console_address_shown,
    countdown_digits,
    end_reason_text,
    error_sentence,
    launcher_speech,
    pairing_code_problem,
    pairing_code_typing,
    print_speech,
    print_texts,
    receipt_facts,
    rules_speech,
    ticket_typing,
    ticket_typo,
    two_lines,
)
from kiosk.shell.widgets import (
    CENTER,
    ActionButton,
    AppTile,
    Ctx,
    IconLabel,
    Keypad,
    ReadButton,
    ScrollList,
    SheetPicture,
    StaffButton,
    text_label,
)
from policies import Language, LoginMode

MODE_ICONS = {
    LoginMode.WALK_IN: ("walk_in", "mode_walk_in"),
    LoginMode.TICKET: ("ticket", "mode_ticket"),
    LoginMode.MEMBER: ("member_card", "mode_member"),
}


def _clear(layout: QGridLayout | QVBoxLayout | QHBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            # Off screen now: deleteLater only frees it once the event loop runs again.
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


Box = TypeVar("Box", bound=QBoxLayout)


def _in_the_middle(
    box: Box, *widgets: QWidget, spacing: int | None = None, align: Qt.AlignmentFlag | None = None
) -> Box:
    """``box`` holding ``widgets`` together in its middle, the room left shared out
    before and after them; ``spacing`` between them (None: the style's)."""
    if spacing is not None:
        box.setSpacing(spacing)
    box.addStretch(1)
    for widget in widgets:
        if align is None:
            box.addWidget(widget)
        else:
            box.addWidget(widget, 0, align)
    box.addStretch(1)
    return box


def _bare_row(spacing: int) -> tuple[QWidget, QHBoxLayout]:
    """A widget holding one row, without margins (shown or hidden as one), and its row,
    ``spacing`` between the row's items."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(spacing)
    return holder, row


def _title_row(icon: QWidget, title: QLabel) -> QHBoxLayout:
    """A screen's head: its pictogram, then its title taking the width left."""
    head = QHBoxLayout()
    head.setSpacing(20)
    head.addWidget(icon)
    head.addWidget(title, 1)
    return head


def _centered(widget: QWidget, max_width: int) -> QHBoxLayout:
    """A row holding ``widget`` in the middle, no wider than ``max_width``."""
    widget.setMaximumWidth(max_width)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget, 100)
    row.addStretch(1)
    return row


class ScreenPage(QWidget):
    """Base of every screen."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__()
        self.shell = shell
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

    def entered(self) -> None:
        """The screen comes into view (clear what was typed before)."""

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Draw ``view`` in the visitor's language and theme."""

    def extra_height(self) -> int:
        """Height the window needs beyond its mode's (a bar's workshop strip)."""
        return 0

    def read_button(self, icon_size: int = 40, dark_surface: bool = False) -> ReadButton:
        """A read-aloud button that reads :attr:`speech` (set while drawing)."""
        self.speech = ""
        button = ReadButton(icon_size, dark_surface)
        button.clicked.connect(lambda: self.shell.read_aloud(self.speech))
        return button

    def draw_read(self, button: ReadButton, ctx: Ctx, speech: str, words: bool = True) -> None:
        """Show ``button`` for the speaker's state; it will read ``speech``."""
        self.speech = speech
        speaker = self.shell.speaker
        button.show_state(ctx, available=speaker.available, speaking=speaker.speaking, words=words)


def spoken(*lines: str) -> str:
    """Lines to read aloud, one sentence each (a full stop makes espeak pause)."""
    return "\n".join(
        line if line.endswith((".", "!", "?", "؟", "…")) else line + "." for line in lines if line
    )


ANSWER_ROOM = 430
"""Widest a status screen's answer stays on one line, beside the loudspeaker (normal text)."""

STATUS_WIDTH = 1000
"""Widest a status screen's lines are (at normal text size)."""


class StatusPage(ScreenPage):
    """A screen that tells where things are: a pictogram, a title, a few sentences.

    Optionally big digits, one big button and the discreet staff key.
    """

    def __init__(
        self,
        shell: ShellController,
        icon: str,
        *,
        lines: int = 1,
        digits: bool = False,
        button: tuple[str, str] | None = None,
        staff: bool = False,
        icon_size: int = 128,
    ) -> None:
        super().__init__(shell)
        self.icon = IconLabel(icon, icon_size)
        self.title = text_label("title", CENTER)
        self.lines = [text_label("subtitle", CENTER) for _ in range(lines)]
        self.digits = text_label("huge", CENTER, wrap=False) if digits else None
        self.button = (
            ActionButton(button[0], role=button[1], icon_size=56, centered=True, wrap=False)
            if button
            else None
        )
        self.staff = StaffButton() if staff else None

        column = self.column = QVBoxLayout()
        column.setSpacing(22)
        column.addStretch(2)
        column.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.title)
        if self.digits is not None:
            column.addWidget(self.digits)
        for line in self.lines:
            column.addWidget(line)
        self.read = self.read_button()
        if self.button is not None:
            # Read aloud beside the answer, not in a row of its own: large text needs the
            # height.
            column.addSpacing(20)
            column.addLayout(_in_the_middle(QHBoxLayout(), self.read, self.button, spacing=24))
        column.addStretch(3)
        self.column = column
        holder = self.holder = QWidget()
        holder.setLayout(column)
        footer = QHBoxLayout()
        if self.button is None:
            footer.addWidget(self.read, 0, Qt.AlignmentFlag.AlignBottom)
        footer.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 30, 24, 20)
        outer.addLayout(_centered(holder, STATUS_WIDTH), 1)
        outer.addLayout(footer)
        if self.staff is not None:
            footer.addWidget(self.staff, 0, Qt.AlignmentFlag.AlignBottom)
            self.staff.clicked.connect(shell.open_animator)

    def draw(
        self, ctx: Ctx, title: str, *lines: str, button: str = "", extra: tuple[str, ...] = ()
    ) -> None:
        """Fill the screen's texts; empty lines are hidden. Read aloud says them all, then
        ``extra`` and the button's words."""
        # Large text on a 768 px high screen: the words need the room between them, and
        # lines as wide as the text is big (fewer of them: a long translation stays on
        # the screen).
        self.column.setSpacing(8 if ctx.theme.large else 22)
        self.holder.setMaximumWidth(ctx.theme.px(STATUS_WIDTH))
        self.icon.update_look(ctx)
        self.title.setText(title)
        for label, text in zip(self.lines, lines, strict=False):
            label.setText(text)
            label.setVisible(bool(text))
        # Beside the answer with large text: the loudspeaker alone, the answer keeps its words.
        words = self.button is None or not ctx.theme.large
        self.draw_read(self.read, ctx, spoken(title, *lines, *extra, button), words=words)
        if self.button is not None:
            self.button.update_look(ctx, button)
            # Large text on a 1024 px wide screen: an answer longer than the room beside the
            # loudspeaker ("Raak het scherm aan om te beginnen") goes on two lines.
            long = ctx.theme.large and self.button.one_line_width() > ctx.theme.px(ANSWER_ROOM)
            self.button.set_wrap(long)
            self.button.setMinimumWidth(ctx.theme.px(420))
        if self.staff is not None:
            self.staff.update_look(ctx)
            self.staff.setVisible(self.shell.view is not None and self.shell.view.animator_pin_set)


# -- before a session -------------------------------------------------------------------


class NotConnectedPage(StatusPage):
    """The agent is not there: the PC is covered and says "please wait"."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "hourglass")

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Please wait."""
        self.draw(ctx, ctx.tr("wait_title"), ctx.tr("wait_detail"))


class LanguagePage(ScreenPage):
    """One big button per language, named in that language; large text and contrast.

    Beside each, a loudspeaker says the language's name in that language, with its voice:
    a visitor who cannot read finds theirs by ear. Without sound, one "no sound" pictogram.
    """

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.icon = IconLabel("language", 72)
        self.title = text_label("title")
        self.buttons: dict[str, ActionButton] = {}
        self.reads: dict[str, ReadButton] = {}
        self._reading: Language | None = None
        self._languages: tuple[str, ...] = ()
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        self.large_text = ActionButton("large_text", icon_size=44)
        self.large_text.setCheckable(True)
        self.large_text.clicked.connect(shell.set_large_text)
        self.contrast = ActionButton("contrast", icon_size=44)
        self.contrast.setCheckable(True)
        self.contrast.clicked.connect(shell.set_high_contrast)
        self.staff = StaffButton()
        self.staff.clicked.connect(shell.open_animator)
        self.no_sound = self.read_button(icon_size=44)

        header = QHBoxLayout()
        header.setSpacing(20)
        header.addWidget(self.icon)
        header.addWidget(self.title, 1)
        grid_holder = QWidget()
        grid_holder.setLayout(self.grid)
        footer = QHBoxLayout()
        footer.setSpacing(18)
        footer.addWidget(self.large_text)
        footer.addWidget(self.contrast)
        footer.addWidget(self.no_sound)
        footer.addStretch(1)
        footer.addWidget(self.staff, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 24, 20)
        layout.setSpacing(24)
        layout.addLayout(header)
        layout.addStretch(1)
        layout.addLayout(_centered(grid_holder, 1200))
        layout.addStretch(1)
        layout.addLayout(footer)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The offered languages, the one shown now marked."""
        if view is None:
            return
        self._make_buttons(view)
        # Many languages (fifteen): three columns, names a little smaller and not made
        # larger by large text (each is big and bold already, in its own script), so that
        # all fit on a 1024 px wide screen with their loudspeakers.
        crowded = len(view.languages) > 8
        speaker = self.shell.speaker
        if not speaker.speaking:
            self._reading = None
        # Either a loudspeaker per language or the one "no sound": the other is not drawn
        # (drawing shows a button, and showing then hiding it is a layout's work for nothing).
        sound = speaker.available
        for language in view.languages:
            read = self.reads[language.value]
            read.setVisible(sound)
            if not sound:
                continue
            read.show_state(
                ctx,
                available=True,
                speaking=speaker.speaking and self._reading is language,
                words=False,
                language=language,
            )
            # Said in that language: whoever reads it, it names the language in itself.
            read.setAccessibleName(language.native_name)
            read.setToolTip(language.native_name)
            if crowded:
                read.setFixedSize(ctx.theme.box(56), ctx.theme.box(64))
            else:
                read.setFixedSize(ctx.theme.px(80), ctx.theme.px(96))
        self.no_sound.setVisible(not sound)
        if not sound:
            self.draw_read(self.no_sound, ctx, "")
        for language in view.languages:
            button = self.buttons[language.value]
            # Each language is named in itself, so a visitor finds theirs without reading ours.
            button.update_look(ctx, language.native_name)
            button.set_family(language.about.font, 28 if crowded else None)
            button.setChecked(language is ctx.language and self.shell.local.language is not None)
            button.setMinimumHeight(ctx.theme.box(64 if crowded else 96))
        self.icon.update_look(ctx)
        self.title.setText(ctx.tr("choose_language"))
        self.large_text.update_look(ctx, ctx.tr("large_text"))
        self.large_text.setChecked(ctx.theme.large)
        self.contrast.update_look(ctx, ctx.tr("high_contrast"))
        self.contrast.setChecked(ctx.theme.contrast)
        self.staff.update_look(ctx)
        self.staff.setVisible(view.animator_pin_set)

    def _make_buttons(self, view: View) -> None:
        """A button and a loudspeaker per offered language (made again when they change)."""
        codes = tuple(language.value for language in view.languages)
        if codes != self._languages:
            self._languages = codes
            _clear(self.grid)
            self.buttons = {}
            self.reads = {}
            # Fifteen languages fit on one screen in three columns (a button each, large
            # enough to touch), with their loudspeakers.
            columns = 1 if len(codes) <= 3 else 2 if len(codes) <= 8 else 3
            for index, language in enumerate(view.languages):
                button = ActionButton(None, role="language", centered=True)
                button.setCheckable(True)
                button.clicked.connect(
                    lambda _=False, lang=language: self.shell.pick_language(lang)
                )
                read = ReadButton(40)
                read.clicked.connect(lambda _=False, lang=language: self._say(lang))
                self.buttons[language.value] = button
                self.reads[language.value] = read
                row, column = index // columns, (index % columns) * 2
                self.grid.addWidget(read, row, column)
                self.grid.addWidget(button, row, column + 1)
                button.show()  # at once: a layout would only show it on the next event loop turn

    def _say(self, language: Language) -> None:
        """Say the language's name in that language; again on the same one: stop."""
        speaker = self.shell.speaker
        again = speaker.speaking and self._reading is language
        if speaker.speaking:
            speaker.stop()
        if not again:
            self._reading = language
            self.shell.read_aloud(language.native_name, language)


class LoginPage(ScreenPage):
    """One big button per way to start: walk in, ticket, member card."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.title = text_label("title")
        self.column = QVBoxLayout()
        self.column.setSpacing(20)
        self.buttons: dict[LoginMode, ActionButton] = {}
        self._modes: tuple[LoginMode, ...] = ()
        self.error = text_label("error", CENTER)
        self.back = ActionButton("back")
        self.back.clicked.connect(lambda: shell.go(Page.LANGUAGE))
        self.read = self.read_button()
        holder = QWidget()
        holder.setLayout(self.column)
        footer = QHBoxLayout()
        footer.setSpacing(18)
        footer.addWidget(self.back)
        footer.addWidget(self.read)
        footer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 28)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addLayout(_centered(holder, 820))
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(footer)

    def _pressed(self, mode: LoginMode) -> None:
        if mode is LoginMode.WALK_IN:
            self.shell.login(mode)
        else:
            self.shell.go(Page.TICKET if mode is LoginMode.TICKET else Page.MEMBER)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The allowed ways to start, and why the last try was refused."""
        if view is None:
            return
        if view.login_modes != self._modes:
            self._modes = view.login_modes
            _clear(self.column)
            self.buttons = {}
            for mode in view.login_modes:
                button = ActionButton(MODE_ICONS[mode][0], icon_size=72)
                button.clicked.connect(lambda _=False, m=mode: self._pressed(m))
                self.buttons[mode] = button
                self.column.addWidget(button)
                button.show()
        for mode, button in self.buttons.items():
            button.update_look(ctx, ctx.tr(MODE_ICONS[mode][1]))
            button.setMinimumHeight(ctx.theme.box(84))
            button.setEnabled(not self.shell.local.busy)
        self.title.setText(ctx.tr("choose_start"))
        error = error_sentence(self.shell.local.error, ctx.language)
        self.error.setText(error)
        self.back.update_look(ctx, ctx.tr("back"))
        self.back.setMinimumWidth(ctx.theme.px(220))
        modes = [ctx.tr(MODE_ICONS[mode][1]) for mode in self.buttons]
        self.draw_read(self.read, ctx, spoken(ctx.tr("choose_start"), *modes, error))


PIN_CLEARED_ON = frozenset(
    {"bad_member", "wrong_pin", "too_many_tries", "member_banned", "members_unreachable"}
)
"""Refusals after which the PIN field is emptied."""


class _FieldWatcher(QObject):
    """Remembers which field the keypad types into: the one last touched."""

    def __init__(self, page: CodePage) -> None:
        super().__init__(page)
        self._page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow focus and taps on the fields."""
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress) and isinstance(
            watched, QLineEdit
        ):
            self._page.target = watched
        return False


def _group_ticket_digits(field: QLineEdit) -> None:
    """Show a ticket field's digits in groups of four, the cursor after the same digit."""
    text = field.text()
    tidy = ticket_typing(text)
    if tidy == text:
        return
    before = len(ticket_typing(text[: field.cursorPosition()]).replace(" ", ""))
    field.setText(tidy)  # called again with the tidy text: returns at once
    # After the n-th digit: n digits and the (n - 1) // 4 spaces between their groups.
    field.setCursorPosition(min(before + max(0, before - 1) // 4, len(tidy)))


class CodePage(ScreenPage):
    """Typing a ticket code, or a card number and PIN, with a large keypad."""

    def __init__(self, shell: ShellController, mode: LoginMode) -> None:
        super().__init__(shell)
        self.mode = mode
        self.icon = IconLabel(MODE_ICONS[mode][0], 72)
        self.title = text_label("title")
        self.fields: list[tuple[str, QLineEdit, QLabel]] = []
        form = self._build_form(
            ("ticket_code",) if mode is LoginMode.TICKET else ("card_number", "pin_code")
        )
        self.target = self.fields[0][1]
        self.error_icon = IconLabel("warning", 40)
        self.error = text_label("error")
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        error_row.addWidget(self.error, 1)
        self.keypad = Keypad()
        self.keypad.typed.connect(self._typed)
        self.keypad.erased.connect(self._erase)
        self.keypad.entered.connect(self._enter)
        self.back = ActionButton("back")
        self.back.clicked.connect(lambda: shell.go(Page.LOGIN))
        self.read = self.read_button()
        footer = QHBoxLayout()
        footer.setSpacing(18)
        footer.addWidget(self.back)
        footer.addWidget(self.read)
        footer.addStretch(1)

        header = QHBoxLayout()
        header.setSpacing(20)
        header.addWidget(self.icon)
        header.addWidget(self.title, 1)
        left = QVBoxLayout()
        left.setSpacing(16)
        left.addLayout(form)
        left.addLayout(error_row)
        left.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(48)
        body.addLayout(left, 1)
        body.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)
        layout = self.page_layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 28)
        layout.setSpacing(24)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        layout.addLayout(footer)

    def _build_form(self, keys: tuple[str, ...]) -> QVBoxLayout:
        watcher = _FieldWatcher(self)
        self._gaps: list[QSpacerItem] = []
        form = self.form = QVBoxLayout()
        form.setSpacing(10)
        for key in keys:
            caption = text_label("big")
            field = QLineEdit()
            field.setMaxLength(40)
            if key == "ticket_code":
                # 16 digits in four groups, as printed; typed digits are grouped as they come.
                field.setMaxLength(CODE_DIGITS + 3)
                field.textChanged.connect(lambda _t, f=field: _group_ticket_digits(f))
            # Codes and numbers read left to right in every language.
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            field.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            field.setInputMethodHints(Qt.InputMethodHint.ImhPreferNumbers)
            if key == "pin_code":
                field.setEchoMode(QLineEdit.EchoMode.Password)
            field.installEventFilter(watcher)
            field.textEdited.connect(lambda _t: self.shell.clear_error())
            field.returnPressed.connect(self._enter)
            form.addWidget(caption)
            form.addWidget(field)
            self._gaps.append(QSpacerItem(0, 8))
            form.addItem(self._gaps[-1])
            self.fields.append((key, field, caption))
        return form

    def entered(self) -> None:
        """A fresh start: empty fields, the keypad types into the first one."""
        for _key, field, _caption in self.fields:
            field.clear()
        self.target = self.fields[0][1]
        self.target.setFocus()

    def _typed(self, digit: str) -> None:
        self.target.insert(digit)
        self.shell.clear_error()

    def _erase(self) -> None:
        self.target.backspace()

    def _enter(self) -> None:
        values = [field.text().strip() for _key, field, _caption in self.fields]
        if self.shell.local.busy:
            return
        if self.mode is LoginMode.TICKET:
            if not values[0]:
                # Nothing typed: say what to type, rather than doing nothing.
                self.shell.refuse_here("empty_ticket", "no code typed")
            elif ticket_typo(values[0]):
                # Caught here at once: a typing mistake is not a try at the PC's guard.
                self.shell.refuse_here(Refusal.TICKET_TYPO.value, "the check digit is wrong")
            else:
                self.shell.login(LoginMode.TICKET, code=values[0])
            return
        card, pin = values
        if not card:
            self.target = self.fields[0][1]
            self.target.setFocus()
            self.shell.refuse_here("empty_card", "no card number typed")
        elif not pin:
            self.target = self.fields[1][1]
            self.target.setFocus()
            self.shell.refuse_here("empty_pin", "no PIN typed")
        else:
            self.shell.login(LoginMode.MEMBER, card=card, pin=pin)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Titles, field names and the refusal next to the fields."""
        self.icon.update_look(ctx)
        ticket = self.mode is LoginMode.TICKET
        self.title.setText(ctx.tr("ticket_title" if ticket else "member_title"))
        for key, field, caption in self.fields:
            caption.setText(ctx.tr(key))
            field.setAccessibleName(ctx.tr(key))
            field.setMinimumWidth(ctx.theme.px(360))
        # Large text: a long title takes three lines; the gaps give it their height, so
        # that the two fields, the refusal and the buttons stay on a 768 px high screen.
        large = ctx.theme.large
        self.page_layout.setSpacing(12 if large else 24)
        self.form.setSpacing(4 if large else 10)
        for gap in self._gaps:
            gap.changeSize(0, 0 if large else 8)
        self.form.invalidate()
        error = self.shell.local.error
        sentence = error_sentence(error, ctx.language)
        self.error.setText(sentence)
        # An empty form shows what to type (the ticket, the card, the PIN's key), a refusal
        # the warning sign.
        self.error_icon.update_look(
            ctx, EMPTY_FORM_ICONS.get(error.code if error else "", "warning")
        )
        self.error_icon.setVisible(error is not None)
        captions = [ctx.tr(key) for key, _field, _caption in self.fields]
        title = ctx.tr("ticket_title" if ticket else "member_title")
        self.draw_read(self.read, ctx, spoken(title, *captions, sentence))
        if error is not None and error.code in PIN_CLEARED_ON:
            # A refused PIN is typed again from scratch; the card number stays to be checked.
            # A PIN is not left in the field while the visitor goes to find an animator.
            for key, field, _caption in self.fields:
                if key == "pin_code":
                    field.clear()
        self.keypad.update_look(ctx)
        self.keypad.setEnabled(not self.shell.local.busy)
        self.back.update_look(ctx, ctx.tr("back"))
        self.back.setMinimumWidth(ctx.theme.px(220))


EMPTY_FORM_ICONS = {
    "empty_ticket": "ticket",
    "empty_card": "member_card",
    "empty_pin": "key",
    "empty_staff_pin": "key",
    "empty_staff_name": "touch",
}
"""The pictogram beside "type your …" when a form is sent empty: what to type."""


class RulesPage(ScreenPage):
    """The house rules: pictogram and short text; a rule opens its long text."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.title = text_label("title")
        self.intro = text_label("subtitle")
        self.rows: list[ActionButton] = []
        self._drawn: tuple[object, ...] = ()
        self._open: RuleView | None = None

        self.list_box = QVBoxLayout()
        self.list_box.setSpacing(12)
        self.list_box.setContentsMargins(0, 0, 12, 0)
        inner = QWidget()
        inner.setObjectName("rulesList")
        inner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.list_box)
        column.addStretch(1)
        self.list = ScrollList(inner)
        self.scroll_area = self.list.area

        detail = self._build_detail()

        self.body = QStackedWidget()
        self.body.addWidget(self.list)
        self.body.addWidget(detail)

        self.back = ActionButton("back")
        self.back.clicked.connect(shell.decline_rules)
        self.read = ReadButton(48)
        self.read.clicked.connect(self._read_all)
        self.accept = ActionButton("accept", role="primary", icon_size=56)
        self.accept.clicked.connect(shell.accept_rules)
        # Why accepting failed, on a line of its own above the buttons: the whole width for
        # the words, and Back, Read aloud and Accept keep theirs.
        self.error = text_label("error")
        self.footer, footer = _bare_row(18)
        self.footer_row = footer
        footer.addWidget(self.back)
        footer.addWidget(self.read)
        footer.addStretch(1)
        footer.addWidget(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.footer)

    def _build_detail(self) -> QWidget:
        self.detail_picture = QLabel()
        self.detail_title = text_label("title")
        self.detail_text = text_label("big")
        self.detail_text.setStyleSheet("font-weight: normal;")
        self.detail_close = ActionButton("back")
        self.detail_close.clicked.connect(self.close_detail)
        self.detail_read = ReadButton(48)
        self.detail_read.clicked.connect(
            lambda: self.shell.read_aloud(self._open.long if self._open else "")
        )
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setSpacing(20)
        # A long rule in large text is longer than the screen: its title and text scroll
        # beside the pictogram, and say so.
        text_holder = QWidget()
        text_holder.setObjectName("rulesList")
        text_holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        text_column = QVBoxLayout(text_holder)
        text_column.setContentsMargins(0, 0, 12, 0)
        text_column.setSpacing(20)
        text_column.addWidget(self.detail_title)
        text_column.addWidget(self.detail_text)
        text_column.addStretch(1)
        self.detail_list = ScrollList(text_holder)
        detail_head = QHBoxLayout()
        detail_head.setSpacing(24)
        detail_head.addWidget(self.detail_picture, 0, Qt.AlignmentFlag.AlignTop)
        detail_head.addWidget(self.detail_list, 1)
        detail_layout.addLayout(detail_head, 1)
        detail_buttons = QHBoxLayout()
        detail_buttons.setSpacing(18)
        detail_buttons.addWidget(self.detail_close)
        detail_buttons.addWidget(self.detail_read)
        detail_buttons.addStretch(1)
        detail_layout.addLayout(detail_buttons)
        return detail

    def entered(self) -> None:
        """Always start on the list, at the top."""
        self.close_detail()
        self.scroll_area.verticalScrollBar().setValue(0)

    def open_rule(self, rule: RuleView) -> None:
        """Show one rule's long text."""
        self.shell.speaker.stop()
        self._open = rule
        self.detail_list.to_top()
        self.shell.changed.emit()

    def close_detail(self) -> None:
        """Back to the list of rules."""
        if self._open is not None:
            self.shell.speaker.stop()
        self._open = None
        self.shell.changed.emit()

    def _read_all(self) -> None:
        view = self.shell.view
        if view is not None:
            self.shell.read_aloud(rules_speech(view, self.shell.language))

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The rules in the session's language, or one rule's long text."""
        if view is None:
            return
        rules = view.rules or ()
        key = (rules, ctx)
        if key != self._drawn:
            self._drawn = key
            _clear(self.list_box)
            self.rows = []
            for rule in rules:
                row = self._rule_row(rule, ctx)
                self.rows.append(row)
                self.list_box.addWidget(row)
                row.show()
            # Other rules, or the same in another language: read from the top again.
            self.scroll_area.verticalScrollBar().setValue(0)
        self.title.setText(ctx.tr("rules_title"))
        self.intro.setText(ctx.tr("rules_intro"))
        self.list.update_look(ctx)
        self.detail_list.update_look(ctx)
        speaker = self.shell.speaker
        for button in (self.read, self.detail_read):
            button.show_state(ctx, available=speaker.available, speaking=speaker.speaking)
        self.back.update_look(ctx, ctx.tr("back"))
        self.accept.update_look(ctx, ctx.tr("accept"))
        self.accept.setEnabled(not self.shell.local.busy)
        error = error_sentence(self.shell.local.error, ctx.language)
        self.error.setText(error)
        self.error.setVisible(bool(error))
        # Accept is wide, the step that matters; on a narrow screen with large text it gives
        # up that extra width before its words are cut ("Я принимаю", "Akceptuję").
        self.accept.setMinimumWidth(0)
        room = self.window().width() - 80 - 2 * self.footer_row.spacing()
        room -= max(self.back.sizeHint().width(), self.back.minimumSizeHint().width())
        room -= max(self.read.minimumWidth(), self.read.minimumSizeHint().width())
        own = self.accept.minimumSizeHint().width()
        self.accept.setMinimumWidth(max(own, min(ctx.theme.box(280), room)))
        self.detail_close.update_look(ctx, ctx.tr("close"))
        shown = self._open if self._open in rules else None
        if shown is not None:
            rule = shown
            size = ctx.theme.box(128)
            self.detail_picture.setPixmap(pictogram_pixmap(rule.pictogram, size, ctx.theme.tone()))
            self.detail_picture.setFixedSize(size, size)
            self.detail_title.setText(rule.short)
            self.detail_text.setText(rule.long)
            self.body.setCurrentIndex(1)
        else:
            self.body.setCurrentIndex(0)
        self.footer.setVisible(shown is None)

    def _rule_row(self, rule: RuleView, ctx: Ctx) -> ActionButton:
        row = ActionButton(None, trailing="info")
        row.setObjectName("ruleRow")
        row.set_picture(pictogram_pixmap(rule.pictogram, ctx.theme.box(64), ctx.theme.tone()))
        row.update_look(ctx, rule.short)
        row.setAccessibleDescription(ctx.tr("more"))
        row.setToolTip(ctx.tr("more"))
        row.clicked.connect(lambda _=False, r=rule: self.open_rule(r))
        return row


class ClosedPage(StatusPage):
    """The room is closed; when it opens again."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "closed", staff=True)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Closed, opens again at…"""
        opens = view.opens_at if view is not None else None
        self.draw(ctx, ctx.tr("closed_title"), i18n.opens_again(opens, ctx.language))


class UpdatingPage(StatusPage):
    """An update is being installed: the PC will be ready in a few minutes. No way in is
    offered (the agent would refuse it); Back goes to the languages."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "hourglass", button=("back", "normal"), staff=True)
        assert self.button is not None
        self.button.clicked.connect(lambda: shell.go(Page.LANGUAGE))

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Being updated, ready in a few minutes."""
        self.draw(ctx, ctx.tr("updating_title"), ctx.tr("updating_detail"), button=ctx.tr("back"))


# -- during a session ---------------------------------------------------------------------


WORKSHOP_TITLE_WIDTH = 220
"""Widest the workshop's title may be in the session bar (at normal text size)."""
WORKSHOP_TITLE_MIN = 90
"""Narrowest a cut workshop title is still worth showing (at normal text size)."""
STRIP_HEIGHT = 60
"""Height of the workshop strip under the bar (two lines of the title, normal text)."""
BAR_FITS = 8
"""How many ways the bar has to fit (see ``SessionPage._fit``)."""
BAR_WORD_SIZES = (17, 15)
"""The buttons' words in the last two fits (21 px at first, at normal text size)."""


def two_lines_cut(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` on at most two lines of ``width`` pixels, broken between words, the
    second cut short with "…" when the rest does not fit."""
    words = text.split()
    first = ""
    while words:
        candidate = f"{first} {words[0]}".strip()
        if metrics.horizontalAdvance(candidate) > width:
            break
        first = candidate
        words.pop(0)
    if not first:
        # One word wider than the line: cut it on the first line.
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    if not words:
        return first
    rest = metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width)
    return f"{first}\n{rest}"


class SessionPage(ScreenPage):
    """The slim bar across the top of the screen, and the warning banner under it."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.bar = QFrame()
        self.bar.setObjectName("bar")
        self.clock = IconLabel("clock", 44, dark_surface=True)
        self.time_left = text_label("big", wrap=False)
        self.until = text_label(wrap=False)
        self.printed_icon = IconLabel("printer", 40, dark_surface=True)
        self.printed = text_label("big", wrap=False)
        # Two lines at most, cut at the end of the second: a long title stays readable.
        self.workshop = text_label(wrap=True)
        self.workshop.setObjectName("workshop")
        self.programs = ActionButton("programs", icon_size=40, wrap=False)
        self.programs.clicked.connect(shell.open_launcher)
        self.help = ActionButton("help", icon_size=40, wrap=False)
        self.help.clicked.connect(shell.request_help)
        self.end = ActionButton("end", icon_size=40, wrap=False)
        self.end.clicked.connect(shell.ask_end)
        self.staff = StaffButton(dark_surface=True)
        self.staff.clicked.connect(shell.open_animator)
        self.read = self.read_button(48)
        self.read.set_tight(True)  # a 64 px square: the bar is short of room
        bar = self.bar_layout = QHBoxLayout(self.bar)
        bar.setSpacing(16)
        bar.addWidget(self.clock)
        # The end time under the time left, not beside it: the width goes to the buttons
        # and the workshop's title.
        time_box = _in_the_middle(QVBoxLayout(), self.time_left, self.until, spacing=0)
        self.time_box = time_box
        bar.addLayout(time_box)
        bar.addWidget(self.printed_icon)
        bar.addWidget(self.printed)
        bar.addStretch(1)
        bar.addWidget(self.workshop)
        bar.addStretch(1)
        bar.addWidget(self.programs)
        bar.addWidget(self.help)
        bar.addWidget(self.end)
        bar.addWidget(self.read)
        bar.addWidget(self.staff)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self._build_strip())
        layout.addWidget(self._build_banner(shell), 1)

    def _build_strip(self) -> QFrame:
        # A workshop title with no room in the bar gets a strip of its own under it.
        self.strip = QFrame()
        self.strip.setObjectName("bar")
        self.strip_title = text_label(wrap=True)
        self.strip_title.setObjectName("workshop")
        strip = QHBoxLayout(self.strip)
        strip.setContentsMargins(16, 0, 16, 0)
        strip.addWidget(self.strip_title, 1)
        self.strip.hide()
        return self.strip

    def _build_banner(self, shell: ShellController) -> QFrame:
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.warning = IconLabel("warning", 64)
        self.banner_text = text_label()
        self.close_banner = ActionButton("close", icon_size=40)
        self.close_banner.clicked.connect(shell.close_banner)
        banner = QHBoxLayout(self.banner)
        banner.setContentsMargins(24, 8, 16, 8)
        banner.setSpacing(20)
        banner.addWidget(self.warning)
        banner.addWidget(self.banner_text, 1)
        banner.addWidget(self.close_banner)
        return self.banner

    def extra_height(self) -> int:
        """Height the window needs under the bar: the workshop strip's, when shown."""
        return self.strip.height() if not self.strip.isHidden() else 0

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Time left, until when, programs, help, end; the banner while a warning is open."""
        if view is None:
            return
        texts = bar_texts(view, ctx.language)
        margin = max(4, (ctx.theme.bar_height - ctx.theme.px(64)) // 2)
        self.bar.setFixedHeight(ctx.theme.bar_height)
        self.clock.update_look(ctx)
        self.time_left.setAccessibleName(texts.time_left)
        self.time_left.setToolTip(texts.time_left)
        self.until.setText(texts.until)
        # A printer and a number: what this session printed, readable without words.
        printed = view.pages_printed
        self.printed_icon.update_look(ctx)
        self.printed.setText(str(printed))
        said = ctx.tr("pages_printed", n=printed)
        for widget in (self.printed_icon, self.printed):
            widget.setAccessibleName(said)
            widget.setToolTip(said)
        self.programs.setVisible(bool(view.apps))
        self.help.setEnabled(not texts.help_requested)
        self.staff.update_look(ctx)
        self.staff.setVisible(view.animator_pin_set)
        words = {
            self.programs: ctx.tr("programs"),
            self.help: texts.help,
            self.end: ctx.tr("end_session"),
        }
        for button in words:
            button.setFixedHeight(ctx.theme.px(64))
        # The loudspeaker alone: the bar has no room for its words (they are its tooltip).
        said_printed = said if printed else ""
        help_said = texts.help if texts.help_requested else ""
        speech = spoken(texts.time_left, texts.until, said_printed, texts.workshop, help_said)
        self.draw_read(self.read, ctx, speech, words=False)
        self.read.setFixedSize(ctx.theme.px(64), ctx.theme.px(64))
        self._fit(texts, words, printed, ctx, margin)
        self.warning.update_look(ctx)
        self.banner_text.setText(texts.banner)
        self.close_banner.update_look(ctx, ctx.tr("close"))
        self.banner.setVisible(banner_due(view, self.shell.local))

    def _fit(
        self,
        texts: BarTexts,
        words: dict[ActionButton, str],
        printed: int,
        ctx: Ctx,
        margin: int,
    ) -> None:
        """Fit the bar in the screen's width, giving up the least useful things first.

        The visitor's buttons keep their words whole: with large text on a narrow screen
        the end time and the pages printed go first, then the time left shrinks to its
        count ("42 min", the clock beside it), then the buttons' words go on two lines, then
        the loudspeaker goes (the launcher and every other screen still read aloud), the
        gaps and the buttons' pictograms get smaller, and last "a member of staff is
        coming" is said in fewer words (Dutch and Spanish need it), and very last the
        buttons' words get a little smaller, twice (large text on 1024 px, every button
        shown). The workshop's title only takes the room left over, cut short or left out.
        """
        available = self.window().width()
        self.workshop.hide()
        for fit in range(BAR_FITS):
            tight = fit >= 4
            self.bar_layout.setSpacing(6 if tight else 16)
            self.bar_layout.setContentsMargins(
                8 if tight else 16, margin, 4 if tight else 8, margin
            )
            self.until.setVisible(fit == 0)
            for widget in (self.printed_icon, self.printed):
                widget.setVisible(fit == 0 and printed > 0)
            self.time_left.setText(texts.time_left if fit < 2 else texts.time_short)
            self.read.setVisible(not tight)
            for button, text in words.items():
                shown_text = texts.help_short if button is self.help and fit >= 5 else text
                button.set_tight(tight)
                button.set_text_size(ctx.theme.px(BAR_WORD_SIZES[fit - 6]) if fit >= 6 else None)
                button.update_look(ctx, two_lines(shown_text) if fit >= 3 else shown_text)
                # The words once, not broken, for screen readers.
                button.setAccessibleName(text)
                button.setToolTip(text)
            needed = self._needed_width()
            if needed <= available:
                break
        # The title is staff's free text: it gets what is left, never the buttons' room; on
        # two lines there, or, when it does not fit whole, on a strip of its own under the
        # bar (the whole width, two lines).
        room = min(
            available - needed - self.bar_layout.spacing(), ctx.theme.px(WORKSHOP_TITLE_WIDTH)
        )
        metrics = self.workshop.fontMetrics()
        title = texts.workshop
        cut = two_lines_cut(title, metrics, room) if room > 0 else ""
        in_bar = bool(title) and room >= ctx.theme.px(WORKSHOP_TITLE_MIN) and "…" not in cut
        if in_bar:
            self.workshop.setText(cut)
            widest = max(metrics.horizontalAdvance(line) for line in cut.split("\n"))
            self.workshop.setFixedWidth(widest + 2)
        self.workshop.setToolTip(title)
        self.workshop.setAccessibleName(title)
        self.workshop.setVisible(in_bar)
        on_strip = bool(title) and not in_bar
        if on_strip:
            width = available - 32  # the strip's margins
            self.strip_title.setText(two_lines_cut(title, self.strip_title.fontMetrics(), width))
            self.strip_title.setToolTip(title)
            self.strip_title.setAccessibleName(title)
            self.strip.setFixedHeight(ctx.theme.px(STRIP_HEIGHT))
        self.strip.setVisible(on_strip)
        # Placed now: the buttons' new minimum widths would only move them a turn later.
        self.bar_layout.activate()

    def _needed_width(self) -> int:
        """The bar's width when every shown item has the room it asks for."""
        for button in (self.programs, self.help, self.end):
            inner = button.layout()
            if inner is not None:
                inner.invalidate()
        # A nested layout keeps its size until told: the end time shown or not changes it.
        self.time_box.invalidate()
        self.bar_layout.invalidate()
        return self.bar_layout.sizeHint().width()


class FinalPage(ScreenPage):
    """The final countdown: big seconds, "save your work now", help."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.digits = text_label("huge", CENTER, wrap=False)
        self.seconds = text_label("big", CENTER)
        self.icon = IconLabel("warning", 88)
        self.title = text_label("title")
        self.save = text_label("subtitle")
        self.help = ActionButton("help", icon_size=48)
        self.help.clicked.connect(shell.request_help)
        self.staff = StaffButton()
        self.staff.clicked.connect(shell.open_animator)
        self.read = self.read_button(48)
        count = _in_the_middle(QVBoxLayout(), self.digits, self.seconds)
        words = QVBoxLayout()
        words.setSpacing(16)
        words.addStretch(1)
        words.addWidget(self.title)
        words.addWidget(self.save)
        words.addSpacing(8)
        words.addWidget(self.help, 0, Qt.AlignmentFlag.AlignLeading)
        words.addStretch(1)
        row = self.panel_row = QHBoxLayout(self.panel)
        row.setContentsMargins(40, 16, 16, 16)
        row.setSpacing(36)
        # The loudspeaker under the warning sign: the words keep the width.
        centre = Qt.AlignmentFlag.AlignHCenter
        sign = _in_the_middle(QVBoxLayout(), self.icon, self.read, spacing=16, align=centre)
        row.addLayout(count)
        row.addLayout(sign)
        row.addLayout(words, 1)
        row.addWidget(self.staff, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Seconds left in big digits."""
        if view is None:
            return
        texts = bar_texts(view, ctx.language)
        self.digits.setText(countdown_digits(view.seconds_left))
        # The count keeps its column narrow: the words beside it need the width. Never
        # narrower than the longest word under the count ("Sekunden", "секунд"...).
        self.seconds.setText(texts.time_left)
        self.seconds.ensurePolished()  # the style's font, measured
        metrics = self.seconds.fontMetrics()
        widest = max(metrics.horizontalAdvance(word) for word in texts.time_left.split())
        for label in (self.digits, self.seconds):
            label.setFixedWidth(max(260 if ctx.theme.large else 300, widest + 4))
        self.panel_row.setSpacing(24 if ctx.theme.large else 36)
        # Large text: a narrower edge, the title's longest word gets the width
        # ("закінчиться" beside "Залишилося" under the count, on 1024 px).
        self.panel_row.setContentsMargins(24 if ctx.theme.large else 40, 16, 16, 16)
        self.icon.update_look(ctx)
        self.title.setText(ctx.tr("final_title"))
        self.save.setText(ctx.tr("final_save"))
        self.help.update_look(ctx, texts.help)
        self.help.setEnabled(not texts.help_requested)
        self.staff.update_look(ctx)
        self.staff.setVisible(view.animator_pin_set)
        speech = spoken(texts.time_left, ctx.tr("final_title"), ctx.tr("final_save"))
        self.draw_read(self.read, ctx, speech, words=False)


class ConfirmEndPage(ScreenPage):
    """Asks "do you want to end your session now?", with what will be erased."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.icon = IconLabel("warning", 88)
        self.title = text_label("title")
        self.detail = text_label("subtitle")
        self.no = ActionButton("back", icon_size=48)
        self.no.clicked.connect(shell.cancel_end)
        self.yes = ActionButton("end", role="danger", icon_size=48)
        self.yes.clicked.connect(shell.confirm_end)
        self.read = self.read_button(48)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.no)
        buttons.addWidget(self.yes)
        buttons.addStretch(1)
        words = QVBoxLayout()
        words.setSpacing(16)
        words.addWidget(self.title)
        words.addWidget(self.detail)
        words.addStretch(1)
        words.addLayout(buttons)
        row = QHBoxLayout(self.panel)
        row.setContentsMargins(40, 24, 40, 24)
        row.setSpacing(32)
        # The loudspeaker under the warning sign: the answers keep the width.
        sign = QVBoxLayout()
        sign.setSpacing(16)
        sign.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        sign.addWidget(self.read, 0, Qt.AlignmentFlag.AlignHCenter)
        sign.addStretch(1)
        row.addLayout(sign)
        row.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The question, the reminder, and the two answers."""
        self.icon.update_look(ctx)
        self.title.setText(ctx.tr("end_confirm_title"))
        self.detail.setText(ctx.tr("end_confirm_detail"))
        self.no.update_look(ctx, ctx.tr("end_confirm_no"))
        self.yes.update_look(ctx, ctx.tr("end_confirm_yes"))
        for button in (self.no, self.yes):
            button.setMinimumWidth(ctx.theme.box(300))
        speech = spoken(
            ctx.tr("end_confirm_title"),
            ctx.tr("end_confirm_detail"),
            ctx.tr("end_confirm_no"),
            ctx.tr("end_confirm_yes"),
        )
        # The loudspeaker alone: the two answers keep the width.
        self.draw_read(self.read, ctx, speech, words=False)


PRINT_FACTS = 5
"""Most facts the print screen tells about a job (confirm: 4, and the session's end)."""


Fact = tuple[QWidget, IconLabel, QLabel]
"""One line of a card: its row, its pictogram and its words."""


def fact_rows(count: int, icon: str) -> tuple[QWidget, list[Fact]]:
    """``count`` lines of a pictogram and words, one under the other (a print card's facts,
    the receipt), in a box of their own."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(10)
    rows: list[Fact] = []
    for _ in range(count):
        holder, row = _bare_row(16)
        picture = IconLabel(icon, 44)
        text = text_label("fact")
        # Arabic glyphs are drawn a few pixels wider than Qt measures them when it wraps
        # (measured: a line laid out at 756 px drew 761 px in a 760 px label): a margin
        # keeps the first letters of a full line inside the label.
        text.setContentsMargins(6, 0, 6, 0)
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(text, 1)
        column.addWidget(holder)
        rows.append((holder, picture, text))
    return box, rows


class PrintPage(ScreenPage):
    """A held print job: the sheet with its pages, the facts with their pictograms, and
    Print / Cancel; or, when only staff can help, why, with "ask staff" / Cancel."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self._texts: PrintTexts | None = None
        self._facts_below = False
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        card = QFrame()
        card.setObjectName("card")
        self.sheet = SheetPicture(170)
        # Less big than other titles with large text: the facts need the card's height.
        self.title = text_label("cardTitle")
        self.facts_box, self.facts = fact_rows(PRINT_FACTS, "sheet")
        self.countdown_icon = IconLabel("hourglass", 32)
        self.countdown = text_label("subtitle")
        self.error = text_label("error")
        self.read = ReadButton(40)
        self.read.clicked.connect(self._read)
        # One word each in every language: never cut, the read-aloud button wraps instead.
        self.cancel = ActionButton("close", icon_size=52, wrap=False)
        self.cancel.clicked.connect(lambda: shell.answer_print(False))
        self.print_button = ActionButton("printer", role="go", icon_size=52, wrap=False)
        self.print_button.clicked.connect(lambda: shell.answer_print(True))
        self.ask_staff = ActionButton("help", role="primary", icon_size=52)
        self.ask_staff.clicked.connect(shell.request_help)
        self.staff = StaffButton()
        self.staff.clicked.connect(shell.open_animator)

        countdown = QHBoxLayout()
        countdown.setSpacing(12)
        countdown.addWidget(self.countdown_icon)
        countdown.addWidget(self.countdown, 1)
        inner = self.card_layout = QVBoxLayout(card)
        inner.setSpacing(18)
        inner.addLayout(self._head())
        inner.addLayout(countdown)
        inner.addWidget(self.error)
        inner.addLayout(self._buttons_row())
        column = QVBoxLayout()
        column.addStretch(1)
        column.addLayout(_centered(card, 1120))
        column.addStretch(1)
        # The staff key beside the card, not under it: large text needs the whole height.
        # ... and as much room on the other side, so that the card stays in the middle.
        self._balance = QWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self._balance)
        layout.addLayout(column, 1)
        layout.addWidget(self.staff, 0, Qt.AlignmentFlag.AlignBottom)

    def _head(self) -> QHBoxLayout:
        """The sheet, and beside it the title over the facts (large text: see show_view)."""
        words = self.words = QVBoxLayout()
        words.setSpacing(18)
        words.addWidget(self.title)
        words.addWidget(self.facts_box)
        head = QHBoxLayout()
        head.setSpacing(32)
        head.addWidget(self.sheet, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(words, 1)
        return head

    def _buttons_row(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        buttons.setSpacing(20)
        buttons.addWidget(self.read)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        # The way forward last: on the right, or on the left in Arabic.
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.ask_staff)
        return buttons

    def _read(self) -> None:
        if self._texts is not None:
            self.shell.read_aloud(print_speech(self._texts))

    def entered(self) -> None:
        """No button is picked for the visitor: Enter must not print, nor look as if."""
        # The page itself holds the focus, so the next screen still finds it in the window.
        self.setFocus()

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The job's pages, colour, price, what is left, and until when it waits."""
        if view is None or view.print_job is None:
            return
        job = view.print_job
        texts = self._texts = print_texts(
            job, view.help_requested, ctx.language, ending_soon=view.state is State.FINAL
        )
        large = ctx.theme.large
        self.sheet.update_look(ctx, texts.count, 140 if large else None)
        self.title.setText(texts.title)
        for index, (holder, icon, text) in enumerate(self.facts):
            line = texts.lines[index] if index < len(texts.lines) else None
            holder.setVisible(line is not None)
            if line is not None:
                icon.update_look(ctx, line.icon, 34 if large else None)
                text.setText(line.text)
        self.countdown.setText(texts.countdown)
        self.countdown_icon.update_look(ctx)
        for widget in (self.countdown, self.countdown_icon):
            widget.setVisible(bool(texts.countdown))
        local = self.shell.local
        self.error.setText(error_sentence(local.error, ctx.language))
        self.error.setVisible(local.error is not None)
        answered = local.print_answered == job.job_id
        speaker = self.shell.speaker
        # With large text the row keeps Cancel and the way forward whole: the loudspeaker
        # alone says "read aloud" (its words stay for screen readers and as a tooltip).
        self.read.show_state(
            ctx, available=speaker.available, speaking=speaker.speaking, words=not ctx.theme.large
        )
        self.cancel.update_look(ctx, ctx.tr("cancel"))
        self.print_button.update_look(ctx, ctx.tr("print"))
        self.ask_staff.update_look(ctx, ctx.tr("print_ask_staff"))
        self.print_button.setVisible(texts.can_print)
        # Once staff are called, the facts say they are coming; only Cancel is left.
        self.ask_staff.setVisible(not texts.can_print and not texts.help_requested)
        for button in (self.cancel, self.print_button, self.ask_staff):
            button.setEnabled(not answered)
            # An explicit minimum hides the button's own: keep the larger, or words are cut.
            # (Touch-target wide with large text, not text wide: the card must not get
            # wider than a 1024 px screen leaves it, or its words are measured for a width
            # they do not get.)
            button.setMinimumWidth(max(ctx.theme.box(200), button.minimumSizeHint().width()))
            button.setMinimumHeight(ctx.theme.box(80))
        margin = 20 if ctx.theme.large else 28
        self.card_layout.setContentsMargins(36, margin, 36, margin)
        # Large text: smaller gaps, the height goes to the words (five facts on two lines
        # each in Ukrainian or Polish on a 768 px high screen).
        self.card_layout.setSpacing(12 if ctx.theme.large else 18)
        # A fact's words may now wrap on one more line: its row's height for the card's
        # width changes, its size hint does not, and Qt only asks again when told.
        for holder, _icon, _text in self.facts:
            holder.updateGeometry()
        self.facts_box.updateGeometry()
        # Large text: the facts under the sheet and title, across the card, each on a line.
        below = ctx.theme.large
        if below != self._facts_below:
            self._facts_below = below
            self.words.removeWidget(self.facts_box)
            self.card_layout.removeWidget(self.facts_box)
            if below:
                self.card_layout.insertWidget(1, self.facts_box)
            else:
                self.words.addWidget(self.facts_box)
        self.staff.update_look(ctx)
        self.staff.setVisible(view.animator_pin_set)
        self._balance.setFixedWidth(self.staff.sizeHint().width())


class IdlePage(StatusPage):
    """Asks "are you still there?", with the seconds before the session ends."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "idle", lines=2, digits=True, button=("touch", "primary"))
        assert self.button is not None
        self.button.clicked.connect(shell.still_here)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The question and the countdown."""
        seconds = (view.idle_seconds_left if view is not None else None) or 0
        assert self.digits is not None
        self.digits.setText(countdown_digits(seconds))
        self.draw(
            ctx,
            ctx.tr("idle_title"),
            ctx.tr("idle_touch"),
            ctx.tr("idle_ends_in", n=seconds),
            button=ctx.tr("idle_here"),
        )


class LockedPage(StatusPage):
    """The PC is locked by staff, or out of order (then it says so, with its own picture)."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "lock", staff=True)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Locked, see a member of staff; or out of order, use another PC."""
        broken = view is not None and view.lock_reason is LockReason.OUT_OF_ORDER
        self.icon.update_look(ctx, "out_of_order" if broken else "lock")
        if broken:
            self.draw(ctx, ctx.tr("out_of_order_title"), ctx.tr("out_of_order_detail"))
        else:
            self.draw(ctx, ctx.tr("locked_title"), ctx.tr("locked_detail"))


class MessagePage(ScreenPage):
    """A message from staff, closed with OK; during a session the time left stays in
    sight above it (the message covers the bar)."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        card = QFrame()
        card.setObjectName("card")
        self.icon = IconLabel("message", 80)
        self.title = text_label("title")
        self.text = text_label("big")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.ok = ActionButton("accept", role="primary", icon_size=48, centered=True)
        self.ok.clicked.connect(shell.clear_message)
        self.read = self.read_button(48)
        self.clock = IconLabel("clock", 44)
        self.time_left = text_label("big", wrap=False)
        self.until = text_label(wrap=False)
        self.time_row, time_row = _bare_row(14)
        time_row.addWidget(self.clock)
        time_row.addWidget(self.time_left)
        time_row.addWidget(self.until)
        time_row.addStretch(1)
        head = _title_row(self.icon, self.title)
        buttons = QHBoxLayout()
        buttons.setSpacing(18)
        buttons.addWidget(self.read)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(36, 28, 36, 28)
        inner.setSpacing(24)
        inner.addLayout(head)
        inner.addWidget(self.text)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 40)
        layout.addWidget(self.time_row)
        layout.addStretch(1)
        layout.addLayout(_centered(card, 900))
        layout.addStretch(2)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The staff's words as they wrote them."""
        self.icon.update_look(ctx)
        self.title.setText(ctx.tr("message_title"))
        text = view.message.text if view is not None and view.message else ""
        self.text.setText(text)
        self.ok.update_look(ctx, ctx.tr("ok"))
        self.ok.setMinimumWidth(ctx.theme.px(220))
        running = view is not None and view.state in IN_SESSION and view.seconds_left is not None
        self.time_row.setVisible(running)
        time_said = ""
        if running and view is not None:
            texts = bar_texts(view, ctx.language)
            self.clock.update_look(ctx)
            self.time_left.setText(texts.time_left)
            self.until.setText(texts.until)
            time_said = texts.time_left
        self.draw_read(self.read, ctx, spoken(ctx.tr("message_title"), text, time_said))


LAUNCHER_MAX_WIDTH = 1120
"""Widest the launcher's tiles spread (normal text), so that a wide screen keeps them compact."""


WIDEST = (1 << 24) - 1
"""Qt's QWIDGETSIZE_MAX: no maximum width (PySide6 does not export it)."""


LAUNCHER_FOUR_COLUMNS = 1280
"""Narrowest screen whose launcher has rows of four tiles (narrower: their names are cut)."""


def launcher_columns(count: int, large: bool = False, width: int = LAUNCHER_FOUR_COLUMNS) -> int:
    """How many tiles a row of the launcher holds: rows of 3, or 2 for 4, 4 past 6 on a
    screen ``width`` px wide enough for them; with large text, 2 (the words beside the
    icons need the width)."""
    if large:
        return min(count, 2) or 1
    if count <= 3:
        return max(count, 1)
    if count == 4:
        return 2
    return 3 if count <= 6 or width < LAUNCHER_FOUR_COLUMNS else 4


class LauncherPage(ScreenPage):
    """The visitor's programs, one big tile each (its icon, its name, what it is for).

    Tapping a tile starts the program and closes the launcher; Close goes back to the bar.
    """

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.icon = IconLabel("programs", 64)
        self.title = text_label("title")
        self.clock = IconLabel("clock", 40)
        self.time_left = text_label("big", wrap=False)
        self.tiles: list[AppTile] = []
        self._apps: tuple[AppView, ...] = ()
        self._large = False
        self._width = 0
        self.grid = QGridLayout()
        self.grid.setSpacing(20)
        self.error_icon = IconLabel("warning", 44)
        self.error = text_label("error")
        self.close_button = ActionButton("close", icon_size=48)
        self.close_button.clicked.connect(shell.close_launcher)
        self.read = ReadButton(40)
        self.read.clicked.connect(self._read)
        self.staff = StaffButton()
        self.staff.clicked.connect(shell.open_animator)

        header = QHBoxLayout()
        header.setSpacing(20)
        header.addWidget(self.icon)
        header.addWidget(self.title, 1)
        self.grid_holder = QWidget()
        self.grid_holder.setObjectName("appList")
        self.grid_holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.grid_holder.setLayout(self.grid)
        # Many programs, or large text: the tiles keep their size and the list scrolls.
        self.list = ScrollList(self.grid_holder)
        self.error_row, error_row = _bare_row(14)
        error_row.addWidget(self.error_icon)
        error_row.addWidget(self.error, 1)
        footer = self.footer = QHBoxLayout()
        footer.setSpacing(18)
        footer.addWidget(self.close_button)
        footer.addWidget(self.read)
        footer.addStretch(1)
        footer.addWidget(self.clock)
        footer.addWidget(self.time_left)
        footer.addSpacing(12)
        footer.addWidget(self.staff, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 24, 16)
        layout.setSpacing(18)
        layout.addLayout(header)
        layout.addLayout(_centered(self.list, LAUNCHER_MAX_WIDTH), 1)
        layout.addWidget(self.error_row)
        layout.addLayout(footer)

    def _read(self) -> None:
        text = launcher_speech(self._apps, self.shell.language)
        if self.shell.local.launch_failed:
            text += "\n" + i18n.tr("launch_failed", self.shell.language)
        self.shell.read_aloud(text)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The programs, in the policy's order; why the last one did not start."""
        if view is None:
            return
        large = ctx.theme.large
        width = self.window().width()
        if (view.apps, large, width) != (self._apps, self._large, self._width):
            self._apps, self._large, self._width = view.apps, large, width
            _clear(self.grid)
            self.tiles = []
            columns = launcher_columns(len(view.apps), large, width)
            for index, app in enumerate(view.apps):
                tile = AppTile()
                tile.set_beside(large)
                tile.clicked.connect(lambda _=False, a=app: self.shell.start_app(a))
                self.tiles.append(tile)
                self.grid.addWidget(tile, index // columns, index % columns)
                tile.show()
            # Columns of one width: a long word in one tile ("PDF-documenten") takes no
            # width from the tile next to it.
            for column in range(max(columns, self.grid.columnCount())):
                self.grid.setColumnStretch(column, 1 if column < columns else 0)
        # 96 px with any text size: big enough to find a program by its picture alone, and
        # large text needs the room for the words.
        # (A bit smaller with large text: two columns of names beside their icons.)
        size = 80 if large else 96
        tone = ctx.theme.tone()
        self.list.update_look(ctx)
        for app, tile in zip(view.apps, self.tiles, strict=True):
            picture = app_pixmap(app.icon, app_fallback_icon(app), size, tone)
            tile.update_look(app.name, app_kind(app, ctx.language), picture)
            tile.setMinimumHeight(120 if large else 150)
        # Large text: two columns of wide tiles across the whole screen. Otherwise compact,
        # unless a long word in a tile ("Presentaciones") needs the row wider.
        columns = launcher_columns(len(view.apps), large, width)
        widest = max((tile.minimumSizeHint().width() for tile in self.tiles), default=0)
        margins = self.grid.contentsMargins()
        bar = self.list.area.verticalScrollBar().sizeHint().width()
        needed = columns * widest + (columns - 1) * self.grid.spacing() + bar
        needed += margins.left() + margins.right()
        self.list.setMaximumWidth(WIDEST if large else max(LAUNCHER_MAX_WIDTH, needed))
        self.icon.update_look(ctx)
        self.title.setText(ctx.tr("launcher_title"))
        texts = bar_texts(view, ctx.language)
        self.clock.update_look(ctx)
        # Large text keeps the buttons whole: the time left shrinks to its count.
        self.time_left.setText(texts.time_short if large else texts.time_left)
        self.time_left.setAccessibleName(texts.time_left)
        failed = self.shell.local.launch_failed
        self.error.setText(ctx.tr("launch_failed") if failed else "")
        self.error_icon.update_look(ctx)
        self.error_row.setVisible(failed)
        self.close_button.update_look(ctx, ctx.tr("close"))
        close = self.close_button
        close.setMinimumWidth(ctx.theme.box(220))
        speaker = self.shell.speaker
        # Large text: the loudspeaker alone, the row keeps Close and the time left whole.
        self.read.show_state(
            ctx, available=speaker.available, speaking=speaker.speaking, words=not large
        )
        self.staff.update_look(ctx)
        self.staff.setVisible(view.animator_pin_set)
        if not large:
            self._fit_time_left(texts.time_left, width)

    def _fit_time_left(self, text: str, width: int) -> None:
        """The time left in its words on one line, or on two ("Mai aveți / 42 de minute")
        when the footer's buttons leave it too little room on a narrow screen."""
        room = width - 40 - 24  # the page's margins
        others = (self.close_button, self.read, self.clock, self.staff)
        shown = [widget for widget in others if not widget.isHidden()]
        for widget in shown:
            room -= max(widget.sizeHint().width(), widget.minimumWidth())
        room -= self.footer.spacing() * len(shown) + 12  # the gaps, and the one before the key
        metrics = self.time_left.fontMetrics()
        if metrics.horizontalAdvance(text) + 4 <= room:
            return
        digit = next((index for index, char in enumerate(text) if char.isdigit()), -1)
        cut = text.rfind(" ", 0, digit) if digit > 0 else -1
        self.time_left.setText(text[:cut] + "\n" + text[cut + 1 :] if cut > 0 else two_lines(text))


# -- after a session ----------------------------------------------------------------------


class EndingPage(StatusPage):
    """The session is over and the data is being erased; or, after a crash or a power cut,
    the PC finishes erasing what was left and says it is getting ready."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "hourglass", lines=2)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """Why it ended, said kindly, and that erasing is under way."""
        if view is not None and view.preparing:
            # Nobody's session ended in front of this screen: whoever stands there is
            # waiting for the PC, and only needs to know it will be theirs soon.
            self.draw(ctx, ctx.tr("preparing_title"), ctx.tr("preparing_detail"), "")
            return
        reason = view.end_reason if view is not None else None
        self.draw(
            ctx,
            ctx.tr("ending_title"),
            end_reason_text(reason, ctx.language),
            ctx.tr("erasing"),
        )


RECEIPT_WIDTH = 820
"""Widest the receipt's lines spread (normal text)."""
RECEIPT_FACTS = 4
"""Most lines of the receipt: time used, printing, the ticket, what was erased."""


class DonePage(StatusPage):
    """The session's receipt, each line with its pictogram: time used, pages printed and
    their price, what was left on a ticket, what was erased; then "touch to start"."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell, "shield", lines=1, button=("touch", "primary"), icon_size=88)
        assert self.button is not None
        self.button.clicked.connect(shell.dismiss_receipt)
        holder, self.facts = fact_rows(RECEIPT_FACTS, "clock")
        self.receipt = holder
        self.column.insertLayout(
            self.column.indexOf(self.title) + 1, _centered(holder, RECEIPT_WIDTH)
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A touch anywhere starts again, as the screen says."""
        self.shell.dismiss_receipt()
        event.accept()

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The receipt, line by line, and that the next visitor sees nothing of it."""
        if view is None:
            return
        lines = receipt_facts(view, ctx.language)
        # Large text: the shield stays on the "erased" line, the height goes to the words,
        # and the lines spread as wide as the text is big (fewer of them).
        self.icon.setVisible(not ctx.theme.large)
        self.receipt.setMaximumWidth(ctx.theme.px(RECEIPT_WIDTH))
        for index, (holder, icon, text) in enumerate(self.facts):
            line = lines[index] if index < len(lines) else None
            holder.setVisible(line is not None)
            if line is not None:
                icon.update_look(ctx, line[0])
                text.setText(line[1])
        self.draw(
            ctx,
            ctx.tr("done_title"),
            ctx.tr("done_private"),
            button=ctx.tr("done_start"),
            extra=tuple(text for _icon, text in lines),
        )


# -- staff ----------------------------------------------------------------------------------


STAFF_LANGUAGES = (Language.FR, Language.NL, Language.EN)
"""The languages of the staff menu's switch (the policy's ``staff.language`` choices)."""


class AnimatorPage(ScreenPage):
    """The animator's panel: PIN first, checked by the agent, then extend, end, lock or
    unlock. Written in the staff's language (the room's, or the one picked on the panel's
    FR / NL / EN switch), never in the visitor's, and laid out left to right.

    When the console sent its staff, each person taps their name (large buttons; the only
    one is tapped already) and types their own PIN; the menu then greets them by name, in
    their own language."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.icon = IconLabel("key", 64)
        self.title = text_label("title")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(40)
        self.pin.returnPressed.connect(self._pin_entered)
        self.pin.textEdited.connect(lambda _t: self.shell.clear_error())
        self.keypad = Keypad()
        self.keypad.typed.connect(self._typed)
        self.keypad.erased.connect(self.pin.backspace)
        self.keypad.entered.connect(self._pin_entered)
        self.error = text_label("error")
        self.steps = QStackedWidget()
        switch = self._build_switch()

        pin_step = self._build_pin_step()
        actions_step = self._build_actions()
        self.steps.addWidget(pin_step)
        self.steps.addWidget(actions_step)
        self.cancel = ActionButton("close")
        self.cancel.clicked.connect(shell.close_animator)

        head = _title_row(self.icon, self.title)
        # The language switch beside Cancel, not beside the title: with large text the
        # title needs the width, and the keypad the height its lines would take.
        footer = QHBoxLayout()
        footer.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeading)
        footer.addStretch(1)
        footer.addLayout(switch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 28)
        layout.setSpacing(22)
        self.error_icon = IconLabel("warning", 40)
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        error_row.addWidget(self.error, 1)
        layout.addLayout(head)
        layout.addWidget(self.steps, 1)
        layout.addLayout(error_row)
        layout.addLayout(footer)

    def _build_pin_step(self) -> QWidget:
        """The names to tap (when the console sent its staff) and the PIN field on the
        left, the keypad on the right."""
        pin_step, pin_row = _bare_row(48)
        pin_left = QVBoxLayout()
        pin_left.setSpacing(12)
        self.who = text_label("big")
        names = QWidget()
        names.setObjectName("page")
        self.names_grid = QGridLayout(names)
        self.names_grid.setContentsMargins(0, 0, 0, 0)
        self.names_grid.setSpacing(10)
        self.names = ScrollList(names)
        self.name_buttons: dict[int, ActionButton] = {}
        self._listed_staff: tuple[StaffMemberView, ...] | None = None
        self._name_columns = 2
        pin_left.addWidget(self.who)
        # As tall as the names need (a long roster scrolls), the PIN field right under it.
        pin_left.addWidget(self.names)
        pin_left.addWidget(self.pin)
        pin_left.addStretch(1)
        pin_row.addLayout(pin_left, 1)
        pin_row.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)
        return pin_step

    def _build_switch(self) -> QHBoxLayout:
        """The FR / NL / EN switch of the staff menu's language."""
        self.languages: dict[Language, ActionButton] = {}
        switch = QHBoxLayout()
        switch.setSpacing(6)
        for language in STAFF_LANGUAGES:
            button = ActionButton(None, centered=True, wrap=False)
            button.setCheckable(True)
            button.clicked.connect(
                lambda _=False, lang=language: self.shell.set_staff_language(lang)
            )
            self.languages[language] = button
            switch.addWidget(button)
        return switch

    def _build_actions(self) -> QWidget:
        actions_step = QWidget()
        grid = QGridLayout(actions_step)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(18)
        self.extend_15 = ActionButton("extend", icon_size=48)
        self.extend_15.clicked.connect(lambda: self._act("extend", 15))
        self.extend_30 = ActionButton("extend", icon_size=48)
        self.extend_30.clicked.connect(lambda: self._act("extend", 30))
        self.end = ActionButton("end", icon_size=48)
        self.end.clicked.connect(lambda: self._act("end"))
        self.lock = ActionButton("lock", icon_size=48)
        self.lock.clicked.connect(lambda: self._act("lock"))
        self.unlock = ActionButton("unlock", icon_size=48)
        self.unlock.clicked.connect(lambda: self._act("unlock"))
        # A PC not paired yet: staff connect it to the console from here.
        self.pair = ActionButton("connect", icon_size=48)
        self.pair.clicked.connect(lambda: self.shell.open_pairing(self.pin.text()))
        grid.addWidget(self.extend_15, 0, 0)
        grid.addWidget(self.extend_30, 0, 1)
        grid.addWidget(self.end, 1, 0)
        grid.addWidget(self.lock, 1, 1)
        grid.addWidget(self.unlock, 1, 1)
        grid.addWidget(self.pair, 2, 1)  # under Lock: off a session, the only column shown
        grid.setRowStretch(3, 1)
        return actions_step

    def entered(self) -> None:
        """Always ask the PIN again."""
        self.pin.clear()
        self.steps.setCurrentIndex(0)
        self.pin.setFocus()

    def _typed(self, digit: str) -> None:
        self.pin.insert(digit)
        self.shell.clear_error()

    def _pick(self, staff_id: int) -> None:
        self.shell.pick_staff(staff_id)
        self.pin.setFocus()

    def _pin_entered(self) -> None:
        if self.shell.local.busy:
            return
        view = self.shell.view
        if view is not None and view.staff and self.shell.chosen_staff is None:
            self.shell.refuse_here("empty_staff_name", "no name tapped")
            return
        if not self.pin.text():
            self.shell.refuse_here("empty_staff_pin", "no PIN typed")
            return
        # The agent checks it (a wrong one counts as a wrong try); the menu opens on its yes.
        self.shell.check_animator_pin(self.pin.text())

    def _act(self, action: str, minutes: int | None = None) -> None:
        if action in ("extend", "end", "lock", "unlock"):
            self.shell.animator(self.pin.text(), action, minutes)  # type: ignore[arg-type]

    def _draw_names(self, view: View | None, ctx: Ctx) -> None:
        """The roster's names, the one tapped checked (none: no roster): two to a row,
        three rows in sight, the others a scroll away; with large text one to a row."""
        staff = view.staff if view is not None else ()
        columns = 1 if ctx.theme.large else 2
        if staff != self._listed_staff or columns != self._name_columns:
            self._listed_staff, self._name_columns = staff, columns
            _clear(self.names_grid)
            self.name_buttons = {}
            for index, member in enumerate(staff):
                button = ActionButton("walk_in", icon_size=40)
                button.setCheckable(True)
                button.clicked.connect(lambda _=False, i=member.id: self._pick(i))
                self.names_grid.addWidget(button, index // columns, index % columns)
                button.show()  # now, not after the event loop's turn: it is drawn at once
                self.name_buttons[member.id] = button
        chosen = self.shell.chosen_staff
        height = ctx.theme.box(72)
        for member in staff:
            button = self.name_buttons[member.id]
            button.update_look(ctx, member.name)
            button.setChecked(member.id == chosen)
            button.setEnabled(not self.shell.local.busy)
            button.setMinimumHeight(height)
        self.who.setText(ctx.tr("staff_who"))
        self.who.setVisible(bool(staff))
        self.names.setVisible(bool(staff))
        self.names.update_look(ctx)
        rows = -(-len(staff) // columns)
        # Large text on a 768 px high screen: two names, or one and the cue that more follow.
        shown = (rows if rows <= 2 else 1) if ctx.theme.large else min(rows, 3)
        cue = self.names.cue_height if rows > shown else 0
        spacing = self.names_grid.spacing()
        self.names.setMinimumHeight(shown * (height + spacing) + cue)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The PIN keypad or the actions that make sense now, in the staff's language."""
        ctx = Ctx(self.shell.staff_language, ctx.theme)
        local = self.shell.local
        error = local.error
        if error is not None and error.code in ("wrong_pin", "too_many_tries"):
            # A wrong PIN is asked again; what was typed is no use.
            self.pin.clear()
        self.steps.setCurrentIndex(1 if local.staff_unlocked else 0)
        pin_step = not local.staff_unlocked
        self.icon.update_look(ctx)
        if pin_step:
            self.title.setText(ctx.tr("staff_pin_title"))
        elif local.staff_name is not None:
            self.title.setText(ctx.tr("staff_hello", name=local.staff_name))
        else:
            self.title.setText(ctx.tr("staff_actions"))
        self._draw_names(view, ctx)
        self.pin.setAccessibleName(ctx.tr("pin_code"))
        self.keypad.update_look(ctx)
        self.keypad.setEnabled(not local.busy)
        for language, button in self.languages.items():
            button.update_look(ctx, language.value.upper())
            button.setAccessibleName(f"{ctx.tr('staff_language')}: {language.native_name}")
            button.setToolTip(language.native_name)
            button.setChecked(language is ctx.language)
            button.setMinimumWidth(ctx.theme.px(72))
        in_session = view is not None and view.state in IN_SESSION | {State.IDLE}
        locked = view is not None and view.locked
        self.extend_15.update_look(ctx, ctx.tr("extend_by", n=15))
        self.extend_30.update_look(ctx, ctx.tr("extend_by", n=30))
        self.end.update_look(ctx, ctx.tr("staff_end"))
        self.lock.update_look(ctx, ctx.tr("staff_lock"))
        self.unlock.update_look(ctx, ctx.tr("staff_unlock"))
        for button in (self.extend_15, self.extend_30, self.end):
            button.setVisible(in_session)
        self.lock.setVisible(not locked)
        self.unlock.setVisible(locked)
        self.pair.update_look(ctx, ctx.tr("pair_open"))
        # Only with nobody in session: pairing starts the PC's history at the console.
        self.pair.setVisible(
            view is not None and not view.console_paired and view.state is State.WAITING
        )
        busy = local.busy
        actions = (self.extend_15, self.extend_30, self.end, self.lock, self.unlock, self.pair)
        for button in actions:
            button.setEnabled(not busy)
            button.setMinimumHeight(ctx.theme.box(88))
        self.error.setText(error_sentence(error, ctx.language))
        self.error_icon.update_look(
            ctx, EMPTY_FORM_ICONS.get(error.code if error else "", "warning")
        )
        self.error_icon.setVisible(error is not None)
        self.cancel.update_look(ctx, ctx.tr("cancel"))
        self.cancel.setMinimumWidth(ctx.theme.px(220))


class PairingPage(ScreenPage):
    """Staff connect a new PC to the console: pick it among the consoles found on the
    network (or type its address), type the one-time code the console shows, and read what
    happened. A step of the staff menu (past the animator PIN), in the staff's language,
    left to right; the agent pairs, the screen only asks and says."""

    def __init__(self, shell: ShellController) -> None:
        super().__init__(shell)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.chosen: str | None = None
        """The address of the console picked in the list (None: the typed one counts)."""
        self._listed: tuple[ConsoleView, ...] | None = None
        self.icon = IconLabel("connect", 64)
        self.title = text_label("title")
        self.form = ScrollList(self._build_form())
        # Not a QStackedWidget: it would not give the wrapped sentences their height.
        self.done = self._build_done()
        self.back = ActionButton("back")
        self.back.clicked.connect(shell.close_pairing)
        self.connect_button = ActionButton("connect", role="primary")
        self.connect_button.clicked.connect(self._connect)
        self.done_close = ActionButton("close")
        self.done_close.clicked.connect(shell.close_animator)

        head = _title_row(self.icon, self.title)
        footer = QHBoxLayout()
        footer.addWidget(self.back)
        footer.addWidget(self.done_close)
        footer.addStretch(1)
        footer.addWidget(self.connect_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 28, 48, 24)
        layout.setSpacing(16)
        layout.addLayout(head)
        layout.addWidget(self.form, 1)
        self.done_holder = ScrollList(self.done)
        layout.addWidget(self.done_holder, 1)
        layout.addLayout(footer)

    def _build_form(self) -> QWidget:
        """Two columns: which console (found, or typed) on the left, the code and what came
        of it on the right."""
        form, columns = _bare_row(40)
        form.setObjectName("page")  # the page's background under the scrolling form
        self.columns = columns
        columns.addLayout(self._build_found(), 1)
        columns.addLayout(self._build_code(), 1)
        return form

    def _build_found(self) -> QVBoxLayout:
        self.choose = text_label("big")
        self.search_again = ActionButton(None, wrap=False)
        self.search_again.clicked.connect(self.shell.find_consoles)
        choose_row = QHBoxLayout()
        choose_row.addWidget(self.choose, 1)
        choose_row.addWidget(self.search_again, 0, Qt.AlignmentFlag.AlignTop)
        self.found_state = text_label(
            "subtitle", Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop
        )
        found = QWidget()
        found.setObjectName("page")
        self.found_list = QVBoxLayout(found)
        self.found_list.setContentsMargins(0, 0, 0, 0)
        self.found_list.setSpacing(8)
        self.found = found
        self.found_buttons: dict[str, ActionButton] = {}
        self.address_caption = text_label()
        self.address = QLineEdit()
        self.address.setMaxLength(200)
        self.address.textEdited.connect(self._address_typed)
        self.address.returnPressed.connect(self._connect)
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addLayout(choose_row)
        # Either the list or what became of the search, in the same room: the fields below
        # stay in their place.
        left.addWidget(self.found_state, 1)
        left.addWidget(self.found, 1)
        left.addWidget(self.address_caption)
        left.addWidget(self.address)
        return left

    def _build_code(self) -> QVBoxLayout:
        self.code_caption = text_label("big")
        self.code = QLineEdit()
        self.code.setObjectName("pairingCode")
        self.code.setMaxLength(PAIRING_CODE_LETTERS + 1)
        self.code.setPlaceholderText("ABCDE-FGHJK")
        self.code.setAlignment(CENTER)
        self.code.textEdited.connect(self._code_typed)
        self.code.returnPressed.connect(self._connect)
        for field in (self.address, self.code):
            # Addresses and codes read left to right in every language.
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.error_icon = IconLabel("warning", 40)
        self.error = text_label("error")
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        error_row.addWidget(self.error, 1)
        right = QVBoxLayout()
        right.setSpacing(14)
        right.addWidget(self.code_caption)
        right.addWidget(self.code)
        right.addSpacing(6)
        right.addLayout(error_row)
        right.addStretch(1)
        return right

    def _build_done(self) -> QWidget:
        done = QWidget()
        done.setObjectName("page")
        column = self.done_column = QVBoxLayout(done)
        self.done_icon = IconLabel("accept", 96)
        self.done_title = text_label("title", CENTER)
        self.done_detail = text_label("subtitle", CENTER)
        column.setSpacing(20)
        column.addStretch(1)
        column.addWidget(self.done_icon, 0, CENTER)
        column.addWidget(self.done_title)
        column.addWidget(self.done_detail)
        column.addStretch(1)
        return done

    def entered(self) -> None:
        """A fresh form: nothing picked, nothing typed."""
        self.chosen = None
        self.address.clear()
        self.code.clear()
        self.code.setFocus()

    def _address_typed(self, _text: str) -> None:
        # Typing an address takes it instead of the console picked in the list.
        self.chosen = None
        for button in self.found_buttons.values():
            button.setChecked(False)
        self.shell.clear_error()

    def _code_typed(self, text: str) -> None:
        tidy = pairing_code_typing(text)
        if tidy != text:
            self.code.setText(tidy)
        self.shell.clear_error()

    def _pick(self, address: str) -> None:
        self.chosen = address
        for shown, button in self.found_buttons.items():
            button.setChecked(shown == address)  # tapped again: it stays the one chosen
        self.address.clear()
        self.shell.clear_error()
        self.code.setFocus()

    def _connect(self) -> None:
        if self.shell.local.busy or self.shell.local.paired_with is not None:
            return
        address = self.chosen or self.address.text().strip()
        problem = pairing_code_problem(self.code.text())
        if not address:
            self.shell.refuse_here("empty_console_address", "no console chosen")
        elif problem is not None:
            # Caught here: a code mistyped so is not sent, so it is not spent.
            self.code.setFocus()
            self.shell.refuse_here(problem, "not a pairing code")
        else:
            self.shell.pair_console(address, self.code.text())

    def _draw_list(self, consoles: tuple[ConsoleView, ...], ctx: Ctx) -> None:
        if consoles != self._listed:
            self._listed = consoles
            _clear(self.found_list)
            self.found_buttons = {}
            for console in consoles:
                button = ActionButton("connect", icon_size=36)
                button.setCheckable(True)
                button.clicked.connect(lambda _=False, a=console.address: self._pick(a))
                self.found_list.addWidget(button)
                self.found_buttons[console.address] = button
            self.found_list.addStretch(1)
            if self.chosen not in self.found_buttons:
                self.chosen = None
            if self.chosen is None and len(consoles) == 1 and not self.address.text():
                # The one console of the room: picked already, only the code is left.
                self.chosen = consoles[0].address
        for console in consoles:
            button = self.found_buttons[console.address]
            button.update_look(ctx, f"{console.name}\n{console_address_shown(console.address)}")
            button.setChecked(console.address == self.chosen)
            button.setAccessibleName(f"{console.name}, {console_address_shown(console.address)}")

    def _draw_found(self, ctx: Ctx) -> None:
        """Step 1: the search under way, the consoles found, or none."""
        local = self.shell.local
        self.choose.setText(ctx.tr("pair_choose"))
        self.search_again.update_look(ctx, ctx.tr("pair_search_again"))
        self.search_again.setEnabled(not local.searching and not local.busy)
        consoles = local.consoles or ()
        if local.searching or local.consoles is None:
            self.found_state.setText(ctx.tr("pair_searching"))
        elif not consoles:
            self.found_state.setText(ctx.tr("pair_none_found"))
        self.found_state.setVisible(local.searching or not consoles)
        self._draw_list(() if local.searching else consoles, ctx)
        self.found.setVisible(bool(consoles) and not local.searching)

    def show_view(self, view: View | None, ctx: Ctx) -> None:
        """The form, or what came of it, in the staff's language."""
        ctx = Ctx(self.shell.staff_language, ctx.theme)
        local = self.shell.local
        done = local.paired_with is not None
        self.form.setVisible(not done)
        self.done_holder.setVisible(done)
        self.icon.update_look(ctx)
        self.title.setText(ctx.tr("pair_open"))
        self._draw_found(ctx)
        # Large text: one column under the other, the whole form scrolling if it must.
        large = ctx.theme.large
        self.columns.setDirection(
            QBoxLayout.Direction.TopToBottom if large else QBoxLayout.Direction.LeftToRight
        )
        self.form.update_look(ctx)
        self.address_caption.setText(ctx.tr("pair_address"))
        self.address.setAccessibleName(ctx.tr("pair_address"))
        self.code_caption.setText(ctx.tr("pair_code"))
        self.code.setAccessibleName(ctx.tr("pair_code"))
        self.code.setMinimumHeight(ctx.theme.px(90))
        self.code.setStyleSheet(f"font-size: {ctx.theme.px(48)}px; font-weight: bold;")
        for field in (self.address, self.code):
            field.setEnabled(not local.busy)
        error = local.error
        if local.busy:
            self.error.setText(ctx.tr("pair_connecting"))
        else:
            self.error.setText(error_sentence(error, ctx.language))
        self.error_icon.update_look(ctx, "hourglass" if local.busy else "warning")
        self.error_icon.setVisible(local.busy or error is not None)
        if done:
            # Large text on a 768 px high screen: the words need the room between them.
            self.done_column.setSpacing(8 if ctx.theme.large else 20)
            self.done_holder.update_look(ctx)
            self.done_icon.update_look(ctx)
            self.done_title.setText(ctx.tr("pair_done", name=local.paired_with))
            self.done_detail.setText(ctx.tr("pair_done_detail"))
        self.back.update_look(ctx, ctx.tr("back"))
        self.back.setVisible(not done)
        self.back.setEnabled(not local.busy)
        self.connect_button.update_look(ctx, ctx.tr("pair_connect"))
        self.connect_button.setVisible(not done)
        self.connect_button.setEnabled(not local.busy)
        self.done_close.update_look(ctx, ctx.tr("close"))
        self.done_close.setVisible(done)
        for button in (self.back, self.done_close, self.connect_button):
            button.setMinimumWidth(ctx.theme.px(220))


def build_pages(shell: ShellController) -> dict[str, ScreenPage]:
    """Every screen, by :class:`~kiosk.shell.viewmodel.Screen` value."""
    return {
        "not_connected": NotConnectedPage(shell),
        "language": LanguagePage(shell),
        "login": LoginPage(shell),
        "ticket": CodePage(shell, LoginMode.TICKET),
        "member": CodePage(shell, LoginMode.MEMBER),
        "rules": RulesPage(shell),
        "closed": ClosedPage(shell),
        "updating": UpdatingPage(shell),
        "session": SessionPage(shell),
        "final": FinalPage(shell),
        "confirm_end": ConfirmEndPage(shell),
        "idle": IdlePage(shell),
        "locked": LockedPage(shell),
        "message": MessagePage(shell),
        "print": PrintPage(shell),
        "launcher": LauncherPage(shell),
        "ending": EndingPage(shell),
        "done": DonePage(shell),
        "animator": AnimatorPage(shell),
        "pairing": PairingPage(shell),
    }
