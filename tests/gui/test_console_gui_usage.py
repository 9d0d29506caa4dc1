"""The usage review: periods, the report read from the console's JSON (no Qt needed), and
the tab against a real console fed by two PCs' sessions, with its CSV export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from console_support import WAIT_MS, cell, console, log_in
from helpers.console_server import KioskSocket
from PySide6.QtCore import Qt

from admin_console.api.usage import UsageReport
from admin_console.gui.usage import (
    Preset,
    charts,
    per_day,
    per_hour,
    per_kiosk,
    preset_range,
    table,
    totals_lines,
)
from epn_shared.protocol import (
    Ack,
    Event,
    LoginKind,
    PrintJobBody,
    SessionEndedBody,
    SessionStartedBody,
)
from policies import Language

FR, NL, EN = Language.FR, Language.NL, Language.EN


def test_presets_are_whole_months_and_years() -> None:
    today = dt.date(2026, 3, 2)
    assert preset_range(Preset.THIS_MONTH, today) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert preset_range(Preset.LAST_MONTH, today) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert preset_range(Preset.LAST_MONTH, dt.date(2026, 1, 15)) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )
    assert preset_range(Preset.THIS_YEAR, today) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert preset_range(Preset.LAST_YEAR, today) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _row(**values: Any) -> dict[str, Any]:
    base = {
        "sessions": 0,
        "visitor_seconds": 0,
        "occupancy": None,
        "pages": 0,
        "sheets": 0,
        "cost_cents": 0,
        "accompanied_seconds": 0,
        "help_calls": 0,
    }
    return {**base, **values}


def _report(**values: Any) -> dict[str, Any]:
    """A ``GET /api/usage`` answer of a period without any session, but for ``values``."""
    empty = {"pcs": 2, "totals": _row(), "by_kind": {}, "per_day": [], "per_hour": []}
    return {**empty, "per_kiosk": [], "workshops": [], **values}


REPORT = {
    "start": "2026-03-01",
    "end": "2026-03-31",
    "pcs": 2,
    "totals": _row(
        sessions=3,
        visitor_seconds=5400,
        occupancy=0.125,
        pages=7,
        sheets=4,
        cost_cents=70,
        accompanied_seconds=300,
        help_calls=1,
    ),
    "by_kind": {"walk_in": 2, "ticket": 0, "member": 1, "workshop": 0},
    "per_day": [
        _row(day="2026-03-02", sessions=2, visitor_seconds=3600, walk_in=1, member=1),
        _row(day="2026-03-03", sessions=1, visitor_seconds=1800, walk_in=1),
    ],
    "per_hour": [_row(hour=14, sessions=1), _row(hour=9, sessions=2)],
    "per_kiosk": [
        _row(kiosk_id=1, kiosk_name="PC-01", pages=7, sessions=2),
        _row(kiosk_id=2, kiosk_name="PC-02", sessions=1),
    ],
    "workshops": [],
}


def test_the_report_reads_as_a_manager_needs_it() -> None:
    report = UsageReport.model_validate(REPORT)
    assert (report.start, report.end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert per_day(report, FR)[0].kinds == {"walk_in": 1, "ticket": 0, "member": 1, "workshop": 0}
    assert [k.label for k in per_hour(report)] == ["09h", "14h"]  # in the day's order
    lines = totals_lines(report, FR)
    # Each count in its plural form, each time spent in CLDR's hours and minutes.
    assert lines[0] == "3 sessions, 1\u202fh 30\u00a0min de présence, occupation 12\u00a0%"
    assert lines[1] == "Impression\u00a0: 7 pages sur 4 feuilles, 0,70\u00a0€"
    assert lines[2] == "Aide\u00a0: 1 demande, 5\u00a0min d'accompagnement"
    assert totals_lines(report, NL)[2] == "Hulp: 1 vraag, 5 min begeleiding"
    assert totals_lines(report, EN)[1] == "Printing: 7 pages on 4 sheets, €0.70"
    assert lines[3].endswith("accès libre 2, ticket 0, membre 1 et atelier 0")
    # Money and percentages as each language writes them.
    assert totals_lines(report, NL)[1].endswith("€\u00a00,70")
    assert totals_lines(report, EN)[0].endswith("12%")
    hours, pages_per_pc = charts(report, EN)[0], charts(report, EN)[2]
    assert hours.title == "Visitor hours per day"
    assert list(hours.labels) == ["02/03", "03/03"]
    assert list(hours.values) == [1.0, 0.5]
    assert list(pages_per_pc.values) == [7, 0]
    header, rows = table(per_kiosk(report), "usage.col.pc", FR)
    assert header[:3] == ["PC", "Sessions", "Présence"]
    assert rows[0][:2] == ["PC-01", "2"]
    assert rows[0][header.index("Montant")] == "0,00\u00a0€"
    assert rows[0][header.index("Occupation")] == "—"  # unknown, not zero
    header, rows = table(per_day(report, FR), "usage.col.day", FR)
    assert header[-4:] == ["accès libre", "ticket", "membre", "atelier"]
    assert rows[0][-4:] == ["1", "0", "1", "0"]


def test_an_empty_period_draws_no_bars() -> None:
    report = UsageReport.model_validate(_report(start="2026-02-01", end="2026-02-28"))
    assert report.totals.sessions == 0
    assert all(not bars.values for bars in charts(report, FR))


# -- against a real console --------------------------------------------------------------

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the fake clock's start


def _deliver(kiosk: KioskSocket, *events: Event) -> None:
    for event in events:
        kiosk.send(event)
        assert isinstance(kiosk.recv(), Ack)


def _session(name: str, start: dt.datetime, minutes: int, login: LoginKind) -> list[Event]:
    started = SessionStartedBody(
        session_id=name, login=login, language="fr", rules_version="1", seconds=3600
    )
    ended = SessionEndedBody(
        session_id=name, reason="visitor", seconds_used=minutes * 60, extended_seconds=0
    )
    end = start + dt.timedelta(minutes=minutes)
    return [
        Event(id=f"start-{name}", at=start, body=started),
        Event(id=f"end-{name}", at=end, body=ended),
    ]


def test_a_manager_reviews_a_month_and_exports_it(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path / "console") as c:
        one, token_one = c.server.enroll(c.admin, "PC-01")
        _two, token_two = c.server.enroll(c.admin, "PC-02")
        printed = PrintJobBody(
            session_id="walkin-0001", outcome="released", pages=3, sheets=2, cost_cents=30
        )
        with KioskSocket(c.server, token_one) as pc_one, KioskSocket(c.server, token_two) as pc_two:
            walk_in = _session("walkin-0001", MONDAY, 30, LoginKind.WALK_IN)
            _deliver(pc_one, walk_in[0], Event(id="print-0001", at=MONDAY, body=printed))
            _deliver(pc_one, walk_in[1])
            later = MONDAY + dt.timedelta(hours=4)
            _deliver(pc_two, *_session("walkin-0002", later, 45, LoginKind.WALK_IN))
        with c.server.client(c.admin) as http:  # on a PC that has gone away
            workshop = {"kiosk_ids": [one], "minutes": 90, "title": "Rédiger son CV"}
            started = http.post("/api/workshops", json={**workshop, "participants": 6})
            assert started.status_code == 201, started.text

        log_in(qtbot, c.window, "marie")
        screen = c.window.usage
        c.window.tabs.setCurrentWidget(screen)  # opens on this month
        qtbot.waitUntil(lambda: c.controller.usage.report is not None, timeout=WAIT_MS)
        assert screen.start.date().toString("dd/MM/yyyy") == "01/03/2026"
        assert screen.end.date().toString("dd/MM/yyyy") == "31/03/2026"
        assert screen.totals.text().startswith("2 sessions, 1\u202fh 15\u00a0min de présence")
        assert "Impression\u00a0: 3 pages sur 2 feuilles, 0,30\u00a0€" in screen.totals.text()
        per_pc = screen.tables["kiosk"]
        assert [cell(per_pc, r, 0) for r in range(per_pc.rowCount())] == ["PC-01", "PC-02"]
        pages = [c_ for c_ in range(per_pc.columnCount()) if cell_header(per_pc, c_) == "Pages"]
        assert [cell(per_pc, r, pages[0]) for r in range(2)] == ["3", "0"]
        assert list(screen.charts[2].bars.values) == [3, 0]  # pages per PC, drawn
        assert sum(screen.charts[1].bars.values) == 2  # sessions per hour of the day
        per_day = screen.tables["day"]
        days = {cell(per_day, r, 0): cell(per_day, r, 1) for r in range(per_day.rowCount())}
        assert days["02/03"] == "2"  # both sessions on Monday 2 March
        assert days.get("03/03", "0") == "0"

        workshops = screen.tables["workshops"]
        assert workshops.rowCount() == 1
        assert [cell(workshops, 0, n) for n in range(1, 5)] == [
            "Rédiger son CV",
            "90\u00a0min",
            "6",
            "0/1",  # the PC did not start it
        ]

        csv_path = tmp_path / "march.csv"
        c.dialogs.save_path = str(csv_path)
        qtbot.mouseClick(screen.export, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(csv_path.exists, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "Exporté" in screen.notice.text(), timeout=WAIT_MS)
        text = csv_path.read_text(encoding="utf-8")
        assert "2026-03-02" in text
        assert "EPN-" not in text and "walkin-0001" not in text  # anonymous

        # Last month: nothing yet.
        qtbot.mouseClick(screen.presets[Preset.LAST_MONTH], Qt.MouseButton.LeftButton)
        # French counts 0 as one: "0 session".
        qtbot.waitUntil(lambda: screen.totals.text().startswith("0 session,"), timeout=WAIT_MS)
        assert screen.start.date().toString("dd/MM/yyyy") == "01/02/2026"
        assert per_day.rowCount() in (0, 28)  # the console may list empty days

        # A period that ends before it starts is refused here, not sent.
        screen.end.setDate(screen.start.date().addDays(-1))
        qtbot.mouseClick(screen.show_button, Qt.MouseButton.LeftButton)
        assert screen.notice.text() == "La fin de la période est avant son début."


def cell_header(view: Any, column: int) -> str:
    item = view.horizontalHeaderItem(column)
    return str(item.text()) if item is not None else ""


def test_a_year_is_charted_per_month() -> None:
    days = [
        _row(day=(dt.date(2025, 1, 1) + dt.timedelta(days=n)).isoformat(), visitor_seconds=3600)
        for n in range(365)
    ]
    report = UsageReport.model_validate(_report(start="2025-01-01", end="2025-12-31", per_day=days))
    hours = charts(report, FR)[0]
    assert hours.title == "Heures de présence par mois"
    assert list(hours.labels)[:2] == ["janv. 2025", "févr. 2025"] and len(hours.labels) == 12
    assert list(charts(report, NL)[0].labels)[:2] == ["jan 2025", "feb 2025"]
    assert list(hours.values)[:2] == [31.0, 28.0]
    assert len(table(per_day(report, FR), "usage.col.day", FR)[1]) == 365  # the table keeps days
