"""The files and system actions a kiosk's lockdown consists of, and writing them under a root."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from epn_shared.files import write_atomically


class LockdownError(Exception):
    """Base of every error of the lockdown package: bad input, or a file that cannot be written."""


@dataclass(frozen=True)
class LockdownFile:
    """One file of the lockdown: its absolute path on the kiosk, its text and its mode."""

    path: PurePosixPath
    content: str
    mode: int = 0o644

    def __post_init__(self) -> None:
        if not self.path.is_absolute() or ".." in self.path.parts:
            raise LockdownError(f"{self.path}: a lockdown file needs an absolute path without '..'")
        if self.mode & ~0o7777:
            raise LockdownError(f"{self.path}: {oct(self.mode)} is not a file mode")


@dataclass(frozen=True)
class LockdownAction:
    """A change that is not a file (a unit to mask, a database to compile, a mount option).

    The installer runs ``command`` after writing the files; ``why`` says what it prevents.
    """

    command: tuple[str, ...]
    why: str


def _target(root: Path, path: PurePosixPath) -> Path:
    return root.joinpath(*path.parts[1:])


def _same(target: Path, data: bytes, mode: int) -> bool:
    try:
        info = target.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode:
        return False
    return target.read_bytes() == data


def write_lockdown(
    root: Path, files: Iterable[LockdownFile], *, prune: Iterable[PurePosixPath] = ()
) -> list[PurePosixPath]:
    """Write ``files`` under ``root`` (``/`` on a kiosk, a folder in tests) with their modes.

    Idempotent: a file already there with the same content and mode is left untouched (not
    even its time stamp), so a second run changes nothing. Each file is replaced atomically
    (a temporary file renamed over it), so a power cut leaves the old or the new version,
    never half a file; a symlink in its place is replaced, not followed. Missing folders are
    made 0755. In each ``prune`` folder (one the kiosk owns, such as the launcher's), files
    that are not in ``files`` are removed: an application taken out of the policy leaves the
    launcher. Returns the paths written or removed.
    """
    files = list(files)
    paths = {file.path for file in files}
    if len(paths) != len(files):
        raise LockdownError("two lockdown files have the same path")
    changed: list[PurePosixPath] = []
    for folder in prune:
        changed.extend(_prune(root, folder, paths))
    for file in files:
        target = _target(root, file.path)
        data = file.content.encode("utf-8")
        try:
            if _same(target, data, file.mode):
                continue
            _make_folders(root, target.parent)
            write_atomically(target, data, mode=file.mode)
        except OSError as exc:
            raise LockdownError(f"{file.path}: cannot be written under {root}: {exc}") from exc
        changed.append(file.path)
    return changed


def _make_folders(root: Path, folder: Path) -> None:
    # One by one with an explicit chmod: mkdir's mode goes through the umask, and a root
    # umask of 077 would hide the browsers' policies from the visitor who runs them.
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir()
        new.chmod(0o755)


def _prune(root: Path, folder: PurePosixPath, keep: set[PurePosixPath]) -> list[PurePosixPath]:
    removed = []
    target = _target(root, folder)
    try:
        entries = sorted(target.iterdir()) if target.is_dir() else []
        for entry in entries:
            path = folder / entry.name
            if path not in keep and (entry.is_symlink() or entry.is_file()):
                entry.unlink()
                removed.append(path)
    except OSError as exc:
        raise LockdownError(f"{folder}: cannot be cleaned under {root}: {exc}") from exc
    return removed
