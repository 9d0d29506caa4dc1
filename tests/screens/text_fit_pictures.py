"""Pictures of visitor screens as the text-fit test sees them, and the problems it finds.
Run from the repository root:

    .venv/bin/python tests/screens/text_fit_pictures.py OUTDIR LANGUAGE [WIDTHxHEIGHT]
        [normal|large] [SCENE...]

LANGUAGE is a visitor language (fr, nl, en, ar, tr, es) or a pseudo-language (pseudo-long:
every text 40 % longer, pseudo-rtl: the same right to left). Each screen is saved as
``<scene>-<language>-<size>-<look>.png`` (default: every scene at 1366×768, normal text),
and each problem ``tests/gui/test_texts_fit.py`` would find is printed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers.kiosk_shell import LOOKS, draw, look_window  # noqa: E402
from helpers.pseudo_locale import PSEUDOS, pseudo_locale  # noqa: E402
from helpers.shell_scenes import every_scene  # noqa: E402
from helpers.text_fit import layout_problems  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from policies import Language  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Take the pictures and print the problems; 1 when there are problems."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print(__doc__)
        return 2
    outdir, shown, *rest = args
    size, look = (1366, 768), "normal"
    if rest and "x" in rest[0]:
        width, height = rest.pop(0).split("x")
        size = (int(width), int(height))
    if rest and rest[0] in LOOKS:
        look = rest.pop(0)
    pseudo = next((p for p in PSEUDOS if p.name == shown), None)
    language = pseudo.language if pseudo is not None else Language(shown)
    scenes = every_scene()
    names = rest or list(scenes)
    app = QApplication.instance() or QApplication([])
    Path(outdir).mkdir(parents=True, exist_ok=True)
    found = 0
    with pseudo_locale(pseudo) if pseudo is not None else contextlib.nullcontext():
        shell, window = look_window(None, size, look)
        for name in names:
            draw(shell, window, scenes[name], language)
            path = Path(outdir) / f"{name}-{shown}-{size[0]}x{size[1]}-{look}.png"
            window.grab().save(str(path))
            print(path)
            for problem in layout_problems(window):
                found += 1
                print(f"  {problem}")
        window.close()
        app.processEvents()
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
