"""Shell figures: how long the visitor's window takes to draw a new view from the agent.

Run from the repository root:  .venv/bin/python tests/bench/bench_shell_views.py [--rounds 20]

The real ``MainWindow`` and controller, offscreen, with the speaker a visitor's PC gets
(``default_speaker()``: espeak-ng when installed, its sound output looked for); the views
come as the agent pushes them, one visitor's session after another: the language screen,
the house rules, the bar counting down, a print job, the warnings, the final countdown,
"are you still there?", a staff message, the erasing and the receipt, in French and Arabic.
A view change is timed from the view's arrival until the window has drawn it (Qt's posted
events processed). The first round only warms up (widgets built, pictograms drawn).

Also counts the file-system and process work a view change does (Python's audit events:
open, scandir, listdir, glob, process starts; a bare stat is not audited). Prints one
``figure: value unit`` line per figure (the machine's load average first: it may be
shared), the headline (``view_change_median``) last; exits
non-zero when it could not measure (Qt did not start, a view was not drawn on its screen).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test helpers (helpers.kiosk_shell)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

AUDITED = frozenset(
    {
        "open",
        "os.scandir",
        "os.listdir",
        "glob.glob",
        "subprocess.Popen",
        "os.posix_spawn",
        "os.exec",
        "os.fork",
        "os.system",
    }
)
"""Audit events that are file-system or process work."""


class CannotMeasure(Exception):
    """The benchmark could not take its figures."""


def percentile(values: list[float], share: float) -> float:
    """The value ``share`` (0-1) of the way up the sorted ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def session_views(language: Any) -> list[tuple[str, Any]]:
    """One visitor's session as the agent pushes it: (the screen expected, the view)."""
    from helpers.shell_scenes import PRINT_CONFIRM, SUMMARY, sample_view

    from kiosk.core.model import EndReason, State
    from kiosk.core.protocol import MessageView, ReceiptView

    def at(seconds: int, **changes: Any) -> dict[str, Any]:
        return {"seconds_left": seconds, "ends_at": "15:42", **changes}

    receipt = ReceiptView(erased={"files": 12, "folders": 3}, bytes_erased=48_000_000)
    views: list[tuple[str, Any]] = [
        ("language", sample_view(State.WAITING)),
        ("rules", sample_view(State.RULES, language)),
    ]
    views += [
        ("session", sample_view(State.ACTIVE, language, **at(3600 - 60 * m))) for m in range(8)
    ]
    views += [
        ("print", sample_view(State.ACTIVE, language, print_job=PRINT_CONFIRM, **at(3100))),
        ("session", sample_view(State.ACTIVE, language, pages_printed=6, **at(3040))),
        ("session", sample_view(State.ACTIVE, language, help_requested=True, **at(2980))),
        ("idle", sample_view(State.IDLE, language, idle_seconds_left=42, **at(2920))),
        (
            "message",
            sample_view(
                State.ACTIVE,
                language,
                message=MessageView(number=1, text="La salle ferme dans 15 minutes."),
                **at(2900),
            ),
        ),
    ]
    views += [
        ("session", sample_view(State.WARNED, language, **at(598 - 60 * m, warning_minutes=10)))
        for m in range(4)
    ]
    views += [
        ("final", sample_view(State.FINAL, language, **at(59 - 10 * s, warning_minutes=1)))
        for s in range(5)
    ]
    views += [
        ("ending", sample_view(State.ENDING, language, end_reason=EndReason.TIME_UP)),
        ("ending", sample_view(State.WIPING, language, end_reason=EndReason.TIME_UP)),
        ("done", sample_view(State.DONE, language, receipt=receipt, summary=SUMMARY)),
    ]
    return views


class Audit:
    """Counts the audited file-system and process events while ``counting`` is on."""

    def __init__(self) -> None:
        self.counting = False
        self.count = 0
        self.kinds: dict[str, int] = {}
        sys.addaudithook(self._hook)

    def _hook(self, event: str, _args: tuple[object, ...]) -> None:
        if self.counting and event in AUDITED:
            self.count += 1
            self.kinds[event] = self.kinds.get(event, 0) + 1


def measure(rounds: int) -> dict[str, str]:
    """Run ``rounds`` sessions through a real window; the figures by name."""
    try:
        from helpers.kiosk_shell import FakeSender
        from PySide6.QtWidgets import QApplication

        from kiosk.shell.controller import ShellController
        from kiosk.shell.speaker import EspeakSpeaker, default_speaker
        from kiosk.shell.window import MainWindow
        from policies import Language
    except ImportError as exc:
        raise CannotMeasure(f"the shell does not import: {exc}") from exc
    app = QApplication.instance() or QApplication(sys.argv[:1])
    speaker = default_speaker()
    shell = ShellController(FakeSender(), speaker)
    window = MainWindow(shell, windowed=True)
    window.show()
    shell.set_connected(True)
    app.processEvents()
    cycle = session_views(Language.FR) + session_views(Language.AR)
    audit = Audit()
    times: dict[str, list[float]] = {}
    calls = 0

    def change(screen: str, view: Any, record: Callable[[float], None] | None) -> None:
        nonlocal calls
        audit.counting = record is not None
        before = audit.count
        started = time.perf_counter()
        shell.set_view(view)
        app.processEvents()
        took = time.perf_counter() - started
        audit.counting = False
        if window.screen_shown is None or window.screen_shown.value != screen:
            raise CannotMeasure(f"{view.state} drew {window.screen_shown}, not {screen}")
        if record is not None:
            calls += audit.count - before
            record(took)

    for screen, view in cycle:
        change(screen, view, None)  # warm-up: widgets built, pictograms drawn once
    for _ in range(rounds):
        for screen, view in cycle:
            change(screen, view, times.setdefault(screen, []).append)
    window.close()
    every = [t for values in times.values() for t in values]
    bar = times["session"]
    installed = isinstance(speaker, EspeakSpeaker)
    figures = {
        "espeak_ng_installed": f"{int(installed)} bool",
        "view_changes": f"{len(every)} count",
        "fs_and_process_calls_per_view_change": f"{calls / len(every):.2f} calls",
        "bar_tick_median": f"{statistics.median(bar) * 1000:.2f} ms",
        "bar_tick_p95": f"{percentile(bar, 0.95) * 1000:.2f} ms",
        "view_change_p95": f"{percentile(every, 0.95) * 1000:.2f} ms",
        "view_change_median": f"{statistics.median(every) * 1000:.2f} ms",
    }
    for kind, count in sorted(audit.kinds.items()):
        print(f"  {kind}: {count} events in {len(every)} view changes", file=sys.stderr)
    for screen, values in sorted(times.items()):
        median, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        print(f"  {screen}: median {median:.2f} ms, p95 {p95:.2f} ms", file=sys.stderr)
    return figures


def main() -> int:
    """Take the figures and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="sessions timed (after one)")
    args = parser.parse_args()
    # A visitor's graphical session always has its runtime folder (a sound server's socket
    # would be there): without one, make an empty one, as on a PC with no sound server.
    runtime = None
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = tempfile.TemporaryDirectory(prefix="epn-run")
        os.environ["XDG_RUNTIME_DIR"] = runtime.name
    # The machine may be shared: its load says how far the figures can be compared.
    print(f"load_average_before: {os.getloadavg()[0]:.2f} (1 min)")
    try:
        figures = measure(max(1, args.rounds))
    except CannotMeasure as exc:
        print(f"bench_shell_views: could not measure: {exc}", file=sys.stderr)
        return 1
    finally:
        if runtime is not None:
            runtime.cleanup()
    print(f"load_average_after: {os.getloadavg()[0]:.2f} (1 min)")
    for name, value in figures.items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
