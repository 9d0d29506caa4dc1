"""Staff accounts: roles, logging in, who a token belongs to."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from admin_console.api.types import RequestBody


class Role(StrEnum):
    """What a staff member may do; each role may do everything the ones below may."""

    ANIMATOR = "animator"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in animator < manager < admin."""
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        """True if this role may do what ``needed`` may."""
        return self.rank >= needed.rank


_RANKS = {Role.ANIMATOR: 0, Role.MANAGER: 1, Role.ADMIN: 2}


class LoginRequest(RequestBody):
    """A staff member's username and password."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(BaseModel):
    """The bearer token (shown once) and when it expires."""

    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    username: str
    role: Role


class Me(BaseModel):
    """Who the token belongs to."""

    id: int
    username: str
    role: Role
    token_expires_at: dt.datetime
