"""Printing figures: from a submitted job to the confirmation in the shell, counting speed
against poppler's pdfinfo, and the print worker's CPU while 100 jobs wait on hold.

Run from the repository root:  .venv/bin/python tests/bench/bench_print.py [--runs 30]

Confirmation: a real agent process (sandbox, metering a private cupsd with the epn-wake
notifier) and a real shell process (Qt offscreen) in a session; each round submits a 3-page
PDF with ``lp`` and times until the shell shows the print screen (it prints each screen it
shows with the time), then cancels the job; p50 and p95, after one round not timed (it
starts cupsd's notifier, once per subscription). Then the same with the agent's worker as
it was before CUPS's events woke it — no subscription, a poll every 0.25 s — and the ratio
of the two p95.
Counting: the same 200-page PDF (plain, and rewritten with object streams by qpdf) is
counted by the kiosk (pypdf, walking the page tree in-process) and by ``pdfinfo`` (a
process per document, as a tool would be called), alternately, ``--runs`` times each;
medians and their ratio are printed. Polling: a private cupsd with 100 held jobs, the real
worker (woken by events, its fallback poll every 3 s) after counting them all; the process's
CPU over 10 s.
Prints one ``figure: value unit`` line per figure, the headline last; exits non-zero when
it could not measure. Targets: confirmation p95 under 100 ms; counting at least as fast as
pdfinfo.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test helpers (helpers.kiosk_agent)

from helpers.kiosk_agent import AgentProcess, ShellClient, write_open_all_day_policy  # noqa: E402
from helpers.print_documents import with_object_streams, write_pdf  # noqa: E402

from installer.demo.cupsd import PrivateCups  # noqa: E402
from kiosk.agent.printing.cups_queue import CupsQueue  # noqa: E402
from kiosk.agent.printing.documents import count_pages  # noqa: E402
from kiosk.agent.printing.worker import CountedJob, PrintWorker  # noqa: E402

SESSION_SCREENS = ("session", "launcher")
"""What the shell shows in a session when no print job waits (the launcher when the policy
has applications)."""
OLD_POLL_SECONDS = 0.25
POLLING_AGENT = (
    "-c",
    "import runpy\n"
    "from kiosk.agent.printing import worker\n"
    "worker.wake_socket_for = lambda approvals: None  # no subscription\n"
    f"worker.POLL_SECONDS = {OLD_POLL_SECONDS}\n"
    "runpy.run_module('kiosk.agent', run_name='__main__', alter_sys=True)\n",
)
"""The real agent, its print worker as it was before events: polling every 0.25 s."""

PAGES = 200
HELD_JOBS = 100
CPU_WINDOW = 10.0


def pdfinfo_pages(path: Path) -> int:
    """Pages as poppler's pdfinfo says."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise RuntimeError("pdfinfo gave no page count")


def counting(doc: Path, runs: int) -> tuple[float, float]:
    """Median seconds to count ``doc`` with the kiosk and with pdfinfo, alternately."""
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        if count_pages(doc, "application/pdf") != PAGES:
            raise RuntimeError("the kiosk miscounted")
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        if pdfinfo_pages(doc) != PAGES:
            raise RuntimeError("pdfinfo miscounted")
        theirs.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(theirs)


def polling_cpu(folder: Path) -> tuple[float, float]:
    """Seconds to count 100 held jobs, then the worker's CPU share while they wait."""
    doc = write_pdf(folder / "letter.pdf", 2)
    with PrivateCups() as cups:
        for _ in range(HELD_JOBS):
            cups.run("lp", "-d", "kiosk", str(doc))
        counted: queue.Queue[CountedJob] = queue.Queue()
        worker = PrintWorker(
            CupsQueue(cups.socket, approvals=cups.approvals),
            counted.put,
            print,
            events=cups.wake_socket,
        )
        started = time.perf_counter()
        worker.start()
        try:
            for _ in range(HELD_JOBS):
                counted.get(timeout=60)
            count_seconds = time.perf_counter() - started
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            time.sleep(CPU_WINDOW)
            share = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)
        finally:
            worker.stop()
    return count_seconds, share


class ShellScreens:
    """A real shell process (Qt offscreen) that prints each screen it shows, with the time."""

    def __init__(self, socket_path: Path) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        command = [sys.executable, "-m", "kiosk", "shell", "--socket", str(socket_path)]
        self.process = subprocess.Popen(
            [*command, "--screen-marker"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.shown: queue.Queue[tuple[str, float]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "screen":
                self.shown.put((parts[1], float(parts[2])))

    def wait_for(self, *names: str, timeout: float = 20.0) -> float:
        """When the shell showed one of the screens ``names`` (monotonic seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            shown, at = self.shown.get(timeout=max(0.01, deadline - time.monotonic()))
            if shown in names:
                return at

    def stop(self) -> None:
        """Stop the shell by its pid."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def confirmation_latency(folder: Path, rounds: int, *, events: bool = True) -> list[float]:
    """Seconds from ``lp`` to the real shell showing the print screen, per round (after
    one round not timed); ``events``: False runs the worker polling as it used to."""
    doc = write_pdf(folder / "form.pdf", 3)
    data = folder / ("agent" if events else "polling-agent")
    data.mkdir()
    policy = write_open_all_day_policy(data)
    seconds: list[float] = []
    with PrivateCups() as cups:
        agent = AgentProcess(
            data,
            [
                "--policy",
                str(policy),
                "--cups-socket",
                str(cups.socket),
                "--print-approvals",
                str(cups.approvals),
                "--print-user",
                "root",
            ],
            AgentProcess.AGENT_ONLY if events else POLLING_AGENT,
        )
        shell: ShellScreens | None = None
        try:
            agent.wait_listening()
            agent.wait_event("printing_metered")
            if events:
                agent.wait_event("print_events_subscribed")
            shell = ShellScreens(agent.socket_path)
            # The visitor's taps come through a second client of the same agent; the real
            # shell draws every view the agent pushes.
            with ShellClient(agent.socket_path) as visitor:
                visitor.hello()
                visitor.start_session()
                shell.wait_for(*SESSION_SCREENS)
                for number in range(rounds + 1):
                    started = time.monotonic()
                    done = cups.run("lp", "-d", "kiosk", str(doc))
                    job = int(done.stdout.split("kiosk-")[1].split()[0])
                    shown = shell.wait_for("print") - started
                    if number > 0:
                        seconds.append(shown)
                    if not visitor.request("print_answer", job_id=job, print_it=False).ok:
                        raise RuntimeError("the job could not be cancelled")
                    shell.wait_for(*SESSION_SCREENS)
        finally:
            if shell is not None:
                shell.stop()
            agent.terminate()
    return seconds


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=40, help="jobs submitted for latency")
    args = parser.parse_args()
    for tool in ("pdfinfo", "qpdf", "/usr/sbin/cupsd"):
        if shutil.which(tool) is None and not Path(tool).exists():
            print(f"cannot measure: {tool} is not installed", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="epn-bench-print-") as name:
        folder = Path(name)
        plain = write_pdf(folder / "plain.pdf", PAGES)
        packed = with_object_streams(plain, folder / "packed.pdf")
        ours_plain, theirs_plain = counting(plain, args.runs)
        ours_packed, theirs_packed = counting(packed, args.runs)
        count_seconds, share = polling_cpu(folder)
        latencies = confirmation_latency(folder, args.rounds)
        polled = confirmation_latency(folder, args.rounds, events=False)
    print(f"count_200_pages_kiosk: {ours_plain * 1000:.2f} ms")
    print(f"count_200_pages_pdfinfo: {theirs_plain * 1000:.2f} ms")
    print(f"count_200_pages_object_streams_kiosk: {ours_packed * 1000:.2f} ms")
    print(f"count_200_pages_object_streams_pdfinfo: {theirs_packed * 1000:.2f} ms")
    print(f"pages_per_second_kiosk: {PAGES / ours_plain:.0f} pages/s")
    print(f"pages_per_second_pdfinfo: {PAGES / theirs_plain:.0f} pages/s")
    print(f"count_100_held_jobs: {count_seconds:.2f} s")
    print(f"worker_cpu_polling_100_held: {share * 100:.2f} %")
    slower = max(ours_plain / theirs_plain, ours_packed / theirs_packed)
    print(f"counting_time_vs_pdfinfo: {slower:.3f} x")
    print(f"confirmation_polling_p50: {percentile(polled, 0.5) * 1000:.0f} ms")
    print(f"confirmation_polling_p95: {percentile(polled, 0.95) * 1000:.0f} ms")
    print(f"confirmation_p50: {percentile(latencies, 0.5) * 1000:.0f} ms")
    p95 = percentile(latencies, 0.95)
    print(f"confirmation_p95_vs_polling: {p95 / percentile(polled, 0.95):.2f} x")
    print(f"confirmation_p95: {p95 * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
