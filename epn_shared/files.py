"""Replacing a file at once: a crash or a power cut leaves the old file or the new one, never
a torn one (the wipe journal, the kiosk's console settings and cached policy, the lockdown
files, the installer's files and approvals of print jobs all rely on it)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(
    path: Path, data: bytes | str, *, mode: int = 0o600, owner: tuple[int, int] | None = None
) -> None:
    """Replace ``path`` by a file holding ``data`` (text as UTF-8), with ``mode`` and, when
    given, ``owner`` (uid, gid).

    The data goes to a temporary file beside ``path``, is fsync'd, renamed over ``path`` (a
    symlink there is replaced, not followed), then the folder is fsync'd, else the rename
    itself may be lost in a power cut. A failure leaves ``path`` as it was and no temporary
    file behind. The folder must exist.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if owner is not None:
            os.chown(temporary, *owner)
        # Explicit, and after chown (which clears setuid bits): mkstemp makes 0600, and the
        # umask must not decide the mode.
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
