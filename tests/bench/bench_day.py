"""A day in the room at full size: 200 visitor sessions on three PCs, real windows on Xvfb.

Run from the repository root:

    .venv/bin/python tests/bench/bench_day.py
    .venv/bin/python tests/bench/bench_day.py --sessions 60

The day is ``tests/e2e/day.py`` (the test command runs it at reduced size,
``tests/e2e/test_day.py``): the demo room's console and three sandbox agents, on each PC
``epn-kiosk session`` with its shell on a private Xvfb display; walk-in, ticket and member
sessions with help calls, staff messages, extensions, locks, prints through each PC's
cupsd (one page confirmed, over the quota and granted by the animator, one cancelled), a
workshop and closing time, then the usage review. Prints one ``figure: value unit`` line
per figure (the machine's load average first and last: it is shared), the headline
(``console_action_to_pc_p99``) last; exits non-zero when it could not measure (no Xvfb, the
room did not start). Everything it starts is stopped by its pid.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from day import Day, percentile, xvfb  # noqa: E402


def counts(prefix: str, counted: Mapping[str, int]) -> None:
    """One ``prefix_name: N count`` line per name, in order."""
    for name, count in sorted(counted.items()):
        print(f"{prefix}_{name}: {count} count")


def latencies(prefix: str, table: Mapping[str, list[float]]) -> None:
    """The p50 and p99 of each latency of ``table``, in ms, with how many were measured."""
    for what, values in sorted(table.items()):
        for name, fraction in (("p50", 0.50), ("p99", 0.99)):
            milliseconds = percentile(values, fraction) * 1000
            print(f"{prefix}_{what}_{name}: {milliseconds:.0f} ms (n={len(values)})")


def main() -> int:
    """Run the day and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    print(f"load_average_before: {os.getloadavg()[0]:.2f} (1 min)")
    folder = Path(tempfile.mkdtemp(prefix="epn"))
    with xvfb() as display:
        if display is None:
            print("bench_day: needs Xvfb", file=sys.stderr)
            return 1
        day = Day(folder, args.sessions, display)
        started = time.monotonic()
        try:
            day.start()
            figures = day.run()
        finally:
            day.stop()
            shutil.rmtree(folder, ignore_errors=True)
    took = time.monotonic() - started
    print(f"load_average_after: {os.getloadavg()[0]:.2f} (1 min)")
    usage = figures.usage
    print(f"day_length: {took:.0f} s")
    print(f"sessions: {sum(figures.sessions.values())} count")
    counts("sessions", figures.sessions)
    counts("staff", figures.actions)
    print(f"help_calls_made: {figures.help_calls} count")
    print(f"usage_sessions: {usage['totals']['sessions']} count")
    print(f"usage_help_calls: {usage['totals']['help_calls']} count")
    counts("prints", figures.prints)
    print(f"pages_expected: {figures.pages_expected} pages")
    print(f"pages_at_printers: {figures.pages_at_printers} pages")
    print(f"usage_pages: {usage['totals']['pages']} pages")
    print(f"crashes: {len(figures.crashes)} count")
    for line in figures.crashes[:10]:
        print(f"  crash: {line}")
    print(f"stuck: {len(figures.stuck)} count")
    for line in figures.stuck[:10]:
        print(f"  stuck: {line}")
    print(f"stuck_known_help_done: {len(figures.known_stuck)} count")
    for what, (first, last) in sorted(figures.rss_kib.items()):
        name = what.replace(" ", "_").replace("-", "").lower()
        print(f"rss_growth_{name}: {(last - first) / 1024:.1f} MB (from {first / 1024:.0f} MB)")
    shell = [last - first for what, (first, last) in figures.rss_kib.items() if "shell" in what]
    agent = [last - first for what, (first, last) in figures.rss_kib.items() if "agent" in what]
    print(f"rss_growth_shell_max: {max(shell, default=0) / 1024:.1f} MB")
    print(f"rss_growth_agent_max: {max(agent, default=0) / 1024:.1f} MB")
    latencies("window", figures.window_latency)
    latencies("print", figures.print_latency)
    latencies("view", figures.latency)
    everything = [s for what, v in figures.latency.items() if what != "help_done" for s in v]
    if not everything:
        print("bench_day: no console action was measured", file=sys.stderr)
        return 1
    print(f"console_action_to_pc_p50: {percentile(everything, 0.50) * 1000:.0f} ms")
    print(f"console_action_to_pc_p99: {percentile(everything, 0.99) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
