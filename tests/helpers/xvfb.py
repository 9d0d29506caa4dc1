"""A private X server for the tests that need a real window, and for the pictures of
``tests/screens``."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator


@contextlib.contextmanager
def private_xvfb(size: str = "1280x800") -> Iterator[str | None]:
    """A private Xvfb screen of ``size`` on a display number it chooses itself
    (``-displayfd``), stopped by its pid at the end: yields ``":N"``, or None when Xvfb is
    not installed or did not start (for the demo's pictures and the tests' screens)."""
    if shutil.which("Xvfb") is None:
        yield None
        return
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        yield f":{number}" if number else None
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(10)
