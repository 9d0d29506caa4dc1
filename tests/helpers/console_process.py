"""``epn-console serve`` in a child process of a test, its JSON log (stderr) read as it
comes, stopped by its pid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

CLI = [sys.executable, "-m", "admin_console.cli"]
"""The console's command line, as the installed ``epn-console``."""


class ServeProcess:
    """``epn-console serve ARGS`` in a child process, each stderr line read as JSON."""

    def __init__(self, args: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [*CLI, "serve", *args],
            env=None if env is None else {**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.raw.append(line)
            self.lines.append(json.loads(line))

    def wait_event(self, name: str, timeout: float = 30.0) -> dict[str, Any]:
        """The first log line of event ``name``; AssertionError (with the log's end) if
        none comes in ``timeout`` s or the process ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if line.get("event") == name:
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"no {name} in the server's log: {''.join(self.raw)[-2000:]}")

    def errors(self) -> list[str]:
        """The log lines of level error."""
        return [r for r, line in zip(self.raw, self.lines, strict=True) if line["level"] == "error"]

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM by its pid (SIGKILL if it will not stop); its exit code."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
            self._reader.join(5)
