"""Every visitor and console screen fits its screen (the cases are in ``fit_cases.py``).

They run in a pytest process of their own: after their hundreds of windows, the next test
that started an agent thread in the same process crashed it (a segmentation fault in
Qt, not yet understood; see the project's notes), which took the whole run down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_every_screen_fits_at_1024_and_1366_in_every_language() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "fit_cases.py"],
        cwd=HERE,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-4000:]
    assert " passed" in run.stdout
