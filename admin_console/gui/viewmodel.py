"""What the room view shows, computed from the console's PCs (the API's ``KioskTile``):
plain data, no Qt.

The console server decides nothing here and neither does the GUI: these functions only
turn a PC's last known status into words and colours, and a command's answer into a line
of the results list.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from admin_console.api.room import CommandResponse, KioskTile, LiveStatus, PowerResult
from admin_console.api.workshops import WorkshopResult
from admin_console.gui import formats, i18n
from policies import Language


class TileKind(StrEnum):
    """The state a tile shows; each has one colour."""

    FREE = "free"
    IN_SESSION = "in_session"
    HELP = "help"
    LOCKED = "locked"
    OFFLINE = "offline"
    ENDING = "ending"
    CONNECTING = "connecting"
    OUT_OF_ORDER = "out_of_order"
    PRINT = "print"
    """A print job waits for an animator (over quota, or a document the PC cannot count)."""


@dataclass(frozen=True)
class Colours:
    """A tile's look: background, text, border."""

    background: str
    text: str
    border: str


COLOURS: Mapping[TileKind, Colours] = {
    TileKind.FREE: Colours("#e8f5e9", "#1b5e20", "#2e7d32"),
    TileKind.IN_SESSION: Colours("#e3f2fd", "#0d2a4a", "#1f3a5f"),
    TileKind.HELP: Colours("#ff8f00", "#000000", "#c62828"),
    TileKind.LOCKED: Colours("#37474f", "#ffffff", "#263238"),
    TileKind.OFFLINE: Colours("#eeeeee", "#616161", "#9e9e9e"),
    TileKind.ENDING: Colours("#f3e5f5", "#4a148c", "#7b1fa2"),
    TileKind.CONNECTING: Colours("#fafafa", "#424242", "#bdbdbd"),
    TileKind.OUT_OF_ORDER: Colours("#fbe9e7", "#5d1a0b", "#8d6e63"),
    TileKind.PRINT: Colours("#fff3e0", "#3e2000", "#ef6c00"),
}
SELECTED_BORDER = "#0057d9"

_IN_SESSION = frozenset({"active", "warned", "final", "idle"})
_AFTER_SESSION = frozenset({"ending", "wiping", "done"})


def seconds_left_at(status: LiveStatus, now: dt.datetime) -> int | None:
    """The session's whole seconds left at ``now`` (the console's clock), rounded up as
    the PC's bar does: counted from the deadline, so the figure is never a stale one."""
    if status.state not in _IN_SESSION:
        return None
    if status.deadline is None:
        return status.seconds_left
    return max(0, math.ceil((status.deadline - now).total_seconds()))


@dataclass(frozen=True)
class TileView:
    """Everything a tile draws."""

    pc_id: int
    name: str
    location: str
    kind: TileKind
    headline: str
    detail: str
    colours: Colours
    selected: bool
    icon: str | None
    notice: str = ""
    """A word for staff whatever the state: the PC runs an older version than the console."""
    notice_why: str = ""
    """The notice in a sentence, with the PC's version (tooltip, screen reader)."""


def tile_kind(pc: KioskTile) -> TileKind:
    """Which state the tile shows. Help outranks a lock, which outranks the session; a PC
    staff put out of order says so whatever it reports."""
    status = pc.status
    if pc.out_of_order:
        return TileKind.OUT_OF_ORDER
    if not pc.online:
        return TileKind.OFFLINE
    if status is None:
        return TileKind.CONNECTING
    if status.help_requested:
        return TileKind.HELP
    if status.print_waiting and status.state in _IN_SESSION:
        return TileKind.PRINT
    if status.locked:
        return TileKind.LOCKED
    if status.state in _AFTER_SESSION:
        return TileKind.ENDING
    if status.state == "waiting":
        return TileKind.FREE
    return TileKind.IN_SESSION


_ICONS: Mapping[TileKind, str | None] = {
    TileKind.FREE: None,
    TileKind.IN_SESSION: "clock",
    TileKind.HELP: "help",
    TileKind.LOCKED: "lock",
    TileKind.OFFLINE: "offline",
    TileKind.ENDING: "wipe",
    TileKind.CONNECTING: None,
    TileKind.OUT_OF_ORDER: "broken",
    TileKind.PRINT: "print",
}


def time_left(seconds: int, language: Language) -> str:
    """``12 min restantes``; ``1 h 05 restantes``; under a minute said in words. Whole
    minutes rounded up, as on the PC's bar: both say the same minute at any moment."""
    if seconds < 60:
        return i18n.text("left.under_minute", language)
    minutes = -(-seconds // 60)
    if minutes >= 60:
        return i18n.text("left.hours", language, h=minutes // 60, m=minutes % 60)
    return i18n.counted("left.minutes", language, minutes)


def _session_detail(status: LiveStatus, language: Language, now: dt.datetime | None) -> str:
    parts = []
    seconds = status.seconds_left if now is None else seconds_left_at(status, now)
    if seconds is not None:
        parts.append(time_left(seconds, language))
    if status.login:
        key = f"kind.{status.login}"
        parts.append(i18n.text(key, language) if key in i18n.TEXTS else status.login)
    return " · ".join(parts)


def tile_view(
    pc: KioskTile,
    language: Language,
    *,
    selected: bool = False,
    tz: dt.tzinfo | None = None,
    now: dt.datetime | None = None,
) -> TileView:
    """The tile of ``pc``: state in words, details, colours; the time left at ``now`` (the
    console's clock), else as the PC last said."""
    kind = tile_kind(pc)
    status = pc.status
    detail = ""
    if kind is TileKind.OUT_OF_ORDER:
        headline = i18n.text("state.out_of_order", language)
        detail = pc.out_of_order_reason or ""
    elif kind is TileKind.OFFLINE:
        headline = i18n.text("state.offline", language)
        if pc.last_seen_at is None:
            detail = i18n.text("seen.never", language)
        else:
            seen = formats.time_of_day(pc.last_seen_at, language, tz)
            detail = i18n.text("seen.at", language, time=seen)
    elif kind is TileKind.CONNECTING or status is None:
        headline = i18n.text("state.connecting", language)
    elif kind is TileKind.FREE:
        # Free of visitors; while it installs an update, nobody can log in there.
        headline = i18n.text("state.updating" if status.updating else "state.free", language)
    elif kind is TileKind.ENDING:
        key = "state.wiping" if status.state in {"wiping", "done"} else "state.ending"
        headline = i18n.text(key, language)
    else:
        if kind is TileKind.HELP:
            headline = i18n.text("state.help", language)
        elif kind is TileKind.PRINT:
            headline = i18n.text("state.print", language)
        elif kind is TileKind.LOCKED:
            headline = i18n.text("state.locked", language)
        elif status.state == "rules":
            headline = i18n.text("state.rules", language)
        elif status.state == "idle":
            headline = i18n.text("state.idle", language)
        else:
            headline = i18n.text("state.session", language)
        if status.state in _IN_SESSION:
            detail = _session_detail(status, language, now)
        if kind is TileKind.PRINT and status.print_waiting:
            detail = i18n.text(f"print.{status.print_waiting}", language)
    return TileView(
        pc_id=pc.id,
        name=pc.name,
        location=pc.location,
        kind=kind,
        headline=headline,
        detail=detail,
        colours=COLOURS[kind],
        selected=selected,
        icon=_ICONS[kind],
        notice=i18n.text("tile.left_behind", language) if pc.left_behind else "",
        notice_why=(
            i18n.text("tile.left_behind_why", language, version=pc.agent_version)
            if pc.left_behind
            else ""
        ),
    )


def room_order(pcs: Mapping[int, KioskTile]) -> list[KioskTile]:
    """PCs in the order staff find them: by location, then by name (PC-2 before PC-10)."""

    def natural(name: str) -> tuple[object, ...]:
        return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name))

    return sorted(
        (pc for pc in pcs.values() if not pc.revoked),
        key=lambda pc: (pc.location.lower(), natural(pc.name)),
    )


# -- commands and their results ------------------------------------------------------------


class Outcome(StrEnum):
    """What became of one command on one PC."""

    SENDING = "sending"
    DONE = "done"
    REFUSED = "refused"  # the PC answered no
    PENDING = "pending"  # sent; the PC did not answer in time
    OFFLINE = "offline"  # nothing was sent
    FAILED = "failed"  # the console or the network failed
    NO_CARD = "no_mac"  # not woken: the console does not know the PC's network card


@dataclass(frozen=True)
class CommandResult:
    """One line of the results list."""

    pc_id: int
    pc_name: str
    action: str
    minutes: int | None
    outcome: Outcome
    reason: str = ""
    code: str | None = None
    """The PC's or the console's stable refusal code: said in staff's language."""


def outcome_of(answer: CommandResponse | WorkshopResult) -> tuple[Outcome, str, str | None]:
    """What became of a command (or of a workshop on one PC): the outcome and, when
    refused, the PC's message and code."""
    status: str | None = answer.status if isinstance(answer, CommandResponse) else None
    if status is None and answer.code in ("offline", "pending"):
        status = answer.code  # a workshop's result says it in its code
    if status == "done" or answer.ok is True:
        return Outcome.DONE, "", None
    if status == "offline":
        return Outcome.OFFLINE, "", "offline"
    if status == "pending":
        return Outcome.PENDING, "", None
    return Outcome.REFUSED, answer.message or "", answer.code or None


def power_outcome(answer: PowerResult) -> tuple[Outcome, str, str | None]:
    """What became of a power action on one PC: the outcome and, when it did not go, why."""
    if answer.status == "done":
        return Outcome.DONE, "", None
    if answer.status == "pending":
        return Outcome.PENDING, "", None
    if answer.status == "offline":
        return Outcome.OFFLINE, "", "offline"
    if answer.status == "no_mac":
        return Outcome.NO_CARD, "", "no_mac"
    return Outcome.REFUSED, answer.message or "", answer.code


def reason_text(code: str | None, message: str, language: Language) -> str:
    """A refusal in staff's language: the sentence for a known ``code``, else the PC's or the
    console's own ``message`` (English), else "no reason given"."""
    key = f"refusal.{code}"
    if code and key in i18n.TEXTS:
        return i18n.text(key, language)
    return message or code or i18n.text("refusal.unknown", language)


def result_line(result: CommandResult, language: Language) -> str:
    """``PC-03 — +15 min : fait``."""
    verb_values: dict[str, object] = {"minutes": result.minutes or 0}
    verb = i18n.text(f"verb.{result.action}", language, **verb_values)
    outcome = result.outcome
    if outcome is Outcome.REFUSED:
        reason = reason_text(result.code, result.reason, language)
        said = i18n.text("result.refused", language, reason=reason)
    elif outcome is Outcome.FAILED:
        reason = reason_text(result.code, result.reason, language)
        said = i18n.text("result.failed", language, reason=reason)
    else:
        said = i18n.text(f"result.{outcome.value}", language)
    return i18n.text("result.line", language, pc=result.pc_name, verb=verb, said=said)


def workshop_refusals(results: list[CommandResult], language: Language) -> list[str]:
    """What the animator must know after a workshop: the heading and one line per PC that
    did not start it, with why (``PC-02 : un visiteur est en session``); empty when every
    PC started it (or the last action was not a workshop)."""
    missing = [
        r
        for r in results
        if r.action == "workshop"
        and r.outcome in (Outcome.REFUSED, Outcome.FAILED, Outcome.OFFLINE)
    ]
    if not missing:
        return []
    lines = [i18n.counted("workshop.refused", language, len(missing))]
    for result in missing:
        code = "offline" if result.outcome is Outcome.OFFLINE else result.code
        reason = reason_text(code, result.reason, language)
        lines.append(i18n.text("workshop.refused_pc", language, pc=result.pc_name, reason=reason))
    return lines


OUTCOME_COLOURS: Mapping[Outcome, str] = {
    Outcome.SENDING: "#616161",
    Outcome.DONE: "#1b5e20",
    Outcome.REFUSED: "#b71c1c",
    Outcome.PENDING: "#e65100",
    Outcome.OFFLINE: "#616161",
    Outcome.FAILED: "#b71c1c",
    Outcome.NO_CARD: "#616161",
}


# -- login -----------------------------------------------------------------------------------

_UNTIL = re.compile(r"(?:until|after) (\d{1,2}):(\d{2}) UTC")


def locked_minutes(detail: str, now: dt.datetime) -> int:
    """Minutes until this computer may try to log in again, read from the console's 429
    message (``... try again after HH:MM UTC``); 15 (the longest wait) if it cannot be
    read."""
    found = _UNTIL.search(detail)
    if found is None:
        return 15
    now = now.astimezone(dt.UTC)
    until = now.replace(hour=int(found[1]), minute=int(found[2]), second=0, microsecond=0)
    if until < now - dt.timedelta(hours=1):
        until += dt.timedelta(days=1)  # the lock ends after midnight UTC
    return max(1, -(-int((until - now).total_seconds()) // 60))
