"""The kiosk agent, the service that owns every decision about one public PC: its parts
wired together (the composition root), started, stopped and ticked; :func:`run` serves it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pwd
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epn_shared.json_log import event
from kiosk.agent import systemd
from kiosk.agent.admin_socket import AdminRequests
from kiosk.agent.clock import Clock, SystemClock, boot_id
from kiosk.agent.config import AgentConfig
from kiosk.agent.console_handler import ConsoleHandler
from kiosk.agent.console_pairing import ConsolePairing, DiscoveryOptions
from kiosk.agent.credentials import verify_pin
from kiosk.agent.display_watch import DISPLAY_CHECK_AT_START, DisplayWatch
from kiosk.agent.errors import StartRefused, StoreError, WipeError
from kiosk.agent.login_checks import ConsoleAccess, LoginChecks, PinVerifier
from kiosk.agent.policy_keeper import PolicyKeeper, first_policy, initial_policy_source
from kiosk.agent.printing.coordinator import PrintCoordinator
from kiosk.agent.secrets import KeyringTokens
from kiosk.agent.session_keeper import VISITOR_STATES, WIPE_STATES, SessionKeeper
from kiosk.agent.shells import Shells
from kiosk.agent.staff_roster import StaffRoster
from kiosk.agent.store import Store
from kiosk.agent.system.power import Power, RecordedPower, SystemdPower
from kiosk.agent.update_hold import FREE_STATES, UpdateHold
from kiosk.agent.wipe_runner import WipeRunner
from kiosk.agent.wiper import SandboxWiper, Wiper
from kiosk.core import events as ev
from kiosk.core.engine import IN_SESSION, SessionEngine
from kiosk.core.model import Actor, EndReason, Instant
from kiosk.core.protocol import View
from policies import Policy

if TYPE_CHECKING:
    from kiosk.agent.console_api import ConsoleApi
    from kiosk.agent.link import ConsoleLink, LinkOptions
    from kiosk.agent.policy_source import PolicySource
    from kiosk.agent.secrets import TokenStore

log = logging.getLogger(__name__)

PRODUCTION_SOCKET = Path("/run/epn-kiosk/kiosk.sock")
"""Where a production agent listens unless told otherwise (reachable by the visitor)."""

NEEDS_ROOT = "a production agent runs as root (it mounts the visitor's home); or use --sandbox"

ALIVE_EVERY_SECONDS = 60.0
"""While a session runs, note this often that the agent is alive (to date a power cut)."""

POLICY_CHECK_SECONDS = 1.0


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


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
        discovery: DiscoveryOptions | None = None,
        power: Power | None = None,
    ) -> None:
        self.config, self.clock, self.store, self.wiper = config, clock, store, wiper
        self.link_options = link_options
        self._pin_verifier = pin_verifier  # argon2; tests count its calls
        source = policy_source or initial_policy_source(config)
        self.engine = SessionEngine(first_policy(source))
        keeper = self.keeper = SessionKeeper(
            self.engine, store, boot, self._saved, self._happened, self._recorded
        )
        display = self.display = DisplayWatch(
            config.display_manager,
            clock,
            lambda: self.engine.state in WIPE_STATES or self.shells.connected(),
        )
        wipe = self.wipe = WipeRunner(keeper, wiper, clock, display)
        printing = self.printing = PrintCoordinator(config, clock, keeper, self._print_changed)
        self.policies = PolicyKeeper(config, source, self.engine, printing)
        # The console's staff roster, kept in the store: read before any shell asks.
        self.roster = StaffRoster(store, clock)
        checks = LoginChecks(
            store, clock, config.animator_pin_hash, verify=pin_verifier, roster=self.roster
        )
        hold = self.update_hold = UpdateHold(
            config.update_hold_seconds, self._free_for_update, self._hold_changed
        )
        self.shells = Shells(
            config, clock, keeper, checks, wipe, printing, display, hold, roster=self.roster
        )
        self.roster.on_changed = self.shells.schedule_views
        self.server = self.shells.server
        self.admin = AdminRequests(clock, hold, lambda: keeper.stopping)
        self.admin_server = self.admin.server(config.admin_socket_path)
        self.shells.pairing = ConsolePairing(
            config,
            paired=os.path.lexists(config.console_path),
            linked=self.console_paired,
            options=discovery or DiscoveryOptions(),
        )
        if power is None:
            power = RecordedPower(config.data_dir) if config.sandbox else SystemdPower()
        self.console = ConsoleHandler(
            clock,
            keeper,
            self.policies,
            printing,
            wipe,
            tokens,
            hold,
            power=power,
            roster=self.roster,
        )
        self.link: ConsoleLink | None = None
        self.console_api: ConsoleApi | None = None
        self._link_task: asyncio.Task[None] | None = None
        self._tick_task: asyncio.Task[None] | None = None
        self._next_alive = 0.0
        self._next_policy_check = 0.0

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        return self.engine.policy

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Resume or recover the last state, then listen for shells and look at the time."""
        # An enrolled kiosk with unsafe secrets stops here, before anything else.
        self._connect_console()
        # Take the socket first: a second agent on the same PC must stop here, before it
        # touches the store. Shells that connect now wait until the state is restored.
        self.server.bind()
        self.keeper.restore(self.clock.now(), self.wiper.journal_state)
        self.policies.write_browser_policies()
        await self.server.start()
        await self.admin_server.start()
        event(
            log,
            "listening",
            socket=str(self.config.socket_path),
            state=self.engine.state.value,
            policy=self.policies.source.describe(),
            console=None if self.link is None else self.link.settings.url,
        )
        self.wipe.ensure()
        self.printing.start()
        self.display.check_later(DISPLAY_CHECK_AT_START, "no_shell_since_start")
        self._tick_task = asyncio.create_task(self._tick_loop(), name="agent-tick")
        if self.link is not None:
            self._link_task = asyncio.create_task(self.link.run(), name="console-link")

    async def stop(self) -> None:
        """A clean stop (SIGTERM): end a running session, finish the wipe, save, close."""
        self.keeper.stopping = True
        event(log, "stopping", state=self.engine.state.value)
        await _cancel(self._tick_task)
        now = self.clock.now()
        if self.engine.state in VISITOR_STATES:
            self.keeper.change(now, lambda: self.engine.end(now, EndReason.STOPPED, Actor.system()))
        await self.wipe.finish()
        await self._close()
        event(log, "stopped", state=self.engine.state.value)

    async def abort(self) -> None:
        """Stop without ending anything, as if the process were killed (tests only)."""
        self.keeper.stopping = True
        await _cancel(self._tick_task)
        await self.wipe.cancel()
        await self._close()

    async def _close(self) -> None:
        await self.printing.stop()
        # Whatever was not acknowledged stays in the outbox for the next run.
        await _cancel(self._link_task)
        if self.console_api is not None:
            await self.console_api.close()
        await self.admin_server.close()
        await self.server.close()

    def console_paired(self) -> None:
        """The PC was just paired from its staff menu: link up now, as a start would."""
        if self.link is not None:
            return
        self._connect_console()
        if self.link is not None:
            self._link_task = asyncio.create_task(self.link.run(), name="console-link")
            event(log, "link_started", console=self.link.settings.url)

    def _connect_console(self) -> None:
        """When enrolled: write the outbox from now on, and build the link if the token is
        there. Not enrolled: the agent runs exactly as without a console."""
        config = self.config
        if not os.path.lexists(config.console_path):
            return  # not enrolled: the link and its WebSocket library are never loaded
        from kiosk.agent import link, outbox  # noqa: PLC0415 (only an enrolled kiosk needs them)

        try:
            settings = link.load_console_settings(config.console_path)
        except link.LinkSettingsError as exc:
            raise StartRefused(f"cannot start: {exc}") from exc
        if settings is None:
            return
        self.keeper.console_events = outbox.console_events
        self.keeper.staff_events = outbox.staff_action_event
        console = self.console
        tokens = console.tokens = console.tokens or KeyringTokens(config.secrets_dir)
        token = tokens.get()
        if token is None:
            # Events still go to the outbox: enrolling again sends them. Logins follow the
            # offline rules (without a ticket key, no ticket code is accepted).
            event(log, "link_no_token", logging.ERROR, secrets=str(config.secrets_dir))
            access = ConsoleAccess(None, lambda: False, lambda: None)
        else:
            try:
                self.link = link.ConsoleLink(
                    settings,
                    token,
                    self.store,
                    console,
                    allow_insecure=config.allow_insecure_link,
                    options=self.link_options,
                )
            except link.LinkSettingsError as exc:
                raise StartRefused(f"cannot start: {exc}") from exc
            from kiosk.agent.console_api import ConsoleApi  # noqa: PLC0415 (enrolled only)

            self.console_api = ConsoleApi(settings, token)
            console.ticket_key = tokens.get_ticket_key()
            access = ConsoleAccess(self.console_api, self._link_up, lambda: console.ticket_key)
        self.shells.login_checks = LoginChecks(
            self.store,
            self.clock,
            config.animator_pin_hash,
            access,
            verify=self._pin_verifier,
            roster=self.roster,
        )

    def _link_up(self) -> bool:
        return self.link is not None and self.link.connected

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
            if self.policies.source.changed():
                self.reload_policy()
        self.keeper.change(now, lambda: self.engine.tick(now))
        self.update_hold.expire(now)
        self.display.tick(now)
        self.printing.tick(now)
        if self.engine.state in IN_SESSION and now.mono >= self._next_alive:
            self._next_alive = now.mono + ALIVE_EVERY_SECONDS
            try:
                self.store.touch(now.wall)
            except StoreError as exc:
                event(log, "store_failed", logging.ERROR, error=str(exc))
        self.shells.push_views()

    def reload_policy(self) -> bool:
        """Read the policy again; a bad one is logged and the last good stays in force."""
        if not self.policies.reload():
            return False
        self.shells.push_views()
        return True

    def view(self, now: Instant | None = None) -> View:
        """What the visitor's screen shows now."""
        return self.shells.view(now)

    # -- what one part tells the others --------------------------------------------------

    def _saved(self, outbox_sent: bool, changed: bool) -> None:
        if self.link is not None:
            if outbox_sent:
                self.link.wake()
            if changed:
                self.link.status_changed()

    def _happened(self, item: ev.Event, now: Instant) -> None:
        if isinstance(item, ev.SessionStarted):
            self.printing.session_started()
        elif isinstance(item, ev.SessionEnded):
            self.shells.display_session = None
            self.printing.session_ended(now)

    def _recorded(self) -> None:
        self.wipe.ensure()
        self.shells.schedule_views()

    def _free_for_update(self) -> bool:
        """No visitor session is in progress or starting, nor any wipe: an update may hold
        the PC."""
        keeper = self.keeper
        return (
            self.engine.state in FREE_STATES
            and not self.wipe.busy
            and not keeper.recovering
            and not keeper.stopping
        )

    def _hold_changed(self, held: bool) -> None:
        self.shells.schedule_views()
        if self.link is not None:
            self.link.status_changed()

    def _print_changed(self) -> None:
        self.shells.schedule_views()
        if self.link is not None:
            self.link.status_changed()


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
