"""The usage review: anonymous figures of a period, from the sessions table.

Definitions (local days and hours of the EPN's time zone):

- a session is counted, with its pages and cost, in the day and hour it **started**;
- its visitor time is **split** over the days and hours it overlaps (a session from 16:40 to
  17:20 gives 20 minutes to 16h and 20 to 17h); a running session counts up to now, one whose
  end never arrived up to the time it was given;
- help calls and accompanied time count where the call was made;
- occupancy = visitor time / (enrolled PCs not revoked x seconds open in that period per the
  console's current opening hours); one PC for a PC's own row; None when closed all along.

Pure functions on plain values: the API reads the repositories and calls :func:`report`.
Whatever the stored rows say (written before the protocol bounded them, or by hand: a
session of 10^15 seconds, one from year 1 to year 9999, an end before the start), a
session's visitor time is at most :data:`MAX_SESSION_SECONDS` from its start and never
before it, so the review of any period the API accepts (2000-2099) never fails.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from admin_console.api.usage import (
    UsageByKind,
    UsageDay,
    UsageHour,
    UsageKiosk,
    UsageReport,
    UsageRow,
    UsageSite,
)
from admin_console.api.workshops import Workshop
from admin_console.server.db.repositories.help import HelpCall
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.db.repositories.sessions import SessionFacts
from epn_shared.protocol import MAX_SESSION_SECONDS
from policies import Policy

MAX_DAYS = 366
KINDS = ("walk_in", "ticket", "member", "workshop")


def bounds(start: dt.date, end: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants of local midnight starting ``start`` and ending ``end``."""
    return _midnight(start, tz), _midnight(end + dt.timedelta(days=1), tz)


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def _after(start: dt.datetime, seconds: float) -> dt.datetime:
    try:
        return start + dt.timedelta(seconds=max(0.0, min(seconds, MAX_SESSION_SECONDS)))
    except OverflowError:  # a start in the last month of year 9999
        return start


def session_end(session: SessionFacts, now: dt.datetime) -> dt.datetime:
    """Where a session's visitor time stops: its end; for one still running (or whose end
    never arrived) now, at most the time it was given; never more than
    :data:`MAX_SESSION_SECONDS` after its start, never before it."""
    start = session.started_at
    longest = _after(start, MAX_SESSION_SECONDS)
    if session.ended_at is not None:
        return max(start, min(session.ended_at, longest))
    given = (session.granted_seconds or 0) + (session.extended_seconds or 0)
    return max(start, min(now, _after(start, given)))


def split_by_hour(
    begin: dt.datetime, end: dt.datetime, tz: ZoneInfo
) -> Iterator[tuple[dt.date, int, float]]:
    """(local day, local hour, seconds) of each local hour that [begin, end) overlaps."""
    cursor = begin.astimezone(dt.UTC)
    stop = end.astimezone(dt.UTC)
    while cursor < stop:
        local = cursor.astimezone(tz)
        into = dt.timedelta(
            minutes=local.minute, seconds=local.second, microseconds=local.microsecond
        )
        piece_end = min(cursor + dt.timedelta(hours=1) - into, stop)
        yield local.date(), local.hour, (piece_end - cursor).total_seconds()
        cursor = piece_end


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def open_seconds_by_hour(policy: Policy, day: dt.date) -> list[int]:
    """Seconds the room is open in each local hour of ``day`` (24 numbers)."""
    hours = [0] * 24
    for period in policy.opening_hours.ranges_on(day):
        opens, closes = _seconds(period.opens), _seconds(period.closes)
        for hour in range(opens // 3600, min(24, (closes - 1) // 3600 + 1)):
            low, high = max(opens, hour * 3600), min(closes, (hour + 1) * 3600)
            hours[hour] += max(0, high - low)
    return hours


@dataclass
class _Acc:
    sessions: int = 0
    visitor_seconds: float = 0.0
    open_seconds: int = 0
    pages: int = 0
    sheets: int = 0
    cost_cents: int = 0
    accompanied_seconds: int = 0
    help_calls: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add_session(self, session: SessionFacts) -> None:
        self.sessions += 1
        self.pages += session.pages
        self.sheets += session.sheets
        self.cost_cents += session.cost_cents
        if session.login in self.kinds:
            self.kinds[session.login] += 1

    def add_call(self, call: HelpCall) -> None:
        self.help_calls += 1
        self.accompanied_seconds += call.accompanied_seconds or 0

    def row(self, pcs: int) -> dict[str, object]:
        capacity = pcs * self.open_seconds
        return {
            "sessions": self.sessions,
            "visitor_seconds": round(self.visitor_seconds),
            "occupancy": self.visitor_seconds / capacity if capacity else None,
            "pages": self.pages,
            "sheets": self.sheets,
            "cost_cents": self.cost_cents,
            "accompanied_seconds": self.accompanied_seconds,
            "help_calls": self.help_calls,
        }


@dataclass(frozen=True)
class Period:
    """A period of local days (``end`` included) in a time zone."""

    start: dt.date
    end: dt.date
    tz: ZoneInfo

    def days(self) -> list[dt.date]:
        """Every day of the period."""
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=n) for n in range(count)]

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Its first and (exclusive) last instant."""
        return bounds(self.start, self.end, self.tz)


def report(
    period: Period,
    *,
    sessions: Sequence[SessionFacts],
    calls: Sequence[HelpCall],
    kiosks: Sequence[Kiosk],
    workshops: Sequence[Workshop],
    policy: Policy,
    now: dt.datetime,
    sites: Mapping[int, tuple[str, Policy]] | None = None,
) -> UsageReport:
    """The usage report of ``period``; ``kiosks`` includes revoked PCs (for their names).
    ``sites`` names each site of the review with the policy its PCs run, for the per-site
    table (whose occupancy follows each site's own opening hours)."""
    tz = period.tz
    low, high = period.bounds()
    pcs = sum(1 for k in kiosks if k.revoked_at is None)
    days = period.days()
    total = _Acc()
    per_day = {day: _Acc() for day in days}
    per_hour = [_Acc() for _ in range(24)]
    per_kiosk = {k.id: _Acc() for k in kiosks if k.revoked_at is None}
    for day in days:
        hours = open_seconds_by_hour(policy, day)
        per_day[day].open_seconds = sum(hours)
        for hour, seconds in enumerate(hours):
            per_hour[hour].open_seconds += seconds
    total.open_seconds = sum(a.open_seconds for a in per_day.values())

    for session in sessions:
        mine = per_kiosk.setdefault(session.kiosk_id, _Acc())
        if low <= session.started_at < high:
            local = session.started_at.astimezone(tz)
            for acc in (total, per_day[local.date()], per_hour[local.hour], mine):
                acc.add_session(session)
        begin, end = max(session.started_at, low), min(session_end(session, now), high)
        for day, hour, piece in split_by_hour(begin, end, tz):
            for acc in (total, per_day[day], per_hour[hour], mine):
                acc.visitor_seconds += piece
    for call in calls:
        local = call.requested_at.astimezone(tz)
        mine = per_kiosk.setdefault(call.kiosk_id, _Acc())
        for acc in (total, per_day[local.date()], per_hour[local.hour], mine):
            acc.add_call(call)
    for acc in per_kiosk.values():
        acc.open_seconds = total.open_seconds

    names = {k.id: k.name for k in kiosks}
    per_site = _per_site(period, kiosks, per_kiosk, sites or {})
    return UsageReport(
        start=period.start,
        end=period.end,
        pcs=pcs,
        totals=UsageRow.model_validate(total.row(pcs)),
        by_kind=UsageByKind(**total.kinds),
        per_day=[
            UsageDay.model_validate({**acc.row(pcs), **acc.kinds, "day": day})
            for day, acc in per_day.items()
        ],
        per_hour=[
            UsageHour.model_validate({**acc.row(pcs), "hour": hour})
            for hour, acc in enumerate(per_hour)
        ],
        per_kiosk=[
            UsageKiosk.model_validate(
                {**acc.row(1), "kiosk_id": kiosk_id, "kiosk_name": names.get(kiosk_id, "?")}
            )
            for kiosk_id, acc in sorted(
                per_kiosk.items(), key=lambda item: (names.get(item[0], ""), item[0])
            )
        ],
        per_site=per_site,
        workshops=list(workshops),
    )


def _per_site(
    period: Period,
    kiosks: Sequence[Kiosk],
    per_kiosk: Mapping[int, _Acc],
    sites: Mapping[int, tuple[str, Policy]],
) -> list[UsageSite]:
    """One row per site: the sums of its PCs, its occupancy by its own opening hours."""
    site_of = {k.id: k.site_id for k in kiosks}
    rows = []
    for site_id, (name, policy) in sorted(sites.items(), key=lambda item: (item[1][0], item[0])):
        acc = _Acc()
        acc.open_seconds = sum(sum(open_seconds_by_hour(policy, day)) for day in period.days())
        pcs = sum(1 for k in kiosks if k.site_id == site_id and k.revoked_at is None)
        for kiosk_id, mine in per_kiosk.items():
            if site_of.get(kiosk_id) != site_id:
                continue
            for name_ in ("sessions", "pages", "sheets", "cost_cents"):
                setattr(acc, name_, getattr(acc, name_) + getattr(mine, name_))
            acc.visitor_seconds += mine.visitor_seconds
            acc.accompanied_seconds += mine.accompanied_seconds
            acc.help_calls += mine.help_calls
        rows.append(
            UsageSite.model_validate(
                {**acc.row(pcs), "site_id": site_id, "site_name": name, "pcs": pcs}
            )
        )
    return rows


# -- CSV -----------------------------------------------------------------------------------

_FIGURES = (
    "sessions",
    "visitor_seconds",
    "occupancy",
    "pages",
    "sheets",
    "cost_eur",
    "accompanied_seconds",
    "help_calls",
)


def euros(cents: int) -> str:
    """Cents as euros with two decimals: ``1234`` -> ``12.34``."""
    return f"{cents // 100}.{cents % 100:02d}"


def _text(value: str) -> str:
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _figures(row: UsageRow) -> list[object]:
    occupancy = "" if row.occupancy is None else f"{row.occupancy:.4f}"
    return [
        row.sessions,
        row.visitor_seconds,
        occupancy,
        row.pages,
        row.sheets,
        euros(row.cost_cents),
        row.accompanied_seconds,
        row.help_calls,
    ]


def _write(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_table(usage: UsageReport, table: str) -> str:
    """The ``day``, ``hour``, ``kiosk`` or ``site`` table of a report as CSV, with a header
    row."""
    if table == "day":
        return _write(
            ("day", *KINDS, *_FIGURES),
            (
                [d.day.isoformat(), d.walk_in, d.ticket, d.member, d.workshop, *_figures(d)]
                for d in usage.per_day
            ),
        )
    if table == "hour":
        return _write(("hour", *_FIGURES), ([h.hour, *_figures(h)] for h in usage.per_hour))
    if table == "kiosk":
        return _write(
            ("kiosk", *_FIGURES),
            ([_text(k.kiosk_name), *_figures(k)] for k in usage.per_kiosk),
        )
    if table == "site":
        return _write(
            ("site", "pcs", *_FIGURES),
            ([_text(x.site_name), x.pcs, *_figures(x)] for x in usage.per_site),
        )
    raise ValueError(f"no table {table!r}")


def csv_sessions(
    period: Period, sessions: Sequence[SessionFacts], kiosks: Sequence[Kiosk], now: dt.datetime
) -> str:
    """One row per session that started in the period: no card number, no ticket."""
    low, high = period.bounds()
    names = {k.id: k.name for k in kiosks}

    def local(at: dt.datetime) -> str:
        try:
            return at.astimezone(period.tz).strftime("%Y-%m-%d %H:%M:%S")
        except OverflowError:  # a stored end in year 9999, past the local calendar
            return at.strftime("%Y-%m-%d %H:%M:%S UTC")

    rows = []
    for s in sessions:
        if not low <= s.started_at < high:
            continue
        used = (session_end(s, now) - s.started_at).total_seconds()
        rows.append(
            [
                _text(names.get(s.kiosk_id, "?")),
                local(s.started_at),
                "" if s.ended_at is None else local(s.ended_at),
                _text(s.login or ""),
                _text(s.language or ""),
                round(used / 60),
                s.pages,
                euros(s.cost_cents),
                "yes" if s.helped else "no",
            ]
        )
    return _write(
        ("kiosk", "started", "ended", "kind", "language", "minutes", "pages", "cost_eur", "helped"),
        rows,
    )
