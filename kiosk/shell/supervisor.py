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

With ``--window-manager RC`` it first starts the visitor's window manager (Openbox with the
kiosk's ``rc.xml``, ``kiosk/shell/wm.py``) and starts it again too if it ends, at most
once every few seconds: without it a program's window would cover the session bar.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
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

from kiosk.shell.wm import window_manager_argv

log = logging.getLogger("kiosk.shell.supervisor")

FIRST_DELAY = 0.5
"""Seconds before the first restart of a shell that died."""
MAX_DELAY = 30.0
"""The longest wait between two restarts of a shell that keeps dying."""
HEALTHY_AFTER = 60.0
"""A shell that ran this long before dying is restarted after FIRST_DELAY again."""
STOP_GRACE = 10.0
"""Seconds a child gets to stop after SIGTERM before SIGKILL."""
COMPANION_EVERY = 2.0
"""Seconds at least between two starts of the window manager (one that fails at once)."""
_PR_SET_PDEATHSIG = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The session's options: those of ``epn-kiosk shell``, passed on to each shell."""
    parser.add_argument("--socket", required=True, metavar="PATH", help="the agent's unix socket")
    parser.add_argument("--windowed", action="store_true", help="passed on to the shell")
    parser.add_argument("--first-screen-marker", action="store_true", help="passed on")
    parser.add_argument("--screen-marker", action="store_true", help="passed on")
    parser.add_argument(
        "--window-manager",
        metavar="RC",
        help="run Openbox with this rc.xml in the session first (the installer's kiosk does)",
    )
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


_LIBC = ctypes.CDLL(None, use_errno=True)
"""The C library this process already runs on (``dlopen(NULL)``), before any fork: the
child only calls into it (no dlopen between fork and exec). Not ``find_library``: it runs
``ldconfig`` as a child process of the supervisor, once, at start."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # SIGKILL, not SIGTERM: a shell left without its supervisor must go whatever it is
    # doing (a clean exit under load once took longer than 30 s), and the agent treats a
    # lost shell the same either way.
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


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
        companion: Sequence[str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.companion_argv = list(companion) if companion else None
        """A program that runs beside the child for the whole session (the window manager),
        started first and again whenever it ends."""
        self.companion: subprocess.Popen[bytes] | None = None
        self._companion_started = float("-inf")
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

    def _start_companion(self) -> None:
        """Start the companion if it is not running and it did not start just now."""
        if self.companion_argv is None or self._stopping:
            return
        if self.companion is not None and self.companion.poll() is None:
            return
        if time.monotonic() - self._companion_started < COMPANION_EVERY:
            return
        self._companion_started = time.monotonic()
        try:
            self.companion = subprocess.Popen(
                self.companion_argv,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - see run()
            )
        except OSError as exc:
            log.warning("could not start %s: %s", self.companion_argv[0], exc)
            return
        log.info("window manager started (pid %d)", self.companion.pid)

    def _stop_companion(self) -> None:
        companion = self.companion
        if companion is None or companion.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(companion.pid, signal.SIGTERM)
        try:
            companion.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(companion.pid, signal.SIGKILL)
            companion.wait()

    def _sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if stopped."""
        if not self._stopping:
            select.select([self._wake_r], [], [], seconds)

    def _wait_child(self, child: subprocess.Popen[bytes]) -> int:
        """Wait for the child to end (its pidfd), without polling; once stopping, SIGKILL it
        after STOP_GRACE."""
        pidfd = os.pidfd_open(child.pid)
        stopped_at: float | None = None
        companion_fd: int | None = None
        try:
            while True:
                if self._stopping and stopped_at is None:
                    stopped_at = time.monotonic()
                watched = [pidfd, self._wake_r]
                timeout = None if stopped_at is None else 0.5
                if self.companion_argv is not None and not self._stopping:
                    if companion_fd is None:
                        self._start_companion()
                        if self.companion is not None and self.companion.poll() is None:
                            companion_fd = os.pidfd_open(self.companion.pid)
                    if companion_fd is None:
                        timeout = COMPANION_EVERY  # try again then
                    else:
                        watched.append(companion_fd)
                ready, _, _ = select.select(watched, [], [], timeout)
                if pidfd in ready:
                    return child.wait()
                if self._wake_r in ready:
                    os.read(self._wake_r, 64)
                if companion_fd is not None and companion_fd in ready:
                    assert self.companion is not None
                    code = self.companion.wait()
                    log.warning("the window manager ended (%s): starting it again", code)
                    os.close(companion_fd)
                    companion_fd = None
                if stopped_at is not None and time.monotonic() - stopped_at > STOP_GRACE:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child.pid, signal.SIGKILL)
        finally:
            os.close(pidfd)
            if companion_fd is not None:
                os.close(companion_fd)

    def run(self) -> int:
        """Start the child, restart it when it ends; returns when stopped."""
        delay = self.first_delay
        try:
            # The window manager first: the shell's window is then managed from its start.
            self._start_companion()
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
            self._stop_companion()
            os.close(self._wake_r)
            os.close(self._wake_w)
        return 0


def run(args: argparse.Namespace) -> int:
    """``epn-kiosk session``: supervise the shell until the session ends."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    companion = None
    if args.window_manager:
        companion = window_manager_argv(Path(args.window_manager))
        if companion is None:
            log.warning("no window manager installed: programs may cover the session bar")
    supervisor = Supervisor(shell_argv(args), companion=companion)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, supervisor.stop)
    return supervisor.run()
