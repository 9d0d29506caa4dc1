"""``epn-kiosk demo``: a whole room on this machine (see :mod:`kiosk.demo_room`: with a
display, each PC a Xephyr window of its own), or with ``--single`` one public PC without a
console, in sandbox mode.

``--single`` starts a kiosk agent (sandbox: no root, no real users; the visitor home is a
folder that is wiped at each logout) and the visitor's shell in a window, seeded with a few
tickets, a member card and an animator PIN, all printed to the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from kiosk.agent.config import MAX_SOCKET_PATH_BYTES
from kiosk.agent.credentials import hash_pin
from kiosk.agent.store import Store
from kiosk.demo_room import DEFAULT_PORT, run_room

DEMO_MEMBER_CARD = "1001"
DEMO_MEMBER_PIN = "2468"
DEMO_ANIMATOR_PIN = "1234"

DEMO_POLICY = """\
# Demo room: open every day, all day, so the demo works at any hour.
name = "EPN demo"

[opening_hours]
{days}
"""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``epn-kiosk demo``."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("demo-data"),
        help="where the demo keeps its store and visitor home (default: demo-data)",
    )
    parser.add_argument(
        "--fullscreen",
        action="store_true",
        help="the shells full screen on this display, as on a real public PC (default: a "
        "window; with Xephyr, each PC's shell is full screen in that PC's own window)",
    )
    parser.add_argument(
        "--single",
        action="store_true",
        help="one PC without a console (agent and shell only), as before the console",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the demo console's port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free one)",
    )
    parser.add_argument(
        "--no-gui", action="store_true", help="without the console window (PCs only)"
    )
    parser.add_argument(
        "--no-screens",
        action="store_true",
        help="no Xephyr window per PC: the shells as plain windows on this display",
    )
    parser.add_argument(
        "--life", type=float, default=None, help=argparse.SUPPRESS
    )  # seconds, then stop by itself (tests)
    parser.set_defaults(run=run)


def _socket_path(data_dir: Path) -> Path:
    path = data_dir / "kiosk.sock"
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH_BYTES:
        return path
    # A deep checkout makes too long a socket path: use a short private folder instead.
    return Path(tempfile.mkdtemp(prefix="epn-demo-")) / "kiosk.sock"


def _seed(data_dir: Path) -> list[str]:
    """Fresh tickets for this run, and the demo member the first time."""
    store = Store.open(data_dir / "kiosk.db")
    try:
        now = dt.datetime.now(dt.UTC)
        codes = store.create_tickets(3, 30, now + dt.timedelta(days=7), now)
        if store.member(DEMO_MEMBER_CARD) is None:
            store.add_member(DEMO_MEMBER_CARD, hash_pin(DEMO_MEMBER_PIN))
        return codes
    finally:
        store.close()


def _wait_for_socket(path: Path, agent: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and agent.poll() is None:
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(path))
            return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(args: argparse.Namespace) -> int:
    """Run the demo until its windows are closed, Ctrl+C or SIGTERM."""
    has_display = any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if not has_display:
        print(
            "epn-kiosk demo: no display. Run it in a desktop session "
            "(or under Xvfb with DISPLAY set).",
            file=sys.stderr,
        )
        return 2
    if not args.single:
        return run_room(
            args.data_dir,
            port=args.port,
            gui=not args.no_gui,
            fullscreen=args.fullscreen,
            life=args.life,
            screens=False if args.no_screens else None,
        )
    return run_single(args)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_single(args: argparse.Namespace) -> int:
    """One PC: the agent and its shell, until the window is closed, Ctrl+C or SIGTERM."""
    signal.signal(signal.SIGTERM, _interrupt)  # stop the agent and shell, not orphan them
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    policy = data_dir / "demo-policy.toml"
    days = "\n".join(f'{day} = [{{ opens = "00:00", closes = "23:59" }}]' for day in WEEKDAYS)
    policy.write_text(DEMO_POLICY.format(days=days), encoding="utf-8")
    codes = _seed(data_dir)
    sock = _socket_path(data_dir)

    print(
        f"""
EPN Kiosk demo: one public PC in sandbox mode
  tickets (30 minutes, single use): {", ".join(codes)}
  member card: {DEMO_MEMBER_CARD}   PIN: {DEMO_MEMBER_PIN}
  animator PIN: {DEMO_ANIMATOR_PIN}   (the key button in a corner of the screen)
  visitor home, wiped at each logout: {data_dir / "home"}
  agent store: {data_dir / "kiosk.db"}, agent log: {data_dir / "agent.log"}
""",
        flush=True,
    )

    log = (data_dir / "agent.log").open("ab")
    agent = subprocess.Popen(
        [
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
            "PC-01",
            "--animator-pin-hash",
            hash_pin(DEMO_ANIMATOR_PIN),
        ],
        stderr=log,
    )
    shell: subprocess.Popen[bytes] | None = None
    try:
        if not _wait_for_socket(sock, agent):
            tail = (data_dir / "agent.log").read_text(errors="replace").splitlines()[-5:]
            print("epn-kiosk demo: the agent did not start:", *tail, sep="\n  ", file=sys.stderr)
            return 1
        shell_args = [sys.executable, "-m", "kiosk", "shell", "--socket", str(sock)]
        if not args.fullscreen:
            shell_args.append("--windowed")
        shell = subprocess.Popen(shell_args)
        return shell.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if shell is not None:
            _stop(shell)
        _stop(agent)
        log.close()
