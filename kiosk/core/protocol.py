"""The wire protocol between the kiosk shell and the kiosk agent.

Newline-delimited JSON over a unix socket. Every line is one object with ``v`` (the
protocol version), ``type`` (a declared message type) and, for requests, an ``id`` that the
reply carries back as ``re``. The agent pushes a ``view`` whenever what the visitor should
see changes (and each second while a session's time runs). The shell can only ask for what
a visitor may do, plus animator actions that carry the animator PIN (and which staff
member's it is, when the console sent a roster).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kiosk.core.model import EndReason, LockReason, State
from policies import Language, LoginMode

PROTOCOL_VERSION: Literal[1] = 1
R = TypeVar("R")
MAX_LINE_BYTES = 64 * 1024
"""Longest line either side accepts; longer lines are refused and skipped."""


class ProtocolError(Exception):
    """A line that is not a valid message; ``code`` goes back to the sender."""

    def __init__(self, code: str, message: str, request_id: int | None = None) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        super().__init__(f"{code}: {message}")


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    v: Literal[1] = PROTOCOL_VERSION


class _Request(_Message):
    # Strict: true, 1.0 or "7" are not ids, and a reply must carry back exactly what came.
    id: int = Field(ge=0, le=2**53, strict=True)


TappedStaffId = Annotated[
    int | None,
    Field(
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="Who is typing their PIN (a name tapped on the roster); None: the "
        "PC's own PIN, which opens the staff key only while the roster is empty.",
    ),
]
"""Whose PIN a staff request carries: the same field on every request behind the staff key."""


# -- shell -> agent ---------------------------------------------------------------------


class Hello(_Request):
    """First message of a connection; the agent answers and pushes the current view."""

    type: Literal["hello"] = "hello"
    client: str = Field("shell", max_length=40)
    display_session: str | None = Field(
        None,
        max_length=200,
        description="Which graphical session the shell runs in (logind session, or the X "
        "or Wayland socket's identity): a session that changes means the visitor's "
        "desktop ended.",
    )


class Ping(_Request):
    """Round-trip check."""

    type: Literal["ping"] = "ping"


class Login(_Request):
    """Start a session: walk-in, ticket code, or member card + PIN."""

    type: Literal["login"] = "login"
    mode: LoginMode
    language: Language
    code: str | None = Field(None, max_length=40)
    card: str | None = Field(None, max_length=40)
    pin: str | None = Field(None, max_length=40)


class AcceptRules(_Request):
    """The visitor accepts the house rules of this version, read in this language."""

    type: Literal["accept_rules"] = "accept_rules"
    rules_version: str = Field(max_length=64)
    language: Language


class DeclineRules(_Request):
    """The visitor goes back from the house rules."""

    type: Literal["decline_rules"] = "decline_rules"


class Activity(_Request):
    """The visitor used the keyboard or mouse (sent at most every few seconds)."""

    type: Literal["activity"] = "activity"


class RequestHelp(_Request):
    """The visitor asks for an animator."""

    type: Literal["request_help"] = "request_help"


class EndSession(_Request):
    """The visitor ends their session early."""

    type: Literal["end_session"] = "end_session"


class DismissReceipt(_Request):
    """The next visitor closes the 'your data was erased' screen."""

    type: Literal["dismiss_receipt"] = "dismiss_receipt"


class ClearMessage(_Request):
    """The visitor closes a staff message."""

    type: Literal["clear_message"] = "clear_message"


class AnimatorAction(_Request):
    """An animator at the kiosk acts with their PIN (rate-limited by the agent).

    ``check`` only checks the PIN, before the staff menu opens; it counts as a try like
    any other action (a wrong PIN is a wrong try at the animator guard).
    """

    type: Literal["animator"] = "animator"
    pin: str = Field(max_length=40)
    action: Literal["check", "extend", "end", "lock", "unlock"]
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    staff_id: TappedStaffId = None


class FindConsoles(_Request):
    """Staff ask which consoles announce themselves on this PC's network (with the animator
    PIN, checked and counted as at the staff menu); the reply lists them."""

    type: Literal["find_consoles"] = "find_consoles"
    pin: str = Field(max_length=40)
    staff_id: TappedStaffId = None


class PairConsole(_Request):
    """Staff pair this PC, not paired yet, with the console at ``address`` using the
    one-time ``code`` it shows (with the animator PIN); the agent pairs, keeps the token and
    links up at once. The reply names the console paired with."""

    type: Literal["pair_console"] = "pair_console"
    pin: str = Field(max_length=40)
    address: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=40)
    staff_id: TappedStaffId = None


class PrintAnswer(_Request):
    """The visitor's answer about a held print job: print it, or cancel it."""

    type: Literal["print_answer"] = "print_answer"
    job_id: int = Field(ge=1, strict=True)
    print_it: bool = Field(strict=True)


# -- root's tools -> agent (the admin socket, root only) -----------------------------------


class HoldForUpdate(_Request):
    """``epn-kiosk update`` asks to keep visitors off this PC while it installs an update.

    Granted only when no visitor session is in progress; the hold ends when the agent
    restarts (the new version), when released, or by itself after the agent's bound."""

    type: Literal["hold_for_update"] = "hold_for_update"


class ReleaseUpdateHold(_Request):
    """The update is over (nothing installed, or it failed): visitors may log in again."""

    type: Literal["release_update_hold"] = "release_update_hold"
    hold: str = Field(min_length=1, max_length=64)


AdminRequest = Annotated[
    Ping | HoldForUpdate | ReleaseUpdateHold,
    Field(discriminator="type"),
]
ADMIN_REQUEST_TYPES = frozenset({"ping", "hold_for_update", "release_update_hold"})
_ADMIN_REQUEST: TypeAdapter[AdminRequest] = TypeAdapter(AdminRequest)


Request = Annotated[
    Hello
    | Ping
    | Login
    | AcceptRules
    | DeclineRules
    | Activity
    | RequestHelp
    | EndSession
    | DismissReceipt
    | ClearMessage
    | AnimatorAction
    | FindConsoles
    | PairConsole
    | PrintAnswer,
    Field(discriminator="type"),
]
REQUEST_TYPES = frozenset(
    {
        "hello",
        "ping",
        "login",
        "accept_rules",
        "decline_rules",
        "activity",
        "request_help",
        "end_session",
        "dismiss_receipt",
        "clear_message",
        "animator",
        "find_consoles",
        "pair_console",
        "print_answer",
    }
)
_REQUEST: TypeAdapter[Request] = TypeAdapter(Request)


# -- agent -> shell ---------------------------------------------------------------------


class ErrorBody(BaseModel):
    """Why a request failed: a stable ``code`` the shell translates, a detail for logs."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    message: str
    retry_after: int | None = None


class ConsoleView(BaseModel):
    """A console that announced itself on the PC's network (a suggestion: the pairing code,
    not the announcement, proves which console it is)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(max_length=80)
    address: str = Field(max_length=200)
    """As the pairing takes it: ``https://host:port``."""


class Reply(_Message):
    """The answer to one request (``re`` is None when the request could not be read)."""

    type: Literal["reply"] = "reply"
    re: int | None
    ok: bool
    error: ErrorBody | None = None
    consoles: tuple[ConsoleView, ...] | None = None
    """``find_consoles``: the consoles that answered, by name."""
    paired_with: str | None = Field(None, max_length=200)
    """``pair_console``: the name of the console this PC is now paired with."""
    hold: str | None = Field(None, max_length=64)
    """``hold_for_update``: the hold's token, to release it."""
    hold_seconds: int | None = Field(None, ge=0)
    """``hold_for_update``: how long the hold lasts unless released or ended sooner."""
    staff_name: str | None = Field(None, max_length=40)
    """``animator`` ``check``: the name of the staff member whose PIN it was (None: the
    PC's own PIN), as the staff menu greets them."""
    staff_language: Language | None = None
    """``animator`` ``check``: that person's language (fr, nl or en) for their menu."""


class StaffMemberView(BaseModel):
    """A staff member the PIN screen offers to tap (their name; never their PIN's hash)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: int = Field(ge=1, strict=True)
    name: str = Field(max_length=40)


class RuleView(BaseModel):
    """One house rule in the visitor's language."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    pictogram: str
    short: str
    long: str


class MessageView(BaseModel):
    """A staff message on screen."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    number: int
    text: str


class PrintView(BaseModel):
    """A held print job the visitor is asked about (or told about)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    job_id: int
    waiting: Literal["confirm", "over_quota", "uncountable"]
    """confirm: print or cancel; over_quota and uncountable: only an animator can help."""
    pages: int = 0
    sheets: int = 0
    colour: bool = False
    cost_cents: int = 0
    free_pages_used: int = 0
    currency: str = "EUR"
    pages_left: int = 0
    """Pages the session may still print before this job."""
    problem: str | None = None
    """Why an uncountable job could not be counted (encrypted, damaged, unknown_format…)."""
    seconds_left: int = 0
    """Until the job is cancelled unanswered."""


class AppView(BaseModel):
    """An application the visitor may start from the shell's launcher."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    name: str
    icon: str
    """Icon name in the desktop's icon theme."""
    exec: str
    """How to start it (a command line, no shell syntax)."""


class ReceiptView(BaseModel):
    """What the wipe erased."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    erased: dict[str, int]
    bytes_erased: int


class SummaryView(BaseModel):
    """The session that just ended, for the receipt: time used, printing, the ticket."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    seconds_used: int = Field(ge=0)
    pages_printed: int | None = Field(None, ge=0)
    """None: not known (this PC does not meter printing, or its agent restarted since)."""
    cost_cents: int = Field(0, ge=0)
    currency: str = "EUR"
    ticket_unused_seconds: int | None = Field(None, ge=0)
    """A ticket session: the ticket's time not used. A ticket is used once (the console's
    and the PC's ticket model): what was not used is not kept on it. None: no ticket."""


class View(_Message):
    """Everything the shell shows. The shell draws this and decides nothing."""

    type: Literal["view"] = "view"
    state: State
    pc_name: str
    languages: tuple[Language, ...]
    login_modes: tuple[LoginMode, ...]
    is_open: bool
    opens_at: str | None = None  # "HH:MM" (or "YYYY-MM-DD HH:MM" another day) when closed
    language: Language | None = None
    rules_version: str | None = None
    rules: tuple[RuleView, ...] | None = None
    seconds_left: int | None = None
    ends_at: str | None = None  # "HH:MM"
    warning_minutes: int | None = None
    idle_seconds_left: int | None = None
    locked: bool = False
    lock_reason: LockReason | None = None  # out of order: the locked screen says so
    workshop_title: str | None = None  # a workshop's title, shown in the session bar
    message: MessageView | None = None
    help_requested: bool = False
    print_job: PrintView | None = None
    pages_printed: int = 0
    preparing: bool = False
    """The PC finishes erasing what a crash or power cut left, before anyone logs in."""
    apps: tuple[AppView, ...] = ()
    """The launcher, while a session runs: the policy's applications that are installed."""
    receipt: ReceiptView | None = None
    end_reason: EndReason | None = None
    animator_pin_set: bool = False
    summary: SummaryView | None = None
    """After a session: what it used, for the receipt."""
    staff_language: Language = Language.FR
    """The language of the staff menu (the policy's ``staff.language``), not the visitor's."""
    console_paired: bool = False
    """This PC is paired with a console (else the staff menu offers to pair it)."""
    staff: tuple[StaffMemberView, ...] = ()
    """The console's staff roster, by name: each person taps theirs, then types their own
    PIN. Empty: the PC's own PIN opens the staff key, no name asked."""
    updating: bool = False
    """An update is being installed: no visitor may start a session until it is over."""


Push = Reply | View
_PUSH: TypeAdapter[Push] = TypeAdapter(Annotated[Push, Field(discriminator="type")])


# -- encoding ---------------------------------------------------------------------------


def encode(message: BaseModel) -> bytes:
    """One message as one line."""
    return message.model_dump_json(exclude_none=False).encode() + b"\n"


def _load(line: bytes) -> dict[str, Any]:
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError("too_large", f"a message is at most {MAX_LINE_BYTES} bytes")
    try:
        # UTF-8 only: json.loads would also take UTF-16 and UTF-32 bytes.
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("malformed", f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ProtocolError("malformed", f"not JSON: {_short(str(exc))}") from exc
    except RecursionError as exc:
        # Nesting deeper than the interpreter's stack (a line of 60,000 "[" fits in a line).
        raise ProtocolError("malformed", "not JSON: nested too deeply") from exc
    if not isinstance(data, dict):
        raise ProtocolError("malformed", "a message is a JSON object")
    return data


def _short(text: str, limit: int = 200) -> str:
    """An error text cut to ``limit`` characters (it may quote what was sent)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _request_id(data: dict[str, Any]) -> int | None:
    """The request's id when it is an integer (else None), so that a reply to a bad
    request still reaches the shell's matching call."""
    raw = data.get("id")
    return raw if type(raw) is int else None


def decode_request(line: bytes) -> Request:
    """Read one request line; raises :class:`ProtocolError` with a code for the reply."""
    return _decode(line, _REQUEST, REQUEST_TYPES)


def decode_admin_request(line: bytes) -> AdminRequest:
    """Read one request line of the admin socket (only its requests are known there)."""
    return _decode(line, _ADMIN_REQUEST, ADMIN_REQUEST_TYPES)


def _decode(line: bytes, adapter: TypeAdapter[R], known: frozenset[str]) -> R:
    data = _load(line)
    request_id = _request_id(data)
    version = data.get("v")
    # type() and not ==: in Python true == 1 == 1.0, none of which is version 1 on the wire.
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise ProtocolError(
            "bad_version", f"this agent speaks protocol v{PROTOCOL_VERSION}", request_id
        )
    kind = data.get("type")
    if not isinstance(kind, str):
        # Not looked up (a list or an object is not hashable) nor shown (it may be nested
        # deep enough to exhaust the stack when printed).
        raise ProtocolError("unknown_type", "the message type is not a string", request_id)
    if kind not in known:
        shown = _short(repr(kind), 60)
        raise ProtocolError("unknown_type", f"unknown message type {shown}", request_id)
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = _short(".".join(str(p) for p in first["loc"][1:]) or "message", 80)
        raise ProtocolError("bad_field", f"{where}: {_short(first['msg'])}", request_id) from exc


def decode_push(line: bytes) -> Push:
    """Read one line from the agent (the shell side)."""
    data = _load(line)
    try:
        return _PUSH.validate_python(data)
    except ValidationError as exc:
        raise ProtocolError("bad_field", str(exc.errors(include_url=False)[0]["msg"])) from exc
