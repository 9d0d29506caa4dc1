"""The usage review (managers): what ``GET /api/usage`` says about a period, as tables,
bar charts and totals; CSV exports of ``GET /api/usage.csv``.

The report is the API's :class:`~admin_console.api.usage.UsageReport`; the functions here
turn it into table lines, sentences and bars, so they are tested without Qt or a server;
:class:`UsageReview` only fetches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.usage import UsageByKind, UsageReport, UsageRow
from admin_console.gui import calls, formats, i18n
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


def visitor_hours(row: UsageRow) -> float:
    """Hours of visitors at PCs."""
    return row.visitor_seconds / 3600


@dataclass(frozen=True)
class Keyed:
    """A row with what it is about, as a table line or a bar: a day, an hour of the day
    or a PC, its label, and (days only) its sessions by kind."""

    key: str
    label: str
    row: UsageRow
    kinds: Mapping[str, int] = field(default_factory=dict)


def kinds_of(counts: UsageByKind) -> dict[str, int]:
    """Sessions by how they started, in :data:`KINDS`' order."""
    return {kind: getattr(counts, kind) for kind in KINDS}


def per_day(report: UsageReport, language: Language) -> list[Keyed]:
    """The period's days, labelled as the language writes a day of the month (``02/03``)."""
    return [
        Keyed(d.day.isoformat(), formats.day_of_month(d.day, language), d, kinds_of(d))
        for d in report.per_day
    ]


def per_hour(report: UsageReport) -> list[Keyed]:
    """The hours of the day, in the day's order, labelled ``09h``."""
    hours = sorted(report.per_hour, key=lambda h: h.hour)
    return [Keyed(str(h.hour), f"{h.hour:02d}h", h) for h in hours]


def per_kiosk(report: UsageReport) -> list[Keyed]:
    """The PCs, labelled by name."""
    return [Keyed(str(k.kiosk_id), k.kiosk_name or str(k.kiosk_id), k) for k in report.per_kiosk]


def occupancy_text(value: float | None, language: Language) -> str:
    """``42 %`` (as the language writes a percentage); a dash when the console could not
    compute it."""
    return "—" if value is None else formats.percent(value, language)


COLUMNS: Sequence[tuple[str, Callable[[UsageRow, Language], str]]] = (
    ("usage.col.sessions", lambda r, _: str(r.sessions)),
    ("usage.col.hours", lambda r, lang: formats.duration(r.visitor_seconds, lang)),
    ("usage.col.occupancy", lambda r, lang: occupancy_text(r.occupancy, lang)),
    ("usage.col.pages", lambda r, _: str(r.pages)),
    ("usage.col.sheets", lambda r, _: str(r.sheets)),
    ("usage.col.cost", lambda r, lang: formats.money(r.cost_cents, lang)),
    ("usage.col.accompanied", lambda r, lang: formats.duration(r.accompanied_seconds, lang)),
    ("usage.col.help", lambda r, _: str(r.help_calls)),
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
        line = [k.label] + [cell(k.row, language) for _, cell in COLUMNS]
        if split:
            line += [str(k.kinds.get(kind, 0)) for kind in KINDS]
        cells.append(line)
    return header, cells


def totals_lines(report: UsageReport, language: Language) -> list[str]:
    """The period's totals in sentences, and the split by kind of session."""
    t = report.totals
    kinds = formats.listed(
        [f"{i18n.text(f'kind.{k}', language)} {n}" for k, n in kinds_of(report.by_kind).items()],
        language,
    )
    return [
        i18n.text(
            "usage.totals",
            language,
            sessions=i18n.counted("usage.n_sessions", language, t.sessions),
            hours=formats.duration(t.visitor_seconds, language),
            occupancy=occupancy_text(t.occupancy, language),
        ),
        i18n.text(
            "usage.totals_print",
            language,
            pages=i18n.counted("usage.n_pages", language, t.pages),
            sheets=i18n.counted("usage.n_sheets", language, t.sheets),
            cost=formats.money(t.cost_cents, language),
        ),
        i18n.text(
            "usage.totals_help",
            language,
            calls=i18n.counted("usage.n_calls", language, t.help_calls),
            hours=formats.duration(t.accompanied_seconds, language),
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
        results = workshop.results
        rows.append(
            [
                formats.day_and_time(workshop.started_at, language),
                workshop.title,
                formats.minutes(workshop.minutes, language),
                str(workshop.participants),
                f"{sum(1 for r in results if r.ok)}/{len(workshop.kiosk_ids or results)}",
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


def _hours_chart(days: Sequence[Keyed], language: Language) -> Bars:
    if len(days) <= MONTHLY_AFTER_DAYS:
        return Bars(
            i18n.text("usage.chart.hours_per_day", language),
            [k.label for k in days],
            [round(visitor_hours(k.row), 1) for k in days],
        )
    months: dict[str, float] = {}
    for keyed in days:
        month = formats.month(dt.date.fromisoformat(keyed.key), language)
        months[month] = months.get(month, 0.0) + visitor_hours(keyed.row)
    return Bars(
        i18n.text("usage.chart.hours_per_month", language),
        list(months),
        [round(hours, 1) for hours in months.values()],
    )


def charts(report: UsageReport, language: Language) -> list[Bars]:
    """Visitor hours per day (per month over a long period), sessions per hour of the day,
    pages per PC."""
    hours, kiosks = per_hour(report), per_kiosk(report)
    return [
        _hours_chart(per_day(report, language), language),
        Bars(
            i18n.text("usage.chart.sessions_per_hour", language),
            [k.label for k in hours],
            [k.row.sessions for k in hours],
        ),
        Bars(
            i18n.text("usage.chart.pages_per_pc", language),
            [k.label for k in kiosks],
            [k.row.pages for k in kiosks],
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
        self.site_id: int | None = None
        """The one site reviewed (None: all the staff member's sites together)."""

    def _site(self) -> str | None:
        return None if self.site_id is None else str(self.site_id)

    def load(self, start: dt.date, end: dt.date) -> None:
        """Ask for the period ``start``..``end`` (both included); ``loaded`` follows."""
        query: calls.Query = {"start": start, "end": end, "site_id": self._site()}
        self.call(calls.USAGE, self._loaded, query=query, latest="review")

    def _loaded(self, report: UsageReport) -> None:
        self.report = report
        self.loaded.emit()

    def export(self, start: dt.date, end: dt.date, which: str, path: str) -> None:
        """Save ``GET /api/usage.csv`` for one table to ``path``; ``exported`` follows."""

        def save(raw: bytes) -> None:
            with open(path, "wb") as out:
                out.write(raw)
            self.exported.emit(path)

        query: calls.Query = {"start": start, "end": end, "table": which, "site_id": self._site()}
        self.call(calls.USAGE_CSV, save, query=query)
