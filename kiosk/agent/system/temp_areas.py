"""Shared temporary areas (/tmp, /var/tmp, /dev/shm): erase what the visitor's uid owns."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

TEMP_AREAS = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/dev/mqueue"))
"""Where any user may write. /var/tmp survives a reboot; /dev/shm holds POSIX shared
memory, /dev/mqueue POSIX message queues (when mounted)."""


def runtime_dir(uid: int) -> Path:
    """The visitor's XDG runtime folder (sockets, keyring, pulse); logind may make it a
    tmpfs of its own, otherwise it is a plain folder under /run/user."""
    return Path("/run/user") / str(uid)


class TempAreas(Protocol):
    """Erases a uid's entries in the shared temporary areas."""

    def clear(self, uid: int) -> int:
        """Remove every entry owned by ``uid``; how many were removed."""
        ...

    def left(self, uid: int) -> list[str]:
        """Paths the uid still owns in the areas (for the final check)."""
        ...


def clear_owned(area: Path, uid: int) -> int:
    """Remove every entry owned by ``uid`` inside ``area`` — at the top and deeper inside
    folders of other owners — without following a symbolic link or leaving the area's
    filesystem (a mount inside is not searched). A folder owned by the uid goes whole.
    Returns how many entries were removed (a whole folder counts once). A missing area
    counts nothing."""
    try:
        area_dev = area.lstat().st_dev
    except FileNotFoundError:
        return 0
    removed = 0
    # fwalk works on open folder descriptors: a visitor cannot swap a folder for a link
    # between the check and the removal to make root erase elsewhere.
    for _root, dirs, files, root_fd in os.fwalk(area, follow_symlinks=False):
        keep: list[str] = []
        for name in dirs:
            info = _lstat(name, root_fd)
            if info is None:
                continue
            if info.st_uid == uid:
                if _remove(name, root_fd, info):
                    removed += 1
            elif info.st_dev == area_dev and stat.S_ISDIR(info.st_mode):
                keep.append(name)
        dirs[:] = keep
        for name in files:
            info = _lstat(name, root_fd)
            if info is not None and info.st_uid == uid and _remove(name, root_fd, info):
                removed += 1
    return removed


def _lstat(name: str, dir_fd: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _remove(name: str, dir_fd: int, info: os.stat_result) -> bool:
    """Remove one entry (a folder with all it holds); False if it was already gone."""
    try:
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(name, dir_fd=dir_fd)
        else:
            os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno == errno.EBUSY:  # a mount point inside: unmounted by the media step
            return False
        raise
    return True


def owned_left(area: Path, uid: int) -> list[str]:
    """Paths owned by ``uid`` still in ``area`` (same filesystem, links not followed)."""
    try:
        area_dev = area.lstat().st_dev
    except FileNotFoundError:
        return []
    left = []
    for root, dirs, files, root_fd in os.fwalk(area, follow_symlinks=False):
        keep = []
        for name in (*dirs, *files):
            info = _lstat(name, root_fd)
            if info is None:
                continue
            if info.st_uid == uid:
                left.append(os.path.join(root, name))
            elif name in dirs and info.st_dev == area_dev and stat.S_ISDIR(info.st_mode):
                keep.append(name)
        dirs[:] = keep
    return left


class SystemTempAreas:
    """The real shared temporary areas, and the visitor's runtime folder."""

    def __init__(self, areas: Iterable[Path] = TEMP_AREAS, *, runtime: bool = True) -> None:
        self.areas = tuple(areas)
        self.runtime = runtime

    def _areas(self, uid: int) -> list[Path]:
        return [*self.areas, *([runtime_dir(uid)] if self.runtime else [])]

    def clear(self, uid: int) -> int:
        """Remove the uid's entries in every area; how many were removed."""
        return sum(clear_owned(area, uid) for area in self._areas(uid))

    def left(self, uid: int) -> list[str]:
        """What the uid still owns in the areas (for the final check)."""
        return [path for area in self._areas(uid) for path in owned_left(area, uid)]


@dataclass
class FakeTempAreas:
    """Temp areas for unit tests: a count of entries per uid."""

    entries: dict[int, int] = field(default_factory=dict)

    def clear(self, uid: int) -> int:
        """Forget the uid's entries; how many there were."""
        return self.entries.pop(uid, 0)

    def left(self, uid: int) -> list[str]:
        """Entries still there."""
        return [f"entry-{n}" for n in range(self.entries.get(uid, 0))]
