"""Kernel tables parsed in pure functions: /proc/sysvipc, /proc/PID/status, NM keyfiles."""

from __future__ import annotations

from pathlib import Path

from kiosk.agent.system.ipc_objects import IpcKind, IpcObject, parse_sysvipc
from kiosk.agent.system.network_connections import permitted_users
from kiosk.agent.system.processes import parse_status, processes_of

SHM = """       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
         0          7  1600                  4096  4242  4242      1  1001  1001  1001  1001 1700000000          0 1700000000                  4096                     0
1330597511         12   644                 65536  5000  5001      0     0     0  1001  1001          0          0 1700000100                     0                     0
         0         13   600                  4096  6000     0      0     0     0     0     0          0          0 1700000200                     0                     0
garbage line
"""  # noqa: E501 (kernel lines, verbatim)
SEM = """       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime
  51966          3   600          1  1001  1001  1001  1001          0 1700000000
"""
MSG = """       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime
      4660          9   666           0          0     0     0  1002  1002  1002  1002          0          0 1700000000
"""  # noqa: E501


def test_shared_memory_table() -> None:
    objects = parse_sysvipc(IpcKind.SHM, SHM)
    assert objects == [
        IpcObject(IpcKind.SHM, 7, 0, 1001, 1001),
        IpcObject(IpcKind.SHM, 12, 1330597511, 0, 1001),
        IpcObject(IpcKind.SHM, 13, 0, 0, 0),
    ]
    # Created by the visitor and handed to root: still the visitor's.
    assert [o.ident for o in objects if o.owned_by(1001)] == [7, 12]


def test_semaphore_and_message_queue_tables() -> None:
    assert parse_sysvipc(IpcKind.SEM, SEM) == [IpcObject(IpcKind.SEM, 3, 51966, 1001, 1001)]
    assert parse_sysvipc(IpcKind.MSG, MSG) == [IpcObject(IpcKind.MSG, 9, 4660, 1002, 1002)]


def test_empty_or_unknown_tables_list_nothing() -> None:
    assert parse_sysvipc(IpcKind.SHM, "") == []
    assert parse_sysvipc(IpcKind.MSG, SEM) == []  # no msqid column


STATUS = """Name:\tfirefox
Umask:\t0022
State:\t{state}
Tgid:\t{pid}
Uid:\t{uids}
Gid:\t1001\t1001\t1001\t1001
"""


def _fake_proc(root: Path, processes: dict[int, tuple[str, str]]) -> Path:
    for pid, (uids, state) in processes.items():
        folder = root / str(pid)
        folder.mkdir(parents=True)
        (folder / "status").write_text(STATUS.format(state=state, pid=pid, uids=uids))
    (root / "self").mkdir()
    (root / "meminfo").write_text("MemTotal: 1 kB\n")
    (root / "99").mkdir()  # a process that exited between listing and reading
    return root


def test_status_gives_all_four_uids_and_the_state() -> None:
    status = parse_status(STATUS.format(state="S (sleeping)", pid=5, uids="1001\t0\t0\t0"))
    assert status is not None
    assert status.uids == (1001, 0, 0, 0) and status.state == "S" and not status.zombie
    assert parse_status("Name:\tx\n") is None


def test_processes_of_a_uid_from_a_fake_proc_tree(tmp_path: Path) -> None:
    proc = _fake_proc(
        tmp_path,
        {
            1: ("0\t0\t0\t0", "S (sleeping)"),
            200: ("1001\t1001\t1001\t1001", "S (sleeping)"),
            201: ("1001\t0\t0\t0", "R (running)"),  # a set-uid program the visitor ran
            202: ("1001\t1001\t1001\t1001", "Z (zombie)"),  # exited already
            203: ("1002\t1002\t1002\t1002", "S (sleeping)"),
            30: ("1001\t1001\t1001\t1001", "T (stopped)"),
        },
    )
    assert processes_of(proc, 1001) == [30, 200, 201]
    assert processes_of(proc, 4242) == []
    assert processes_of(tmp_path / "no-proc", 1001) == []


def test_network_connections_name_their_users() -> None:
    keyfile = """[connection]
id=Cafe Wi-Fi
type=wifi
permissions=user:epn-visitor:;user:other::;

[wifi-security]
psk=secret
permissions=user:not-this-section:;
"""
    assert permitted_users(keyfile) == ["epn-visitor", "other"]
    assert permitted_users("[connection]\nid=wired\n") == []
