"""The visitor's processes: list them from /proc, stop them all, prove none is left."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kiosk.agent.system.errors import LeftBehind

TERM_GRACE_SECONDS = 2.0
"""How long processes get to close after SIGTERM (a browser saving its session) before KILL."""
KILL_ROUNDS = 20
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class ProcStatus:
    """What /proc/PID/status says about who runs a process and whether it still runs."""

    uids: tuple[int, ...]  # real, effective, saved, filesystem
    state: str  # one letter: R, S, D, Z (zombie), T, …

    @property
    def zombie(self) -> bool:
        """A zombie has exited: it holds no memory or files, only its exit status."""
        return self.state in {"Z", "X"}


def parse_status(text: str) -> ProcStatus | None:
    """The uids and state from the text of /proc/PID/status; None if they are missing."""
    uids: tuple[int, ...] | None = None
    state = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "Uid":
            try:
                uids = tuple(int(part) for part in value.split())
            except ValueError:
                return None
        elif key == "State":
            state = value.strip()[:1]
    if not uids or not state:
        return None
    return ProcStatus(uids, state)


def belongs_to(status: ProcStatus, uid: int) -> bool:
    """True when ``uid`` is any of the process's uids: a set-uid program the visitor
    started (real uid the visitor's) is the visitor's too."""
    return uid in status.uids


def read_status(proc_root: Path, pid: int) -> ProcStatus | None:
    """The parsed status of ``pid``, or None when it is gone."""
    try:
        return parse_status((proc_root / str(pid) / "status").read_text(errors="replace"))
    except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
        return None


def processes_of(proc_root: Path, uid: int) -> list[int]:
    """Pids of the live (not zombie) processes of ``uid`` in a /proc tree, in order."""
    pids: list[int] = []
    try:
        names = os.listdir(proc_root)
    except FileNotFoundError:
        return pids
    for name in names:
        if not name.isdigit():
            continue
        status = read_status(proc_root, int(name))
        if status is not None and not status.zombie and belongs_to(status, uid):
            pids.append(int(name))
    return sorted(pids)


class Processes(Protocol):
    """Lists and stops the processes of a uid."""

    def of_uid(self, uid: int) -> list[int]:
        """Pids of the uid's live processes."""
        ...

    def stop_all(self, uid: int, gid: int) -> int:
        """TERM, wait, KILL, check: every process of ``uid`` is gone; how many were stopped.

        Raises :class:`LeftBehind` when a process survives (stuck in the kernel)."""
        ...


class ProcProcesses:
    """The real processes, from /proc, signalled through pidfds (a pid reused by another
    process in the meantime is never signalled)."""

    def __init__(
        self,
        proc_root: Path = Path("/proc"),
        *,
        term_grace: float = TERM_GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.proc_root = proc_root
        self.term_grace = term_grace
        self.clock = clock

    def of_uid(self, uid: int) -> list[int]:
        """Pids of the uid's live processes."""
        return processes_of(self.proc_root, uid)

    def stop_all(self, uid: int, gid: int) -> int:
        """TERM every process of ``uid`` (and any it forks meanwhile), give them
        ``term_grace`` seconds, then KILL what is left — one by one and, to catch a process
        forking faster than a list can be read, with kill(-1) sent as the visitor."""
        stopped: set[int] = set()
        deadline = self.clock() + self.term_grace
        while True:
            alive = self.of_uid(uid)
            if not alive:
                return len(stopped)
            for pid in alive:
                if pid not in stopped and self._signal(pid, uid, signal.SIGTERM):
                    stopped.add(pid)
            if self.clock() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        for _ in range(KILL_ROUNDS):
            alive = self.of_uid(uid)
            if not alive:
                return len(stopped)
            for pid in alive:
                if self._signal(pid, uid, signal.SIGKILL):
                    stopped.add(pid)
            kill_all_as(uid, gid)
            self._wait_gone(uid, 0.25)
        left = self.of_uid(uid)
        if left:
            raise LeftBehind(f"{len(left)} processes of uid {uid} survived SIGKILL: {left[:10]}")
        return len(stopped)

    def _signal(self, pid: int, uid: int, signum: signal.Signals) -> bool:
        """Send ``signum`` to ``pid`` if it is still a process of ``uid``; False if gone."""
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            return False
        try:
            # Checked after opening the pidfd: the fd pins this very process.
            status = read_status(self.proc_root, pid)
            if status is None or not belongs_to(status, uid):
                return False
            signal.pidfd_send_signal(pidfd, signum)
            return True
        except ProcessLookupError:
            return False
        finally:
            os.close(pidfd)

    def _wait_gone(self, uid: int, seconds: float) -> None:
        deadline = self.clock() + seconds
        while self.of_uid(uid) and self.clock() < deadline:
            time.sleep(POLL_SECONDS)


def kill_all_as(uid: int, gid: int) -> None:
    """kill(-1, SIGKILL) from a child that became ``uid``: the kernel signals every process
    that uid may signal (all of its own) in one pass, so a fork loop cannot outrun it."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only makes system calls, then exits
        code = 0
        try:
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass  # nothing of that uid was left to signal
        except BaseException:
            code = 1
        os._exit(code)
    os.waitpid(pid, 0)


@dataclass
class FakeProcesses:
    """Processes for unit tests: pid → uid; ``survivors`` cannot be killed."""

    table: dict[int, int] = field(default_factory=dict)
    survivors: set[int] = field(default_factory=set)
    stop_calls: int = 0

    def of_uid(self, uid: int) -> list[int]:
        """Pids of the uid in the table."""
        return sorted(pid for pid, owner in self.table.items() if owner == uid)

    def stop_all(self, uid: int, gid: int) -> int:
        """Remove the uid's pids from the table; :class:`LeftBehind` for survivors."""
        self.stop_calls += 1
        mine = self.of_uid(uid)
        for pid in mine:
            if pid not in self.survivors:
                del self.table[pid]
        left = self.of_uid(uid)
        if left:
            raise LeftBehind(f"{len(left)} processes of uid {uid} survived SIGKILL")
        return len(mine)
