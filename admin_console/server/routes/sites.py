"""Sites: listing and making them, who works where, which PC stands where."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as Path_
from starlette.concurrency import run_in_threadpool

from admin_console.api.room import KioskTile
from admin_console.api.sites import (
    KioskSite,
    NewSite,
    SiteChange,
    SiteModel,
    SiteRules,
    SiteRulesState,
    StaffSites,
)
from admin_console.api.staff import Role
from admin_console.api.types import MAX_ID
from admin_console.server import policy as policy_store
from admin_console.server.auth import Principal
from admin_console.server.console import Console
from admin_console.server.db.repositories.kiosks import Kiosk
from admin_console.server.db.repositories.sites import Site
from admin_console.server.db.repositories.staff import Staff as StaffMember
from admin_console.server.errors import Forbidden, NotFound
from admin_console.server.routes.deps import (
    Admin,
    Animator,
    ConsoleDep,
    KioskId,
    Manager,
    Staff,
    StaffId,
    problems,
)
from admin_console.server.routes.policy import push_policy

router = APIRouter()
SiteId = Annotated[int, Path_(ge=1, le=MAX_ID, description="The site's id.")]


def _models(console: Console, sites: list[Site]) -> list[SiteModel]:
    counts = Counter(k.site_id for k in console.repos.kiosks.all())
    return [
        SiteModel(
            id=s.id, name=s.name, address=s.address, created_at=s.created_at, kiosks=counts[s.id]
        )
        for s in sites
    ]


def _staff_member(console: Console, staff_id: int) -> StaffMember:
    """The staff member ``staff_id``; :class:`NotFound` when there is none."""
    target = console.repos.staff.get(staff_id)
    if target is None:
        raise NotFound(f"no staff member with id {staff_id}")
    return target


def _seen(who: Principal, site_ids: frozenset[int]) -> StaffSites:
    """``site_ids`` as far as ``who`` sees them (an admin: all)."""
    seen = site_ids if who.sites is None else site_ids & who.sites
    return StaffSites(site_ids=sorted(seen))


@router.get("/api/sites", responses=problems(401))
def sites(console: ConsoleDep, who: Staff) -> list[SiteModel]:
    """The sites the caller works at (an admin: every site), by name."""
    return _models(console, console.repos.sites.all(who.sites))


@router.post("/api/sites", status_code=201, responses=problems(401, 403, 409))
def create_site(console: ConsoleDep, body: NewSite, who: Admin) -> SiteModel:
    """A new site (admins only)."""
    site = console.repos.sites.add(body.name, body.address, console.clock.now())
    console.auth.audit(who.staff.username, "site_created", detail=site.name)
    return _models(console, [site])[0]


@router.patch("/api/sites/{site_id}", responses=problems(401, 403, 404, 409))
def change_site(console: ConsoleDep, site_id: SiteId, body: SiteChange, who: Admin) -> SiteModel:
    """Rename a site or change its address (admins only)."""
    site = console.repos.sites.change(site_id, name=body.name, address=body.address)
    console.auth.audit(who.staff.username, "site_changed", detail=site.name)
    return _models(console, [site])[0]


@router.get("/api/staff/{staff_id}/sites", responses=problems(401, 403, 404))
def staff_sites(console: ConsoleDep, staff_id: StaffId, who: Manager) -> StaffSites:
    """The sites a colleague works at, as far as the caller sees them (an admin's: none
    listed, every site implied)."""
    _staff_member(console, staff_id)
    return _seen(who, console.repos.sites.of_staff(staff_id))


@router.put("/api/staff/{staff_id}/sites", responses=problems(401, 403, 404))
async def set_staff_sites(
    console: ConsoleDep, staff_id: StaffId, body: StaffSites, who: Manager
) -> StaffSites:
    """Say where a colleague works. An admin sets any sites of anyone but an admin (who
    works everywhere); a manager gives or takes only their own sites, and the colleague's
    other sites stay as they are. The PCs of the sites given or taken get their new staff
    roster at once."""
    done = await run_in_threadpool(_set_staff_sites, console, staff_id, body, who)
    await console.hub.roster_changed()
    return done


def _set_staff_sites(
    console: Console, staff_id: int, body: StaffSites, who: Principal
) -> StaffSites:
    target = _staff_member(console, staff_id)
    if Role(target.role) is Role.ADMIN:
        raise Forbidden("an admin works at every site: there is nothing to set")
    asked = frozenset(body.site_ids)
    theirs = console.repos.sites.of_staff(staff_id)
    if who.sites is not None:
        if target.id == who.staff.id:
            raise Forbidden("ask an admin to change the sites you work at")
        outside = asked - who.sites
        if outside:
            raise NotFound(f"no site with id {min(outside)}")
        asked = asked | (theirs - who.sites)
    console.repos.sites.set_staff_sites(staff_id, asked)
    names = ", ".join(s.name for s in console.repos.sites.all(asked)) or "none"
    console.auth.audit(who.staff.username, "staff_sites_set", detail=f"{target.username}: {names}")
    return _seen(who, asked)


@router.put("/api/kiosks/{kiosk_id}/site", responses=problems(401, 403, 404))
async def move_kiosk(
    console: ConsoleDep, who: Manager, kiosk_id: KioskId, body: KioskSite
) -> KioskTile:
    """Move a PC to another site (the caller works at both). Its staff roster and policy
    follow at once if it is connected; the open windows of staff who do not work at the
    new site drop its tile at once, those of the new site show it."""
    kiosk, left = await run_in_threadpool(_move_kiosk, console, kiosk_id, body.site_id, who)
    console.hub.kiosk_moved(kiosk, left)
    await console.hub.roster_changed()
    await push_policy(console, who, body.site_id)
    return console.hub.tile(kiosk)


def _move_kiosk(console: Console, kiosk_id: int, site_id: int, who: Principal) -> tuple[Kiosk, int]:
    """Move the PC; returns it and the site it left."""
    if not who.sees(site_id):
        raise NotFound(f"no site with id {site_id}")
    left = console.repos.sites.move_kiosk(kiosk_id, site_id)
    kiosk = console.repos.kiosks.get(kiosk_id)
    if kiosk is None:  # moved just now: a PC's row is never deleted
        raise NotFound(f"no PC with id {kiosk_id}")
    site = console.repos.sites.get(site_id)
    console.auth.audit(
        who.staff.username,
        "kiosk_moved",
        kiosk_id=kiosk_id,
        detail=f"{kiosk.name} to {site.name if site else site_id}",
    )
    return kiosk, left


def _rules_state(console: Console, site_id: int) -> SiteRulesState:
    rules = console.repos.sites.rules_of(site_id)
    network = policy_store.in_force(console.repos.policies.current()).policy
    policy = policy_store.site_policy(network, rules)
    return SiteRulesState(
        site_id=site_id,
        rules=rules,
        policy=policy_store.as_data(policy),
        policy_version=policy.version,
    )


def _visible_site(who: Principal, console: Console, site_id: int) -> Site:
    site = console.repos.sites.get(site_id)
    if site is None or not who.sees(site_id):
        raise NotFound(f"no site with id {site_id}")
    return site


@router.get("/api/sites/{site_id}/rules", responses=problems(401, 403, 404))
def site_rules(console: ConsoleDep, who: Animator, site_id: SiteId) -> SiteRulesState:
    """A site's own settings, and the whole policy its PCs run."""
    _visible_site(who, console, site_id)
    return _rules_state(console, site_id)


@router.put("/api/sites/{site_id}/rules", responses=problems(401, 403, 404))
async def change_site_rules(
    console: ConsoleDep, who: Manager, site_id: SiteId, body: SiteRules
) -> SiteRulesState:
    """Set a site's own opening hours, printing and extra house rules (a manager of the
    site): checked against the network's policy (a bad field is named, nothing changes),
    kept, and sent at once to the site's PCs online (the others at their next hello)."""
    site = _visible_site(who, console, site_id)
    network = policy_store.in_force(await run_in_threadpool(console.repos.policies.current))
    made = policy_store.site_policy(network.policy, body.rules)
    await run_in_threadpool(console.repos.sites.set_rules, site_id, body.rules)
    await run_in_threadpool(
        console.auth.audit,
        who.staff.username,
        "site_rules_changed",
        detail=f"{site.name}: {', '.join(sorted(body.rules)) or 'as the network'} ({made.version})",
    )
    await push_policy(console, who, site_id)
    return await run_in_threadpool(_rules_state, console, site_id)
