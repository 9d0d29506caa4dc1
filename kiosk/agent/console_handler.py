"""What the console link asks of this PC (the link's ``LinkHandler``): its hello, its
status, staff commands, each run through the engine and audited, refused ones too, and the
staff roster.

A restart or shut-down ends a running session (reason ``staff``: the visitor sees the usual
end) and waits for its wipe before answering; the PC's power is asked only once the link
has sent that answer, so the console hears "done" before the PC goes away."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging

from epn_shared import protocol as wire
from epn_shared.json_log import event
from epn_shared.version import installed_version
from kiosk.agent.clock import Clock
from kiosk.agent.policy_keeper import PolicyKeeper
from kiosk.agent.printing.coordinator import PrintCoordinator
from kiosk.agent.secrets import TokenStore, decode_key
from kiosk.agent.session_keeper import VISITOR_STATES, WIPE_STATES, SessionKeeper
from kiosk.agent.staff_roster import RosterRefused, StaffRoster
from kiosk.agent.store import AuditEntry
from kiosk.agent.system.errors import CommandFailed
from kiosk.agent.system.power import Power, PowerAction
from kiosk.agent.update_hold import UpdateHold
from kiosk.agent.wipe_runner import WipeRunner
from kiosk.core.engine import IN_SESSION
from kiosk.core.errors import CommandRefused, IllegalTransition, Refusal
from kiosk.core.model import Actor, ActorKind, EndReason, LockReason, State, Workshop

log = logging.getLogger(__name__)

# The field each command cannot do without, and what the refusal says when it is missing.
_NEEDED_FIELDS = {
    wire.CommandAction.EXTEND: ("minutes", "minutes: say how many minutes to add"),
    wire.CommandAction.MESSAGE: ("text", "text: a message needs a text"),
}
_POWER_ACTIONS = {
    wire.CommandAction.RESTART: PowerAction.RESTART,
    wire.CommandAction.SHUT_DOWN: PowerAction.SHUT_DOWN,
}


@dataclasses.dataclass(eq=False)
class ConsoleHandler:
    """The agent's answers to its console link."""

    clock: Clock
    keeper: SessionKeeper
    policies: PolicyKeeper
    printing: PrintCoordinator
    wipe: WipeRunner
    tokens: TokenStore | None
    hold: UpdateHold | None = None
    """The update hold: while it is in force no workshop starts, and the status says so."""
    power: Power | None = None
    """Restarts or switches off the PC (None: it cannot be, the command is refused)."""
    roster: StaffRoster | None = None
    """Who may use the staff key at this PC: the console replaces it, the hello says which
    revision is held."""
    ticket_key: bytes | None = dataclasses.field(default=None, init=False)
    """The console's key for offline ticket codes (kept with the token)."""
    _power_due: dict[str, PowerAction] = dataclasses.field(default_factory=dict, init=False)
    """Restarts and shut-downs answered, by command id, waiting for their answer to be sent."""
    _power_tasks: set[asyncio.Task[None]] = dataclasses.field(default_factory=set, init=False)

    def console_hello(self) -> wire.Hello:
        """The first frame of each connection to the console."""
        return wire.Hello(
            agent_version=installed_version(),
            policy_version=self.policies.version,
            staff_revision=None if self.roster is None else self.roster.revision,
        )

    def console_roster(self, roster: wire.StaffRoster) -> None:
        """The console's staff roster replaces the one held (a bad one is logged, and the
        held one stays)."""
        if self.roster is None:
            return
        try:
            self.roster.replace(roster)
        except RosterRefused as exc:
            event(log, "staff_roster_refused", logging.ERROR, error=str(exc))

    def console_welcome(self, welcome: wire.Welcome) -> None:
        """Keep the console's ticket key (with the token) when it is new."""
        key = decode_key(welcome.ticket_key)
        if key is None or key == self.ticket_key:
            return
        self.ticket_key = key
        if self.tokens is not None:
            try:
                self.tokens.set_ticket_key(key)
            except Exception as exc:  # keyring's own errors, or unsafe secrets
                # Still in force until the agent stops; the next welcome tries again.
                event(log, "ticket_key_not_kept", logging.ERROR, error=str(exc))
        event(log, "ticket_key_received")

    def console_status(self) -> wire.Status:
        """What the console's room view shows for this PC now."""
        now = self.clock.now()
        engine, meter = self.keeper.engine, self.printing.meter
        snapshot = engine.snapshot
        session = snapshot.session
        running = session is not None and snapshot.state in VISITOR_STATES
        pending = meter.pending() if meter is not None and running else None
        waiting = pending.waiting.value if pending is not None else None
        deadline = None
        if (
            session is not None
            and session.deadline_mono is not None
            and (snapshot.state in IN_SESSION)
        ):
            # To the millisecond, not the whole seconds of seconds_left: the console's
            # card counts down from it and must say the same minute as the bar.
            left = min(max(0.0, session.deadline_mono - now.mono), wire.MAX_SESSION_SECONDS)
            deadline = now.wall + dt.timedelta(seconds=round(left, 3))
        return wire.Status(
            state=snapshot.state.value,
            seconds_left=engine.seconds_left(now),
            login=wire.LoginKind(session.visitor.kind.value) if running and session else None,
            pages_printed=meter.printed if meter is not None and running else 0,
            print_waiting=waiting if waiting in ("over_quota", "uncountable") else None,
            print_job_id=pending.job_id if pending is not None and waiting != "confirm" else None,
            help_requested=bool(session and running and session.help_requested),
            locked=snapshot.locked_by is not None,
            at=now.wall,
            deadline=deadline,
            updating=self.hold is not None and self.hold.held(now),
        )

    async def console_command(self, command: wire.Command) -> wire.CommandResult:
        """Run a staff command from the console through the engine, audited; its result."""
        now = self.clock.now()
        keeper = self.keeper
        actor = Actor(ActorKind.CONSOLE, command.by or "console")
        action = command.action
        detail = _command_detail(command)
        audit = (AuditEntry(now.wall, actor.kind.value, actor.name, action.value, detail),)

        def refused(code: str, message: str) -> wire.CommandResult:
            entry = AuditEntry(
                now.wall, actor.kind.value, actor.name, f"{action.value}_refused", message[:400]
            )
            keeper.record(now, [], audits=(entry,))
            event(log, "console_command_refused", action=action.value, code=code)
            return wire.CommandResult(
                command_id=command.command_id, ok=False, code=code, message=message[:500]
            )

        if keeper.stopping:
            return refused(Refusal.BUSY.value, "the agent is stopping")
        needed = _NEEDED_FIELDS.get(action)
        if needed is not None and getattr(command, needed[0]) is None:
            return refused("bad_field", needed[1])
        engine = keeper.engine
        power = _POWER_ACTIONS.get(action)
        minutes, text = command.minutes or 0, command.text or ""
        try:
            if action is wire.CommandAction.EXTEND:
                keeper.change(now, lambda: engine.extend(now, minutes, actor), audits=audit)
            elif action is wire.CommandAction.END:
                keeper.change(now, lambda: engine.end(now, EndReason.STAFF, actor), audits=audit)
            elif action is wire.CommandAction.LOCK:
                reason = LockReason.OUT_OF_ORDER if command.reason == "out_of_order" else None
                keeper.change(now, lambda: engine.lock(now, actor, reason), audits=audit)
            elif action is wire.CommandAction.WORKSHOP:
                not_started = await self._workshop(command, actor)
                if not_started is not None:
                    return refused(*not_started)
            elif power is not None:
                not_done = await self._power_command(command, actor, power)
                if not_done is not None:
                    return refused(*not_done)
            elif action is wire.CommandAction.UNLOCK:
                keeper.change(now, lambda: engine.unlock(now, actor), audits=audit)
            elif action is wire.CommandAction.MESSAGE:
                keeper.change(now, lambda: engine.send_message(now, text, actor), audits=audit)
            elif action is wire.CommandAction.HELP_ANSWERED:
                if command.session_id is not None and (
                    command.session_id != keeper.session_id or engine.state not in IN_SESSION
                ):
                    # Sent to a PC that was away: that visitor left; a new one's call stays.
                    return refused(Refusal.NO_SESSION.value, "the session that asked has ended")
                keeper.change(now, lambda: engine.help_answered(now, actor), audits=audit)
            elif action in (wire.CommandAction.GRANT_PAGES, wire.CommandAction.PRINT_RELEASE):
                print_refused = self._print_command(command)
                if print_refused is not None:
                    return refused(*print_refused)
                keeper.record(now, [], audits=audit)
            else:
                problem = self._console_policy(command)
                if problem is not None:
                    return refused("bad_policy", problem)
                keeper.record(now, [], audits=audit)
        except CommandRefused as exc:
            return refused(exc.refusal.value, exc.detail)
        except IllegalTransition as exc:
            return refused("not_allowed", f"not now: {exc}")
        event(log, "console_command", action=action.value, state=engine.state.value)
        return wire.CommandResult(command_id=command.command_id, ok=True)

    def console_result_sent(self, command: wire.Command, result: wire.CommandResult) -> None:
        """The console has the answer to a restart or shut-down: now ask the PC's power
        (in a worker thread: ``systemctl`` must not hold the agent's loop)."""
        action = self._power_due.pop(command.command_id, None)
        if action is None or not result.ok or self.power is None:
            return
        task = asyncio.get_running_loop().create_task(
            self._request_power(self.power, action, command.by or "console"), name="power"
        )
        self._power_tasks.add(task)
        task.add_done_callback(self._power_tasks.discard)

    @staticmethod
    async def _request_power(power: Power, action: PowerAction, by: str) -> None:
        try:
            await asyncio.to_thread(power.request, action, by)
        except (OSError, CommandFailed) as exc:
            event(log, "power_request_failed", logging.ERROR, action=action.value, error=str(exc))

    async def _power_command(
        self, command: wire.Command, actor: Actor, action: PowerAction
    ) -> tuple[str, str] | None:
        """End and wipe a running session, then keep ``action`` for when the answer is
        sent; (code, why) when the PC will not do it."""
        if self.power is None:
            return "not_allowed", "this PC cannot be restarted or switched off from the console"
        keeper, engine = self.keeper, self.keeper.engine
        now = self.clock.now()
        if self.hold is not None and self.hold.held(now):
            # Cutting the power in the middle of an installation can leave it broken.
            return Refusal.UPDATING.value, "this PC is being updated: try again when it is over"
        audit = (AuditEntry(now.wall, actor.kind.value, actor.name, command.action.value, ""),)
        if engine.state in VISITOR_STATES:
            keeper.change(now, lambda: engine.end(now, EndReason.STAFF, actor), audits=audit)
        else:
            keeper.record(now, [], audits=audit)
        await self.wipe.finish()
        self._power_due[command.command_id] = action
        return None

    def _print_command(self, command: wire.Command) -> tuple[str, str] | None:
        """Grant pages to the session, or release a job the kiosk could not count."""
        meter = self.printing.meter
        if meter is None:
            return "no_printing", "this PC does not meter printing"
        if self.keeper.engine.state not in IN_SESSION:
            return Refusal.NO_SESSION.value, "no session on this PC"
        if command.pages is None:
            return "bad_field", "pages: say how many pages"
        if command.action is wire.CommandAction.GRANT_PAGES:
            meter.grant(command.pages)
            return None
        if command.job_id is None:
            return "bad_field", "job_id: say which print job"
        if not meter.staff_release(command.job_id, command.pages):
            return "not_allowed", f"print job {command.job_id} is not waiting"
        return None

    async def _workshop(self, command: wire.Command, actor: Actor) -> tuple[str, str] | None:
        """Start a workshop session on this PC if it is free; (code, why) if not."""
        minutes = command.minutes
        if minutes is None:
            return "bad_field", "minutes: say how long the workshop lasts"
        title = (command.text or "").strip()[:80]
        if not title:
            return "bad_field", "text: a workshop needs a title"
        keeper, engine = self.keeper, self.keeper.engine
        if engine.snapshot.locked_by is not None:
            return Refusal.LOCKED.value, "this PC is locked"
        if engine.state in VISITOR_STATES:
            # Said apart from the other "not free" cases: the animator asks the visitor.
            return "in_session", "a visitor is in session"
        if engine.state in WIPE_STATES:
            return "wiping", "the last visitor's session is being erased"
        if engine.state not in (State.WAITING, State.DONE) or self.wipe.busy:
            return Refusal.BUSY.value, f"this PC is not free ({engine.state.value})"
        if self.hold is not None and self.hold.held(self.clock.now()):
            return Refusal.UPDATING.value, "this PC is being updated"
        async with self.wipe.prepared_home("this PC is not ready"):
            now = self.clock.now()
            if engine.state is State.DONE:
                keeper.change(now, lambda: engine.dismiss_receipt(now))
            workshop = Workshop(title, command.workshop_id)
            detail = (
                f"minutes={minutes} workshop_id={command.workshop_id or '-'}; "
                "house rules presented to the group by the animator"
            )
            audit = (AuditEntry(now.wall, actor.kind.value, actor.name, "workshop", detail[:400]),)
            keeper.change(now, lambda: engine.start_workshop(now, workshop, minutes), audits=audit)
        return None

    def _console_policy(self, command: wire.Command) -> str | None:
        """Apply a policy the console pushed; on a bad one keep the last good policy and
        return what is wrong (each bad field named)."""
        if command.policy is None:
            return "policy: a policy update needs a policy"
        return self.policies.from_console(command.policy)


def _command_detail(command: wire.Command) -> str:
    if command.action is wire.CommandAction.EXTEND:
        return f"minutes={command.minutes}"
    if (
        command.action
        in (wire.CommandAction.END, wire.CommandAction.LOCK, wire.CommandAction.HELP_ANSWERED)
        and command.reason
    ):
        return f"reason={command.reason}"[:400]
    if command.action is wire.CommandAction.POLICY_UPDATE and command.policy is not None:
        return f"version={command.policy.get('version', '?')}"[:400]
    return ""
