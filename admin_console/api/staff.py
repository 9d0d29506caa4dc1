"""Staff accounts: roles, logging in, who a token belongs to."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from admin_console.api.types import RequestBody, RowId
from epn_shared.protocol import StaffLanguage
from epn_shared.staff_pins import PIN_DIGITS

MIN_PASSWORD_LENGTH = 8
"""The shortest password the console takes (the window checks the same rule as typed)."""
MAX_PASSWORD_LENGTH = 200
USERNAME_MAX = 80
DISPLAY_NAME_MAX = 40


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

    username: str = Field(min_length=1, max_length=USERNAME_MAX)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


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
    display_name: str = Field("", description="How the PCs greet them; empty: the username.")
    language: StaffLanguage = "fr"
    has_pin: bool = Field(False, description="They have their own PIN for the PCs' staff key.")


class PasswordProblem(StrEnum):
    """Why a new password is refused (the window says each in staff's language)."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    SAME_AS_USERNAME = "same_as_username"


def password_problem(username: str, password: str) -> PasswordProblem | None:
    """What is wrong with ``password`` as the new password of ``username`` (None: fine).
    The console and the window apply this one rule."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordProblem.TOO_LONG
    if password.strip().casefold() == username.strip().casefold():
        return PasswordProblem.SAME_AS_USERNAME
    return None


_PASSWORD_SENTENCES = {
    PasswordProblem.TOO_SHORT: f"a password has at least {MIN_PASSWORD_LENGTH} characters",
    PasswordProblem.TOO_LONG: f"a password has at most {MAX_PASSWORD_LENGTH} characters",
    PasswordProblem.SAME_AS_USERNAME: "the password must not be the username",
}


def password_sentence(problem: PasswordProblem) -> str:
    """The problem in English, for the API's errors and the command line."""
    return _PASSWORD_SENTENCES[problem]


class FirstAdminState(BaseModel):
    """Whether the first admin account can be made here, without a terminal."""

    needed: bool = Field(description="The console has no staff account at all.")
    allowed_here: bool = Field(
        description="This request comes from the console machine itself, where the first "
        "admin account may be made."
    )


class FirstAdminRequest(RequestBody):
    """The first admin account: a username and a password (typed twice in the window).
    Spaces around the username are dropped, never around the password."""

    username: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        min_length=1, max_length=USERNAME_MAX
    )
    password: str = Field(  # as typed: a space at either end is part of it
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description=f"At least {MIN_PASSWORD_LENGTH} characters, not the username.",
    )

    @model_validator(mode="after")
    def _not_the_username(self) -> FirstAdminRequest:
        problem = password_problem(self.username, self.password)
        if problem is not None:
            raise ValueError(_PASSWORD_SENTENCES[problem])
        return self


# -- the team: accounts managed by managers and admins -----------------------------------

Username = Annotated[str, StringConstraints(strip_whitespace=True)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True)]


class StaffAccount(BaseModel):
    """One staff account as the team list shows it (never a hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    language: StaffLanguage
    disabled: bool
    has_pin: bool
    pin_set_at: dt.datetime | None
    created_at: dt.datetime


class StaffList(BaseModel):
    """The team."""

    staff: list[StaffAccount]


class NewStaff(RequestBody):
    """A new account: its first password is typed by whoever makes it, and told to the
    new colleague, who changes it. A manager makes animators and managers; only an admin
    makes an admin."""

    username: Username = Field(min_length=1, max_length=USERNAME_MAX)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    role: Role
    display_name: DisplayName = Field("", max_length=DISPLAY_NAME_MAX)
    language: StaffLanguage = "fr"

    @model_validator(mode="after")
    def _not_the_username(self) -> NewStaff:
        problem = password_problem(self.username, self.password)
        if problem is not None:
            raise ValueError(_PASSWORD_SENTENCES[problem])
        return self


class StaffChange(RequestBody):
    """What a manager or admin changes on a colleague's account; a field left out stays.
    Disabling logs the account out everywhere at once and revokes its PIN on every PC."""

    role: Role | None = None
    display_name: DisplayName | None = Field(None, max_length=DISPLAY_NAME_MAX)
    language: StaffLanguage | None = None
    disabled: bool | None = None


class NewPassword(RequestBody):
    """A password set for an account (a reset by a manager or admin, or one's own)."""

    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    current_password: str | None = Field(
        None,
        max_length=MAX_PASSWORD_LENGTH,
        description="One's own password now: needed to change one's own password.",
    )


class NewPin(RequestBody):
    """One's own PIN for the staff key at the PCs (digits); None clears it."""

    pin: str | None = Field(
        min_length=PIN_DIGITS[0],
        max_length=PIN_DIGITS[1],
        description=f"{PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits, not one repeated digit "
        "nor digits in a row.",
    )
    current_password: str = Field(
        min_length=1, max_length=MAX_PASSWORD_LENGTH, description="One's own password now."
    )


class MyChange(RequestBody):
    """What a staff member changes on their own account; a field left out stays."""

    display_name: DisplayName | None = Field(None, max_length=DISPLAY_NAME_MAX)
    language: StaffLanguage | None = None


StaffId = RowId
