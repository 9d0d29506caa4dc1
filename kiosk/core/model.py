"""Values of the session engine: states, time, who asked, the session and its snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from policies import Language, Limit, LoginMode


class State(StrEnum):
    """Where a PC is in a visitor's journey."""

    WAITING = "waiting"  # free: language and login screens
    RULES = "rules"  # a visitor is identified and reads the house rules
    ACTIVE = "active"  # the session runs
    WARNED = "warned"  # a warning was given: time is running out
    FINAL = "final"  # final countdown on screen
    IDLE = "idle"  # no input for a while: "are you still there?"
    ENDING = "ending"  # the session is over; the wipe has not begun
    WIPING = "wiping"  # erasing the visitor's data
    DONE = "done"  # erased: the receipt is shown, then the PC is free


@dataclass(frozen=True)
class Instant:
    """One reading of the clocks: ``mono`` for durations, ``wall`` for display and records.

    ``mono`` never goes back and keeps counting across a restart of the agent (the agent
    uses CLOCK_BOOTTIME); ``wall`` is aware local time.
    """

    mono: float
    wall: dt.datetime


class ActorKind(StrEnum):
    """Who asked for something."""

    VISITOR = "visitor"
    ANIMATOR = "animator"  # at the kiosk, with the PIN
    CONSOLE = "console"  # staff, from the admin console
    SYSTEM = "system"  # the agent itself (time up, idle, reboot)


@dataclass(frozen=True)
class Actor:
    """Who asked, with a name only for staff."""

    kind: ActorKind
    name: str = ""

    @classmethod
    def visitor(cls) -> Actor:
        """The visitor at the PC (never named)."""
        return cls(ActorKind.VISITOR)

    @classmethod
    def system(cls) -> Actor:
        """The agent itself."""
        return cls(ActorKind.SYSTEM)


class EndReason(StrEnum):
    """Why a session ended."""

    TIME_UP = "time_up"
    VISITOR = "visitor"
    STAFF = "staff"
    IDLE = "idle"
    SHELL_LOST = "shell_lost"
    REBOOT = "reboot"  # the PC restarted during the session
    STOPPED = "stopped"  # the agent was stopped (shutdown, service stop)


class SessionKind(StrEnum):
    """How a session started, as it is counted: one of the visitor login modes, or a
    workshop an animator started (not a login mode: no visitor logs in, and a policy cannot
    allow or forbid it)."""

    WALK_IN = "walk_in"
    TICKET = "ticket"
    MEMBER = "member"
    WORKSHOP = "workshop"


class LockReason(StrEnum):
    """Why staff locked a PC, when the screen says more than "locked"."""

    OUT_OF_ORDER = "out_of_order"


@dataclass(frozen=True)
class Workshop:
    """A workshop an animator runs on several PCs at once (the title is shown in the bar)."""

    title: str
    workshop_id: str | None = None


@dataclass(frozen=True)
class Visitor:
    """How a visitor logged in. Never a name: a ticket reference or a card number at most.

    ``reference`` is a local ticket's id or a member's card; ``ticket_ref`` the console's
    reference of a ticket it redeemed; ``ticket_digest`` the SHA-256 of a code checked
    offline (the console marks it used later); ``offline`` says the console could not be
    asked. A workshop's participants are anonymous (``mode`` walk-in: nothing asked) and
    counted as a workshop (:attr:`kind`).
    """

    mode: LoginMode
    reference: str | None = None
    used_today_seconds: int = 0
    ticket_minutes: int | None = None
    ticket_ref: str | None = None
    ticket_digest: str | None = None
    offline: bool = False
    workshop: Workshop | None = None
    free_pages: int = 0
    """Pages this visitor may print free of charge (a console ticket's free pages)."""
    pages_printed_today: int = 0
    """A member's pages printed earlier today on any PC (from the console)."""

    @property
    def kind(self) -> SessionKind:
        """How the session is counted."""
        if self.workshop is not None:
            return SessionKind.WORKSHOP
        return SessionKind(self.mode.value)


@dataclass(frozen=True)
class Session:
    """One visitor's session, from login to end."""

    visitor: Visitor
    language: Language
    logged_in_wall: dt.datetime
    last_activity_mono: float
    rules_version: str | None = None
    started_mono: float | None = None
    started_wall: dt.datetime | None = None
    base_seconds: int = 0
    limited_by: Limit | None = None
    deadline_mono: float | None = None
    extended_seconds: int = 0
    warnings_given: frozenset[int] = frozenset()
    idle_deadline_mono: float | None = None
    help_requested: bool = False
    """The visitor waits for an animator now (staff answering the call clears it)."""
    help_asked: bool = False
    """The visitor asked for help at least once in this session (kept for the record)."""
    end_reason: EndReason | None = None
    ended_by: Actor | None = None
    ended_wall: dt.datetime | None = None
    ended_mono: float | None = None


@dataclass(frozen=True)
class StaffMessage:
    """A message from staff shown on the visitor's screen."""

    number: int
    text: str
    by: Actor
    sent_wall: dt.datetime


class ErasedKind(StrEnum):
    """Kinds of things a wipe counts; the shell has words for each in every language."""

    FILES = "files"
    FOLDERS = "folders"
    DOWNLOADS = "downloads"  # files that were in Downloads (also counted in FILES)
    BROWSER = "browser"  # browser profiles: history, cookies, saved passwords
    PRINT_JOBS = "print_jobs"
    PROCESSES = "processes"


@dataclass(frozen=True)
class WipeReceipt:
    """What the wipe erased, told to the visitor in plain words.

    ``erased`` pairs an :class:`ErasedKind` value with how many were erased.
    """

    erased: tuple[tuple[str, int], ...]
    bytes_erased: int
    seconds: float


@dataclass(frozen=True)
class Snapshot:
    """Everything the engine knows; persisted after every change so a restart resumes."""

    state: State = State.WAITING
    session: Session | None = None
    locked_by: Actor | None = None
    lock_reason: LockReason | None = None
    message: StaffMessage | None = None
    receipt: WipeReceipt | None = None
    done_until_mono: float | None = None
    shell_lost_mono: float | None = field(default=None, compare=False)
