"""Opening hours as staff type them: each day closed or one or two periods, and closures.

Qt-free: the checks here run as each field is typed, so the editor can say what is wrong
next to the field before anything is sent. They follow ``policies.model.OpeningHours``
(a period ends after it starts, two periods of a day do not overlap, a closure ends on or
after its first day); the console checks the whole policy again when it is saved.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from policies.model import WEEKDAYS

PERIODS_PER_DAY = 2
"""Most opening periods a day has in the editor (a morning and an afternoon)."""

# 9:30, 09:30, 9h30 (as Belgian French writes it), 9.30, 0930; a bare 9 or 9h is 9:00.
_TIME = re.compile(r"(\d{1,2})(?:\s*[:hH.]\s*(\d{2})?|(\d{2}))?")


class HoursProblem(StrEnum):
    """What is wrong with what staff typed; the value is the sentence's i18n key."""

    NOT_A_TIME = "hours.not_a_time"
    MISSING_TIME = "hours.missing_time"
    END_BEFORE_START = "hours.end_before_start"
    OVERLAP = "hours.overlap"
    NO_PERIOD = "hours.no_period"
    CLOSURE_END_BEFORE_START = "hours.closure_end_before_start"


def parse_time(text: str) -> dt.time | None:
    """``09:30`` (or ``9:30``, ``9h30``, ``930``) as a time of day; None when it is not one
    (``25:00``, ``9:75``, ``noon``)."""
    found = _TIME.fullmatch(text.strip())
    if found is None:
        return None
    hours = int(found.group(1))
    minutes = int(found.group(2) or found.group(3) or 0)
    if hours > 23 or minutes > 59:
        return None
    return dt.time(hours, minutes)


def time_text(value: str | dt.time | None) -> str:
    """A policy time (``10:00:00``) as staff read and type it (``10:00``)."""
    if value is None or value == "":
        return ""
    found = value if isinstance(value, dt.time) else parse_time(str(value)[:5])
    return f"{found:%H:%M}" if found is not None else str(value)


@dataclass(frozen=True)
class PeriodText:
    """One period as typed: both empty means there is no such period."""

    opens: str = ""
    closes: str = ""

    @property
    def empty(self) -> bool:
        """Nothing typed in either field."""
        return not self.opens.strip() and not self.closes.strip()


@dataclass(frozen=True)
class DayCheck:
    """A day's problem, and which fields it is about as (period index, "opens"/"closes")."""

    problem: HoursProblem | None = None
    fields: tuple[tuple[int, str], ...] = ()
    value: str = ""
    """The text the sentence quotes (the time that is not one)."""


def check_day(closed: bool, periods: Sequence[PeriodText]) -> DayCheck:
    """The first problem of one day as typed (none: ``DayCheck()``)."""
    if closed:
        return DayCheck()
    times: list[tuple[int, dt.time, dt.time]] = []
    for index, period in enumerate(periods):
        if period.empty:
            continue
        for side in ("opens", "closes"):
            typed = getattr(period, side).strip()
            if not typed:
                return DayCheck(HoursProblem.MISSING_TIME, ((index, side),))
            if parse_time(typed) is None:
                return DayCheck(HoursProblem.NOT_A_TIME, ((index, side),), typed)
        opens, closes = parse_time(period.opens), parse_time(period.closes)
        assert opens is not None and closes is not None
        if closes <= opens:
            return DayCheck(HoursProblem.END_BEFORE_START, ((index, "closes"),))
        times.append((index, opens, closes))
    if not times:
        return DayCheck(HoursProblem.NO_PERIOD, ((0, "opens"),))
    times.sort(key=lambda t: t[1])
    for (first, _o1, closes1), (second, opens2, _c2) in itertools.pairwise(times):
        if opens2 < closes1:
            return DayCheck(HoursProblem.OVERLAP, ((first, "closes"), (second, "opens")))
    return DayCheck()


def check_closure(start: dt.date, end: dt.date | None) -> HoursProblem | None:
    """A closure's problem: it cannot end before its first day."""
    if end is not None and end < start:
        return HoursProblem.CLOSURE_END_BEFORE_START
    return None


def day_periods(ranges: Sequence[Mapping[str, Any]] | None) -> list[PeriodText]:
    """A day of the policy (``[{"opens": "10:00:00", "closes": "18:00:00"}]``) as the
    editor's periods, earliest first, always :data:`PERIODS_PER_DAY` of them."""
    found = sorted(ranges or [], key=lambda r: time_text(r.get("opens")))
    periods = [PeriodText(time_text(r.get("opens")), time_text(r.get("closes"))) for r in found]
    return (periods + [PeriodText()] * PERIODS_PER_DAY)[: max(PERIODS_PER_DAY, len(periods))]


def day_ranges(closed: bool, periods: Sequence[PeriodText]) -> list[dict[str, str]]:
    """The editor's day as the policy holds it (checked first with :func:`check_day`)."""
    if closed:
        return []
    out = []
    for period in periods:
        if period.empty:
            continue
        opens, closes = parse_time(period.opens), parse_time(period.closes)
        if opens is None or closes is None:
            raise ValueError(f"not a checked period: {period}")
        out.append({"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"})
    return sorted(out, key=lambda r: r["opens"])


@dataclass(frozen=True)
class ClosureValue:
    """One closure as the editor holds it."""

    start: dt.date
    end: dt.date | None = None
    reason: str = ""

    def as_policy(self) -> dict[str, Any]:
        """As the policy holds it (a one-day closure has no end)."""
        end = None if self.end is None or self.end == self.start else self.end.isoformat()
        return {"start": self.start.isoformat(), "end": end, "reason": self.reason.strip()}

    @classmethod
    def from_policy(cls, data: Mapping[str, Any]) -> ClosureValue:
        """From the policy's plain data."""
        end = data.get("end")
        return cls(
            dt.date.fromisoformat(str(data["start"])),
            dt.date.fromisoformat(str(end)) if end else None,
            str(data.get("reason") or ""),
        )


__all__ = [
    "PERIODS_PER_DAY",
    "WEEKDAYS",
    "ClosureValue",
    "DayCheck",
    "HoursProblem",
    "PeriodText",
    "check_closure",
    "check_day",
    "day_periods",
    "day_ranges",
    "parse_time",
    "time_text",
]
