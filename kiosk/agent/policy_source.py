"""Where the agent's policy comes from, and noticing when that file changes."""

from __future__ import annotations

import os
from pathlib import Path

from policies import Policy, default_policy, load_policy

_Signature = tuple[int, int, int] | None


class PolicySource:
    """The bundled default policy, or a policy file watched for changes.

    :meth:`load` raises ``policies.InvalidPolicy`` (naming the bad fields); the agent keeps
    the last good policy in force when it does.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._seen: _Signature = self._signature()

    def describe(self) -> str:
        """The file's path, or that the bundled default is used."""
        return "(bundled default)" if self.path is None else str(self.path)

    def load(self) -> Policy:
        """Read the policy now (and remember the file as seen)."""
        self._seen = self._signature()
        if self.path is None:
            return default_policy()
        return load_policy(self.path)

    def changed(self) -> bool:
        """True when the file was modified, replaced or removed since the last :meth:`load`."""
        return self.path is not None and self._signature() != self._seen

    def _signature(self) -> _Signature:
        if self.path is None:
            return None
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        # Inode too: editors often save by writing a new file and renaming it over the old.
        return (info.st_mtime_ns, info.st_size, info.st_ino)
