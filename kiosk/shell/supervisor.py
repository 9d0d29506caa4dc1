"""``epn-kiosk session``: the visitor's X session program; runs the shell and restarts it.

The shell is the session's only program: if it died (a crash in Qt, a visitor killing it),
the X session would end with it and the visitor would lose their desktop. This small parent
(no Qt, no pydantic: a few MB) runs ``epn-kiosk shell`` as its child and starts it again
when it ends without having been asked to; the new shell's ``hello`` resumes the session
from the agent, which keeps it 30 s for a lost shell. A shell that keeps dying is started
again later and later (0.5 s, doubling to 30 s; back to 0.5 s after a run of 60 s), never in
a tight loop.

SIGTERM, SIGINT or SIGHUP (the session ends, the wipe stops the visitor's processes) stop
the child by its pid (SIGTERM, then SIGKILL after 10 s) and end the supervisor. A killed
supervisor takes the shell with it (``PR_SET_PDEATHSIG``). When the X server is gone, there
is nothing to restart on: the supervisor ends.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

log = logging.getLogger("kiosk.shell.supervisor")

FIRST_DELAY = 0.5
"""Seconds before the first restart of a shell that died."""
MAX_DELAY = 30.0
"""The longest wait between two restarts of a shell that keeps dying."""
HEALTHY_AFTER = 60.0
"""A shell that ran this long before dying is restarted after FIRST_DELAY again."""
STOP_GRACE = 10.0
"""Seconds a child gets to stop after SIGTERM before SIGKILL."""
_PR_SET_PDEATHSIG = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The session's options: those of ``epn-kiosk shell``, passed on to each shell."""
    parser.add_argument("--socket", required=True, metavar="PATH", help="the agent's unix socket")
    parser.add_argument("--windowed", action="store_true", help="passed on to the shell")
    parser.add_argument("--first-screen-marker", action="store_true", help="passed on")
    parser.add_argument("--screen-marker", action="store_true", help="passed on")
    parser.set_defaults(run=run)


def shell_argv(args: argparse.Namespace) -> list[str]:
    """The shell's command line: the same program as this one (``…/epn-kiosk shell``), so
    that it shows as the shell in a process list."""
    program = Path(sys.argv[0])
    if program.name == "epn-kiosk" and program.is_file():
        argv = [sys.executable, str(program), "shell"]
    else:
        argv = [sys.executable, "-m", "kiosk", "shell"]
    argv += ["--socket", args.socket]
    for flag in ("windowed", "first_screen_marker", "screen_marker"):
        if getattr(args, flag, False):
            argv.append("--" + flag.replace("_", "-"))
    return argv


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
"""Loaded before any fork: the child only calls into it (no dlopen between fork and exec)."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def display_gone(environ: dict[str, str] | None = None) -> bool:
    """Whether the X server this session ran on has gone (its socket is no longer there)."""
    display = (os.environ if environ is None else environ).get("DISPLAY", "")
    if not display.startswith(":"):
        return False  # Wayland, offscreen, or a remote display: nothing to check
    number = display[1:].split(".", 1)[0]
    return number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists()


class Supervisor:
    """Runs ``argv`` again each time it ends, until :meth:`stop` (or a signal)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        healthy_after: float = HEALTHY_AFTER,
        gone: Callable[[], bool] = display_gone,
    ) -> None:
        self.argv = list(argv)
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.gone = gone
        self.child: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._stopping = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    def stop(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        """Stop: the child gets SIGTERM now, no new one starts (safe in a signal handler)."""
        self._stopping = True
        child = self.child
        if child is not None and child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGTERM)
        with contextlib.suppress(BlockingIOError):
            os.write(self._wake_w, b"x")

    def _sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if stopped."""
        if not self._stopping:
            select.select([self._wake_r], [], [], seconds)

    def _wait_child(self, child: subprocess.Popen[bytes]) -> int:
        """Wait for the child to end (its pidfd), without polling; once stopping, SIGKILL it
        after STOP_GRACE."""
        pidfd = os.pidfd_open(child.pid)
        stopped_at: float | None = None
        try:
            while True:
                if self._stopping and stopped_at is None:
                    stopped_at = time.monotonic()
                timeout = None if stopped_at is None else 0.5
                ready, _, _ = select.select([pidfd, self._wake_r], [], [], timeout)
                if pidfd in ready:
                    return child.wait()
                if self._wake_r in ready:
                    os.read(self._wake_r, 64)
                if stopped_at is not None and time.monotonic() - stopped_at > STOP_GRACE:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child.pid, signal.SIGKILL)
        finally:
            os.close(pidfd)

    def run(self) -> int:
        """Start the child, restart it when it ends; returns when stopped."""
        delay = self.first_delay
        try:
            while not self._stopping:
                started = time.monotonic()
                # preexec_fn is safe here: the supervisor has one thread (tests run it in
                # another, alone), and the hook only calls prctl in libc, loaded already.
                self.child = subprocess.Popen(
                    self.argv,
                    stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent,  # noqa: PLW1509
                )
                self.starts += 1
                log.info("shell started (pid %d, start %d)", self.child.pid, self.starts)
                if self._stopping:  # a signal came while it was starting
                    self.stop()
                code = self._wait_child(self.child)
                if self._stopping:
                    break
                ran = time.monotonic() - started
                if ran >= self.healthy_after:
                    delay = self.first_delay
                how = f"signal {-code}" if code < 0 else f"exit {code}"
                log.warning("shell ended (%s) after %.1f s: restarting in %.2f s", how, ran, delay)
                self._sleep(delay)
                delay = min(delay * 2, self.max_delay)
                if self.gone():
                    log.info("the display is gone: the session ends")
                    break
        finally:
            child = self.child
            if child is not None and child.returncode is None:
                self._stopping = True
                self.stop()
                self._wait_child(child)
            os.close(self._wake_r)
            os.close(self._wake_w)
        return 0


def run(args: argparse.Namespace) -> int:
    """``epn-kiosk session``: supervise the shell until the session ends."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    supervisor = Supervisor(shell_argv(args))
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, supervisor.stop)
    return supervisor.run()
