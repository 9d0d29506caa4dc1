"""The console's HTTP API on a real server, on SQLite and on PostgreSQL: who may do what
(every role against every endpoint), logins (no lockout), token expiry, and bad input that gets
a clear 4xx naming the field, never a 500."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest_pg import data_dir, database_url, module_database_url, postgres, server
from helpers.console_server import TEST_PASSWORD, ConsoleServer, StaffLogin

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock

__all__ = ["data_dir", "database_url", "module_database_url", "postgres", "server"]


@dataclass
class Room:
    """A running console with one account per role and one enrolled PC."""

    server: ConsoleServer
    staff: dict[Role, StaffLogin]
    kiosk_id: int

    def client(self, role: Role | None) -> httpx.Client:
        return self.server.client(self.staff[role] if role else None)


@pytest.fixture(scope="module")
def room(module_database_url: str | None) -> Iterator[Room]:
    folder = Path(tempfile.mkdtemp(prefix="epn-console-"))
    with ConsoleServer(folder, database_url=module_database_url) as running:
        staff = {role: running.add_staff(f"{role.value}-1", role) for role in Role}
        kiosk_id, _token = running.enroll(staff[Role.ADMIN], "PC-01", "by the window")
        yield Room(running, staff, kiosk_id)
    shutil.rmtree(folder, ignore_errors=True)


# -- the role matrix ---------------------------------------------------------------------

# (method, path, JSON body, lowest role allowed). {kiosk} is the enrolled PC's id.
FAR = "2030-01-01T00:00:00Z"
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, Role]] = [
    ("GET", "/api/me", None, Role.ANIMATOR),
    ("GET", "/api/kiosks", None, Role.ANIMATOR),
    (
        "POST",
        "/api/kiosks/{kiosk}/commands",
        {"action": "message", "text": "Bonjour"},
        Role.ANIMATOR,
    ),
    ("POST", "/api/kiosks/{kiosk}/commands", {"action": "extend", "minutes": 10}, Role.ANIMATOR),
    ("GET", "/api/audit", None, Role.MANAGER),
    ("GET", "/api/events", None, Role.MANAGER),
    ("POST", "/api/pairing-codes", None, Role.ADMIN),
    ("POST", "/api/kiosks/999/revoke", None, Role.ADMIN),  # allowed, then 404: no such PC
    ("POST", "/api/tickets", {"count": 1, "minutes": 30, "valid_until": FAR}, Role.ANIMATOR),
    ("GET", "/api/tickets", None, Role.ANIMATOR),
    ("POST", "/api/members", {"card": "EPN-1", "pin": "2468"}, Role.MANAGER),  # then 409
    ("GET", "/api/members", None, Role.MANAGER),
    ("PATCH", "/api/members/NOPE-1", {"nickname": "Zaza"}, Role.MANAGER),  # 404
    ("POST", "/api/members/NOPE-1/ban", {"until": "2099-01-01", "reason": "ROI"}, Role.MANAGER),
    ("POST", "/api/members/NOPE-1/unban", None, Role.MANAGER),
    ("GET", "/api/help", None, Role.ANIMATOR),
    ("POST", "/api/help/{kiosk}/take", None, Role.ANIMATOR),  # 404: not waiting
    ("POST", "/api/help/{kiosk}/done", None, Role.ANIMATOR),
    ("GET", "/api/policy", None, Role.ANIMATOR),
    ("PUT", "/api/policy", {"policy": {"name": "EPN Nord"}}, Role.MANAGER),
    ("GET", "/api/policy/history", None, Role.MANAGER),
    (
        "POST",
        "/api/workshops",
        {"kiosk_ids": ["{kiosk}"], "minutes": 60, "title": "Mail", "participants": 4},
        Role.ANIMATOR,
    ),
    ("GET", "/api/workshops", None, Role.ANIMATOR),
    ("GET", "/api/usage?start=2026-03-01&end=2026-03-31", None, Role.MANAGER),
    ("GET", "/api/usage.csv?start=2026-03-01&end=2026-03-31&table=sessions", None, Role.MANAGER),
    ("POST", "/api/kiosks/{kiosk}/out-of-order", {"reason": "no mouse"}, Role.ANIMATOR),
    ("POST", "/api/kiosks/{kiosk}/back-in-order", None, Role.ANIMATOR),
    # One PC's power: whoever is in the room (the PC is offline: nothing goes; no card: 409).
    ("POST", "/api/kiosks/{kiosk}/commands", {"action": "restart"}, Role.ANIMATOR),
    ("POST", "/api/kiosks/{kiosk}/commands", {"action": "shut_down"}, Role.ANIMATOR),
    ("POST", "/api/kiosks/{kiosk}/wake", None, Role.ANIMATOR),
    # Several PCs at once: every visitor of the room loses their session, a manager decides.
    ("POST", "/api/kiosks/power", {"action": "shut_down", "kiosk_ids": ["{kiosk}"]}, Role.MANAGER),
    ("POST", "/api/kiosks/power", {"action": "wake", "kiosk_ids": ["{kiosk}"]}, Role.MANAGER),
]
# For PCs only: their own token, never a staff one.
KIOSK_ENDPOINTS = [
    ("/api/kiosk/tickets/redeem", {"code": "123-45-678-9012"}),
    ("/api/kiosk/members/check", {"card": "EPN-1", "pin": "2468"}),
]


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(
    "endpoint",
    ENDPOINTS,
    ids=[f"{m} {p} {b.get('action', '') if b else ''}".strip() for m, p, b, _ in ENDPOINTS],
)
def test_each_role_may_do_exactly_what_its_rank_allows(
    room: Room,
    role: Role | None,
    endpoint: tuple[str, str, dict[str, Any] | None, Role],
) -> None:
    method, path, body, needed = endpoint
    if body is not None and body.get("kiosk_ids") == ["{kiosk}"]:
        body = {**body, "kiosk_ids": [room.kiosk_id]}
    with room.client(role) as http:
        response = http.request(method, path.format(kiosk=room.kiosk_id), json=body)
    if role is None:
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "log in" in response.json()["detail"]
    elif not role.allows(needed):
        assert response.status_code == 403
        assert needed.value in response.json()["detail"]
    else:
        assert response.status_code in (200, 201, 404, 409), response.text
        if path.startswith("/api/kiosks/999"):
            assert response.json()["detail"] == "no PC with id 999"


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(("path", "body"), KIOSK_ENDPOINTS, ids=[p for p, _ in KIOSK_ENDPOINTS])
def test_kiosk_endpoints_take_a_pcs_token_and_no_staff_token(
    room: Room, role: Role | None, path: str, body: dict[str, Any]
) -> None:
    with room.client(role) as http:
        response = http.post(path, json=body)
    assert response.status_code == 401
    assert "kiosk token" in response.json()["detail"]


@pytest.mark.parametrize("role", list(Role))
def test_logout_forgets_the_token_for_every_role(room: Room, role: Role) -> None:
    fresh = room.server.console.auth.login(f"{role.value}-1", TEST_PASSWORD).token
    with room.server.client(fresh) as http:
        assert http.get("/api/me").status_code == 200
        assert http.post("/api/logout").status_code == 204
        assert http.get("/api/me").status_code == 401
        assert http.post("/api/logout").status_code == 401


def test_a_made_up_token_is_refused(room: Room) -> None:
    with room.server.client("not-a-real-token") as http:
        response = http.get("/api/kiosks")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_the_room_lists_each_pc_with_its_place_and_whether_it_is_online(room: Room) -> None:
    with room.client(Role.ANIMATOR) as http:
        tiles = http.get("/api/kiosks").json()
    assert [(t["name"], t["location"], t["online"]) for t in tiles] == [
        ("PC-01", "by the window", False)
    ]


def test_a_command_to_a_pc_that_is_not_connected_says_offline(room: Room) -> None:
    with room.client(Role.ANIMATOR) as http:
        answer = http.post(
            f"/api/kiosks/{room.kiosk_id}/commands", json={"action": "lock", "reason": "repair"}
        )
    assert answer.status_code == 200
    assert answer.json()["status"] == "offline"


def test_a_command_to_an_unknown_pc_is_404(room: Room) -> None:
    with room.client(Role.ANIMATOR) as http:
        answer = http.post("/api/kiosks/4242/commands", json={"action": "unlock"})
    assert answer.status_code == 404
    assert "4242" in answer.json()["detail"]


def test_staff_actions_are_in_the_audit_log_with_who_and_which_pc(room: Room) -> None:
    with room.client(Role.ANIMATOR) as http:
        http.post(f"/api/kiosks/{room.kiosk_id}/commands", json={"action": "end", "reason": "ROI"})
    with room.client(Role.MANAGER) as http:
        page = http.get("/api/audit", params={"action": "command_end"}).json()
    entry = page["items"][0]
    assert (entry["who"], entry["kiosk_id"]) == ("animator-1", room.kiosk_id)
    assert "reason=ROI" in entry["detail"]
    with room.client(Role.MANAGER) as http:
        enrolled = http.get("/api/audit", params={"action": "kiosk_enrolled"}).json()["items"]
    assert enrolled[0]["who"] == "admin-1"
    assert enrolled[0]["detail"] == "PC-01"


def test_the_openapi_description_lists_every_endpoint(room: Room) -> None:
    with room.client(None) as http:
        paths = http.get("/openapi.json").json()["paths"]
    for path in (
        "/api/login",
        "/api/logout",
        "/api/me",
        "/api/pairing-codes",
        "/api/enroll",
        "/api/kiosks",
        "/api/kiosks/{kiosk_id}/revoke",
        "/api/kiosks/{kiosk_id}/commands",
        "/api/audit",
        "/api/events",
        "/api/tickets",
        "/api/kiosk/tickets/redeem",
        "/api/members",
        "/api/members/{card}",
        "/api/members/{card}/ban",
        "/api/members/{card}/unban",
        "/api/kiosk/members/check",
        "/api/help",
        "/api/help/{kiosk_id}/take",
        "/api/help/{kiosk_id}/done",
        "/api/policy",
        "/api/policy/history",
        "/api/workshops",
        "/api/usage",
        "/api/usage.csv",
        "/api/kiosks/{kiosk_id}/out-of-order",
        "/api/kiosks/{kiosk_id}/back-in-order",
    ):
        assert path in paths


# -- bad input ---------------------------------------------------------------------------

WORKSHOP = {"kiosk_ids": [1], "minutes": 60, "title": "Mail", "participants": 4}

BAD_INPUT: list[tuple[str, str, dict[str, Any], str]] = [
    # (method, path, request keywords, a field the answer must name)
    ("POST", "/api/login", {"json": {"username": "x"}}, "password"),
    ("POST", "/api/login", {"json": {"username": "", "password": "x"}}, "username"),
    ("POST", "/api/login", {"json": {"username": "x", "password": "y", "admin": True}}, "admin"),
    (
        "POST",
        "/api/login",
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        "body",
    ),
    ("POST", "/api/enroll", {"json": {"code": "ABC", "name": "PC"}}, "code"),
    ("POST", "/api/enroll", {"json": {"code": "ABCD-EFGH", "name": "x" * 41}}, "name"),
    ("POST", "/api/enroll", {"json": {"code": "ABCD-EFGH"}}, "name"),
    ("POST", "/api/kiosks/{kiosk}/commands", {"json": {"action": "reboot"}}, "action"),
    (
        "POST",
        "/api/kiosks/{kiosk}/commands",
        {"json": {"action": "extend", "minutes": 0}},
        "minutes",
    ),
    (
        "POST",
        "/api/kiosks/{kiosk}/commands",
        {"json": {"action": "extend", "minutes": "ten"}},
        "minutes",
    ),
    ("POST", "/api/kiosks/{kiosk}/commands", {"json": {"action": "end"}}, "reason"),
    (
        "POST",
        "/api/kiosks/{kiosk}/commands",
        {"json": {"action": "message", "text": "x" * 501}},
        "text",
    ),
    ("POST", "/api/kiosks/{kiosk}/commands", {"json": [1, 2]}, "body"),
    ("POST", "/api/kiosks/abc/commands", {"json": {"action": "unlock"}}, "kiosk_id"),
    ("POST", "/api/kiosks/abc/revoke", {}, "kiosk_id"),
    ("GET", "/api/events", {"params": {"limit": 0}}, "limit"),
    ("GET", "/api/events", {"params": {"since": "yesterday"}}, "since"),
    ("GET", "/api/events", {"params": {"offset": -1}}, "offset"),
    ("GET", "/api/audit", {"params": {"limit": 10_000}}, "limit"),
    ("GET", "/api/kiosks", {"params": {"include_revoked": "perhaps"}}, "include_revoked"),
    ("POST", "/api/tickets", {"json": {"count": 0, "minutes": 30, "valid_until": FAR}}, "count"),
    ("POST", "/api/tickets", {"json": {"count": 1, "minutes": "x", "valid_until": FAR}}, "minutes"),
    ("POST", "/api/tickets", {"json": {"count": 1, "minutes": 30, "valid_until": "soon"}}, "valid"),
    (
        "POST",
        "/api/tickets",
        {"json": {"count": 1, "minutes": 30, "valid_until": FAR, "free_pages": -1}},
        "free_pages",
    ),
    ("GET", "/api/tickets", {"params": {"state": "lost"}}, "state"),
    ("POST", "/api/members", {"json": {"card": "EPN-2", "pin": "2468", "name": "X"}}, "name"),
    ("PATCH", "/api/members/EPN-1", {"json": {"daily_allowance_minutes": 0}}, "daily_allowance"),
    ("POST", "/api/members/EPN-1/ban", {"json": {"until": "someday", "reason": "x"}}, "until"),
    ("POST", "/api/members/EPN-1/ban", {"json": {"until": "2099-01-01"}}, "reason"),
    ("POST", "/api/help/abc/take", {}, "kiosk_id"),
    ("POST", "/api/tickets", {"json": {"count": 1, "minutes": 7, "valid_until": FAR}}, "minutes"),
    ("POST", "/api/tickets", {"json": {"count": 1, "minutes": 485, "valid_until": FAR}}, "minutes"),
    ("GET", "/api/usage", {"params": {"start": "2026-03-02"}}, "end"),
    ("GET", "/api/usage", {"params": {"start": "yesterday", "end": "2026-03-02"}}, "start"),
    ("GET", "/api/usage", {"params": {"start": "2026-03-03", "end": "2026-03-02"}}, "start"),
    ("GET", "/api/usage", {"params": {"start": "2025-01-01", "end": "2026-01-02"}}, "end"),
    (
        "GET",
        "/api/usage.csv",
        {"params": {"start": "2026-03-01", "end": "2026-03-02", "table": "people"}},
        "table",
    ),
    ("GET", "/api/usage.csv", {"params": {"start": "2026-03-01", "end": "2027-03-02"}}, "end"),
    ("GET", "/api/workshops", {"params": {"start": "2026-03-03", "end": "2026-03-02"}}, "start"),
    ("PUT", "/api/policy", {"json": {"policy": {"session": {"length_minutes": 1}}}}, "policy.s"),
    ("PUT", "/api/policy", {"json": {"policy": {"languages": ["xx"]}}}, "policy.languages"),
    ("PUT", "/api/policy", {"json": {"policy": "strict"}}, "policy"),
    ("PUT", "/api/policy", {"json": {"policy": {}, "force": True}}, "force"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "kiosk_ids": []}}, "kiosk_ids"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "kiosk_ids": [4242]}}, "kiosk_ids"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "kiosk_ids": list(range(101))}}, "kiosk_ids"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "minutes": 4}}, "minutes"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "minutes": 481}}, "minutes"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "title": ""}}, "title"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "title": "x" * 81}}, "title"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "participants": 501}}, "participants"),
    ("POST", "/api/workshops", {"json": {**WORKSHOP, "participants": -1}}, "participants"),
    ("POST", "/api/kiosks/{kiosk}/out-of-order", {"json": {"reason": ""}}, "reason"),
    ("POST", "/api/kiosks/{kiosk}/out-of-order", {"json": {"reason": "x" * 201}}, "reason"),
    ("POST", "/api/kiosks/{kiosk}/out-of-order", {"json": {}}, "reason"),
    ("POST", "/api/kiosks/abc/back-in-order", {}, "kiosk_id"),
]


@pytest.mark.parametrize(
    ("method", "path", "request_kw", "field"),
    BAD_INPUT,
    ids=[f"{p}-{f}-{i}" for i, (_, p, _, f) in enumerate(BAD_INPUT)],
)
def test_bad_input_gets_a_4xx_naming_the_field(
    room: Room, method: str, path: str, request_kw: dict[str, Any], field: str
) -> None:
    with room.client(Role.ADMIN) as http:
        response = http.request(method, path.format(kiosk=room.kiosk_id), **request_kw)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


def test_a_bad_login_body_is_refused_before_any_password_check(room: Room) -> None:
    with room.client(None) as http:
        response = http.post("/api/login", json={"username": "admin-1", "password": ["a"]})
    assert response.status_code == 422
    assert "password" in response.json()["detail"]


# -- logins, lockout, expiry (fresh server, fake clock) -----------------------------------


def _login(server: ConsoleServer, username: str, password: str) -> httpx.Response:
    with server.client() as http:
        return http.post("/api/login", json={"username": username, "password": password})


def test_login_gives_a_token_that_says_who_it_is(server: ConsoleServer) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    response = _login(server, "ana", TEST_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "animator"
    with server.client(body["token"]) as http:
        me = http.get("/api/me").json()
    assert (me["username"], me["role"]) == ("ana", "animator")


def test_wrong_password_and_unknown_user_get_the_same_answer(server: ConsoleServer) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    wrong = _login(server, "ana", "not the password")
    unknown = _login(server, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong username or password"}


def test_failed_logins_lock_no_account(server: ConsoleServer) -> None:
    # The throttle and a stranger's attempts are in test_console_access; here, the owner's
    # own mistakes: a short wait for this client, never a locked account.
    clock = server.clock
    assert isinstance(clock, FakeClock)
    server.add_staff("ana", Role.ANIMATOR, login=False)
    statuses = [_login(server, "ana", "guess").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    clock.advance(minutes=1)
    assert _login(server, "ana", TEST_PASSWORD).status_code == 200
    admin = server.add_staff("ada", Role.ADMIN)
    with server.client(admin) as http:
        failed = http.get("/api/audit", params={"action": "login_failed"}).json()["items"]
        locked = http.get("/api/audit", params={"action": "account_locked"}).json()["items"]
    assert [entry["who"] for entry in failed] == ["ana"] * 3
    assert locked == []


def test_a_good_login_forgives_the_clients_wrong_tries(server: ConsoleServer) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    for _ in range(2):
        assert _login(server, "ana", "guess").status_code == 401
    assert _login(server, "ana", TEST_PASSWORD).status_code == 200
    for _ in range(2):
        assert _login(server, "ana", "guess").status_code == 401
    assert _login(server, "ana", TEST_PASSWORD).status_code == 200


def test_a_token_expires_after_twelve_hours(server: ConsoleServer) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    staff = server.add_staff("ana", Role.ANIMATOR)
    with server.client(staff) as http:
        clock.advance(hours=11, minutes=59)
        assert http.get("/api/kiosks").status_code == 200
        clock.advance(minutes=2)
        expired = http.get("/api/kiosks")
    assert expired.status_code == 401
    assert "log in again" in expired.json()["detail"]


def test_a_disabled_account_cannot_log_in_and_its_tokens_stop_working(
    server: ConsoleServer,
) -> None:
    staff = server.add_staff("ana", Role.ANIMATOR)
    account = server.console.repos.staff.credentials("ana")
    assert account is not None
    server.console.repos.staff.set_disabled(account.record.id, True)
    assert _login(server, "ana", TEST_PASSWORD).status_code == 403
    with server.client(staff) as http:
        assert http.get("/api/me").status_code == 401


def test_passwords_are_stored_as_argon2id_hashes(server: ConsoleServer) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    account = server.console.repos.staff.credentials("ana")
    assert account is not None
    assert account.secret_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in account.secret_hash
