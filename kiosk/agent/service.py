"""The kiosk agent: the service that owns every decision about one public PC.

The shell asks, the agent decides. The agent keeps the session engine, looks at the time,
persists every change (so a crash or a restart resumes with the right time left, and a
reboot ends and wipes the session), wipes the visitor's home at the end of every session,
and pushes what the visitor should see to every connected shell.

:class:`Agent` is built once in :func:`run` (the composition root) from a configuration, a
clock, a store and a wiper; tests build it with fakes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import math
import os
import pwd
import re
import signal
import sys
import time
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from epn_shared import json_log
from epn_shared import protocol as wire
from epn_shared.files import write_atomically
from epn_shared.json_log import event
from kiosk.agent import systemd
from kiosk.agent.clock import Clock, SystemClock, boot_id
from kiosk.agent.config import AgentConfig
from kiosk.agent.credentials import verify_pin
from kiosk.agent.errors import StartRefused, StoreError, TooManyTries, WipeError
from kiosk.agent.gate import ConsoleAccess, Gate, PinVerifier
from kiosk.agent.ipc import Connection, IpcServer, error_reply
from kiosk.agent.policy_source import PolicySource
from kiosk.agent.secrets import KeyringTokens, TokenStore, decode_key
from kiosk.agent.store import (
    AuditEntry,
    Change,
    FinishedSession,
    MemberUsage,
    OutboxEvent,
    Store,
)
from kiosk.agent.views import build_view
from kiosk.agent.wiper import JournalState, SandboxWiper, Wiper
from kiosk.core import events as ev
from kiosk.core.engine import IN_SESSION, SessionEngine
from kiosk.core.errors import CommandRefused, IllegalTransition, Refusal
from kiosk.core.model import (
    Actor,
    ActorKind,
    EndReason,
    Instant,
    LockReason,
    Session,
    StaffMessage,
    State,
    WipeReceipt,
    Workshop,
)
from kiosk.core.protocol import (
    AcceptRules,
    Activity,
    AnimatorAction,
    AppView,
    ClearMessage,
    DeclineRules,
    DismissReceipt,
    EndSession,
    Hello,
    Login,
    Ping,
    PrintAnswer,
    PrintView,
    Reply,
    Request,
    RequestHelp,
    View,
)
from policies import InvalidPolicy, LoginMode, Policy, policy_from_data

if TYPE_CHECKING:
    from kiosk.agent.console_api import ConsoleApi
    from kiosk.agent.link import ConsoleLink, LinkOptions
    from kiosk.agent.outbox import Translated
    from kiosk.agent.printing.meter import PrintJobFact, PrintMeter
    from kiosk.agent.printing.worker import CountedJob, PrintWorker

log = logging.getLogger(__name__)

PRODUCTION_SOCKET = Path("/run/epn-kiosk/kiosk.sock")
"""Where a production agent listens unless told otherwise (reachable by the visitor)."""

NEEDS_ROOT = "a production agent runs as root (it mounts the visitor's home); or use --sandbox"

ALIVE_EVERY_SECONDS = 60.0
"""While a session runs, note this often that the agent is alive (to date a power cut)."""

POLICY_CHECK_SECONDS = 1.0
DISPLAY_CHECK_AFTER_WIPE = 3.0
"""Seconds after a wipe before the display manager is restarted if no shell is back."""
DISPLAY_CHECK_AFTER_LOSS = 5.0
"""Seconds after the last shell left, outside a session, before the same check."""
DISPLAY_CHECK_AT_START = 120.0
"""Seconds after the agent starts: a PC whose shell never connected gets a new login."""
WIPE_RETRY_MAX_SECONDS = 60.0
STOP_WIPE_SECONDS = 60.0
"""On a stop, how long to wait for a wipe that keeps failing before exiting anyway."""

_VISITOR_STATES = IN_SESSION | {State.RULES}
_KIOSK_ANIMATOR = Actor(ActorKind.ANIMATOR, "kiosk PIN")


def _event_name(event_obj: ev.Event) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(event_obj).__name__).lower()


def _event_fields(event_obj: ev.Event) -> dict[str, Any]:
    """Loggable fields of an engine event: enums as values, actors as their kind, never a
    message text or anything that names a visitor."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(event_obj):
        value = getattr(event_obj, f.name)
        if isinstance(value, Enum):
            fields[f.name] = value.value
        elif isinstance(value, Actor):
            fields[f.name] = value.kind.value
        elif isinstance(value, WipeReceipt):
            fields.update(dict(value.erased))
            fields["bytes"] = value.bytes_erased
            fields["seconds"] = value.seconds
        elif isinstance(value, StaffMessage):
            fields["number"] = value.number
        else:
            fields[f.name] = value
    return fields


def _ok(request: Request) -> Reply:
    return Reply(re=request.id, ok=True)


def _policy_rejected(exc: InvalidPolicy, level: int, kept: str) -> None:
    """Log a refused policy file: every bad field with its reason, and what stays in force."""
    event(
        log,
        "policy_rejected",
        level,
        source=exc.source,
        problems=[str(p) for p in exc.problems],
        kept=kept,
    )


class Agent:
    """One PC's agent. Everything it needs is passed in; nothing is read at import."""

    def __init__(
        self,
        config: AgentConfig,
        *,
        clock: Clock,
        store: Store,
        wiper: Wiper,
        boot: str,
        policy_source: PolicySource | None = None,
        tokens: TokenStore | None = None,
        link_options: LinkOptions | None = None,
        pin_verifier: PinVerifier = verify_pin,
    ) -> None:
        self.config = config
        self._pin_verifier = pin_verifier  # argon2; tests count its calls
        self.clock = clock
        self.store = store
        self.wiper = wiper
        self.boot = boot
        self.policy_source = policy_source or _initial_policy_source(config)
        self.tokens = tokens
        self.link_options = link_options
        self.link: ConsoleLink | None = None
        self.console_api: ConsoleApi | None = None
        self._ticket_key: bytes | None = None
        self._link_task: asyncio.Task[None] | None = None
        self._console_events: Callable[..., Translated] | None = None
        self._session_id: str | None = None
        self._unsaved_outbox: tuple[OutboxEvent, ...] = ()
        self._launcher: tuple[str, tuple[AppView, ...]] | None = None
        """The launcher's applications, for one policy version."""
        self._display_session: str | None = None
        """The graphical session of the running visitor session's shell (from its hello)."""
        self.meter: PrintMeter | None = None
        self._printed_at_end: tuple[int, int] | None = None
        """Pages and cents the last session printed, for its receipt (the meter forgets)."""
        self._print_worker: PrintWorker | None = None
        try:
            policy = self.policy_source.load()
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.ERROR, kept="nothing: not starting")
            raise StartRefused(f"cannot start: {exc}") from exc
        self.engine = SessionEngine(policy)
        self.server = IpcServer(config.socket_path, config.allowed_uids, self, config.socket_mode)
        self.gate = Gate(store, clock, config.animator_pin_hash, verify=pin_verifier)
        self._home_lock = asyncio.Lock()
        self._wipe_task: asyncio.Task[None] | None = None
        self._tick_task: asyncio.Task[None] | None = None
        self._last_view: View | None = None
        self._view_scheduled = False
        self._recovering = False
        self._stopping = False
        self._next_alive = 0.0
        self._next_policy_check = 0.0
        self._display_check: tuple[float, str] | None = None
        """When (agent clock) to see whether a shell is there, and why."""

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        return self.engine.policy

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Resume or recover the last state, then listen for shells and look at the time."""
        # An enrolled kiosk with unsafe secrets stops here, before anything else.
        self._prepare_link()
        # Take the socket first: a second agent on the same PC must stop here, before it
        # touches the store. Shells that connect now wait until the state is restored.
        self.server.bind()
        self._restore(self.clock.now())
        self._write_browser_policies(self.policy)
        await self.server.start()
        event(
            log,
            "listening",
            socket=str(self.config.socket_path),
            state=self.engine.state.value,
            policy=self.policy_source.describe(),
            console=None if self.link is None else self.link.settings.url,
        )
        self._ensure_wipe()
        self._start_printing()
        self._check_display_later(DISPLAY_CHECK_AT_START, "no_shell_since_start")
        self._tick_task = asyncio.create_task(self._tick_loop(), name="agent-tick")
        if self.link is not None:
            self._link_task = asyncio.create_task(self.link.run(), name="console-link")

    async def stop(self) -> None:
        """A clean stop (SIGTERM): end a running session, finish the wipe, save, close."""
        self._stopping = True
        event(log, "stopping", state=self.engine.state.value)
        await self._cancel_tick()
        now = self.clock.now()
        if self.engine.state in _VISITOR_STATES:
            self._change(now, lambda: self.engine.end(now, EndReason.STOPPED, Actor.system()))
        self._ensure_wipe()
        if self._wipe_task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._wipe_task), STOP_WIPE_SECONDS)
            except TimeoutError:
                # The journal still says WIPING: the next start wipes before any login.
                event(log, "wipe_unfinished", logging.ERROR, waited=STOP_WIPE_SECONDS)
                self._wipe_task.cancel()
        await self._stop_printing()
        await self._cancel_link()
        await self.server.close()
        event(log, "stopped", state=self.engine.state.value)

    async def abort(self) -> None:
        """Stop without ending anything, as if the process were killed (tests only)."""
        self._stopping = True
        await self._cancel_tick()
        if self._wipe_task is not None:
            self._wipe_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._wipe_task
        await self._stop_printing()
        await self._cancel_link()
        await self.server.close()

    async def _cancel_link(self) -> None:
        # Whatever was not acknowledged stays in the outbox for the next run.
        if self._link_task is not None:
            self._link_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._link_task
            self._link_task = None
        if self.console_api is not None:
            await self.console_api.close()

    async def _cancel_tick(self) -> None:
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
            self._tick_task = None

    def _restore(self, now: Instant) -> None:
        """Pick up where the last run left off.

        Same boot and a session running: resume it (its deadline is on the BOOTTIME clock,
        which kept counting). Another boot: end it and wipe. Half-done end or wipe, or a
        journal not CLEAN with nothing to resume: wipe again before any login.
        """
        try:
            stored = self.store.load_snapshot()
        except StoreError as exc:
            event(log, "snapshot_unreadable", logging.ERROR, error=str(exc))
            stored = None
            self._recovering = True
        journal = self.wiper.journal_state()
        engine = self.engine
        events: list[ev.Event] = []
        alive_at: dt.datetime | None = None
        if stored is not None:
            engine.snapshot = stored.snapshot
            self._session_id = stored.session_id
            same_boot = stored.boot_id == self.boot
            state = engine.state
            if not same_boot and state in _VISITOR_STATES:
                alive_at = stored.alive_at
                events += engine.end(now, EndReason.REBOOT, Actor.system())
            elif not same_boot and state is State.DONE:
                events += engine.dismiss_receipt(now)  # its timer was on the last boot's clock
            elif state in _VISITOR_STATES and journal is JournalState.WIPING:
                # A wipe began under a live session: the home is half erased, nothing to resume.
                events += engine.end(now, EndReason.STOPPED, Actor.system())
            elif state in _VISITOR_STATES:
                # The shell has to come back (it reconnects on its own); if it does not, the
                # engine ends the session after its grace period.
                events += engine.shell_lost(now)
            event(
                log,
                "snapshot_restored",
                saved_state=state.value,
                state=engine.state.value,
                same_boot=same_boot,
                journal=journal.value,
            )
        if engine.state is State.DONE and journal is not JournalState.CLEAN:
            events += engine.dismiss_receipt(now)
        if engine.state is State.WAITING and (
            journal is not JournalState.CLEAN or self._recovering
        ):
            events += engine.recover_unsure_wipe(now)
        if engine.state in (State.ENDING, State.WIPING):
            self._recovering = True
        self._record(now, events, alive_at=alive_at)

    # -- time ----------------------------------------------------------------------------

    async def _tick_loop(self) -> None:
        while True:
            try:
                self.tick()
            except Exception:
                log.exception("tick_failed", extra={"event": "tick_failed", "fields": {}})
            await asyncio.sleep(self.config.tick_seconds)

    def tick(self) -> None:
        """Look at the time once: policy file, engine timers, views."""
        now = self.clock.now()
        if now.mono >= self._next_policy_check:
            self._next_policy_check = now.mono + POLICY_CHECK_SECONDS
            if self.policy_source.changed():
                self.reload_policy()
        self._change(now, lambda: self.engine.tick(now))
        self._display_due(now)
        if self.meter is not None:
            self.meter.tick(now.mono)
        if self.engine.state in IN_SESSION and now.mono >= self._next_alive:
            self._next_alive = now.mono + ALIVE_EVERY_SECONDS
            try:
                self.store.touch(now.wall)
            except StoreError as exc:
                event(log, "store_failed", logging.ERROR, error=str(exc))
        self.push_views()

    # -- policy --------------------------------------------------------------------------

    def reload_policy(self) -> bool:
        """Read the policy again; a bad one is logged and the last good stays in force."""
        try:
            policy = self.policy_source.load()
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.WARNING, kept=self.policy.version)
            return False
        self._apply_policy(policy, self.policy_source.describe())
        self.push_views()
        return True

    def _apply_policy(self, policy: Policy, source: str) -> None:
        """Put ``policy`` in force: sessions, printing prices and quotas, browser policies."""
        self.engine.set_policy(policy)
        if self.meter is not None:
            self.meter.set_policy(policy)
        self._write_browser_policies(policy)
        event(log, "policy_loaded", source=source, version=policy.version)

    def _write_browser_policies(self, policy: Policy) -> None:
        """Under ``lockdown_root``, the browsers' policy files follow the policy in force; the
        next browser started reads them. A failure is logged; the agent goes on."""
        root = self.config.lockdown_root
        if root is None:
            return
        from kiosk.lockdown import LockdownError, write_lockdown  # noqa: PLC0415
        from kiosk.lockdown.session import browser_files  # noqa: PLC0415

        try:
            home = PurePosixPath(self.config.home_dir.as_posix())
            written = write_lockdown(root, browser_files(policy, home))
        except LockdownError as exc:
            event(log, "browser_policies_failed", logging.ERROR, error=str(exc))
            return
        if written:
            event(log, "browser_policies_written", version=policy.version, files=len(written))

    # -- changes -------------------------------------------------------------------------

    def _change(
        self,
        now: Instant,
        action: Callable[[], list[ev.Event]],
        *,
        ticket_used: int | None = None,
        offline_ticket: str | None = None,
        audits: tuple[AuditEntry, ...] = (),
    ) -> list[ev.Event]:
        """Run one engine action; if it changed anything, persist and show the result."""
        before = self.engine.snapshot
        events = action()
        if self.engine.snapshot is not before or events or audits:
            self._record(
                now, events, ticket_used=ticket_used, offline_ticket=offline_ticket, audits=audits
            )
        return events

    def _record(
        self,
        now: Instant,
        events: Sequence[ev.Event],
        *,
        ticket_used: int | None = None,
        offline_ticket: str | None = None,
        audits: tuple[AuditEntry, ...] = (),
        alive_at: dt.datetime | None = None,
    ) -> None:
        """Persist the snapshot and what goes with it in one transaction, log, show."""
        finished: FinishedSession | None = None
        usage: MemberUsage | None = None
        session = self.engine.session
        if session is not None and any(isinstance(e, ev.SessionEnded) for e in events):
            finished, usage = self._finished(session, alive_at)
        # Events for the console go in the same transaction as the change that caused them.
        outbox = self._unsaved_outbox
        if self._console_events is not None:
            translated = self._console_events(
                events,
                at=now.wall,
                session=session,
                finished=finished,
                session_id=self._session_id,
            )
            outbox += translated.outbox
            self._session_id = translated.session_id
        try:
            self.store.commit(
                Change(
                    self.engine.snapshot,
                    self.boot,
                    now.wall,
                    ticket_used,
                    finished,
                    usage,
                    audits,
                    outbox,
                    self._session_id,
                    offline_ticket,
                )
            )
            self._unsaved_outbox = ()
        except StoreError as exc:
            # The PC keeps working from memory; the next change tries again, with these
            # events for the console.
            self._unsaved_outbox = outbox
            event(log, "store_failed", logging.ERROR, error=str(exc))
        if self.link is not None:
            if outbox and not self._unsaved_outbox:
                self.link.wake()
            if events:
                self.link.status_changed()
        for item in events:
            fields = _event_fields(item)
            if isinstance(item, ev.WipeFinished):
                fields["recovery"] = self._recovering
            event(log, _event_name(item), **fields)
            if isinstance(item, ev.SessionStarted):
                self._print_session_started()
            elif isinstance(item, ev.SessionEnded):
                self._display_session = None
                if self.meter is not None:
                    self._printed_at_end = (self.meter.printed, self.meter.cost_cents)
                    self.meter.session_ended(now.mono)
        self._ensure_wipe()
        self._schedule_views()

    @staticmethod
    def _finished(
        session: Session, alive_at: dt.datetime | None
    ) -> tuple[FinishedSession, MemberUsage | None]:
        """The anonymous record of an ended session and, for a member, the time to count."""
        assert session.started_wall is not None and session.ended_wall is not None
        allotted = session.base_seconds + session.extended_seconds
        if alive_at is not None:
            # Ended by a reboot: the clocks of that boot are gone; the last sign of life
            # is the best end time known.
            ended_at = max(alive_at, session.started_wall)
            used = (ended_at - session.started_wall).total_seconds()
        else:
            ended_at = session.ended_wall
            used = (session.ended_mono or 0.0) - (session.started_mono or 0.0)
        seconds = int(min(max(used, 0.0), allotted))
        finished = FinishedSession(
            login_mode=session.visitor.kind.value,
            language=session.language.value,
            rules_version=session.rules_version,
            started_at=session.started_wall,
            ended_at=ended_at,
            seconds_used=seconds,
            end_reason=(session.end_reason or EndReason.STOPPED).value,
            extended_seconds=session.extended_seconds,
            help_requested=session.help_asked,
        )
        usage = None
        if session.visitor.mode is LoginMode.MEMBER and session.visitor.reference:
            usage = MemberUsage(session.visitor.reference, session.started_wall.date(), seconds)
        return finished, usage

    # -- wipe ----------------------------------------------------------------------------

    def _ensure_wipe(self) -> None:
        if self.engine.state not in (State.ENDING, State.WIPING):
            return
        if self._wipe_task is None or self._wipe_task.done():
            self._wipe_task = asyncio.get_running_loop().create_task(self._wipe(), name="wipe")

    async def _wipe(self) -> None:
        """Erase the visitor's data; retry until it works (no login meanwhile)."""
        async with self._home_lock:
            if self.engine.state is State.ENDING:
                now = self.clock.now()
                self._change(now, lambda: self.engine.wipe_started(now))
            delay = 1.0
            while True:
                try:
                    receipt = await asyncio.to_thread(self.wiper.wipe)
                    break
                except (OSError, WipeError):
                    log.exception(
                        "wipe_failed",
                        extra={"event": "wipe_failed", "fields": {"retry_in": delay}},
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, WIPE_RETRY_MAX_SECONDS)
            now = self.clock.now()
            self._change(now, lambda: self.engine.wipe_finished(now, receipt))
            self._recovering = False
            # The wipe stopped the visitor's X session with the shell in it.
            self._check_display_later(DISPLAY_CHECK_AFTER_WIPE, "wiped")

    # -- views ---------------------------------------------------------------------------

    def view(self, now: Instant | None = None) -> View:
        """What the visitor's screen shows now."""
        now = now or self.clock.now()
        view = build_view(
            self.engine,
            self.policy,
            now,
            self.config.pc_name,
            self.config.animator_pin_hash is not None,
        )
        if self._recovering and self.engine.state in (State.ENDING, State.WIPING):
            return view.model_copy(update={"preparing": True})
        if view.summary is not None and self._printed_at_end is not None:
            pages, cents = self._printed_at_end
            summary = view.summary.model_copy(
                update={
                    "pages_printed": pages,
                    "cost_cents": cents,
                    "currency": self.policy.printing.currency,
                }
            )
            view = view.model_copy(update={"summary": summary})
        if self.engine.state not in IN_SESSION:
            return view
        changes: dict[str, object] = {"apps": self._apps()}
        if self.meter is not None:
            changes.update(print_job=self._print_view(now), pages_printed=self.meter.printed)
        return view.model_copy(update=changes)

    def _apps(self) -> tuple[AppView, ...]:
        """The policy's applications that are installed (looked up once per policy)."""
        version = self.policy.version
        if self._launcher is None or self._launcher[0] != version:
            from kiosk.lockdown.apps import installed_desktop_files, launcher_apps  # noqa: PLC0415

            installed = installed_desktop_files(self.config.apps_root)
            apps = tuple(
                AppView(id=app.value, name=c.name, icon=c.icon, exec=c.exec_line)
                for app, c in launcher_apps(self.policy, installed)
            )
            self._launcher = (version, apps)
        return self._launcher[1]

    def _schedule_views(self) -> None:
        # After the current step, so a request's reply goes out before the view it caused.
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

    # -- shells --------------------------------------------------------------------------

    def disconnected(self, connection: Connection) -> None:
        """A client left; if it was the last shell during a session, start the grace period."""
        if not connection.is_shell or self._stopping:
            return
        if any(c.is_shell and c is not connection for c in self.server.connections):
            return
        if self.engine.state in _VISITOR_STATES:
            now = self.clock.now()
            self._change(now, lambda: self.engine.shell_lost(now))
            event(log, "shell_lost", state=self.engine.state.value)
        elif self.engine.state not in (State.ENDING, State.WIPING):
            # No session to end: the shell (and so the desktop) died on a waiting screen.
            self._check_display_later(DISPLAY_CHECK_AFTER_LOSS, "shell_lost")

    # -- display manager -----------------------------------------------------------------

    def _check_display_later(self, delay: float, reason: str) -> None:
        """In ``delay`` seconds, restart the display manager unless a shell is connected.

        LightDM logs the visitor in by itself only when it starts: once the wipe has stopped
        the visitor's X session, or the shell died, only a restart brings the next login.
        """
        if self.config.display_manager is not None:
            self._display_check = (self.clock.now().mono + delay, reason)

    def _display_due(self, now: Instant) -> None:
        if self._display_check is None or now.mono < self._display_check[0]:
            return
        reason = self._display_check[1]
        self._display_check = None
        if self.engine.state in (State.ENDING, State.WIPING):
            return  # the wipe's own check follows it
        if any(c.is_shell for c in self.server.connections):
            return
        unit = self.config.display_manager
        if unit is not None:
            asyncio.get_running_loop().create_task(
                self._restart_display_manager(unit, reason), name="display-manager"
            )

    @staticmethod
    async def _restart_display_manager(unit: str, reason: str) -> None:
        argv = ("systemctl", "restart", "--no-block", unit)
        try:
            process = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
            )
            _, error = await process.communicate()
        except OSError as exc:
            event(log, "display_manager_failed", logging.ERROR, unit=unit, error=str(exc))
            return
        if process.returncode != 0:
            detail = error.decode(errors="replace").strip()[:300]
            event(log, "display_manager_failed", logging.ERROR, unit=unit, error=detail)
            return
        event(log, "display_manager_restarted", unit=unit, reason=reason)

    async def handle(self, connection: Connection, request: Request) -> Sequence[BaseModel]:
        """Answer one request from a shell."""
        if self._stopping and not isinstance(request, Ping | Hello):
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
        engine = self.engine
        match request:
            case Hello():
                connection.is_shell = True
                connection.display_session = request.display_session
                event(log, "shell_connected", client=request.client, state=engine.state.value)
                if self._desktop_changed(request.display_session):
                    # The visitor's desktop ended (X died or restarted): whoever sits down
                    # at the new one must not get the last visitor's session and files.
                    event(log, "display_session_changed", state=engine.state.value)
                    self._end_for_lost_desktop(now)
                elif engine.snapshot.shell_lost_mono is not None:
                    self._change(now, lambda: engine.shell_back(now))
                    event(log, "shell_back", state=engine.state.value)
                return [_ok(request), self.view(now)]
            case Ping():
                return [_ok(request)]
            case Login():
                await self._login(request)
                self._display_session = connection.display_session
            case AcceptRules():
                await self._accept_rules(request)
            case DeclineRules():
                self._change(now, lambda: engine.decline_rules(now))
            case Activity():
                self._change(now, lambda: engine.activity(now))
            case RequestHelp():
                self._change(now, lambda: engine.request_help(now))
            case EndSession():
                self._change(now, lambda: engine.end(now, EndReason.VISITOR, Actor.visitor()))
            case DismissReceipt():
                self._change(now, lambda: engine.dismiss_receipt(now))
            case ClearMessage():
                self._change(now, lambda: engine.clear_message(now))
            case AnimatorAction():
                await self._animator(request)
            case PrintAnswer():
                if self.meter is None or not self.meter.answer(
                    request.job_id, print_it=request.print_it
                ):
                    return [error_reply(request.id, "not_allowed", "that job is not waiting")]
        return [_ok(request)]

    def _desktop_changed(self, display_session: str | None) -> bool:
        """True when a shell says hello from another graphical session than the one the
        running session started in (unknown on either side: no change can be told)."""
        if self.engine.state not in _VISITOR_STATES:
            return False
        if self._display_session is None:
            self._display_session = display_session  # after an agent restart: adopt it
            return False
        return display_session is not None and display_session != self._display_session

    def _end_for_lost_desktop(self, now: Instant) -> None:
        engine = self.engine
        if engine.state is State.RULES:
            self._change(now, lambda: engine.decline_rules(now))
            self._display_session = None
        else:
            self._change(now, lambda: engine.end(now, EndReason.SHELL_LOST, Actor.system()))
        # This shell is here and belongs to the next visitor's desktop.
        self._change(now, lambda: engine.shell_back(now))

    # -- logging in ----------------------------------------------------------------------

    async def _login(self, request: Login) -> None:
        state = self.engine.state
        if state in (State.ENDING, State.WIPING) or self._home_lock.locked():
            raise CommandRefused(Refusal.BUSY, "the last visitor's data is being erased")
        visitor = await self.gate.identify(request, self.policy)
        now = self.clock.now()
        if self.engine.state is State.DONE:
            # The next visitor is already past the receipt screen.
            self._change(now, lambda: self.engine.dismiss_receipt(now))
        # No login forgives earlier wrong tries at this PC (kiosk.agent.gate).
        self._change(now, lambda: self.engine.login(now, visitor, request.language))

    async def _accept_rules(self, request: AcceptRules) -> None:
        session = self.engine.session
        if self.engine.state is not State.RULES or session is None:
            raise IllegalTransition(self.engine.state, State.ACTIVE)
        ticket_id = self.gate.ticket_to_spend(session.visitor)
        offline_ticket = self.gate.offline_ticket_to_spend(session.visitor)
        async with self._home_lock:
            try:
                await asyncio.to_thread(self.wiper.prepare)
            except (OSError, WipeError) as exc:
                log.exception("prepare_failed", extra={"event": "prepare_failed", "fields": {}})
                raise CommandRefused(Refusal.BUSY, "this PC is not ready; ask an animator") from exc
            now = self.clock.now()
            # The ticket is spent in the same transaction that starts the session.
            self._change(
                now,
                lambda: self.engine.accept_rules(now, request.rules_version, request.language),
                ticket_used=ticket_id,
                offline_ticket=offline_ticket,
            )
            self.gate.session_started(session.visitor)

    # -- animator ------------------------------------------------------------------------

    async def _animator(self, request: AnimatorAction) -> None:
        """An animator action, or only the PIN's check (before the staff menu opens): both
        go through the animator guard, a wrong PIN being a wrong try either way."""
        matches = await self.gate.animator_pin_matches(request.pin)
        now = self.clock.now()
        actor = _KIOSK_ANIMATOR
        if not matches:
            refused = AuditEntry(
                now.wall, actor.kind.value, actor.name, "pin_refused", f"asked: {request.action}"
            )
            self._record(now, [], audits=(refused,))
            raise CommandRefused(Refusal.WRONG_PIN, "wrong animator PIN")
        if request.action == "check":
            return
        engine = self.engine
        detail = f"minutes={request.minutes}" if request.action == "extend" else ""
        audit = (AuditEntry(now.wall, actor.kind.value, actor.name, request.action, detail),)
        if request.action == "extend":
            if request.minutes is None:
                raise CommandRefused(Refusal.BAD_EXTENSION, "say how many minutes to add")
            minutes = request.minutes
            self._change(now, lambda: engine.extend(now, minutes, actor), audits=audit)
        elif request.action == "end":
            self._change(now, lambda: engine.end(now, EndReason.STAFF, actor), audits=audit)
        elif request.action == "lock":
            self._change(now, lambda: engine.lock(now, actor), audits=audit)
        else:
            self._change(now, lambda: engine.unlock(now, actor), audits=audit)

    # -- printing ------------------------------------------------------------------------

    def _start_printing(self) -> None:
        """With a cupsd to meter: the worker thread and the meter (nothing otherwise)."""
        if self.config.cups_socket is None:
            return
        from kiosk.agent.printing.cups_queue import CupsQueue  # noqa: PLC0415
        from kiosk.agent.printing.meter import PrintMeter  # noqa: PLC0415
        from kiosk.agent.printing.worker import PrintWorker, wake_socket_for  # noqa: PLC0415

        loop = asyncio.get_running_loop()
        cups = CupsQueue(self.config.cups_socket, approvals=self.config.print_approvals)
        cups.clear_approvals()
        worker = PrintWorker(
            cups,
            lambda job: loop.call_soon_threadsafe(self._print_counted, job),
            lambda job_id: loop.call_soon_threadsafe(self._print_gone, job_id),
            events=wake_socket_for(self.config.cups_socket),
        )
        user = self.config.print_user or (
            pwd.getpwuid(os.geteuid()).pw_name if self.config.sandbox else self.config.visitor
        )
        self.meter = PrintMeter(worker, user, self._print_fact, self._print_changed)
        if self.engine.state in IN_SESSION:
            self._print_session_started()  # resumed after a restart: its quota starts again
        worker.start()
        self._print_worker = worker
        event(log, "printing_metered", cups=str(self.config.cups_socket), user=user)

    async def _stop_printing(self) -> None:
        worker, self._print_worker = self._print_worker, None
        if worker is not None:
            await asyncio.to_thread(worker.stop)

    def _print_session_started(self) -> None:
        session = self.engine.session
        if self.meter is None or session is None or session.started_wall is None:
            return
        self.meter.session_started(
            self.policy,
            self._session_id or "local",
            # Jobs CUPS received before this are the last visitor's. (The agent's clock is
            # the system's in production; a test's clock may not be, CUPS's always is.)
            min(time.time(), session.started_wall.timestamp()),
            free_pages=session.visitor.free_pages,
            member=session.visitor.mode is LoginMode.MEMBER,
            printed_today=session.visitor.pages_printed_today,
        )

    def _print_counted(self, job: CountedJob) -> None:
        if self.meter is not None:
            self.meter.job_counted(job, self.clock.now().mono)

    def _print_gone(self, job_id: int) -> None:
        if self.meter is not None:
            self.meter.job_gone(job_id)

    def _print_changed(self) -> None:
        self._schedule_views()
        if self.link is not None:
            self.link.status_changed()

    def _print_fact(self, fact: PrintJobFact) -> None:
        """A print outcome for the console: into the outbox, in its own transaction."""
        if self._console_events is None:
            return
        from kiosk.agent.outbox import print_job_event  # noqa: PLC0415

        now = self.clock.now()
        self._unsaved_outbox += (print_job_event(fact, at=now.wall),)
        self._record(now, [])

    def _print_view(self, now: Instant) -> PrintView | None:
        meter = self.meter
        pending = meter.pending() if meter is not None else None
        left = meter.allowance() if meter is not None else None
        if pending is None:
            return None
        offer = pending.quote
        return PrintView(
            job_id=pending.job_id,
            waiting=pending.waiting.value,
            pages=offer.count.pages if offer else 0,
            sheets=offer.count.sheets if offer else 0,
            colour=offer.colour if offer else False,
            cost_cents=offer.cost_cents if offer else 0,
            free_pages_used=offer.free_pages_used if offer else 0,
            currency=pending.currency,
            pages_left=left.pages_left if left else 0,
            problem=pending.problem,
            seconds_left=max(0, math.ceil(pending.deadline - now.mono)),
        )

    # -- console link --------------------------------------------------------------------

    def _prepare_link(self) -> None:
        """When enrolled: write the outbox from now on, and build the link if the token is
        there. Not enrolled: the agent runs exactly as without a console."""
        if not os.path.lexists(self.config.console_path):
            return  # not enrolled: the link and its WebSocket library are never loaded
        from kiosk.agent import link, outbox  # noqa: PLC0415 (only an enrolled kiosk needs them)

        try:
            settings = link.load_console_settings(self.config.console_path)
        except link.LinkSettingsError as exc:
            raise StartRefused(f"cannot start: {exc}") from exc
        if settings is None:
            return
        self._console_events = outbox.console_events
        tokens = self.tokens = self.tokens or KeyringTokens(self.config.secrets_dir)
        token = tokens.get()
        if token is None:
            # Events still go to the outbox: enrolling again sends them. Logins follow the
            # offline rules (without a ticket key, no ticket code is accepted).
            event(log, "link_no_token", logging.ERROR, secrets=str(self.config.secrets_dir))
            self.gate = Gate(
                self.store,
                self.clock,
                self.config.animator_pin_hash,
                ConsoleAccess(None, lambda: False, lambda: None),
                verify=self._pin_verifier,
            )
            return
        try:
            self.link = link.ConsoleLink(
                settings,
                token,
                self.store,
                self,
                allow_insecure=self.config.allow_insecure_link,
                options=self.link_options,
            )
        except link.LinkSettingsError as exc:
            raise StartRefused(f"cannot start: {exc}") from exc
        from kiosk.agent.console_api import ConsoleApi  # noqa: PLC0415 (enrolled only)

        self.console_api = ConsoleApi(settings, token)
        self._ticket_key = tokens.get_ticket_key()
        self.gate = Gate(
            self.store,
            self.clock,
            self.config.animator_pin_hash,
            ConsoleAccess(self.console_api, self._link_up, lambda: self._ticket_key),
            verify=self._pin_verifier,
        )

    def _link_up(self) -> bool:
        return self.link is not None and self.link.connected

    def console_hello(self) -> wire.Hello:
        """The first frame of each connection to the console."""
        return wire.Hello(agent_version=_agent_version(), policy_version=self.policy.version)

    def console_welcome(self, welcome: wire.Welcome) -> None:
        """Keep the console's ticket key (with the token) when it is new."""
        key = decode_key(welcome.ticket_key)
        if key is None or key == self._ticket_key:
            return
        self._ticket_key = key
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
        snapshot = self.engine.snapshot
        session = snapshot.session
        running = session is not None and snapshot.state in _VISITOR_STATES
        pending = self.meter.pending() if self.meter is not None and running else None
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
            seconds_left=self.engine.seconds_left(now),
            login=wire.LoginKind(session.visitor.kind.value) if running and session else None,
            pages_printed=self.meter.printed if self.meter is not None and running else 0,
            print_waiting=waiting if waiting in ("over_quota", "uncountable") else None,
            print_job_id=pending.job_id if pending is not None and waiting != "confirm" else None,
            help_requested=bool(session and running and session.help_requested),
            locked=snapshot.locked_by is not None,
            at=now.wall,
            deadline=deadline,
        )

    async def console_command(self, command: wire.Command) -> wire.CommandResult:
        """Run a staff command from the console through the engine, audited; its result."""
        now = self.clock.now()
        actor = Actor(ActorKind.CONSOLE, command.by or "console")
        action = command.action
        detail = _command_detail(command)
        audit = (AuditEntry(now.wall, actor.kind.value, actor.name, action.value, detail),)

        def refused(code: str, message: str) -> wire.CommandResult:
            entry = AuditEntry(
                now.wall, actor.kind.value, actor.name, f"{action.value}_refused", message[:400]
            )
            self._record(now, [], audits=(entry,))
            event(log, "console_command_refused", action=action.value, code=code)
            return wire.CommandResult(
                command_id=command.command_id, ok=False, code=code, message=message[:500]
            )

        if self._stopping:
            return refused(Refusal.BUSY.value, "the agent is stopping")
        engine = self.engine
        try:
            if action is wire.CommandAction.EXTEND:
                minutes = command.minutes
                if minutes is None:
                    return refused("bad_field", "minutes: say how many minutes to add")
                self._change(now, lambda: engine.extend(now, minutes, actor), audits=audit)
            elif action is wire.CommandAction.END:
                self._change(now, lambda: engine.end(now, EndReason.STAFF, actor), audits=audit)
            elif action is wire.CommandAction.LOCK:
                reason = LockReason.OUT_OF_ORDER if command.reason == "out_of_order" else None
                self._change(now, lambda: engine.lock(now, actor, reason), audits=audit)
            elif action is wire.CommandAction.WORKSHOP:
                not_started = await self._workshop(command, actor)
                if not_started is not None:
                    return refused(*not_started)
            elif action is wire.CommandAction.UNLOCK:
                self._change(now, lambda: engine.unlock(now, actor), audits=audit)
            elif action is wire.CommandAction.MESSAGE:
                text = command.text
                if text is None:
                    return refused("bad_field", "text: a message needs a text")
                self._change(now, lambda: engine.send_message(now, text, actor), audits=audit)
            elif action is wire.CommandAction.HELP_ANSWERED:
                if command.session_id is not None and (
                    command.session_id != self._session_id or engine.state not in IN_SESSION
                ):
                    # Sent to a PC that was away: that visitor left; a new one's call stays.
                    return refused(Refusal.NO_SESSION.value, "the session that asked has ended")
                self._change(now, lambda: engine.help_answered(now, actor), audits=audit)
            elif action in (wire.CommandAction.GRANT_PAGES, wire.CommandAction.PRINT_RELEASE):
                print_refused = self._print_command(command)
                if print_refused is not None:
                    return refused(*print_refused)
                self._record(now, [], audits=audit)
            else:
                problem = self._console_policy(command)
                if problem is not None:
                    return refused("bad_policy", problem)
                self._record(now, [], audits=audit)
        except CommandRefused as exc:
            return refused(exc.refusal.value, exc.detail)
        except IllegalTransition as exc:
            return refused("not_allowed", f"not now: {exc}")
        event(log, "console_command", action=action.value, state=engine.state.value)
        return wire.CommandResult(command_id=command.command_id, ok=True)

    def _print_command(self, command: wire.Command) -> tuple[str, str] | None:
        """Grant pages to the session, or release a job the kiosk could not count."""
        meter = self.meter
        if meter is None:
            return "no_printing", "this PC does not meter printing"
        if self.engine.state not in IN_SESSION:
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
        engine = self.engine
        if engine.snapshot.locked_by is not None:
            return Refusal.LOCKED.value, "this PC is locked"
        if engine.state in _VISITOR_STATES:
            # Said apart from the other "not free" cases: the animator asks the visitor.
            return "in_session", "a visitor is in session"
        if engine.state in (State.ENDING, State.WIPING):
            return "wiping", "the last visitor's session is being erased"
        if engine.state not in (State.WAITING, State.DONE) or self._home_lock.locked():
            return Refusal.BUSY.value, f"this PC is not free ({engine.state.value})"
        async with self._home_lock:
            try:
                await asyncio.to_thread(self.wiper.prepare)
            except (OSError, WipeError):
                log.exception("prepare_failed", extra={"event": "prepare_failed", "fields": {}})
                return Refusal.BUSY.value, "this PC is not ready"
            now = self.clock.now()
            if engine.state is State.DONE:
                self._change(now, lambda: engine.dismiss_receipt(now))
            workshop = Workshop(title, command.workshop_id)
            detail = (
                f"minutes={minutes} workshop_id={command.workshop_id or '-'}; "
                "house rules presented to the group by the animator"
            )
            audit = (AuditEntry(now.wall, actor.kind.value, actor.name, "workshop", detail[:400]),)
            self._change(now, lambda: engine.start_workshop(now, workshop, minutes), audits=audit)
        return None

    def _console_policy(self, command: wire.Command) -> str | None:
        """Apply a policy the console pushed; on a bad one keep the last good policy and
        return what is wrong (each bad field named)."""
        if command.policy is None:
            return "policy: a policy update needs a policy"
        try:
            policy = policy_from_data(command.policy, "(console)")
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.WARNING, kept=self.policy.version)
            return "; ".join(str(p) for p in exc.problems)
        path = self.config.console_policy_path
        try:
            _write_policy_cache(policy, path)
        except OSError as exc:
            # In force now all the same; after a restart the last saved one applies.
            event(log, "policy_cache_failed", logging.ERROR, error=str(exc))
        else:
            self.policy_source = PolicySource(path)
        self._apply_policy(policy, "console")
        self._schedule_views()
        return None


def _command_detail(command: wire.Command) -> str:
    if command.action is wire.CommandAction.EXTEND:
        return f"minutes={command.minutes}"
    if (
        command.action
        in (
            wire.CommandAction.END,
            wire.CommandAction.LOCK,
            wire.CommandAction.HELP_ANSWERED,
        )
        and command.reason
    ):
        return f"reason={command.reason}"[:400]
    if command.action is wire.CommandAction.POLICY_UPDATE and command.policy is not None:
        return f"version={command.policy.get('version', '?')}"[:400]
    return ""


def _agent_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("epn-kiosk")
    except PackageNotFoundError:
        return "unknown"


def _write_policy_cache(policy: Policy, path: Path) -> None:
    """Keep a policy from the console for the next start (atomically)."""
    import yaml  # noqa: PLC0415 (only when the console sends a policy)

    text = yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True)
    write_atomically(path, text, mode=0o644)


def _initial_policy_source(config: AgentConfig) -> PolicySource:
    """The last good policy the console pushed, if any and still valid; else the file."""
    cached = config.console_policy_path
    if cached.exists():
        source = PolicySource(cached)
        try:
            source.load()
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.WARNING, kept=str(config.policy_path or "bundled"))
        else:
            return source
    return PolicySource(config.policy_path)


# -- composition root --------------------------------------------------------------------


async def serve(agent: Agent) -> None:
    """Run ``agent`` until SIGTERM or SIGINT; SIGHUP reloads the policy."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, agent.reload_policy)
    await agent.start()
    systemd.ready(loop)  # READY=1, then watchdog pings from this loop (under systemd only)
    await stop.wait()
    await agent.stop()


def build_agent(
    config: AgentConfig,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    wiper: Wiper | None = None,
    boot: str | None = None,
) -> Agent:
    """The agent with its real parts, or the ones given (tests)."""
    if not config.sandbox:
        config = _production_config(config)
        if wiper is None:
            wiper = _system_wiper(config)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    if not config.sandbox:
        # The store holds card numbers and audit rows: never readable by the visitor.
        config.data_dir.chmod(0o700)
    return Agent(
        config,
        clock=clock or SystemClock(),
        store=store or Store.open(config.database_path, migrate_in_child=True),
        wiper=wiper or SandboxWiper(config.home_dir, config.skeleton_dir, config.journal_path),
        boot=boot or boot_id(),
    )


def _production_config(config: AgentConfig) -> AgentConfig:
    """Fill what a production agent takes from the visitor's account: who may connect
    (the visitor's uid) and, unless given, the home (the account's passwd home)."""
    from kiosk.agent.system.users import PasswdAccounts  # noqa: PLC0415 (production only)

    if os.geteuid() != 0:
        raise StartRefused(NEEDS_ROOT)
    try:
        account = PasswdAccounts().lookup(config.visitor)
    except WipeError as exc:
        raise StartRefused(f"cannot start: {exc}") from exc
    changes: dict[str, Any] = {}
    if not config.allowed_uids:
        changes["allowed_uids"] = (account.uid,)
    if "home_dir" not in config.model_fields_set:
        changes["home_dir"] = Path(pwd.getpwnam(account.name).pw_dir)
    if "socket_path" not in config.model_fields_set:
        # Outside the data folder, which is the agent's only (0700).
        changes["socket_path"] = PRODUCTION_SOCKET
    if "socket_mode" not in config.model_fields_set:
        # The visitor's shell must reach the socket; who may talk is decided by the
        # peer-uid check, not by the file mode.
        changes["socket_mode"] = 0o666
    return config.model_copy(update=changes)


def _system_wiper(config: AgentConfig) -> Wiper:
    """The production wiper: a tmpfs home per session, everything of the visitor erased."""
    from kiosk.agent.system_wiper import HomeLimits, SystemParts, SystemWiper  # noqa: PLC0415

    print_jobs = None
    if config.cups_socket is not None:
        from kiosk.agent.printing.cups_queue import CupsQueue, TolerantPurger  # noqa: PLC0415

        print_jobs = TolerantPurger(CupsQueue(config.cups_socket, approvals=config.print_approvals))
    return SystemWiper(
        config.visitor,
        config.home_dir,
        config.skeleton_dir,
        config.journal_path,
        parts=SystemParts.real(print_jobs),
        limits=HomeLimits(size=config.home_size, nr_inodes=config.home_inodes),
    )


def run(config: AgentConfig, *, wiper: Wiper | None = None) -> int:
    """Build the agent and serve until stopped; 0 on a clean stop."""
    agent = build_agent(config, wiper=wiper)
    try:
        asyncio.run(serve(agent))
    finally:
        agent.store.close()
    return 0


def config_from_args(args: argparse.Namespace) -> AgentConfig:
    """The configuration the command line describes."""
    try:
        return AgentConfig(
            data_dir=args.data_dir,
            socket_path=args.socket,
            policy_path=args.policy,
            sandbox=args.sandbox,
            pc_name=args.pc_name,
            animator_pin_hash=args.animator_pin_hash,
            config_dir=getattr(args, "config_dir", None),
            allow_insecure_link=getattr(args, "allow_insecure_link", False),
            visitor=args.visitor,
            home_dir=args.home,
            home_size=args.home_size,
            home_inodes=args.home_inodes,
            skeleton_dir=getattr(args, "skeleton", None),
            lockdown_root=getattr(args, "lockdown_root", None),
            display_manager=getattr(args, "display_manager", None),
            cups_socket=getattr(args, "cups_socket", None),
            print_approvals=getattr(args, "print_approvals", None),
            print_user=getattr(args, "print_user", None),
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}"
            for e in exc.errors(include_url=False)
            if e["type"] != "default_factory_not_called"  # a consequence, not a cause
        )
        raise StartRefused(f"bad configuration: {problems}") from exc


def main(args: argparse.Namespace, *, wiper: Wiper | None = None) -> int:
    """``epn-kiosk agent``: log as JSON lines on stderr, refuse clearly, run."""
    json_log.install(["kiosk"])
    try:
        config = config_from_args(args)
        return run(config, wiper=wiper)
    except StartRefused as exc:
        event(log, "start_refused", logging.ERROR, reason=str(exc))
        if sys.stderr.isatty():  # a person at a terminal; the log stays JSON lines
            print(f"epn-kiosk agent: {exc}", file=sys.stderr)
        return 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``agent`` command's options and its entry point."""
    parser.add_argument(
        "--sandbox", action="store_true", help="run without root: the visitor's home is a folder"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=True,
        help="folder of the local store, the wipe journal and the home",
    )
    parser.add_argument(
        "--socket",
        type=Path,
        default=None,
        help="unix socket for the shell (default DATA_DIR/kiosk.sock)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        default=None,
        help="policy file, .toml or .yaml (default: the bundled policy)",
    )
    parser.add_argument("--pc-name", default=None, help="name of this PC (default: host name)")
    parser.add_argument(
        "--animator-pin-hash",
        default=None,
        help="argon2id hash of the animator PIN (python -m kiosk.agent.admin hash-pin)",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="folder of console.json, written by `epn-kiosk enroll` (default DATA_DIR)",
    )
    parser.add_argument(
        "--allow-insecure-link",
        action="store_true",
        help="accept a ws:// console without TLS (sandbox demos and tests only)",
    )
    printing = parser.add_argument_group("printing (metered through CUPS)")
    printing.add_argument(
        "--cups-socket", type=Path, default=None, help="the kiosk's cupsd socket (no printing)"
    )
    printing.add_argument(
        "--print-approvals",
        type=Path,
        default=None,
        help="folder of the gated backend's approvals (/run/epn-kiosk/print-approved)",
    )
    printing.add_argument(
        "--print-user", default=None, help="account whose jobs are metered (the visitor)"
    )
    production = parser.add_argument_group("production (as root, without --sandbox)")
    production.add_argument("--visitor", default=None, help="the visitor account (epn-visitor)")
    production.add_argument(
        "--home", type=Path, default=None, help="the visitor's home (default: from passwd)"
    )
    production.add_argument("--home-size", default=None, help="tmpfs size of the home (1g)")
    production.add_argument(
        "--skeleton", type=Path, default=None, help="what a fresh home holds (the packaged one)"
    )
    production.add_argument(
        "--home-inodes", type=int, default=None, help="most files in the home (200000)"
    )
    production.add_argument(
        "--display-manager",
        default=None,
        help="systemd unit restarted after each wipe so it logs the visitor in again "
        "(lightdm.service)",
    )
    production.add_argument(
        "--lockdown-root",
        type=Path,
        default=None,
        help="rewrite the browsers' policies under this root (/) when the policy changes",
    )
    parser.set_defaults(run=main)
