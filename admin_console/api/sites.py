"""Sites: the rooms of one console's network, the staff who work at each, their PCs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from admin_console.api.types import RequestBody, RowId

SiteName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class SiteModel(BaseModel):
    """A site, with how many PCs stand there."""

    id: int
    name: str
    address: str
    created_at: dt.datetime
    kiosks: int = Field(description="PCs enrolled there (not revoked).")


class NewSite(RequestBody):
    """A new site (admins only)."""

    name: SiteName
    address: Address = ""


class SiteChange(RequestBody):
    """A site's new name or address; a field left out stays."""

    name: SiteName | None = None
    address: Address | None = None


class StaffSites(RequestBody):
    """The sites a staff member works at. A manager gives or takes only sites they work at
    themselves; the colleague's other sites stay. An admin works at every site."""

    site_ids: list[RowId] = Field(max_length=1000)


class KioskSite(RequestBody):
    """The site a PC is moved to (its caller must work at both sites)."""

    site_id: RowId


class PairingCodeRequest(RequestBody):
    """The site the PC enrolled with this code goes into."""

    site_id: RowId = 1


class SiteRules(RequestBody):
    """A site's own settings over the network's policy, as policy data: any of ``name``,
    ``opening_hours`` (with its ``closures``), ``printing`` (prices, pages, printer) and
    ``extra_house_rules`` (house rules after the network's, each in every language the
    policy offers). A table is merged over the network's; ``{}`` follows the network."""

    rules: dict[str, Any] = Field(max_length=10)


class SiteRulesState(BaseModel):
    """A site's own settings, and the whole policy its PCs run."""

    site_id: int
    rules: dict[str, Any]
    policy: dict[str, Any]
    policy_version: str
