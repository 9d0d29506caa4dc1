"""Kiosk figures: shell start to first screen, resident memory at idle, IPC round trip.

Run from the repository root:  .venv/bin/python tests/bench/bench_kiosk.py [--runs 10]

Starts a real agent (sandbox mode, temp data dir) and real shell processes (Qt offscreen),
measures, stops everything it started by pid. Prints one ``figure: value unit`` line per
figure, the headline last; exits non-zero when it could not measure.
Targets: start < 1.0 s, shell < 150 MB, agent < 60 MB, IPC p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installer.demo.room import agent_argv

OPEN_ALL_DAY = """
[opening_hours]
{days}
"""


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def wait_for_socket(path: Path, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Wait until the agent accepts connections on ``path``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"agent exited with {proc.returncode}")
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(path))
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("agent did not open its socket")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, by its pid: TERM, then KILL."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def round_trips(path: Path, count: int) -> list[float]:
    """Ping the agent ``count`` times; seconds per request-to-reply."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        stream = sock.makefile("rwb")

        def ask(request_id: int, kind: str) -> None:
            stream.write(json.dumps({"v": 1, "type": kind, "id": request_id}).encode() + b"\n")
            stream.flush()
            while True:
                message = json.loads(stream.readline())
                if message.get("type") == "reply" and message.get("re") == request_id:
                    if not message["ok"]:
                        raise RuntimeError(f"agent refused {kind}: {message['error']}")
                    return

        ask(0, "hello")
        for warm in range(1, 50):
            ask(warm, "ping")
        times = []
        for request_id in range(100, 100 + count):
            start = time.perf_counter()
            ask(request_id, "ping")
            times.append(time.perf_counter() - start)
        return times


def one_session(path: Path) -> None:
    """A visitor's whole session over the socket: walk in, accept the rules, end, wiped."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        stream = sock.makefile("rwb")
        views: list[dict[str, object]] = []

        def ask(request_id: int, kind: str, **fields: object) -> None:
            body = {"v": 1, "type": kind, "id": request_id, **fields}
            stream.write(json.dumps(body).encode() + b"\n")
            stream.flush()
            while True:
                message = json.loads(stream.readline())
                if message.get("type") == "view":
                    views.append(message)
                elif message.get("re") == request_id:
                    if not message["ok"]:
                        raise RuntimeError(f"agent refused {kind}: {message['error']}")
                    return

        def view_until(state: str) -> dict[str, object]:
            while not views or views[-1]["state"] != state:
                message = json.loads(stream.readline())
                if message.get("type") == "view":
                    views.append(message)
            return views[-1]

        ask(1, "hello", client="bench")
        ask(2, "login", mode="walk_in", language="fr")
        rules = view_until("rules")
        ask(3, "accept_rules", rules_version=rules["rules_version"], language="fr")
        view_until("active")
        ask(4, "end_session")
        view_until("done")


def shell_start(path: Path, env: dict[str, str]) -> tuple[float, subprocess.Popen[bytes]]:
    """Start a shell; seconds from launch to its first screen painted. The shell keeps running."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "shell", "--socket", str(path), "--first-screen-marker"],
        stdout=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.decode().strip()
        if line.startswith("first-screen "):
            return float(line.split()[1]) - start, proc
    stop(proc)
    raise RuntimeError(f"shell exited ({proc.returncode}) before its first screen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="shell starts to time")
    parser.add_argument("--pings", type=int, default=2000, help="IPC round trips to time")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="epnb"))
    policy = workdir / "policy.toml"
    days = "\n".join(
        f'{day} = [{{ opens = "00:00", closes = "23:59" }}]'
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    policy.write_text(OPEN_ALL_DAY.format(days=days))
    sock = workdir / "kiosk.sock"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    agent = subprocess.Popen(
        agent_argv(workdir / "data", sock, policy, "BENCH-PC"),
        stderr=subprocess.DEVNULL,
        env=env,
    )
    shells: list[subprocess.Popen[bytes]] = []
    try:
        wait_for_socket(sock, agent)
        starts = []
        for _ in range(args.runs):
            seconds, shell = shell_start(sock, env)
            starts.append(seconds)
            shells.append(shell)
            if len(shells) > 1:
                stop(shells.pop(0))
        time.sleep(2.0)  # idle: let both processes settle before reading memory
        shell_rss = rss_mb(shells[-1].pid)
        agent_rss = rss_mb(agent.pid)
        times = round_trips(sock, args.pings)
        one_session(sock)
        time.sleep(2.0)
        agent_rss_after = rss_mb(agent.pid)
    except (RuntimeError, OSError, ValueError) as exc:
        print(f"bench_kiosk: could not measure: {exc}", file=sys.stderr)
        return 1
    finally:
        for shell in shells:
            stop(shell)
        stop(agent)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"shell_start_min: {min(starts):.3f} s")
    print(f"shell_start_max: {max(starts):.3f} s")
    print(f"shell_rss_idle: {shell_rss:.1f} MB")
    print(f"agent_rss_idle: {agent_rss:.1f} MB")
    print(f"agent_rss_idle_after_a_session: {agent_rss_after:.1f} MB")
    print(f"ipc_round_trip_p50: {statistics.median(times) * 1000:.3f} ms")
    print(f"ipc_round_trip_p99: {percentile(times, 0.99) * 1000:.3f} ms")
    print(f"shell_start_to_first_screen_median: {statistics.median(starts):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
