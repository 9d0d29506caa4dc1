"""SysV IPC objects (shared memory, semaphores, message queues) owned by the visitor.

They outlive the processes that made them: a shared-memory segment can keep a document's
pixels after its viewer is gone. The tables in /proc/sysvipc are parsed in pure functions;
objects are removed with shmctl/semctl/msgctl(IPC_RMID) through libc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from kiosk.agent.system.errors import LeftBehind

IPC_RMID = 0


class IpcKind(StrEnum):
    """The three SysV IPC kinds, named as their /proc/sysvipc file."""

    SHM = "shm"
    SEM = "sem"
    MSG = "msg"


_ID_COLUMN = {IpcKind.SHM: "shmid", IpcKind.SEM: "semid", IpcKind.MSG: "msqid"}


@dataclass(frozen=True)
class IpcObject:
    """One SysV IPC object: its kind, id, key, owner and creator."""

    kind: IpcKind
    ident: int
    key: int
    uid: int
    cuid: int

    def owned_by(self, uid: int) -> bool:
        """True when ``uid`` owns or created it (an owner can hand it on with IPC_SET)."""
        return uid in (self.uid, self.cuid)


def parse_sysvipc(kind: IpcKind, text: str) -> list[IpcObject]:
    """The objects listed in the text of /proc/sysvipc/KIND: a header line naming the
    columns, then one line per object. Malformed lines are skipped."""
    lines = text.splitlines()
    if not lines:
        return []
    header = lines[0].split()
    try:
        id_at, key_at = header.index(_ID_COLUMN[kind]), header.index("key")
        uid_at, cuid_at = header.index("uid"), header.index("cuid")
    except ValueError:
        return []
    objects = []
    for line in lines[1:]:
        fields = line.split()
        try:
            objects.append(
                IpcObject(
                    kind,
                    int(fields[id_at]),
                    int(fields[key_at]),
                    int(fields[uid_at]),
                    int(fields[cuid_at]),
                )
            )
        except (IndexError, ValueError):
            continue
    return objects


class IpcObjects(Protocol):
    """Lists and removes the SysV IPC objects of a uid."""

    def of_uid(self, uid: int) -> list[IpcObject]:
        """The uid's objects."""
        ...

    def remove_all(self, uid: int) -> int:
        """Remove every object of ``uid``; how many were removed."""
        ...


class SystemIpcObjects:
    """The kernel's SysV IPC objects (of the agent's IPC namespace)."""

    def __init__(self, root: Path = Path("/proc/sysvipc")) -> None:
        self.root = root
        self._libc: ctypes.CDLL | None = None

    def of_uid(self, uid: int) -> list[IpcObject]:
        """The uid's objects, from /proc/sysvipc."""
        found = []
        for kind in IpcKind:
            try:
                text = (self.root / kind.value).read_text()
            except FileNotFoundError:  # a kernel without SysV IPC
                continue
            found += [o for o in parse_sysvipc(kind, text) if o.owned_by(uid)]
        return found

    def remove_all(self, uid: int) -> int:
        """IPC_RMID on each object of ``uid``. A shared-memory segment still attached is
        only marked; its processes are gone by now, so it is freed at once."""
        removed = 0
        for obj in self.of_uid(uid):
            if self._remove(obj):
                removed += 1
        left = self.of_uid(uid)
        if left:
            raise LeftBehind(f"{len(left)} SysV IPC objects of uid {uid} are left")
        return removed

    def _remove(self, obj: IpcObject) -> bool:
        libc = self._load()
        ctypes.set_errno(0)
        if obj.kind is IpcKind.SHM:
            result = libc.shmctl(obj.ident, IPC_RMID, None)
        elif obj.kind is IpcKind.SEM:
            result = libc.semctl(obj.ident, 0, IPC_RMID)
        else:
            result = libc.msgctl(obj.ident, IPC_RMID, None)
        if result == 0:
            return True
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.EIDRM):
            return False  # gone already
        raise OSError(code, f"cannot remove SysV {obj.kind} {obj.ident}: {os.strerror(code)}")

    def _load(self) -> ctypes.CDLL:
        if self._libc is None:
            self._libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return self._libc


@dataclass
class FakeIpcObjects:
    """IPC objects for unit tests."""

    objects: list[IpcObject] = field(default_factory=list)

    def of_uid(self, uid: int) -> list[IpcObject]:
        """The uid's objects."""
        return [o for o in self.objects if o.owned_by(uid)]

    def remove_all(self, uid: int) -> int:
        """Forget the uid's objects."""
        mine = self.of_uid(uid)
        self.objects = [o for o in self.objects if not o.owned_by(uid)]
        return len(mine)
