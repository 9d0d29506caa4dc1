"""The agent's side of the visitor's shells: their socket, their requests (the shell asks,
the agent decides) and the view every shell is sent whenever it changed."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence

from pydantic import BaseModel

from epn_shared.json_log import event
from kiosk.agent.clock import Clock
from kiosk.agent.config import AgentConfig
from kiosk.agent.console_pairing import ConsolePairing
from kiosk.agent.display_watch import DISPLAY_CHECK_AFTER_LOSS, DisplayWatch
from kiosk.agent.errors import TooManyTries
from kiosk.agent.ipc import Connection, IpcServer, error_reply
from kiosk.agent.login_checks import LoginChecks, StaffKey
from kiosk.agent.printing.coordinator import PrintCoordinator
from kiosk.agent.session_keeper import VISITOR_STATES, WIPE_STATES, SessionKeeper, StaffAction
from kiosk.agent.staff_roster import StaffRoster
from kiosk.agent.store import AuditEntry
from kiosk.agent.update_hold import UpdateHold
from kiosk.agent.views import build_view
from kiosk.agent.wipe_runner import WipeRunner
from kiosk.core import protocol as shell_protocol
from kiosk.core.engine import IN_SESSION
from kiosk.core.errors import CommandRefused, IllegalTransition, Refusal
from kiosk.core.model import Actor, ActorKind, EndReason, Instant, State
from kiosk.core.protocol import AppView, Reply, Request, View
from policies import Language

log = logging.getLogger(__name__)

_KIOSK_ANIMATOR = Actor(ActorKind.ANIMATOR, "kiosk PIN")


def _ok(request: Request) -> Reply:
    return Reply(re=request.id, ok=True)


@dataclasses.dataclass(eq=False)
class Shells:
    """Serves the shells on the agent's socket (the :class:`IpcServer`'s handler)."""

    config: AgentConfig
    clock: Clock
    keeper: SessionKeeper
    login_checks: LoginChecks
    wipe: WipeRunner
    printing: PrintCoordinator
    display: DisplayWatch
    hold: UpdateHold
    """While an update holds the PC, no visitor session starts (see ``update_hold``)."""
    roster: StaffRoster | None = None
    """The console's staff roster: its names go in every view (never a hash)."""
    pairing: ConsolePairing | None = dataclasses.field(default=None, init=False)
    """Pairing this PC with a console from the staff menu (set by the agent)."""
    display_session: str | None = dataclasses.field(default=None, init=False)
    """The graphical session of the running visitor session's shell (from its hello)."""
    _launcher: tuple[str, tuple[AppView, ...]] | None = dataclasses.field(default=None, init=False)
    """The launcher's applications, for one policy version."""
    _last_view: View | None = dataclasses.field(default=None, init=False)
    _view_scheduled: bool = dataclasses.field(default=False, init=False)

    def __post_init__(self) -> None:
        config = self.config
        self.server = IpcServer(config.socket_path, config.allowed_uids, self, config.socket_mode)

    def connected(self) -> bool:
        """At least one shell is connected."""
        return any(c.is_shell for c in self.server.connections)

    # -- views ---------------------------------------------------------------------------

    def view(self, now: Instant | None = None) -> View:
        """What the visitor's screen shows now."""
        now = now or self.clock.now()
        engine, printing = self.keeper.engine, self.printing
        policy = engine.policy
        view = build_view(engine, policy, now, self.config.pc_name, self.login_checks.staff_key_set)
        if self.roster is not None and not self.roster.empty:
            view = view.model_copy(update={"staff": self.roster.views()})
        if self.pairing is not None and self.pairing.paired:
            view = view.model_copy(update={"console_paired": True})
        if self.hold.held(now):
            view = view.model_copy(update={"updating": True})
        if self.keeper.recovering and engine.state in WIPE_STATES:
            return view.model_copy(update={"preparing": True})
        if view.summary is not None and printing.printed_at_end is not None:
            pages, cents = printing.printed_at_end
            summary = view.summary.model_copy(
                update={
                    "pages_printed": pages,
                    "cost_cents": cents,
                    "currency": policy.printing.currency,
                }
            )
            view = view.model_copy(update={"summary": summary})
        if engine.state not in IN_SESSION:
            return view
        changes: dict[str, object] = {"apps": self._apps()}
        if printing.meter is not None:
            changes.update(print_job=printing.view(now), pages_printed=printing.meter.printed)
        return view.model_copy(update=changes)

    def _apps(self) -> tuple[AppView, ...]:
        """The policy's applications that are installed (looked up once per policy)."""
        policy = self.keeper.engine.policy
        if self._launcher is None or self._launcher[0] != policy.version:
            from kiosk.lockdown.apps import installed_desktop_files, launcher_apps  # noqa: PLC0415

            installed = installed_desktop_files(self.config.apps_root)
            apps = tuple(
                AppView(id=app.value, name=c.name, icon=c.icon, exec=c.exec_line)
                for app, c in launcher_apps(policy, installed)
            )
            self._launcher = (policy.version, apps)
        return self._launcher[1]

    def schedule_views(self) -> None:
        """Push the views after the current step, so a request's reply goes out before
        the view it caused."""
        if not self._view_scheduled:
            self._view_scheduled = True
            asyncio.get_running_loop().call_soon(self.push_views)

    def push_views(self) -> None:
        """Send the view to every shell if it changed since the last one sent."""
        self._view_scheduled = False
        view = self.view()
        if view == self._last_view:
            return
        self._last_view = view
        for connection in self.server.connections:
            if connection.is_shell:
                connection.send(view)

    # -- requests ------------------------------------------------------------------------

    def disconnected(self, connection: Connection) -> None:
        """A client left; if it was the last shell during a session, start the grace period."""
        keeper, engine = self.keeper, self.keeper.engine
        if not connection.is_shell or keeper.stopping:
            return
        if any(c.is_shell and c is not connection for c in self.server.connections):
            return
        if engine.state in VISITOR_STATES:
            now = self.clock.now()
            keeper.change(now, lambda: engine.shell_lost(now))
            event(log, "shell_lost", state=engine.state.value)
        elif engine.state not in WIPE_STATES:
            # No session to end: the shell (and so the desktop) died on a waiting screen.
            self.display.check_later(DISPLAY_CHECK_AFTER_LOSS, "shell_lost")

    async def handle(self, connection: Connection, request: Request) -> Sequence[BaseModel]:
        """Answer one request from a shell."""
        if self.keeper.stopping and not isinstance(
            request, shell_protocol.Ping | shell_protocol.Hello
        ):
            return [error_reply(request.id, Refusal.BUSY.value, "the agent is stopping")]
        try:
            return await self._dispatch(connection, request)
        except TooManyTries as exc:
            return [error_reply(request.id, exc.refusal.value, exc.detail, exc.retry_after)]
        except CommandRefused as exc:
            return [error_reply(request.id, exc.refusal.value, exc.detail)]
        except IllegalTransition as exc:
            # A stale button pressed on the visitor's screen: refuse, do not crash.
            return [error_reply(request.id, "not_allowed", f"not now: {exc}")]

    async def _dispatch(self, connection: Connection, request: Request) -> Sequence[BaseModel]:
        now = self.clock.now()
        keeper, engine = self.keeper, self.keeper.engine
        match request:
            case shell_protocol.Hello():
                connection.is_shell = True
                connection.display_session = request.display_session
                event(log, "shell_connected", client=request.client, state=engine.state.value)
                if self._desktop_changed(request.display_session):
                    # The visitor's desktop ended (X died or restarted): whoever sits down
                    # at the new one must not get the last visitor's session and files.
                    event(log, "display_session_changed", state=engine.state.value)
                    self._end_for_lost_desktop(now)
                elif engine.snapshot.shell_lost_mono is not None:
                    keeper.change(now, lambda: engine.shell_back(now))
                    event(log, "shell_back", state=engine.state.value)
                return [_ok(request), self.view(now)]
            case shell_protocol.Ping():
                return [_ok(request)]
            case shell_protocol.Login():
                await self._login(request)
                self.display_session = connection.display_session
            case shell_protocol.AcceptRules():
                await self._accept_rules(request)
            case shell_protocol.DeclineRules():
                keeper.change(now, lambda: engine.decline_rules(now))
            case shell_protocol.Activity():
                keeper.change(now, lambda: engine.activity(now))
            case shell_protocol.RequestHelp():
                keeper.change(now, lambda: engine.request_help(now))
            case shell_protocol.EndSession():
                keeper.change(now, lambda: engine.end(now, EndReason.VISITOR, Actor.visitor()))
            case shell_protocol.DismissReceipt():
                keeper.change(now, lambda: engine.dismiss_receipt(now))
            case shell_protocol.ClearMessage():
                keeper.change(now, lambda: engine.clear_message(now))
            case shell_protocol.AnimatorAction():
                return [await self._animator(request)]
            case shell_protocol.FindConsoles():
                return [await self._find(request)]
            case shell_protocol.PairConsole():
                return [await self._pair(request)]
            case shell_protocol.PrintAnswer():
                if not self.printing.answer(request.job_id, print_it=request.print_it):
                    return [error_reply(request.id, "not_allowed", "that job is not waiting")]
        return [_ok(request)]

    def _desktop_changed(self, display_session: str | None) -> bool:
        """True when a shell says hello from another graphical session than the one the
        running session started in (unknown on either side: no change can be told)."""
        if self.keeper.engine.state not in VISITOR_STATES:
            return False
        if self.display_session is None:
            self.display_session = display_session  # after an agent restart: adopt it
            return False
        return display_session is not None and display_session != self.display_session

    def _end_for_lost_desktop(self, now: Instant) -> None:
        keeper, engine = self.keeper, self.keeper.engine
        if engine.state is State.RULES:
            keeper.change(now, lambda: engine.decline_rules(now))
            self.display_session = None
        else:
            keeper.change(now, lambda: engine.end(now, EndReason.SHELL_LOST, Actor.system()))
        # This shell is here and belongs to the next visitor's desktop.
        keeper.change(now, lambda: engine.shell_back(now))

    def _refuse_while_updating(self) -> None:
        if self.hold.held(self.clock.now()):
            raise CommandRefused(Refusal.UPDATING, "this PC is being updated")

    async def _login(self, request: shell_protocol.Login) -> None:
        keeper, engine = self.keeper, self.keeper.engine
        if engine.state in WIPE_STATES or self.wipe.busy:
            raise CommandRefused(Refusal.BUSY, "the last visitor's data is being erased")
        self._refuse_while_updating()
        visitor = await self.login_checks.identify(request, engine.policy)
        # Asked again: the hold may have been granted while the console checked a ticket
        # or a card. From here to the login nothing waits, so no hold can come between.
        self._refuse_while_updating()
        now = self.clock.now()
        if engine.state is State.DONE:
            # The next visitor is already past the receipt screen.
            keeper.change(now, lambda: engine.dismiss_receipt(now))
        # No login forgives earlier wrong tries at this PC (kiosk.agent.login_checks).
        keeper.change(now, lambda: engine.login(now, visitor, request.language))

    async def _accept_rules(self, request: shell_protocol.AcceptRules) -> None:
        engine = self.keeper.engine
        session = engine.session
        if engine.state is not State.RULES or session is None:
            raise IllegalTransition(engine.state, State.ACTIVE)
        ticket_id = self.login_checks.ticket_to_spend(session.visitor)
        offline_ticket = self.login_checks.offline_ticket_to_spend(session.visitor)
        async with self.wipe.prepared_home("this PC is not ready; ask an animator"):
            now = self.clock.now()
            # The ticket is spent in the same transaction that starts the session.
            self.keeper.change(
                now,
                lambda: engine.accept_rules(now, request.rules_version, request.language),
                ticket_used=ticket_id,
                offline_ticket=offline_ticket,
            )
            self.login_checks.session_started(session.visitor)

    async def _staff_pin(self, pin: str, staff_id: int | None, asked: str) -> StaffKey:
        """Whose staff key ``pin`` opens for ``asked`` (checked at the animator guard: a
        wrong PIN is a wrong try, and audited); :class:`CommandRefused` when it opens none."""
        who = await self.login_checks.animator_pin_matches(pin, staff_id)
        if who is None:
            now, actor = self.clock.now(), _KIOSK_ANIMATOR
            tried = f"asked: {asked}" + ("" if staff_id is None else f"; staff_id={staff_id}")
            refused = AuditEntry(now.wall, actor.kind.value, actor.name, "pin_refused", tried)
            self.keeper.record(now, [], audits=(refused,))
            raise CommandRefused(Refusal.WRONG_PIN, "wrong animator PIN")
        return who

    async def _pairing(self, pin: str, staff_id: int | None, asked: str) -> StaffKey:
        """Who asks for the pairing: staff only (the PIN checked), on a PC without a
        session."""
        who = await self._staff_pin(pin, staff_id, asked)
        if self.pairing is None:
            raise CommandRefused(Refusal.PAIRING_FAILED, "this agent cannot pair")
        if self.keeper.engine.state is not State.WAITING:
            # Events of a session begun unpaired would reach the console half told.
            raise CommandRefused(Refusal.BUSY, "pair when no session runs on this PC")
        return who

    async def _find(self, request: shell_protocol.FindConsoles) -> Reply:
        await self._pairing(request.pin, request.staff_id, "find_consoles")
        assert self.pairing is not None
        return Reply(re=request.id, ok=True, consoles=await self.pairing.find())

    async def _pair(self, request: shell_protocol.PairConsole) -> Reply:
        who = await self._pairing(request.pin, request.staff_id, "pair_console")
        assert self.pairing is not None
        name = await self.pairing.pair(request.address, request.code)
        now, actor = self.clock.now(), _staff_actor(who)
        paired = AuditEntry(now.wall, actor.kind.value, actor.name, "console_paired", name)
        # Paired now: the console hears of it (with whose PIN) through the new outbox.
        staff = StaffAction(who.staff_id, "console_paired", name[:200])
        self.keeper.record(now, [], audits=(paired,), staff=staff)
        self.schedule_views()
        return Reply(re=request.id, ok=True, paired_with=name)

    async def _animator(self, request: shell_protocol.AnimatorAction) -> Reply:
        """An animator action, or only the PIN's check (before the staff menu opens): both
        go through the animator guard, a wrong PIN being a wrong try either way. Each one
        done is audited here and told to the console, under the person's staff id."""
        who = await self._staff_pin(request.pin, request.staff_id, request.action)
        now = self.clock.now()
        keeper, engine, actor = self.keeper, self.keeper.engine, _staff_actor(who)
        verb = "menu_opened" if request.action == "check" else request.action
        detail = f"minutes={request.minutes}" if request.action == "extend" else ""
        audit = (AuditEntry(now.wall, actor.kind.value, actor.name, verb, detail),)
        staff = StaffAction(who.staff_id, verb, detail)
        if request.action == "check":
            keeper.record(now, [], audits=audit, staff=staff)
            language = Language(who.language) if who.language is not None else None
            return Reply(re=request.id, ok=True, staff_name=who.name, staff_language=language)
        if request.action == "extend":
            if request.minutes is None:
                raise CommandRefused(Refusal.BAD_EXTENSION, "say how many minutes to add")
            minutes = request.minutes
            keeper.change(
                now, lambda: engine.extend(now, minutes, actor), audits=audit, staff=staff
            )
        elif request.action == "end":
            keeper.change(
                now, lambda: engine.end(now, EndReason.STAFF, actor), audits=audit, staff=staff
            )
        elif request.action == "lock":
            keeper.change(now, lambda: engine.lock(now, actor), audits=audit, staff=staff)
        else:
            keeper.change(now, lambda: engine.unlock(now, actor), audits=audit, staff=staff)
        return _ok(request)


def _staff_actor(who: StaffKey) -> Actor:
    """The actor of the local audit: the person by name and staff id, or the PC's PIN."""
    if who.staff_id is None:
        return _KIOSK_ANIMATOR
    return Actor(ActorKind.ANIMATOR, f"{who.name} (staff {who.staff_id})"[:80])
