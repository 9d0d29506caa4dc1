"""The console link of a real agent against a small fake console: a real WebSocket server
(``websockets.serve`` on 127.0.0.1) that stores each event id once, counts duplicates,
acknowledges, pushes commands and can be killed and restarted."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy
from helpers.kiosk_endpoint import KioskEndpoint, enroll_folder, wait_until
from helpers.kiosk_endpoint import enrolled_agent as enrolled
from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from epn_shared.protocol import (
    Command,
    CommandResult,
    Event,
    Hello,
    Status,
    Welcome,
    decode_kiosk_frame,
    encode,
)
from kiosk.agent.errors import StartRefused
from kiosk.agent.link import ConsoleSettings, LinkOptions, save_console_settings
from kiosk.agent.secrets import KeyringTokens
from kiosk.core.model import ActorKind, State
from policies import default_policy

FAST = LinkOptions(backoff_initial=0.05, backoff_cap=0.4, status_min_interval=0.05, open_timeout=5)


class FakeConsole(KioskEndpoint):
    """A console that stores events by id, acknowledges them, and pushes commands.

    Runs its own event loop in a thread. ``ack_every`` events are acknowledged together
    (or after 50 ms without a new one), so a kill can lose stored-but-unacknowledged
    events: the kiosk resends them and they count as duplicates, never stored twice.
    """

    def __init__(self, *, ack_every: int = 1, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(ssl_context)
        self.ack_every = ack_every
        self.acking = True
        self.stored: dict[str, Event] = {}
        self.duplicates = 0
        self.hellos: list[Hello] = []
        self.statuses: list[Status] = []
        self.headers: list[Headers] = []
        self._results: dict[str, asyncio.Future[CommandResult]] = {}

    # -- serving -------------------------------------------------------------------------

    def _check_token(self, connection: ServerConnection, request: Request) -> Response | None:
        self.headers.append(request.headers)
        return super()._check_token(connection, request)

    async def _handle(self, websocket: ServerConnection) -> None:
        hello = decode_kiosk_frame(await websocket.recv())
        assert isinstance(hello, Hello)
        self.hellos.append(hello)
        await websocket.send(
            encode(Welcome(kiosk_name="PC-TEST", server_time=dt.datetime.now(dt.UTC)))
        )
        self._current = websocket
        self.connections += 1
        unacked: list[str] = []
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(websocket.recv(), 0.05 if unacked else None)
                except TimeoutError:
                    await self._ack(websocket, unacked)
                    continue
                frame = decode_kiosk_frame(raw)
                if isinstance(frame, Event):
                    with self._lock:
                        if frame.id in self.stored:
                            self.duplicates += 1
                        else:
                            self.stored[frame.id] = frame
                    unacked.append(frame.id)
                    if len(unacked) >= self.ack_every:
                        await self._ack(websocket, unacked)
                elif isinstance(frame, Status):
                    self.statuses.append(frame)
                elif isinstance(frame, CommandResult):
                    future = self._results.pop(frame.command_id, None)
                    if future is not None:
                        future.set_result(frame)
        except ConnectionClosed:
            pass

    async def _ack(self, websocket: ServerConnection, unacked: list[str]) -> None:
        if self.acking and unacked:
            await websocket.send(json.dumps({"v": 1, "type": "ack", "ids": unacked}))
            unacked.clear()

    # -- driving -------------------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until the kiosk was welcomed ``count`` times in all."""
        self._wait_connections(count, timeout)

    def command(self, action: str, timeout: float = 10.0, **fields: Any) -> CommandResult:
        """Push a command and wait for its result."""
        command = Command(
            command_id=f"cmd-{time.monotonic_ns()}", action=action, by="ada", **fields
        )

        async def send() -> CommandResult:
            assert self._current is not None, "no kiosk connected"
            future: asyncio.Future[CommandResult] = self._loop.create_future()
            self._results[command.command_id] = future
            await self._current.send(encode(command))
            return await asyncio.wait_for(future, timeout)

        result: CommandResult = self._run(send(), timeout + 1)
        return result

    def kinds(self) -> list[str]:
        """The kinds of the stored events, in the order stored."""
        with self._lock:
            return [e.body.kind for e in self.stored.values()]


@pytest.fixture
def console() -> Iterator[FakeConsole]:
    """A running fake console on a free port."""
    fake = FakeConsole().start()
    yield fake
    fake.stop()


def enrolled_agent(
    tmp_dir: Path, console: FakeConsole, options: LinkOptions = FAST, **kwargs: Any
) -> AgentThread:
    """An agent (not started) enrolled with ``console`` over ws://."""
    return enrolled(tmp_dir, console.url, options, **kwargs)


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short data folder (unix socket paths must stay under 108 bytes)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="epnl"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def outbox_size(agent: AgentThread) -> int:
    """Events the agent still keeps for the console."""
    return agent.call(agent.agent.store.outbox_size)


# -- events ------------------------------------------------------------------------------


def test_a_session_reaches_the_console_and_is_forgotten_only_after_the_ack(
    short_dir: Path, console: FakeConsole
) -> None:
    console.acking = False
    with enrolled_agent(short_dir, console) as agent, ShellClient(agent.socket_path) as shell:
        console.wait_connected()
        assert console.hellos[0].policy_version == agent.policy.version
        shell.hello()
        shell.start_session(language="nl")
        shell.request("request_help")
        shell.request("end_session")
        agent.wait_for_state(State.DONE)
        wait_until(lambda: len(console.stored) == 4, 10, "4 events at the console")
        assert console.kinds() == [
            "session_started",
            "help_requested",
            "session_ended",
            "wipe_finished",
        ]
        # Stored at the console, but not acknowledged: the kiosk keeps them all.
        assert outbox_size(agent) == 4

        started, help_asked, ended, _ = console.stored.values()
        assert started.body.kind == "session_started"
        assert started.body.login == "walk_in" and started.body.language == "nl"
        assert started.body.rules_version == agent.policy.house_rules.version
        assert started.body.seconds == agent.policy.session.length_minutes * 60
        assert help_asked.body.kind == "help_requested"
        assert ended.body.kind == "session_ended"
        assert help_asked.body.session_id == ended.body.session_id == started.body.session_id
        assert ended.body.reason == "visitor" and ended.body.help_requested

        # The console comes back acknowledging: the resent events are stored once each.
        console.kill()
        console.acking = True
        console.start()
        console.wait_connected(2)
        wait_until(lambda: outbox_size(agent) == 0, 10, "an empty outbox")
        assert len(console.stored) == 4
        assert console.duplicates == 4


def test_5000_events_while_the_console_is_killed_and_restarted_three_times(
    short_dir: Path,
) -> None:
    console = FakeConsole(ack_every=40).start()
    try:
        with enrolled_agent(short_dir, console) as agent, ShellClient(agent.socket_path) as s:
            console.wait_connected()
            s.hello()
            s.start_session()  # event 1: session_started

            def run_one() -> None:
                now = agent.clock.now()
                agent.agent.keeper.change(now, lambda: agent.agent.engine.request_help(now))

            def help_requests(count: int) -> None:
                # In steps of 50, so the link sends while the kiosk writes.
                for _ in range(count // 50):
                    agent.call(lambda: [run_one() for _ in range(50)])

            written = 1
            for round_ in range(4):
                seen = len(console.stored)
                help_requests(1200)
                written += 1200
                if round_ < 3:
                    # Killed while events flow; the kiosk keeps writing while it is down.
                    wait_until(lambda s=seen: len(console.stored) > s + 100, 10, "events flowing")
                    console.kill()
                    help_requests(50)
                    written += 50
                    console.start()
                    console.wait_connected(round_ + 2)
            agent.call(lambda: [run_one() for _ in range(49)])
            written += 49
            assert written == 5000
            wait_until(lambda: len(console.stored) == 5000, 40, "5,000 events stored")
            wait_until(lambda: outbox_size(agent) == 0, 20, "an empty outbox")
            assert len(console.stored) == 5000  # none lost, none stored twice
            kinds = console.kinds()
            assert kinds.count("session_started") == 1
            assert kinds.count("help_requested") == 4999
            assert console.connections >= 4
    finally:
        console.stop()


def test_events_written_offline_reach_the_console_when_it_is_back(short_dir: Path) -> None:
    console = FakeConsole().start()
    console.kill()  # enrolled, but the console is down when the agent starts
    try:
        with enrolled_agent(short_dir, console) as agent, ShellClient(agent.socket_path) as s:
            s.hello()
            view = s.start_session()
            assert view.state is State.ACTIVE  # the kiosk works without its console
            assert outbox_size(agent) == 1
            console.start()
            wait_until(lambda: outbox_size(agent) == 0, 10, "the outbox sent")
            assert console.kinds() == ["session_started"]
    finally:
        console.stop()


def test_a_not_enrolled_agent_writes_no_outbox_and_has_no_link(short_dir: Path) -> None:
    with AgentThread(data_dir=short_dir) as agent, ShellClient(agent.socket_path) as shell:
        shell.hello()
        shell.start_session()
        assert agent.call(lambda: agent.agent.link) is None
        assert outbox_size(agent) == 0


def test_an_unsafe_secrets_folder_makes_an_enrolled_agent_refuse_to_start(
    short_dir: Path, console: FakeConsole
) -> None:
    agent = enrolled_agent(short_dir, console)
    (short_dir / "secrets").chmod(0o750)
    with pytest.raises(StartRefused, match="0750"):
        agent.start()


# -- status and commands -----------------------------------------------------------------


def test_status_follows_the_screen(short_dir: Path, console: FakeConsole) -> None:
    with enrolled_agent(short_dir, console) as agent, ShellClient(agent.socket_path) as shell:
        console.wait_connected()
        wait_until(lambda: len(console.statuses) >= 1, 5, "a first status")
        assert console.statuses[0].state == "waiting"
        shell.hello()
        shell.start_session()
        wait_until(lambda: console.statuses[-1].state == "active", 5, "an active status")
        status = console.statuses[-1]
        assert status.login == "walk_in" and status.seconds_left is not None
        shell.request("request_help")
        wait_until(lambda: console.statuses[-1].help_requested, 5, "help shown")


def test_staff_commands_reach_the_engine_and_their_results_come_back(
    short_dir: Path, console: FakeConsole
) -> None:
    with enrolled_agent(short_dir, console) as agent, ShellClient(agent.socket_path) as shell:
        console.wait_connected()
        shell.hello()

        refused = console.command("extend", minutes=10)
        assert not refused.ok and refused.code == "no_session"

        view = shell.start_session()
        before = view.seconds_left
        assert before is not None
        result = console.command("extend", minutes=10)
        assert result.ok, result
        extended = shell.wait_view(lambda v: (v.seconds_left or 0) > before + 500)
        assert extended.seconds_left is not None

        assert console.command("message", text="Pause dans 5 minutes").ok
        shown = shell.wait_view(lambda v: v.message is not None)
        assert shown.message is not None and shown.message.text == "Pause dans 5 minutes"

        assert console.command("lock").ok
        assert shell.wait_view(lambda v: v.locked).locked
        assert console.command("unlock").ok
        shell.wait_view(lambda v: not v.locked)

        assert console.command("end", reason="house rules").ok
        agent.wait_for_state(State.DONE)
        wait_until(lambda: "session_ended" in console.kinds(), 5, "the end at the console")
        ended = next(e for e in console.stored.values() if e.body.kind == "session_ended")
        assert ended.body.reason == "staff"
        assert ended.body.extended_seconds == 600

        audit = agent.call(agent.agent.store.audit_entries)
        by_console = [(a.actor_kind, a.actor_name, a.action) for a in audit]
        assert ("console", "ada", "extend") in by_console
        assert ("console", "ada", "end") in by_console
        assert ("console", "ada", "extend_refused") in by_console
        assert all(a.actor_kind == ActorKind.CONSOLE.value for a in audit)


def test_a_bad_policy_update_keeps_the_last_good_policy_and_names_the_field(
    short_dir: Path, console: FakeConsole
) -> None:
    with enrolled_agent(short_dir, console) as agent:
        console.wait_connected()
        good = agent.policy
        data = good.model_dump(mode="json")
        data["session"]["length_minutes"] = -5
        result = console.command("policy_update", policy=data)
        assert not result.ok
        assert result.code == "bad_policy"
        assert "session.length_minutes" in result.message
        assert agent.call(lambda: agent.agent.policy) == good

        newer = open_all_day_policy(length_minutes=45)
        assert newer.version != good.version
        result = console.command("policy_update", policy=newer.model_dump(mode="json"))
        assert result.ok, result
        assert agent.call(lambda: agent.agent.policy.version) == newer.version
        assert agent.call(lambda: agent.agent.policy.session.length_minutes) == 45

    # Kept, and in force again after a restart (the console may be unreachable then).
    insecure = {"allow_insecure_link": True}
    with AgentThread(data_dir=short_dir, policy=default_policy(), config_options=insecure) as again:
        assert again.call(lambda: again.agent.policy.version) == newer.version


def test_malformed_frames_are_skipped_and_the_link_keeps_working(
    short_dir: Path, console: FakeConsole
) -> None:
    with enrolled_agent(short_dir, console) as agent:
        console.wait_connected()
        console.send_raw("not json at all")
        console.send_raw(json.dumps({"v": 1, "type": "launch_missiles"}))
        console.send_raw(json.dumps({"v": 9, "type": "ack", "ids": []}))
        console.send_raw(json.dumps({"v": 1, "type": "command", "command_id": "x"}))
        console.send_raw(json.dumps({"v": 1, "type": "ack", "ids": ["unknown-id-123"]}))
        assert console.command("lock").ok
        assert agent.view().locked
        assert console.connections == 1  # the same connection all along


def test_a_refused_token_is_retried_with_backoff_without_stopping_the_kiosk(
    short_dir: Path, console: FakeConsole
) -> None:
    agent = enrolled_agent(short_dir, console)
    KeyringTokens(short_dir / "secrets").set("a-revoked-token-0000000000")
    with agent, ShellClient(agent.socket_path) as shell:
        wait_until(lambda: len(console.headers) >= 3, 10, "three tries")
        assert console.connections == 0
        assert "401" in (agent.call(lambda: agent.agent.link.last_error) or "")
        shell.hello()
        assert shell.start_session().state is State.ACTIVE


def test_the_link_reconnects_within_a_bounded_time(short_dir: Path) -> None:
    console = FakeConsole().start()
    try:
        with enrolled_agent(short_dir, console) as agent:
            console.wait_connected()
            for round_ in range(3):
                console.kill()
                # A few failed tries: the backoff grows, up to its cap.
                wait_until(
                    lambda: agent.call(lambda: agent.agent.link.backoff.attempt) >= 3,
                    10,
                    "three failed tries",
                )
                # However long the console was away, the next try is at most the cap away
                # (0.4 s here, with full jitter): no kiosk sleeps for minutes.
                assert agent.call(agent.agent.link.backoff.ceiling) <= 0.4
                console.start()
                console.wait_connected(round_ + 2, timeout=10)
                # The console counts a connection when it sends its welcome; the kiosk is
                # connected once that welcome has reached it.
                wait_until(
                    lambda: agent.call(lambda: agent.agent.link.connected), 10, "link back up"
                )
    finally:
        with contextlib.suppress(Exception):
            console.stop()


# -- TLS ---------------------------------------------------------------------------------


def make_certificate(folder: Path, name: str) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1: (cert file, key file, SHA-256 hex)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    digest = cert.fingerprint(hashes.SHA256()).hex()
    return cert_path, key_path, digest


def tls_console(cert: Path, key: Path) -> FakeConsole:
    """A fake console serving wss:// with this certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return FakeConsole(ssl_context=context).start()


def test_the_pinned_certificate_is_accepted_and_another_one_refused(
    short_dir: Path, tmp_path: Path
) -> None:
    good_cert, good_key, good_pin = make_certificate(tmp_path, "console")
    other_cert, other_key, _ = make_certificate(tmp_path, "impostor")

    console = tls_console(good_cert, good_key)
    try:
        enroll_folder(short_dir, console.url, fingerprint=good_pin)
        with AgentThread(data_dir=short_dir, agent_options={"link_options": FAST}) as agent:
            console.wait_connected()
            assert console.command("lock").ok
            assert agent.view().locked
    finally:
        console.stop()

    impostor = tls_console(other_cert, other_key)
    try:
        # The same address, another certificate (even a valid one would be refused).
        save_console_settings(
            ConsoleSettings(url=impostor.url, fingerprint_sha256=good_pin, name="PC-TEST"),
            short_dir / "console.json",
        )
        with AgentThread(data_dir=short_dir, agent_options={"link_options": FAST}) as agent:
            wait_until(
                lambda: (
                    "not the one pinned" in (agent.call(lambda: agent.agent.link.last_error) or "")
                ),
                10,
                "a refused certificate",
            )
            tries = agent.call(lambda: agent.agent.link.backoff.attempt)
            wait_until(
                lambda: agent.call(lambda: agent.agent.link.backoff.attempt) >= tries + 2,
                10,
                "two more refused tries",
            )
        assert impostor.connections == 0
        assert impostor.headers == []  # no request, so the token never left the kiosk
    finally:
        impostor.stop()


def test_ws_without_tls_needs_the_explicit_flag(short_dir: Path, console: FakeConsole) -> None:
    enroll_folder(short_dir, console.url)
    with pytest.raises(StartRefused, match="wss:// only"):
        AgentThread(data_dir=short_dir).start()


# -- the real console server -------------------------------------------------------------


def test_enroll_and_link_with_the_real_console_server(short_dir: Path, tmp_path: Path) -> None:
    testing = pytest.importorskip("helpers.console_server")
    from admin_console.server.auth import Role
    from kiosk.agent.config import AgentConfig
    from kiosk.agent.enroll import enroll

    with testing.ConsoleServer(tmp_path / "console", tls=True) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        with server.client(admin) as http:
            code = http.post("/api/pairing-codes").json()["code"]
        said: list[str] = []
        config = AgentConfig(data_dir=short_dir, sandbox=True)
        settings = enroll(
            server.url, code, name="PC-07", location="salle 1", config=config, say=said.append
        )
        assert settings.url == f"{server.ws_url}/ws/kiosk"
        assert settings.fingerprint_sha256 is not None
        assert settings.fingerprint_sha256 in said[0].replace(":", "").lower()
        assert (short_dir / "secrets").stat().st_mode & 0o777 == 0o700
        assert (short_dir / "secrets" / "keyring.cfg").stat().st_mode & 0o777 == 0o600

        with AgentThread(data_dir=short_dir, agent_options={"link_options": FAST}) as agent:
            agent.wait_until(lambda: agent.agent.link is not None and agent.agent.link.connected)
            with ShellClient(agent.socket_path) as shell:
                shell.hello()
                shell.start_session()
            agent.wait_until(lambda: agent.agent.store.outbox_size() == 0, 10, "acks")
