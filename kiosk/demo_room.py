"""The demo room: a console and three public PCs on one machine, in sandbox mode.

``epn-kiosk demo`` runs, each as its own process: the console server (SQLite in
``DATA/console``, plain HTTP on 127.0.0.1), three kiosk agents in sandbox mode (``PC-01`` to
``PC-03``, each enrolled with a pairing code, data in ``DATA/PC-0n``), a visitor shell window
per PC, and the console GUI logged in as the animator. It makes an admin and an animator
account with demo passwords and a few tickets on the console, and prints them.

Plain HTTP, not the console's TLS: everything talks over the loopback interface of one
machine, and both ends allow it only in sandbox mode (``--allow-insecure-link``,
``--insecure-http``); TLS and pinning are covered by the console's and the link's own tests.

Running it again reuses the data folder: the same accounts, the same three PCs (enrolled
once), the visitor homes. Ctrl+C or SIGTERM stops every process it started, by its pid.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import FrameType

import httpx

DEMO_ADMIN = ("admin", "admin-demo")
DEMO_ANIMATOR = ("animateur", "animateur-demo")
PC_NAMES = ("PC-01", "PC-02", "PC-03")
DEFAULT_PORT = 8470
DEMO_MEMBER_CARD = "1001"
DEMO_MEMBER_PIN = "2468"
DEMO_ANIMATOR_PIN = "1234"
LOCATION = "Salle démo"
MAX_SOCKET_PATH_BYTES = 107

OPEN_ALL_DAY = "\n".join(
    ["# Demo room: open every day, all day, so the demo works at any hour.", 'name = "EPN demo"']
    + ["", "[opening_hours]"]
    + [
        f'{day} = [{{ opens = "00:00", closes = "23:59" }}]'
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    ]
)


class DemoFailed(Exception):
    """The room could not start; the message says what failed."""


class _Stop(Exception):
    """SIGTERM arrived: stop everything."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise _Stop


@dataclass
class Child:
    """One process of the room, with the file its output goes to."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL if it does not stop in time; always reaped."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
                self.process.wait()


def _spawn(name: str, argv: Sequence[str], log: Path, stdin: bytes | None = None) -> Child:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    return Child(name, process, log)


def _wait(what: str, ready: Callable[[], bool], child: Child, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if child.process.poll() is not None:
            tail = child.log.read_text(errors="replace").splitlines()[-6:]
            raise DemoFailed(
                f"{child.name} exited ({child.process.returncode}):\n  " + "\n  ".join(tail)
            )
        if time.monotonic() > deadline:
            raise DemoFailed(f"{what}: not ready after {timeout:.0f} s (see {child.log})")
        time.sleep(0.05)


def _socket_path(pc_dir: Path) -> Path:
    path = pc_dir / "kiosk.sock"
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH_BYTES:
        return path
    # A deep checkout makes too long a socket path: a short private folder instead.
    return Path(tempfile.mkdtemp(prefix="epn-demo-")) / "kiosk.sock"


def _accepts(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect(str(path))
    except OSError:
        return False
    return True


@dataclass
class DemoRoom:
    """The whole room; :meth:`start` it, then :meth:`stop` it (also on failure)."""

    data_dir: Path
    port: int = DEFAULT_PORT
    gui: bool = True
    fullscreen: bool = False
    shell_for: tuple[str, ...] = PC_NAMES
    """The PCs that get a shell window (a test may drive its own shell for the others)."""
    say: Callable[[str], None] = print
    children: list[Child] = field(default_factory=list)
    url: str = ""
    tickets: list[str] = field(default_factory=list)
    kiosk_ids: dict[str, int] = field(default_factory=dict)
    sockets: dict[str, Path] = field(default_factory=dict)
    """Each PC's agent socket, where its shell connects."""

    @property
    def console_dir(self) -> Path:
        """The console's data folder."""
        return self.data_dir / "console"

    def pc_dir(self, name: str) -> Path:
        """A PC's data folder (store, visitor home, console link settings, token)."""
        return self.data_dir / name

    # -- starting ------------------------------------------------------------------------

    def start(self) -> DemoRoom:
        """Start every process; returns when the room is up (raises :class:`DemoFailed`)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._accounts()
        self._start_console()
        with self._http(DEMO_ADMIN) as admin:
            self._enroll_all(admin)
        policy = self.data_dir / "demo-policy.toml"
        policy.write_text(OPEN_ALL_DAY + "\n", encoding="utf-8")
        self.sockets = {name: self._start_agent(name, policy) for name in PC_NAMES}
        for name, path in self.sockets.items():
            agent = next(c for c in self.children if c.name == f"agent {name}")
            _wait(f"the agent of {name}", partial(_accepts, path), agent)
            if name in self.shell_for:
                self._start_shell(name, path)
        with self._http(DEMO_ANIMATOR) as animator:
            self._make_tickets(animator)
        if self.gui:
            self._start_gui()
        return self

    def _accounts(self) -> None:
        """The admin and the animator, made once (migrations run here, before the server)."""
        from admin_console.server.app import Settings, build_console  # noqa: PLC0415
        from admin_console.server.auth import Role  # noqa: PLC0415

        console = build_console(Settings(self.console_dir))
        try:
            for (username, password), role in (
                (DEMO_ADMIN, Role.ADMIN),
                (DEMO_ANIMATOR, Role.ANIMATOR),
            ):
                if console.repos.staff.credentials(username) is None:
                    console.auth.create_staff(username, password, role, by="epn-kiosk demo")
        finally:
            console.close()

    def _start_console(self) -> None:
        log = self.console_dir / "console.log"
        start = log.stat().st_size if log.exists() else 0
        child = _spawn(
            "console",
            [
                sys.executable,
                "-m",
                "admin_console.cli",
                "serve",
                "--data-dir",
                str(self.console_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-tls",
            ],
            log,
        )
        self.children.append(child)
        port: list[int] = []

        def listening() -> bool:
            with log.open("rb") as file:
                file.seek(start)
                for line in file:
                    with contextlib.suppress(ValueError):
                        entry = json.loads(line)
                        if entry.get("event") == "console_listening":
                            port.append(int(entry["port"]))
                            return True
            return False

        _wait("the console", listening, child)
        self.url = f"http://127.0.0.1:{port[0]}"

    @contextlib.contextmanager
    def _http(self, account: tuple[str, str]) -> Iterator[httpx.Client]:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            answer = http.post("/api/login", json={"username": account[0], "password": account[1]})
            if answer.status_code != 200:
                raise DemoFailed(f"the console refused {account[0]}: {answer.text[:200]}")
            http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            yield http

    def _enroll_all(self, admin: httpx.Client) -> None:
        from kiosk.agent.config import AgentConfig  # noqa: PLC0415
        from kiosk.agent.enroll import EnrollFailed, enroll  # noqa: PLC0415
        from kiosk.agent.link import load_console_settings, save_console_settings  # noqa: PLC0415

        known = {k["name"]: k for k in admin.get("/api/kiosks").raise_for_status().json()}
        for name in PC_NAMES:
            pc_dir = self.pc_dir(name)
            config = AgentConfig(data_dir=pc_dir, sandbox=True, allow_insecure_link=True)
            settings = load_console_settings(config.console_path)
            kiosk = known.get(name)
            if settings is not None and kiosk is not None and settings.kiosk_id == kiosk["id"]:
                # Enrolled on an earlier run: only the console's port may have changed.
                url = f"ws://127.0.0.1:{self.url.rsplit(':', 1)[1]}/ws/kiosk"
                save_console_settings(settings.model_copy(update={"url": url}), config.console_path)
                self.kiosk_ids[name] = int(kiosk["id"])
                continue
            if kiosk is not None:
                # This PC's folder was removed: the console's old entry goes, a new one comes.
                admin.post(f"/api/kiosks/{kiosk['id']}/revoke").raise_for_status()
            code = admin.post("/api/pairing-codes").raise_for_status().json()["code"]
            try:
                done = enroll(
                    self.url,
                    code,
                    name=name,
                    location=LOCATION,
                    config=config,
                    allow_insecure=True,
                    say=lambda _line: None,
                )
            except EnrollFailed as exc:
                raise DemoFailed(f"{name} could not enroll: {exc}") from exc
            assert done.kiosk_id is not None
            self.kiosk_ids[name] = done.kiosk_id
            self.say(f"  {name} enrolled with pairing code {code}")
        self._seed_members()

    def _seed_members(self) -> None:
        from kiosk.agent.credentials import hash_pin  # noqa: PLC0415
        from kiosk.agent.store import Store  # noqa: PLC0415

        for name in PC_NAMES:
            store = Store.open(self.pc_dir(name) / "kiosk.db")
            try:
                if store.member(DEMO_MEMBER_CARD) is None:
                    store.add_member(DEMO_MEMBER_CARD, hash_pin(DEMO_MEMBER_PIN))
            finally:
                store.close()

    def _start_agent(self, name: str, policy: Path) -> Path:
        from kiosk.agent.credentials import hash_pin  # noqa: PLC0415

        pc_dir = self.pc_dir(name)
        sock = _socket_path(pc_dir)
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()  # left by a killed agent: waiting for it would find the old file
        argv = [
            sys.executable,
            "-m",
            "kiosk",
            "agent",
            "--sandbox",
            "--allow-insecure-link",
            "--data-dir",
            str(pc_dir),
            "--socket",
            str(sock),
            "--policy",
            str(policy),
            "--pc-name",
            name,
            "--animator-pin-hash",
            hash_pin(DEMO_ANIMATOR_PIN),
        ]
        self.children.append(_spawn(f"agent {name}", argv, pc_dir / "agent.log"))
        return sock

    def _start_shell(self, name: str, sock: Path) -> None:
        argv = [sys.executable, "-m", "kiosk", "shell", "--socket", str(sock)]
        if not self.fullscreen:
            argv.append("--windowed")
        self.children.append(_spawn(f"shell {name}", argv, self.pc_dir(name) / "shell.log"))

    def _make_tickets(self, animator: httpx.Client) -> None:
        valid_until = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
        answer = animator.post(
            "/api/tickets",
            json={"count": 3, "minutes": 30, "valid_until": valid_until.isoformat()},
        )
        if answer.status_code != 201:
            raise DemoFailed(f"the console made no tickets: {answer.text[:200]}")
        self.tickets = [str(t["code"]) for t in answer.json()["tickets"]]

    def _start_gui(self) -> None:
        username, password = DEMO_ANIMATOR
        argv = [
            sys.executable,
            "-m",
            "admin_console.demo_gui",
            "--url",
            self.url,
            "--username",
            username,
        ]
        log = self.console_dir / "gui.log"
        self.children.append(_spawn("console GUI", argv, log, stdin=password.encode() + b"\n"))

    # -- running and stopping ------------------------------------------------------------

    def online(self) -> list[str]:
        """Names of the demo PCs the console shows online."""
        with self._http(DEMO_ADMIN) as admin:
            room = admin.get("/api/kiosks").raise_for_status().json()
        return sorted(k["name"] for k in room if k["online"] and k["name"] in PC_NAMES)

    def gone(self) -> Child | None:
        """A process of the room that ended by itself (the GUI or a shell window closed)."""
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop(self) -> None:
        """Stop every process, newest first (windows, then agents, which wipe, then the
        console), each by its pid."""
        while self.children:
            self.children.pop().stop()


def summary(room: DemoRoom) -> str:
    """What the terminal shows once the room is up."""
    homes = ", ".join(str(room.pc_dir(n) / "home") for n in PC_NAMES)
    return f"""
EPN Kiosk demo room: a console and three public PCs on this machine (sandbox mode)
  console:   {room.url}   (data: {room.console_dir})
  admin:     {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}
  animator:  {DEMO_ANIMATOR[0]} / {DEMO_ANIMATOR[1]}   (logged in on the console window)
  PCs:       {", ".join(PC_NAMES)}, each with its visitor window
  tickets made on the console (30 minutes, single use): {", ".join(room.tickets)}
  member card: {DEMO_MEMBER_CARD}   PIN: {DEMO_MEMBER_PIN}
  animator PIN at a PC: {DEMO_ANIMATOR_PIN}   (the key button in a corner of its screen)
  visitor homes, wiped at each logout: {homes}
Ctrl+C stops everything.
"""


def run_room(data_dir: Path, *, port: int, gui: bool, fullscreen: bool, life: float | None) -> int:
    """Run the room until Ctrl+C, SIGTERM, a window closed, or ``life`` seconds."""
    room = DemoRoom(data_dir.resolve(), port=port, gui=gui, fullscreen=fullscreen)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        print("Starting the demo room…", flush=True)
        room.start()
        print(summary(room), flush=True)
        pids = ", ".join(f"{c.name} {c.pid}" for c in room.children)
        print(f"processes (pid): {pids}", flush=True)
        deadline = None if life is None else time.monotonic() + life
        while deadline is None or time.monotonic() < deadline:
            ended = room.gone()
            if ended is not None:
                print(f"{ended.name} ended: stopping the room.", flush=True)
                break
            time.sleep(0.2)
        return 0
    except DemoFailed as exc:
        print(f"epn-kiosk demo: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        # A second Ctrl+C must not leave half the room running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("Stopping the demo room…", flush=True)
        room.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("Stopped.", flush=True)


def room_pids(data_dir: Path) -> list[int]:
    """Processes whose command line names ``data_dir`` (for tests: none may be left)."""
    needle = str(data_dir.resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if any(needle in arg.decode(errors="replace") for arg in argv):
                found.append(int(entry.name))
    return found


__all__ = ["DEMO_ADMIN", "DEMO_ANIMATOR", "PC_NAMES", "DemoFailed", "DemoRoom", "run_room"]
