"""Test harness: a real agent on a real unix socket, driven by a fake clock.

For tests at every level (the GUI journey test included)::

    with AgentThread(animator_pin="2468") as agent:
        shell = ShellClient(agent.socket_path)
        shell.hello()
        shell.request("login", mode="walk_in", language="fr")
        agent.advance(minutes=50)
        assert agent.engine_state() is State.WARNED

Run as a script, this file is the agent with a wiper that stalls mid-wipe
(:data:`AgentProcess.STALLING`, :func:`stalling_agent_main`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import inspect
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import yaml

from kiosk.agent import cli
from kiosk.agent.agent import Agent
from kiosk.agent.config import AgentConfig
from kiosk.agent.credentials import hash_pin
from kiosk.agent.link import ConsoleSettings, save_console_settings
from kiosk.agent.store import Store
from kiosk.agent.wiper import SandboxWiper, Wiper
from kiosk.core.clock import FakeClock
from kiosk.core.model import Instant, State
from kiosk.core.protocol import PROTOCOL_VERSION, Reply, View, decode_push
from policies import Policy, StaffLanguage, StaffRules, default_policy, policy_from_data

T = TypeVar("T")

DEFAULT_WALL = dt.datetime(2026, 3, 2, 10, 0).astimezone()  # a Monday morning, local time
"""Where the fake clock starts unless told otherwise."""

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def open_all_day_data() -> dict[str, Any]:
    """Policy fields that open the room every day from 00:00 to 23:59:59."""
    all_day = [{"opens": "00:00", "closes": "23:59:59"}]
    return {"opening_hours": dict.fromkeys(_WEEKDAYS, all_day)}


def open_all_day_policy(**session: int) -> Policy:
    """The bundled policy, open all day every day (tests must not depend on the time of
    day); ``session`` overrides fields of the session rules (e.g. ``length_minutes=30``)."""
    data = default_policy().model_dump(mode="json")
    data.update(open_all_day_data())
    data["session"].update(session)
    return policy_from_data(data, "(test policy)")


def staff_menu_policy(language: StaffLanguage) -> Policy:
    """Open all day, long idle time (a staff menu test is never cut short), the staff menu
    in ``language``."""
    return open_all_day_policy(idle_timeout_minutes=240).model_copy(
        update={"staff": StaffRules(language=language)}
    )


def write_policy(policy: Policy, path: Path) -> Path:
    """Write ``policy`` as a YAML policy file the agent can load."""
    path.write_text(yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True), "utf-8")
    return path


def write_open_all_day_policy(folder: Path, **session: Any) -> Path:
    """A policy file open every day all day, with these session rules changed."""
    data = open_all_day_data()
    if session:
        data["session"] = session
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def write_unreachable_console(folder: Path, name: str) -> Path:
    """Enrol the agent of data folder ``folder`` as PC ``name`` of a console that never
    answers (a port on 127.0.0.1 that nobody listens on), so that it checks everything by
    the offline rules; returns the settings file."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    settings = ConsoleSettings(
        url=f"wss://127.0.0.1:{port}/ws/kiosk",
        fingerprint_sha256="ab" * 32,
        kiosk_id=1,
        name=name,
    )
    path = folder / "console.json"
    save_console_settings(settings, path)
    return path


class AgentProcess:
    """One real agent process in sandbox mode on
    ``data_dir``; its JSON log goes to a file the test reads. Stop it by :meth:`kill` or
    :meth:`terminate`; :meth:`check_log` (run by both) fails the test on a line that is not
    JSON or on an error or critical event not named in ``expected_errors``."""

    AGENT_ONLY = ("-m", "kiosk.agent")
    FULL_CLI = ("-m", "kiosk", "agent")  # ``epn-kiosk agent``, as installed
    STALLING = (str(Path(__file__).resolve()),)  # this file as a script: a stalling wiper

    def __init__(
        self,
        data_dir: Path,
        args: Sequence[str],
        launcher: Sequence[str] = AGENT_ONLY,
        *,
        sandbox: bool = True,
        socket_path: Path | None = None,
        expected_errors: Sequence[str] = (),
    ) -> None:
        self.data_dir = data_dir
        self.expected_errors = set(expected_errors)
        self.socket_path = socket_path or data_dir / "kiosk.sock"
        self.home_dir = data_dir / "home"
        self.journal_path = data_dir / "wipe.journal"
        runs = len(list(data_dir.glob("agent-*.log")))
        self.log_path = data_dir / f"agent-{runs}.log"
        mode = ["--sandbox"] if sandbox else []
        if socket_path is not None:
            mode += ["--socket", str(socket_path)]
        command = [sys.executable, *launcher, *mode, "--data-dir", str(data_dir), *args]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
            )

    @property
    def pid(self) -> int:
        """The agent's process id."""
        return self.process.pid

    def events(self) -> list[dict[str, Any]]:
        """Every log line written so far (a last line still being written waits for the
        next call); a line that is not JSON fails the test."""
        text = self.log_path.read_text(encoding="utf-8")
        found = []
        for line in text[: text.rfind("\n") + 1].splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                raise AssertionError(
                    f"the agent logged a line that is not JSON: {line!r}"
                ) from None
        return found

    def check_log(self) -> None:
        """Fail on a line that is not JSON, or on an error or critical event the test did
        not name in ``expected_errors``."""
        unexpected = [
            entry
            for entry in self.events()
            if entry.get("level") in ("error", "critical")
            and entry.get("event") not in self.expected_errors
        ]
        assert not unexpected, f"errors the test did not expect: {unexpected}"

    def wait_event(self, name: str, timeout: float = 20.0, **fields: Any) -> dict[str, Any]:
        """The first logged event called ``name`` (with these field values), waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in self.events():
                if entry.get("event") == name and all(entry.get(k) == v for k, v in fields.items()):
                    return entry
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the agent exited ({self.process.returncode}) before {name!r}:\n"
                    + self.log_path.read_text(encoding="utf-8")
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {name!r} in the agent's log:\n" + self.log_path.read_text())
            time.sleep(0.02)

    def wait_listening(self) -> AgentProcess:
        """Wait until the agent accepts shells."""
        self.wait_event("listening")
        return self

    def kill(self) -> None:
        """SIGKILL, and reap it; then :meth:`check_log`."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(10)
        self.check_log()

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM; the exit code once it stopped (after :meth:`check_log`)."""
        os.kill(self.pid, signal.SIGTERM)
        code = self.process.wait(timeout)
        self.check_log()
        return code

    def rss_kib(self) -> int:
        """Resident memory of the agent, in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")


class AgentThread:
    """A real :class:`Agent` on its own event loop in a background thread.

    It listens on a real unix socket in a short temporary folder (socket paths must stay
    under 108 bytes), uses a :class:`FakeClock` and a sandbox wiper. Use it as a context
    manager; :meth:`crash` stops it as a SIGKILL would (nothing ended, nothing wiped) so a
    second ``AgentThread`` on the same ``data_dir`` can show what a restart does.
    """

    def __init__(
        self,
        *,
        policy: Policy | None = None,
        animator_pin: str | None = None,
        data_dir: Path | None = None,
        clock: FakeClock | None = None,
        boot: str = "boot-1",
        pc_name: str = "PC-TEST",
        wiper: Wiper | None = None,
        socket_mode: int = 0o600,
        allowed_uids: Sequence[int] | None = None,
        start_timeout: float = 15.0,
        config_options: dict[str, Any] | None = None,
        agent_options: dict[str, Any] | None = None,
    ) -> None:
        self._own_dir = data_dir is None
        self.agent_options = dict(agent_options or {})
        self.config_options = dict(config_options or {})
        self.data_dir = Path(tempfile.mkdtemp(prefix="epn")) if data_dir is None else data_dir
        self.clock = clock or FakeClock(wall=DEFAULT_WALL)
        self.policy = policy or open_all_day_policy()
        self.animator_pin = animator_pin
        self.policy_path = write_policy(self.policy, self.data_dir / "policy.yaml")
        options: dict[str, Any] = {}
        if allowed_uids is not None:
            options["allowed_uids"] = tuple(allowed_uids)
        options.update(self.config_options)
        self.config = AgentConfig(
            data_dir=self.data_dir,
            sandbox=True,
            policy_path=self.policy_path,
            pc_name=pc_name,
            animator_pin_hash=None if animator_pin is None else hash_pin(animator_pin),
            socket_mode=socket_mode,
            **options,
        )
        self.wiper = wiper or SandboxWiper(
            self.config.home_dir, self.config.skeleton_dir, self.config.journal_path
        )
        self.boot = boot
        self._start_timeout = start_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._agent: Agent | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._stop_event: asyncio.Event | None = None
        self._graceful = True

    # -- paths ---------------------------------------------------------------------------

    @property
    def socket_path(self) -> Path:
        """Where shells connect."""
        return self.config.socket_path

    @property
    def home_dir(self) -> Path:
        """The visitor's (sandbox) home."""
        return self.config.home_dir

    @property
    def journal_path(self) -> Path:
        """The wipe journal."""
        return self.config.journal_path

    @property
    def agent(self) -> Agent:
        """The running agent; touch it only through :meth:`call`."""
        assert self._agent is not None, "the agent is not running"
        return self._agent

    # -- life cycle ----------------------------------------------------------------------

    def start(self) -> AgentThread:
        """Start the agent and wait until it listens."""
        self._thread = threading.Thread(target=self._run, name="agent", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._start_timeout):
            raise TimeoutError("the agent did not start in time")
        if self._failure is not None:
            self._thread.join()
            self._cleanup()
            raise self._failure
        return self

    def stop(self) -> None:
        """A clean stop, as on SIGTERM: end the session, wipe, close; then remove the
        temporary folder if this harness made it."""
        self._finish(graceful=True)

    def crash(self) -> None:
        """Stop as if killed: the session is neither ended nor wiped; the socket is closed.
        The data folder is kept: :meth:`successor` starts the next agent on it."""
        self._finish(graceful=False, cleanup=False)

    def successor(self, **changes: Any) -> AgentThread:
        """A new (not started) harness on the same data folder, with the same policy, PIN and
        PC name unless ``changes`` say otherwise (e.g. ``boot="another"``, ``clock=...``).
        It takes over the removal of the temporary folder."""
        options: dict[str, Any] = {
            "policy": self.policy,
            "animator_pin": self.animator_pin,
            "pc_name": self.config.pc_name,
            "clock": self.clock,
            "boot": self.boot,
            "agent_options": self.agent_options,
            "config_options": self.config_options,
        }
        options.update(changes)
        new = AgentThread(data_dir=self.data_dir, **options)
        new._own_dir, self._own_dir = self._own_dir, False
        return new

    def __enter__(self) -> AgentThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self.stop()

    def _finish(self, graceful: bool, cleanup: bool = True) -> None:
        if self._thread is None:
            return
        loop, stop_event = self._loop, self._stop_event
        if loop is not None and stop_event is not None and not loop.is_closed():
            self._graceful = graceful
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop_event.set)
        self._thread.join(30)
        if self._thread.is_alive():
            raise TimeoutError("the agent thread did not stop")
        self._thread = None
        if cleanup:
            self._cleanup()
        if self._failure is not None:
            raise self._failure

    def _cleanup(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        except BaseException as exc:
            self._failure = exc
        finally:
            self._ready.set()
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _main(self) -> None:
        self._stop_event = asyncio.Event()
        store = Store.open(self.config.database_path)
        try:
            self._agent = Agent(
                self.config,
                clock=self.clock,
                store=store,
                wiper=self.wiper,
                boot=self.boot,
                **self.agent_options,
            )
            await self._agent.start()
            self._ready.set()
            await self._stop_event.wait()
            if self._graceful:
                await self._agent.stop()
            else:
                await self._agent.abort()
        finally:
            store.close()

    # -- driving -------------------------------------------------------------------------

    def call(self, fn: Callable[[], T | Awaitable[T]], timeout: float = 15.0) -> T:
        """Run ``fn`` on the agent's loop (awaiting it if it returns an awaitable) and
        return its result."""
        loop = self._loop
        assert loop is not None and self._thread is not None, "the agent is not running"
        result: Future[T] = Future()

        async def runner() -> None:
            try:
                value = fn()
                if inspect.isawaitable(value):
                    value = await value
                result.set_result(value)
            except BaseException as exc:
                result.set_exception(exc)

        loop.call_soon_threadsafe(lambda: loop.create_task(runner()))
        return result.result(timeout)

    def advance(self, *, seconds: float = 0.0, minutes: float = 0.0) -> Instant:
        """Move the fake clock, run one tick, and return once its views were pushed."""

        def step() -> Instant:
            now = self.clock.advance(seconds=seconds, minutes=minutes)
            self.agent.tick()
            return now

        return self.call(step)

    def engine_state(self) -> State:
        """The engine's state now."""
        return self.call(lambda: self.agent.engine.state)

    def view(self) -> View:
        """What the shell would be shown now."""
        return self.call(self.agent.view)

    def wait_for_state(self, *states: State, timeout: float = 10.0) -> State:
        """Wait (without moving the clock) until the engine is in one of ``states``,
        e.g. until a wipe running in its worker thread has finished."""
        self.wait_until(lambda: self.agent.engine.state in states, timeout, f"one of {states}")
        return self.engine_state()

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "the condition"
    ) -> None:
        """Wait (without moving the clock) until ``condition``, run on the agent's loop, holds."""
        deadline = time.monotonic() + timeout
        while not self.call(condition):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s for {what}")
            time.sleep(0.005)

    def shell_count(self) -> int:
        """How many shells (connections that said hello) the agent sees now."""
        return self.call(lambda: sum(1 for c in self.agent.server.connections if c.is_shell))

    def open_store(self) -> Store:
        """A second connection to the agent's store, for the test's own thread."""
        return Store.open(self.config.database_path)


class ShellClient:
    """A minimal blocking client of the shell protocol, for tests."""

    def __init__(self, socket_path: Path, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(str(socket_path))
        self.views: list[View] = []
        self._buffer = b""
        self._next_id = 0

    def __enter__(self) -> ShellClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect."""
        self.sock.close()

    def send_line(self, line: bytes) -> None:
        """Send raw bytes followed by a newline."""
        self.sock.sendall(line + b"\n")

    def send(self, kind: str, **fields: Any) -> int:
        """Send a request without waiting; returns its id."""
        self._next_id += 1
        body = {"v": PROTOCOL_VERSION, "type": kind, "id": self._next_id, **fields}
        self.send_line(json.dumps(body).encode())
        return self._next_id

    def request(self, kind: str, **fields: Any) -> Reply:
        """Send a request and return its reply (views that arrive meanwhile are kept)."""
        request_id = self.send(kind, **fields)
        return self.reply(request_id)

    def reply(self, request_id: int | None) -> Reply:
        """Wait for the reply to ``request_id`` (None: a reply to no request)."""
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._next(deadline)
            if isinstance(message, Reply) and message.re == request_id:
                return message

    def hello(self, **fields: Any) -> View:
        """Say hello (``fields``: e.g. ``display_session``) and return the first view."""
        reply = self.request("hello", client="test", **fields)
        assert reply.ok, reply
        return self.wait_view(lambda v: True)

    def start_session(self, mode: str = "walk_in", language: str = "fr", **fields: Any) -> View:
        """Log in, accept the house rules shown, and return the first view of the running
        session; raises AssertionError with the agent's reply when it refuses."""
        reply = self.request("login", mode=mode, language=language, **fields)
        assert reply.ok, reply
        rules = self.wait_view(lambda v: v.state is State.RULES)
        reply = self.request("accept_rules", rules_version=rules.rules_version, language=language)
        assert reply.ok, reply
        return self.wait_view(lambda v: v.state is State.ACTIVE)

    def wait_view(self, predicate: Callable[[View], bool], timeout: float | None = None) -> View:
        """The first view (already received or coming) for which ``predicate`` holds."""
        for view in self.views:
            if predicate(view):
                self.views = self.views[self.views.index(view) + 1 :]
                return view
        self.views = []
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._next(deadline)
            if isinstance(message, View) and predicate(message):
                return message

    def latest_view(self) -> View:
        """The newest view received so far (waiting for one if none came)."""
        self._drain()
        if self.views:
            return self.views[-1]
        return self.wait_view(lambda v: True)

    def receive(self, timeout: float | None = None) -> Reply | View:
        """The next message from the agent, whatever it is."""
        return self._next(time.monotonic() + (timeout or self.timeout))

    def _drain(self) -> None:
        """Read whatever already arrived (waiting at most a moment for more)."""
        try:
            while True:
                self._next(time.monotonic() + 0.05)
        except TimeoutError:
            pass

    def _next(self, deadline: float) -> Reply | View:
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from the agent in time")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the agent closed the connection")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        message = decode_push(line)
        if isinstance(message, View):
            self.views.append(message)
        return message


class StallingWiper(SandboxWiper):
    """A sandbox wiper that stops in the middle of a wipe, at a known point.

    After erasing ``stall_after`` top-level entries of the home it creates ``marker`` and
    waits until :attr:`release` is set: a test can then kill the agent mid-wipe.
    """

    def __init__(
        self,
        home_dir: Path,
        skeleton_dir: Path,
        journal_path: Path,
        *,
        stall_after: int,
        marker: Path,
    ) -> None:
        super().__init__(home_dir, skeleton_dir, journal_path)
        self.stall_after = stall_after
        self.marker = marker
        self.release = threading.Event()
        self._erased = 0

    def _erase(self, path: Path) -> None:
        if self._erased == self.stall_after:
            self.marker.touch()
            self.release.wait()
        super()._erase(path)
        self._erased += 1


def stalling_agent_main(argv: Sequence[str] | None = None) -> int:
    """``python tests/helpers/kiosk_agent.py --stall-after N --stall-marker PATH <agent
    options>``: the real agent process, with a wiper that stalls mid-wipe (to be killed
    there)."""
    parser = argparse.ArgumentParser(prog="python tests/helpers/kiosk_agent.py")
    parser.add_argument("--stall-after", type=int, required=True)
    parser.add_argument("--stall-marker", type=Path, required=True)
    cli.add_arguments(parser)
    args = parser.parse_args(argv)
    config = cli.config_from_args(args)
    wiper = StallingWiper(
        config.home_dir,
        config.skeleton_dir,
        config.journal_path,
        stall_after=args.stall_after,
        marker=args.stall_marker,
    )
    return cli.main(args, wiper=wiper)


if __name__ == "__main__":
    sys.exit(stalling_agent_main())
