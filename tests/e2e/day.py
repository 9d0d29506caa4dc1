"""A day in the room, compressed: the machinery of ``test_day.py`` and ``bench_day.py``.

Everything is real and runs as its own process: the console server (the demo room's: SQLite,
plain HTTP on the loopback), three kiosk agents (sandbox, enrolled with pairing codes) and
on each PC the X session's program ``epn-kiosk session`` with the real shell in a window on
a private Xvfb display. Staff act only through the console's HTTP API, as the console
window does. The visitor's side goes through the agent's socket with this module's own
client (what the shell sends when a button is pressed): the window is not the point there,
and the shell's real window still draws every view (its ``--screen-marker`` lines say when
a staff message or a lock appeared on it).

The day: sessions on the three PCs at once (walk-in, ticket, member in turn), each with one
of a help call taken and closed by staff, a staff message the visitor closes, a staff
extension, a lock and unlock; one session in five ended by staff; prints (below); a
workshop on the three PCs half-way; closing time (a policy closed all week, pushed by the
console); then the usage review. It counts crashes (a process of the room that ended, a
shell the session program had to restart, a fatal error in a log), stuck states (a help
call, lock or message still on the PC after it was cleared, a PC not back to waiting after
its session, a PC still open after closing time, a print job left on a PC's queue), shell
and agent memory over the day, console action → PC latency, and how long a print takes to
ask the visitor (``lp`` returns → the confirmation view).

Prints go through each PC's own cupsd (the demo room's ``PrivateCups``) with ``lp``, as any
program of the visitor's prints: one session in ten prints one page and confirms it, one in
ten prints more than the session may (the PC waits for an animator, who grants the missing
pages through the console; then the visitor confirms), and one job is cancelled by the
visitor. At the end, the pages the printers received, the pages the usage review counts and
the pages the script printed must be the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from helpers.print_documents import write_pdf
from helpers.processes import children, start_session_program
from helpers.xvfb import private_xvfb

from installer.demo.room import DEMO_ADMIN, DEMO_ANIMATOR, PC_NAMES, DemoRoom
from kiosk.core.model import State
from kiosk.core.protocol import PROTOCOL_VERSION, Reply, View, decode_push

DEADLINE = 20.0
"""How long anything may take before it counts as stuck (a busy 2-core machine)."""
KINDS = ("walk_in", "ticket", "member")
ACTIONS = ("help", "message", "extend", "lock")
MEMBER_PIN = "4826"
PRINT_PAGES = {"one_page": 1, "over_quota": 21}
"""The PDFs the visitors print (the policy lets a session print 20 pages)."""
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KNOWN_HELP_STUCK = (
    "help closed on the console ('Terminé') stays on the PC until the session ends "
    "(known, being fixed in the console/agent help path)"
)


class Stuck(Exception):
    """Something did not happen in time."""


class Visitor:
    """The visitor's side of one PC: what the shell sends to the agent when a button is
    pressed, and every view the agent pushes, stamped with its arrival time."""

    def __init__(self, socket_path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(socket_path))
        self._lock = threading.Condition()
        self._views: list[tuple[float, View]] = []
        self._replies: dict[int, Reply] = {}
        self._next_id = 0
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._closed = True
                    self._lock.notify_all()
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                message = decode_push(line)
                now = time.monotonic()
                with self._lock:
                    if isinstance(message, View):
                        self._views.append((now, message))
                        del self._views[:-200]
                    elif message.re is not None:
                        self._replies[message.re] = message
                    self._lock.notify_all()

    def close(self) -> None:
        """Disconnect."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._reader.join(5)

    def request(self, kind: str, **fields: Any) -> Reply:
        """Send a request and wait for its reply."""
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
        body = {"v": PROTOCOL_VERSION, "type": kind, "id": request_id, **fields}
        self.sock.sendall(json.dumps(body).encode() + b"\n")
        deadline = time.monotonic() + DEADLINE
        with self._lock:
            while request_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise Stuck(f"no reply to {kind}")
                self._lock.wait(left)
            return self._replies.pop(request_id)

    def ok(self, kind: str, **fields: Any) -> None:
        """A request that must succeed."""
        reply = self.request(kind, **fields)
        if not reply.ok:
            raise AssertionError(f"{kind} refused: {reply.error}")

    def latest(self) -> View:
        """The newest view."""
        return self.wait(lambda v: True)[1]

    def wait(
        self, predicate: Callable[[View], bool], since: float = 0.0, timeout: float = DEADLINE
    ) -> tuple[float, View]:
        """The first view received after ``since`` for which ``predicate`` holds (the
        newest view when ``since`` is 0), with its arrival time; raises Stuck."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                views = self._views[-1:] if since == 0.0 else self._views
                for at, view in views:
                    if at >= since and predicate(view):
                        return at, view
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    last = self._views[-1][1] if self._views else None
                    raise Stuck(f"no such view (last: {last!r:.300})")
                since = since or time.monotonic()
                self._lock.wait(left)


@dataclass
class Figures:
    """What the day measured."""

    sessions: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    help_calls: int = 0
    crashes: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    known_stuck: list[str] = field(default_factory=list)
    latency: dict[str, list[float]] = field(default_factory=dict)
    print_latency: dict[str, list[float]] = field(default_factory=dict)
    """``lp`` returned → the visitor's view asks (confirm) or says it waits (over_quota)."""
    window_latency: dict[str, list[float]] = field(default_factory=dict)
    rss_kib: dict[str, tuple[int, int]] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    prints: Counter[str] = field(default_factory=Counter)
    """Print jobs by what happened to them (one_page, over_quota, cancelled)."""
    pages_expected: int = 0
    """Pages the script had printed and confirmed."""
    pages_at_printers: int = 0
    """Pages the PCs' printers received."""

    def note(self, table: dict[str, list[float]], what: str, seconds: float) -> None:
        """Add one latency."""
        table.setdefault(what, []).append(seconds)

    @property
    def all_latencies(self) -> list[float]:
        """Every console action → PC view, in seconds."""
        return sorted(s for values in self.latency.values() for s in values)


def print_for(number: int) -> str | None:
    """What session ``number`` prints: one page, more than its quota, the one job the
    visitor cancels, or nothing."""
    if number == 2:
        return "cancelled"
    return {1: "one_page", 6: "over_quota"}.get(number % 10)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def xvfb() -> contextlib.AbstractContextManager[str | None]:
    """A private Xvfb display (None when Xvfb is missing), stopped by its pid."""
    return private_xvfb("1280x800")


@dataclass
class PC:
    """One PC of the room: its agent, its session program and the visitor's side."""

    name: str
    kiosk_id: int
    socket_path: Path
    agent_pid: int
    session: subprocess.Popen[bytes]
    log: Path
    visitor: Visitor | None = None

    def shell_pid(self) -> int | None:
        """The shell the session program runs now."""
        found = children(self.session.pid)
        return found[0] if found else None

    def screens_since(self, since: float) -> list[tuple[str, float]]:
        """Screens the shell's window showed after ``since`` (its ``--screen-marker``)."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "screen":
                with contextlib.suppress(ValueError):
                    if float(parts[2]) >= since:
                        found.append((parts[1], float(parts[2])))
        return found

    def window_shows(self, screen: str, since: float, timeout: float = DEADLINE) -> float | None:
        """When the window showed ``screen`` after ``since`` (None: not in time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, at in self.screens_since(since):
                if name == screen:
                    return at
            time.sleep(0.02)
        return None


class Day:
    """The room and the script of its day."""

    def __init__(self, folder: Path, sessions: int, display: str | None) -> None:
        self.folder = folder
        self.total = sessions
        self.display = display
        self.room = DemoRoom(folder, port=0, gui=False, shell_for=(), say=lambda _line: None)
        self.pcs: list[PC] = []
        self.figures = Figures()
        self.tickets: list[str] = []
        self.members: list[str] = []
        self._lock = threading.Lock()
        self.pdfs: dict[str, Path] = {}
        self._tz = zoneinfo.ZoneInfo("Europe/Brussels")
        self._today = dt.datetime.now(self._tz).date()

    # -- the room -------------------------------------------------------------------------

    def http(self, account: tuple[str, str]) -> httpx.Client:
        """A client logged in on the console."""
        client = httpx.Client(base_url=self.room.url, timeout=30)
        answer = client.post("/api/login", json={"username": account[0], "password": account[1]})
        answer.raise_for_status()
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        return client

    def start(self) -> None:
        """The console, the agents, the session programs and shells; tickets and members."""
        self.room.start()
        if not self.room.printers:
            raise Stuck("the demo room started without its printers (needs cupsd)")
        self.pdfs = {
            what: write_pdf(self.folder / f"{what}.pdf", pages)
            for what, pages in PRINT_PAGES.items()
        }
        per_kind = -(-self.total // len(KINDS)) + 1
        with contextlib.closing(self.http(DEMO_ANIMATOR)) as animator:
            valid_until = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
            answer = animator.post(
                "/api/tickets",
                json={"count": per_kind, "minutes": 30, "valid_until": valid_until.isoformat()},
            )
            answer.raise_for_status()
            self.tickets = [str(t["code"]) for t in answer.json()["tickets"]]
        with contextlib.closing(self.http(DEMO_ADMIN)) as admin:
            for number in range(per_kind):
                card = f"77{number:04d}"
                answer = admin.post("/api/members", json={"card": card, "pin": MEMBER_PIN})
                answer.raise_for_status()
                self.members.append(card)
        env = dict(os.environ)
        if self.display is not None:
            env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        else:
            env.update(QT_QPA_PLATFORM="offscreen")
        for name in PC_NAMES:
            agent = next(c for c in self.room.children if c.name == f"agent {name}")
            log = self.room.pc_dir(name) / "session.log"
            session = start_session_program(self.room.sockets[name], log, env, "--screen-marker")
            pc = PC(
                name, self.room.kiosk_ids[name], self.room.sockets[name], agent.pid, session, log
            )
            self.pcs.append(pc)
        for pc in self.pcs:
            if pc.window_shows("language", 0.0, timeout=60) is None:
                raise Stuck(f"{pc.name}: the shell's window never showed the language screen")
            pc.visitor = Visitor(pc.socket_path)
            pc.visitor.ok("hello", client="day")

    def stop(self) -> list[int]:
        """Stop everything by its pid; the pids that were running."""
        pids = [pc.session.pid for pc in self.pcs] + [c.pid for c in self.room.children]
        pids += [p for pc in self.pcs for p in children(pc.session.pid)]
        for pc in self.pcs:
            if pc.visitor is not None:
                pc.visitor.close()
            if pc.session.poll() is None:
                os.kill(pc.session.pid, signal.SIGTERM)
        for pc in self.pcs:
            try:
                pc.session.wait(20)
            except subprocess.TimeoutExpired:
                os.kill(pc.session.pid, signal.SIGKILL)
                pc.session.wait(10)
        self.room.stop()
        return pids

    # -- one session ----------------------------------------------------------------------

    def _command(self, staff: httpx.Client, pc: PC, **body: Any) -> float:
        """Send a staff command through the console; when it was sent."""
        sent = time.monotonic()
        answer = staff.post(f"/api/kiosks/{pc.kiosk_id}/commands", json=body)
        answer.raise_for_status()
        result = answer.json()
        if result["status"] != "done" or not result.get("ok"):
            raise AssertionError(f"{pc.name}: {body['action']} answered {result}")
        with self._lock:
            self.figures.actions[body["action"]] += 1
        return sent

    def _stuck(self, what: str) -> None:
        with self._lock:
            self.figures.stuck.append(what)

    def _login(self, pc: PC, kind: str, number: int) -> View:
        visitor = pc.visitor
        assert visitor is not None
        fields: dict[str, Any] = {}
        with self._lock:
            if kind == "ticket":
                fields = {"code": self.tickets.pop()}
            elif kind == "member":
                fields = {"card": self.members.pop(), "pin": MEMBER_PIN}
        language = ("fr", "ar", "nl", "tr")[number % 4]
        since = time.monotonic()
        visitor.ok("login", mode=kind, language=language, **fields)
        _, rules = visitor.wait(lambda v: v.state is State.RULES, since)
        visitor.ok("accept_rules", rules_version=rules.rules_version, language=language)
        _, view = visitor.wait(lambda v: v.state is State.ACTIVE, since)
        with self._lock:
            self.figures.sessions[kind] += 1
        return view

    def _action(self, pc: PC, staff: httpx.Client, action: str) -> None:
        visitor = pc.visitor
        assert visitor is not None
        figures = self.figures
        if action == "help":
            since = time.monotonic()
            visitor.ok("request_help")
            visitor.wait(lambda v: v.help_requested, since)
            deadline = time.monotonic() + DEADLINE
            while not any(c["kiosk_id"] == pc.kiosk_id for c in staff.get("/api/help").json()):
                if time.monotonic() > deadline:
                    raise Stuck(f"{pc.name}: the help call never reached the console")
                time.sleep(0.05)
            staff.post(f"/api/help/{pc.kiosk_id}/take").raise_for_status()
            # Timed from the click: the console tells the PC before it answers the request,
            # so the PC's view often comes before the answer (timed from the answer, such a
            # view was skipped and the next one, a second later, counted instead).
            done = time.monotonic()
            staff.post(f"/api/help/{pc.kiosk_id}/done").raise_for_status()
            with self._lock:
                figures.help_calls += 1
            try:
                at, _ = visitor.wait(lambda v: not v.help_requested, done, timeout=5.0)
                figures.note(figures.latency, "help_done", at - done)
            except Stuck:
                with self._lock:
                    figures.known_stuck.append(f"{pc.name}: help call still shown after done")
        elif action == "message":
            sent = self._command(staff, pc, action="message", text="La salle ferme à 18 h.")
            at, view = visitor.wait(lambda v: v.message is not None, sent)
            figures.note(figures.latency, "message", at - sent)
            self._window_latency(pc, "message", "message", sent)
            assert view.message is not None
            cleared = time.monotonic()
            visitor.ok("clear_message")
            try:
                visitor.wait(lambda v: v.message is None, cleared)
            except Stuck:
                self._stuck(f"{pc.name}: the message stayed after the visitor closed it")
        elif action == "extend":
            before = visitor.latest().seconds_left or 0
            sent = self._command(staff, pc, action="extend", minutes=10)
            at, _ = visitor.wait(lambda v: (v.seconds_left or 0) >= before + 500, sent)
            figures.note(figures.latency, "extend", at - sent)
        elif action == "lock":
            sent = self._command(staff, pc, action="lock", reason="pause")
            at, _ = visitor.wait(lambda v: v.locked, sent)
            figures.note(figures.latency, "lock", at - sent)
            self._window_latency(pc, "locked", "lock", sent)
            sent = self._command(staff, pc, action="unlock")
            try:
                at, _ = visitor.wait(lambda v: not v.locked, sent)
                figures.note(figures.latency, "unlock", at - sent)
            except Stuck:
                self._stuck(f"{pc.name}: still locked after unlock")

    def _window_latency(self, pc: PC, screen: str, what: str, sent: float) -> None:
        """How long after ``sent`` the shell's window showed ``screen`` (the ``what`` staff
        sent then); stuck when it never did."""
        shown = pc.window_shows(screen, sent)
        if shown is not None:
            self.figures.note(self.figures.window_latency, what, shown - sent)
        else:
            self._stuck(f"{pc.name}: the {what} never showed in the window")

    def _lp(self, pc: PC, pdf: Path) -> tuple[int, float]:
        """Print ``pdf`` with ``lp`` as the visitor's programs do (the PC's cupsd is their
        default printer); the job's id and when ``lp`` returned."""
        sent = subprocess.run(
            ["lp", str(pdf)],
            env=self.room.app_env(pc.name),
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            check=False,
        )
        returned = time.monotonic()
        found = re.search(r"request id is \S+-(\d+)", sent.stdout)
        if sent.returncode != 0 or found is None:
            raise AssertionError(f"{pc.name}: lp failed: {sent.stdout} {sent.stderr}")
        return int(found.group(1)), returned

    def _print(self, pc: PC, staff: httpx.Client, what: str) -> None:
        """The visitor prints; confirms (after the animator granted the pages over the
        session's quota), or cancels."""
        visitor = pc.visitor
        assert visitor is not None
        figures = self.figures
        before = visitor.latest().pages_printed
        pdf = self.pdfs["over_quota" if what == "over_quota" else "one_page"]
        since = time.monotonic()
        job, returned = self._lp(pc, pdf)

        def asked(waiting: str) -> Callable[[View], bool]:
            return lambda v: (
                v.print_job is not None
                and v.print_job.job_id == job
                and v.print_job.waiting == waiting
            )

        if what == "over_quota":
            at, view = visitor.wait(asked("over_quota"), since)
            figures.note(figures.print_latency, "over_quota", max(0.0, at - returned))
            assert view.print_job is not None
            missing = view.print_job.pages - view.print_job.pages_left
            sent = self._command(staff, pc, action="grant_pages", pages=missing)
            at, _ = visitor.wait(asked("confirm"), sent)
            figures.note(figures.latency, "grant_pages", at - sent)
        else:
            at, _ = visitor.wait(asked("confirm"), since)
            figures.note(figures.print_latency, "confirm", max(0.0, at - returned))
        answered = time.monotonic()
        if what == "cancelled":
            visitor.ok("print_answer", job_id=job, print_it=False)
            visitor.wait(lambda v: v.print_job is None, answered)
        else:
            pages = PRINT_PAGES[what]
            visitor.ok("print_answer", job_id=job, print_it=True)
            visitor.wait(lambda v: v.pages_printed == before + pages, answered)
            with self._lock:
                figures.pages_expected += pages
        with self._lock:
            figures.prints[what] += 1

    def _finish(self, pc: PC, staff: httpx.Client, by_staff: bool) -> None:
        """End the session (the visitor, or staff), see the receipt, back to waiting."""
        visitor = pc.visitor
        assert visitor is not None
        since = time.monotonic()
        if by_staff:
            sent = self._command(staff, pc, action="end", reason="fin de séance")
            at, _ = visitor.wait(lambda v: v.state not in (State.ACTIVE, State.WARNED), sent)
            self.figures.note(self.figures.latency, "end", at - sent)
        else:
            visitor.ok("end_session")
        try:
            visitor.wait(lambda v: v.state is State.DONE, since, timeout=DEADLINE * 2)
            visitor.ok("dismiss_receipt")
            visitor.wait(lambda v: v.state is State.WAITING, since)
        except Stuck:
            self._stuck(f"{pc.name}: not back to waiting after its session")
            return
        view = visitor.latest()
        if view.help_requested or view.locked or view.message is not None:
            self._stuck(f"{pc.name}: a free PC still shows help, lock or message: {view!r:.200}")

    def _run_pc(self, pc: PC, numbers: list[int]) -> None:
        staff = self.http(DEMO_ANIMATOR)
        first_print = next((n for n in numbers if print_for(n) is not None), numbers[0])
        try:
            for number in numbers:
                kind = KINDS[number % len(KINDS)]
                try:
                    self._login(pc, kind, number)
                    self._action(pc, staff, ACTIONS[number % len(ACTIONS)])
                    what = print_for(number)
                    if what is not None:
                        self._print(pc, staff, what)
                    self._finish(pc, staff, by_staff=number % 5 == 4)
                except (Stuck, AssertionError, httpx.HTTPError) as exc:
                    self._stuck(f"{pc.name} session {number} ({kind}): {exc}")
                    self._recover(pc, staff)
                if number == first_print:
                    # After the PC's first session that printed: the first job loads the
                    # print metering for good, the same on every PC (not a growth).
                    self._measure_rss(pc, "start")
        finally:
            staff.close()

    def _recover(self, pc: PC, staff: httpx.Client) -> None:
        """After a stuck state: bring the PC back to waiting so the day goes on."""
        visitor = pc.visitor
        assert visitor is not None
        with contextlib.suppress(Stuck, AssertionError, httpx.HTTPError):
            view = visitor.latest()
            if view.locked:
                self._command(staff, pc, action="unlock")
            if visitor.latest().state not in (State.WAITING, State.DONE):
                self._command(staff, pc, action="end", reason="reprise")
            visitor.wait(lambda v: v.state in (State.DONE, State.WAITING), timeout=DEADLINE * 2)
            if visitor.latest().state is State.DONE:
                visitor.ok("dismiss_receipt")
            visitor.wait(lambda v: v.state is State.WAITING)

    def _measure_rss(self, pc: PC, when: str) -> None:
        shell = pc.shell_pid()
        for what, pid in ((f"agent {pc.name}", pc.agent_pid), (f"shell {pc.name}", shell)):
            if pid is None:
                continue
            with self._lock, contextlib.suppress(FileNotFoundError):
                if when == "start" and what in self.figures.rss_kib:
                    continue  # measured after the first session of the day
                first, _ = self.figures.rss_kib.get(what, (0, 0))
                value = rss_kib(pid)
                self.figures.rss_kib[what] = (value, value) if when == "start" else (first, value)

    # -- the day --------------------------------------------------------------------------

    def _half(self, numbers: list[int]) -> None:
        threads = [
            threading.Thread(target=self._run_pc, args=(pc, numbers[index :: len(self.pcs)]))
            for index, pc in enumerate(self.pcs)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _workshop(self) -> None:
        with contextlib.closing(self.http(DEMO_ANIMATOR)) as staff:
            since = time.monotonic()
            answer = staff.post(
                "/api/workshops",
                json={
                    "kiosk_ids": [pc.kiosk_id for pc in self.pcs],
                    "minutes": 30,
                    "title": "Atelier : écrire son CV et l'envoyer par courriel",
                    "participants": len(self.pcs),
                },
            )
            answer.raise_for_status()
            for pc in self.pcs:
                assert pc.visitor is not None
                try:
                    pc.visitor.wait(
                        lambda v: v.state is State.ACTIVE and v.workshop_title is not None, since
                    )
                except Stuck:
                    self._stuck(f"{pc.name}: the workshop did not start")
                    continue
                self.figures.sessions["workshop"] += 1
            for pc in self.pcs:
                self._finish(pc, staff, by_staff=True)
                self._measure_rss(pc, "start")  # a PC that had no session before

    def _closing_policy(self) -> dict[str, Any]:
        """Open from midnight until this minute, every day: closing time is now, on the PC's
        clock and the console's alike (the usage review keeps today's opening hours)."""
        local = dt.datetime.now().astimezone()
        earliest = min(local.time(), dt.datetime.now(self._tz).time()).replace(second=0)
        if earliest < dt.time(0, 2):  # just after midnight somewhere: closed all day
            return {"name": "EPN day", "opening_hours": {day: [] for day in WEEK}}
        period = [{"opens": "00:00", "closes": earliest.strftime("%H:%M")}]
        return {"name": "EPN day", "opening_hours": dict.fromkeys(WEEK, period)}

    def _closing(self) -> None:
        """Closing time with a visitor still on the first PC: staff end the session, nobody
        else gets in."""
        last = self.pcs[0]
        assert last.visitor is not None
        self._login(last, "walk_in", 0)
        with contextlib.closing(self.http(DEMO_ADMIN)) as admin:
            since = time.monotonic()
            admin.put("/api/policy", json={"policy": self._closing_policy()}).raise_for_status()
        try:
            # The visitor's time was capped at the closing time known at login; closing
            # earlier than that does not cut a running session: the animator ends it.
            last.visitor.wait(lambda v: not v.is_open, since)
        except Stuck as exc:
            self._stuck(f"{last.name}: the running session never heard of closing ({exc})")
        with contextlib.closing(self.http(DEMO_ANIMATOR)) as staff:
            self._finish(last, staff, by_staff=True)
        for pc in self.pcs:
            assert pc.visitor is not None
            try:
                pc.visitor.wait(lambda v: not v.is_open and v.state is State.WAITING, since)
            except Stuck:
                self._stuck(f"{pc.name}: still open after closing time")
                continue
            reply = pc.visitor.request("login", mode="walk_in", language="fr")
            if reply.ok:
                self._stuck(f"{pc.name}: a visitor got in after closing time")

    def _printed_pages(self) -> int:
        log = self.room.printed_dir / "device.jsonl"
        lines = log.read_text().splitlines() if log.exists() else []
        return sum(int(json.loads(line)["pages"]) for line in lines)

    def _queues(self) -> dict[str, str]:
        """The jobs still on each PC's queue (``lpstat -o``), for the PCs that have any."""
        found = {}
        for name, printer in self.room.printers.items():
            left = printer.run("lpstat", "-o").stdout.strip()
            if left:
                found[name] = left
        return found

    def _printers(self) -> None:
        """Every confirmed page reached a printer; no job is left held on a queue."""
        figures = self.figures
        deadline = time.monotonic() + DEADLINE * 2
        while True:
            figures.pages_at_printers = self._printed_pages()
            left = self._queues()
            done = figures.pages_at_printers >= figures.pages_expected and not left
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        for name, jobs in left.items():
            self._stuck(f"{name}: print jobs left on the queue: {jobs[:300]}")

    def _usage(self) -> None:
        expected = dict(self.figures.sessions)
        with contextlib.closing(self.http(DEMO_ADMIN)) as admin:
            deadline = time.monotonic() + DEADLINE * 2
            while True:
                report = admin.get(
                    "/api/usage",
                    params={"start": self._today.isoformat(), "end": self._today.isoformat()},
                ).json()
                by_kind = {k: v for k, v in report["by_kind"].items() if v}
                if (
                    by_kind == expected
                    and report["totals"]["help_calls"] == self.figures.help_calls
                    and report["totals"]["pages"] == self.figures.pages_expected
                ) or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        self.figures.usage = report

    def _crashes(self) -> None:
        figures = self.figures
        for child in self.room.children:
            if child.process.poll() is not None:
                figures.crashes.append(f"{child.name} ended ({child.process.returncode})")
        for pc in self.pcs:
            if pc.session.poll() is not None:
                figures.crashes.append(f"session {pc.name} ended ({pc.session.returncode})")
            text = pc.log.read_text(errors="replace")
            figures.crashes += [
                f"{pc.name}: {line}" for line in text.splitlines() if "shell ended" in line
            ]
            figures.crashes += [
                f"{pc.name} shell: {line}"
                for line in text.splitlines()
                if "Fatal Python error" in line
            ]
        for child in self.room.children:
            text = child.log.read_text(errors="replace")
            figures.crashes += [
                f"{child.name}: {line[:200]}"
                for line in text.splitlines()
                if "Fatal Python error" in line
            ]

    def run(self) -> Figures:
        """The whole day; the figures."""
        numbers = list(range(self.total))
        middle = len(numbers) // 2
        self._half(numbers[:middle])
        self._workshop()
        self._half(numbers[middle:])
        for pc in self.pcs:
            self._measure_rss(pc, "end")
        self._closing()
        self._printers()
        self._usage()
        self._crashes()
        return self.figures
