"""The kiosks' policy as set at the console: the one in force, a change, the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from admin_console.api.types import RequestBody


class PolicyState(BaseModel):
    """The kiosks' policy in force, as set at the console."""

    version: int = Field(description="1, 2, 3... each change; 0: the bundled default, unchanged.")
    policy: dict[str, Any] = Field(description="The full policy, as plain data.")
    policy_version: str = Field(description="The policy's content hash, as PCs report it.")
    changed_at: dt.datetime | None
    changed_by: str | None


class PolicyChange(RequestBody):
    """A new policy: all of it or only what differs, merged over the bundled default."""

    policy: dict[str, Any]


class PolicyHistoryItem(BaseModel):
    """One version of the policy."""

    version: int
    policy_version: str
    changed_at: dt.datetime
    changed_by: str
