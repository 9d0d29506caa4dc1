"""The shell starts, tells when its first screen is on the display, and stops on SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.shell import app

START = (
    "import argparse, sys\n"
    "from kiosk.shell import app\n"
    "parser = argparse.ArgumentParser()\n"
    "app.add_arguments(parser)\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.run(args))\n"
)


def test_arguments_need_the_socket_and_set_the_runner() -> None:
    parser = argparse.ArgumentParser()
    app.add_arguments(parser)
    args = parser.parse_args(["--socket", "/run/epn/kiosk.sock", "--windowed"])
    assert args.socket == "/run/epn/kiosk.sock" and args.windowed
    assert args.run is app.run


def test_first_screen_marker_then_a_clean_stop_without_any_agent(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    before = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            START,
            "--socket",
            str(tmp_path / "none.sock"),
            "--first-screen-marker",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        word, stamp = line.split()
        assert word == "first-screen" and before < float(stamp) < time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")
