"""The usage review of a period: anonymous figures as JSON, or one table as CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from admin_console.api.usage import UsageReport
from admin_console.server import policy as policy_store
from admin_console.server import usage as usage_review
from admin_console.server.console import Console
from admin_console.server.routes.deps import ConsoleDep, DayRange, Days, Manager, problems

router = APIRouter()


def _usage_inputs(console: Console, days: DayRange) -> dict[str, Any]:
    period = usage_review.Period(days.start, days.end, console.visitor_access.timezone)
    low, high = period.bounds()
    repos = console.repos
    return {
        "period": period,
        "sessions": repos.sessions.overlapping(low, high),
        "calls": repos.help.between(low, high),
        "kiosks": repos.kiosks.all(include_revoked=True),
        "workshops": repos.workshops.between(low, high),
        "policy": policy_store.in_force(repos.policies.current()).policy,
        "now": console.clock.now(),
    }


@router.get("/api/usage", responses=problems(401, 403))
def usage(console: ConsoleDep, _who: Manager, days: Days) -> UsageReport:
    """Anonymous usage of a period of local days (``end`` included, at most 366)."""
    inputs = _usage_inputs(console, days)
    return usage_review.report(inputs.pop("period"), **inputs)


@router.get(
    "/api/usage.csv",
    responses={**problems(401, 403), 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)
def usage_csv(
    console: ConsoleDep,
    _who: Manager,
    days: Days,
    table: Annotated[
        Literal["day", "hour", "kiosk", "sessions"],
        Query(description="Which table: per day, per hour, per PC, or one row a session."),
    ] = "day",
) -> Response:
    """The usage review as CSV (money in euros), for a spreadsheet or the funder's
    report; no card numbers and no tickets."""
    inputs = _usage_inputs(console, days)
    period = inputs.pop("period")
    if table == "sessions":
        text = usage_review.csv_sessions(
            period, inputs["sessions"], inputs["kiosks"], inputs["now"]
        )
    else:
        text = usage_review.csv_table(usage_review.report(period, **inputs), table)
    name = f"usage-{table}-{days.start.isoformat()}-{days.end.isoformat()}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
