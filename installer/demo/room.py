"""The demo room: a console and three public PCs on one machine, in sandbox mode.

``python -m installer.demo room`` (run by ``installer/dev.sh demo``) starts, each as its own
process: the console server (SQLite in ``DATA/console``, plain HTTP on 127.0.0.1), three kiosk
agents in sandbox mode (``PC-01`` to ``PC-03``, each enrolled with a pairing code, data in
``DATA/PC-0n``), a private cupsd per PC (its held, gated ``kiosk`` queue prints into
``DATA/printed/PC-0n``), a visitor shell per PC, and the console GUI logged in as the
animator. It makes an admin and an animator account with demo passwords, the demo member
card, and a few tickets on the console, and prints them.

With a display (``DISPLAY`` set) each PC is a screen of its own: a nested X server (Xephyr,
1024×768, titled with the PC's name) with that PC's shell full screen in it, so the programs a
visitor starts from the launcher open in that PC's window. The programs run with the PC's
visitor home as ``HOME`` (wiped at each logout) and the PC's cupsd as their default printer.
Without a display the shells are plain windows on whatever Qt platform is set.

A window that ends by itself (a shell, a PC's screen, the console GUI) is started again, after
a pause that grows while it keeps failing; the rest of the room runs on, and a restarted shell
finds its session at the agent. Closing the console window on purpose only closes it: the
terminal says how to open it again.

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
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any

import httpx

from installer.demo.cupsd import PrivateCups
from kiosk.agent.config import MAX_SOCKET_PATH_BYTES, AgentConfig
from kiosk.agent.credentials import hash_pin
from kiosk.agent.enroll import EnrollFailed, enroll
from kiosk.agent.link import load_console_settings, save_console_settings
from kiosk.agent.store import KnownMember, Store
from kiosk.lockdown.browser import firefox_policies, to_json
from kiosk.shell.wm import openbox_rc, window_manager_argv
from policies.loading import load_policy

DEMO_ADMIN = ("admin", "admin-demo")
DEMO_ANIMATOR = ("animateur", "animateur-demo")
PC_NAMES = ("PC-01", "PC-02", "PC-03")
DEFAULT_PORT = 8470
DEMO_MEMBER_CARD = "1001"
DEMO_MEMBER_PIN = "2468"
DEMO_ANIMATOR_PIN = "1357"
"""The demo animator's own PIN at the PCs (a PIN of digits in a row is refused)."""
DEMO_ANIMATOR_NAME = "Sam"
LOCATION = "Salle démo"

XEPHYR = "Xephyr"
SCREEN_SIZE = "1024x768"
FIREFOX_DIR = Path("/usr/lib/firefox-esr")
"""Debian's Firefox ESR: the demo makes each PC a copy of this folder of its own (links, and
the small launcher program copied) to give it the room's ``distribution/policies.json``."""
QUEUE = "kiosk"
"""The print queue of each PC's cupsd (``kiosk.agent.printing.cupsconf.QUEUE_NAME``)."""

RESTART_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds before a window that ended is started again, by how many times in a row it ended
soon after its start: a crash loop slows down to one start every 30 s, never spins."""
STABLE_SECONDS = 30.0
"""A window that ran this long before it ended starts again at once, as a first failure."""

DEMO_APPS = ("firefox", "libreoffice-writer", "libreoffice-calc", "pdf-viewer", "file-manager")
"""What a visitor needs, in the launcher's order: the web, letters, tables, PDFs, their files."""

OPEN_ALL_DAY = "\n".join(
    ["# Demo room: open every day, all day, so the demo works at any hour.", 'name = "EPN demo"']
    + ["", "[opening_hours]"]
    + [
        f'{day} = [{{ opens = "00:00", closes = "23:59" }}]'
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    ]
    + ["", "[launcher]", "apps = [" + ", ".join(f'"{app}"' for app in DEMO_APPS) + "]"]
)


class DemoFailed(Exception):
    """The room could not start; the message says what failed."""


class _Stop(Exception):
    """SIGTERM arrived: stop everything."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise _Stop


@dataclass
class Child:
    """One process of the room, with the file its output goes to.

    A *window* (``restart`` true: a shell, a PC's screen, the console GUI) is started again
    when it ends by itself; any other process ending stops the room."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    restart: bool = False
    started: float = field(default_factory=time.monotonic)
    failures: int = 0
    """How many times in a row it ended soon after its start."""
    due: float | None = None
    """When it is to be started again (monotonic), once it ended."""

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid

    def ended(self) -> bool:
        """True once the process is gone (reaped)."""
        return self.process.poll() is not None

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


def spawn(
    name: str,
    argv: Sequence[str],
    log: Path,
    stdin: bytes | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    pass_fds: Sequence[int] = (),
    restart: bool = False,
) -> Child:
    """Start ``argv`` as the room's process ``name``, its output appended to ``log``, with
    ``stdin`` written to it and closed (a password never goes on the command line)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env=None if env is None else dict(env),
            cwd=cwd,
            pass_fds=tuple(pass_fds),
        )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    return Child(name, process, log, restart=restart)


def restart_delay(failures: int) -> float:
    """Seconds to wait before the ``failures``-th start in a row of a window that ends."""
    return RESTART_DELAYS[min(max(failures, 1), len(RESTART_DELAYS)) - 1]


def xauthority(path: Path) -> Path:
    """A fresh Xauthority file at ``path`` (0600) with one MIT-MAGIC-COOKIE-1 for any display
    number: a PC's screen accepts only clients that hold it (its shell and their programs)."""

    def counted(data: bytes) -> bytes:
        return struct.pack(">H", len(data)) + data

    family_wild = 0xFFFF
    entry = (
        struct.pack(">H", family_wild)
        + counted(b"")  # any address
        + counted(b"")  # any display number: Xephyr picks a free one at each start
        + counted(b"MIT-MAGIC-COOKIE-1")
        + counted(os.urandom(16))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(entry)
    return path


def firefox_launcher(pc_dir: Path, policies_json: str, install: Path = FIREFOX_DIR) -> Path | None:
    """This PC's Firefox with the room's policies, without root; None when not installed.

    Firefox reads enterprise policies only from system folders and from the ``distribution``
    folder beside its own program. So the PC gets ``firefox/``: a link to every file of the
    installed Firefox, the launcher program copied (Firefox finds its folder from the
    program's real path), and ``distribution/policies.json`` written here. ``bin/firefox-esr``
    starts it with a profile in the visitor's home (wiped at logout) and ``--no-remote``, so
    the three PCs' browsers never hand a page to one another."""
    program = install / "firefox-esr"
    if not program.is_file():
        return None
    mirror = pc_dir / "firefox"
    if mirror.exists():
        shutil.rmtree(mirror)
    mirror.mkdir(parents=True)
    for entry in install.iterdir():
        if entry.name not in {"distribution", "firefox-esr", "firefox-bin"}:
            (mirror / entry.name).symlink_to(entry)
    shutil.copy2(program, mirror / "firefox-esr")
    distribution = mirror / "distribution"
    distribution.mkdir()
    searchplugins = (install / "distribution").resolve() / "searchplugins"
    if searchplugins.is_dir():
        (distribution / "searchplugins").symlink_to(searchplugins)
    (distribution / "policies.json").write_text(policies_json, encoding="utf-8")
    bin_dir = pc_dir / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "firefox-esr"
    wrapper.write_text(
        "#!/bin/sh\n"
        "# This demo PC's Firefox: the room's policies, a profile in the visitor's home.\n"
        'profile="$HOME/.mozilla/epn-demo"\n'
        'mkdir -p "$profile"\n'
        f'exec "{mirror / "firefox-esr"}" --no-remote --profile "$profile" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return wrapper


def agent_argv(data_dir: Path, sock: Path, policy: Path, name: str) -> list[str]:
    """The command line of a demo PC's agent: sandbox mode, the demo policy, the PC's name and
    the demo animator PIN."""
    return [
        sys.executable,
        "-m",
        "kiosk",
        "agent",
        "--sandbox",
        "--data-dir",
        str(data_dir),
        "--socket",
        str(sock),
        "--policy",
        str(policy),
        "--pc-name",
        name,
        "--animator-pin-hash",
        hash_pin(DEMO_ANIMATOR_PIN),
    ]


def wait_ready(what: str, ready: Callable[[], object], child: Child, timeout: float = 60.0) -> None:
    """Wait until ``ready()``; raise :class:`DemoFailed` with the end of ``child``'s log if it
    exits first, or naming ``what`` after ``timeout`` seconds."""
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


def socket_path(pc_dir: Path) -> Path:
    """Where a PC's agent listens: in its folder, or a short private one if that is too long."""
    path = pc_dir / "kiosk.sock"
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH_BYTES:
        return path
    # A deep checkout makes too long a socket path: a short private folder instead.
    return Path(tempfile.mkdtemp(prefix="epn-demo-")) / "kiosk.sock"


def logged(log: Path, start: int, name: str) -> dict[str, Any] | None:
    """The first entry called ``name`` in the JSON log ``log`` past byte ``start``, if any."""
    with contextlib.suppress(FileNotFoundError), log.open("rb") as file:
        file.seek(start)
        for line in file:
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and entry.get("event") == name:
                    return entry
    return None


def accepts(path: Path) -> bool:
    """True when something accepts connections on the unix socket ``path``."""
    try:
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect(str(path))
    except OSError:
        return False
    return True


@dataclass
class DemoRoom:
    """The whole room; :meth:`start` it, :meth:`tend` it while it runs, then :meth:`stop` it
    (also on failure)."""

    data_dir: Path
    port: int = DEFAULT_PORT
    gui: bool = True
    fullscreen: bool = False
    shell_for: tuple[str, ...] = PC_NAMES
    """The PCs that get a shell window (a test may drive its own shell for the others)."""
    screens: bool | None = None
    """Each PC in its own Xephyr window; None: when a display is there (``DISPLAY``)."""
    printing: bool = True
    """A private cupsd per PC, metered by its agent (needs cupsd)."""
    say: Callable[[str], None] = print
    children: list[Child] = field(default_factory=list)
    url: str = ""
    tickets: list[str] = field(default_factory=list)
    kiosk_ids: dict[str, int] = field(default_factory=dict)
    sockets: dict[str, Path] = field(default_factory=dict)
    """Each PC's agent socket, where its shell connects."""
    displays: dict[str, str] = field(default_factory=dict)
    """Each PC's screen (``:N``) while it has one."""
    printers: dict[str, PrivateCups] = field(default_factory=dict)
    """Each PC's private cupsd."""
    gui_closed: bool = False
    """The console window was closed on purpose (it stays closed until :meth:`reopen_gui`)."""
    _log_read: dict[str, int] = field(default_factory=dict)
    """How far each PC's agent log was read for the end of sessions."""

    @property
    def console_dir(self) -> Path:
        """The console's data folder."""
        return self.data_dir / "console"

    @property
    def printed_dir(self) -> Path:
        """Where the PCs' printers put what they print, a folder per PC."""
        return self.data_dir / "printed"

    def pc_dir(self, name: str) -> Path:
        """A PC's data folder (store, visitor home, console link settings, token)."""
        return self.data_dir / name

    def home(self, name: str) -> Path:
        """A PC's visitor home, rebuilt from the skeleton and wiped at each logout."""
        return self.pc_dir(name) / "home"

    def child(self, name: str) -> Child | None:
        """The process of the room called ``name`` ("shell PC-01"), if it runs or ran."""
        return next((c for c in self.children if c.name == name), None)

    # -- starting ------------------------------------------------------------------------

    def start(self) -> DemoRoom:
        """Start every process; returns when the room is up (raises :class:`DemoFailed`)."""
        if self.screens is None:
            self.screens = bool(os.environ.get("DISPLAY")) and shutil.which(XEPHYR) is not None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._accounts()
        self._start_console()
        with self._http(DEMO_ADMIN) as admin:
            self._member(admin)
            self._enroll_all(admin)
        with self._http(DEMO_ANIMATOR) as animator:
            self._animator_pin(animator)
        self._seed_members()
        policy = self.data_dir / "demo-policy.toml"
        policy.write_text(OPEN_ALL_DAY + "\n", encoding="utf-8")
        self._prepare_apps(policy)
        if self.printing:
            self._start_printers()
        self.sockets = {name: self._start_agent(name, policy) for name in PC_NAMES}
        for name in self.sockets:
            agent = self.child(f"agent {name}")
            assert agent is not None
            # Its log says "listening" once it restored its state: its socket accepts before
            # that, and the shell's start makes the visitor home, which an agent still
            # restoring took for a wipe left undone.
            listening = partial(logged, agent.log, self._log_read[name], "listening")
            wait_ready(f"the agent of {name}", listening, agent)
            if name in self.shell_for:
                if self.screens:
                    self._start_screen(name)
                self._start_shell(name)
        with self._http(DEMO_ANIMATOR) as animator:
            self._make_tickets(animator)
        if self.gui:
            self._start_gui()
        return self

    def _accounts(self) -> None:
        """The admin and the animator, made once with the console's own command (its
        migrations run there, before the server)."""
        for (username, password), role in ((DEMO_ADMIN, "admin"), (DEMO_ANIMATOR, "animator")):
            made = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "admin_console.cli",
                    "create-staff",
                    "--data-dir",
                    str(self.console_dir),
                    "--role",
                    role,
                    "--password-stdin",
                    "--if-missing",
                    username,
                ],
                input=password + "\n",
                capture_output=True,
                text=True,
                check=False,
            )
            if made.returncode != 0:
                raise DemoFailed(f"the console made no {role} account: {made.stderr[-300:]}")

    def _member(self, admin: httpx.Client) -> None:
        """The demo member card, made once through the console's API, as a manager would."""
        answer = admin.post("/api/members", json={"card": DEMO_MEMBER_CARD, "pin": DEMO_MEMBER_PIN})
        if answer.status_code not in (201, 409):  # 409: made by an earlier start
            raise DemoFailed(f"the console made no member card: {answer.text[:200]}")

    def _animator_pin(self, animator: httpx.Client) -> None:
        """The demo animator's name for the PCs and own PIN, set in their account as staff
        do: the PCs' staff key then asks them to touch their name, and greets them."""
        named = animator.patch("/api/me", json={"display_name": DEMO_ANIMATOR_NAME})
        pin = animator.put(
            "/api/me/pin", json={"pin": DEMO_ANIMATOR_PIN, "current_password": DEMO_ANIMATOR[1]}
        )
        if named.status_code != 200 or pin.status_code != 204:
            raise DemoFailed(f"the console kept no PIN for the animator: {pin.text[:200]}")

    def _start_console(self) -> None:
        log = self.console_dir / "console.log"
        start = log.stat().st_size if log.exists() else 0
        child = spawn(
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
        wait_ready("the console", partial(logged, log, start, "console_listening"), child)
        listening = logged(log, start, "console_listening")
        assert listening is not None
        self.url = f"http://127.0.0.1:{int(listening['port'])}"

    @contextlib.contextmanager
    def _http(self, account: tuple[str, str]) -> Iterator[httpx.Client]:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            answer = http.post("/api/login", json={"username": account[0], "password": account[1]})
            if answer.status_code != 200:
                raise DemoFailed(f"the console refused {account[0]}: {answer.text[:200]}")
            http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            yield http

    def _enroll_all(self, admin: httpx.Client) -> None:
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

    def _seed_members(self) -> None:
        """The demo card in each PC's store: as a member of a PC without a console, and as
        what an enrolled PC knows of a card it checked online before, so that with the
        console stopped the card still works (``members.offline = "last_known"``)."""
        for name in PC_NAMES:
            store = Store.open(self.pc_dir(name) / "kiosk.db")
            try:
                if store.member(DEMO_MEMBER_CARD) is None:
                    store.add_member(DEMO_MEMBER_CARD, hash_pin(DEMO_MEMBER_PIN))
                if store.known_member(DEMO_MEMBER_CARD) is None:
                    now = dt.datetime.now(dt.UTC)
                    # No daily limit known: the demo console gives the card none either.
                    known = KnownMember(
                        DEMO_MEMBER_CARD, hash_pin(DEMO_MEMBER_PIN), None, None, now.date()
                    )
                    store.remember_member(known, now)
            finally:
                store.close()

    def _prepare_apps(self, policy_path: Path) -> None:
        """Each PC's Firefox with the room's browser policies (see :func:`firefox_launcher`)."""
        policy = load_policy(policy_path)
        for name in PC_NAMES:
            home = PurePosixPath(self.home(name))
            firefox_launcher(self.pc_dir(name), to_json(firefox_policies(policy, home)))

    def _start_printers(self) -> None:
        for name in PC_NAMES:
            printer = PrivateCups(printed=self.printed_dir / name)
            self.printers[name] = printer
            try:
                printer.start()
            except (OSError, RuntimeError) as exc:
                raise DemoFailed(f"the printer of {name} did not start: {exc}") from exc

    def _start_agent(self, name: str, policy: Path) -> Path:
        pc_dir = self.pc_dir(name)
        sock = socket_path(pc_dir)
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()  # left by a killed agent: waiting for it would find the old file
        argv = [*agent_argv(pc_dir, sock, policy, name), "--allow-insecure-link"]
        log = pc_dir / "agent.log"
        self._log_read[name] = log.stat().st_size if log.exists() else 0
        printer = self.printers.get(name)
        if printer is not None:
            # The print user is the agent's own (sandbox): the visitor's programs run as it.
            argv += ["--cups-socket", str(printer.socket)]
            argv += ["--print-approvals", str(printer.approvals)]
            argv += ["--cups-backends", str(printer.backends)]
        self.children.append(spawn(f"agent {name}", argv, pc_dir / "agent.log"))
        return sock

    def _start_screen(self, name: str, timeout: float = 30.0) -> None:
        """The PC's own display: Xephyr in a window on this desktop, on a free display number
        it picks and tells on a pipe once it accepts clients."""
        pc_dir = self.pc_dir(name)
        auth = xauthority(pc_dir / "xauthority")
        read_end, write_end = os.pipe()
        argv = [
            XEPHYR,
            "-displayfd",
            str(write_end),
            "-auth",
            str(auth),
            "-screen",
            SCREEN_SIZE,
            "-title",
            f"EPN Kiosk — {name}",
            "-nolisten",
            "tcp",
            "-noreset",
        ]
        try:
            child = spawn(
                f"screen {name}", argv, pc_dir / "screen.log", pass_fds=(write_end,), restart=True
            )
        finally:
            os.close(write_end)
        self._replace(child)
        try:
            number = b""
            deadline = time.monotonic() + timeout
            while not number.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_end], [], [], left)[0]:
                    raise DemoFailed(f"the screen of {name} did not open (see {child.log})")
                chunk = os.read(read_end, 16)
                if not chunk:
                    raise DemoFailed(f"the screen of {name} did not open (see {child.log})")
                number += chunk
        finally:
            os.close(read_end)
        self.displays[name] = f":{number.decode().strip()}"
        self._start_wm(name)

    def _start_wm(self, name: str) -> None:
        """The PC's window manager, as on a kiosk: Openbox with the kiosk's rc.xml, so the
        programs open maximised under the bar and never cover it (none when not installed:
        the PC works, but a program may cover its bar)."""
        rc = self.pc_dir(name) / "openbox-rc.xml"
        rc.write_text(openbox_rc(), encoding="utf-8")
        argv = window_manager_argv(rc)
        if argv is None or name not in self.displays:
            return
        env = self.app_env(name)
        child = spawn(f"wm {name}", argv, self.pc_dir(name) / "wm.log", env=env, restart=True)
        self._replace(child)

    def app_env(self, name: str) -> dict[str, str]:
        """The environment of a PC's shell, and so of every program its visitor starts: the
        PC's screen, its visitor home as HOME, its Firefox first on PATH, its cupsd's queue
        as the default printer, and no session bus (GTK programs of one PC would find those
        of another through it)."""
        env = dict(os.environ)
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env.pop(variable, None)  # under HOME, so wiped with it
        env["HOME"] = str(self.home(name))
        env["PATH"] = os.pathsep.join([str(self.pc_dir(name) / "bin"), env.get("PATH", "")])
        env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
        printer = self.printers.get(name)
        if printer is not None:
            env.update(CUPS_SERVER=str(printer.socket), PRINTER=QUEUE, LPDEST=QUEUE)
        display = self.displays.get(name)
        if display is not None:
            env.update(
                DISPLAY=display,
                XAUTHORITY=str(self.pc_dir(name) / "xauthority"),
                QT_QPA_PLATFORM="xcb",
            )
            env.pop("WAYLAND_DISPLAY", None)
        return env

    def _start_shell(self, name: str) -> None:
        argv = [sys.executable, "-m", "kiosk", "shell", "--socket", str(self.sockets[name])]
        if not self.fullscreen and name not in self.displays:
            argv.append("--windowed")  # a PC's own screen shows the shell as a kiosk does
        home = self.home(name)
        home.mkdir(parents=True, exist_ok=True)  # the agent fills it; a file manager opens it
        child = spawn(
            f"shell {name}",
            argv,
            self.pc_dir(name) / "shell.log",
            env=self.app_env(name),
            cwd=home,
            restart=True,
        )
        self._replace(child)

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
            "installer.demo.console_window",
            "--url",
            self.url,
            "--username",
            username,
        ]
        log = self.console_dir / "gui.log"
        child = spawn("console GUI", argv, log, stdin=password.encode() + b"\n", restart=True)
        self._replace(child)
        self.gui_closed = False

    def _replace(self, child: Child) -> None:
        """Put ``child`` in the room in place of the process of the same name, keeping its
        count of failures (a window started again is the same window)."""
        old = self.child(child.name)
        if old is None:
            self.children.append(child)
            return
        child.failures = old.failures
        self.children[self.children.index(old)] = child

    # -- running -------------------------------------------------------------------------

    def tend(self, now: float | None = None) -> Child | None:
        """Start again the windows that ended, each when its pause is over; returns a
        process that is not a window (console, agent) if one ended: the room cannot go on.

        Call it a few times a second while the room runs."""
        now = time.monotonic() if now is None else now
        for name in list(self.displays):
            if self._session_ended(name):
                self.close_programs(name)
        for child in list(self.children):
            if not child.ended():
                continue
            if not child.restart:
                return child
            if child.due is None:
                self._ended(child, now)
            elif now >= child.due and not (child.name == "console GUI" and self.gui_closed):
                self._again(child)
        return None

    def _ended(self, child: Child, now: float) -> None:
        code = child.process.returncode
        if child.name == "console GUI" and code == 0:
            self.gui_closed = True  # closed on purpose: not started again by itself
            child.due = now
            self.say(
                "The console window was closed; the room keeps running. "
                "Press Enter here to open it again, Ctrl+C to stop the room."
            )
            return
        child.failures = 1 if now - child.started >= STABLE_SECONDS else child.failures + 1
        delay = restart_delay(child.failures)
        child.due = now + delay
        how = f"signal {-code}" if code < 0 else f"code {code}"
        self.say(f"{child.name} ended ({how}): starting it again in {delay:g} s.")

    def _again(self, child: Child) -> None:
        """Start ``child`` (a window that ended) again."""
        kind, _, name = child.name.partition(" ")
        try:
            if child.name == "console GUI":
                self._start_gui()
            elif kind == "screen":
                # Its shell lost its display with it: both start again, the shell on the
                # new display number.
                shell = self.child(f"shell {name}")
                if shell is not None:
                    shell.stop()
                self.displays.pop(name, None)
                wm = self.child(f"wm {name}")
                if wm is not None:
                    wm.stop()
                self._start_screen(name)
                self._start_shell(name)
            elif kind == "wm":
                screen = self.child(f"screen {name}")
                if screen is not None and screen.ended():
                    return  # the screen's own restart starts it
                self._start_wm(name)
            elif kind == "shell":
                screen = self.child(f"screen {name}")
                if screen is not None and screen.ended():
                    return  # the screen's own restart starts the shell
                self._start_shell(name)
        except DemoFailed as exc:
            self.say(f"{child.name} did not start again: {exc}")
            failed = self.child(child.name)
            if failed is not None:
                failed.due = time.monotonic() + restart_delay(failed.failures + 1)
                failed.failures += 1
            return
        again = self.child(child.name)
        if again is not None:
            self.say(f"{child.name} started again (pid {again.pid}).")

    def _session_ended(self, name: str) -> bool:
        """True when the agent of ``name`` logged the end of a session since the last look."""
        log = self.pc_dir(name) / "agent.log"
        start = self._log_read.get(name, 0)
        try:
            with log.open("rb") as file:
                file.seek(start)
                lines = file.read().split(b"\n")
        except OSError:
            return False
        # A line still being written stays for the next look.
        self._log_read[name] = start + sum(len(line) + 1 for line in lines[:-1])
        for line in lines[:-1]:
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if entry.get("event") == "state_changed" and entry.get("target") == "ending":
                    return True
        return False

    def close_programs(self, name: str) -> list[int]:
        """Close every program on ``name``'s screen but its shell (as the kiosk's wiper ends
        the visitor's processes at logout; the sandbox agent has none to end): each window's
        X client is disconnected, and a program that loses its display exits. Returns the
        pids of the programs closed."""
        shell = self.child(f"shell {name}")
        xdotool = shutil.which("xdotool")
        if name not in self.displays or shell is None or xdotool is None:
            return []
        env = self.app_env(name)

        def run(*args: str) -> list[str]:
            done = subprocess.run(
                [xdotool, *args], env=env, capture_output=True, text=True, timeout=10, check=False
            )
            return done.stdout.split()

        wm = self.child(f"wm {name}")
        keep = {shell.pid} | ({wm.pid} if wm is not None else set())
        closed = []
        for window in run("search", "--name", ""):
            owner = run("getwindowpid", window)
            # A window that says no pid may be the shell's own: left alone.
            if len(owner) == 1 and owner[0].isdigit() and int(owner[0]) not in keep:
                run("windowkill", window)
                closed.append(int(owner[0]))
        if closed:
            self.say(f"{name}: the visitor's programs were closed at the end of the session.")
        return sorted(set(closed))

    def reopen_gui(self) -> None:
        """Open the console window again (after it was closed on purpose)."""
        gui = self.child("console GUI")
        if self.gui and (gui is None or gui.ended()):
            self._start_gui()

    def online(self) -> list[str]:
        """Names of the demo PCs the console shows online."""
        with self._http(DEMO_ADMIN) as admin:
            room = admin.get("/api/kiosks").raise_for_status().json()
        return sorted(k["name"] for k in room if k["online"] and k["name"] in PC_NAMES)

    def pids(self) -> dict[str, int]:
        """Every process of the room by name (the PCs' cupsd too)."""
        found = {c.name: c.pid for c in self.children if not c.ended()}
        for name, printer in self.printers.items():
            if printer.pid is not None:
                found[f"cupsd {name}"] = printer.pid
        return found

    # -- stopping ------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process, newest first (windows, then agents, which wipe, then the
        printers, then the console), each by its pid."""
        windows = [c for c in self.children if c.restart]
        for child in reversed(windows):
            child.stop()
        rest = [c for c in self.children if not c.restart]
        self.children.clear()
        while len(rest) > 1:
            rest.pop().stop()  # the agents
        while self.printers:
            _name, printer = self.printers.popitem()
            printer.stop()
        while rest:
            rest.pop().stop()  # the console


def summary(room: DemoRoom) -> str:
    """What the terminal shows once the room is up."""
    homes = ", ".join(str(room.home(n)) for n in PC_NAMES)
    if room.displays:
        screens = ", ".join(f"{n} on {d}" for n, d in room.displays.items())
        pcs = f"{', '.join(PC_NAMES)}, each in its own window ({screens})"
    else:
        pcs = f"{', '.join(PC_NAMES)}, each with its visitor window"
    printing = (
        f"\n  printing:  each PC's queue '{QUEUE}' holds jobs until the visitor confirms; "
        f"prints go to {room.printed_dir}"
        if room.printers
        else ""
    )
    return f"""
EPN Kiosk demo room: a console and three public PCs on this machine (sandbox mode)
  console:   {room.url}   (data: {room.console_dir})
  admin:     {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}
  animator:  {DEMO_ANIMATOR[0]} / {DEMO_ANIMATOR[1]}   (logged in on the console window)
  PCs:       {pcs}
  tickets made on the console (30 minutes, single use): {", ".join(room.tickets)}
  member card: {DEMO_MEMBER_CARD}   PIN: {DEMO_MEMBER_PIN}   (online, and offline on every PC)
  animator PIN at a PC: {DEMO_ANIMATOR_PIN}   (the key button in a corner of its screen)
  visitor homes, wiped at each logout: {homes}{printing}
A window that ends is started again. Ctrl+C stops everything.
"""


def _enter_pressed() -> bool:
    """True when a line was typed on the terminal (never blocks; False without a terminal)."""
    stdin = sys.stdin
    if stdin is None or stdin.closed or not stdin.isatty():
        return False
    if not select.select([stdin], [], [], 0)[0]:
        return False
    stdin.readline()
    return True


def run_room(
    data_dir: Path, *, port: int, gui: bool, fullscreen: bool, screens: bool | None = None
) -> int:
    """Run the room until Ctrl+C, SIGTERM or a console or agent that ended; windows that end
    are started again."""

    def say(line: str) -> None:
        print(line, flush=True)

    room = DemoRoom(
        data_dir.resolve(), port=port, gui=gui, fullscreen=fullscreen, screens=screens, say=say
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        say("Starting the demo room…")
        room.start()
        say(summary(room))
        pids = ", ".join(f"{name} {pid}" for name, pid in room.pids().items())
        say(f"processes (pid): {pids}")
        while True:
            ended = room.tend()
            if ended is not None:
                code = ended.process.returncode
                say(f"{ended.name} ended ({code}, see {ended.log}): stopping the room.")
                return 1
            if room.gui_closed and _enter_pressed():
                room.reopen_gui()
            time.sleep(0.2)
    except DemoFailed as exc:
        print(f"installer.demo: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        # A second Ctrl+C must not leave half the room running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("Stopping the demo room…")
        room.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        say("Stopped.")
