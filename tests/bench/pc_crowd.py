"""A share of ``bench_console.py``'s simulated PCs, in a process of its own.

One Python process's event loop cannot keep 3,000 PCs' sockets busy without falling behind
(its own lateness then sets the figures, not the console's). ``bench_console.py
--pc-processes K`` runs its PCs in K processes: its own, and K - 1 of these. Each reads
requests from stdin and answers on stdout, one JSON object per line:

- first line: ``{"ws_url", "cafile", "kiosks": [[id, token], ...], "status_every"}``; it
  connects them all (hello, welcome, then a status every few seconds; each command is
  answered at once) and answers ``{"connected": seconds}``;
- ``{"do": "count"}``: ``{"statuses", "commands", "lost", "errors"}`` so far;
- ``{"do": "ingest", "events", "window", "timeout", "start_at"}``: from ``start_at`` (Unix
  time), each of its PCs sends its events as ``Room.send_events`` does; answers
  ``{"acked", "finished_at", ...counts}``;
- ``{"do": "stop"}``: closes every connection, answers ``{"loop_lag_p99"}`` and exits.

A failure is answered ``{"error": "..."}``. Started and stopped by ``bench_console.py``.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_console import CannotMeasure, LoopLag, Room, SimKiosk, percentile


def _counts(room: Room) -> dict[str, Any]:
    return {
        "statuses": room.totals.statuses,
        "commands": sum(k.commands for k in room.kiosks),
        "lost": room.totals.lost,
        "errors": [e for k in room.kiosks for e in k.errors][:5],
    }


async def _serve(lines: asyncio.StreamReader) -> None:
    def answer(value: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    setup = json.loads(await lines.readline())
    context = ssl.create_default_context(cafile=setup["cafile"]) if setup["cafile"] else None
    kiosks = [SimKiosk(int(i), str(t)) for i, t in setup["kiosks"]]
    room = Room(setup["ws_url"], context, kiosks, float(setup["status_every"]))
    lag = LoopLag()
    lag.start()
    try:
        answer({"connected": await room.connect_all()})
        while True:
            raw = await lines.readline()
            if not raw:
                return  # the bench is gone
            request = json.loads(raw)
            if request["do"] == "count":
                answer(_counts(room))
            elif request["do"] == "ingest":
                await asyncio.sleep(max(0.0, request["start_at"] - time.time()))
                acked, _seconds = await room.send_events(
                    request["events"], request["window"], request["timeout"]
                )
                answer({"acked": acked, "finished_at": time.time(), **_counts(room)})
            else:
                await lag.stop()
                await room.close()
                answer({"loop_lag_p99": percentile(lag.lags, 0.99) if lag.lags else 0.0})
                return
    except CannotMeasure as exc:
        answer({"error": str(exc)})
    finally:
        await lag.stop()
        await room.close()


async def main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await _serve(reader)


if __name__ == "__main__":
    asyncio.run(main())
