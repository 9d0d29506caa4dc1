"""What storing a batch of events costs the console: CPU time per event, by kind.

Run from the repository root:

    .venv/bin/python tests/bench/bench_fold.py
    .venv/bin/python tests/bench/bench_fold.py --pcs 1000 --rounds 3

A console (``tests/helpers/console_server.py``, SQLite in a temporary folder) with N
enrolled PCs; each step stores one event from every PC in one transaction, as the event
writer does when every PC sends at once (``EventRepository.add_together``, with the
console's own session folding): a session's start, a print, its end, the wipe, then the
next session. Prints the CPU time per event of each kind (the median over ``--rounds``
rounds) and, last, the headline: the median over every step of one event of any kind.
Exits non-zero when the events were not all stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "bench"))

from bench_console import event_frames  # noqa: E402
from helpers.console_server import ConsoleServer  # noqa: E402

from admin_console.api.staff import Role  # noqa: E402
from admin_console.server.db.repositories.events import Arrival, NewEvent  # noqa: E402
from epn_shared.protocol import Event, decode_kiosk_frame  # noqa: E402

KINDS = ("session_started", "print_job", "session_ended", "wipe_finished")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pcs", type=int, default=300, help="PCs sending at once")
    parser.add_argument("--rounds", type=int, default=3, help="sessions per PC")
    args = parser.parse_args()
    steps = 4 * args.rounds
    with tempfile.TemporaryDirectory() as tmp, ConsoleServer(Path(tmp)) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        kiosks = [server.enroll(admin, f"PC-{i:04d}")[0] for i in range(args.pcs)]
        events = server.console.repos.events
        now = dt.datetime.now(dt.UTC)
        days: dict[int, list[NewEvent]] = {}
        for kiosk in kiosks:
            day = []
            for _event_id, frame in event_frames(steps, now):
                event = decode_kiosk_frame(frame)
                assert isinstance(event, Event)
                body = event.body.model_dump(mode="json")
                day.append(NewEvent(event.id, event.at, event.body.kind, body))
            days[kiosk] = day
        per_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for step in range(steps):
            arrivals = [Arrival(k, (days[k][step],), now) for k in kiosks]
            started = time.process_time()
            news = events.add_together(arrivals)
            took = time.process_time() - started
            stored = sum(len(n) for n in news)
            if stored != len(kiosks):
                print(f"bench_fold: step {step} stored {stored} events", file=sys.stderr)
                return 1
            per_kind[KINDS[step % 4]].append(took / len(kiosks))
        if events.count() != steps * len(kiosks):
            print("bench_fold: not every event was stored", file=sys.stderr)
            return 1
    print(f"pcs: {args.pcs} ({args.rounds} sessions each, one event per PC per transaction)")
    for kind in KINDS:
        print(f"{kind}_cpu_per_event: {statistics.median(per_kind[kind]) * 1000:.3f} ms")
    every = [t for times in per_kind.values() for t in times]
    print(f"cpu_per_event: {statistics.median(every) * 1000:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
