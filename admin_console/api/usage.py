"""The usage review of a period: anonymous figures by day, hour of the day and PC."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin_console.api.workshops import Workshop


class UsageRow(BaseModel):
    """Figures of a period, a day, an hour of the day or a PC (anonymous)."""

    sessions: int = Field(0, description="Sessions that started in it.")
    visitor_seconds: int = Field(0, description="Time visitors spent on the PCs within it.")
    occupancy: float | None = Field(
        None,
        description="visitor_seconds / (PCs x seconds open per the policy's opening hours); "
        "None when closed all along.",
    )
    pages: int = 0
    sheets: int = 0
    cost_cents: int = 0
    accompanied_seconds: int = Field(0, description="Time animators spent helping visitors.")
    help_calls: int = 0


class UsageByKind(BaseModel):
    """Sessions by how they started."""

    walk_in: int = 0
    ticket: int = 0
    member: int = 0
    workshop: int = 0


class UsageDay(UsageRow, UsageByKind):
    """One local day: its figures and its sessions by how they started."""

    day: dt.date


class UsageHour(UsageRow):
    """One hour of the day (0-23), over every day of the period."""

    hour: int


class UsageKiosk(UsageRow):
    """One PC over the period (its occupancy counts that PC alone)."""

    kiosk_id: int
    kiosk_name: str


class UsageSite(UsageRow):
    """One site over the period: its PCs, and their occupancy by the site's own hours."""

    site_id: int
    site_name: str
    pcs: int = Field(description="The site's enrolled PCs (not revoked).")


class UsageReport(BaseModel):
    """The usage of a period of local days (``end`` included)."""

    start: dt.date
    end: dt.date
    pcs: int = Field(description="Enrolled PCs (not revoked) that occupancy is counted on.")
    totals: UsageRow
    by_kind: UsageByKind
    per_day: list[UsageDay]
    per_hour: list[UsageHour]
    per_kiosk: list[UsageKiosk]
    per_site: list[UsageSite] = Field(
        default_factory=list,
        description="Each site of the review (the caller's, or the one asked).",
    )
    workshops: list[Workshop]
