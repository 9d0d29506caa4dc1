"""The versioned wire messages between a kiosk agent and the console server.

Transport: one WebSocket per kiosk (``/ws/kiosk``, the kiosk's token in the
``Authorization: Bearer`` header), one JSON object per text frame, each with ``v`` and
``type``.

Kiosk → console: ``hello`` once, then ``event`` (persistent, each with a unique ``id``; the
console stores each id once and acknowledges it; the kiosk forgets only what was
acknowledged), ``status`` (the live tile, not stored), ``command_result``.
Console → kiosk: ``welcome``, ``ack``, ``command`` (each with a ``command_id`` the kiosk
answers with a ``command_result``), ``staff_roster`` (who may use the staff key, and their
PINs' hashes), ``error``.

Enrollment (HTTPS, before the WebSocket): ``EnrollRequest`` → ``EnrollResponse``.

Values a kiosk sends are bounded (:data:`MAX_SESSION_SECONDS`, :data:`MAX_JOB_PAGES`,
:data:`MAX_JOB_CENTS`, times between :data:`EARLIEST` and :data:`LATEST`, integers that are
integers, not strings or floats): a frame outside them is a ``bad_field`` error, so nothing
the console stores can overflow a column, a date or a sum.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

PROTOCOL_VERSION: Literal[1] = 1
MAX_FRAME_BYTES = 256 * 1024
"""Largest frame either side accepts (a policy update with its house rules fits)."""

KioskName = Annotated[str, Field(min_length=1, max_length=40)]
EventId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

MAX_SESSION_SECONDS = 31 * 24 * 3600
"""Longest time a kiosk may report for a session (given, used, extended): a month."""
MAX_JOB_PAGES = 1_000_000
"""Most pages (or sheets) one print job may report."""
MAX_JOB_CENTS = 100_000_000
"""Most one print job may cost, in cents (a million euros)."""
MAX_COUNT = 1_000_000_000
"""Most of anything else a kiosk counts (items wiped)."""
MAX_JOB_ID = 2**31 - 1
"""Largest print job id (CUPS's ids are 32-bit)."""
MAX_STAFF_ID = 2**31 - 1
"""Largest staff id (the console's integer keys)."""
MAX_ROSTER = 500
"""Most staff members one roster names (a network's whole team fits)."""
MAC_PATTERN = r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"
"""A network card's address, as Linux writes it (lower case, colons)."""
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""No kiosk event happened before this instant (a PC whose clock says so is wrong)."""
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
"""Nor on or after this one (excluded)."""
EARLIEST_TEXT = "2000-01-01T00:00:00Z"
LATEST_TEXT = "2099-12-31T23:59:59Z"
"""The first and last instants a kiosk may report, as it writes them."""


def _in_calendar(value: dt.datetime) -> dt.datetime:
    # Compared, not converted: year 1 at +05:00 is before year 1 in UTC, and converting it
    # would overflow.
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must be from {EARLIEST_TEXT} to {LATEST_TEXT}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
"""An aware time between :data:`EARLIEST` and :data:`LATEST`."""
Seconds = Annotated[int, Field(strict=True, ge=0, le=MAX_SESSION_SECONDS)]
Pages = Annotated[int, Field(strict=True, ge=0, le=MAX_JOB_PAGES)]
Cents = Annotated[int, Field(strict=True, ge=0, le=MAX_JOB_CENTS)]
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
JobId = Annotated[int, Field(strict=True, ge=1, le=MAX_JOB_ID)]


class ConsoleProtocolError(Exception):
    """A frame that is not a valid message; ``code`` goes back to the sender, with
    ``event_id`` when the frame was an event with a readable id (refused for good)."""

    def __init__(self, code: str, message: str, event_id: str | None = None) -> None:
        self.code = code
        self.message = message
        self.event_id = event_id
        super().__init__(f"{code}: {message}")


def reject_nul(value: Any) -> Any:
    """``value`` if no string in it (keys included) holds a NUL character, else ValueError:
    PostgreSQL cannot store one, so it is bad input, not a storage failure."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ValueError("text may not contain a NUL character")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return value


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    v: Literal[1] = PROTOCOL_VERSION

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return reject_nul(data)


class LoginKind(StrEnum):
    """How a session started, as the console counts it."""

    WALK_IN = "walk_in"
    TICKET = "ticket"
    MEMBER = "member"
    WORKSHOP = "workshop"
    GRANT_PAGES = "grant_pages"
    """Give the session ``pages`` more pages, free of charge (a job over quota may print)."""
    PRINT_RELEASE = "print_release"
    """Print job ``job_id``, which the kiosk could not count, as ``pages`` pages, free."""


# -- events (kiosk -> console, stored once each) ----------------------------------------


class _EventBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return reject_nul(data)


class SessionStartedBody(_EventBody):
    """A visitor accepted the house rules; the time runs."""

    kind: Literal["session_started"] = "session_started"
    session_id: EventId
    login: LoginKind
    language: str = Field(max_length=8)
    rules_version: str = Field(max_length=64)
    seconds: Seconds
    ticket_ref: str | None = Field(None, max_length=64)
    ticket_digest: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of a ticket code checked offline: the console marks it used.",
    )
    member_card: str | None = Field(None, max_length=40)
    offline: bool = Field(False, description="Started while the console could not be reached.")
    workshop_id: str | None = Field(None, max_length=64, description="The workshop it belongs to.")


class SessionEndedBody(_EventBody):
    """A session ended (time up, visitor, staff, idle, lost shell, reboot, stop)."""

    kind: Literal["session_ended"] = "session_ended"
    session_id: EventId
    reason: str = Field(max_length=32)
    seconds_used: Seconds
    extended_seconds: Seconds
    help_requested: bool = False


class HelpRequestedBody(_EventBody):
    """The visitor pressed the help button."""

    kind: Literal["help_requested"] = "help_requested"
    session_id: EventId | None = None


class WipeFinishedBody(_EventBody):
    """The visitor's data was erased."""

    kind: Literal["wipe_finished"] = "wipe_finished"
    seconds: float = Field(ge=0, le=MAX_SESSION_SECONDS, allow_inf_nan=False)
    items: Count


class PrintJobBody(_EventBody):
    """A print job was counted, released, cancelled or refused; ``not_printed``: a job
    released earlier went back on hold before anything of it printed (it changed after its
    quote), so what its ``released`` counted is taken back."""

    kind: Literal["print_job"] = "print_job"
    session_id: EventId | None = None
    outcome: Literal["counted", "released", "not_printed", "cancelled", "refused", "uncountable"]
    pages: Pages
    sheets: Pages
    cost_cents: Cents
    colour: bool = False


class StaffActionBody(_EventBody):
    """A staff member acted at the PC, behind the staff key (their PIN checked): the
    console writes it to its audit log under that person's name."""

    kind: Literal["staff_action"] = "staff_action"
    staff_id: int | None = Field(
        None,
        strict=True,
        ge=1,
        le=MAX_STAFF_ID,
        description="Whose PIN it was (the console's staff id); None: the PC's own "
        "first-run PIN, before the console sent its staff.",
    )
    action: str = Field(max_length=40)
    detail: str = Field("", max_length=200)


EventBody = Annotated[
    SessionStartedBody
    | SessionEndedBody
    | HelpRequestedBody
    | WipeFinishedBody
    | PrintJobBody
    | StaffActionBody,
    Field(discriminator="kind"),
]


class Event(_Message):
    """One stored fact from a kiosk. ``id`` is unique forever; a resend is harmless."""

    type: Literal["event"] = "event"
    id: EventId
    at: Instant = Field(description="When it happened on the kiosk (aware).")
    body: EventBody


# -- live status (kiosk -> console, not stored) ----------------------------------------


class Status(_Message):
    """What the room view shows for this PC now; sent on every change and each minute."""

    type: Literal["status"] = "status"
    state: str = Field(max_length=16)
    seconds_left: Seconds | None = None
    login: LoginKind | None = None
    pages_printed: Pages = 0
    print_waiting: Literal["over_quota", "uncountable"] | None = Field(
        None, description="A print job waits for an animator (grant pages, or release it)."
    )
    print_job_id: JobId | None = Field(None, description="That job, for print_release.")
    help_requested: bool = False
    locked: bool = False
    updating: bool = Field(
        False, description="The PC installs an update: no session starts until it is over."
    )
    at: Instant | None = Field(None, description="When the PC made this status (its clock).")
    deadline: Instant | None = Field(
        None,
        description="When the session's time runs out (the PC's clock; with ``at``): the "
        "console counts down from it, and corrects for a PC whose clock is off.",
    )

    @model_validator(mode="after")
    def _deadline_after_at(self) -> Status:
        if self.deadline is None:
            return self
        if self.at is None:
            raise ValueError("deadline: send at with it")
        ahead = (self.deadline - self.at).total_seconds()
        if not 0 <= ahead <= MAX_SESSION_SECONDS:
            raise ValueError(f"deadline: 0 to {MAX_SESSION_SECONDS} s after at")
        return self


class Hello(_Message):
    """First frame of a kiosk's connection."""

    type: Literal["hello"] = "hello"
    agent_version: str = Field(max_length=40)
    policy_version: str | None = Field(None, max_length=64)
    staff_revision: int | None = Field(
        None,
        strict=True,
        ge=0,
        le=2**63 - 1,
        description="The revision of the staff roster the PC holds (None: it has none).",
    )
    mac: str | None = Field(
        None,
        pattern=MAC_PATTERN,
        description="The network card the PC reaches the console through, for Wake-on-LAN.",
    )


class CommandResult(_Message):
    """The kiosk's answer to one command."""

    type: Literal["command_result"] = "command_result"
    command_id: EventId
    ok: bool
    code: str | None = Field(None, max_length=40)
    message: str = Field("", max_length=500)


# -- console -> kiosk -------------------------------------------------------------------


class Welcome(_Message):
    """The console accepted the kiosk's connection."""

    type: Literal["welcome"] = "welcome"
    kiosk_name: KioskName
    server_time: dt.datetime
    ticket_key: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{43}=?$",
        description="The console's ticket key (32 bytes, base64url) to check codes offline.",
    )


class Ack(_Message):
    """These event ids are stored: the kiosk may forget them."""

    type: Literal["ack"] = "ack"
    ids: tuple[EventId, ...] = Field(max_length=1000)


class CommandAction(StrEnum):
    """What staff can ask a kiosk to do."""

    EXTEND = "extend"
    END = "end"
    LOCK = "lock"
    UNLOCK = "unlock"
    MESSAGE = "message"
    POLICY_UPDATE = "policy_update"
    WORKSHOP = "workshop"
    GRANT_PAGES = "grant_pages"
    """Give the session ``pages`` more pages, free of charge (a job over quota may print)."""
    PRINT_RELEASE = "print_release"
    """Print job ``job_id``, which the kiosk could not count, as ``pages`` pages, free."""
    HELP_ANSWERED = "help_answered"
    """Staff closed the visitor's help call (``reason``: ``done`` or ``cancelled``): the PC
    stops saying someone is coming. Only for the session ``session_id`` (when given): a
    PC whose session ended meanwhile answers ``no_session`` and keeps its new visitor's
    call."""
    """Start a session without a login for ``minutes``; ``text`` is the workshop's title and
    ``workshop_id`` names it. ``lock`` with ``reason="out_of_order"`` marks a PC out of order."""
    RESTART = "restart"
    """Restart the PC: a session on it is ended (and wiped) first."""
    SHUT_DOWN = "shut_down"
    """Switch the PC off: a session on it is ended (and wiped) first."""


class Command(_Message):
    """A staff action pushed to a kiosk; answered by a ``command_result``."""

    type: Literal["command"] = "command"
    command_id: EventId
    action: CommandAction
    by: str = Field(max_length=80, description="The staff member who asked (shown in audit).")
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    reason: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=500)
    policy: dict[str, Any] | None = Field(None, description="A full policy, as plain data.")
    workshop_id: str | None = Field(None, max_length=64)
    pages: int | None = Field(None, ge=1, le=1000)
    job_id: int | None = Field(None, ge=1, le=MAX_JOB_ID)
    session_id: EventId | None = Field(None, description="The session a help_answered is for.")


StaffLanguage = Literal["fr", "nl", "en"]
"""The languages of the staff's own screens."""


class RosterEntry(BaseModel):
    """One staff member who may use the staff key at this PC."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: int = Field(strict=True, ge=1, le=MAX_STAFF_ID)
    name: str = Field(min_length=1, max_length=40, description="As the PC greets them.")
    language: StaffLanguage
    pin_hash: str = Field(
        min_length=1, max_length=200, pattern=r"^\$argon2id\$", description="argon2id."
    )


class StaffRoster(_Message):
    """The staff who may use the staff key at this PC, each with their PIN's hash. It
    replaces the PC's whole roster (a member missing from it is revoked at once); the
    console sends it after ``welcome`` when the PC's ``staff_revision`` differs, and on
    every change. An empty roster leaves the PC its own first-run PIN."""

    type: Literal["staff_roster"] = "staff_roster"
    revision: int = Field(strict=True, ge=0, le=2**63 - 1)
    staff: tuple[RosterEntry, ...] = Field(max_length=MAX_ROSTER)


class ErrorFrame(_Message):
    """A frame the other side could not use."""

    type: Literal["error"] = "error"
    code: str = Field(max_length=40)
    message: str = Field(max_length=500)
    event_id: EventId | None = Field(
        None,
        description="The event this refuses for good (a value out of bounds): sent again it "
        "would be refused again, so the kiosk forgets it.",
    )


# -- enrollment (HTTPS) -----------------------------------------------------------------


class EnrollRequest(BaseModel):
    """A kiosk asks to join the console with a one-time pairing code."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(min_length=6, max_length=20)
    name: KioskName
    location: str = Field("", max_length=80)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return reject_nul(data)


class EnrollResponse(BaseModel):
    """The kiosk's own token (shown once) and its id at the console."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kiosk_id: int
    token: str
    websocket_path: str = "/ws/kiosk"


class PairStartRequest(BaseModel):
    """A PC opens a pairing (:mod:`epn_shared.pairing`): which code, and its SPAKE2 message;
    the code's secret itself is never sent."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code_id: str = Field(min_length=2, max_length=2, pattern="^[A-Za-z0-9]{2}$")
    msg: str = Field(min_length=1, max_length=100, description="SPAKE2 side A, base64url")
    tell_fingerprint: bool = Field(
        False,
        description="Answer the console's certificate fingerprint too, so that a PC whose "
        "code was right can tell a machine in the middle from a mistyped code (PCs of 0.2.0 "
        "and later ask; older ones get the answer they know).",
    )


class PairStartResponse(BaseModel):
    """The console's SPAKE2 message and its proof of the key and of its certificate."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    pair_id: str = Field(min_length=16, max_length=64)
    msg: str = Field(min_length=1, max_length=100, description="SPAKE2 side B, base64url")
    confirm: str = Field(pattern="^[0-9a-f]{64}$", description="HMAC(K, console, fingerprint)")
    fingerprint_sha256: str | None = Field(
        None,
        pattern="^[0-9A-Fa-f:]{64,95}$",
        description="The console's certificate fingerprint, when asked (not authenticated: "
        "only ``confirm`` is; a PC uses it to say why a pairing failed, never to trust).",
    )


class PairFinishRequest(BaseModel):
    """The PC proves the key and the certificate it saw, and gives its name; the answer is
    an :class:`EnrollResponse`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    pair_id: str = Field(min_length=16, max_length=64)
    name: KioskName
    location: str = Field("", max_length=80)
    confirm: str = Field(pattern="^[0-9a-f]{64}$", description="HMAC(K, kiosk, fingerprint)")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return reject_nul(data)


# -- encoding ---------------------------------------------------------------------------

KioskFrame = Annotated[Hello | Event | Status | CommandResult, Field(discriminator="type")]
ConsoleFrame = Annotated[
    Welcome | Ack | Command | StaffRoster | ErrorFrame, Field(discriminator="type")
]
_KIOSK: TypeAdapter[KioskFrame] = TypeAdapter(KioskFrame)
_CONSOLE: TypeAdapter[ConsoleFrame] = TypeAdapter(ConsoleFrame)


def encode(message: BaseModel) -> str:
    """One message as one text frame."""
    return message.model_dump_json()


def _load(frame: str | bytes) -> dict[str, Any]:
    if len(frame) > MAX_FRAME_BYTES:
        raise ConsoleProtocolError("too_large", f"a frame is at most {MAX_FRAME_BYTES} bytes")
    try:
        data = json.loads(frame)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConsoleProtocolError("malformed", f"not JSON: {exc}") from exc
    except RecursionError as exc:  # '[[[[...' nested deeper than the parser goes
        raise ConsoleProtocolError("malformed", "not JSON: nested too deep") from exc
    if not isinstance(data, dict):
        raise ConsoleProtocolError("malformed", "a frame is a JSON object")
    version = data.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise ConsoleProtocolError("bad_version", f"this side speaks v{PROTOCOL_VERSION}")
    return data


def _validate(adapter: TypeAdapter[Any], data: dict[str, Any], known: frozenset[str]) -> Any:
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in known:
        raise ConsoleProtocolError("unknown_type", f"unknown frame type {str(kind)[:40]!r}")
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "frame"
        raise ConsoleProtocolError(
            "bad_field", f"{where}: {first['msg']}", _event_id(data)
        ) from exc


def _event_id(data: dict[str, Any]) -> str | None:
    # The id of an event frame that is otherwise wrong, if the id itself is one.
    if data.get("type") != "event":
        return None
    try:
        found: str = _EVENT_ID.validate_python(data.get("id"))
    except ValidationError:
        return None
    return found


_EVENT_ID: TypeAdapter[str] = TypeAdapter(EventId)
_KIOSK_TYPES = frozenset({"hello", "event", "status", "command_result"})
_CONSOLE_TYPES = frozenset({"welcome", "ack", "command", "staff_roster", "error"})


def decode_kiosk_frame(frame: str | bytes) -> KioskFrame:
    """Read a frame a kiosk sent (the console side)."""
    result: KioskFrame = _validate(_KIOSK, _load(frame), _KIOSK_TYPES)
    return result


def decode_console_frame(frame: str | bytes) -> ConsoleFrame:
    """Read a frame the console sent (the kiosk side)."""
    result: ConsoleFrame = _validate(_CONSOLE, _load(frame), _CONSOLE_TYPES)
    return result
