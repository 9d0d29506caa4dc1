"""Tickets on a real console, on SQLite and PostgreSQL: made by staff with their codes shown
once, used once across every PC (two PCs racing on one code: exactly one wins), refused when
expired or unknown, marked used by a kiosk's event, and never stored in clear."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid

import httpx
import sqlalchemy as sa
from conftest_pg import data_dir, database_url, postgres, server

from admin_console.protocol import Event, LoginKind, SessionStartedBody
from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from admin_console.server.testing import ConsoleServer, KioskSocket

__all__ = ["data_dir", "database_url", "postgres", "server"]

FAR = "2030-01-01T00:00:00Z"


def _make(server: ConsoleServer, count: int = 1, **fields: object) -> list[dict[str, object]]:
    staff = server.add_staff(f"ana-{uuid.uuid4().hex[:6]}", Role.ANIMATOR)
    body = {"count": count, "minutes": 30, "valid_until": FAR, **fields}
    with server.client(staff) as http:
        made = http.post("/api/tickets", json=body)
    assert made.status_code == 201, made.text
    tickets: list[dict[str, object]] = made.json()["tickets"]
    return tickets


def _redeem(server: ConsoleServer, token: str, code: str) -> httpx.Response:
    with server.client(token) as http:
        return http.post("/api/kiosk/tickets/redeem", json={"code": code})


def test_a_ticket_works_once_across_two_pcs_even_when_both_try_at_once(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    _one, token_one = server.enroll(admin, "PC-01")
    _two, token_two = server.enroll(admin, "PC-02")
    tickets = _make(server, 3, free_pages=5)
    assert all(re.fullmatch(r"\d{3}-\d{2}-\d{3}-\d{4}", str(t["code"])) for t in tickets)
    assert len({t["code"] for t in tickets}) == 3
    code = str(tickets[0]["code"])

    answers: list[httpx.Response] = []
    start = threading.Barrier(2)

    def race(token: str) -> None:
        start.wait()
        answers.append(_redeem(server, token, code))

    threads = [threading.Thread(target=race, args=(t,)) for t in (token_one, token_two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(a.status_code for a in answers) == [200, 409]
    won = next(a for a in answers if a.status_code == 200).json()
    assert (won["minutes"], won["free_pages"], won["ref"]) == (30, 5, tickets[0]["ref"])
    assert _redeem(server, token_one, code.replace("-", " ")).status_code == 409
    assert _redeem(server, token_two, "000-00-000-0000").status_code == 404

    with server.client(admin) as http:
        listed = http.get("/api/tickets").json()
        used = http.get("/api/tickets", params={"state": "used"}).json()
    assert all("code" not in t for t in listed)
    assert [t["ref"] for t in used] == [tickets[0]["ref"]]
    assert sorted(t["state"] for t in listed) == ["unused", "unused", "used"]


def test_an_expired_ticket_is_refused_and_listed_as_expired(server: ConsoleServer) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    _kiosk, token = server.enroll(admin, "PC-01")
    soon = (clock.now() + dt.timedelta(hours=1)).isoformat()
    code = str(_make(server, valid_until=soon)[0]["code"])
    clock.advance(hours=2)
    gone = _redeem(server, token, code)
    assert gone.status_code == 410
    assert "expired" in gone.json()["detail"]
    with server.client(admin) as http:
        assert [t["state"] for t in http.get("/api/tickets").json()] == ["expired"]
        past = http.post(
            "/api/tickets",
            json={"count": 1, "minutes": 30, "valid_until": "2020-01-01T00:00:00Z"},
        )
    assert past.status_code == 422
    assert "valid_until" in past.json()["detail"]


def test_unknown_and_malformed_codes_and_strangers_are_refused(server: ConsoleServer) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    _kiosk, token = server.enroll(admin, "PC-01")
    assert _redeem(server, token, "111-22-333-4444").status_code == 404
    bad = _redeem(server, token, "12a-45-678-9012")
    assert bad.status_code == 422
    assert "code" in bad.json()["detail"]
    assert _redeem(server, token, "123-45-678-90123").status_code == 422
    assert _redeem(server, token, "1234-5678").status_code == 422  # the old 8-digit kind
    # A staff token is not a PC's token; no token at all neither.
    assert _redeem(server, admin.token, "111-22-333-4444").status_code == 401
    with server.client() as http:
        assert http.post("/api/kiosk/tickets/redeem", json={"code": "1"}).status_code == 401


def test_a_session_on_a_ticket_reported_by_a_pc_marks_it_used(server: ConsoleServer) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    _kiosk, token = server.enroll(admin, "PC-01")
    ticket = _make(server)[0]
    body = SessionStartedBody(
        session_id="session-0001",
        login=LoginKind.TICKET,
        language="fr",
        rules_version="1",
        seconds=1800,
        ticket_ref=str(ticket["ref"]),
    )
    with KioskSocket(server, token) as kiosk:
        kiosk.send(Event(id="event-0001", at=server.clock.now(), body=body))
        kiosk.recv()  # the ack: stored
    assert _redeem(server, token, str(ticket["code"])).status_code == 409
    with server.client(admin) as http:
        assert http.get("/api/tickets").json()[0]["state"] == "used"


def test_codes_are_never_stored_in_clear(server: ConsoleServer, database_url: str | None) -> None:
    tickets = _make(server, 20)
    codes = [str(t["code"]) for t in tickets]
    if database_url is None:
        stored = b"".join(p.read_bytes() for p in server.data_dir.glob("console.db*"))
    else:
        with server.console.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT * FROM console_tickets")).all()
        stored = repr(rows).encode()
    assert stored
    for code in codes:
        assert code.encode() not in stored
        assert code.replace("-", "").encode() not in stored
    with server.client(server.add_staff("mia", Role.MANAGER)) as http:
        audit = http.get("/api/audit", params={"action": "tickets_created"}).json()["items"]
    assert "20 x 30 min" in audit[0]["detail"]
    assert all(code not in audit[0]["detail"] for code in codes)
