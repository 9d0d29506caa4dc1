"""The session engine: Qt-free, IO-free, time passed in."""

from kiosk.core.engine import IN_SESSION, TRANSITIONS, SessionEngine
from kiosk.core.errors import CommandRefused, IllegalTransition, KioskError, Refusal
from kiosk.core.model import (
    Actor,
    ActorKind,
    EndReason,
    ErasedKind,
    Instant,
    LockReason,
    Session,
    SessionKind,
    Snapshot,
    StaffMessage,
    State,
    Visitor,
    WipeReceipt,
    Workshop,
)

__all__ = [
    "IN_SESSION",
    "TRANSITIONS",
    "Actor",
    "ActorKind",
    "CommandRefused",
    "EndReason",
    "ErasedKind",
    "IllegalTransition",
    "Instant",
    "KioskError",
    "LockReason",
    "Refusal",
    "Session",
    "SessionEngine",
    "SessionKind",
    "Snapshot",
    "StaffMessage",
    "State",
    "Visitor",
    "WipeReceipt",
    "Workshop",
]
