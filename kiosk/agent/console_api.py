"""The console's answers about tickets and members, asked over HTTPS while a visitor waits.

An enrolled kiosk asks the console (the authority for what PCs share) at each ticket or
member login: ``POST /api/kiosk/tickets/redeem`` and ``POST /api/kiosk/members/check``,
with the kiosk's token as Bearer, over TLS that trusts only the certificate pinned at
enrollment. A visitor never waits long: the whole question has :data:`ASK_SECONDS`.

The answer is a value, a :class:`~kiosk.core.errors.CommandRefused` with the code the
shell translates (bad ticket, wrong PIN, banned card, too many tries), or
:class:`ConsoleUnreachable` (no connection, time out, a 5xx, a refused token, another
certificate): the caller then applies the offline rules.

TLS pinning: the console's certificate is fetched once and kept only when its SHA-256 is
the pinned fingerprint; HTTPS then trusts exactly that certificate, so a handshake with any
other fails before the request (which carries the token) is written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import ssl
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from epn_shared.json_log import event
from kiosk.agent.console_answers import (
    CheckedMember,
    ConsoleUnreachable,
    MemberBanned,
    RedeemedTicket,
    TicketRefused,
)
from kiosk.agent.enroll import pinned_context
from kiosk.agent.errors import TooManyTries
from kiosk.agent.link import ConsoleSettings, fingerprint
from kiosk.core.errors import CommandRefused, Refusal

log = logging.getLogger(__name__)

ASK_SECONDS = 3.0
"""Longest a visitor waits for the console before the offline rules apply."""

_BANNED_UNTIL = re.compile(r"banned until (\d{4}-\d{2}-\d{2})")


def http_base(settings: ConsoleSettings) -> str:
    """``https://host:port`` of the console whose WebSocket is ``settings.url``."""
    parts = urlsplit(settings.url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return urlunsplit((scheme, parts.netloc, "", "", ""))


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return str(data["detail"])[:300]
    return str(data)[:300]


def _retry_after(response: httpx.Response) -> int:
    try:
        return max(1, int(response.headers.get("Retry-After", "300")))
    except ValueError:
        return 300


class ConsoleApi:
    """Asks the console about tickets and members; one per agent, on the agent's loop."""

    def __init__(
        self,
        settings: ConsoleSettings,
        token: str,
        *,
        timeout: float = ASK_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.base = http_base(settings)
        self.timeout = timeout
        self._token = token
        self._transport = transport  # tests answer in memory
        self._client: httpx.AsyncClient | None = None

    async def close(self) -> None:
        """Release the connection."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def redeem_ticket(self, digits: str) -> RedeemedTicket:
        """Use a ticket code at the console (once across every PC)."""
        response = await self._post("/api/kiosk/tickets/redeem", {"code": digits})
        if response.status_code == 200:
            data = response.json()
            return RedeemedTicket(str(data["ref"]), int(data["minutes"]), int(data["free_pages"]))
        problem = {
            404: "unknown ticket code",
            409: "this ticket was already used",
            410: "this ticket has expired",
            422: "this is not a ticket code",
        }.get(response.status_code)
        if problem is not None:
            raise TicketRefused(problem, response.status_code)
        if response.status_code == 429:
            raise TooManyTries("too many wrong ticket codes", _retry_after(response))
        raise self._unexpected(response)

    async def check_member(self, card: str, pin: str) -> CheckedMember:
        """Check a card and PIN at the console; the member's time left today."""
        response = await self._post("/api/kiosk/members/check", {"card": card, "pin": pin})
        if response.status_code == 200:
            data = response.json()
            allowance, remaining = data["daily_allowance_seconds"], data["remaining_seconds"]
            return CheckedMember(
                str(data["card"]),
                None if allowance is None else int(allowance),
                None if remaining is None else int(remaining),
                int(data.get("pages_printed_today", 0)),
            )
        if response.status_code == 403:
            detail = _detail(response)
            banned = _BANNED_UNTIL.search(detail)
            if "banned" in detail:
                until = None if banned is None else dt.date.fromisoformat(banned.group(1))
                raise MemberBanned("this card is suspended", until)
            raise CommandRefused(Refusal.WRONG_PIN, "wrong card number or PIN")
        if response.status_code == 422:
            # Not a card number or PIN the console could ever accept.
            raise CommandRefused(Refusal.WRONG_PIN, "wrong card number or PIN")
        if response.status_code == 429:
            raise TooManyTries("too many wrong PINs for this card", _retry_after(response))
        raise self._unexpected(response)

    # -- internals -----------------------------------------------------------------------

    def _unexpected(self, response: httpx.Response) -> ConsoleUnreachable:
        level = logging.ERROR if response.status_code in (401, 403) else logging.WARNING
        event(log, "console_api_failed", level, status=response.status_code)
        return ConsoleUnreachable(f"the console answered HTTP {response.status_code}")

    async def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            async with asyncio.timeout(self.timeout):
                client = await self._http()
                return await client.post(path, json=body)
        except (TimeoutError, httpx.HTTPError, OSError, ssl.SSLError) as exc:
            # A changed certificate shows here as a failed handshake: fetch it again next
            # time (and refuse it again if it is not the pinned one).
            await self.close()
            event(log, "console_unreachable", logging.WARNING, error=type(exc).__name__)
            raise ConsoleUnreachable(f"{type(exc).__name__}: {exc}") from exc

    async def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            verify: ssl.SSLContext | bool = False
            if self.settings.secure and self._transport is None:
                verify = await self._pinned_context()
            self._client = httpx.AsyncClient(
                base_url=self.base,
                verify=verify,
                timeout=self.timeout,
                headers={"Authorization": f"Bearer {self._token}"},
                trust_env=False,
                transport=self._transport,
            )
        return self._client

    async def _pinned_context(self) -> ssl.SSLContext:
        parts = urlsplit(self.base)
        host, port = parts.hostname or "", parts.port or 443
        pem = await asyncio.to_thread(
            ssl.get_server_certificate, (host, port), timeout=self.timeout
        )
        seen = fingerprint(ssl.PEM_cert_to_DER_cert(pem))
        if seen != self.settings.fingerprint_sha256:
            event(log, "console_api_pin_mismatch", logging.ERROR, seen=seen[:16])
            raise ConsoleUnreachable("the console's certificate is not the one pinned")
        return pinned_context(pem)
