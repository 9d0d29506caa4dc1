"""Mounts: the visitor's tmpfs home, removable media mounted for the visitor.

The mount table is read from /proc/self/mountinfo and parsed in a pure function; mount and
umount command lines are built in pure functions.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from kiosk.agent.system import commands
from kiosk.agent.system.errors import CommandFailed, LeftBehind

HOME_SOURCE = "epn-visitor-home"
"""The source name of the visitor's tmpfs in the mount table: how a home we mounted is
recognised (a tmpfs has no device, the name is free)."""

MEDIA_ROOTS = ("/media", "/run/media")
"""Where desktop automounters (udisks) mount a USB stick for a user."""

_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class MountEntry:
    """One line of /proc/PID/mountinfo."""

    mount_id: int
    parent_id: int
    device: str  # major:minor
    root: str
    mount_point: str
    options: tuple[str, ...]  # per-mount options: rw, nosuid, nodev, …
    fs_type: str
    source: str
    super_options: tuple[str, ...]  # per-filesystem options: size=, mode=, uid=, …

    def option(self, name: str) -> str | None:
        """The value of ``name=`` in the mount or filesystem options, or None."""
        for item in (*self.options, *self.super_options):
            key, sep, value = item.partition("=")
            if key == name and sep:
                return value
        return None


def unescape(text: str) -> str:
    """Undo the kernel's octal escapes in mountinfo (``\\040`` is a space, ``\\134`` a
    backslash, ``\\011`` a tab, ``\\012`` a newline)."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), text)


def parse_mountinfo(text: str) -> list[MountEntry]:
    """The mounts described by the text of /proc/PID/mountinfo; malformed lines are skipped.

    Format (proc(5)): ``id parent major:minor root mount-point options [optional…] -
    fstype source super-options``; the optional fields end at a lone ``-``."""
    entries: list[MountEntry] = []
    for line in text.splitlines():
        fields = line.split(" ")
        try:
            dash = fields.index("-", 6)
            mount_id, parent_id = int(fields[0]), int(fields[1])
            fs_type, source, super_options = fields[dash + 1 : dash + 4]
        except ValueError:
            continue
        entries.append(
            MountEntry(
                mount_id=mount_id,
                parent_id=parent_id,
                device=fields[2],
                root=unescape(fields[3]),
                mount_point=unescape(fields[4]),
                options=tuple(fields[5].split(",")),
                fs_type=unescape(fs_type),
                source=unescape(source),
                super_options=tuple(super_options.split(",")),
            )
        )
    return entries


def _is_under(path: str, folder: str) -> bool:
    return PurePosixPath(path).is_relative_to(PurePosixPath(folder)) and path != folder


def _deepest_first(entries: Iterable[MountEntry]) -> list[MountEntry]:
    """Children before parents, the newest mount first at the same place."""
    return sorted(entries, key=lambda e: (e.mount_point.count("/"), e.mount_id), reverse=True)


def mounts_at(entries: Iterable[MountEntry], target: Path) -> list[MountEntry]:
    """Everything mounted exactly at ``target`` (stacked mounts too), newest first."""
    return _deepest_first(e for e in entries if e.mount_point == str(target))


def mounts_under(entries: Iterable[MountEntry], folder: Path) -> list[MountEntry]:
    """Everything mounted strictly inside ``folder``, deepest first (unmount order)."""
    return _deepest_first(e for e in entries if _is_under(e.mount_point, str(folder)))


def visitor_media(
    entries: Iterable[MountEntry], user: str, uid: int, roots: Iterable[str] = MEDIA_ROOTS
) -> list[MountEntry]:
    """Removable media mounted for the visitor, deepest first: under ``/media/USER`` or
    ``/run/media/USER`` (udisks), or anywhere under those roots with ``uid=UID`` (a FAT or
    NTFS stick mounted for that uid)."""
    found = []
    for entry in entries:
        for root in roots:
            if not _is_under(entry.mount_point, root):
                continue
            first = PurePosixPath(entry.mount_point).relative_to(root).parts[0]
            if first == user or entry.option("uid") == str(uid):
                found.append(entry)
                break
    return _deepest_first(found)


@dataclass(frozen=True)
class TmpfsOptions:
    """The visitor's tmpfs home: at most ``size`` (bytes, or with a k/m/g suffix) and
    ``nr_inodes`` files and folders; private to its owner; no set-uid programs or devices."""

    uid: int
    gid: int
    size: str = "1g"
    nr_inodes: int = 200_000
    mode: int = 0o700

    def as_option_string(self) -> str:
        """The ``-o`` argument of mount."""
        return ",".join(
            (
                f"size={self.size}",
                f"nr_inodes={self.nr_inodes}",
                f"mode={self.mode:04o}",
                f"uid={self.uid}",
                f"gid={self.gid}",
                "nosuid",
                "nodev",
            )
        )


def mount_tmpfs_command(target: Path, options: TmpfsOptions) -> list[str]:
    """``mount`` command line for a fresh visitor home at ``target``."""
    return ["mount", "-t", "tmpfs", "-o", options.as_option_string(), HOME_SOURCE, str(target)]


def umount_command(target: str, *, lazy: bool = False) -> list[str]:
    """``umount`` command line; lazy detaches it now and frees it when no longer busy."""
    return ["umount", *(["--lazy"] if lazy else []), target]


class Mounts(Protocol):
    """Reads the mount table, mounts a tmpfs, unmounts."""

    def table(self) -> list[MountEntry]:
        """What is mounted now."""
        ...

    def mount_tmpfs(self, target: Path, options: TmpfsOptions) -> None:
        """Mount a fresh, empty tmpfs at ``target``."""
        ...

    def unmount(self, target: str) -> None:
        """Unmount the newest mount at ``target``; lazily if it is busy."""
        ...

    def fill_home(self, skeleton: Path, home: Path, uid: int, gid: int) -> None:
        """Copy the skeleton into a freshly mounted home, owned by the visitor."""
        ...

    def empty_mount_point(self, home: Path) -> None:
        """Make the folder the home is mounted on empty (nothing of a visitor on disk
        under it) and not the visitor's."""
        ...

    def used_bytes(self, home: Path) -> int:
        """Bytes the mounted home holds (its files' data, in whole pages)."""
        ...


class SystemMounts:
    """The real mount table and mount(8)/umount(8)."""

    def __init__(self, mountinfo: Path = Path("/proc/self/mountinfo")) -> None:
        self.mountinfo = mountinfo

    def table(self) -> list[MountEntry]:
        """The parsed /proc/self/mountinfo."""
        return parse_mountinfo(self.mountinfo.read_text(errors="surrogateescape"))

    def mount_tmpfs(self, target: Path, options: TmpfsOptions) -> None:
        """mount -t tmpfs at ``target``."""
        target.mkdir(parents=True, exist_ok=True)
        commands.run(mount_tmpfs_command(target, options))

    def unmount(self, target: str) -> None:
        """umount; when busy (a process of another user holds a file there), detach it
        lazily: it disappears from every path now and is freed when let go."""
        try:
            commands.run(umount_command(target))
        except CommandFailed:
            if not mounts_at(self.table(), Path(target)):
                return  # someone else unmounted it meanwhile
            commands.run(umount_command(target, lazy=True))

    def fill_home(self, skeleton: Path, home: Path, uid: int, gid: int) -> None:
        """Copy the skeleton, everything owned by the visitor."""
        fill_from_skeleton(skeleton, home, uid, gid)

    def empty_mount_point(self, home: Path) -> None:
        """Erase anything under the mount point (links not followed); root's, 0755."""
        _empty_folder(home)
        os.chown(home, 0, 0)
        os.chmod(home, 0o755)

    def used_bytes(self, home: Path) -> int:
        """The tmpfs's used blocks: one system call instead of a stat per file."""
        info = os.statvfs(home)
        return (info.f_blocks - info.f_bfree) * info.f_frsize


def _empty_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for child in os.scandir(folder):
        if child.is_dir(follow_symlinks=False):
            shutil.rmtree(child.path)
        else:
            os.unlink(child.path)


def unmount_all(mounts: Mounts, chosen: list[MountEntry]) -> int:
    """Unmount each of ``chosen`` in order (deepest first); how many were unmounted.
    A mount already gone is skipped, so running it again is harmless."""
    count = 0
    for entry in chosen:
        still = {e.mount_id for e in mounts.table()}
        if entry.mount_id in still:
            mounts.unmount(entry.mount_point)
            count += 1
    left = {e.mount_id for e in mounts.table()} & {e.mount_id for e in chosen}
    if left:
        raise LeftBehind(f"{len(left)} mounts could not be unmounted")
    return count


def fill_from_skeleton(skeleton: Path, target: Path, uid: int, gid: int) -> None:
    """Copy the skeleton into ``target`` keeping modes and symbolic links (never followed),
    everything owned by the visitor. ``target`` itself keeps its own mode (0700)."""
    os.chown(target, uid, gid)
    for root, dirs, files in os.walk(skeleton):
        here = Path(root)
        there = target / here.relative_to(skeleton)
        for name in dirs:
            source, copy = here / name, there / name
            info = source.lstat()
            if stat.S_ISLNK(info.st_mode):
                os.symlink(os.readlink(source), copy)
            else:
                copy.mkdir(exist_ok=True)
                os.chmod(copy, stat.S_IMODE(info.st_mode))
            os.lchown(copy, uid, gid)
        for name in files:
            source, copy = here / name, there / name
            if source.is_symlink():
                os.symlink(os.readlink(source), copy)
            else:
                shutil.copy2(source, copy, follow_symlinks=False)
            os.lchown(copy, uid, gid)


@dataclass
class FakeMounts:
    """Mounts for unit tests: a table in memory. Unmounting a fake home empties its folder,
    as a real tmpfs would vanish."""

    entries: list[MountEntry] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)
    lazy: list[str] = field(default_factory=list)
    _next_id: int = 100

    def table(self) -> list[MountEntry]:
        """The fake table."""
        return list(self.entries)

    def add(
        self,
        mount_point: str,
        fs_type: str = "tmpfs",
        source: str = HOME_SOURCE,
        super_options: tuple[str, ...] = (),
    ) -> MountEntry:
        """Put an entry in the table (a USB stick, say)."""
        self._next_id += 1
        entry = MountEntry(
            self._next_id, 1, "0:99", "/", mount_point, ("rw",), fs_type, source, super_options
        )
        self.entries.append(entry)
        return entry

    def mount_tmpfs(self, target: Path, options: TmpfsOptions) -> None:
        """Record a tmpfs mount."""
        target.mkdir(parents=True, exist_ok=True)
        self.add(str(target), super_options=tuple(options.as_option_string().split(",")))

    def unmount(self, target: str) -> None:
        """Drop the newest entry at ``target``; a home's folder is emptied."""
        [newest, *_] = mounts_at(self.entries, Path(target))
        if target in self.busy:
            self.lazy.append(target)
        self.entries.remove(newest)
        if newest.source == HOME_SOURCE and Path(target).is_dir():
            _empty_folder(Path(target))

    def fill_home(self, skeleton: Path, home: Path, uid: int, gid: int) -> None:
        """Copy the skeleton (owners unchanged: tests run without root)."""
        shutil.copytree(skeleton, home, symlinks=True, dirs_exist_ok=True)

    def empty_mount_point(self, home: Path) -> None:
        """Erase anything under the mount point."""
        _empty_folder(home)

    def used_bytes(self, home: Path) -> int:
        """The size of the home's regular files."""
        return sum(p.lstat().st_size for p in home.rglob("*") if p.is_file() and not p.is_symlink())
