"""The console GUI's controller: what the widgets call; it calls the client and keeps the
room, the selection and the results. No widget talks to the network.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal

from admin_console.api.room import CommandResponse, KioskTile, PowerResponse, PowerResult
from admin_console.api.staff import LoginResponse, Me
from admin_console.gui import calls, i18n
from admin_console.gui.account import AccountDesk
from admin_console.gui.calls import BAD_REPLY, read_reply
from admin_console.gui.client import ConsoleClient, Endpoint, Failure, Reply, RoomFeed
from admin_console.gui.helpqueue import HelpQueue
from admin_console.gui.members import MemberDesk
from admin_console.gui.pairing import PairingDesk
from admin_console.gui.policy import PolicyDesk
from admin_console.gui.power import PowerAction
from admin_console.gui.printers import PrinterDesk
from admin_console.gui.setup import SetupDesk
from admin_console.gui.sites import SitesDesk, pcs_of_site
from admin_console.gui.tab_controller import Now, Section, api_error, check_text
from admin_console.gui.team import TeamDesk
from admin_console.gui.tickets import TicketDesk
from admin_console.gui.usage import UsageReview
from admin_console.gui.viewmodel import (
    CommandResult,
    Outcome,
    locked_minutes,
    outcome_of,
    power_outcome,
    seconds_left_at,
)
from policies import Language

log = logging.getLogger(__name__)

ROLES = ("animator", "manager", "admin")
"""Staff roles, each allowed what the one before may do, and more."""


def login_error(reply: Reply, language: Language, now: dt.datetime) -> str:
    """The sentence for a failed login."""
    if reply.failure is Failure.TLS_MISMATCH:
        return i18n.text("net.tls_mismatch", language)
    if reply.failure is not None:
        return i18n.text("net.unreachable", language)
    if reply.status == 401:
        return i18n.text("login.wrong", language)
    if reply.status == 429:  # this computer tried too often: it waits
        return i18n.counted("login.locked", language, locked_minutes(reply.detail, now))
    if reply.status == 403:
        return i18n.text("login.forbidden", language)
    return i18n.text("net.error", language, detail=reply.detail or str(reply.status))


def _asks_help(pc: KioskTile) -> bool:
    return pc.status is not None and pc.status.help_requested


class ConsoleController(QObject):
    """The staff session: login, the live room, the selection, actions and their results."""

    logged_in = Signal(str)
    """The username."""
    logged_out = Signal(str)
    """Back to the login screen, with a sentence saying why (empty: staff asked)."""
    login_failed = Signal(str)
    first_admin_needed = Signal()
    """The console has no account yet and this is its machine: make the first admin."""
    first_admin_failed = Signal(str)
    """The first admin account was not made: the sentence to show."""
    room_changed = Signal()
    selection_changed = Signal()
    live_changed = Signal(bool)
    results_changed = Signal()
    language_changed = Signal(str)
    """The window speaks another language now (its code): the screens are drawn again."""

    def __init__(
        self,
        endpoint: Endpoint,
        language: Language = i18n.FR,
        now: Now | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.language = language
        self.start_language = language
        """The window's language before anyone logs in (the desktop's): back to it at logout."""
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self.client = ConsoleClient(endpoint, self)
        self.feed = RoomFeed(endpoint, self)
        self.feed.room.connect(self.set_room)
        self.feed.pc.connect(self.update_pc)
        self.feed.gone.connect(self.drop_pc)
        self.feed.live.connect(self.live_changed)
        self.feed.clock.connect(self._console_clock)
        self.feed.refused.connect(lambda _why: self._expired())
        self.feed.tls_mismatch.connect(
            lambda: self.logged_out.emit(i18n.text("net.tls_mismatch", self.language))
        )
        self.username: str | None = None
        self.role: str | None = None
        self.tickets = TicketDesk(self.client, language, self._now, self)
        self.members = MemberDesk(self.client, language, self._now, self)
        self.help = HelpQueue(self.client, language, self._now, self)
        self.usage = UsageReview(self.client, language, self._now, self)
        self.policy = PolicyDesk(self.client, language, self._now, self)
        self.setup = SetupDesk(self.client, language, self._now, self)
        self.printers = PrinterDesk(self.client, language, self._now, self)
        self.pairing = PairingDesk(self.client, language, self._now, self)
        self.team = TeamDesk(self.client, language, self._now, self)
        self.account = AccountDesk(self.client, language, self._now, self)
        self.account.loaded.connect(self._my_language)
        self.team.account_changed.connect(self._team_changed)
        self.sites = SitesDesk(self.client, language, self._now, self)
        self.sites.pc_moved.connect(self._put)
        self.room_site: int | None = None
        """The one site the room shows (None: all of the staff member's sites)."""
        sections: tuple[Section, ...] = (
            self.team,
            self.account,
            self.printers,
            self.pairing,
            self.tickets,
            self.members,
            self.help,
            self.usage,
            self.policy,
            self.setup,
            self.sites,
        )
        self.sections = sections
        for section in sections:
            section.expired.connect(self._expired)
        self.feed.room.connect(lambda _entries: self.help.refresh())
        self.feed.stopped.connect(self.help.timer.stop)
        self.pcs: dict[int, KioskTile] = {}
        self._console_ahead = dt.timedelta(0)
        """How far the console's clock is ahead of this computer's."""
        self.selected: set[int] = set()
        self.results: list[CommandResult] = []
        self.busy = False

    # -- login -----------------------------------------------------------------------------

    def login(self, username: str, password: str) -> None:
        """Log in; ``logged_in`` or ``login_failed`` follows."""
        if not username.strip() or not password:
            self.login_failed.emit(i18n.text("login.missing", self.language))
            return
        self.busy = True

        def done(reply: Reply) -> None:
            self.busy = False
            answer = read_reply(calls.LOGIN, reply)
            if answer is BAD_REPLY:
                self.login_failed.emit(
                    i18n.text("net.bad_reply", self.language)
                    if reply.ok
                    else login_error(reply, self.language, self._now())
                )
                return
            self._start(answer)

        body = {"username": username.strip(), "password": password}
        self.client.send(calls.LOGIN, body, done)

    def _start(self, answer: LoginResponse, first: bool = False) -> None:
        self.client.token = answer.token
        self.username = answer.username
        self.role = answer.role.value
        # The room's socket on the new login at once: nothing of an earlier login (its
        # socket refused as it expired) may end this one while the console is asked who
        # they are.
        self.feed.start(answer.token)
        # Who they are first: the window speaks their own language from the first screen.
        self.account.load(lambda me: self._go_on(answer, me, first))

    def _go_on(self, answer: LoginResponse, me: Me | None, first: bool) -> None:
        if self.client.token != answer.token:
            return  # logged out (or expired) meanwhile
        if me is not None and me.language != self.language:
            if first:  # the first admin was made in this window's language: theirs now
                self.account.keep_language(self.language)
            else:
                self.set_language(Language(me.language))
        self.room_site = None
        self.sites.load()
        self.logged_in.emit(answer.username)

    def _team_changed(self, staff_id: int) -> None:
        if staff_id == self.user_id():
            self.account.load()  # one's own language changed in the team tab: the window too

    def _my_language(self) -> None:
        me = self.account.me
        if me is not None:
            self.set_language(Language(me.language))

    def set_language(self, language: Language) -> None:
        """Speak ``language`` from now on (every tab's sentences); ``language_changed``
        follows when it is another one."""
        if language == self.language:
            return
        self.language = language
        for section in self.sections:
            section.language = language
        self.language_changed.emit(language.value)

    @property
    def me(self) -> Me | None:
        """The logged-in staff member as the console knows them."""
        return self.account.me

    def check_first_admin(self) -> None:
        """Ask the console whether it still has no account; ``first_admin_needed`` follows
        when it has none and this is its machine (elsewhere, the login screen says where
        the first account is made). A console that does not answer: the login says so."""

        def done(reply: Reply) -> None:
            state = read_reply(calls.FIRST_ADMIN, reply)
            if state is BAD_REPLY or not state.needed or self.username:
                return
            if state.allowed_here:
                self.first_admin_needed.emit()
            else:
                self.login_failed.emit(i18n.text("admin.not_here", self.language))

        self.client.send(calls.FIRST_ADMIN, None, done)

    def create_first_admin(self, username: str, password: str) -> None:
        """Make the console's first account, an admin, and go on logged in as it
        (``logged_in``); ``first_admin_failed`` with a sentence otherwise."""
        self.busy = True

        def done(reply: Reply) -> None:
            self.busy = False
            answer = read_reply(calls.CREATE_FIRST_ADMIN, reply)
            if answer is not BAD_REPLY:
                self._start(answer, first=True)
                return
            lang = self.language
            if reply.ok:
                sentence = i18n.text("net.bad_reply", lang)
            elif reply.status == 409:  # someone made one meanwhile: the login it is
                self.logged_out.emit(i18n.text("admin.exists", lang))
                return
            elif reply.status == 403:
                sentence = i18n.text("admin.not_here", lang)
            elif reply.status == 422 and reply.fields:
                sentence = "; ".join(check_text(m, lang) for m in reply.fields.values())
            else:
                sentence = api_error(reply, lang)
            self.first_admin_failed.emit(sentence)

        body = {"username": username.strip(), "password": password}
        self.client.send(calls.CREATE_FIRST_ADMIN, body, done)

    def logout(self) -> None:
        """Close the room and forget the token."""
        self.feed.stop()
        self.client.logout()
        self.tickets.forget()
        self._forget()
        self.logged_out.emit("")

    def _expired(self) -> None:
        self.client.token = None
        self.feed.stop()  # its token is refused too: it would only be refused again
        self._forget()
        self.logged_out.emit(i18n.text("room.expired", self.language))

    def user_id(self) -> int | None:
        """The logged-in staff member's account id (None before the console said)."""
        return self.account.me.id if self.account.me is not None else None

    def at_least(self, role: str) -> bool:
        """True when the logged-in staff member has ``role`` or a higher one."""
        if self.role not in ROLES or role not in ROLES:
            return False
        return ROLES.index(self.role) >= ROLES.index(role)

    def _forget(self) -> None:
        self.username = None
        self.role = None
        self.team.forget()
        self.account.forget()
        self.set_language(self.start_language)  # the next colleague finds the desktop's
        self.setup.forget()
        self.printers.forget()
        self.pairing.forget()
        self.sites.forget()
        self.room_site = None
        self.help.site_id = None
        self.help.clear()
        self.pcs.clear()
        self.selected.clear()
        self.results.clear()
        self.room_changed.emit()

    # -- the room --------------------------------------------------------------------------

    def console_now(self) -> dt.datetime:
        """The console's time now, as this computer reckons it: the room's time left counts
        down on it, so a staff computer whose clock is off still shows the PCs' minutes."""
        return self._now() + self._console_ahead

    def _console_clock(self, text: str, new_connection: bool) -> None:
        try:
            sent = dt.datetime.fromisoformat(text)
        except ValueError:
            return
        if sent.tzinfo is None:
            return
        # A frame arrives after it was sent: the largest difference seen on a connection
        # is the closest to the clocks' real difference.
        ahead = sent - self._now()
        self._console_ahead = ahead if new_connection else max(self._console_ahead, ahead)

    def seconds_left(self, pc_id: int) -> int | None:
        """The time left of the PC's session now, counted down from the deadline it
        reported (whole seconds, rounded up as on the PC's bar)."""
        pc = self.pcs.get(pc_id)
        if pc is None or pc.status is None:
            return None
        return seconds_left_at(pc.status, self.console_now())

    def set_room(self, entries: list[dict[str, Any]]) -> None:
        """The whole room (at each connection of the staff socket)."""
        tiles = (_tile(entry) for entry in entries)
        self.pcs = {pc.id: pc for pc in tiles if pc is not None}
        self.selected &= set(self.shown_pcs())
        self.room_changed.emit()

    def update_pc(self, entry: dict[str, Any]) -> None:
        """One PC changed (a ``kiosk`` frame of the staff socket)."""
        pc = _tile(entry)
        if pc is not None:
            self._put(pc)

    def drop_pc(self, pc_id: int) -> None:
        """A PC left the staff member's sites (a ``kiosk_gone`` frame): its tile goes, it
        is no longer selected, and its help call leaves the queue."""
        if self.pcs.pop(pc_id, None) is None:
            return
        was_selected = pc_id in self.selected
        self.selected.discard(pc_id)
        self.room_changed.emit()
        if was_selected:
            self.selection_changed.emit()
        self.help.refresh()

    def _put(self, pc: KioskTile) -> None:
        before = self.pcs.get(pc.id)
        self.pcs[pc.id] = pc
        self.selected &= set(self.shown_pcs())  # a PC moved to a site not shown
        self.room_changed.emit()
        # A PC reports its status up to twice a second: the queue is asked again only when
        # a call appears or goes, not at each countdown.
        if before is None or _asks_help(before) != _asks_help(pc):
            self.help.refresh()

    def shown_pcs(self) -> dict[int, KioskTile]:
        """The PCs the room shows: those of the site chosen, or all of them."""
        return pcs_of_site(self.pcs, self.room_site)

    def show_site(self, site_id: int | None) -> None:
        """Show one site's PCs in the room (None: all); the selection keeps only those."""
        self.room_site = site_id
        self.selected &= set(self.shown_pcs())
        self.help.site_id = site_id
        self.help.refresh()
        self.room_changed.emit()
        self.selection_changed.emit()

    def toggle(self, pc_id: int) -> None:
        """Add a PC to the selection, or take it out."""
        self.selected ^= {pc_id}
        self.selection_changed.emit()

    def select(self, pc_ids: Iterable[int]) -> None:
        """Select exactly these PCs."""
        self.selected = set(pc_ids) & set(self.shown_pcs())
        self.selection_changed.emit()

    # -- actions ---------------------------------------------------------------------------

    def extend(self, minutes: int) -> None:
        """Give the selected PCs ``minutes`` more."""
        self._command({"action": "extend", "minutes": minutes})

    def end(self, reason: str) -> None:
        """End the sessions of the selected PCs, saying why."""
        self._command({"action": "end", "reason": reason.strip()})

    def lock(self) -> None:
        """Lock the selected PCs."""
        self._command({"action": "lock"})

    def unlock(self) -> None:
        """Unlock the selected PCs."""
        self._command({"action": "unlock"})

    def message(self, text: str) -> None:
        """Show ``text`` on the selected PCs."""
        self._command({"action": "message", "text": text.strip()})

    def grant_pages(self, pages: int) -> None:
        """Give the sessions of the selected PCs ``pages`` more pages, free of charge."""
        self._command({"action": "grant_pages", "pages": pages})

    def release_print(self, pages: int) -> None:
        """Print the job a selected PC could not count, as ``pages`` pages, free of charge
        (PCs with no such job waiting are left alone)."""
        self.results = []
        for pc in self._targets():
            job = pc.status.print_job_id if pc.status is not None else None
            if job is None:
                continue
            index = len(self.results)
            self.results.append(
                CommandResult(pc.id, pc.name, "print_release", None, Outcome.SENDING)
            )
            body = {"action": "print_release", "job_id": job, "pages": pages}
            done = partial(self._answered, index, calls.COMMAND)
            self.client.send(calls.COMMAND, body, done, kiosk_id=pc.id)
        self.results_changed.emit()

    def out_of_order(self, reason: str) -> None:
        """Take the selected PCs out of order (nobody can start a session), saying why."""
        self._each_pc("out_of_order", None, calls.OUT_OF_ORDER, {"reason": reason.strip()})

    def back_in_order(self) -> None:
        """Put the selected PCs back in order."""
        self._each_pc("back_in_order", None, calls.BACK_IN_ORDER, {})

    def workshop(self, title: str, minutes: int, participants: int) -> None:
        """Start a workshop of ``minutes`` on the selected PCs; one result line per PC."""
        targets = self._targets()
        self.results = [
            CommandResult(pc.id, pc.name, "workshop", minutes, Outcome.SENDING) for pc in targets
        ]
        self.results_changed.emit()
        body = {
            "kiosk_ids": [pc.id for pc in targets],
            "minutes": minutes,
            "title": title.strip(),
            "participants": participants,
        }
        self.client.send(calls.START_WORKSHOP, body, self._workshop_answered)

    def _workshop_answered(self, reply: Reply) -> None:
        if reply.status == 401:
            self._expired()
            return
        workshop = read_reply(calls.START_WORKSHOP, reply)
        answers = {} if workshop is BAD_REPLY else {r.kiosk_id: r for r in workshop.results}
        for index, before in enumerate(self.results):
            if before.action != "workshop":
                return  # a newer action replaced the list
            answer = answers.get(before.pc_id)
            if answer is not None:
                outcome, reason, code = outcome_of(answer)
            else:
                outcome, reason, code = self._failure(reply)
            self.results[index] = CommandResult(
                before.pc_id, before.pc_name, before.action, before.minutes, outcome, reason, code
            )
        self.results_changed.emit()

    def power_one(self, action: PowerAction, pc_id: int) -> None:
        """Restart, shut down or wake one PC (staff confirmed it)."""
        pc = self.pcs.get(pc_id)
        if pc is None:
            return
        self.results = [CommandResult(pc.id, pc.name, action.value, None, Outcome.SENDING)]
        self.results_changed.emit()
        if action is PowerAction.WAKE:
            self.client.send(
                calls.WAKE, None, partial(self._power_answered, calls.WAKE), kiosk_id=pc.id
            )
        else:
            done = partial(self._answered, 0, calls.COMMAND)
            self.client.send(calls.COMMAND, {"action": action.value}, done, kiosk_id=pc.id)

    def power_room(self, action: PowerAction, pc_ids: Iterable[int]) -> None:
        """Shut down or wake these PCs in one request (staff confirmed it); a line per PC."""
        targets = [self.pcs[i] for i in pc_ids if i in self.pcs]
        if not targets:
            return
        self.results = [
            CommandResult(pc.id, pc.name, action.value, None, Outcome.SENDING) for pc in targets
        ]
        self.results_changed.emit()
        body = {"action": action.value, "kiosk_ids": [pc.id for pc in targets]}
        self.client.send(calls.POWER, body, partial(self._power_answered, calls.POWER))

    def _power_answered(self, call: calls.Call[PowerResult | PowerResponse], reply: Reply) -> None:
        if reply.status == 401:
            self._expired()
            return
        answer = read_reply(call, reply)
        if isinstance(answer, PowerResult):
            answers = {answer.kiosk_id: answer}
        elif isinstance(answer, PowerResponse):
            answers = {r.kiosk_id: r for r in answer.results}
        else:
            answers = {}
        for index, before in enumerate(self.results):
            found = answers.get(before.pc_id)
            outcome, reason, code = (
                power_outcome(found) if found is not None else self._failure(reply)
            )
            self.results[index] = CommandResult(
                before.pc_id, before.pc_name, before.action, None, outcome, reason, code
            )
        self.results_changed.emit()

    def _targets(self) -> list[KioskTile]:
        return [self.pcs[i] for i in sorted(self.selected) if i in self.pcs]

    def _command(self, body: dict[str, Any]) -> None:
        self._each_pc(body["action"], body.get("minutes"), calls.COMMAND, body)

    def _each_pc(
        self,
        action: str,
        minutes: int | None,
        call: calls.Call[CommandResponse | KioskTile],
        body: dict[str, Any],
    ) -> None:
        self.results = []
        for pc in self._targets():
            index = len(self.results)
            self.results.append(CommandResult(pc.id, pc.name, action, minutes, Outcome.SENDING))
            self.client.send(call, body, partial(self._answered, index, call), kiosk_id=pc.id)
        self.results_changed.emit()

    def _failure(self, reply: Reply) -> tuple[Outcome, str, str | None]:
        if reply.ok:  # an answer that is not the call's model
            return Outcome.FAILED, i18n.text("net.bad_reply", self.language), None
        if reply.failure is Failure.TLS_MISMATCH:
            return Outcome.FAILED, i18n.text("net.tls_mismatch", self.language), None
        if reply.failure is not None:
            return Outcome.FAILED, i18n.text("net.unreachable", self.language), None
        code = reply.code or {403: "forbidden", 404: "not_found"}.get(reply.status)
        return Outcome.FAILED, reply.detail or f"HTTP {reply.status}", code

    def _answered(
        self,
        index: int,
        call: calls.Call[CommandResponse | KioskTile],
        reply: Reply,
    ) -> None:
        if index >= len(self.results):
            return  # a newer action replaced the list
        before = self.results[index]
        if reply.status == 401:
            self._expired()
            return
        answer = read_reply(call, reply)
        if isinstance(answer, CommandResponse):
            outcome, reason, code = outcome_of(answer)
        elif isinstance(answer, KioskTile):
            outcome, reason, code = Outcome.DONE, "", None
            self._put(answer)  # out of order: the answer is the PC's new tile
        else:
            outcome, reason, code = self._failure(reply)
        self.results[index] = CommandResult(
            before.pc_id, before.pc_name, before.action, before.minutes, outcome, reason, code
        )
        self.results_changed.emit()


def _tile(entry: dict[str, Any]) -> KioskTile | None:
    """A PC of the staff socket; None (logged) when the entry is not a ``KioskTile``."""
    try:
        return KioskTile.model_validate(entry)
    except ValidationError as exc:
        log.warning("staff socket: a PC that is not as expected: %s", exc.errors()[:3])
        return None
