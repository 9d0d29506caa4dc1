"""What an installation is made of: typed actions, computed purely from the options.

A plan is a tuple of actions. Nothing here touches the disk; ``installer.apply`` carries a
plan out under a root (``/`` on a PC, a folder in tests) and records what it changed, so that
``uninstall`` can take exactly that away again.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath


class InstallerError(Exception):
    """Base of every error of the installer: bad options, or a change that cannot be made."""


class Role(Enum):
    """What the machine becomes."""

    KIOSK = "kiosk"
    CONSOLE = "console"


def _absolute(path: PurePosixPath) -> None:
    if not path.is_absolute() or ".." in path.parts:
        raise InstallerError(f"{path}: the installer needs an absolute path without '..'")


@dataclass(frozen=True)
class MakeDir:
    """A folder with its mode and owner (made when missing, corrected when different)."""

    path: PurePosixPath
    mode: int
    why: str
    user: str = "root"
    group: str = "root"

    def __post_init__(self) -> None:
        _absolute(self.path)


@dataclass(frozen=True)
class WriteFile:
    """A whole file the installer owns: replaced atomically, mode and owner set. A file that
    was there before is kept aside and put back by ``uninstall``."""

    path: PurePosixPath
    content: bytes = field(repr=False)
    mode: int
    why: str
    user: str = "root"
    group: str = "root"

    def __post_init__(self) -> None:
        _absolute(self.path)
        if self.mode & ~0o7777:
            raise InstallerError(f"{self.path}: {oct(self.mode)} is not a file mode")


@dataclass(frozen=True)
class Symlink:
    """A symbolic link (how ``systemctl enable`` enables a unit: a link in a ``.wants``)."""

    path: PurePosixPath
    target: PurePosixPath
    why: str

    def __post_init__(self) -> None:
        _absolute(self.path)


@dataclass(frozen=True)
class ManagedBlock:
    """Lines between two marker comments inside a file that belongs to someone else (CUPS 2.4
    reads no ``cupsd.conf.d``): only the block is written, and ``uninstall`` removes only
    the block. The rest of the file is left as it is."""

    path: PurePosixPath
    text: str
    why: str
    marker: str = "EPN Kiosk"

    def __post_init__(self) -> None:
        _absolute(self.path)

    @property
    def begin(self) -> str:
        """The first line of the block."""
        return f"# BEGIN {self.marker}: written by the installer, removed by its uninstall\n"

    @property
    def end(self) -> str:
        """The last line of the block."""
        return f"# END {self.marker}\n"


class AccountKind(Enum):
    """System accounts (uid below 1000) run services; a regular one is for a person at the
    screen (logind's RemoveIPC and the display manager treat it as a user)."""

    SYSTEM = "system"
    REGULAR = "regular"


@dataclass(frozen=True)
class Account:
    """A user with a group of the same name, made when missing; an account that was there
    before is used as it is and never removed."""

    name: str
    kind: AccountKind
    home: PurePosixPath
    shell: PurePosixPath
    comment: str
    why: str

    def __post_init__(self) -> None:
        _absolute(self.home)


class When(Enum):
    """When a command runs (commands only ever run on the machine's real root)."""

    ONCE = "once"
    """Once per key (its command line and the installer's version): enrollment, the first
    admin, the queue; a new version or other options run it again."""
    ON_CHANGE = "on-change"
    """Only when one of ``after`` changed in this run: reload units, recompile dconf."""


@dataclass(frozen=True)
class Command:
    """A program to run after the files, on the real machine only (a ``--root`` folder is
    not a running system: ``systemctl``, ``lpadmin`` or ``dconf`` would act on this one)."""

    argv: tuple[str, ...]
    why: str
    when: When = When.ONCE
    after: tuple[PurePosixPath, ...] = ()
    undo: tuple[str, ...] | None = None
    """Run by ``uninstall`` (e.g. ``lpadmin -x kiosk``)."""
    on_uninstall: tuple[str, ...] | None = None
    """Run at the end of ``uninstall``, after the files are gone (``systemctl daemon-reload``)."""
    secret: str | None = None
    """The name of a secret given on the command's stdin (never shown, never recorded)."""
    env: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """Identity of a ONCE command in the manifest."""
        return " ".join(self.argv)

    def shown(self) -> str:
        """The command line as a person would type it."""
        text = " ".join(shlex.quote(part) for part in self.argv)
        return f"{text} < ({self.secret})" if self.secret else text


@dataclass(frozen=True)
class Note:
    """Something the person installing must know or do (printed, changes nothing)."""

    text: str


Action = MakeDir | WriteFile | Symlink | ManagedBlock | Account | Command | Note


@dataclass(frozen=True)
class Plan:
    """Everything one role installs, in order."""

    role: Role
    version: str
    actions: tuple[Action, ...]

    def __post_init__(self) -> None:
        paths: set[PurePosixPath] = set()
        for action in self.actions:
            if isinstance(action, WriteFile | Symlink):
                if action.path in paths:
                    raise InstallerError(f"{action.path} is written twice in the plan")
                paths.add(action.path)

    def of(self, kind: type) -> list[Action]:
        """The actions of one kind, in order."""
        return [a for a in self.actions if isinstance(a, kind)]


def paths_of(actions: Sequence[Action]) -> tuple[PurePosixPath, ...]:
    """The file paths the actions write."""
    return tuple(a.path for a in actions if isinstance(a, WriteFile | ManagedBlock))
