"""Users and groups under a root: the machine's own (``useradd``/``userdel``, NSS), or the
files of a target folder (``--root DIR``), which the installer edits itself."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from epn_shared.files import write_atomically
from installer.plan import Account, AccountKind, InstallerError

Runner = Callable[[Sequence[str], str | None], int]
"""Runs a command line (with an optional stdin text); returns its exit status."""

ACCOUNT_FILES = ("etc/passwd", "etc/group", "etc/shadow", "etc/gshadow")
_NEW_FILE_MODES = {
    "etc/passwd": 0o644,
    "etc/group": 0o644,
    "etc/shadow": 0o640,
    "etc/gshadow": 0o640,
}
SYSTEM_IDS = range(999, 99, -1)
"""Where a new system account's id is taken, from the top as ``useradd --system`` does."""
REGULAR_IDS = range(1000, 60000)


def gecos(comment: str) -> str:
    """The comment as the passwd file's GECOS field can hold it: ``:`` separates the file's
    fields (``useradd`` refuses it: "invalid comment") and a line ends at a newline."""
    return " ".join(comment.replace(":", " -").split())


class Accounts(Protocol):
    """Looks users and groups up, makes and removes accounts."""

    def uid(self, user: str) -> int | None:
        """The user's id, or None when there is no such user."""
        ...

    def gid(self, group: str) -> int | None:
        """The group's id, or None when there is no such group."""
        ...

    def create(self, account: Account) -> list[str]:
        """Make the account and its group; the files it created (to remove at uninstall)."""
        ...

    def remove(self, name: str) -> None:
        """Remove the account and its group."""
        ...


class Lookup(Protocol):
    """Finds users' and groups' ids."""

    def uid(self, user: str) -> int | None:
        """The user's id, or None."""
        ...

    def gid(self, group: str) -> int | None:
        """The group's id, or None."""
        ...


class NssLookup:
    """The machine's users and groups (NSS: files, LDAP...)."""

    def uid(self, user: str) -> int | None:
        """The user's id from NSS."""
        try:
            return pwd.getpwnam(user).pw_uid
        except KeyError:
            return None

    def gid(self, group: str) -> int | None:
        """The group's id from NSS."""
        try:
            return grp.getgrnam(group).gr_gid
        except KeyError:
            return None


class SystemAccounts:
    """The accounts of the running machine (``/``), made with ``useradd``."""

    def __init__(self, runner: Runner, lookup: Lookup | None = None) -> None:
        self.runner = runner
        self.lookup = lookup or NssLookup()

    def uid(self, user: str) -> int | None:
        """The user's id."""
        return self.lookup.uid(user)

    def gid(self, group: str) -> int | None:
        """The group's id."""
        return self.lookup.gid(group)

    def create(self, account: Account) -> list[str]:
        """``useradd``: the distribution's tool, which locks the files and picks the id."""
        argv = ["useradd", "--user-group", "--no-create-home"]
        if account.kind is AccountKind.SYSTEM:
            argv.append("--system")
        argv += [
            "--home-dir",
            str(account.home),
            "--shell",
            str(account.shell),
            "--comment",
            gecos(account.comment),
            account.name,
        ]
        if self.runner(argv, None) != 0:
            raise InstallerError(f"useradd could not create {account.name!r}")
        return []

    def remove(self, name: str) -> None:
        """``userdel``, then ``groupdel`` for its own group if ``userdel`` left it (it does
        when USERGROUPS_ENAB is off in login.defs). A user still running programs (the
        visitor, logged in by the display manager) is logged out first: ``userdel`` refuses
        an account in use."""
        uid = self.uid(name)
        if uid is not None:
            self._stop_processes(name, uid)
            if self.runner(["userdel", name], None) != 0:
                raise InstallerError(f"userdel could not remove {name!r}")
        if self.gid(name) is not None and self.runner(["groupdel", name], None) != 0:
            raise InstallerError(f"groupdel could not remove the group {name!r}")

    def _stop_processes(self, name: str, uid: int) -> None:
        """End the user's logind sessions, then kill what is left; wait until none runs."""
        if not processes_of(uid):
            return
        logged_out = self.runner(["loginctl", "terminate-user", name], None) == 0
        if logged_out and _wait_gone(uid, STOP_SECONDS):
            return  # without logind (or a session of its own) the programs are killed
        for pid in processes_of(uid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if not _wait_gone(uid, STOP_SECONDS):
            raise InstallerError(f"programs of {name!r} keep running: the account stays")


STOP_SECONDS = 10.0
"""How long a user's programs get to end before they are killed, then before giving up."""


def processes_of(uid: int, proc: Path = Path("/proc")) -> list[int]:
    """The live processes (not zombies) whose real, effective, saved or file-system uid is
    ``uid``."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("State", "").split()[:1] == ["Z"]:
            continue
        if str(uid) in fields.get("Uid", "").split():
            found.append(int(entry.name))
    return found


def _wait_gone(uid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while processes_of(uid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class FileAccounts:
    """The account files of a target folder, edited directly (nothing runs there)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _lines(self, name: str) -> list[str]:
        try:
            return (self.root / name).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def _ids(self, name: str, column: int) -> dict[str, int]:
        ids = {}
        for line in self._lines(name):
            fields = line.split(":")
            if len(fields) > column and fields[column].isdigit():
                ids[fields[0]] = int(fields[column])
        return ids

    def uid(self, user: str) -> int | None:
        """The user's id from the target's ``etc/passwd`` (root is 0 in any case)."""
        return self._ids("etc/passwd", 2).get(user, 0 if user == "root" else None)

    def gid(self, group: str) -> int | None:
        """The group's id from the target's ``etc/group`` (root is 0 in any case)."""
        return self._ids("etc/group", 2).get(group, 0 if group == "root" else None)

    def create(self, account: Account) -> list[str]:
        """Add a line to each of passwd, group, shadow and gshadow (the password locked)."""
        used_uids = set(self._ids("etc/passwd", 2).values())
        used_gids = set(self._ids("etc/group", 2).values())
        ids = SYSTEM_IDS if account.kind is AccountKind.SYSTEM else REGULAR_IDS
        number = next((i for i in ids if i not in used_uids and i not in used_gids), None)
        if number is None:
            raise InstallerError(f"no free id for {account.name!r}")
        lines = {
            "etc/passwd": f"{account.name}:x:{number}:{number}:{gecos(account.comment)}:"
            f"{account.home}:{account.shell}",
            "etc/group": f"{account.name}:x:{number}:",
            "etc/shadow": f"{account.name}:!:::::::",
            "etc/gshadow": f"{account.name}:!::",
        }
        created = []
        for name, line in lines.items():
            if not (self.root / name).exists():
                created.append(name)
            self._write(name, [*self._lines(name), line])
        return created

    def remove(self, name: str) -> None:
        """Take the account's and its group's lines out of the four files."""
        for file in ACCOUNT_FILES:
            lines = self._lines(file)
            kept = [line for line in lines if line.split(":", 1)[0] != name]
            if kept != lines:
                self._write(file, kept)

    def _write(self, name: str, lines: list[str]) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            info = path.stat()
            mode, uid, gid = info.st_mode & 0o7777, info.st_uid, info.st_gid
        except FileNotFoundError:
            mode, uid, gid = _NEW_FILE_MODES[name], 0, 0
        write_atomically(path, "".join(f"{line}\n" for line in lines), mode=mode, owner=(uid, gid))
