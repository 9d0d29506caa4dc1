"""``python -m kiosk.agent.migrate DB``: bring the agent's store to the newest schema.

Run by the agent in a process of its own when its store needs an upgrade, so the
always-running agent never loads Alembic.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.agent.store import MIGRATIONS, make_engine


def main(argv: list[str]) -> int:
    """Upgrade the SQLite store named by the only argument."""
    if len(argv) != 1:
        print("usage: python -m kiosk.agent.migrate DATABASE", file=sys.stderr)
        return 2
    engine = make_engine(Path(argv[0]))
    try:
        MIGRATIONS.upgrade(engine)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
