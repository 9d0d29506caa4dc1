"""The dedicated visitor account: who the wiper erases."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kiosk.agent.system.errors import UnsafeVisitor, VisitorMissing

DEFAULT_VISITOR = "epn-visitor"
"""The name the installer gives the dedicated visitor account."""


@dataclass(frozen=True)
class VisitorAccount:
    """The visitor's user: name, uid and primary gid."""

    name: str
    uid: int
    gid: int


class Accounts(Protocol):
    """Looks up the visitor account by name."""

    def lookup(self, name: str) -> VisitorAccount:
        """The account, or :class:`VisitorMissing`; :class:`UnsafeVisitor` for root."""
        ...


def checked(account: VisitorAccount) -> VisitorAccount:
    """Refuse an account whose processes and files must never be erased: root, or the
    agent's own user (every process of the visitor's uid is killed)."""
    if account.uid == 0 or account.gid == 0:
        raise UnsafeVisitor(f"the visitor {account.name!r} is root")
    if account.uid == os.getuid():
        raise UnsafeVisitor(f"the visitor {account.name!r} is the agent's own user")
    return account


class PasswdAccounts:
    """The real accounts (passwd database through NSS)."""

    def lookup(self, name: str) -> VisitorAccount:
        """The visitor's uid and gid from the passwd database."""
        try:
            entry = pwd.getpwnam(name)
        except KeyError as exc:
            raise VisitorMissing(f"no user named {name!r}: the installer creates it") from exc
        return checked(VisitorAccount(entry.pw_name, entry.pw_uid, entry.pw_gid))


@dataclass
class FakeAccounts:
    """Accounts for unit tests: a fixed table."""

    table: dict[str, VisitorAccount] = field(default_factory=dict)

    def lookup(self, name: str) -> VisitorAccount:
        """The account from the table, or :class:`VisitorMissing`."""
        try:
            return checked(self.table[name])
        except KeyError as exc:
            raise VisitorMissing(f"no user named {name!r}") from exc


def home_of(name: str) -> Path:
    """Where the passwd database puts a user's home (the mount point of the tmpfs home)."""
    try:
        return Path(pwd.getpwnam(name).pw_dir)
    except KeyError as exc:
        raise VisitorMissing(f"no user named {name!r}: the installer creates it") from exc
