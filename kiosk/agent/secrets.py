"""The kiosk's own console token and the console's ticket key, kept with ``keyring`` on a
pinned file backend. The ticket key lets this PC check ticket codes while the console is
unreachable; whoever holds it can make codes, so it gets the token's protection.

Security comes from file permissions, nothing else: the backend is keyrings.alt's
``PlaintextKeyring`` (the token is written as base64, not encrypted), its file lives in a
folder of the agent's own user with mode 0700, and the file itself is 0600. Anyone who can
read that folder (root, or the agent's user) can read the token. An encrypted file backend
would only move the problem to where its password is kept on an unattended PC.

The backend is chosen here, explicitly, never by keyring's own discovery: on a headless PC
keyring would otherwise pick whatever is installed, silently (see notes/platform.md). The
store refuses to work when the folder is not the agent's own or is readable by group or
others, and when the pinned backend is not installed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import stat
from pathlib import Path
from typing import Any, Protocol

from kiosk.agent.errors import StartRefused

SERVICE = "epn-kiosk"
"""The keyring service name of the console token."""

USERNAME = "console-token"
TICKET_KEY_USERNAME = "ticket-key"
KEYRING_FILE = "keyring.cfg"


class UnsafeSecrets(StartRefused):
    """The token's folder or file is not safe, or the pinned backend is missing."""


class TokenStore(Protocol):
    """Where the kiosk keeps its console token."""

    def get(self) -> str | None:
        """The token, or None when the kiosk is not enrolled."""

    def set(self, token: str) -> None:
        """Keep ``token`` (replacing any other)."""

    def delete(self) -> None:
        """Forget the token."""

    def get_ticket_key(self) -> bytes | None:
        """The console's ticket key last received, if any."""

    def set_ticket_key(self, key: bytes) -> None:
        """Keep the console's ticket key (replacing any other)."""


def encode_key(key: bytes) -> str:
    """A key as keyring keeps it (base64url)."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str | None) -> bytes | None:
    """A key kept by :func:`encode_key`; None when missing or damaged."""
    if not text:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


class MemoryTokens:
    """A token store in memory (unit tests)."""

    def __init__(self, token: str | None = None, ticket_key: bytes | None = None) -> None:
        self.token = token
        self.ticket_key = ticket_key

    def get(self) -> str | None:
        """The token, if any."""
        return self.token

    def set(self, token: str) -> None:
        """Keep ``token``."""
        self.token = token

    def delete(self) -> None:
        """Forget the token."""
        self.token = None

    def get_ticket_key(self) -> bytes | None:
        """The ticket key, if any."""
        return self.ticket_key

    def set_ticket_key(self, key: bytes) -> None:
        """Keep the ticket key."""
        self.ticket_key = key


def _pinned_backend() -> Any:
    try:
        from keyrings.alt.file import PlaintextKeyring  # noqa: PLC0415 (only when enrolled)
    except ImportError as exc:
        raise UnsafeSecrets(
            "the pinned keyring backend (keyrings.alt) is not installed; refusing to let "
            "keyring choose another one"
        ) from exc
    return PlaintextKeyring()


def check_private(path: Path, *, folder: bool) -> None:
    """Refuse a folder or file not owned by this user or open to group or others."""
    info = path.lstat()
    kind = "folder" if folder else "file"
    if folder and not stat.S_ISDIR(info.st_mode):
        raise UnsafeSecrets(f"{path} must be a folder (not a link or a file)")
    if not folder and not stat.S_ISREG(info.st_mode):
        raise UnsafeSecrets(f"{path} must be a plain file (not a link)")
    if info.st_uid != os.geteuid():
        raise UnsafeSecrets(f"the secrets {kind} {path} belongs to uid {info.st_uid}, not to us")
    if info.st_mode & 0o077:
        raise UnsafeSecrets(
            f"the secrets {kind} {path} has mode {stat.S_IMODE(info.st_mode):04o}; "
            f"only its owner may use it (chmod {'700' if folder else '600'})"
        )


class KeyringTokens:
    """The console token in a keyring file inside ``folder`` (mode 0700, ours).

    ``create=True`` (enrollment) makes the folder with mode 0700 when it is missing; an
    existing folder is never loosened or tightened silently: a wrong mode is refused.
    """

    def __init__(self, folder: Path, *, create: bool = False) -> None:
        self.folder = folder
        if create and not folder.exists():
            folder.mkdir(mode=0o700, parents=True)
            os.chmod(folder, 0o700)  # whatever the umask was
        if not folder.exists():
            raise UnsafeSecrets(f"the secrets folder {folder} does not exist (not enrolled?)")
        check_private(folder, folder=True)
        self._backend = _pinned_backend()
        self._backend.file_path = str(self.file_path)
        if self.file_path.exists():
            check_private(self.file_path, folder=False)

    @property
    def file_path(self) -> Path:
        """The keyring file."""
        return self.folder / KEYRING_FILE

    def get(self) -> str | None:
        """The token, or None when none was stored."""
        check_private(self.folder, folder=True)
        if not self.file_path.exists():
            return None
        check_private(self.file_path, folder=False)
        token: str | None = self._backend.get_password(SERVICE, USERNAME)
        return token

    def set(self, token: str) -> None:
        """Store ``token``; the file is created 0600 before anything is written to it."""
        self._write(USERNAME, token)

    def get_ticket_key(self) -> bytes | None:
        """The console's ticket key last received (None: never, or unreadable)."""
        check_private(self.folder, folder=True)
        if not self.file_path.exists():
            return None
        check_private(self.file_path, folder=False)
        return decode_key(self._backend.get_password(SERVICE, TICKET_KEY_USERNAME))

    def set_ticket_key(self, key: bytes) -> None:
        """Keep the console's ticket key next to the token, with the same protection."""
        self._write(TICKET_KEY_USERNAME, encode_key(key))

    def _write(self, username: str, secret: str) -> None:
        check_private(self.folder, folder=True)
        if not self.file_path.exists():
            os.close(os.open(self.file_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        else:
            check_private(self.file_path, folder=False)
        self._backend.set_password(SERVICE, username, secret)
        os.chmod(self.file_path, 0o600)

    def delete(self) -> None:
        """Forget the token (nothing happens when there is none)."""
        if self.get() is None:
            return
        with contextlib.suppress(Exception):  # keyring's own "not found" error
            self._backend.delete_password(SERVICE, USERNAME)
