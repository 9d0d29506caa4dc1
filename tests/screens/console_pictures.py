"""Pictures of the console window. Run from the repository root:

    .venv/bin/python tests/screens/console_pictures.py [OUTDIR [LANG]]

LANG is ``fr`` by default; ``nl`` or ``en`` add ``-nl``/``-en`` to each name. Runs
offscreen without a server and saves into OUTDIR (``docs/screenshots/`` by default) the
screens listed in ``tests/helpers/console_scenes.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the screens (helpers.console_scenes)

from helpers.console_scenes import render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Render each screen into OUTDIR (default ``docs/screenshots``)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("docs/screenshots")
    language = args[1] if len(args) > 1 else "fr"
    render(out, language)
    return 0


if __name__ == "__main__":
    sys.exit(main())
