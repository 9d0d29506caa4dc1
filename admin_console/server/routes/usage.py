"""The usage review of a period: anonymous figures as JSON, or one table as CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from admin_console.api.usage import UsageReport
from admin_console.server import policy as policy_store
from admin_console.server import usage as usage_review
from admin_console.server.console import Console
from admin_console.server.db.repositories.policies import PolicyRecord
from admin_console.server.routes.deps import (
    ConsoleDep,
    DayRange,
    Days,
    Manager,
    Sites,
    problems,
)
from policies import Policy

router = APIRouter()


def _usage_inputs(console: Console, days: DayRange, sites: frozenset[int] | None) -> dict[str, Any]:
    """What the review of ``days`` counts: the sessions, help calls, PCs and workshops of
    ``sites`` (None: every site)."""
    period = usage_review.Period(days.start, days.end, console.visitor_access.timezone)
    low, high = period.bounds()
    repos = console.repos
    record = repos.policies.current()
    kiosks = [
        k for k in repos.kiosks.all(include_revoked=True) if sites is None or k.site_id in sites
    ]
    ids = {k.id for k in kiosks}
    return {
        "period": period,
        "sessions": [s for s in repos.sessions.overlapping(low, high) if s.kiosk_id in ids],
        "calls": [c for c in repos.help.between(low, high) if c.kiosk_id in ids],
        "kiosks": kiosks,
        "workshops": [
            w for w in repos.workshops.between(low, high) if any(k in ids for k in w.kiosk_ids)
        ],
        "policy": policy_store.in_force(record).policy,
        "now": console.clock.now(),
        "sites": {
            site.id: (site.name, _site_policy(record, site.rules))
            for site in repos.sites.all(sites)
        },
    }


def _site_policy(record: PolicyRecord | None, rules: dict[str, Any]) -> Policy:
    made = policy_store.for_site(record, rules)
    return made.policy if made is not None else policy_store.in_force(record).policy


@router.get("/api/usage", responses=problems(401, 403, 404))
def usage(console: ConsoleDep, _who: Manager, days: Days, sites: Sites) -> UsageReport:
    """Anonymous usage of a period of local days (``end`` included, at most 366), at the
    caller's sites together or at the one asked."""
    inputs = _usage_inputs(console, days, sites)
    return usage_review.report(inputs.pop("period"), **inputs)


@router.get(
    "/api/usage.csv",
    responses={**problems(401, 403, 404), 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)
def usage_csv(
    console: ConsoleDep,
    _who: Manager,
    days: Days,
    sites: Sites,
    table: Annotated[
        Literal["day", "hour", "kiosk", "site", "sessions"],
        Query(
            description="Which table: per day, per hour, per PC, per site, or one row a session."
        ),
    ] = "day",
) -> Response:
    """The usage review as CSV (money in euros), for a spreadsheet or the funder's
    report; no card numbers and no tickets."""
    inputs = _usage_inputs(console, days, sites)
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
