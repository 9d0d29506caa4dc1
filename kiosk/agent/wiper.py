"""Erasing what a visitor leaves behind, with a journal that survives a crash.

The journal moves CLEAN → ACTIVE (a session may have written data) → WIPING → CLEAN. Each
state is written atomically and fsync'd, so after a crash or a power cut the agent knows
whether the last visitor's data may still be there; if it may, it wipes again before the
next login.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from epn_shared.files import write_atomically
from kiosk.agent.errors import WipeError
from kiosk.core.model import ErasedKind, WipeReceipt

BROWSER_PROFILES = (
    ".mozilla",
    ".cache/mozilla",
    ".config/chromium",
    ".cache/chromium",
    ".config/google-chrome",
    ".config/BraveSoftware",
    ".config/microsoft-edge",
    "snap/firefox",
    "snap/chromium",
)
"""Where browsers keep a profile (history, cookies, saved passwords) inside a home."""


class JournalState(StrEnum):
    """What the wipe journal says about the visitor's home."""

    CLEAN = "CLEAN"  # nothing of a visitor is left
    ACTIVE = "ACTIVE"  # a session may have written data
    WIPING = "WIPING"  # erasing began and may not have finished


class Wiper(Protocol):
    """Prepares a visitor's home for a session and erases it afterwards."""

    def journal_state(self) -> JournalState:
        """What the journal says now."""
        ...

    def prepare(self) -> None:
        """Before a session: a fresh home from the skeleton; the journal says ACTIVE."""
        ...

    def wipe(self) -> WipeReceipt:
        """Erase everything the visitor left and rebuild a clean home; the journal ends CLEAN.

        Blocking and possibly slow: the agent runs it in a worker thread.
        """
        ...


class Journal:
    """The wipe journal: one word in a file, replaced atomically and fsync'd."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, *, missing: JournalState) -> JournalState:
        """The recorded state; ``missing`` when there is no journal yet; WIPING when the file
        is damaged (the safe guess: wipe again)."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return missing
        except (OSError, UnicodeDecodeError):
            return JournalState.WIPING
        try:
            return JournalState(text)
        except ValueError:
            return JournalState.WIPING

    def write(self, state: JournalState) -> None:
        """Record ``state``, durably (the journal is replaced at once and its folder
        fsync'd)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, f"{state.value}\n")


@dataclass
class HomeTally:
    """What a visitor's home holds beyond the pristine skeleton: what a wipe erases."""

    files: int = 0
    folders: int = 0
    bytes: int = 0
    downloads: int = 0
    browser_profiles: int = 0

    def erased(self) -> tuple[tuple[str, int], ...]:
        """The receipt's counts of files, folders, downloads and browser profiles."""
        return (
            (ErasedKind.FILES.value, self.files),
            (ErasedKind.FOLDERS.value, self.folders),
            (ErasedKind.DOWNLOADS.value, self.downloads),
            (ErasedKind.BROWSER.value, self.browser_profiles),
        )


def _skeleton_entries(skeleton: Path) -> dict[str, Path]:
    """Relative path → path of everything in the skeleton (these are not counted as erased)."""
    entries: dict[str, Path] = {}
    for root, dirs, files in os.walk(skeleton):
        for name in dirs + files:
            path = Path(root, name)
            entries[str(path.relative_to(skeleton))] = path
    return entries


def count_home(home: Path, skeleton_dir: Path, *, sizes: bool = True) -> HomeTally:
    """Count what ``home`` holds that is not the pristine skeleton. ``files`` counts every
    file (a symbolic link counts as a file, never followed), ``downloads`` those of them in
    Downloads, ``folders`` the folders the skeleton has not, ``browser_profiles`` the
    browser profile folders found. Skeleton files left as they were are not counted.
    ``sizes=False`` leaves ``bytes`` at 0 and reads no file's size (the caller knows the
    space used otherwise): only folder entries are read, which is much faster."""
    tally = HomeTally()
    if not home.is_dir():
        return tally
    skeleton = _skeleton_entries(skeleton_dir)
    skeleton_dirs = {relative for relative, path in skeleton.items() if path.is_dir()}
    tally.browser_profiles = sum(1 for p in BROWSER_PROFILES if (home / p).is_dir())
    stack: list[tuple[str, bool]] = [("", False)]
    while stack:
        folder, in_downloads = stack.pop()
        with os.scandir(home / folder if folder else home) as entries:
            for entry in entries:
                relative = f"{folder}/{entry.name}" if folder else entry.name
                downloaded = in_downloads or relative == "Downloads"
                if entry.is_dir(follow_symlinks=False):
                    if relative not in skeleton_dirs:
                        tally.folders += 1
                    stack.append((relative, downloaded))
                    continue
                original = skeleton.get(relative)
                if (
                    original is not None
                    and entry.is_file(follow_symlinks=False)
                    and filecmp.cmp(entry.path, original, shallow=False)
                ):
                    continue  # a skeleton file the visitor left as it was
                tally.files += 1
                if sizes:
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode):
                        tally.bytes += info.st_size
                if downloaded:
                    tally.downloads += 1
    return tally


def _make_writable(function: Callable[..., Any], path: str, _exc: Any) -> None:
    """rmtree error handler: a visitor may have made a folder read-only; the agent may
    still erase it (root ignores modes, a sandbox agent must undo them)."""
    parent = os.path.dirname(path)
    os.chmod(parent, stat.S_IRWXU)
    if os.path.isdir(path) and not os.path.islink(path):
        os.chmod(path, stat.S_IRWXU)
    function(path)


class SandboxWiper:
    """The sandbox wiper: the visitor's home is a plain folder, rebuilt from a skeleton.

    The real wiper (tmpfs home, visitor processes, print jobs, shared temp areas) comes with
    the installer; this one lets the agent run without root.
    """

    def __init__(self, home_dir: Path, skeleton_dir: Path, journal_path: Path) -> None:
        self.home_dir = home_dir
        self.skeleton_dir = skeleton_dir
        self.journal = Journal(journal_path)

    def journal_state(self) -> JournalState:
        """What the journal says; a fresh install (no journal, no home) is CLEAN."""
        fresh = not self.home_dir.exists()
        return self.journal.read(missing=JournalState.CLEAN if fresh else JournalState.WIPING)

    def prepare(self) -> None:
        """Journal ACTIVE first, then a home exactly like the skeleton."""
        self.journal.write(JournalState.ACTIVE)
        self._erase_all()
        self._fill()

    def wipe(self) -> WipeReceipt:
        """Count and erase everything in the home that is not the pristine skeleton, then
        rebuild it. ``files`` counts every erased file, ``downloads`` those of them that were
        in Downloads, ``browser`` the browser profile folders found."""
        started = time.monotonic()
        self.journal.write(JournalState.WIPING)
        tally = count_home(self.home_dir, self.skeleton_dir)
        if self.home_dir.exists():
            self._erase_all()
        self._fill()
        self._check()
        self.journal.write(JournalState.CLEAN)
        return WipeReceipt(
            erased=tally.erased(),
            bytes_erased=tally.bytes,
            seconds=round(time.monotonic() - started, 3),
        )

    # -- internals -----------------------------------------------------------------------

    def _erase_all(self) -> None:
        self.home_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.home_dir, 0o700)
        for entry in sorted(self.home_dir.iterdir()):
            self._erase(entry)

    def _erase(self, path: Path) -> None:
        """Erase one top-level entry of the home (a file, a link, or a whole folder)."""
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, onerror=_make_writable)
        else:
            path.unlink()

    def _fill(self) -> None:
        self.home_dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.skeleton_dir, self.home_dir, symlinks=True, dirs_exist_ok=True)
        # copytree gives the home the skeleton's mode; a home is private to its visitor.
        os.chmod(self.home_dir, 0o700)

    def _check(self) -> None:
        """Refuse to call the home clean unless it holds exactly the skeleton."""
        left = {str(p.relative_to(self.home_dir)) for p in self.home_dir.rglob("*")}
        expected = set(_skeleton_entries(self.skeleton_dir))
        if left != expected:
            extra = sorted(left - expected)[:5]
            raise WipeError(f"the home still holds {len(left - expected)} entries: {extra}")


@dataclass
class FakeWiper:
    """A wiper for unit tests: records calls, returns a fixed receipt, can be told to fail."""

    state: JournalState = JournalState.CLEAN
    receipt: WipeReceipt = field(
        default_factory=lambda: WipeReceipt(
            ((ErasedKind.FILES.value, 0), (ErasedKind.FOLDERS.value, 0)), 0, 0.0
        )
    )
    fail_with: Exception | None = None
    prepared: int = 0
    wiped: int = 0

    def journal_state(self) -> JournalState:
        """The recorded state."""
        return self.state

    def prepare(self) -> None:
        """Count the call; the journal says ACTIVE."""
        self.prepared += 1
        self.state = JournalState.ACTIVE

    def wipe(self) -> WipeReceipt:
        """Count the call; fail if told to, else CLEAN and the fixed receipt."""
        self.state = JournalState.WIPING
        if self.fail_with is not None:
            raise self.fail_with
        self.wiped += 1
        self.state = JournalState.CLEAN
        return self.receipt
