"""The staff team, for managers and admins: the accounts, making one, changing one
(role, name, language, disabled), resetting a password.

After a change the hub is told: a disabled account's live staff connections close at once
(its tokens are already gone), and a change the PCs must know sends them the new roster."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.staff import (
    NewPassword,
    NewStaff,
    Role,
    StaffAccount,
    StaffChange,
    StaffList,
)
from admin_console.server.console import Console
from admin_console.server.db.repositories.staff import Staff, StaffChanged
from admin_console.server.routes.deps import ConsoleDep, Manager, StaffId, problems
from admin_console.server.team import Actor

router = APIRouter()

DISABLED = "your account was disabled: ask a manager"
RESET = "your password was reset: log in with the new one"


def account(
    staff: Staff, sites: frozenset[int] = frozenset(), seen: frozenset[int] | None = None
) -> StaffAccount:
    """The team list's entry for an account (never a hash), with its ``sites`` among those
    the caller sees (``seen``; None: every site)."""
    if staff.created_at is None:  # pragma: no cover - every stored account has its date
        raise ValueError("an account without its creation date")
    return StaffAccount(
        id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        role=Role(staff.role),
        language=staff.language,  # the column holds fr, nl or en
        disabled=staff.disabled,
        has_pin=staff.has_pin,
        pin_set_at=staff.pin_set_at,
        created_at=staff.created_at,
        site_ids=sorted(sites if seen is None else sites & seen),
    )


async def after_change(console: Console, changed: StaffChanged) -> None:
    """Tell the hub what a change means: close the connections of an account logged out,
    push the roster to the PCs if it changed."""
    if changed.logged_out:
        console.hub.log_out_staff(changed.staff.id, DISABLED)
    if changed.roster_changed:
        await console.hub.roster_changed()


@router.get("/api/staff", responses=problems(401, 403))
async def team(console: ConsoleDep, who: Manager) -> StaffList:
    """The staff accounts of the caller's sites (managers and admins; an admin: all)."""
    found = await run_in_threadpool(console.team.team, Actor.of(who))
    where = await run_in_threadpool(console.repos.sites.staff_sites)
    return StaffList(staff=[account(s, where.get(s.id, frozenset()), who.sites) for s in found])


@router.post("/api/staff", status_code=201, responses=problems(401, 403, 409, 422))
async def create(console: ConsoleDep, body: NewStaff, who: Manager) -> StaffAccount:
    """Make an account, with a first password to tell the new colleague. A manager makes
    animators and managers; only an admin makes an admin (403); 409 if the username is
    taken."""
    made = await run_in_threadpool(
        lambda: console.team.create(
            Actor.of(who),
            body.username,
            body.password,
            body.role,
            display_name=body.display_name,
            language=body.language,
        )
    )
    return account(made, await run_in_threadpool(console.repos.sites.of_staff, made.id), who.sites)


@router.patch("/api/staff/{staff_id}", responses=problems(401, 403, 404, 409, 422))
async def change(
    console: ConsoleDep, staff_id: StaffId, body: StaffChange, who: Manager
) -> StaffAccount:
    """Change a colleague's role, name, language, or disable / re-enable the account. A
    manager changes no admin and makes none (403); nobody changes their own role nor
    disables themselves (403); the last enabled admin stays (409). Disabling logs the
    account out everywhere at once and revokes its PIN on every PC."""
    changed = await run_in_threadpool(
        lambda: console.team.change(
            Actor.of(who),
            staff_id,
            role=body.role,
            display_name=body.display_name,
            language=body.language,
            disabled=body.disabled,
        )
    )
    await after_change(console, changed)
    sites = await run_in_threadpool(console.repos.sites.of_staff, staff_id)
    return account(changed.staff, sites, who.sites)


@router.post(
    "/api/staff/{staff_id}/password", status_code=204, responses=problems(401, 403, 404, 422)
)
async def reset_password(
    console: ConsoleDep, staff_id: StaffId, body: NewPassword, who: Manager
) -> None:
    """Give a colleague a new password (``current_password`` is not used): the account is
    logged out everywhere. A manager resets no admin's (403); one's own password is
    changed with ``PUT /api/me/password`` (403 here)."""
    target = await run_in_threadpool(
        console.team.reset_password, Actor.of(who), staff_id, body.password
    )
    console.hub.log_out_staff(target.id, RESET)
