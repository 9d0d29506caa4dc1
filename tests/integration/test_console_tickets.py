"""Tickets on a real console, on SQLite and PostgreSQL: made by staff with their codes shown
once, signed with the key every PC gets (so a PC can check a code offline), used once across
every PC (two PCs racing on one code: exactly one wins), refused when expired or unknown,
marked used by a kiosk's event (a second use while offline is audited), and never stored in
clear."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import stat
import threading
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from admin_console.server.tls import ensure_ticket_key
from epn_shared.protocol import (
    Ack,
    Event,
    HelpRequestedBody,
    LoginKind,
    SessionEndedBody,
    SessionStartedBody,
)
from epn_shared.ticket_codes import (
    code_digest,
    damm_digit,
    make_code,
    normalise,
    read_code,
)

__all__ = ["data_dir", "database_url", "postgres", "server"]

FAR = "2030-01-01T00:00:00Z"
UNKNOWN = "0000 0000 0000 0000"
"""A code that passes the typo check (Damm digit 0) and that no console issues."""


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
    admin, [(_one, token_one), (_two, token_two)] = server.admin_and_pcs("PC-01", "PC-02")
    tickets = _make(server, 3, free_pages=5)
    assert all(re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", str(t["code"])) for t in tickets)
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
    assert _redeem(server, token_one, code.replace(" ", "-")).status_code == 409
    assert _redeem(server, token_two, "0000 0000 0000 0000").status_code == 404

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
    assert _redeem(server, token, UNKNOWN).status_code == 404
    bad = _redeem(server, token, "12a4 5678 9012 3456")
    assert bad.status_code == 422
    assert "code" in bad.json()["detail"]
    assert _redeem(server, token, "1234 5678 9012 34567").status_code == 422
    assert _redeem(server, token, "1234-5678").status_code == 422  # the kiosk's own kind
    assert _redeem(server, token, "123-45-678-9012").status_code == 422  # the old 12 digits
    # A staff token is not a PC's token; no token at all neither.
    assert _redeem(server, admin.token, UNKNOWN).status_code == 401
    with server.client() as http:
        assert http.post("/api/kiosk/tickets/redeem", json={"code": "1"}).status_code == 401


def test_a_pc_cannot_burn_or_use_a_ticket_by_its_public_reference(server: ConsoleServer) -> None:
    # The reference is printed on the sheet and listed to staff: a PC (or a stolen PC
    # token) that reports a session "on" an unused ticket's reference must neither spend it
    # nor get its minutes; only the code redeems.
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
        _send(kiosk, Event(id="event-0001", at=server.clock.now(), body=body))
    with server.client(admin) as http:
        assert http.get("/api/tickets").json()[0]["state"] == "unused"
    with server.client(token) as http:
        by_ref = http.post("/api/kiosk/tickets/redeem", json={"code": str(ticket["ref"])})
    assert by_ref.status_code == 422
    redeemed = _redeem(server, token, str(ticket["code"]))
    assert redeemed.status_code == 200
    assert redeemed.json()["minutes"] == 30


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


def test_a_copy_of_the_database_does_not_give_away_unused_codes(server: ConsoleServer) -> None:
    # Someone with a copy of the tickets table (a backup, a stolen disk) but not the ticket
    # key. A code's minutes and week are guessable, so only its serial and HMAC digits are
    # unknown: about 10**10 codes, seconds on a GPU against a plain SHA-256. Here the search
    # is cut to 100 codes (the serial and 5 of the 7 HMAC digits given) to stay fast; it
    # contains the real code, so a stored SHA-256 of the digits would give it away.
    ticket = _make(server, 3)[0]
    digits = normalise(str(ticket["code"]))
    assert digits is not None
    with server.console.engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT code_sha256 FROM console_tickets WHERE ref = :ref AND used_at IS NULL"),
            {"ref": ticket["ref"]},
        ).scalar_one()
    known = digits[:13]
    candidates = [known + f"{tail:02d}" for tail in range(100)]
    candidates = [c + damm_digit(c) for c in candidates]
    assert digits in candidates
    assert [c for c in candidates if code_digest(c) == stored] == []
    # What is stored is keyed with the console's ticket key: only the console can look it up.
    key = ensure_ticket_key(server.data_dir)
    keyed = hmac.new(key, code_digest(digits).encode(), hashlib.sha256).hexdigest()
    assert stored == keyed
    # The stored value still finds the ticket: it is used once, like any other.
    _admin, [(_pc, token)] = server.admin_and_pcs("PC-01")
    assert _redeem(server, token, str(ticket["code"])).status_code == 200
    assert _redeem(server, token, str(ticket["code"])).status_code == 409


def test_codes_are_signed_with_the_key_each_pc_gets_so_a_pc_can_check_them_offline(
    data_dir: Path, database_url: str | None
) -> None:
    with ConsoleServer(data_dir, database_url=database_url) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        _kiosk, token = server.enroll(admin, "PC-01")
        # Valid until Thursday 12 March 2026, 22:30 UTC: Thursday 23:30 in Brussels.
        ticket = _make(server, minutes=45, valid_until="2026-03-12T22:30:00Z")[0]
        with KioskSocket(server, token) as kiosk:
            assert kiosk.welcome is not None
            key_text = kiosk.welcome.ticket_key
        assert key_text is not None
        assert len(key_text) == 44
        key = base64.urlsafe_b64decode(key_text)
        offline = read_code(key, str(ticket["code"]), dt.date(2026, 3, 2))
        assert offline is not None
        assert offline.minutes == 45
        assert offline.last_day == dt.date(2026, 3, 15)  # the Sunday ending that week
        assert read_code(bytes(32), str(ticket["code"]), dt.date(2026, 3, 2)) is None
    key_file = data_dir / "tls" / "ticket.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_text.encode() not in b"".join(p.read_bytes() for p in data_dir.glob("console.db*"))
    # The key survives a restart: codes already printed keep working offline.
    with (
        ConsoleServer(data_dir, database_url=database_url) as again,
        KioskSocket(again, token) as kiosk,
    ):
        assert kiosk.welcome is not None
        assert kiosk.welcome.ticket_key == key_text


def test_minutes_must_fit_a_code(server: ConsoleServer) -> None:
    staff = server.add_staff("ana", Role.ANIMATOR)
    with server.client(staff) as http:
        for minutes in (0, 7, 485):
            made = http.post(
                "/api/tickets", json={"count": 1, "minutes": minutes, "valid_until": FAR}
            )
            assert made.status_code == 422
            assert "minutes" in made.json()["detail"]
        made = http.post("/api/tickets", json={"count": 200, "minutes": 480, "valid_until": FAR})
    assert made.status_code == 201
    codes = [t["code"] for t in made.json()["tickets"]]
    assert len(set(codes)) == 200


def _started(ticket_code: str, session: str, *, offline: bool = True) -> SessionStartedBody:
    digits = normalise(ticket_code)
    assert digits is not None
    return SessionStartedBody(
        session_id=session,
        login=LoginKind.TICKET,
        language="nl",
        rules_version="1",
        seconds=1800,
        ticket_digest=code_digest(digits),
        offline=offline,
    )


def _send(kiosk: KioskSocket, event: Event) -> None:
    kiosk.send(event)
    frame = kiosk.recv()
    assert isinstance(frame, Ack), frame


def test_a_ticket_checked_offline_is_marked_used_and_a_second_use_elsewhere_is_audited(
    server: ConsoleServer,
) -> None:
    admin, [(one, token_one), (_two, token_two)] = server.admin_and_pcs("PC-01", "PC-02")
    ticket = _make(server)[0]
    code = str(ticket["code"])
    first_use = server.clock.now() - dt.timedelta(hours=2)
    with KioskSocket(server, token_one) as kiosk:
        _send(kiosk, Event(id="offline-0001", at=first_use, body=_started(code, "session-a1")))
    assert _redeem(server, token_one, code).status_code == 409
    with server.client(admin) as http:
        (listed,) = http.get("/api/tickets").json()
    assert (listed["state"], listed["used_kiosk_id"]) == ("used", one)
    assert dt.datetime.fromisoformat(listed["used_at"]) == first_use

    # PC-02 was offline too and let the same code in: the console keeps the first use and
    # tells a manager, once however often the event is sent.
    again = Event(
        id="offline-0002",
        at=first_use + dt.timedelta(minutes=20),
        body=_started(code, "session-b1"),
    )
    with KioskSocket(server, token_two) as kiosk:
        _send(kiosk, again)
        _send(kiosk, again)
    with server.client(admin) as http:
        (listed,) = http.get("/api/tickets").json()
        audit = http.get("/api/audit", params={"action": "ticket_used_twice"}).json()["items"]
    assert listed["used_kiosk_id"] == one
    assert len(audit) == 1
    assert audit[0]["who"] == "kiosk PC-02"
    assert str(ticket["ref"]) in audit[0]["detail"]
    assert "PC-01" in audit[0]["detail"]


def _audit(server: ConsoleServer, action: str) -> list[dict[str, object]]:
    with server.client(server.add_staff(f"mia-{uuid.uuid4().hex[:6]}", Role.MANAGER)) as http:
        items: list[dict[str, object]] = http.get("/api/audit", params={"action": action}).json()[
            "items"
        ]
    return items


def test_each_redemption_is_in_the_audit_log_with_its_pc(server: ConsoleServer) -> None:
    _admin, [(one, token_one), (two, token_two)] = server.admin_and_pcs("PC-01", "PC-02")
    online, offline = _make(server, 2)
    assert _redeem(server, token_one, str(online["code"])).status_code == 200
    with KioskSocket(server, token_two) as kiosk:
        _send(
            kiosk,
            Event(
                id="offline-0001",
                at=server.clock.now() - dt.timedelta(minutes=40),
                body=_started(str(offline["code"]), "session-o1"),
            ),
        )
    [redeemed] = _audit(server, "ticket_redeemed")
    assert (redeemed["who"], redeemed["kiosk_id"]) == ("kiosk PC-01", one)
    assert str(online["ref"]) in str(redeemed["detail"])
    [used] = _audit(server, "ticket_used_offline")
    assert (used["who"], used["kiosk_id"]) == ("kiosk PC-02", two)
    assert str(offline["ref"]) in str(used["detail"])
    for entry in (redeemed, used):
        assert all(str(t["code"]) not in str(entry["detail"]) for t in (online, offline))


def test_a_code_the_console_never_issued_accepted_offline_is_flagged_to_staff(
    server: ConsoleServer,
) -> None:
    # Someone forged a code (a lucky guess, or the ticket key taken from a PC) and a PC let
    # it in while the console was away: when the PC reports it, an animator sees it in the
    # help queue and a manager in the audit log, once however often the event comes.
    admin = server.add_staff("ada", Role.ADMIN)
    pc, token = server.enroll(admin, "PC-03")
    issued = _make(server)[0]
    key = ensure_ticket_key(server.data_dir)
    forged = make_code(key, 999, 495, server.clock.now().date())
    started_at = server.clock.now() - dt.timedelta(minutes=10)
    event = Event(id="forged-0001", at=started_at, body=_started(forged, "session-f1"))
    ended = Event(
        id="forged-0002",
        at=server.clock.now(),
        body=SessionEndedBody(
            session_id="session-f1", reason="visitor", seconds_used=600, extended_seconds=0
        ),
    )
    with KioskSocket(server, token) as kiosk:
        _send(kiosk, event)
        _send(kiosk, event)
        _send(kiosk, ended)  # the visitor left: the flag stays until staff look
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        queue = http.get("/api/help").json()
        assert http.get("/api/tickets").json()[0]["state"] == "unused"  # nothing else changed
    assert [(c["kiosk_id"], c["reason"]) for c in queue] == [(pc, "ticket_forged")]
    [flagged] = _audit(server, "ticket_forged")
    assert (flagged["who"], flagged["kiosk_id"]) == ("kiosk PC-03", pc)
    assert "never issued" in str(flagged["detail"])
    assert forged not in str(flagged["detail"])
    # An animator goes and says it is dealt with; it does not count as visitor help.
    with server.client(animator) as http:
        assert http.post(f"/api/help/{pc}/take").status_code == 200
        assert http.post(f"/api/help/{pc}/done").status_code == 200
        assert http.get("/api/help").json() == []
    with server.client(admin) as http:
        day = server.clock.now().date().isoformat()
        usage = http.get("/api/usage", params={"start": day, "end": day}).json()
    assert usage["totals"]["help_calls"] == 0  # not a visitor's call for help
    assert str(issued["ref"])  # the real ticket was never touched


def test_a_pc_that_asks_for_help_while_flagged_is_still_in_the_queue(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    pc, token = server.enroll(admin, "PC-04")
    with KioskSocket(server, token) as kiosk:
        _send(
            kiosk,
            Event(id="forged-0101", at=server.clock.now(), body=_started(UNKNOWN, "session-f9")),
        )
        _send(kiosk, Event(id="help-0101", at=server.clock.now(), body=HelpRequestedBody()))
    with server.client(server.add_staff("ana", Role.ANIMATOR)) as http:
        queue = http.get("/api/help").json()
    assert sorted((c["kiosk_id"], c["reason"] or "") for c in queue) == [
        (pc, ""),
        (pc, "ticket_forged"),
    ]


def test_wrong_codes_from_one_pc_are_throttled_like_at_the_pc(server: ConsoleServer) -> None:
    # A PC's token taken to a laptop guesses codes online: 3 wrong codes are free, then the
    # PC waits 30 s, doubling; the code itself is not even checked while it waits. Typing
    # mistakes (the Damm digit) are not guesses and cost nothing; other PCs are not slowed.
    clock = server.clock
    assert isinstance(clock, FakeClock)
    admin = server.add_staff("ada", Role.ADMIN)
    _thief, stolen = server.enroll(admin, "PC-01")
    _other, token = server.enroll(admin, "PC-02")
    good = str(_make(server)[0]["code"])
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    for _ in range(5):
        mistyped = _redeem(server, stolen, typo)
        assert mistyped.status_code == 422
        assert "digit is wrong" in mistyped.json()["detail"]
    assert [_redeem(server, stolen, UNKNOWN).status_code for _ in range(3)] == [404] * 3
    for _ in range(3):
        shut = _redeem(server, stolen, good)  # even the right code waits
        assert shut.status_code == 429
        assert shut.headers["Retry-After"] == "30"
    assert _redeem(server, token, UNKNOWN).status_code == 404  # another PC is not slowed
    clock.advance(seconds=30)
    assert _redeem(server, stolen, UNKNOWN).status_code == 404
    assert _redeem(server, stolen, good).headers["Retry-After"] == "60"
    clock.advance(seconds=60)
    assert _redeem(server, stolen, good).status_code == 200
    # A right code forgets nothing: the next wrong one waits longer again.
    assert _redeem(server, stolen, UNKNOWN).status_code == 404  # the 5th wrong one
    assert _redeem(server, stolen, UNKNOWN).headers["Retry-After"] == "120"
    # One wrong try is forgotten per quarter of an hour: 45 minutes later, 2 are left, and
    # the next wrong one (the 3rd again) makes the next try wait 30 s, not 240.
    clock.advance(minutes=45)
    assert _redeem(server, stolen, UNKNOWN).status_code == 404
    assert _redeem(server, stolen, UNKNOWN).headers["Retry-After"] == "30"


def test_parallel_guesses_from_one_pc_get_no_more_checks_than_one_after_the_other(
    server: ConsoleServer,
) -> None:
    # 20 unknown codes sent at once with one PC's token: the console checks them one at a
    # time per PC, so exactly the 3 free ones are looked up.
    admin = server.add_staff("ada", Role.ADMIN)
    _pc, token = server.enroll(admin, "PC-01")
    start = threading.Barrier(20)
    answers: list[int] = []

    def guess() -> None:
        start.wait()
        answers.append(_redeem(server, token, UNKNOWN).status_code)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [404] * 3 + [429] * 17
