"""``python -m installer.demo``: one command starts a whole room, Ctrl+C or SIGTERM stops all
of it.

The demo runs as ``installer/dev.sh demo`` runs it (``python -m installer.demo``), Qt
offscreen, on a free port.
The console it started must show the three PCs online and the animator's window connected;
after the stop no process of the room may be left; a second run reuses the same PCs.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from helpers.processes import room_pids

from installer.demo.room import DEMO_ADMIN, DEMO_ANIMATOR, PC_NAMES

pytestmark = pytest.mark.slow

START_TIMEOUT = 90.0


@dataclass
class Demo:
    """A running demo room and what it printed."""

    process: subprocess.Popen[str]
    lines: list[str]
    url: str
    pids: dict[str, int]
    tickets: list[str]
    output: queue.Queue[str]

    def wait_line(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        """The next line of the terminal that matches ``pattern``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.output.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line {pattern!r}:\n" + "\n".join(self.lines)) from None
            self.lines.append(line)
            found = re.search(pattern, line)
            if found is not None:
                return found


def start_demo(data_dir: Path) -> Demo:
    """Start the demo and read its terminal until the room is up."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "installer.demo", "--data-dir", str(data_dir), "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while not (seen and seen[-1].startswith("processes (pid):")):
        try:
            seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            stop(process)
            raise AssertionError("the demo did not start:\n" + "\n".join(seen)) from None
    text = "\n".join(seen)
    url = re.search(r"console: +(http://127\.0\.0\.1:\d+)", text)
    tickets = re.search(r"tickets made on the console .*: (.+)", text)
    assert url is not None and tickets is not None, text
    pids = {
        name: int(pid)
        for name, pid in re.findall(r"([A-Za-z][\w -]*?) (\d+)(?:,|$)", seen[-1].split(":", 1)[1])
    }
    return Demo(process, seen, url.group(1), pids, tickets.group(1).split(", "), lines)


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> int:
    """Send ``signum`` to the demo (by its pid) and wait for it to finish stopping."""
    if process.poll() is None:
        os.kill(process.pid, signum)
    try:
        return process.wait(60)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        raise


def wait_online(url: str, timeout: float = 60.0) -> list[dict[str, object]]:
    """The console's room once the three demo PCs are online in it."""
    with httpx.Client(base_url=url, timeout=10) as http:
        login = http.post("/api/login", json={"username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]})
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"
        deadline = time.monotonic() + timeout
        while True:
            room: list[dict[str, object]] = http.get("/api/kiosks").json()
            if sorted(str(k["name"]) for k in room if k["online"]) == list(PC_NAMES):
                return room
            assert time.monotonic() < deadline, f"not all PCs online: {room}"
            time.sleep(0.1)


def staff_listening(console_log: Path) -> list[str]:
    """Staff accounts whose console window opened the live room, once per opening."""
    found = []
    for line in console_log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "staff_listening":
            found.append(str(entry.get("who")))
    return found


def test_the_demo_runs_a_whole_room_and_stops_every_process(kiosk_dir: Path) -> None:
    data_dir = kiosk_dir  # the demo's --data-dir
    demo = start_demo(data_dir)
    try:
        room = wait_online(demo.url)
        assert {k["location"] for k in room} == {"Salle démo"}
        assert len(demo.tickets) == 3
        # Printed as on the sheet: 16 digits in four groups.
        printed = r"\d{4} \d{4} \d{4} \d{4}"
        assert all(re.fullmatch(printed, code) for code in demo.tickets), demo.tickets
        assert f"{DEMO_ANIMATOR[0]} / {DEMO_ANIMATOR[1]}" in "\n".join(demo.lines)
        assert set(demo.pids) == {
            "console",
            *(f"agent {n}" for n in PC_NAMES),
            *(f"shell {n}" for n in PC_NAMES),
            *(f"cupsd {n}" for n in PC_NAMES),
            "console GUI",
        }
        # The console window logged in as the animator and opened the live room.
        console_log = data_dir / "console" / "console.log"
        deadline = time.monotonic() + 30
        while staff_listening(console_log).count(DEMO_ANIMATOR[0]) < 1:
            assert time.monotonic() < deadline, "the console window did not open the room"
            time.sleep(0.1)

        # The console window dies: the demo says so, starts it again, and it logs in again;
        # the PCs stay online.
        os.kill(demo.pids["console GUI"], signal.SIGKILL)
        restarted = demo.wait_line(r"console GUI started again \(pid (\d+)\)")
        assert any("console GUI ended (signal 9)" in line for line in demo.lines)
        deadline = time.monotonic() + 30
        while staff_listening(console_log).count(DEMO_ANIMATOR[0]) < 2:
            assert time.monotonic() < deadline, "the console window did not open the room again"
            time.sleep(0.1)
        assert wait_online(demo.url)
        demo.pids["console GUI"] = int(restarted.group(1))
    finally:
        code = stop(demo.process)
    assert code == 0
    assert not [p for p in demo.pids.values() if Path(f"/proc/{p}").exists()]
    assert room_pids(data_dir) == []

    # Ctrl+C on a second run: the same three PCs, no new enrollment, on a new port.
    again = start_demo(data_dir)
    try:
        assert not any("enrolled" in line for line in again.lines), again.lines
        room = wait_online(again.url)
        assert sorted(str(k["name"]) for k in room) == list(PC_NAMES)
    finally:
        code = stop(again.process, signal.SIGINT)
    assert code == 0
    assert not [p for p in again.pids.values() if Path(f"/proc/{p}").exists()]
    assert room_pids(data_dir) == []
