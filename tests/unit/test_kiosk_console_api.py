"""What the kiosk makes of each answer of the console about tickets and members: the
refusal the visitor reads, or "unreachable" (then the offline rules apply)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable

import httpx
import pytest

from kiosk.agent.console_api import (
    CheckedMember,
    ConsoleApi,
    ConsoleUnreachable,
    MemberBanned,
    RedeemedTicket,
    TicketRefused,
)
from kiosk.agent.errors import TooManyTries
from kiosk.agent.link import ConsoleSettings
from kiosk.core.errors import CommandRefused, Refusal

SETTINGS = ConsoleSettings(url="wss://console.example:8443/ws/kiosk", fingerprint_sha256="ab" * 32)
Handler = Callable[[httpx.Request], httpx.Response]


def api(handler: Handler) -> ConsoleApi:
    return ConsoleApi(SETTINGS, "kiosk-token", transport=httpx.MockTransport(handler))


def answer(status: int, body: object = None, **headers: str) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    return handle


def redeem(handler: Handler) -> RedeemedTicket:
    return asyncio.run(api(handler).redeem_ticket("123456789012"))


def check(handler: Handler) -> CheckedMember:
    return asyncio.run(api(handler).check_member("C-1001", "4321"))


def test_the_request_carries_the_kiosk_token_and_the_digits_to_the_console() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ref": "T-9", "minutes": 45, "free_pages": 2})

    assert redeem(handle) == RedeemedTicket("T-9", 45, 2)
    [request] = seen
    assert str(request.url) == "https://console.example:8443/api/kiosk/tickets/redeem"
    assert request.headers["Authorization"] == "Bearer kiosk-token"
    assert json.loads(request.content) == {"code": "123456789012"}


@pytest.mark.parametrize(
    ("status", "why"),
    [(404, "unknown"), (409, "already used"), (410, "expired"), (422, "not a ticket code")],
)
def test_a_refused_ticket_is_a_bad_ticket_for_the_visitor(status: int, why: str) -> None:
    with pytest.raises(TicketRefused) as refused:
        redeem(answer(status, {"detail": "no"}))
    assert refused.value.refusal is Refusal.BAD_TICKET
    assert why in refused.value.detail
    assert refused.value.already_used is (status == 409)


def test_too_many_codes_waits_as_long_as_the_console_says() -> None:
    with pytest.raises(TooManyTries) as refused:
        redeem(answer(429, {"detail": "too many"}, **{"Retry-After": "240"}))
    assert refused.value.refusal is Refusal.TOO_MANY_TRIES
    assert refused.value.retry_after == 240


@pytest.mark.parametrize("status", [500, 502, 503, 401])
def test_a_console_in_trouble_is_unreachable_and_the_offline_rules_apply(status: int) -> None:
    with pytest.raises(ConsoleUnreachable):
        redeem(answer(status, {"detail": "down"}))


def test_no_connection_is_unreachable() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ConsoleUnreachable):
        check(handle)


def test_a_console_that_does_not_answer_in_time_is_unreachable() -> None:
    class Stalling(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(3600)
            raise AssertionError("not reached")

    slow = ConsoleApi(SETTINGS, "kiosk-token", timeout=0.05, transport=Stalling())
    with pytest.raises(ConsoleUnreachable):
        asyncio.run(slow.check_member("C-1001", "4321"))


def test_a_member_gets_the_time_left_the_console_counted_across_pcs() -> None:
    body = {
        "card": "C-1001",
        "nickname": None,
        "daily_allowance_seconds": 3600,
        "remaining_seconds": 1200,
    }
    assert check(answer(200, body)) == CheckedMember("C-1001", 3600, 1200)


def test_a_wrong_pin_and_a_ban_are_told_apart_by_the_detail() -> None:
    with pytest.raises(CommandRefused) as wrong:
        check(answer(403, {"detail": "wrong card number or PIN"}))
    assert wrong.value.refusal is Refusal.WRONG_PIN
    with pytest.raises(MemberBanned) as banned:
        check(answer(403, {"detail": "this card is banned until 2026-03-05: fighting"}))
    assert banned.value.refusal is Refusal.MEMBER_BANNED
    assert banned.value.until == dt.date(2026, 3, 5)
    # The reason staff wrote is not shown to the visitor.
    assert "fighting" not in banned.value.detail
