"""Events the engine emits; the agent persists, forwards and shows them."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.model import Actor, EndReason, LockReason, StaffMessage, State, WipeReceipt
from policies import Language, Limit, LoginMode


@dataclass(frozen=True)
class Event:
    """Base of every engine event."""


@dataclass(frozen=True)
class StateChanged(Event):
    """The PC moved from one state to another."""

    source: State
    target: State


@dataclass(frozen=True)
class RulesShown(Event):
    """The house rules are on screen, in this version and language."""

    rules_version: str
    language: Language


@dataclass(frozen=True)
class RulesAbandoned(Event):
    """The visitor left the rules screen without starting (declined, or walked away)."""

    declined: bool


@dataclass(frozen=True)
class SessionStarted(Event):
    """The rules were accepted and the time runs."""

    mode: LoginMode
    language: Language
    rules_version: str
    seconds: int
    limited_by: Limit


@dataclass(frozen=True)
class Warned(Event):
    """A warning before the end: ``minutes`` is the policy threshold crossed."""

    minutes: int
    seconds_left: int


@dataclass(frozen=True)
class FinalCountdown(Event):
    """The last warning: a countdown is on screen."""

    seconds_left: int


@dataclass(frozen=True)
class IdleWarned(Event):
    """No input for the idle timeout: the session ends in ``seconds`` unless the visitor moves."""

    seconds: int


@dataclass(frozen=True)
class ActivityResumed(Event):
    """The visitor came back during the idle warning."""


@dataclass(frozen=True)
class Extended(Event):
    """Staff gave more time."""

    minutes: int
    by: Actor
    seconds_left: int


@dataclass(frozen=True)
class SessionEnded(Event):
    """The session is over; the wipe comes next."""

    reason: EndReason
    by: Actor


@dataclass(frozen=True)
class WipeStarted(Event):
    """Erasing began."""


@dataclass(frozen=True)
class WipeFinished(Event):
    """Everything is erased."""

    receipt: WipeReceipt


@dataclass(frozen=True)
class ReadyForNextVisitor(Event):
    """The PC is free again."""


@dataclass(frozen=True)
class HelpRequested(Event):
    """The visitor asked for an animator."""


@dataclass(frozen=True)
class HelpAnswered(Event):
    """Staff closed the visitor's call (helped, or cancelled it): the help button works again."""

    by: Actor


@dataclass(frozen=True)
class Locked(Event):
    """Staff locked the PC (``reason``: out of order, or None for a plain lock)."""

    by: Actor
    reason: LockReason | None = None


@dataclass(frozen=True)
class Unlocked(Event):
    """Staff unlocked the PC."""

    by: Actor


@dataclass(frozen=True)
class MessageSent(Event):
    """Staff sent a message to the screen."""

    message: StaffMessage


@dataclass(frozen=True)
class MessageCleared(Event):
    """The visitor closed the staff message."""
