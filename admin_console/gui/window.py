"""The console's main window: the login screen, then the tabs (room, tickets, members,
usage, policy, team, my account) that the staff member's role allows.

The window speaks the logged-in staff member's own language: when it changes (at login,
or in "My account") every screen is drawn again in it; what the screens show is kept by
the controllers, so nothing is lost but half-typed fields."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLayout, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from admin_console.gui import i18n, icons
from admin_console.gui.account_view import AccountScreen
from admin_console.gui.controller import ConsoleController
from admin_console.gui.dialogs import Dialogs
from admin_console.gui.first_admin_view import FirstAdminScreen
from admin_console.gui.first_run_view import FirstRunScreen
from admin_console.gui.members_view import MembersScreen
from admin_console.gui.policy_view import PolicyScreen
from admin_console.gui.setup import window_title
from admin_console.gui.sites_view import SitesScreen
from admin_console.gui.team_view import TeamScreen
from admin_console.gui.tickets_view import TicketsScreen
from admin_console.gui.usage_view import UsageScreen
from admin_console.gui.widgets import LoginScreen, RoomScreen

STYLE = """
QWidget { font-size: 11pt; }
#loginBox { background: #ffffff; border: 1px solid #c5cbd3; border-radius: 12px; padding: 16px; }
#loginError { color: #b71c1c; font-weight: bold; }
#muted { color: #616161; }
#askPanel { background: #fff8e1; border: 1px solid #ffb300; border-radius: 8px; }
#helpPanel { background: #fafafa; border: 1px solid #c5cbd3; border-radius: 8px; }
#helpPanel QScrollArea, #helpRows { background: transparent; border: none; }
#helpWaiting { background: #ff8f00; border: 2px solid #c62828; border-radius: 8px; }
#helpTaken { background: #fff3e0; border: 1px solid #ffb74d; border-radius: 8px; }
#batchBox { background: #fffde7; border: 1px solid #fbc02d; border-radius: 8px; }
#ruleBox { background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; }
QLineEdit[bad="true"], QDateEdit[bad="true"] { border: 2px solid #b71c1c; }
#sectionTitle { font-weight: bold; }
#totals { background: #e3f2fd; border-radius: 6px; padding: 6px; }
"""

MANAGER_TABS = ("members", "usage", "team", "sites")


class ConsoleWindow(QWidget):
    """Login, then the tabs; back to login on logout or an expired token.

    A plain top-level widget, not a ``QMainWindow``: there is no menu or status bar, and a
    main window's layout asks the platform for size hints the offscreen plugin refuses.
    """

    def __init__(
        self,
        controller: ConsoleController,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.dialogs = dialogs or Dialogs()
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget()
        self._first_run_offered = False
        """The assistant was shown since this login ("later" keeps it away until the next)."""
        self._build()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(1200, 780)
        controller.first_admin_needed.connect(self._first_admin)
        controller.logged_in.connect(self._logged_in)
        controller.logged_out.connect(self._logged_out)
        controller.setup.loaded.connect(self._setup_loaded)
        controller.language_changed.connect(self._language_changed)
        # Here, not in _build: the window itself is not rebuilt when the language changes.
        controller.room_changed.connect(self._room_changed)
        controller.sites.sites_loaded.connect(self._sites_loaded)

    def _build(self) -> None:
        """Every screen, in the controller's language, in the stack."""
        controller = self.controller
        lang = controller.language
        self.setWindowTitle(window_title(controller.setup.state, lang))
        self.login = LoginScreen(controller)
        self.room = RoomScreen(controller)
        self.tickets = TicketsScreen(
            controller.tickets,
            self.dialogs,
            lambda: {pc.id: pc.name for pc in controller.pcs.values()},
        )
        self.members = MembersScreen(controller.members)
        self.usage = UsageScreen(controller.usage, self.dialogs)
        self.policy = PolicyScreen(
            controller.policy, lambda: controller.pcs, controller.printers, self._epn_name
        )
        self.team = TeamScreen(controller.team, controller, self.dialogs)
        self.account = AccountScreen(controller.account, self.dialogs)
        self.sites = SitesScreen(
            controller.sites,
            pcs=lambda: controller.pcs,
            me=lambda: controller.username,
            printers=controller.printers,
            epn_name=self._epn_name,
            dialogs=self.dialogs,
        )
        self.tabs = QTabWidget()
        self.tab_index: dict[str, int] = {}
        for key, icon, screen in (
            ("room", "clock", self.room),
            ("tickets", "ticket", self.tickets),
            ("members", "members", self.members),
            ("usage", "chart", self.usage),
            ("policy", "policy", self.policy),
            ("team", "team", self.team),
            ("sites", "members", self.sites),
            ("account", "key", self.account),
        ):
            self.tab_index[key] = self.tabs.addTab(
                screen, icons.icon(icon), i18n.text(f"tab.{key}", lang)
            )
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.tabs)
        self.first_run = FirstRunScreen(controller.policy, controller.setup, controller.printers)
        self.stack.addWidget(self.first_run)
        self.first_admin = FirstAdminScreen(controller)
        self.stack.addWidget(self.first_admin)
        controller.room_changed.connect(self.policy.show_pcs)
        self.first_run.done.connect(self._first_run_closed)
        self.first_run.later.connect(self._first_run_closed)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.room.logout.clicked.disconnect()
        self.room.logout.clicked.connect(self._logout)

    def _language_changed(self, _code: str) -> None:
        # Every screen again, in the new language, where staff were.
        shown = self.stack.currentWidget()
        place = next((n for n, w in self._places().items() if w is shown), "login")
        tab = next((k for k, i in self.tab_index.items() if i == self.tabs.currentIndex()), "room")
        old = [w for i in range(self.stack.count()) if (w := self.stack.widget(i)) is not None]
        for widget in old:
            self.stack.removeWidget(widget)
        self._build()
        for widget in old:
            widget.deleteLater()
        if self.controller.username:
            self._show_role()
            # The new choosers list the sites again and show the choices made before.
            self.room._sites_loaded()
            self._sites_loaded()
            self.room.site.show_choice(self.controller.room_site)
            self.usage.site.show_choice(self.controller.usage.site_id)
            self.room.redraw()
            self.policy.show_pcs()
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(self.tab_index[tab])
            self.tabs.blockSignals(False)
            self._tab_shown(self.tab_index[tab])
        self.stack.setCurrentWidget(self._places()[place])

    def _places(self) -> dict[str, QWidget]:
        return {
            "login": self.login,
            "tabs": self.tabs,
            "first_run": self.first_run,
            "first_admin": self.first_admin,
        }

    def _epn_name(self) -> str:
        state = self.controller.setup.state
        return state.epn_name if state else ""

    def _first_admin(self) -> None:
        # No account at all, on the console machine: the first admin is made here.
        self.first_admin.start()
        self.stack.setCurrentWidget(self.first_admin)

    def _logout(self) -> None:
        if self.may_close():
            self.controller.logout()

    def _show_role(self) -> None:
        """The tabs and buttons the staff member's role allows."""
        c = self.controller
        manager = c.at_least("manager")
        for key in MANAGER_TABS:
            self.tabs.setTabVisible(self.tab_index[key], manager)
        self.policy.set_editable(manager)
        self.sites.set_admin(c.at_least("admin"))
        self.room.pair_pc.setVisible(c.at_least("admin"))  # the console makes codes for admins

    def _logged_in(self, _name: str) -> None:
        c = self.controller
        self.first_admin.start()  # no password stays in a hidden field
        self._show_role()
        self.account.start()
        self.tabs.setCurrentIndex(self.tab_index["room"])
        self.stack.setCurrentWidget(self.tabs)
        self._first_run_offered = False
        c.setup.load()
        c.help.start()

    def _setup_loaded(self) -> None:
        c = self.controller
        self.setWindowTitle(window_title(c.setup.state, c.language))
        if c.at_least("admin") and not c.setup.finished and not self._first_run_offered:
            # Never set up: an admin is walked through the first settings.
            self._first_run_offered = True
            self.stack.setCurrentWidget(self.first_run)
            self.first_run.start()

    def _first_run_closed(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(self.tab_index["room"])

    def _tab_shown(self, index: int) -> None:
        # Each tab loads what it shows when staff open it: nothing is fetched for nothing.
        c = self.controller
        if not c.username:
            return
        if index == self.tab_index["tickets"]:
            c.tickets.load(self.tickets.filter.currentData())
        elif index == self.tab_index["members"] and c.at_least("manager"):
            c.members.load()
        elif index == self.tab_index["usage"] and c.at_least("manager"):
            self.usage.load()
        elif index == self.tab_index["policy"]:
            c.policy.load()
        elif index == self.tab_index["team"] and c.at_least("manager"):
            c.team.load()
        elif index == self.tab_index["account"]:
            self.account.start()
        elif index == self.tab_index["sites"] and c.at_least("manager"):
            self.sites.load()

    def _sites_loaded(self) -> None:
        self.usage.site.set_sites(self.controller.sites.sites)

    def _room_changed(self) -> None:
        # The Sites tab's PCs follow the room while it is shown (a PC moved, came online).
        if self.tabs.currentWidget() is self.sites:
            self.sites.pcs.redraw()

    def _logged_out(self, why: str) -> None:
        self.room.pair_pc.hide()
        self.room.pairing.hide()
        self.setWindowTitle(window_title(None, self.controller.language))
        self.stack.setCurrentWidget(self.login)
        self.login.show_error(why)

    def may_close(self) -> bool:
        """False when staff chose to keep the window for unprinted ticket codes."""
        lang = self.controller.language
        if not self.controller.tickets.unprinted:
            return True
        return self.dialogs.confirm(
            self,
            i18n.text("tickets.unprinted_title", lang),
            i18n.counted("tickets.unprinted_close", lang, len(self.controller.tickets.issued)),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Codes that were never printed are lost for good: ask first."""
        if self.may_close():
            event.accept()
        else:
            self.tabs.setCurrentIndex(self.tab_index["tickets"])
            event.ignore()
