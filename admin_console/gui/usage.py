"""The usage review (managers): what ``GET /api/usage`` says about a period, as tables,
bar charts and totals; CSV exports of ``GET /api/usage.csv``.

:class:`UsageReport` is plain data read from the console's JSON, so it is tested without
Qt or a server; :class:`UsageReview` only fetches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Signal

from admin_console.gui import i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section
from policies import Language

KINDS = ("walk_in", "ticket", "member", "workshop")


class Preset(StrEnum):
    """The periods managers ask for most (the funder's report is yearly)."""

    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"
    LAST_YEAR = "last_year"


def preset_range(preset: Preset, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) of ``preset`` seen from ``today``."""
    if preset is Preset.THIS_MONTH:
        start = today.replace(day=1)
        return start, _month_end(start)
    if preset is Preset.LAST_MONTH:
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    year = today.year if preset is Preset.THIS_YEAR else today.year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class UsageRow:
    """The counts of one day, hour, PC or the whole period."""

    sessions: int = 0
    visitor_seconds: int = 0
    occupancy: float | None = None
    pages: int = 0
    sheets: int = 0
    cost_cents: int = 0
    accompanied_seconds: int = 0
    help_calls: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UsageRow:
        """Read the ``UsageRow`` fields of an entry (others are ignored)."""
        occupancy = data.get("occupancy")
        return cls(
            sessions=int(data.get("sessions") or 0),
            visitor_seconds=int(data.get("visitor_seconds") or 0),
            occupancy=float(occupancy) if isinstance(occupancy, int | float) else None,
            pages=int(data.get("pages") or 0),
            sheets=int(data.get("sheets") or 0),
            cost_cents=int(data.get("cost_cents") or 0),
            accompanied_seconds=int(data.get("accompanied_seconds") or 0),
            help_calls=int(data.get("help_calls") or 0),
        )

    @property
    def visitor_hours(self) -> float:
        """Hours of visitors at PCs."""
        return self.visitor_seconds / 3600


@dataclass(frozen=True)
class Keyed:
    """A row with what it is about: a day, an hour of the day or a PC."""

    key: str
    label: str
    row: UsageRow
    kinds: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UsageReport:
    """A period's usage, as ``GET /api/usage`` returns it."""

    start: dt.date
    end: dt.date
    totals: UsageRow
    by_kind: Mapping[str, int]
    per_day: Sequence[Keyed]
    per_hour: Sequence[Keyed]
    per_kiosk: Sequence[Keyed]
    workshops: Sequence[Mapping[str, Any]]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UsageReport:
        """Read the console's answer."""
        days = []
        for entry in data.get("per_day") or ():
            day = dt.date.fromisoformat(str(entry["day"]))
            kinds = {k: int(entry.get(k) or 0) for k in KINDS}
            days.append(Keyed(day.isoformat(), f"{day:%d/%m}", UsageRow.from_json(entry), kinds))
        hours = [
            Keyed(str(e["hour"]), f"{int(e['hour']):02d}h", UsageRow.from_json(e))
            for e in data.get("per_hour") or ()
        ]
        kiosks = [
            Keyed(
                str(e["kiosk_id"]), str(e.get("kiosk_name") or e["kiosk_id"]), UsageRow.from_json(e)
            )
            for e in data.get("per_kiosk") or ()
        ]
        raw_kinds = data.get("by_kind") or {}
        return cls(
            start=dt.date.fromisoformat(str(data["start"])),
            end=dt.date.fromisoformat(str(data["end"])),
            totals=UsageRow.from_json(data.get("totals") or {}),
            by_kind={k: int(raw_kinds.get(k) or 0) for k in KINDS},
            per_day=days,
            per_hour=sorted(hours, key=lambda k: int(k.key)),
            per_kiosk=kiosks,
            workshops=list(data.get("workshops") or ()),
        )


def hours_text(seconds: int) -> str:
    """``12 h 05``."""
    minutes = seconds // 60
    return f"{minutes // 60} h {minutes % 60:02d}"


def money(cents: int) -> str:
    """``12,30 €`` (Belgian writing)."""
    return f"{cents // 100},{cents % 100:02d}\u00a0€"


def occupancy_text(value: float | None) -> str:
    """``42 %``; a dash when the console could not compute it."""
    return "—" if value is None else f"{round(value * 100)}\u00a0%"


COLUMNS: Sequence[tuple[str, Callable[[UsageRow], str]]] = (
    ("usage.col.sessions", lambda r: str(r.sessions)),
    ("usage.col.hours", lambda r: hours_text(r.visitor_seconds)),
    ("usage.col.occupancy", lambda r: occupancy_text(r.occupancy)),
    ("usage.col.pages", lambda r: str(r.pages)),
    ("usage.col.sheets", lambda r: str(r.sheets)),
    ("usage.col.cost", lambda r: money(r.cost_cents)),
    ("usage.col.accompanied", lambda r: hours_text(r.accompanied_seconds)),
    ("usage.col.help", lambda r: str(r.help_calls)),
)
"""The table columns after the first (the day, hour or PC): header key and cell."""


def table(
    rows: Sequence[Keyed], first: str, language: Language
) -> tuple[list[str], list[list[str]]]:
    """Header and cells of a table whose first column is ``first`` (a text key); rows that
    carry the kind split (days) end with one column per kind of session."""
    header = [i18n.text(first, language)] + [i18n.text(key, language) for key, _ in COLUMNS]
    split = any(k.kinds for k in rows)
    if split:
        header += [i18n.text(f"kind.{kind}", language) for kind in KINDS]
    cells = []
    for k in rows:
        line = [k.label] + [cell(k.row) for _, cell in COLUMNS]
        if split:
            line += [str(k.kinds.get(kind, 0)) for kind in KINDS]
        cells.append(line)
    return header, cells


def totals_lines(report: UsageReport, language: Language) -> list[str]:
    """The period's totals in sentences, and the split by kind of session."""
    t = report.totals
    kinds = ", ".join(
        f"{i18n.text(f'kind.{k}', language)} {report.by_kind.get(k, 0)}" for k in KINDS
    )
    return [
        i18n.text(
            "usage.totals",
            language,
            sessions=t.sessions,
            hours=hours_text(t.visitor_seconds),
            occupancy=occupancy_text(t.occupancy),
        ),
        i18n.text(
            "usage.totals_print",
            language,
            pages=t.pages,
            sheets=t.sheets,
            cost=money(t.cost_cents),
        ),
        i18n.text(
            "usage.totals_help",
            language,
            calls=t.help_calls,
            hours=hours_text(t.accompanied_seconds),
        ),
        i18n.text("usage.by_kind", language, kinds=kinds),
    ]


def workshop_table(report: UsageReport, language: Language) -> tuple[list[str], list[list[str]]]:
    """The period's workshops: when, title, length, participants, PCs that started it."""
    header = [
        i18n.text(key, language)
        for key in (
            "usage.col.when",
            "workshop.title",
            "workshop.minutes",
            "workshop.participants",
            "usage.col.pcs",
        )
    ]
    rows = []
    for workshop in report.workshops:
        started = dt.datetime.fromisoformat(str(workshop["started_at"])).astimezone()
        results = workshop.get("results") or []
        ok = sum(1 for r in results if isinstance(r, Mapping) and r.get("ok"))
        rows.append(
            [
                f"{started:%d/%m/%Y %H:%M}",
                str(workshop.get("title", "")),
                f"{workshop.get('minutes', 0)} min",
                str(workshop.get("participants", 0)),
                f"{ok}/{len(workshop.get('kiosk_ids') or results)}",
            ]
        )
    return header, rows


@dataclass(frozen=True)
class Bars:
    """A bar chart's data: labels and values, with the unit said under it."""

    title: str
    labels: Sequence[str]
    values: Sequence[float]


MONTHLY_AFTER_DAYS = 62
"""Longer periods chart visitor hours per month: a year of daily bars is unreadable."""


def _hours_chart(report: UsageReport, language: Language) -> Bars:
    if len(report.per_day) <= MONTHLY_AFTER_DAYS:
        return Bars(
            i18n.text("usage.chart.hours_per_day", language),
            [k.label for k in report.per_day],
            [round(k.row.visitor_hours, 1) for k in report.per_day],
        )
    months: dict[str, float] = {}
    for keyed in report.per_day:
        month = f"{keyed.key[5:7]}/{keyed.key[:4]}"
        months[month] = months.get(month, 0.0) + keyed.row.visitor_hours
    return Bars(
        i18n.text("usage.chart.hours_per_month", language),
        list(months),
        [round(hours, 1) for hours in months.values()],
    )


def charts(report: UsageReport, language: Language) -> list[Bars]:
    """Visitor hours per day (per month over a long period), sessions per hour of the day,
    pages per PC."""
    return [
        _hours_chart(report, language),
        Bars(
            i18n.text("usage.chart.sessions_per_hour", language),
            [k.label for k in report.per_hour],
            [k.row.sessions for k in report.per_hour],
        ),
        Bars(
            i18n.text("usage.chart.pages_per_pc", language),
            [k.label for k in report.per_kiosk],
            [k.row.pages for k in report.per_kiosk],
        ),
    ]


CSV_TABLES = ("day", "hour", "kiosk", "sessions")


class UsageReview(Section):
    """Fetches a period's report and its CSV exports."""

    loaded = Signal()
    exported = Signal(str)
    """A CSV was saved: where."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report: UsageReport | None = None

    def load(self, start: dt.date, end: dt.date) -> None:
        """Ask for the period ``start``..``end`` (both included); ``loaded`` follows."""
        self.call(
            "GET", f"/api/usage?start={start.isoformat()}&end={end.isoformat()}", None, self._loaded
        )

    def _loaded(self, reply: Reply) -> None:
        if isinstance(reply.body, dict):
            self.report = UsageReport.from_json(reply.body)
            self.loaded.emit()

    def export(self, start: dt.date, end: dt.date, which: str, path: str) -> None:
        """Save ``GET /api/usage.csv`` for one table to ``path``; ``exported`` follows."""

        def save(reply: Reply) -> None:
            with open(path, "wb") as out:
                out.write(reply.raw)
            self.exported.emit(path)

        query = f"start={start.isoformat()}&end={end.isoformat()}&table={which}"
        self.call("GET", f"/api/usage.csv?{query}", None, save)
