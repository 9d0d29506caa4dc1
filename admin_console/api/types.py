"""What every body of the staff API shares: bounded ids, days and times, the strict base of
request bodies, and the error shape.

Every value that comes in is bounded: integers are JSON integers (not strings, floats or
booleans) within the range a column holds, ids fit the database's 32-bit keys, and times
and days lie between 2000 and 2099, so no request can overflow a column, a date or a sum
further down (a 422 naming the field instead)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from epn_shared.protocol import reject_nul

MAX_ID = 2**31 - 1
"""Largest row id (the database's keys are 32-bit)."""
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
"""The calendar the console works in: days and times outside it are refused."""
_FIRST = dt.datetime.combine(FIRST_DAY, dt.time(), tzinfo=dt.UTC)
_END = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def in_calendar_day(value: dt.date) -> dt.date:
    """``value`` if it lies in 2000-2099, else ValueError (a 422 naming the field)."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


def in_calendar(value: dt.datetime) -> dt.datetime:
    """``value`` (without an offset: UTC) if it lies in 2000-2099, else ValueError."""
    # Compared, not converted: year 1 at +05:00 would overflow on the way to UTC.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if not _FIRST <= aware < _END:
        raise ValueError(f"must be from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


Day = Annotated[dt.date, AfterValidator(in_calendar_day)]
"""A day in 2000-2099."""
Instant = Annotated[dt.datetime, AfterValidator(in_calendar)]
"""A time in 2000-2099 (without an offset: UTC)."""
RowId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
"""An id of a row (a PC, a print job)."""


class RequestBody(BaseModel):
    """A request's body: unknown fields and NUL characters are refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return reject_nul(data)


class Problem(BaseModel):
    """An error: ``detail`` says what is wrong (for bad input: which field, and why)."""

    detail: str
    errors: list[dict[str, Any]] | None = None
