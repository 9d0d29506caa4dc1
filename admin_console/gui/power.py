"""The PCs' power in the room view, without Qt: which PCs an action reaches, and the
confirmation staff read before it goes (naming the PC or how many, and how many
visitors lose their session now).

Restart and shut down reach PCs that are connected (an offline PC would get nothing);
wake up reaches PCs that are not, and only those whose network card the console knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from admin_console.api.room import KioskTile
from admin_console.gui import i18n
from policies import Language

_VISITOR_STATES = frozenset({"rules", "active", "warned", "final", "idle"})
"""A visitor is at the PC (reading the rules or in session): they lose it."""


class PowerAction(StrEnum):
    """What staff ask of the PCs' power."""

    RESTART = "restart"
    SHUT_DOWN = "shut_down"
    WAKE = "wake"


@dataclass(frozen=True)
class PowerQuestion:
    """The confirmation of one power action."""

    action: PowerAction
    pc_ids: tuple[int, ...]
    title: str
    question: str
    consequence: str
    """What happens to visitors (empty for a wake-up: nobody is at a PC that is off)."""
    confirm: str
    """The confirming button: the action itself, not "Yes"."""


def has_visitor(pc: KioskTile) -> bool:
    """A visitor is at this PC now."""
    return pc.online and pc.status is not None and pc.status.state in _VISITOR_STATES


def may(action: PowerAction, pc: KioskTile) -> bool:
    """The action can reach this PC now."""
    if pc.revoked:
        return False
    if action is PowerAction.WAKE:
        return not pc.online and pc.mac is not None
    return pc.online


def targets(action: PowerAction, pcs: list[KioskTile]) -> list[KioskTile]:
    """The PCs of ``pcs`` the action reaches, by name."""
    return sorted((pc for pc in pcs if may(action, pc)), key=lambda pc: (pc.name, pc.id))


def ask_one(action: PowerAction, pc: KioskTile, language: Language) -> PowerQuestion:
    """The confirmation for one PC."""
    name = pc.name
    consequence = ""
    if action is not PowerAction.WAKE:
        now = "power.someone_now" if has_visitor(pc) else "power.nobody_now"
        consequence = " ".join((i18n.text("power.loses_one", language), i18n.text(now, language)))
    return PowerQuestion(
        action,
        (pc.id,),
        i18n.text(f"power.title.{action.value}", language, pc=name),
        i18n.text(f"power.ask.{action.value}", language, pc=name),
        consequence,
        i18n.text(f"power.{action.value}", language),
    )


def ask_room(action: PowerAction, pcs: list[KioskTile], language: Language) -> PowerQuestion:
    """The confirmation for every PC of the room the action reaches."""
    reached = targets(action, pcs)
    count = len(reached)
    consequence = ""
    if action is PowerAction.WAKE:
        unknown = sum(1 for pc in pcs if not pc.online and pc.mac is None and not pc.revoked)
        if unknown:
            consequence = i18n.counted("power.no_card_count", language, unknown)
    else:
        visitors = sum(1 for pc in reached if has_visitor(pc))
        now = (
            i18n.counted("power.visitors_now", language, visitors)
            if visitors
            else i18n.text("power.nobody_now_all", language)
        )
        consequence = " ".join((i18n.text("power.loses_all", language), now))
    return PowerQuestion(
        action,
        tuple(pc.id for pc in reached),
        i18n.counted(f"power.title_all.{action.value}", language, count),
        i18n.counted(f"power.ask_all.{action.value}", language, count),
        consequence,
        i18n.counted(f"power.confirm_all.{action.value}", language, count),
    )
