"""Members on a real console, on SQLite and PostgreSQL: a card and a PIN checked by any PC,
the time left today counted from the member's sessions on every PC, bans, the wrong-PIN
limit, and nothing that could name a person."""

from __future__ import annotations

import datetime as dt

import httpx
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from epn_shared.protocol import Event, LoginKind, SessionEndedBody, SessionStartedBody

__all__ = ["data_dir", "database_url", "postgres", "server"]


def _setup(server: ConsoleServer, allowance: int | None = 60) -> tuple[StaffLogin, str]:
    manager = server.add_staff("mia", Role.MANAGER)
    admin = server.add_staff("ada", Role.ADMIN)
    _kiosk, token = server.enroll(admin, "PC-01")
    body = {"card": "EPN-0042", "pin": "2468", "daily_allowance_minutes": allowance}
    with server.client(manager) as http:
        made = http.post("/api/members", json=body)
    assert made.status_code == 201, made.text
    return manager, token


def _check(server: ConsoleServer, token: str, pin: str, card: str = "EPN-0042") -> httpx.Response:
    with server.client(token) as http:
        return http.post("/api/kiosk/members/check", json={"card": card, "pin": pin})


def _session(kiosk: KioskSocket, n: int, at: dt.datetime, card: str, used: int) -> None:
    session = f"session-{n:04d}"
    started = SessionStartedBody(
        session_id=session,
        login=LoginKind.MEMBER,
        language="nl",
        rules_version="1",
        seconds=3600,
        member_card=card,
    )
    ended = SessionEndedBody(
        session_id=session, reason="visitor", seconds_used=used, extended_seconds=0
    )
    kiosk.send(Event(id=f"event-{n:04d}-a", at=at, body=started))
    kiosk.recv()
    kiosk.send(Event(id=f"event-{n:04d}-b", at=at + dt.timedelta(seconds=used), body=ended))
    kiosk.recv()


def test_the_time_left_today_counts_sessions_on_every_pc(server: ConsoleServer) -> None:
    _manager, token = _setup(server)
    first = _check(server, token, "2468")
    assert first.status_code == 200, first.text
    assert first.json()["remaining_seconds"] == first.json()["daily_allowance_seconds"] == 3600
    admin = server.add_staff("adam", Role.ADMIN)
    _other, other_token = server.enroll(admin, "PC-02")
    now = server.clock.now()
    with KioskSocket(server, other_token) as kiosk:
        _session(kiosk, 1, now - dt.timedelta(minutes=50), "EPN-0042", 40 * 60)
        _session(kiosk, 2, now - dt.timedelta(days=1), "EPN-0042", 30 * 60)  # yesterday
        _session(kiosk, 3, now - dt.timedelta(minutes=30), "EPN-0099", 20 * 60)  # someone else
    assert _check(server, token, "2468").json()["remaining_seconds"] == 20 * 60


def test_a_wrong_pin_is_refused_and_five_lock_the_card_for_five_minutes(
    server: ConsoleServer,
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    _manager, token = _setup(server)
    unknown = _check(server, token, "2468", card="EPN-9999")
    wrong = _check(server, token, "1111")
    assert unknown.status_code == wrong.status_code == 403
    assert unknown.json() == wrong.json() == {"detail": "wrong card number or PIN"}
    for _ in range(3):
        assert _check(server, token, "1111").status_code == 403
    locked = _check(server, token, "1111")
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) == 300
    assert _check(server, token, "2468").status_code == 429  # even the right PIN
    clock.advance(minutes=4, seconds=59)
    assert _check(server, token, "2468").status_code == 429
    clock.advance(seconds=2)
    assert _check(server, token, "2468").status_code == 200


def test_a_banned_card_is_refused_until_the_day_after_and_unban_lifts_it(
    server: ConsoleServer,
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    manager, token = _setup(server, allowance=None)
    until = (clock.now() + dt.timedelta(days=2)).date().isoformat()
    with server.client(manager) as http:
        banned = http.post(
            "/api/members/EPN-0042/ban", json={"until": until, "reason": "ROI art. 3"}
        )
        assert banned.json()["banned_until"] == until
        past = http.post("/api/members/EPN-0042/ban", json={"until": "2020-01-01", "reason": "x"})
    assert past.status_code == 422
    assert "until" in past.json()["detail"]
    refused = _check(server, token, "2468")
    assert refused.status_code == 403
    assert refused.json()["detail"] == f"this card is banned until {until}: ROI art. 3"
    assert _check(server, token, "1111").json()["detail"] == "wrong card number or PIN"
    clock.advance(hours=72)
    ok = _check(server, token, "2468")
    assert ok.status_code == 200
    assert ok.json()["remaining_seconds"] is None  # no daily limit
    manager = server.add_staff("max", Role.MANAGER)  # the first token expired meanwhile
    with server.client(manager) as http:
        http.post("/api/members/EPN-0042/ban", json={"until": "2099-01-01", "reason": "x"})
        unbanned = http.post("/api/members/EPN-0042/unban").json()
        audit = http.get("/api/audit").json()["items"]
    assert unbanned["banned_until"] is None
    assert _check(server, token, "2468").status_code == 200
    actions = [e["action"] for e in audit]
    assert {"member_created", "member_banned", "member_unbanned"} <= set(actions)


def test_staff_change_allowance_nickname_and_reset_a_pin(server: ConsoleServer) -> None:
    manager, token = _setup(server)
    with server.client(manager) as http:
        changed = http.patch(
            "/api/members/EPN-0042",
            json={"daily_allowance_minutes": 90, "nickname": "Zaza", "pin": "1357"},
        )
        assert changed.status_code == 200, changed.text
        cleared = http.patch("/api/members/EPN-0042", json={"nickname": None}).json()
        listed = http.get("/api/members").json()
        again = http.post("/api/members", json={"card": "EPN-0042", "pin": "0000"})
    assert changed.json()["daily_allowance_minutes"] == 90
    assert cleared["nickname"] is None
    assert cleared["daily_allowance_minutes"] == 90
    assert again.status_code == 409
    assert [m["card"] for m in listed] == ["EPN-0042"]
    assert not {"pin", "pin_hash"} & set(listed[0])
    assert _check(server, token, "2468").status_code == 403
    assert _check(server, token, "1357").json()["remaining_seconds"] == 90 * 60
    stored = server.console.repos.members.credentials("EPN-0042")
    assert stored is not None
    assert stored.secret_hash.startswith("$argon2id$")


def test_nothing_that_names_a_person_is_accepted(server: ConsoleServer) -> None:
    manager = server.add_staff("mia", Role.MANAGER)
    with server.client(manager) as http:
        for extra in ("name", "address", "birth_date", "email"):
            answer = http.post("/api/members", json={"card": "EPN-1", "pin": "2468", extra: "x"})
            assert answer.status_code == 422
            assert extra in answer.json()["detail"]
        for body, field in (
            ({"card": "a b", "pin": "2468"}, "card"),
            ({"card": "EPN-1", "pin": "12ab"}, "pin"),
            ({"card": "EPN-1", "pin": "2468", "nickname": "x" * 41}, "nickname"),
            ({"card": "EPN-1", "pin": "2468", "daily_allowance_minutes": 0}, "daily_allowance"),
        ):
            answer = http.post("/api/members", json=body)
            assert answer.status_code == 422
            assert field in answer.json()["detail"]
        assert http.patch("/api/members/EPN-1", json={"pin": None}).status_code in (404, 422)
        assert http.post("/api/members/no%20pe/unban").status_code == 422
