"""The real wipe, as root, on a real visitor account: nothing of the visitor is left.

A visitor user is created for each test (and deleted after it); its home is a real tmpfs;
its processes run as that user and plant a random marker everywhere a visitor can leave
something: the home, Downloads, a browser profile, /tmp, /var/tmp, /dev/shm, a SysV
shared-memory segment, a process that ignores SIGTERM, and a print job titled with the
marker, held on a private cupsd.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest

from installer.demo.cupsd import PrivateCups
from kiosk.agent.config import packaged_skeleton
from kiosk.agent.printing.cups_queue import CupsQueue, TolerantPurger
from kiosk.agent.printing.gate_backend import Approval
from kiosk.agent.system.ipc_objects import SystemIpcObjects
from kiosk.agent.system.mounts import SystemMounts, mounts_at
from kiosk.agent.system.print_jobs import PrintJobPurger
from kiosk.agent.system.processes import ProcProcesses, processes_of
from kiosk.agent.system.users import VisitorAccount
from kiosk.agent.system_wiper import SystemParts, SystemWiper, WipeStep
from kiosk.agent.wiper import Journal, JournalState
from kiosk.core.model import ErasedKind

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(not Path("/usr/bin/python3").exists(), reason="needs /usr/bin/python3"),
]

SYSTEM_PYTHON = "/usr/bin/python3"  # the test venv may sit where the visitor cannot read it
REPO = Path(__file__).resolve().parents[2]
TERM_GRACE = 0.5
SEARCHED = (Path("/home"), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/run"))

# Runs as the visitor: plants the marker everywhere, leaves a daemon that ignores SIGTERM,
# says what it made on one line, then waits to be killed.
VISITOR_SESSION = r"""
import ctypes, json, os, signal, sqlite3, sys, time
marker, home = sys.argv[1], sys.argv[2]
def put(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
put(f"{home}/Documents/letter.txt", f"Dear CPAS, {marker}")
put(f"{home}/Downloads/payslip-{marker}.pdf", marker * 100)
profile = f"{home}/.mozilla/firefox/abcd.default-release"
os.makedirs(profile)
with sqlite3.connect(f"{profile}/cookies.sqlite") as db:
    db.execute("create table moz_cookies (name, value)")
    db.execute("insert into moz_cookies values ('session', ?)", (marker,))
with sqlite3.connect(f"{profile}/places.sqlite") as db:
    db.execute("create table moz_places (url)")
    db.execute("insert into moz_places values (?)", (f"https://bank.example/{marker}",))
put(f"/tmp/visitor-{marker}.txt", marker)
put(f"/var/tmp/cache-{marker}/entry", marker)
put(f"/dev/shm/{marker}", marker)
libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(0, 4096, 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT
assert shmid >= 0, ctypes.get_errno()
address = libc.shmat(shmid, None, 0)
ctypes.memmove(address, marker.encode(), len(marker))
libc.shmdt(ctypes.c_void_p(address))
daemon = os.fork()
if daemon == 0:
    os.setsid()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.closerange(0, 3)
    while True:
        time.sleep(1)
print(json.dumps({"shmid": shmid, "daemon": daemon}), flush=True)
time.sleep(3600)
"""


class AsVisitor(TypedDict):
    """The ``subprocess`` arguments that run a process as the visitor."""

    user: int
    group: int
    extra_groups: list[int]
    cwd: Path
    env: dict[str, str]


@dataclasses.dataclass
class Visitor:
    """A real user for one test, its home under /home, and a wiper for it."""

    account: VisitorAccount
    home: Path
    journal_path: Path
    marker: str
    started: list[subprocess.Popen[str]] = dataclasses.field(default_factory=list)

    def wiper(self, print_jobs: PrintJobPurger | None = None) -> SystemWiper:
        """The real wiper for this visitor (a short TERM grace keeps the test fast)."""
        parts = dataclasses.replace(
            SystemParts.real(print_jobs), processes=ProcProcesses(term_grace=TERM_GRACE)
        )
        return SystemWiper(
            self.account.name,
            self.home,
            packaged_skeleton(),
            self.journal_path,
            parts=parts,
        )

    @property
    def env(self) -> dict[str, str]:
        """The bare environment of the visitor's processes."""
        return {"HOME": str(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    def as_visitor(self) -> AsVisitor:
        """Run as the visitor: its uid and gid and no other group, in its home, with ``env``."""
        return AsVisitor(
            user=self.account.uid,
            group=self.account.gid,
            extra_groups=[],
            cwd=self.home,
            env=self.env,
        )

    def python(self, script: str) -> list[str]:
        """The system python running ``script`` with the marker and the home as arguments."""
        return [SYSTEM_PYTHON, "-c", script, self.marker, str(self.home)]

    def run_session(self) -> dict[str, int]:
        """As the visitor: plant the marker, leave a daemon; a sleeper through runuser."""
        session = subprocess.Popen(
            self.python(VISITOR_SESSION),
            **self.as_visitor(),
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.started.append(session)
        assert session.stdout is not None
        made: dict[str, int] = json.loads(session.stdout.readline())
        sleeper = subprocess.Popen(
            ["/usr/sbin/runuser", "-u", self.account.name, "--", "sleep", "600"],
            env=self.env,
            cwd="/",
            text=True,
        )
        self.started.append(sleeper)
        deadline = time.monotonic() + 10
        while len(processes_of(Path("/proc"), self.account.uid)) < 3:
            assert time.monotonic() < deadline, "the visitor's processes did not start"
            time.sleep(0.02)
        return made

    def print_payslip(self, cups: PrivateCups) -> None:
        """As the visitor: print the payslip with the marker as its title (held)."""
        done = cups.run(
            "lp",
            "-d",
            "kiosk",
            "-t",
            f"payslip {self.marker}",
            str(self.home / "Downloads" / f"payslip-{self.marker}.pdf"),
            user=self.account.uid,
        )
        assert done.returncode == 0, done.stderr


def _userdel(name: str) -> None:
    subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
    with pytest.raises(KeyError):
        pwd.getpwnam(name)


@pytest.fixture
def visitor(tmp_path: Path) -> Iterator[Visitor]:
    """A fresh visitor user (``epnv`` + random), removed with everything it left."""
    name = "epnv" + secrets.token_hex(4)
    home = Path("/home") / name
    subprocess.run(
        ["useradd", "-M", "-U", "-d", str(home), "-s", "/usr/sbin/nologin", name], check=True
    )
    entry = pwd.getpwnam(name)
    made = Visitor(
        VisitorAccount(name, entry.pw_uid, entry.pw_gid),
        home,
        tmp_path / "data" / "wipe.journal",
        "m" + secrets.token_hex(12),
    )
    try:
        yield made
    finally:
        for proc in made.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        ProcProcesses(term_grace=0).stop_all(made.account.uid, made.account.gid)
        SystemIpcObjects().remove_all(made.account.uid)
        mounts = SystemMounts()
        while mounts_at(mounts.table(), home):
            mounts.unmount(str(home))
        for leftover in (
            home,
            Path(f"/tmp/visitor-{made.marker}.txt"),
            Path(f"/var/tmp/cache-{made.marker}"),
            Path(f"/dev/shm/{made.marker}"),
        ):
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink(missing_ok=True)
        _userdel(name)


def run_sweep(visitor: Visitor) -> subprocess.CompletedProcess[str]:
    """``epn-kiosk sweep`` for this visitor, in a fresh process, as at boot."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.agent.sweep",
            "--data-dir",
            str(visitor.journal_path.parent),
            "--visitor",
            visitor.account.name,
            "--home",
            str(visitor.home),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _files_with(marker: str, roots: tuple[Path, ...]) -> list[str]:
    """Every file whose name or content holds ``marker`` (links not followed)."""
    needle = marker.encode()
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                if marker in name:
                    found.append(path)
                    continue
                if name in files and os.path.isfile(path) and not os.path.islink(path):
                    try:
                        if os.path.getsize(path) < 50_000_000:
                            with open(path, "rb") as f:
                                if needle in f.read():
                                    found.append(path)
                    except OSError:
                        continue  # a socket's file vanished, a /run file is unreadable
    return found


def _nothing_left(visitor: Visitor, tmp_path: Path) -> None:
    uid = visitor.account.uid
    assert processes_of(Path("/proc"), uid) == []
    mountinfo = Path("/proc/self/mountinfo").read_text()
    assert f" {visitor.home} " not in mountinfo
    assert f"uid={uid}," not in mountinfo
    assert SystemIpcObjects().of_uid(uid) == []
    assert _files_with(visitor.marker, (*SEARCHED, tmp_path)) == []
    assert Journal(visitor.journal_path).read(missing=JournalState.WIPING) is JournalState.CLEAN


def test_a_wipe_leaves_nothing_of_the_visitor(visitor: Visitor, tmp_path: Path) -> None:
    with PrivateCups() as cups:
        _wipe_leaves_nothing(visitor, tmp_path, cups)


def _wipe_leaves_nothing(visitor: Visitor, tmp_path: Path, cups: PrivateCups) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    wiper = visitor.wiper(print_jobs=queue)
    wiper.prepare()
    assert wiper.journal_state() is JournalState.ACTIVE
    [home_mount] = mounts_at(SystemMounts().table(), visitor.home)
    assert home_mount.fs_type == "tmpfs" and {"nosuid", "nodev"} <= set(home_mount.options)
    assert home_mount.option("mode") == "700"
    assert visitor.home.stat().st_uid == visitor.account.uid
    assert (visitor.home / "Downloads").stat().st_uid == visitor.account.uid

    made = visitor.run_session()
    visitor.print_payslip(cups)
    assert str(made["shmid"]) in Path("/proc/sysvipc/shm").read_text()
    [job] = queue.jobs()
    assert job.held and job.user == visitor.account.name
    # The search does find them, the spooled print job included.
    assert any(path.startswith(str(cups.root)) for path in _files_with(visitor.marker, SEARCHED))
    assert len(_files_with(visitor.marker, SEARCHED)) >= 7

    receipt = wiper.wipe()

    _nothing_left(visitor, tmp_path)
    assert queue.jobs(which="all") == [], "no job and no job history in CUPS"
    erased = dict(receipt.erased)
    assert erased[ErasedKind.PROCESSES.value] == 3  # the session, its daemon, the sleeper
    assert erased[ErasedKind.FILES.value] == 4  # letter, payslip, cookies, history
    assert erased[ErasedKind.DOWNLOADS.value] == 1
    assert erased[ErasedKind.BROWSER.value] == 1
    assert erased[ErasedKind.PRINT_JOBS.value] == 1
    assert receipt.bytes_erased > 100 * len(visitor.marker)
    assert not any(visitor.home.iterdir()), "nothing under the home's mount point"

    # The next visitor gets a fresh home from the skeleton.
    wiper.prepare()
    names = {p.name for p in visitor.home.rglob("*")}
    assert "letter.txt" not in names and "Downloads" in names


def test_a_print_the_visitor_confirmed_prints_after_the_wipe_and_the_rest_is_purged(
    visitor: Visitor,
) -> None:
    with PrivateCups() as cups:
        queue = CupsQueue(cups.socket, approvals=cups.approvals)
        wiper = visitor.wiper(print_jobs=TolerantPurger(queue))
        wiper.prepare()
        visitor.run_session()
        visitor.print_payslip(cups)
        visitor.print_payslip(cups)
        confirmed, held = (job.job_id for job in queue.jobs())
        cups.run("cupsdisable", "kiosk")  # busy: the confirmed job waits for it
        queue.approve_and_release(Approval(confirmed, 1, queue.basis(confirmed)))

        receipt = wiper.wipe()

        assert wiper.journal_state() is JournalState.CLEAN, "a waiting print holds no wipe"
        assert dict(receipt.erased)[ErasedKind.PRINT_JOBS.value] == 1
        assert [job.job_id for job in queue.jobs(which="all")] == [confirmed]
        cups.run("cupsenable", "kiosk")
        deadline = time.monotonic() + 10
        while queue.jobs(which="all"):
            assert time.monotonic() < deadline, "the confirmed job to print and go"
            time.sleep(0.05)
        assert cups.device_runs(confirmed) and not cups.device_runs(held)


# In a child: wipe, and at the chosen step say so and wait to be killed.
KILLED_WIPE = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from kiosk.agent.system.processes import ProcProcesses
from kiosk.agent.system_wiper import SystemParts, SystemWiper, WipeStep
import dataclasses
name, home, skeleton, journal, step, flag = sys.argv[1:]
def on_step(done):
    if done is WipeStep(step):
        Path(flag).write_text(step)
        time.sleep(600)
parts = dataclasses.replace(SystemParts.real(), processes=ProcProcesses(term_grace=0.5))
SystemWiper(name, Path(home), Path(skeleton), Path(journal), parts=parts, on_step=on_step).wipe()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "killed_after",
    [WipeStep.PROCESSES_STOPPED, WipeStep.TEMP_AREAS_CLEARED, WipeStep.HOME_UNMOUNTED],
)
def test_a_wipe_killed_midway_is_finished_by_the_sweep(
    visitor: Visitor, tmp_path: Path, killed_after: WipeStep
) -> None:
    visitor.wiper().prepare()
    visitor.run_session()
    flag = tmp_path / "reached"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_WIPE.format(repo=str(REPO)),
            visitor.account.name,
            str(visitor.home),
            str(packaged_skeleton()),
            str(visitor.journal_path),
            killed_after.value,
            str(flag),
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while not flag.exists():
            assert child.poll() is None, "the wipe ended before the chosen step"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)

    # Killed half-way: the journal says so; some of the visitor's data is still there.
    assert Journal(visitor.journal_path).read(missing=JournalState.CLEAN) is JournalState.WIPING
    if killed_after is WipeStep.PROCESSES_STOPPED:
        assert mounts_at(SystemMounts().table(), visitor.home)
        assert _files_with(visitor.marker, (Path("/tmp"),))

    swept = run_sweep(visitor)
    assert swept.returncode == 0, swept.stderr
    assert json.loads(swept.stdout)["wiped"] is True
    _nothing_left(visitor, tmp_path)

    again = run_sweep(visitor)
    assert again.returncode == 0 and json.loads(again.stdout)["wiped"] is False
