"""The system wiper's steps, on fakes: what it erases, what it counts, what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.agent.config import packaged_skeleton
from kiosk.agent.system.errors import LeftBehind, UnsafeVisitor, VisitorMissing
from kiosk.agent.system.ipc_objects import FakeIpcObjects, IpcKind, IpcObject
from kiosk.agent.system.mounts import FakeMounts, mounts_at
from kiosk.agent.system.network_connections import FakeNetworkConnections
from kiosk.agent.system.print_jobs import FakePrintJobs, NoPrintJobs
from kiosk.agent.system.processes import FakeProcesses
from kiosk.agent.system.temp_areas import FakeTempAreas
from kiosk.agent.system.users import FakeAccounts, VisitorAccount
from kiosk.agent.system_wiper import SystemParts, SystemWiper, WipeStep
from kiosk.agent.wiper import JournalState
from kiosk.core.model import ErasedKind

UID = 61001
VISITOR = VisitorAccount("epn-visitor", UID, UID)


@pytest.fixture
def parts() -> SystemParts:
    """Fakes holding a session's leftovers: 3 processes, a stick, temp files, IPC, Wi-Fi."""
    mounts = FakeMounts()
    mounts.add("/media/epn-visitor/STICK", fs_type="vfat", source="/dev/sdb1")
    mounts.add("/media/usb1", fs_type="vfat", source="/dev/sdc1", super_options=("uid=4242",))
    return SystemParts(
        accounts=FakeAccounts({"epn-visitor": VISITOR}),
        processes=FakeProcesses({10: UID, 11: UID, 12: UID, 13: 0}),
        mounts=mounts,
        temp_areas=FakeTempAreas({UID: 4}),
        ipc=FakeIpcObjects(
            [IpcObject(IpcKind.SHM, 7, 0, UID, UID), IpcObject(IpcKind.SEM, 8, 0, 0, 0)]
        ),
        network=FakeNetworkConnections({"epn-visitor": 1}),
        print_jobs=FakePrintJobs({"epn-visitor": 2}),
    )


@pytest.fixture
def wiper(tmp_path: Path, parts: SystemParts) -> SystemWiper:
    """A system wiper on fakes, its home a folder of the test."""
    return SystemWiper(
        "epn-visitor",
        tmp_path / "home",
        packaged_skeleton(),
        tmp_path / "wipe.journal",
        parts=parts,
    )


def _mounted(wiper: SystemWiper) -> bool:
    return bool(mounts_at(wiper.parts.mounts.table(), wiper.home_dir))


def test_no_journal_is_taken_for_an_unfinished_wipe(wiper: SystemWiper) -> None:
    assert wiper.journal_state() is JournalState.WIPING


def test_prepare_mounts_a_home_from_the_skeleton(wiper: SystemWiper) -> None:
    wiper.prepare()
    assert wiper.journal_state() is JournalState.ACTIVE
    assert _mounted(wiper)
    assert (wiper.home_dir / "Downloads").is_dir()


def test_wipe_erases_everything_and_counts_it(wiper: SystemWiper, parts: SystemParts) -> None:
    steps: list[WipeStep] = []
    wiper.on_step = steps.append
    wiper.prepare()
    (wiper.home_dir / "Downloads" / "payslip.pdf").write_bytes(b"x" * 100)
    (wiper.home_dir / ".mozilla/firefox/p").mkdir(parents=True)
    (wiper.home_dir / ".mozilla/firefox/p/cookies.sqlite").write_bytes(b"c" * 10)

    receipt = wiper.wipe()

    assert dict(receipt.erased) == {
        ErasedKind.FILES.value: 2,
        ErasedKind.FOLDERS.value: 3,
        ErasedKind.DOWNLOADS.value: 1,
        ErasedKind.BROWSER.value: 1,
        ErasedKind.PRINT_JOBS.value: 2,
        ErasedKind.PROCESSES.value: 3,
    }
    skeleton_bytes = sum(p.stat().st_size for p in packaged_skeleton().rglob("*") if p.is_file())
    assert receipt.bytes_erased == 110 + skeleton_bytes  # the space the home used
    assert steps == list(WipeStep)
    assert wiper.journal_state() is JournalState.CLEAN
    assert not _mounted(wiper) and not any(wiper.home_dir.iterdir())
    assert parts.processes.of_uid(UID) == [] and parts.processes.of_uid(0) == [13]
    assert [e.mount_point for e in parts.mounts.table()] == ["/media/usb1"]  # not theirs
    assert parts.temp_areas.left(UID) == [] and parts.ipc.of_uid(UID) == []
    assert parts.network.remove_for("epn-visitor") == 0


def test_a_second_wipe_finds_nothing_and_ends_clean(wiper: SystemWiper) -> None:
    wiper.prepare()
    wiper.wipe()
    again = wiper.wipe()
    assert all(count == 0 for _, count in again.erased)
    assert wiper.journal_state() is JournalState.CLEAN


def test_a_process_that_survives_keeps_the_journal_unclean(
    wiper: SystemWiper, parts: SystemParts
) -> None:
    assert isinstance(parts.processes, FakeProcesses)
    parts.processes.survivors.add(11)
    wiper.prepare()
    with pytest.raises(LeftBehind):
        wiper.wipe()
    assert wiper.journal_state() is JournalState.WIPING
    parts.processes.survivors.clear()
    wiper.wipe()  # the sweep, once the process is gone
    assert wiper.journal_state() is JournalState.CLEAN


def test_files_written_under_the_unmounted_home_are_erased_too(wiper: SystemWiper) -> None:
    wiper.home_dir.mkdir()
    (wiper.home_dir / "left-on-disk.txt").write_text("IBAN")
    wiper.wipe()
    assert not any(wiper.home_dir.iterdir())


def test_no_visitor_account_or_root_is_refused(tmp_path: Path, parts: SystemParts) -> None:
    missing = SystemWiper(
        "nobody-here", tmp_path / "h", packaged_skeleton(), tmp_path / "j", parts=parts
    )
    with pytest.raises(VisitorMissing):
        missing.wipe()
    assert missing.journal_state() is JournalState.WIPING
    root = SystemWiper(
        "root",
        tmp_path / "h",
        packaged_skeleton(),
        tmp_path / "j",
        parts=SystemParts(
            **{**parts.__dict__, "accounts": FakeAccounts({"root": VisitorAccount("root", 0, 0)})}
        ),
    )
    with pytest.raises(UnsafeVisitor):
        root.wipe()


def test_the_default_print_hook_purges_nothing() -> None:
    assert NoPrintJobs().purge_visitor_jobs("epn-visitor") == 0
