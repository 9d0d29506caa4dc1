"""Snapshots to and from plain JSON data, so the agent can store them and resume."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.core.model import (
    Actor,
    ActorKind,
    EndReason,
    LockReason,
    Session,
    Snapshot,
    StaffMessage,
    State,
    Visitor,
    WipeReceipt,
    Workshop,
)
from policies import Language, Limit, LoginMode


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: Any) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _actor(actor: Actor | None) -> dict[str, str] | None:
    return None if actor is None else {"kind": actor.kind.value, "name": actor.name}


def _parse_actor(data: Any) -> Actor | None:
    return None if data is None else Actor(ActorKind(data["kind"]), data["name"])


def _workshop(workshop: Workshop | None) -> dict[str, str | None] | None:
    if workshop is None:
        return None
    return {"title": workshop.title, "workshop_id": workshop.workshop_id}


def _parse_workshop(data: Any) -> Workshop | None:
    return None if data is None else Workshop(str(data["title"]), data["workshop_id"])


def snapshot_to_data(snapshot: Snapshot) -> dict[str, Any]:
    """A JSON-ready dict of a snapshot."""
    session = snapshot.session
    message = snapshot.message
    receipt = snapshot.receipt
    return {
        "state": snapshot.state.value,
        "locked_by": _actor(snapshot.locked_by),
        "lock_reason": None if snapshot.lock_reason is None else snapshot.lock_reason.value,
        "done_until_mono": snapshot.done_until_mono,
        "message": None
        if message is None
        else {
            "number": message.number,
            "text": message.text,
            "by": _actor(message.by),
            "sent_wall": _time(message.sent_wall),
        },
        "receipt": None
        if receipt is None
        else {
            "erased": [list(item) for item in receipt.erased],
            "bytes_erased": receipt.bytes_erased,
            "seconds": receipt.seconds,
        },
        "session": None
        if session is None
        else {
            "visitor": {
                "mode": session.visitor.mode.value,
                "reference": session.visitor.reference,
                "used_today_seconds": session.visitor.used_today_seconds,
                "ticket_minutes": session.visitor.ticket_minutes,
                "ticket_ref": session.visitor.ticket_ref,
                "ticket_digest": session.visitor.ticket_digest,
                "offline": session.visitor.offline,
                "workshop": _workshop(session.visitor.workshop),
                "free_pages": session.visitor.free_pages,
                "pages_printed_today": session.visitor.pages_printed_today,
            },
            "language": session.language.value,
            "logged_in_wall": _time(session.logged_in_wall),
            "last_activity_mono": session.last_activity_mono,
            "rules_version": session.rules_version,
            "started_mono": session.started_mono,
            "started_wall": _time(session.started_wall),
            "base_seconds": session.base_seconds,
            "limited_by": None if session.limited_by is None else session.limited_by.value,
            "deadline_mono": session.deadline_mono,
            "extended_seconds": session.extended_seconds,
            "warnings_given": sorted(session.warnings_given),
            "idle_deadline_mono": session.idle_deadline_mono,
            "help_requested": session.help_requested,
            "help_asked": session.help_asked,
            "end_reason": None if session.end_reason is None else session.end_reason.value,
            "ended_by": _actor(session.ended_by),
            "ended_wall": _time(session.ended_wall),
            "ended_mono": session.ended_mono,
        },
    }


def snapshot_from_data(data: dict[str, Any]) -> Snapshot:
    """Rebuild a snapshot; raises KeyError or ValueError on damaged data."""
    s = data["session"]
    m = data["message"]
    r = data["receipt"]
    session = None
    if s is not None:
        v = s["visitor"]
        session = Session(
            visitor=Visitor(
                LoginMode(v["mode"]),
                v["reference"],
                int(v["used_today_seconds"]),
                v["ticket_minutes"],
                # .get: snapshots saved before these fields existed still resume.
                v.get("ticket_ref"),
                v.get("ticket_digest"),
                bool(v.get("offline", False)),
                _parse_workshop(v.get("workshop")),
                int(v.get("free_pages", 0)),
                int(v.get("pages_printed_today", 0)),
            ),
            language=Language(s["language"]),
            logged_in_wall=dt.datetime.fromisoformat(s["logged_in_wall"]),
            last_activity_mono=float(s["last_activity_mono"]),
            rules_version=s["rules_version"],
            started_mono=s["started_mono"],
            started_wall=_parse_time(s["started_wall"]),
            base_seconds=int(s["base_seconds"]),
            limited_by=None if s["limited_by"] is None else Limit(s["limited_by"]),
            deadline_mono=s["deadline_mono"],
            extended_seconds=int(s["extended_seconds"]),
            warnings_given=frozenset(int(w) for w in s["warnings_given"]),
            idle_deadline_mono=s["idle_deadline_mono"],
            help_requested=bool(s["help_requested"]),
            help_asked=bool(s.get("help_asked", s["help_requested"])),
            end_reason=None if s["end_reason"] is None else EndReason(s["end_reason"]),
            ended_by=_parse_actor(s["ended_by"]),
            ended_wall=_parse_time(s["ended_wall"]),
            ended_mono=s["ended_mono"],
        )
    return Snapshot(
        state=State(data["state"]),
        session=session,
        locked_by=_parse_actor(data["locked_by"]),
        lock_reason=None if data.get("lock_reason") is None else LockReason(data["lock_reason"]),
        message=None
        if m is None
        else StaffMessage(
            int(m["number"]),
            m["text"],
            Actor(ActorKind(m["by"]["kind"]), m["by"]["name"]),
            dt.datetime.fromisoformat(m["sent_wall"]),
        ),
        receipt=None
        if r is None
        else WipeReceipt(
            tuple((str(k), int(n)) for k, n in r["erased"]),
            int(r["bytes_erased"]),
            float(r["seconds"]),
        ),
        done_until_mono=data["done_until_mono"],
    )
