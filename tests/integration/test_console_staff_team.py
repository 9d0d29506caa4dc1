"""The staff team on a real console server, on SQLite and on PostgreSQL: who may list, make,
change, disable and reset whom (every route against every role), the attacks each rule
stops (an animator managing the team, a manager making or taking over an admin, disabling
oneself, leaving no admin, a disabled account still listening, a hash in an answer, a
stolen token guessing the password behind it), and the roster a PC is sent: after its
welcome when it holds an old one, at once on a change, without the people disabled."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from conftest_pg import admin, data_dir, database_url, module_database_url, postgres, server
from helpers.console_server import (
    TEST_PASSWORD,
    ConsoleServer,
    KioskSocket,
    StaffLogin,
    closed_at_once,
)
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from admin_console.server.auth import Role
from admin_console.server.errors import Conflict
from admin_console.server.hub import LOGGED_OUT
from admin_console.server.team import Actor
from epn_shared.protocol import Ack, Event, StaffActionBody, StaffRoster

__all__ = ["admin", "data_dir", "database_url", "module_database_url", "postgres", "server"]

PIN = "2580"
NEW_PASSWORD = "another long password"


def account_id(server: ConsoleServer, username: str) -> int:
    found = server.console.repos.staff.find(username)
    assert found is not None, username
    return found.id


def log_in(server: ConsoleServer, username: str, password: str) -> httpx.Response:
    with server.client() as http:
        return http.post("/api/login", json={"username": username, "password": password})


def set_pin(server: ConsoleServer, staff: StaffLogin, pin: str | None = PIN) -> httpx.Response:
    with server.client(staff) as http:
        return http.put("/api/me/pin", json={"pin": pin, "current_password": TEST_PASSWORD})


# -- the role matrix ---------------------------------------------------------------------


@dataclass
class Team:
    """A console with one account per role and a colleague (an animator) to work on."""

    server: ConsoleServer
    staff: dict[Role, StaffLogin]
    colleague: int


@pytest.fixture(scope="module")
def team(module_database_url: str | None) -> Iterator[Team]:
    folder = Path(tempfile.mkdtemp(prefix="epn-console-"))
    with ConsoleServer(folder, database_url=module_database_url) as running:
        staff = {role: running.add_staff(f"{role.value}-1", role) for role in Role}
        running.add_staff("colleague", Role.ANIMATOR, login=False)
        yield Team(running, staff, account_id(running, "colleague"))
    shutil.rmtree(folder, ignore_errors=True)


# (method, path, body, lowest role allowed, status when allowed). {colleague}: its id;
# {n}: a fresh number (each new account its own username).
ROUTES: list[tuple[str, str, dict[str, Any] | None, Role, int]] = [
    ("GET", "/api/staff", None, Role.MANAGER, 200),
    (
        "POST",
        "/api/staff",
        {"username": "new-{n}", "password": NEW_PASSWORD, "role": "animator"},
        Role.MANAGER,
        201,
    ),
    ("PATCH", "/api/staff/{colleague}", {"language": "nl"}, Role.MANAGER, 200),
    ("POST", "/api/staff/{colleague}/password", {"password": NEW_PASSWORD}, Role.MANAGER, 204),
    ("GET", "/api/me", None, Role.ANIMATOR, 200),
    ("PATCH", "/api/me", {"display_name": "Sam", "language": "en"}, Role.ANIMATOR, 200),
    (
        "PUT",
        "/api/me/password",
        {"password": TEST_PASSWORD, "current_password": TEST_PASSWORD},
        Role.ANIMATOR,
        204,
    ),
    ("PUT", "/api/me/pin", {"pin": PIN, "current_password": TEST_PASSWORD}, Role.ANIMATOR, 204),
    ("PUT", "/api/me/pin", {"pin": None, "current_password": TEST_PASSWORD}, Role.ANIMATOR, 204),
]


def _filled(value: Any, team: Team) -> Any:
    if isinstance(value, str):
        return value.format(colleague=team.colleague, n=uuid.uuid4().hex[:8])
    if isinstance(value, dict):
        return {k: _filled(v, team) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(
    "route", ROUTES, ids=[f"{m} {p} {json.dumps(b)[:24]}" for m, p, b, _, _ in ROUTES]
)
def test_each_role_may_do_exactly_what_its_rank_allows_on_the_team(
    team: Team, role: Role | None, route: tuple[str, str, dict[str, Any] | None, Role, int]
) -> None:
    method, path, body, needed, allowed = route
    with team.server.client(team.staff[role] if role else None) as http:
        response = http.request(method, _filled(path, team), json=_filled(body, team))
    if role is None:
        assert response.status_code == 401
    elif not role.allows(needed):
        assert response.status_code == 403
        assert needed.value in response.json()["detail"]
    else:
        assert response.status_code == allowed, response.text


def test_the_openapi_description_lists_the_team_routes(team: Team) -> None:
    with team.server.client() as http:
        paths = http.get("/openapi.json").json()["paths"]
    assert set(paths["/api/staff"]) >= {"get", "post"}
    assert "patch" in paths["/api/staff/{staff_id}"]
    assert "post" in paths["/api/staff/{staff_id}/password"]
    assert {"get", "patch"} <= set(paths["/api/me"])
    assert "put" in paths["/api/me/password"]
    assert "put" in paths["/api/me/pin"]


# -- attacks -----------------------------------------------------------------------------


def test_an_animator_can_neither_list_nor_make_accounts(server: ConsoleServer) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        listed = http.get("/api/staff")
        made = http.post(
            "/api/staff", json={"username": "eve", "password": NEW_PASSWORD, "role": "admin"}
        )
    assert (listed.status_code, made.status_code) == (403, 403)
    assert server.console.repos.staff.find("eve") is None


def test_a_manager_makes_animators_and_managers_but_no_admin(server: ConsoleServer) -> None:
    manager = server.add_staff("max", Role.MANAGER)
    with server.client(manager) as http:
        for role in ("animator", "manager"):
            made = http.post(
                "/api/staff", json={"username": role, "password": NEW_PASSWORD, "role": role}
            )
            assert made.status_code == 201, made.text
            assert made.json()["role"] == role
        admin = http.post(
            "/api/staff", json={"username": "eve", "password": NEW_PASSWORD, "role": "admin"}
        )
    assert admin.status_code == 403
    assert "only an admin" in admin.json()["detail"]
    assert server.console.repos.staff.find("eve") is None


def test_a_manager_cannot_promote_to_admin_nor_change_or_reset_an_admin(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    manager = server.add_staff("max", Role.MANAGER)
    server.add_staff("ana", Role.ANIMATOR, login=False)
    ada, ana = account_id(server, "ada"), account_id(server, "ana")
    with server.client(manager) as http:
        promoted = http.patch(f"/api/staff/{ana}", json={"role": "admin"})
        disabled = http.patch(f"/api/staff/{ada}", json={"disabled": True})
        renamed = http.patch(f"/api/staff/{ada}", json={"display_name": "X"})
        reset = http.post(f"/api/staff/{ada}/password", json={"password": NEW_PASSWORD})
    assert [r.status_code for r in (promoted, disabled, renamed, reset)] == [403] * 4
    staff = server.console.repos.staff
    assert (staff.find("ana").role, staff.find("ada").disabled) == ("animator", False)
    assert log_in(server, "ada", TEST_PASSWORD).status_code == 200
    assert log_in(server, "ada", NEW_PASSWORD).status_code == 401


def test_an_admin_makes_and_promotes_admins(server: ConsoleServer, admin: StaffLogin) -> None:
    with server.client(admin) as http:
        made = http.post(
            "/api/staff",
            json={
                "username": "bea",
                "password": NEW_PASSWORD,
                "role": "manager",
                "display_name": "Béa",
                "language": "nl",
            },
        )
        assert made.status_code == 201
        bea = made.json()
        promoted = http.patch(f"/api/staff/{bea['id']}", json={"role": "admin"})
        taken = http.post(
            "/api/staff", json={"username": "bea", "password": NEW_PASSWORD, "role": "animator"}
        )
    assert (bea["display_name"], bea["language"], bea["has_pin"]) == ("Béa", "nl", False)
    assert promoted.json()["role"] == "admin"
    assert taken.status_code == 409
    assert "taken" in taken.json()["detail"]


def test_nobody_disables_themselves_nor_changes_their_own_role(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    manager = server.add_staff("max", Role.MANAGER)
    for who, username, role in ((admin, "ada", "manager"), (manager, "max", "animator")):
        me = account_id(server, username)
        with server.client(who) as http:
            disabled = http.patch(f"/api/staff/{me}", json={"disabled": True})
            demoted = http.patch(f"/api/staff/{me}", json={"role": role})
            reset = http.post(f"/api/staff/{me}/password", json={"password": NEW_PASSWORD})
            still = http.get("/api/me")
        assert [r.status_code for r in (disabled, demoted, reset)] == [403, 403, 403]
        assert "your own" in disabled.json()["detail"]
        assert still.status_code == 200
        assert still.json()["role"] == who.role.value


def test_the_last_enabled_admin_can_be_neither_disabled_nor_demoted(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    server.add_staff("bob", Role.ADMIN, login=False)
    bob = account_id(server, "bob")
    with server.client(admin) as http:
        assert http.patch(f"/api/staff/{bob}", json={"disabled": True}).status_code == 200
    # Ada is the last one: only the command line could still try, and it is refused too.
    ada = account_id(server, "ada")
    team, actor = server.console.team, Actor.command_line()
    for change in ({"disabled": True}, {"role": Role.MANAGER}):
        with pytest.raises(Conflict, match="last enabled admin"):
            team.change(actor, ada, **change)
    assert server.console.repos.staff.get(ada).role == "admin"
    with server.client(admin) as http:
        assert http.get("/api/me").status_code == 200


def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    bob = server.add_staff("bob", Role.ADMIN)
    ids = {"ada": account_id(server, "ada"), "bob": account_id(server, "bob")}
    start = threading.Barrier(2)
    answers: dict[str, int] = {}

    def demote(who: StaffLogin, other: str) -> None:
        with server.client(who) as http:
            start.wait(5)
            answers[who.username] = http.patch(
                f"/api/staff/{ids[other]}", json={"role": "manager"}
            ).status_code

    threads = [
        threading.Thread(target=demote, args=(admin, "bob")),
        threading.Thread(target=demote, args=(bob, "ada")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    admins = [s for s in server.console.repos.staff.team() if s.role == "admin"]
    assert len(admins) == 1
    assert sorted(answers.values())[0] == 200
    # The other one lost: refused (409), or (SQLite) told to try again (503), or refused
    # (401/403) because it was no longer an admin when its request came.
    assert sorted(answers.values())[1] in (401, 403, 409, 503)


def test_a_disabled_account_is_logged_out_everywhere_at_once(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    headers = {"Authorization": f"Bearer {animator.token}"}
    with connect(f"{server.ws_url}/ws/staff", additional_headers=headers) as listening:
        assert json.loads(listening.recv(5))["type"] == "room"
        with server.client(admin) as http:
            done = http.patch(f"/api/staff/{account_id(server, 'ana')}", json={"disabled": True})
        assert done.status_code == 200
        assert done.json()["disabled"] is True
        with pytest.raises(ConnectionClosed) as closed:
            listening.recv(5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == LOGGED_OUT
    assert "disabled" in closed.value.rcvd.reason
    with server.client(animator) as http:
        assert http.get("/api/me").status_code == 401
        assert http.get("/api/kiosks").status_code == 401
    assert closed_at_once(f"{server.ws_url}/ws/staff", headers)[0] == 1008
    assert log_in(server, "ana", TEST_PASSWORD).status_code == 403
    with server.client(admin) as http:
        back = http.patch(f"/api/staff/{account_id(server, 'ana')}", json={"disabled": False})
    assert back.json()["disabled"] is False
    assert log_in(server, "ana", TEST_PASSWORD).status_code == 200


def test_a_password_reset_logs_the_account_out_everywhere(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    manager = server.add_staff("max", Role.MANAGER)
    animator = server.add_staff("ana", Role.ANIMATOR)
    headers = {"Authorization": f"Bearer {animator.token}"}
    with connect(f"{server.ws_url}/ws/staff", additional_headers=headers) as listening:
        assert json.loads(listening.recv(5))["type"] == "room"
        with server.client(manager) as http:
            reset = http.post(
                f"/api/staff/{account_id(server, 'ana')}/password",
                json={"password": NEW_PASSWORD, "current_password": "ignored"},
            )
        assert reset.status_code == 204
        with pytest.raises(ConnectionClosed) as closed:
            listening.recv(5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == LOGGED_OUT
    with server.client(animator) as http:
        assert http.get("/api/me").status_code == 401
    assert log_in(server, "ana", TEST_PASSWORD).status_code == 401
    assert log_in(server, "ana", NEW_PASSWORD).status_code == 200


def test_a_reset_password_follows_the_password_rule(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    with server.client(admin) as http:
        same = http.post(
            f"/api/staff/{account_id(server, 'ana')}/password", json={"password": "ana     "}
        )
        unknown = http.post("/api/staff/999/password", json={"password": NEW_PASSWORD})
    assert same.status_code == 422
    assert same.json()["errors"][0]["field"] == "password"
    assert unknown.status_code == 404


def test_no_answer_ever_carries_a_hash(server: ConsoleServer, admin: StaffLogin) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    assert set_pin(server, animator).status_code == 204
    assert set_pin(server, admin).status_code == 204
    answers = []
    with server.client(admin) as http:
        answers.append(http.get("/api/staff"))
        answers.append(
            http.post(
                "/api/staff", json={"username": "bob", "password": NEW_PASSWORD, "role": "manager"}
            )
        )
        answers.append(
            http.patch(f"/api/staff/{account_id(server, 'ana')}", json={"language": "nl"})
        )
        answers.append(http.get("/api/me"))
        answers.append(http.patch("/api/me", json={"display_name": "Ada"}))
        answers.append(http.get("/api/audit"))
    for answer in answers:
        assert answer.status_code in (200, 201), answer.text
        assert "argon2" not in answer.text
        assert "hash" not in answer.text.replace("has_pin", "")
        assert PIN not in answer.text
        assert TEST_PASSWORD not in answer.text
    listed = {s["username"]: s for s in answers[0].json()["staff"]}
    assert listed["ana"]["has_pin"] is True
    assert listed["ana"]["pin_set_at"] is not None
    assert answers[3].json()["has_pin"] is True


def test_a_wrong_current_password_is_refused_and_throttled(server: ConsoleServer) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        wrong = [
            http.put("/api/me/pin", json={"pin": PIN, "current_password": f"guess {n}"})
            for n in range(3)
        ]
        then = http.put(
            "/api/me/password", json={"password": NEW_PASSWORD, "current_password": "x"}
        )
        right = http.put("/api/me/pin", json={"pin": PIN, "current_password": TEST_PASSWORD})
        me = http.get("/api/me").json()
    assert [w.status_code for w in wrong] == [403, 403, 403]
    assert "wrong current password" in wrong[0].json()["detail"]
    assert then.status_code == 429
    assert "retry-after" in then.headers
    assert right.status_code == 429  # the door stays shut for this client for a while
    assert me["has_pin"] is False
    assert log_in(server, "ana", TEST_PASSWORD).status_code == 429  # and no login either


def test_a_pin_breaking_the_rule_is_refused_naming_the_field_and_the_reason(
    server: ConsoleServer,
) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        for pin, reason in (
            ("1234", "in a row"),
            ("7777", "repeated"),
            ("12a4", "digits"),
            ("12", "pin"),
        ):
            refused = http.put("/api/me/pin", json={"pin": pin, "current_password": TEST_PASSWORD})
            assert refused.status_code == 422, pin
            error = refused.json()["errors"][0]
            assert error["field"] == "pin"
            assert reason in (error["message"] + " " + refused.json()["detail"]).lower()
        assert http.get("/api/me").json()["has_pin"] is False


def test_my_password_needs_the_current_one_and_logs_out_my_other_logins(
    server: ConsoleServer,
) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    other = server.console.auth.login("ana", TEST_PASSWORD).token
    with server.client(animator) as http:
        missing = http.put("/api/me/password", json={"password": NEW_PASSWORD})
        changed = http.put(
            "/api/me/password",
            json={"password": NEW_PASSWORD, "current_password": TEST_PASSWORD},
        )
        still = http.get("/api/me")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "current_password"
    assert changed.status_code == 204
    assert still.status_code == 200
    with server.client(other) as http:
        assert http.get("/api/me").status_code == 401
    assert log_in(server, "ana", NEW_PASSWORD).status_code == 200


def test_my_new_password_closes_my_other_windows_and_keeps_this_one(
    server: ConsoleServer,
) -> None:
    here = server.add_staff("ana", Role.ANIMATOR)
    elsewhere = server.console.auth.login("ana", TEST_PASSWORD).token
    url = f"{server.ws_url}/ws/staff"
    with (
        connect(url, additional_headers={"Authorization": f"Bearer {here.token}"}) as mine,
        connect(url, additional_headers={"Authorization": f"Bearer {elsewhere}"}) as other,
    ):
        for window in (mine, other):
            assert json.loads(window.recv(5))["type"] == "room"
        with server.client(here) as http:
            changed = http.put(
                "/api/me/password",
                json={"password": NEW_PASSWORD, "current_password": TEST_PASSWORD},
            )
        assert changed.status_code == 204
        with pytest.raises(ConnectionClosed) as closed:
            other.recv(5)
        mine.send("{}")  # still open: a staff client's frame gets an error frame back
        assert json.loads(mine.recv(5))["type"] == "error"
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == LOGGED_OUT


def test_the_audit_says_who_did_what_and_never_a_secret(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    manager = server.add_staff("max", Role.MANAGER)
    with server.client(manager) as http:
        made = http.post(
            "/api/staff", json={"username": "ana", "password": NEW_PASSWORD, "role": "animator"}
        ).json()
        http.patch(f"/api/staff/{made['id']}", json={"role": "manager", "language": "en"})
        http.patch(f"/api/staff/{made['id']}", json={"disabled": True})
        http.post(f"/api/staff/{made['id']}/password", json={"password": "a third password"})
    assert set_pin(server, manager).status_code == 204
    with server.client(admin) as http:
        lines = http.get("/api/audit", params={"who": "max"}).json()["items"]
    actions = [(line["action"], line["detail"]) for line in reversed(lines)]
    assert ("staff_created", "ana (animator)") in actions
    assert ("staff_changed", "ana: role animator -> manager, language en") in actions
    assert ("staff_disabled", "ana") in actions
    assert ("password_reset", "ana") in actions
    assert ("pin_set", "") in actions
    text = json.dumps(lines)
    for secret in (NEW_PASSWORD, "a third password", PIN, TEST_PASSWORD):
        assert secret not in text


# -- the roster at the PCs ---------------------------------------------------------------


def _next_is_ack(socket: KioskSocket) -> bool:
    """Send an event and tell whether the next frame is its acknowledgement (so nothing,
    no roster, came before it)."""
    sent = Event(
        id=uuid.uuid4().hex,
        at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        body=StaffActionBody(staff_id=None, action="probe"),
    )
    socket.send(sent)
    frame = socket.recv()
    return isinstance(frame, Ack) and frame.ids == (sent.id,)


def _roster(socket: KioskSocket) -> StaffRoster:
    frame = socket.recv()
    assert isinstance(frame, StaffRoster), frame
    return frame


def test_a_pc_with_an_old_roster_gets_it_right_after_welcome_and_one_up_to_date_does_not(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        http.patch("/api/me", json={"display_name": "Ana", "language": "nl"})
    assert set_pin(server, animator).status_code == 204
    _kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as pc:  # holds none
        roster = _roster(pc)
    assert roster.revision >= 1
    [entry] = roster.staff
    assert (entry.id, entry.name, entry.language) == (account_id(server, "ana"), "Ana", "nl")
    assert entry.pin_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(entry.pin_hash, PIN)  # what the PC checks
    with KioskSocket(server, token, staff_revision=roster.revision - 1) as pc:
        assert _roster(pc) == roster
    with KioskSocket(server, token, staff_revision=roster.revision) as pc:
        assert _next_is_ack(pc)


def test_a_console_whose_staff_never_had_a_pin_sends_a_new_pc_nothing(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    _kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as pc:
        assert _next_is_ack(pc)


def test_a_pin_change_and_a_disable_reach_an_online_pc_at_once(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    manager = server.add_staff("max", Role.MANAGER)
    assert set_pin(server, manager, "8642").status_code == 204
    _kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token, staff_revision=server.console.repos.staff.revision()) as pc:
        assert set_pin(server, animator).status_code == 204
        with_ana = _roster(pc)
        assert sorted(e.name for e in with_ana.staff) == ["ana", "max"]
        with server.client(manager) as http:
            http.patch(f"/api/staff/{account_id(server, 'ana')}", json={"disabled": True})
        without = _roster(pc)
        assert without.revision > with_ana.revision
        assert [e.name for e in without.staff] == ["max"]
        with server.client(manager) as http:
            http.patch("/api/me", json={"display_name": "Maxime", "language": "nl"})
        renamed = _roster(pc)
        assert [(e.name, e.language) for e in renamed.staff] == [("Maxime", "nl")]
        assert set_pin(server, manager, None).status_code == 204
        assert _roster(pc).staff == ()


def test_a_pc_offline_during_a_disable_is_revoked_first_thing_at_its_next_hello(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    animator = server.add_staff("ana", Role.ANIMATOR)
    kiosk_id, token = server.enroll(admin, "PC-01")
    assert set_pin(server, animator).status_code == 204
    held = server.console.repos.staff.revision()
    with KioskSocket(server, token, staff_revision=held) as pc:
        assert _next_is_ack(pc)
    with server.client(admin) as http:  # the PC is away meanwhile
        http.post(f"/api/kiosks/{kiosk_id}/out-of-order", json={"reason": "no mouse"})
        http.patch(f"/api/staff/{account_id(server, 'ana')}", json={"disabled": True})
    with KioskSocket(server, token, staff_revision=held) as pc:
        first = pc.recv()
        second = pc.recv()
    assert isinstance(first, StaffRoster)
    assert first.staff == ()
    assert getattr(second, "action", None) is not None  # the lock came after the roster


def test_a_staff_action_at_a_pc_is_audited_under_the_persons_name(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    server.add_staff("ana", Role.ANIMATOR, login=False)
    kiosk_id, token = server.enroll(admin, "PC-01")
    action = Event(
        id=uuid.uuid4().hex,
        at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        body=StaffActionBody(
            staff_id=account_id(server, "ana"), action="end_session", detail="ended"
        ),
    )
    anonymous = Event(
        id=uuid.uuid4().hex,
        at=dt.datetime(2026, 3, 2, 10, 1, tzinfo=dt.UTC),
        body=StaffActionBody(staff_id=None, action="unlock"),
    )
    unknown = Event(
        id=uuid.uuid4().hex,
        at=dt.datetime(2026, 3, 2, 10, 2, tzinfo=dt.UTC),
        body=StaffActionBody(staff_id=4242, action="unlock"),
    )
    with KioskSocket(server, token) as pc:
        for sent in (action, action, anonymous, unknown):  # the first one resent
            pc.send(sent)
            frame = pc.recv()
            assert isinstance(frame, Ack)
    with server.client(admin) as http:
        lines = http.get("/api/audit", params={"kiosk_id": kiosk_id}).json()["items"]
    at_pc = [
        (x["who"], x["action"], x["detail"])
        for x in reversed(lines)
        if x["action"].startswith("pc_")
    ]
    assert at_pc == [
        ("ana", "pc_end_session", "ended"),
        ("PC PIN", "pc_unlock", ""),
        ("PC PIN", "pc_unlock", ""),
    ]
