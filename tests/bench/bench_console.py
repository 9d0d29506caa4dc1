"""Console figures with N kiosks connected: command latency, event ingest, server CPU and memory.

Run from the repository root:

    .venv/bin/python tests/bench/bench_console.py --kiosks 100
    .venv/bin/python tests/bench/bench_console.py --kiosks 3000 --databases sqlite,postgres
    .venv/bin/python tests/bench/bench_console.py --kiosks 1000 --database-url postgresql+psycopg://...

For each database asked for (``--databases``, one after the other in one run; ``postgres``
starts a private PostgreSQL cluster), starts the real console server as its own process
(``epn-console serve`` on 127.0.0.1, a temporary data folder), makes an admin with
``epn-console create-admin``, enrolls N PCs over
HTTP (pairing code, then enroll), and connects N simulated kiosks as real WebSocket clients
(the ``websockets`` library, all in this one asyncio process) that speak
``epn_shared.protocol``: ``hello``, a ``status`` every few seconds, ``event`` frames, and
a ``command_result`` for each ``command`` at once.

Starts the real console server as its own process (``epn-console serve`` on 127.0.0.1, a
temporary data folder, SQLite unless told otherwise; ``--postgres`` starts a private
PostgreSQL cluster), makes an admin with ``epn-console create-admin``, enrolls N PCs over
HTTP (pairing code, then enroll), and connects N simulated kiosks as real WebSocket clients
(the ``websockets`` library, all in this one asyncio process) that speak
``epn_shared.protocol``: ``hello``, a ``status`` every few seconds, ``event`` frames, and
a ``command_result`` for each ``command`` at once.

Measures, with every kiosk connected and sending its status:

- command latency as the API caller sees it: ``POST /api/kiosks/{id}/commands`` until the
  answer says ``done`` (open loop, spread over the kiosks);
- event ingest: every kiosk sends its events as fast as the acknowledgements allow (the
  real link sends up to 500 before waiting); events stored and acknowledged per second;
- the server's CPU time (``/proc/PID/stat`` utime + stime) and its peak resident memory;
- then, on a fresh console (``staff_burst.py``), its peak memory through a burst of 40
  changes from each of 1000 simulated PCs fed to the hub, without and with a staff
  listener that reads nothing (goal: flat; the stuck listener is dropped with code 4001).

Prints one ``DATABASE_figure: value unit`` line per figure and database, the databases of
a figure next to each other (``sqlite_event_ingest``, ``postgres_event_ingest``), the
headline (``command_p99`` of each database) last; ``--profile FOLDER`` runs each console
under cProfile (every thread, ``profiled.py``). Exits non-zero when it could not measure
(a kiosk not connected, a command not done, an event not acknowledged). Everything it
starts is stopped by its pid.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import resource
import secrets
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from epn_shared.protocol import (
    MAX_FRAME_BYTES,
    Ack,
    Command,
    CommandResult,
    ErrorFrame,
    Event,
    Hello,
    LoginKind,
    PrintJobBody,
    SessionEndedBody,
    SessionStartedBody,
    Status,
    Welcome,
    WipeFinishedBody,
    decode_console_frame,
    encode,
)

PASSWORD = "bench password, not a secret"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class CannotMeasure(Exception):
    """The run went wrong: no figure would mean anything."""


# -- processes ---------------------------------------------------------------------------


def raise_open_files_limit() -> int:
    """Soft RLIMIT_NOFILE up to the hard limit (each kiosk is a socket on both sides)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def console_pids(pid: int) -> list[int]:
    """The console's process and the server processes it forked (``--workers``)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(c) for c in children)]


def console_cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of the console's processes, all together."""
    return sum(cpu_seconds(p) for p in console_pids(pid))


def console_memory_mb(pid: int, key: str) -> float:
    """A memory figure of the console's processes, added up (with ``--workers``, each
    process's own peak: an upper bound of their peak together)."""
    return sum(memory_mb(p, key) for p in console_pids(pid))


def memory_mb(pid: int, key: str) -> float:
    """A memory figure of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise CannotMeasure(f"no {key} for pid {pid}")


def open_files_limit(pid: int) -> int:
    """The soft RLIMIT_NOFILE of a running process."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise CannotMeasure(f"no open files limit for pid {pid}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this bench started, by its pid: TERM, then KILL."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def stop_postgres(cluster: Any) -> None:
    """Stop the private cluster's postmaster by its pid (fast shutdown), then remove it."""
    pid_file = Path(cluster.data) / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    cluster.stop()  # finds it stopped; removes the folder


class ConsoleProcess:
    """``epn-console serve`` in a child process on a free 127.0.0.1 port."""

    def __init__(
        self,
        data_dir: Path,
        database_url: str | None,
        tls: bool,
        profile: Path | None = None,
        workers: int = 1,
    ) -> None:
        self.data_dir = data_dir
        self.log_path = data_dir / "console.log"
        common = ["--data-dir", str(data_dir)]
        if database_url:
            common += ["--database-url", database_url]
        cli = [sys.executable, "-m", "admin_console.cli"]
        made = subprocess.run(
            [*cli, "create-admin", "bench", "--password-stdin", *common],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if made.returncode != 0:
            raise CannotMeasure(f"create-admin failed: {made.stderr[-500:]}")
        if profile is not None:
            cli = [sys.executable, str(Path(__file__).with_name("profiled.py")), str(profile)]
        serve = [*cli, "serve", *common, "--host", "127.0.0.1", "--port", "0"]
        if not tls:
            serve.append("--no-tls")
        if workers > 1:
            serve += ["--workers", str(workers)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                serve,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,  # the raised open files limit is inherited
            )
        self.port = self._wait_listening()
        self.scheme = "https" if tls else "http"
        self.ssl: ssl.SSLContext | None = None
        self.cafile: str | None = None
        if tls:
            self.cafile = str(data_dir / "tls" / "ca.pem")
            self.ssl = ssl.create_default_context(cafile=self.cafile)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """The kiosks' WebSocket URL."""
        return f"{'wss' if self.ssl else 'ws'}://127.0.0.1:{self.port}/ws/kiosk"

    def _wait_listening(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CannotMeasure(f"the console exited: {self.tail()}")
            for line in self.log_path.read_text(errors="replace").splitlines():
                with contextlib.suppress(ValueError):
                    entry = json.loads(line)
                    if entry.get("event") == "console_listening":
                        return int(entry["port"])
            time.sleep(0.05)
        raise CannotMeasure("the console did not start listening")

    def tail(self) -> str:
        """The end of the server's log."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-8:])

    def errors(self) -> list[str]:
        """Log lines at error level (a bug or a storage failure)."""
        found = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                if json.loads(line).get("level") in ("error", "critical"):
                    found.append(line)
        return found


# -- the simulated kiosks ----------------------------------------------------------------


@dataclass
class SimKiosk:
    """One enrolled PC and its live connection."""

    kiosk_id: int
    token: str
    websocket: ClientConnection | None = None
    welcomed: asyncio.Event = field(default_factory=asyncio.Event)
    unacked: set[str] = field(default_factory=set)
    acked_some: asyncio.Event = field(default_factory=asyncio.Event)
    commands: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Totals:
    """Counters shared by every simulated kiosk."""

    acked: int = 0
    statuses: int = 0
    lost: int = 0


def event_frames(count: int, now: dt.datetime) -> list[tuple[str, str]]:
    """``count`` events of a day at a PC: sessions started and ended, prints, wipes."""
    frames = []
    session = secrets.token_urlsafe(12)
    for index in range(count):
        step = index % 4
        if step == 0:
            session = secrets.token_urlsafe(12)
            body: Any = SessionStartedBody(
                session_id=session,
                login=LoginKind.WALK_IN,
                language="fr",
                rules_version="1",
                seconds=3600,
            )
        elif step == 1:
            body = PrintJobBody(
                session_id=session, outcome="released", pages=3, sheets=3, cost_cents=30
            )
        elif step == 2:
            body = SessionEndedBody(
                session_id=session, reason="visitor", seconds_used=1500, extended_seconds=0
            )
        else:
            body = WipeFinishedBody(seconds=0.4, items=12)
        event_id = secrets.token_urlsafe(12)
        frames.append((event_id, encode(Event(id=event_id, at=now, body=body))))
    return frames


class Room:
    """N kiosks on one event loop."""

    def __init__(
        self,
        ws_url: str,
        context: ssl.SSLContext | None,
        kiosks: list[SimKiosk],
        status_every: float,
    ) -> None:
        self.ws_url = ws_url
        self.ssl = context
        self.kiosks = kiosks
        self.status_every = status_every
        self.totals = Totals()
        self.tasks: list[asyncio.Task[None]] = []
        self.closes: list[str] = []
        self.status = encode(Status(state="active", seconds_left=1800, login=LoginKind.WALK_IN))

    async def connect_all(self, parallel: int = 64, timeout: float = 120.0) -> float:
        """Connect every kiosk (``parallel`` handshakes at a time); seconds it took."""
        gate = asyncio.Semaphore(parallel)
        start = time.perf_counter()

        async def one(kiosk: SimKiosk) -> None:
            async with gate:
                kiosk.websocket = await connect(
                    self.ws_url,
                    additional_headers={"Authorization": f"Bearer {kiosk.token}"},
                    ssl=self.ssl,
                    open_timeout=60,
                    max_size=MAX_FRAME_BYTES,
                    ping_interval=20,
                    ping_timeout=20,
                    close_timeout=2,
                    proxy=None,
                )
                await kiosk.websocket.send(encode(Hello(agent_version="bench")))
                self.tasks.append(asyncio.create_task(self._read(kiosk)))
                await asyncio.wait_for(kiosk.welcomed.wait(), 60)
                self.tasks.append(asyncio.create_task(self._statuses(kiosk)))

        try:
            async with asyncio.timeout(timeout):
                await asyncio.gather(*(one(k) for k in self.kiosks))
        except (OSError, TimeoutError, ConnectionClosed) as exc:
            welcomed = sum(k.welcomed.is_set() for k in self.kiosks)
            raise CannotMeasure(
                f"{welcomed} of {len(self.kiosks)} kiosks connected: {type(exc).__name__} {exc}"
            ) from exc
        return time.perf_counter() - start

    async def _read(self, kiosk: SimKiosk) -> None:
        websocket = kiosk.websocket
        assert websocket is not None
        try:
            async for raw in websocket:
                frame = decode_console_frame(raw)
                if isinstance(frame, Command):
                    result = CommandResult(command_id=frame.command_id, ok=True)
                    await websocket.send(encode(result))
                    kiosk.commands += 1
                elif isinstance(frame, Ack):
                    before = len(kiosk.unacked)
                    kiosk.unacked.difference_update(frame.ids)
                    self.totals.acked += before - len(kiosk.unacked)
                    kiosk.acked_some.set()
                elif isinstance(frame, Welcome):
                    kiosk.welcomed.set()
                elif isinstance(frame, ErrorFrame):
                    kiosk.errors.append(f"{frame.code}: {frame.message}")
        except ConnectionClosed as exc:
            self.closes.append(f"received {exc.rcvd}, sent {exc.sent}")
        self.totals.lost += 1

    async def _statuses(self, kiosk: SimKiosk) -> None:
        websocket = kiosk.websocket
        assert websocket is not None
        # Each kiosk at its own phase, as a real room would be.
        await asyncio.sleep(random.uniform(0, self.status_every))
        with contextlib.suppress(ConnectionClosed):
            while True:
                await websocket.send(self.status)
                self.totals.statuses += 1
                await asyncio.sleep(self.status_every)

    async def send_events(self, per_kiosk: int, window: int, timeout: float) -> tuple[int, float]:
        """Every kiosk sends ``per_kiosk`` events, at most ``window`` of them not yet
        acknowledged, and waits for the last ack; (events acknowledged, seconds)."""
        now = dt.datetime.now(dt.UTC)
        batches = {k.kiosk_id: event_frames(per_kiosk, now) for k in self.kiosks}
        acked_before = self.totals.acked
        start = time.perf_counter()

        async def one(kiosk: SimKiosk) -> None:
            assert kiosk.websocket is not None
            frames = batches[kiosk.kiosk_id]
            sent = 0
            while True:
                kiosk.acked_some.clear()  # before looking: no acknowledgement is missed
                while sent < len(frames) and len(kiosk.unacked) < window:
                    event_id, frame = frames[sent]
                    kiosk.unacked.add(event_id)
                    await kiosk.websocket.send(frame)
                    sent += 1
                if sent == len(frames) and not kiosk.unacked:
                    return
                await kiosk.acked_some.wait()

        async def progress() -> None:
            while True:
                await asyncio.sleep(5)
                acked = self.totals.acked - acked_before
                took = time.perf_counter() - start
                print(f"  ingest: {acked} acknowledged after {took:.0f} s", file=sys.stderr)

        reporter = asyncio.create_task(progress())
        try:
            async with asyncio.timeout(timeout):
                await asyncio.gather(*(one(k) for k in self.kiosks))
        except TimeoutError as exc:
            missing = len(self.kiosks) * per_kiosk - (self.totals.acked - acked_before)
            raise CannotMeasure(
                f"{missing} events not acknowledged in {timeout} s "
                f"({self.totals.lost} connections lost: {self.closes[:1]})"
            ) from exc
        finally:
            reporter.cancel()
        return self.totals.acked - acked_before, time.perf_counter() - start

    async def close(self) -> None:
        """Close every connection and stop the tasks."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(
            *(k.websocket.close() for k in self.kiosks if k.websocket is not None),
            return_exceptions=True,
        )


class Crowds:
    """The simulated PCs of the bench's other processes (``pc_crowd.py``), one share each:
    with thousands of PCs, one process's event loop would be late and set the figures."""

    def __init__(self) -> None:
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(
        self, console: ConsoleProcess, shares: list[list[SimKiosk]], status_every: float
    ) -> None:
        """Start one process per share; each connects its PCs (see :meth:`connected`)."""
        script = str(Path(__file__).with_name("pc_crowd.py"))
        for share in shares:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                script,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=2**26,
            )
            self.processes.append(process)
            setup = {
                "ws_url": console.ws_url,
                "cafile": console.cafile,
                "kiosks": [[k.kiosk_id, k.token] for k in share],
                "status_every": status_every,
            }
            await self._send(process, setup)

    async def _send(self, process: asyncio.subprocess.Process, value: dict[str, Any]) -> None:
        assert process.stdin is not None
        process.stdin.write((json.dumps(value) + "\n").encode())
        await process.stdin.drain()

    async def _answer(self, process: asyncio.subprocess.Process) -> dict[str, Any]:
        assert process.stdout is not None
        line = await process.stdout.readline()
        if not line:
            raise CannotMeasure(f"the PCs' process {process.pid} exited")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise CannotMeasure(f"in the PCs' process {process.pid}: {answer['error']}")
        return answer

    async def connected(self) -> list[dict[str, Any]]:
        """Wait until every process has connected its PCs."""
        return list(await asyncio.gather(*(self._answer(p) for p in self.processes)))

    async def ask(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        """Send ``request`` to every process; their answers."""
        for process in self.processes:
            await self._send(process, request)
        return list(await asyncio.gather(*(self._answer(p) for p in self.processes)))

    async def counts(self) -> dict[str, Any]:
        """Statuses sent, commands answered, connections lost and error frames, added up."""
        answers = await self.ask({"do": "count"})
        return {
            "statuses": sum(a["statuses"] for a in answers),
            "lost": sum(a["lost"] for a in answers),
            "errors": [e for a in answers for e in a["errors"]],
        }

    async def stop(self) -> list[float]:
        """Stop every process (asked, then by its pid); each one's loop lag p99."""
        lags: list[float] = []
        for process in self.processes:
            with contextlib.suppress(CannotMeasure, OSError, ValueError, TimeoutError):
                await self._send(process, {"do": "stop"})
                answer = await asyncio.wait_for(self._answer(process), 30)
                lags.append(float(answer["loop_lag_p99"]))
        for process in self.processes:
            if process.returncode is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), 10)
            if process.returncode is None:
                os.kill(process.pid, signal.SIGKILL)
                await process.wait()
        return lags


# -- the API side ------------------------------------------------------------------------


async def log_in(http: httpx.AsyncClient) -> str:
    """The admin's token."""
    answer = await http.post("/api/login", json={"username": "bench", "password": PASSWORD})
    if answer.status_code != 200:
        raise CannotMeasure(f"login refused: {answer.status_code} {answer.text[:200]}")
    return str(answer.json()["token"])


async def enroll_all(http: httpx.AsyncClient, count: int, parallel: int = 4) -> list[SimKiosk]:
    """Enroll ``count`` PCs, each with its own pairing code, ``parallel`` at a time."""
    gate = asyncio.Semaphore(parallel)

    async def one(index: int) -> SimKiosk:
        async with gate:
            code = await http.post("/api/pairing-codes")
            if code.status_code != 201:
                raise CannotMeasure(f"pairing code refused: {code.status_code} {code.text[:200]}")
            body = {"code": code.json()["code"], "name": f"PC-{index:04d}", "location": "bench"}
            done = await http.post("/api/enroll", json=body)
            if done.status_code != 201:
                raise CannotMeasure(f"enroll refused: {done.status_code} {done.text[:200]}")
            data = done.json()
            return SimKiosk(int(data["kiosk_id"]), str(data["token"]))

    return list(await asyncio.gather(*(one(i + 1) for i in range(count))))


async def command_latencies(
    http: httpx.AsyncClient, kiosks: list[SimKiosk], count: int, rate: float
) -> list[float]:
    """``count`` extend commands at ``rate`` per second (open loop: a slow answer does not
    delay the next command), each to another kiosk; seconds until each answer said done."""
    order = list(kiosks)
    random.shuffle(order)
    latencies: list[float] = []
    failures: list[str] = []
    start = time.perf_counter()

    async def one(index: int) -> None:
        kiosk = order[index % len(order)]
        await asyncio.sleep(max(0.0, start + index / rate - time.perf_counter()))
        sent = time.perf_counter()
        answer = await http.post(
            f"/api/kiosks/{kiosk.kiosk_id}/commands", json={"action": "extend", "minutes": 5}
        )
        took = time.perf_counter() - sent
        status = answer.json().get("status") if answer.status_code == 200 else None
        if status != "done":
            failures.append(f"{answer.status_code} {answer.text[:120]}")
        else:
            latencies.append(took)

    await asyncio.gather(*(one(i) for i in range(count)))
    if failures:
        raise CannotMeasure(f"{len(failures)} of {count} commands not done: {failures[0]}")
    return latencies


async def settle(http: httpx.AsyncClient, kiosks: list[SimKiosk], timeout: float) -> float:
    """Seconds until a command is answered within 100 ms again, once every PC is welcomed:
    the console is still busy with the PCs' hellos (what each PC runs, its staff roster,
    its commands left unanswered) for a while after it welcomed the last one, as after a
    console restart when every PC of the network connects at once."""
    start = time.perf_counter()
    index = 0
    while True:
        index += 1
        kiosk = kiosks[(index * 7919) % len(kiosks)]  # PCs all over the room
        sent = time.perf_counter()
        answer = await http.post(
            f"/api/kiosks/{kiosk.kiosk_id}/commands", json={"action": "extend", "minutes": 5}
        )
        done = answer.status_code == 200 and answer.json().get("status") == "done"
        if done and time.perf_counter() - sent < 0.1:
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            raise CannotMeasure(f"commands still slow {timeout:.0f} s after every PC connected")
        await asyncio.sleep(0.2)


async def staff_latencies(
    console: ConsoleProcess, token: str, kiosks: list[SimKiosk], samples: int
) -> list[float]:
    """Seconds from a PC sending a changed status to the staff room stream (what the
    console window listens to) carrying it, for ``samples`` PCs in turn."""
    url = console.ws_url.replace("/ws/kiosk", "/ws/staff")
    seen: dict[int, asyncio.Event] = {}
    expected: dict[int, int] = {}
    async with connect(
        url,
        additional_headers={"Authorization": f"Bearer {token}"},
        ssl=console.ssl,
        open_timeout=60,
        max_size=None,
        proxy=None,
    ) as staff:
        first = json.loads(await staff.recv())
        if first.get("type") != "room":
            raise CannotMeasure(f"the staff stream began with {first.get('type')!r}")

        async def read() -> None:
            async for raw in staff:
                # Every PC's status comes through (1000 a second at 3000 PCs): only the
                # timed ones are parsed, or this loop, not the console, sets the figure.
                if '"seconds_left":20000' not in str(raw):
                    continue
                message = json.loads(raw)
                tile = message.get("kiosk") if message.get("type") == "kiosk" else None
                status = (tile or {}).get("status") or {}
                kiosk_id = (tile or {}).get("id")
                if kiosk_id in expected and status.get("seconds_left") == expected[kiosk_id]:
                    seen[kiosk_id].set()

        reader = asyncio.create_task(read())
        latencies: list[float] = []
        try:
            step = max(1, len(kiosks) // samples)
            for index in range(samples):
                kiosk = kiosks[(index * step) % len(kiosks)]
                assert kiosk.websocket is not None
                marker = 2_000_000 + index  # no real session has this much left
                expected[kiosk.kiosk_id] = marker
                seen[kiosk.kiosk_id] = asyncio.Event()
                changed = Status(state="active", seconds_left=marker, login=LoginKind.WALK_IN)
                started = time.perf_counter()
                await kiosk.websocket.send(encode(changed))
                try:
                    await asyncio.wait_for(seen[kiosk.kiosk_id].wait(), 10)
                except TimeoutError as exc:
                    why = f"closed with {staff.close_code}" if reader.done() else "open"
                    raise CannotMeasure(
                        f"a PC's status did not reach the staff stream in 10 s (stream {why})"
                    ) from exc
                latencies.append(time.perf_counter() - started)
                del expected[kiosk.kiosk_id]
                await asyncio.sleep(0.02)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await reader
    return latencies


async def stored_events(http: httpx.AsyncClient) -> int:
    """How many events the console holds."""
    answer = await http.get("/api/events", params={"limit": 1})
    if answer.status_code != 200:
        raise CannotMeasure(f"events refused: {answer.status_code}")
    return int(answer.json()["total"])


class LoopLag:
    """How late this process's event loop wakes up: the kiosks' side must not be the
    bottleneck, or the figures measure the bench instead of the console."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start sampling every 50 ms."""
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.05)
            self.lags.append(time.perf_counter() - before - 0.05)

    async def stop(self) -> None:
        """Stop sampling."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# -- the run -----------------------------------------------------------------------------


@dataclass
class Figures:
    """What one run measured."""

    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        """One ``name: value unit`` line."""
        self.lines.append((name, value))


async def measure(args: argparse.Namespace, console: ConsoleProcess) -> Figures:
    """Enroll, connect, command, ingest; the figures."""
    figures = Figures()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    verify: Any = console.ssl if console.ssl is not None else True
    async with httpx.AsyncClient(
        base_url=console.url, timeout=60, limits=limits, verify=verify
    ) as http:
        token = await log_in(http)
        http.headers["Authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        kiosks = await enroll_all(http, args.kiosks)
        figures.add("enroll_rate", f"{args.kiosks / (time.perf_counter() - started):.0f} PC/s")

        # This process's share of the PCs, and one share for each other PC process.
        shares = [kiosks[i :: args.pc_processes] for i in range(args.pc_processes)]
        own = shares[0]
        room = Room(console.ws_url, console.ssl, own, args.status_every)
        crowds = Crowds()
        crowd_lags: list[float] = []
        lag = LoopLag()
        cpu_start = console_cpu_seconds(console.pid)
        wall_start = time.perf_counter()
        try:
            lag.start()
            await crowds.start(console, shares[1:], args.status_every)
            connect_seconds = await room.connect_all()
            await crowds.connected()
            figures.add("connect_all", f"{time.perf_counter() - wall_start:.1f} s")
            room_answer = await http.get("/api/kiosks")
            online = sum(1 for tile in room_answer.json() if tile["online"])
            if online != args.kiosks:
                raise CannotMeasure(f"the console shows {online} of {args.kiosks} PCs online")
            settled = await settle(http, kiosks, args.ingest_timeout)
            await asyncio.sleep(args.status_every)  # every kiosk has sent a status

            cpu_before = console_cpu_seconds(console.pid)
            statuses_before = room.totals.statuses + (await crowds.counts())["statuses"]
            wall_before = time.perf_counter()
            lags_before = len(lag.lags)
            latencies = await command_latencies(http, kiosks, args.commands, args.command_rate)
            command_lags = lag.lags[lags_before:]
            command_seconds = time.perf_counter() - wall_before
            command_cpu = console_cpu_seconds(console.pid) - cpu_before
            statuses = room.totals.statuses + (await crowds.counts())["statuses"] - statuses_before
            to_staff = await staff_latencies(console, token, own, args.staff_samples)

            stored_before = await stored_events(http)
            # Every process starts sending at the same moment; the ingest ends with the
            # last acknowledgement of any of them.
            start_at = time.time() + 1.0
            ingest = {
                "do": "ingest",
                "events": args.events,
                "window": args.window,
                "timeout": args.ingest_timeout,
                "start_at": start_at,
            }
            crowd_ingest = asyncio.ensure_future(crowds.ask(ingest))
            await asyncio.sleep(max(0.0, start_at - time.time()))
            cpu_before = console_cpu_seconds(console.pid)
            own_count, _seconds = await room.send_events(
                args.events, args.window, args.ingest_timeout
            )
            finished = [time.time()]
            answers = await crowd_ingest
            ingest_cpu = console_cpu_seconds(console.pid) - cpu_before
            finished += [a["finished_at"] for a in answers]
            count = own_count + sum(a["acked"] for a in answers)
            ingest_seconds = max(finished) - start_at
            stored = await stored_events(http) - stored_before
            if count != args.kiosks * args.events or stored != count:
                raise CannotMeasure(f"{count} events acknowledged, {stored} stored")
            crowd = await crowds.counts()
            if room.totals.lost or crowd["lost"]:
                lost = room.totals.lost + crowd["lost"]
                raise CannotMeasure(f"{lost} kiosk connections were lost")
            errors = [e for k in own for e in k.errors] + crowd["errors"]
            if errors:
                raise CannotMeasure(f"{len(errors)} error frames, e.g. {errors[0]}")
            run_cpu = console_cpu_seconds(console.pid) - cpu_start
            run_seconds = time.perf_counter() - wall_start
            peak_rss = console_memory_mb(console.pid, "VmHWM")
            rss_now = console_memory_mb(console.pid, "VmRSS")
        finally:
            await lag.stop()
            crowd_lags = await crowds.stop()
            await room.close()

    processes = f" ({args.pc_processes} processes)" if args.pc_processes > 1 else ""
    figures.add("own_share_connect", f"{connect_seconds:.1f} s")
    figures.add("commands_fast_again_after_connect", f"{settled:.1f} s")
    figures.add("statuses_per_second_during_commands", f"{statuses / command_seconds:.0f} /s")
    figures.add("command_p50", f"{statistics.median(latencies) * 1000:.1f} ms")
    figures.add("command_max", f"{max(latencies) * 1000:.1f} ms")
    figures.add("server_cpu_during_commands", f"{100 * command_cpu / command_seconds:.0f} %")
    figures.add("staff_push_p50", f"{statistics.median(to_staff) * 1000:.1f} ms")
    figures.add("staff_push_p99", f"{percentile(to_staff, 0.99) * 1000:.1f} ms")
    figures.add("events_stored", f"{count} ({args.events} per kiosk, window {args.window})")
    figures.add("event_ingest", f"{count / ingest_seconds:.0f} events/s")
    figures.add("server_cpu_during_ingest", f"{100 * ingest_cpu / ingest_seconds:.0f} %")
    # What a busy machine changes least: the server's own CPU time for each event.
    figures.add("server_cpu_per_event", f"{1000 * ingest_cpu / count:.2f} ms")
    figures.add("server_cpu_seconds", f"{run_cpu:.1f} s over {run_seconds:.0f} s")
    figures.add("server_rss_peak", f"{peak_rss:.0f} MB")
    figures.add("server_rss_end", f"{rss_now:.0f} MB")
    figures.add(
        "bench_loop_lag_p99_during_commands", f"{percentile(command_lags, 0.99) * 1000:.1f} ms"
    )
    worst = max([percentile(lag.lags, 0.99), *crowd_lags])
    figures.add("bench_loop_lag_p99", f"{worst * 1000:.1f} ms{processes}")
    figures.add("bench_loop_lag_max", f"{max(lag.lags) * 1000:.1f} ms")
    figures.add("command_p99", f"{percentile(latencies, 0.99) * 1000:.1f} ms")
    return figures


def stuck_listener_figures(workdir: Path, kiosks: int, rounds: int) -> list[tuple[str, str]]:
    """The console's peak memory through a burst of ``rounds`` changes of each of ``kiosks``
    PCs fed to its hub (``staff_burst.py``), without and with a staff listener that reads
    nothing; the goal is flat (the stuck one is dropped at its backlog's bound)."""
    import staff_burst

    peaks = []
    for stuck in (False, True):
        with staff_burst.BurstServer(workdir / f"burst-{stuck}", kiosks, rounds) as server:
            listener = staff_burst.StuckListener(server.port, server.token) if stuck else None
            try:
                peaks.append(float(server.burst()["peak_rss_mb"]))
                code = listener.read_until_closed()[1] if listener is not None else None
            except (OSError, RuntimeError) as exc:
                raise CannotMeasure(f"stuck listener run: {exc}") from exc
            finally:
                if listener is not None:
                    listener.close()
            if stuck and code != 4001:
                raise CannotMeasure(f"the stuck listener was closed with {code}, not 4001")
    changes = f"{kiosks} PCs x {rounds} changes"
    return [
        ("server_memory_without_stuck_staff_listener", f"{peaks[0]:.0f} MB peak ({changes})"),
        ("server_memory_with_stuck_staff_listener", f"{peaks[1]:.0f} MB peak (dropped: 4001)"),
    ]


DATABASES = ("sqlite", "postgres")
"""The databases a run can measure, in the order they are measured and printed."""


def parse_args() -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kiosks", type=int, default=100, help="PCs to enroll and connect")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--databases",
        default="sqlite",
        help="comma-separated, measured one after the other in one run: sqlite, postgres "
        "(a private PostgreSQL cluster)",
    )
    where.add_argument("--database-url", help="measure the console on this database only")
    where.add_argument("--postgres", action="store_true", help="the same as --databases postgres")
    parser.add_argument("--tls", action="store_true", help="HTTPS and WSS (the console's own CA)")
    parser.add_argument("--commands", type=int, default=300, help="commands to time")
    parser.add_argument(
        "--staff-samples", type=int, default=100, help="PC status changes timed to the staff view"
    )
    parser.add_argument("--command-rate", type=float, default=20.0, help="commands per second")
    parser.add_argument("--events", type=int, default=20, help="events per kiosk")
    parser.add_argument(
        "--window",
        type=int,
        default=1,
        help="events a kiosk sends before waiting for an ack (the real link: up to 500)",
    )
    parser.add_argument(
        "--pc-processes",
        type=int,
        default=1,
        help="processes the simulated PCs are shared among (this one and pc_crowd.py ones)",
    )
    parser.add_argument(
        "--console-workers",
        type=int,
        default=1,
        help="console server processes on PostgreSQL (epn-console serve --workers N)",
    )
    parser.add_argument("--status-every", type=float, default=3.0, help="seconds between statuses")
    parser.add_argument("--ingest-timeout", type=float, default=300.0, help="seconds")
    parser.add_argument("--keep-log", type=Path, help="copy each console's log into this folder")
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile each console (all its threads) into FOLDER/DATABASE.prof (slower)",
    )
    parser.add_argument(
        "--stuck-listener-rounds",
        type=int,
        default=40,
        help="changes per PC in the stuck staff listener run (0: skip it)",
    )
    args = parser.parse_args()
    if args.postgres:
        args.databases = "postgres"
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = [d for d in args.databases if d not in DATABASES]
    if unknown or not args.databases:
        parser.error(f"--databases: one or more of {', '.join(DATABASES)}, not {unknown}")
    if args.database_url:
        is_postgres = args.database_url.startswith("postgresql")
        args.databases = ["postgres" if is_postgres else "sqlite"]
    return args


def measure_on(
    args: argparse.Namespace, database: str, workdir: Path, database_url: str | None
) -> Figures:
    """One console on ``database`` (SQLite in its data folder when no URL): its figures.
    The console is stopped by its pid before this returns."""
    console: ConsoleProcess | None = None
    profile = args.profile / f"{database}.prof" if args.profile else None
    try:
        workers = args.console_workers if database == "postgres" else 1
        console = ConsoleProcess(workdir / database, database_url, args.tls, profile, workers)
        if open_files_limit(console.pid) < args.kiosks + 100:
            raise CannotMeasure(f"the console may open only {open_files_limit(console.pid)} files")
        figures = asyncio.run(measure(args, console))
        errors = console.errors()
        if errors:
            raise CannotMeasure(f"the console logged {len(errors)} errors: {errors[0][:300]}")
        return figures
    except CannotMeasure as exc:
        tail = f"\n{console.tail()}" if console is not None else ""
        raise CannotMeasure(f"on {database}: {exc}{tail}") from exc
    finally:
        if console is not None:
            stop(console.process)
            if args.keep_log is not None:
                args.keep_log.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(console.log_path, args.keep_log / f"{database}.log")


def side_by_side(measured: dict[str, Figures]) -> list[tuple[str, str]]:
    """One ``DATABASE_figure`` line per figure and database, each figure's databases next
    to each other; the headline (``command_p99``) of every database last."""
    names = [name for name, _ in next(iter(measured.values())).lines]
    headline = "command_p99"
    lines = []
    for name in [n for n in names if n != headline] + [headline]:
        for database, figures in measured.items():
            value = dict(figures.lines).get(name)
            if value is not None:
                lines.append((f"{database}_{name}", value))
    return lines


def main() -> int:
    args = parse_args()
    limit = raise_open_files_limit()
    if limit < 2 * args.kiosks + 200:
        print(f"bench_console: open files limit {limit} is too low", file=sys.stderr)
        return 1
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="epn-bench-console-"))
    cluster: Any = None
    measured: dict[str, Figures] = {}
    stuck: list[tuple[str, str]] = []
    try:
        for database in args.databases:
            database_url = args.database_url
            if database == "postgres" and database_url is None:
                sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the helpers
                from helpers.postgres import PostgresCluster, PostgresUnavailable

                try:
                    cluster = PostgresCluster().start()
                except PostgresUnavailable as exc:
                    raise CannotMeasure(f"no PostgreSQL: {exc}") from exc
                database_url = cluster.create_database()
            print(f"bench_console: {args.kiosks} PCs on {database}", file=sys.stderr)
            measured[database] = measure_on(args, database, workdir, database_url)
            if cluster is not None:
                stop_postgres(cluster)
                cluster = None
        if args.stuck_listener_rounds > 0:
            # Always 1000 simulated PCs (fed to the hub, not connected): comparable runs.
            stuck = stuck_listener_figures(workdir, 1000, args.stuck_listener_rounds)
    except (CannotMeasure, OSError, httpx.HTTPError) as exc:
        print(f"bench_console: could not measure: {type(exc).__name__}: {exc}", file=sys.stderr)
        for name, value in side_by_side(measured) if measured else []:
            print(f"  measured before: {name}: {value}", file=sys.stderr)
        return 1
    finally:
        if cluster is not None:
            stop_postgres(cluster)
        shutil.rmtree(workdir, ignore_errors=True)

    tls = " with TLS" if args.tls else ""
    print(f"kiosks: {args.kiosks} on {', '.join(measured)}{tls}")
    lines = side_by_side(measured)
    headlines = len(measured)
    for name, value in lines[:-headlines] + stuck + lines[-headlines:]:
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
