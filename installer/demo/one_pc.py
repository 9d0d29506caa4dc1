"""One public PC without a console, in sandbox mode: ``python -m installer.demo pc``.

A kiosk agent (sandbox: no root, no real users; the visitor home is a folder that is wiped
at each logout) and the visitor's shell in a window, seeded with a few tickets, the demo
member card and the animator PIN, all printed to the terminal.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
from functools import partial
from pathlib import Path
from types import FrameType

from installer.demo.room import (
    DEMO_ANIMATOR_PIN,
    DEMO_MEMBER_CARD,
    DEMO_MEMBER_PIN,
    OPEN_ALL_DAY,
    Child,
    DemoFailed,
    accepts,
    agent_argv,
    socket_path,
    spawn,
    wait_ready,
)
from kiosk.agent.credentials import hash_pin
from kiosk.agent.store import Store

PC_NAME = "PC-01"


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


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_pc(data_dir: Path, *, fullscreen: bool) -> int:
    """One PC: the agent and its shell, until the window is closed, Ctrl+C or SIGTERM."""
    signal.signal(signal.SIGTERM, _interrupt)  # stop the agent and shell, not orphan them
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    policy = data_dir / "demo-policy.toml"
    policy.write_text(OPEN_ALL_DAY + "\n", encoding="utf-8")
    codes = _seed(data_dir)
    sock = socket_path(data_dir)
    print(
        f"""
EPN Kiosk demo: one public PC in sandbox mode
  tickets (30 minutes, single use): {", ".join(codes)}
  member card: {DEMO_MEMBER_CARD}   PIN: {DEMO_MEMBER_PIN}
  animator PIN: {DEMO_ANIMATOR_PIN}   (the key button in a corner of the screen)
  visitor home, wiped at each logout: {data_dir / "home"}
  agent store: {data_dir / "kiosk.db"}, logs: {data_dir / "agent.log"}, {data_dir / "shell.log"}
""",
        flush=True,
    )
    agent = spawn("agent", agent_argv(data_dir, sock, policy, PC_NAME), data_dir / "agent.log")
    shell: Child | None = None
    try:
        wait_ready("the agent", partial(accepts, sock), agent, timeout=30)
        shell_argv = [sys.executable, "-m", "kiosk", "shell", "--socket", str(sock)]
        if not fullscreen:
            shell_argv.append("--windowed")
        shell = spawn("shell", shell_argv, data_dir / "shell.log")
        return shell.process.wait()
    except DemoFailed as exc:
        print(f"installer.demo: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if shell is not None:
            shell.stop()
        agent.stop()
