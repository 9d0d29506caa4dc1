"""Run ``epn-console`` with every thread profiled (cProfile), for ``bench_console --profile``.

    python tests/bench/profiled.py OUT.prof serve --data-dir ...

cProfile alone sees only the main thread: the event loop. The console does its database
work in worker threads (``asyncio.to_thread``), so each new thread gets its own profiler
too, and all are merged into ``OUT.prof`` when the server stops (read it with
``python -m pstats OUT.prof``, then ``sort cumtime`` and ``stats 40``).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import threading
from types import FrameType
from typing import Any

from admin_console.cli import main

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _start_in_thread(_frame: FrameType, _event: str, _arg: Any) -> None:
    # Called once, as the thread's first profile event: cProfile's own hook replaces it.
    profile = cProfile.Profile()
    with _lock:
        _profiles.append(profile)
    profile.enable()


def run(out: str, argv: list[str]) -> int:
    """``epn-console argv`` with each thread profiled; the merged figures in ``out``."""
    threading.setprofile(_start_in_thread)
    profile = cProfile.Profile()
    profile.enable()
    try:
        return main(argv)
    finally:
        profile.disable()
        threading.setprofile(None)
        stats = pstats.Stats(profile)
        with _lock:
            for other in _profiles:
                stats.add(other)  # a thread still running is read as it is now
        stats.dump_stats(out)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2:]))
