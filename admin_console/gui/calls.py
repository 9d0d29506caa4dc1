"""Every call the staff window makes on the console, each with the API model its answer is
read with (:mod:`admin_console.api`, the models the server answers with).

The window sends no request that is not one of these: :class:`Call` builds the path and
reads the answer, and the contract test checks each one against the server's OpenAPI
document (the path and method exist, the answer's schema is the model's).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast
from urllib.parse import quote, urlencode

from pydantic import TypeAdapter, ValidationError

from admin_console.api.help import HelpCallModel
from admin_console.api.members import MemberModel
from admin_console.api.policy import PolicyState
from admin_console.api.printers import PrinterList, SentTestPage
from admin_console.api.room import (
    CommandResponse,
    KioskTile,
    PairingCodeResponse,
    PowerResponse,
    PowerResult,
)
from admin_console.api.setup import SetupState
from admin_console.api.sites import SiteModel, SiteRulesState, StaffSites
from admin_console.api.staff import FirstAdminState, LoginResponse, Me, StaffAccount, StaffList
from admin_console.api.tickets import Ticket, TicketsCreated
from admin_console.api.usage import UsageReport
from admin_console.api.workshops import Workshop

if TYPE_CHECKING:
    from admin_console.gui.client import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Query = Mapping[str, str | dt.date | None]
"""A query string's parameters (None: left out)."""


@dataclass(frozen=True)
class Call(Generic[T_co]):
    """One operation of the console's API, as the window uses it."""

    method: str
    path: str
    """As the server documents it: ``/api/help/{kiosk_id}/take``."""
    reply: Any
    """The type a 2xx answer's body is read as: a model, a list of one, ``bytes`` (the
    body as received, not JSON) or None (no body)."""

    def url(self, query: Query | None = None, **params: object) -> str:
        """The path with its ``{parameters}`` filled in (quoted) and the ``query`` given
        (None values left out)."""
        path = self.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})
        given = {k: str(v) for k, v in (query or {}).items() if v is not None}
        return f"{path}?{urlencode(given)}" if given else path

    @cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.reply)

    def read(self, body: Any, raw: bytes = b"") -> T_co:
        """The answer as its model: pydantic's ValidationError when it is not one."""
        if self.reply is None:
            return cast(T_co, None)
        if self.reply is bytes:
            return cast(T_co, raw)
        return cast(T_co, self._adapter.validate_python(body))


class _Bad(Enum):
    REPLY = "bad reply"


BAD_REPLY = _Bad.REPLY
"""What :func:`read_reply` gives for a reply that is not a success read as the call's
model."""


def read_reply(call: Call[T], reply: Reply) -> T | Literal[_Bad.REPLY]:
    """A 2xx answer read as ``call``'s model; :data:`BAD_REPLY` for an error or a failure,
    and (logged with what is wrong) for an answer that is not the model: the window then
    says so in a sentence."""
    if not reply.ok:
        return BAD_REPLY
    try:
        return call.read(reply.body, reply.raw)
    except ValidationError as exc:
        wrong = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:5]
        )
        log.warning(
            "the console's answer to %s %s is not as expected: %s", call.method, call.path, wrong
        )
        return BAD_REPLY


LOGIN = Call[LoginResponse]("POST", "/api/login", LoginResponse)
LOGOUT = Call[None]("POST", "/api/logout", None)
FIRST_ADMIN = Call[FirstAdminState]("GET", "/api/first-admin", FirstAdminState)
CREATE_FIRST_ADMIN = Call[LoginResponse]("POST", "/api/first-admin", LoginResponse)
COMMAND = Call[CommandResponse]("POST", "/api/kiosks/{kiosk_id}/commands", CommandResponse)
OUT_OF_ORDER = Call[KioskTile]("POST", "/api/kiosks/{kiosk_id}/out-of-order", KioskTile)
BACK_IN_ORDER = Call[KioskTile]("POST", "/api/kiosks/{kiosk_id}/back-in-order", KioskTile)
START_WORKSHOP = Call[Workshop]("POST", "/api/workshops", Workshop)
WAKE = Call[PowerResult]("POST", "/api/kiosks/{kiosk_id}/wake", PowerResult)
POWER = Call[PowerResponse]("POST", "/api/kiosks/power", PowerResponse)
TICKETS = Call[list[Ticket]]("GET", "/api/tickets", list[Ticket])
MAKE_TICKETS = Call[TicketsCreated]("POST", "/api/tickets", TicketsCreated)
MEMBERS = Call[list[MemberModel]]("GET", "/api/members", list[MemberModel])
NEW_MEMBER = Call[MemberModel]("POST", "/api/members", MemberModel)
CHANGE_MEMBER = Call[MemberModel]("PATCH", "/api/members/{card}", MemberModel)
BAN = Call[MemberModel]("POST", "/api/members/{card}/ban", MemberModel)
UNBAN = Call[MemberModel]("POST", "/api/members/{card}/unban", MemberModel)
HELP_QUEUE = Call[list[HelpCallModel]]("GET", "/api/help", list[HelpCallModel])
TAKE_HELP = Call[HelpCallModel]("POST", "/api/help/{kiosk_id}/take", HelpCallModel)
HELP_DONE = Call[HelpCallModel]("POST", "/api/help/{kiosk_id}/done", HelpCallModel)
CANCEL_HELP = Call[HelpCallModel]("POST", "/api/help/{kiosk_id}/cancel", HelpCallModel)
USAGE = Call[UsageReport]("GET", "/api/usage", UsageReport)
USAGE_CSV = Call[bytes]("GET", "/api/usage.csv", bytes)
POLICY = Call[PolicyState]("GET", "/api/policy", PolicyState)
CHANGE_POLICY = Call[PolicyState]("PUT", "/api/policy", PolicyState)
SETUP = Call[SetupState]("GET", "/api/setup", SetupState)
CHANGE_SETUP = Call[SetupState]("PUT", "/api/setup", SetupState)
PRINTERS = Call[PrinterList]("GET", "/api/printers", PrinterList)
TEST_PAGE = Call[SentTestPage]("POST", "/api/printers/test-page", SentTestPage)
PAIRING_CODE = Call[PairingCodeResponse]("POST", "/api/pairing-codes", PairingCodeResponse)
ME = Call[Me]("GET", "/api/me", Me)
CHANGE_ME = Call[Me]("PATCH", "/api/me", Me)
MY_PASSWORD = Call[None]("PUT", "/api/me/password", None)
MY_PIN = Call[None]("PUT", "/api/me/pin", None)
STAFF = Call[StaffList]("GET", "/api/staff", StaffList)
NEW_STAFF = Call[StaffAccount]("POST", "/api/staff", StaffAccount)
CHANGE_STAFF = Call[StaffAccount]("PATCH", "/api/staff/{staff_id}", StaffAccount)
RESET_PASSWORD = Call[None]("POST", "/api/staff/{staff_id}/password", None)
SITES = Call[list[SiteModel]]("GET", "/api/sites", list[SiteModel])
NEW_SITE = Call[SiteModel]("POST", "/api/sites", SiteModel)
CHANGE_SITE = Call[SiteModel]("PATCH", "/api/sites/{site_id}", SiteModel)
SET_STAFF_SITES = Call[StaffSites]("PUT", "/api/staff/{staff_id}/sites", StaffSites)
MOVE_PC = Call[KioskTile]("PUT", "/api/kiosks/{kiosk_id}/site", KioskTile)
SITE_RULES = Call[SiteRulesState]("GET", "/api/sites/{site_id}/rules", SiteRulesState)
CHANGE_SITE_RULES = Call[SiteRulesState]("PUT", "/api/sites/{site_id}/rules", SiteRulesState)

CALLS: tuple[Call[Any], ...] = tuple(v for v in list(globals().values()) if isinstance(v, Call))
"""Every call above: what the contract test checks."""
