"""Members: managers keep the cards, PINs, allowances and bans; a PC checks a card's PIN."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as Path_

from admin_console.api.members import (
    BanRequest,
    MemberCheckRequest,
    MemberCheckResponse,
    MemberCreate,
    MemberModel,
    MemberPatch,
)
from admin_console.server.db.repositories.members import Member
from admin_console.server.errors import Forbidden, InvalidInput, TooManyTries
from admin_console.server.routes.deps import ConsoleDep, KioskCaller, Manager, problems
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.api")
router = APIRouter()
CardPath = Annotated[str, Path_(pattern=r"^[A-Za-z0-9-]+$", min_length=3, max_length=40)]


def _member_model(member: Member) -> MemberModel:
    return MemberModel.model_validate(member, from_attributes=True)


@router.post("/api/members", status_code=201, responses=problems(401, 403, 409))
def create_member(console: ConsoleDep, body: MemberCreate, who: Manager) -> MemberModel:
    """A new member: card number and PIN (kept as an argon2id hash)."""
    member = console.repos.members.add(
        body.card,
        console.auth.hash_password(body.pin),
        body.daily_allowance_minutes,
        body.nickname,
        console.clock.now(),
    )
    console.auth.audit(who.staff.username, "member_created", detail=f"card {member.card}")
    return _member_model(member)


@router.get("/api/members", responses=problems(401, 403))
def members(console: ConsoleDep, _who: Manager) -> list[MemberModel]:
    """Every member, by card number."""
    return [_member_model(m) for m in console.repos.members.all()]


@router.patch("/api/members/{card}", responses=problems(401, 403, 404))
def change_member(
    console: ConsoleDep, card: CardPath, body: MemberPatch, who: Manager
) -> MemberModel:
    """Change the allowance or nickname, or reset the PIN (only the fields sent)."""
    values: dict[str, Any] = {}
    for name in body.model_fields_set:
        if name == "pin":
            if body.pin is None:
                raise InvalidInput("pin", "a PIN cannot be removed, only reset")
            values["pin_hash"] = console.auth.hash_password(body.pin)
        else:
            values[name] = getattr(body, name)
    member = console.repos.members.update(card, **values)
    changed = ", ".join(sorted("pin reset" if n == "pin" else n for n in body.model_fields_set))
    console.auth.audit(
        who.staff.username, "member_changed", detail=f"card {card}: {changed or 'nothing'}"
    )
    return _member_model(member)


@router.post("/api/members/{card}/ban", responses=problems(401, 403, 404))
def ban(console: ConsoleDep, card: CardPath, body: BanRequest, who: Manager) -> MemberModel:
    """Refuse this card at every PC until a date (inclusive), saying why."""
    if body.until < console.visitor_access.today():
        raise InvalidInput("until", "must be today or later")
    member = console.repos.members.update(card, banned_until=body.until, ban_reason=body.reason)
    console.auth.audit(
        who.staff.username,
        "member_banned",
        detail=f"card {card} until {body.until.isoformat()}: {body.reason}",
    )
    return _member_model(member)


@router.post("/api/members/{card}/unban", responses=problems(401, 403, 404))
def unban(console: ConsoleDep, card: CardPath, who: Manager) -> MemberModel:
    """Lift a ban."""
    member = console.repos.members.update(card, banned_until=None, ban_reason=None)
    console.auth.audit(who.staff.username, "member_unbanned", detail=f"card {card}")
    return _member_model(member)


@router.post("/api/kiosk/members/check", responses=problems(401, 403, 429))
def check_member(
    console: ConsoleDep, body: MemberCheckRequest, kiosk: KioskCaller
) -> MemberCheckResponse:
    """For a PC: is this card's PIN right, and how long may the member use a PC today
    (across every PC). 403 for a wrong PIN or a ban; 429 after five wrong PINs."""
    try:
        found = console.visitor_access.check_member(body.card, body.pin)
    except (Forbidden, TooManyTries) as exc:
        log_event(logger, "member_refused", kiosk=kiosk.name, reason=str(exc))
        raise
    allowance = found.member.daily_allowance_minutes
    return MemberCheckResponse(
        card=found.member.card,
        nickname=found.member.nickname,
        daily_allowance_seconds=None if allowance is None else allowance * 60,
        remaining_seconds=found.remaining_seconds,
        pages_printed_today=found.pages_printed_today,
    )
