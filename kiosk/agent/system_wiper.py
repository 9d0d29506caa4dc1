"""The real wiper: a tmpfs home per session and a full clean-up of the visitor's uid.

Each session gets a fresh tmpfs home (size and inode limits, nosuid, nodev) filled from a
read-only skeleton. At the end every process of the visitor is stopped, their print jobs
purged, their removable media unmounted, their entries in the shared temporary areas and
their SysV IPC objects removed, the network connections they created deleted, and the home
unmounted — which erases it at once and leaves nothing on disk. Only after a final check
does the journal say CLEAN.

Every step is idempotent: a wipe killed at any point (power cut, SIGKILL) is simply run
again by the sweep (:mod:`kiosk.agent.sweep`) and finishes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from epn_shared.json_log import event
from kiosk.agent.system.errors import LeftBehind
from kiosk.agent.system.ipc_objects import IpcObjects, SystemIpcObjects
from kiosk.agent.system.mounts import (
    Mounts,
    SystemMounts,
    TmpfsOptions,
    mounts_at,
    mounts_under,
    unmount_all,
    visitor_media,
)
from kiosk.agent.system.network_connections import KeyfileConnections, NetworkConnections
from kiosk.agent.system.print_jobs import NoPrintJobs, PrintJobPurger
from kiosk.agent.system.processes import Processes, ProcProcesses
from kiosk.agent.system.temp_areas import SystemTempAreas, TempAreas, runtime_dir
from kiosk.agent.system.users import Accounts, PasswdAccounts, VisitorAccount
from kiosk.agent.wiper import HomeTally, Journal, JournalState, count_home
from kiosk.core.model import ErasedKind, WipeReceipt

log = logging.getLogger(__name__)


class WipeStep(StrEnum):
    """The steps of a wipe, in order; each is reported when done (logs, tests)."""

    STARTED = "started"  # the journal says WIPING
    PROCESSES_STOPPED = "processes_stopped"
    COUNTED = "counted"
    PRINT_JOBS_PURGED = "print_jobs_purged"
    MEDIA_UNMOUNTED = "media_unmounted"
    TEMP_AREAS_CLEARED = "temp_areas_cleared"
    IPC_REMOVED = "ipc_removed"
    NETWORK_REMOVED = "network_removed"
    HOME_UNMOUNTED = "home_unmounted"
    CHECKED = "checked"  # nothing of the visitor is left; the journal says CLEAN next


@dataclass(frozen=True)
class SystemParts:
    """The machine's services the wiper uses; tests give fakes."""

    accounts: Accounts
    processes: Processes
    mounts: Mounts
    temp_areas: TempAreas
    ipc: IpcObjects
    network: NetworkConnections
    print_jobs: PrintJobPurger

    @classmethod
    def real(cls, print_jobs: PrintJobPurger | None = None) -> SystemParts:
        """The real services of this machine; ``print_jobs`` from the print meter."""
        return cls(
            accounts=PasswdAccounts(),
            processes=ProcProcesses(),
            mounts=SystemMounts(),
            temp_areas=SystemTempAreas(),
            ipc=SystemIpcObjects(),
            network=KeyfileConnections(),
            print_jobs=print_jobs or NoPrintJobs(),
        )


@dataclass(frozen=True)
class HomeLimits:
    """Limits of the tmpfs home: RAM it may use at most (not reserved) and file count."""

    size: str = "1g"
    nr_inodes: int = 200_000


class SystemWiper:
    """The production wiper (needs root). Same contract as the sandbox wiper: ``prepare``
    before a session (journal ACTIVE, fresh home), ``wipe`` after it (journal WIPING …
    CLEAN), ``journal_state`` at start to know whether a wipe was left undone.

    Between sessions the home is not mounted: ``prepare`` mounts it for the next visitor.
    """

    def __init__(
        self,
        visitor: str,
        home_dir: Path,
        skeleton_dir: Path,
        journal_path: Path,
        *,
        parts: SystemParts | None = None,
        limits: HomeLimits = HomeLimits(),
        on_step: Callable[[WipeStep], None] | None = None,
    ) -> None:
        self.visitor = visitor
        self.home_dir = home_dir
        self.skeleton_dir = skeleton_dir
        self.journal = Journal(journal_path)
        self.parts = parts or SystemParts.real()
        self.limits = limits
        self.on_step = on_step

    def journal_state(self) -> JournalState:
        """What the journal says; no journal at all is WIPING (the safe guess: a sweep
        costs a second, a visitor's leftovers cost their privacy)."""
        return self.journal.read(missing=JournalState.WIPING)

    def prepare(self) -> None:
        """Journal ACTIVE, then a fresh tmpfs home from the skeleton, owned by the visitor.

        A home still mounted (a prepared session that never started) is replaced."""
        self.journal.write(JournalState.ACTIVE)
        account = self.parts.accounts.lookup(self.visitor)
        self._unmount_home()
        self.parts.mounts.empty_mount_point(self.home_dir)
        options = TmpfsOptions(
            uid=account.uid,
            gid=account.gid,
            size=self.limits.size,
            nr_inodes=self.limits.nr_inodes,
        )
        self.parts.mounts.mount_tmpfs(self.home_dir, options)
        self.parts.mounts.fill_home(self.skeleton_dir, self.home_dir, account.uid, account.gid)
        event(log, "home_prepared", home=str(self.home_dir), size=self.limits.size)

    def wipe(self) -> WipeReceipt:
        """Erase everything of the visitor (see the module's description) and count it:
        files, folders, downloads, browser profiles (what was in the home when its
        processes were stopped), print jobs purged, processes stopped. ``bytes_erased`` is
        the space the home used (whole pages, skeleton included)."""
        started = time.monotonic()
        self.journal.write(JournalState.WIPING)
        self._step(WipeStep.STARTED)
        account = self.parts.accounts.lookup(self.visitor)
        uid = account.uid
        processes = self.parts.processes.stop_all(uid, account.gid)
        self._step(WipeStep.PROCESSES_STOPPED, processes=processes)
        tally = HomeTally()
        if self._home_mounted():
            tally = count_home(self.home_dir, self.skeleton_dir, sizes=False)
            tally.bytes = self.parts.mounts.used_bytes(self.home_dir)
        self._step(WipeStep.COUNTED, files=tally.files, bytes=tally.bytes)
        print_jobs = self.parts.print_jobs.purge_visitor_jobs(account.name)
        self._step(WipeStep.PRINT_JOBS_PURGED, print_jobs=print_jobs)
        media = self._unmount_media(account)
        self._step(WipeStep.MEDIA_UNMOUNTED, mounts=media)
        cleared = self.parts.temp_areas.clear(uid)
        self._step(WipeStep.TEMP_AREAS_CLEARED, entries=cleared)
        ipc = self.parts.ipc.remove_all(uid)
        self._step(WipeStep.IPC_REMOVED, objects=ipc)
        connections = self.parts.network.remove_for(account.name)
        self._step(WipeStep.NETWORK_REMOVED, connections=connections)
        self._unmount_home()
        self.parts.mounts.empty_mount_point(self.home_dir)
        self._step(WipeStep.HOME_UNMOUNTED)
        self._check(account)
        self._step(WipeStep.CHECKED)
        self.journal.write(JournalState.CLEAN)
        return WipeReceipt(
            erased=(
                *tally.erased(),
                (ErasedKind.PRINT_JOBS.value, print_jobs),
                (ErasedKind.PROCESSES.value, processes),
            ),
            bytes_erased=tally.bytes,
            seconds=round(time.monotonic() - started, 3),
        )

    # -- steps ---------------------------------------------------------------------------

    def _step(self, step: WipeStep, **fields: int) -> None:
        event(log, "wipe_step", step=step.value, **fields)
        if self.on_step is not None:
            self.on_step(step)

    def _home_mounted(self) -> bool:
        return bool(mounts_at(self.parts.mounts.table(), self.home_dir))

    def _unmount_media(self, account: VisitorAccount) -> int:
        """USB sticks mounted for the visitor, and anything mounted in their runtime folder
        (a FUSE file system of the desktop)."""
        table = self.parts.mounts.table()
        chosen = visitor_media(table, account.name, account.uid)
        chosen += mounts_under(table, runtime_dir(account.uid))
        return unmount_all(self.parts.mounts, chosen)

    def _unmount_home(self) -> None:
        """Unmount whatever is inside the home, then the home (stacked mounts too)."""
        table = self.parts.mounts.table()
        unmount_all(
            self.parts.mounts,
            mounts_under(table, self.home_dir) + mounts_at(table, self.home_dir),
        )

    def _check(self, account: VisitorAccount) -> None:
        """Refuse to call the PC clean while anything of the visitor is left."""
        problems = []
        if left := self.parts.processes.of_uid(account.uid):
            problems.append(f"{len(left)} processes")
        table = self.parts.mounts.table()
        if mounts_at(table, self.home_dir) or visitor_media(table, account.name, account.uid):
            problems.append("mounts")
        if left_entries := self.parts.temp_areas.left(account.uid):
            problems.append(f"temporary files {left_entries[:5]}")
        if self.parts.ipc.of_uid(account.uid):
            problems.append("SysV IPC objects")
        if any(self.home_dir.iterdir()):
            problems.append("files under the home's mount point")
        if problems:
            raise LeftBehind("the visitor's " + ", ".join(problems) + " are left")
