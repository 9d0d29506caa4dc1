"""The console's widgets. They draw what the view-model computed and call the controller;
they decide nothing."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from admin_console.gui import i18n, icons
from admin_console.gui.controller import ConsoleController
from admin_console.gui.help_view import HelpPanel
from admin_console.gui.pairing_view import PairingDialog
from admin_console.gui.power import PowerAction, PowerQuestion, ask_one, ask_room, targets
from admin_console.gui.power_view import PowerDialog, power_menu
from admin_console.gui.site_chooser import SiteChooser
from admin_console.gui.sites import room_grid, site_name
from admin_console.gui.viewmodel import (
    OUTCOME_COLOURS,
    SELECTED_BORDER,
    TileView,
    result_line,
    room_order,
    tile_view,
    workshop_refusals,
)

TILE_WIDTH = 200
TILE_HEIGHT = 150
_ROOM_ACTIONS = frozenset({"workshop", "out_of_order", "back_in_order"})
CLOCK_MS = 250
"""How often the tiles' time left is looked at: a quarter second keeps it within the
second the PC's bar shows."""


def _big(widget: QWidget, points: int, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)


class LoginScreen(QWidget):
    """Username, password, a button, and a line saying what went wrong."""

    def __init__(self, controller: ConsoleController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        lang = controller.language
        box = QFrame(self)
        box.setObjectName("loginBox")
        box.setFixedWidth(420)
        title = QLabel(i18n.text("login.title", lang))
        _big(title, 18, bold=True)
        self.username = QLineEdit()
        self.username.setPlaceholderText(i18n.text("login.username", lang))
        self.username.setAccessibleName(i18n.text("login.username", lang))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(i18n.text("login.password", lang))
        self.password.setAccessibleName(i18n.text("login.password", lang))
        self.submit = QPushButton(i18n.text("login.submit", lang))
        self.submit.setDefault(True)
        self.error = QLabel("")
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("error")
        self.error.setMinimumHeight(80)  # three lines: a wrapped label does not grow its box
        self.error.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        where = QLabel(i18n.text("login.console", lang, url=controller.endpoint.url))
        where.setObjectName("muted")
        inner = QVBoxLayout(box)
        inner.setSpacing(12)
        for widget in (title, self.username, self.password, self.submit, self.error, where):
            inner.addWidget(widget)
        for edit in (self.username, self.password):
            _big(edit, 13)
            edit.setMinimumHeight(40)
        self.submit.setMinimumHeight(44)
        _big(self.submit, 13, bold=True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)
        controller.login_failed.connect(self.show_error)
        controller.logged_in.connect(self._reset)

    def _submit(self) -> None:
        self.error.setText("")
        self.submit.setEnabled(False)
        self.submit.setText(i18n.text("login.busy", self.controller.language))
        self.controller.login(self.username.text(), self.password.text())

    def show_error(self, message: str) -> None:
        """Say what went wrong; the password is cleared for the next try."""
        self.error.setText(message)
        self.password.clear()
        self.password.setFocus()
        self._ready()

    def _ready(self) -> None:
        self.submit.setEnabled(True)
        self.submit.setText(i18n.text("login.submit", self.controller.language))

    def _reset(self, _username: str = "") -> None:
        # A bound method, not a lambda: it goes with this screen when the window redraws.
        self.password.clear()
        self.error.setText("")
        self._ready()


class Tile(QFrame):
    """One PC: name, location, state in words and colour. A click selects it; its menu
    button (or a right click, or the menu key) asks for the PC's own actions."""

    clicked = Signal(int)
    menu_asked = Signal(int, QPoint)
    """The PC's id and where (on screen) its menu opens."""

    def __init__(self, view: TileView, menu_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu_label = menu_label
        self.setFixedSize(TILE_WIDTH, TILE_HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.name = QLabel()
        _big(self.name, 14, bold=True)
        self.location = QLabel()
        self.icon = QLabel()
        self.icon.setFixedSize(28, 28)
        self.headline = QLabel()
        _big(self.headline, 12, bold=True)
        # A long state ("Reading the house rules") goes on two lines, not cut.
        self.headline.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.notice = QLabel()  # beside the location: the tile keeps its lines for the state
        _big(self.notice, 9, bold=True)
        self.more = QToolButton()
        self.more.setObjectName("tileMenu")
        self.more.setAutoRaise(True)
        self.more.setFixedSize(28, 28)
        self.more.clicked.connect(self._more_clicked)
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.icon)
        top.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        place = QHBoxLayout()
        place.addWidget(self.location, 1)
        place.addWidget(self.notice)
        layout.addLayout(place)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        self.view = view
        self.show_view(view)

    def show_view(self, view: TileView) -> None:
        """Draw ``view``."""
        self.view = view
        c = view.colours
        border = f"4px solid {SELECTED_BORDER}" if view.selected else f"2px solid {c.border}"
        self.setStyleSheet(
            f"Tile {{ background: {c.background}; border: {border}; border-radius: 10px; }}"
            f"Tile QLabel {{ color: {c.text}; background: transparent; border: none; }}"
        )
        self.name.setText(("✔ " if view.selected else "") + view.name)
        self.location.setText(view.location)
        self.headline.setText(view.headline)
        self.detail.setText(view.detail)
        self.notice.setText(f"⚠ {view.notice}" if view.notice else "")
        self.notice.setVisible(bool(view.notice))
        self.notice.setToolTip(view.notice_why)
        if view.icon:
            self.icon.setPixmap(icons.pixmap(view.icon, 28, c.text))
        else:
            self.icon.clear()
        self.more.setIcon(icons.icon("more", c.text))
        self.more.setToolTip(self.menu_label)
        self.more.setAccessibleName(f"{view.name}: {self.menu_label}")
        said = (f"{view.name}:", view.headline, view.detail, view.notice_why)
        self.setAccessibleName(" ".join(part for part in said if part))

    def _more_clicked(self) -> None:
        self.menu_asked.emit(self.view.pc_id, self.more.mapToGlobal(self.more.rect().bottomLeft()))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right click or the menu key: the PC's menu."""
        self.menu_asked.emit(self.view.pc_id, event.globalPos())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click toggles the selection."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.view.pc_id)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space toggles the selection too."""
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return):
            self.clicked.emit(self.view.pc_id)
            return
        super().keyPressEvent(event)


class AskPanel(QFrame):
    """The question an action needs before it goes: minutes, a reason, a message text."""

    def __init__(self, controller: ConsoleController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        lang = controller.language
        self.setObjectName("askPanel")
        self.question = QLabel()
        _big(self.question, 12, bold=True)
        self.pages = QStackedWidget()
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 240)
        self.minutes.setValue(45)
        self.minutes.setSuffix(" min")
        self.text = QLineEdit()
        self.text.setMaxLength(500)
        self.reasons = QWidget()
        reason_row = QHBoxLayout(self.reasons)
        reason_row.setContentsMargins(0, 0, 0, 0)
        self.reason_buttons: list[QPushButton] = []
        for key in ("reason.rules", "reason.closing", "reason.asked"):
            reason = i18n.text(key, lang)
            button = QPushButton(reason)
            button.clicked.connect(partial(self.text.setText, reason))
            reason_row.addWidget(button)
            self.reason_buttons.append(button)
        reasons_page = QWidget()
        reasons_layout = QVBoxLayout(reasons_page)
        reasons_layout.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self.minutes)
        self.pages.addWidget(reasons_page)
        self.reasons_layout = reasons_layout
        self.pages.addWidget(self._build_workshop())
        self.print_pages = QSpinBox()
        self.print_pages.setRange(1, 200)
        self.print_pages.setValue(5)
        self.pages.addWidget(self.print_pages)
        self.problem = QLabel()
        self.problem.setObjectName("loginError")
        self.confirm = QPushButton(i18n.text("action.confirm", lang))
        self.cancel = QPushButton(i18n.text("action.cancel", lang))
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.pages)
        layout.addLayout(buttons)
        self.action = ""
        self.confirm.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self.hide)
        self.text.returnPressed.connect(self._confirm)
        self.hide()

    def _build_workshop(self) -> QWidget:
        lang = self.controller.language
        workshop_page = QWidget()
        self.workshop_title = QLineEdit()
        self.workshop_title.setMaxLength(80)
        self.workshop_title.setPlaceholderText(i18n.text("workshop.title_hint", lang))
        self.workshop_minutes = QSpinBox()
        self.workshop_minutes.setRange(5, 8 * 60)
        self.workshop_minutes.setSingleStep(15)
        self.workshop_minutes.setValue(90)
        self.workshop_minutes.setSuffix(" min")
        self.participants = QSpinBox()
        self.participants.setRange(1, 200)
        workshop_row = QHBoxLayout(workshop_page)
        workshop_row.setContentsMargins(0, 0, 0, 0)
        workshop_row.addWidget(QLabel(i18n.text("workshop.title", lang)))
        workshop_row.addWidget(self.workshop_title, 1)
        workshop_row.addWidget(QLabel(i18n.text("workshop.minutes", lang)))
        workshop_row.addWidget(self.workshop_minutes)
        workshop_row.addWidget(QLabel(i18n.text("workshop.participants", lang)))
        workshop_row.addWidget(self.participants)
        return workshop_page

    def ask(self, action: str) -> None:
        """Open the question for ``extend``, ``end``, ``message``, ``workshop`` or
        ``out_of_order``."""
        lang = self.controller.language
        self.action = action
        self.problem.setText("")
        self.text.clear()
        if action == "extend":
            self.question.setText(i18n.text("ask.minutes", lang))
            self.pages.setCurrentIndex(0)
        elif action == "workshop":
            count = len(self.controller.selected)
            self.question.setText(i18n.counted("ask.workshop", lang, count))
            self.participants.setValue(max(1, count))
            self.pages.setCurrentIndex(2)
        elif action in ("grant_pages", "release_print"):
            self.question.setText(i18n.text(f"ask.{action}", lang))
            self.pages.setCurrentIndex(3)
        else:
            key = {"end": "ask.reason", "out_of_order": "ask.out_of_order"}.get(
                action, "ask.message"
            )
            self.question.setText(i18n.text(key, lang))
            self.reasons_layout.addWidget(self.reasons)
            self.reasons_layout.addWidget(self.text)
            self.reasons.setVisible(action == "end")
            self.pages.setCurrentIndex(1)
        self.show()
        focus = {
            "extend": self.minutes,
            "workshop": self.workshop_title,
            "grant_pages": self.print_pages,
            "release_print": self.print_pages,
        }
        focus.get(action, self.text).setFocus()

    def _confirm(self) -> None:
        if self.action == "extend":
            self.controller.extend(self.minutes.value())
        elif self.action == "grant_pages":
            self.controller.grant_pages(self.print_pages.value())
        elif self.action == "release_print":
            self.controller.release_print(self.print_pages.value())
        elif self.action == "workshop":
            if not self.workshop_title.text().strip():
                self.problem.setText(i18n.text("ask.empty", self.controller.language))
                return
            self.controller.workshop(
                self.workshop_title.text(), self.workshop_minutes.value(), self.participants.value()
            )
        elif not self.text.text().strip():
            self.problem.setText(i18n.text("ask.empty", self.controller.language))
            return
        elif self.action == "end":
            self.controller.end(self.text.text())
        elif self.action == "out_of_order":
            self.controller.out_of_order(self.text.text())
        else:
            self.controller.message(self.text.text())
        self.hide()


class RoomScreen(QWidget):
    """The room: tiles, the selection's actions, the results of the last action."""

    def __init__(self, controller: ConsoleController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        lang = controller.language
        header = self._build_header()
        scroll = self._build_grid()
        actions = self._build_actions()
        self.results_title = QLabel(i18n.text("results.title", lang))
        _big(self.results_title, 11, bold=True)
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        self.refusals = QLabel()
        self.refusals.setObjectName("workshopRefusals")
        self.refusals.setWordWrap(True)
        self.refusals.setStyleSheet(
            "QLabel#workshopRefusals { color: #b71c1c; background: #ffebee;"
            " border: 2px solid #b71c1c; border-radius: 6px; padding: 6px; }"
        )
        _big(self.refusals, 12, bold=True)
        self.refusals.hide()

        self.help = HelpPanel(controller.help, lambda: controller.username)
        middle = QHBoxLayout()
        room_column = QVBoxLayout()
        room_column.addWidget(self.empty)
        room_column.addWidget(scroll, 1)
        middle.addLayout(room_column, 1)
        middle.addWidget(self.help)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(middle, 1)
        layout.addLayout(actions)
        layout.addWidget(self.ask)
        layout.addWidget(self.refusals)
        layout.addWidget(self.results_title)
        layout.addWidget(self.results)
        self._connect()
        self._live(False)
        # The tiles' time left counts down here, from each PC's deadline, between the
        # statuses (a PC reports on each change and once a minute).
        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_MS)
        self.clock.timeout.connect(self.tick)
        self.clock.start()
        self.redraw()

    def _build_header(self) -> QHBoxLayout:
        lang = self.controller.language
        title = QLabel(i18n.text("room.title", lang))
        _big(title, 18, bold=True)
        self.live = QLabel()
        self.user = QLabel()
        self.logout = QPushButton(icons.icon("logout"), i18n.text("room.logout", lang))
        self.pair_pc = QPushButton(icons.icon("broken"), i18n.text("pairing.open", lang))
        self.pair_pc.hide()  # admins only: shown at their login
        self.pairing = PairingDialog(self.controller.pairing, self)
        self.pair_pc.clicked.connect(self.show_pairing)
        # The whole room's power: managers only (shown at their login).
        self.shut_down_all = QPushButton(
            icons.icon("power"), i18n.text("power.shut_down_all", lang)
        )
        self.wake_all = QPushButton(icons.icon("wake"), i18n.text("power.wake_all", lang))
        for button in (self.shut_down_all, self.wake_all):
            button.hide()
        self.power_dialog = PowerDialog(lang, self)
        self.power_menu_shown: QMenu | None = None
        """The last PC menu opened (tests and pictures pick from it)."""
        # Staff of several sites choose which room they see (hidden with one site).
        self.site = SiteChooser(lang)
        self.site.chosen.connect(self.controller.show_site)
        self.controller.sites.sites_loaded.connect(self._sites_loaded)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(16)
        header.addWidget(self.live)
        header.addSpacing(16)
        header.addWidget(self.site)
        header.addStretch(1)
        header.addWidget(self.wake_all)
        header.addWidget(self.shut_down_all)
        header.addSpacing(16)
        header.addWidget(self.pair_pc)
        header.addSpacing(16)
        header.addWidget(self.user)
        header.addWidget(self.logout)
        self._header = header
        return header

    def _sites_loaded(self) -> None:
        sites = self.controller.sites.sites
        self.site.set_sites(sites)
        self.pairing.site.set_sites(sites)
        self.redraw()  # the tiles say their site when the room shows several

    def show_pairing(self) -> None:
        """The dialog with a fresh code for a new PC (the window stays usable)."""
        self.pairing.show()
        self.pairing.ask()

    def _build_grid(self) -> QScrollArea:
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(12)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.grid_scroll = scroll
        self.empty = QLabel(i18n.text("room.empty", self.controller.language))
        self.tiles: dict[int, Tile] = {}
        self.titles: dict[int, QLabel] = {}
        """Each site's name above its tiles, when the room shows several."""
        return scroll

    def _build_actions(self) -> QVBoxLayout:
        lang = self.controller.language

        self.selection = QLabel()
        _big(self.selection, 12, bold=True)
        self.select_all = QPushButton(i18n.text("select.all", lang))
        self.select_none = QPushButton(i18n.text("select.none", lang))
        self.buttons: dict[str, QPushButton] = {}
        selection = QHBoxLayout()
        selection.addWidget(self.selection)
        selection.addSpacing(16)
        selection.addWidget(self.select_all)
        selection.addWidget(self.select_none)
        selection.addStretch(1)
        buttons = QHBoxLayout()
        actions = QVBoxLayout()
        actions.addLayout(selection)
        actions.addLayout(buttons)
        for key, icon_name in (
            ("extend15", "extend"),
            ("extend30", "extend"),
            ("extend_custom", "extend"),
            ("end", "end"),
            ("lock", "lock"),
            ("unlock", "unlock"),
            ("message", "message"),
            ("grant_pages", "print"),
            ("release_print", "print"),
            ("workshop", "workshop"),
            ("out_of_order", "broken"),
            ("back_in_order", "done"),
        ):
            # A left-to-right mark first: in a right-to-left layout "+15 min" stays "+15 min".
            label = "\u200e" + i18n.text(f"action.{key}", lang)
            button = QPushButton(icons.icon(icon_name), label)
            button.setMinimumHeight(40)
            # Session actions on the lower row; what concerns the PC itself on the upper one.
            (selection if key in _ROOM_ACTIONS else buttons).addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        self.ask = AskPanel(self.controller)
        return actions

    def _connect(self) -> None:
        c = self.controller
        self.buttons["extend15"].clicked.connect(lambda: c.extend(15))
        self.buttons["extend30"].clicked.connect(lambda: c.extend(30))
        self.buttons["extend_custom"].clicked.connect(lambda: self.ask.ask("extend"))
        self.buttons["end"].clicked.connect(lambda: self.ask.ask("end"))
        self.buttons["lock"].clicked.connect(c.lock)
        self.buttons["unlock"].clicked.connect(c.unlock)
        self.buttons["message"].clicked.connect(lambda: self.ask.ask("message"))
        self.buttons["workshop"].clicked.connect(lambda: self.ask.ask("workshop"))
        self.buttons["grant_pages"].clicked.connect(lambda: self.ask.ask("grant_pages"))
        self.buttons["release_print"].clicked.connect(lambda: self.ask.ask("release_print"))
        self.buttons["out_of_order"].clicked.connect(lambda: self.ask.ask("out_of_order"))
        self.buttons["back_in_order"].clicked.connect(c.back_in_order)
        self.select_all.clicked.connect(lambda: c.select(c.shown_pcs()))
        self.select_none.clicked.connect(lambda: c.select(()))
        self.logout.clicked.connect(c.logout)
        self.shut_down_all.clicked.connect(lambda: self.ask_power_room(PowerAction.SHUT_DOWN))
        self.wake_all.clicked.connect(lambda: self.ask_power_room(PowerAction.WAKE))
        self.power_dialog.confirmed.connect(self._power_confirmed)
        c.room_changed.connect(self.redraw)
        c.selection_changed.connect(self.redraw)
        c.results_changed.connect(self.redraw_results)
        c.live_changed.connect(self._live)
        c.logged_in.connect(self._user)

    def _user(self, name: str) -> None:
        c = self.controller
        self.user.setText(i18n.text("room.user", c.language, user=name))
        for button in (self.shut_down_all, self.wake_all):
            button.setVisible(c.at_least("manager"))

    def show_power_menu(self, pc_id: int, where: QPoint) -> QMenu | None:
        """The PC's menu at ``where``; the action picked is asked before it goes."""
        c = self.controller
        pc = c.pcs.get(pc_id)
        if pc is None:
            return None
        menu = power_menu(pc, c.language, self)
        menu.triggered.connect(lambda item: self.ask_power_one(PowerAction(item.data()), pc_id))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(where)
        self.power_menu_shown = menu
        return menu

    def ask_power_one(self, action: PowerAction, pc_id: int) -> None:
        """Ask before ``action`` goes to one PC."""
        c = self.controller
        pc = c.pcs.get(pc_id)
        if pc is not None:
            self.power_dialog.ask(ask_one(action, pc, c.language))

    def ask_power_room(self, action: PowerAction) -> None:
        """Ask before ``action`` goes to every PC of the room it can reach."""
        c = self.controller
        self.power_dialog.ask(ask_room(action, list(c.shown_pcs().values()), c.language))

    def _power_confirmed(self, question: PowerQuestion) -> None:
        # One PC goes by its own route (an animator's); several in one request.
        if len(question.pc_ids) == 1:
            self.controller.power_one(question.action, question.pc_ids[0])
        elif question.pc_ids:
            self.controller.power_room(question.action, question.pc_ids)

    def _live(self, live: bool) -> None:
        lang = self.controller.language
        if live:
            self.live.setText("● " + i18n.text("room.live", lang))
            self.live.setStyleSheet("color: #1b5e20; font-weight: bold;")
        else:
            self.live.setText("● " + i18n.text("room.reconnecting", lang))
            self.live.setStyleSheet("color: #b71c1c; font-weight: bold;")

    def resizeEvent(self, event: QResizeEvent) -> None:
        """As many tiles in a row as fit."""
        super().resizeEvent(event)
        self.redraw()

    def redraw(self) -> None:
        """Draw the tiles and the selection from the controller."""
        c = self.controller
        pcs = room_order(c.shown_pcs())
        sites = c.sites.sites
        # The room of several sites: site by site, each under its name.
        several = c.room_site is None and len({pc.site_id for pc in pcs}) > 1
        now = c.console_now()
        room_width = self.grid_scroll.viewport().width() if self.grid_scroll.isVisible() else 0
        if room_width < TILE_WIDTH:
            room_width = max(self.width(), 900) - self.help.width() - 20
        spacing = self.grid.spacing()
        columns = max(1, (room_width - 20 + spacing) // (TILE_WIDTH + spacing))
        seen = set()
        grid = room_grid(pcs, columns, sites, several)
        self._site_titles(grid.titles, columns)
        for pc, row, column in grid.cells:
            view = tile_view(pc, c.language, selected=pc.id in c.selected, now=now)
            tile = self.tiles.get(pc.id)
            if tile is None:
                tile = Tile(view, i18n.text("power.menu", c.language))
                tile.clicked.connect(c.toggle)
                tile.menu_asked.connect(self.show_power_menu)
                self.tiles[pc.id] = tile
            elif tile.view != view:
                tile.show_view(view)
            here = self.grid.itemAtPosition(row, column)
            if here is None or here.widget() is not tile:
                # Adding a widget twice leaves its old cell behind: move it, do not copy it.
                self.grid.removeWidget(tile)
                self.grid.addWidget(tile, row, column)
            seen.add(pc.id)
        for pc_id in set(self.tiles) - seen:
            gone = self.tiles.pop(pc_id)
            # Out of the grid at once: a PC of another site goes the moment it is chosen.
            self.grid.removeWidget(gone)
            gone.hide()
            gone.deleteLater()
        # Said outright: the scroll area does not always hear that the grid grew, and a
        # squeezed grid draws tiles on top of each other instead of scrolling.
        margins = self.grid.contentsMargins()
        titles = sum(t.sizeHint().height() + self.grid.spacing() for t in self.titles.values())
        self.grid_host.setMinimumHeight(
            grid.rows * (TILE_HEIGHT + self.grid.spacing())
            + titles
            + margins.top()
            + margins.bottom()
        )
        self.empty.setText(
            i18n.text("room.empty_site" if c.room_site else "room.empty", c.language)
        )
        self.empty.setVisible(not pcs)
        count = len(c.selected)
        lang = c.language
        self.selection.setText(
            i18n.counted("select.count", lang, count) if count else i18n.text("select.hint", lang)
        )
        for button in self.buttons.values():
            button.setEnabled(count > 0)
        pcs_now = list(c.shown_pcs().values())
        self.shut_down_all.setEnabled(bool(targets(PowerAction.SHUT_DOWN, pcs_now)))
        self.wake_all.setEnabled(bool(targets(PowerAction.WAKE, pcs_now)))
        if not count:
            self.ask.hide()

    def _site_titles(self, titles: list[tuple[int, int]], columns: int) -> None:
        # One title row per site above its tiles (none with one site shown).
        sites = self.controller.sites.sites
        wanted = dict(titles)
        for site_id in set(self.titles) - set(wanted):
            old = self.titles.pop(site_id)
            self.grid.removeWidget(old)
            old.hide()  # gone now, not at the next turn of the event loop
            old.deleteLater()
        for site_id, row in titles:
            label = self.titles.get(site_id)
            if label is None:
                label = QLabel()
                label.setObjectName("sectionTitle")
                _big(label, 13, bold=True)
                self.titles[site_id] = label
            label.setText(site_name(sites, site_id))
            self.grid.removeWidget(label)
            self.grid.addWidget(label, row, 0, 1, columns)

    def tick(self) -> None:
        """Redraw the tiles whose words changed with the time (the time left)."""
        c = self.controller
        now = c.console_now()
        for pc_id, tile in self.tiles.items():
            pc = c.pcs.get(pc_id)
            if pc is None:
                continue
            view = tile_view(pc, c.language, selected=pc_id in c.selected, now=now)
            if view != tile.view:
                tile.show_view(view)

    def redraw_results(self) -> None:
        """One line per PC of the last action."""
        self.results.clear()
        # A workshop that did not start everywhere says so above the list, PC by PC.
        lines = workshop_refusals(self.controller.results, self.controller.language)
        self.refusals.setText("\n".join(lines))
        self.refusals.setVisible(bool(lines))
        for result in self.controller.results:
            item = QListWidgetItem(result_line(result, self.controller.language))
            item.setForeground(QColor(OUTCOME_COLOURS[result.outcome]))
            self.results.addItem(item)
