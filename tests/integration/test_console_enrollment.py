"""Enrolling a PC: a pairing code works once and for ten minutes; the PC's own token opens
its WebSocket; a revoked PC is refused on HTTP and on its WebSocket."""

from __future__ import annotations

import httpx
import pytest
from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from admin_console.api.staff import Role
from admin_console.server.clock import FakeClock

__all__ = ["data_dir", "database_url", "postgres", "server"]


@pytest.fixture
def admin(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("ada", Role.ADMIN)


def pairing_code(server: ConsoleServer, admin: StaffLogin) -> str:
    with server.client(admin) as http:
        response = http.post("/api/pairing-codes")
    assert response.status_code == 201
    return str(response.json()["code"])


def enroll(server: ConsoleServer, code: str, name: str = "PC-01") -> httpx.Response:
    with server.client() as http:
        return http.post("/api/enroll", json={"code": code, "name": name, "location": "salle"})


def test_a_pairing_code_enrolls_one_pc_and_only_once(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    code = pairing_code(server, admin)
    first = enroll(server, code)
    assert first.status_code == 201
    body = first.json()
    assert body["websocket_path"] == "/ws/kiosk"
    with KioskSocket(server, body["token"]) as socket:
        assert socket.welcome is not None
        assert socket.welcome.kiosk_name == "PC-01"
    again = enroll(server, code, "PC-02")
    assert again.status_code == 403
    assert again.json()["detail"] == "this pairing code was already used"


def test_a_pairing_code_expires_after_ten_minutes(server: ConsoleServer, admin: StaffLogin) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    early, late = pairing_code(server, admin), pairing_code(server, admin)
    clock.advance(minutes=9, seconds=59)
    assert enroll(server, early, "PC-01").status_code == 201
    clock.advance(seconds=1)
    refused = enroll(server, late, "PC-02")
    assert refused.status_code == 403
    assert "expired" in refused.json()["detail"]


def test_a_code_may_be_typed_in_lower_case_without_the_dash(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    code = pairing_code(server, admin)
    assert len(code) == 11
    assert code[5] == "-"
    assert enroll(server, code.replace("-", " ").lower()).status_code == 201


def test_an_unknown_code_is_refused_with_a_clear_message(server: ConsoleServer) -> None:
    refused = enroll(server, "ZZZZZ-ZZZZZ")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "unknown pairing code"


def test_a_wrong_secret_for_a_known_code_spends_it(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    code = pairing_code(server, admin)
    wrong = code[:6] + ("ZZZZZ" if code[6:] != "ZZZZZ" else "YYYYY")
    refused = enroll(server, wrong)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("wrong pairing code: it can no longer be used")
    again = enroll(server, code)
    assert (again.status_code, again.json()["detail"]) == (
        403,
        "this pairing code was already used",
    )


def test_the_pairing_code_itself_is_never_stored(server: ConsoleServer, admin: StaffLogin) -> None:
    code = pairing_code(server, admin)
    token = enroll(server, code).json()["token"]
    with server.console.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT code_sha256 FROM pairing_codes UNION ALL SELECT token_sha256 FROM kiosks"
        ).all()
    stored = " ".join(r[0] for r in rows)
    assert code.replace("-", "") not in stored
    assert token not in stored


def test_two_pcs_may_not_share_a_name_until_the_first_is_revoked(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    first = enroll(server, pairing_code(server, admin)).json()
    clash = enroll(server, pairing_code(server, admin))
    assert clash.status_code == 409
    assert "PC-01" in clash.json()["detail"]
    with server.client(admin) as http:
        assert http.post(f"/api/kiosks/{first['kiosk_id']}/revoke").status_code == 200
    assert enroll(server, pairing_code(server, admin)).status_code == 201


def test_a_revoked_pc_is_refused_on_http_and_websocket_and_dropped_if_connected(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    body = enroll(server, pairing_code(server, admin)).json()
    kiosk_id, token = body["kiosk_id"], body["token"]
    with server.client(token) as http:
        assert http.get("/api/kiosk/self").json()["name"] == "PC-01"
    with KioskSocket(server, token) as socket:
        with server.client(admin) as http:
            revoked = http.post(f"/api/kiosks/{kiosk_id}/revoke")
        assert revoked.status_code == 200
        assert revoked.json()["revoked"] is True
        with pytest.raises(ConnectionClosed) as dropped:
            socket.recv(5)
    assert dropped.value.rcvd is not None
    assert dropped.value.rcvd.code == 1008
    with server.client(token) as http:
        refused = http.get("/api/kiosk/self")
    assert refused.status_code == 403
    assert "revoked" in refused.json()["detail"]
    url = f"{server.ws_url}/ws/kiosk"
    headers = {"Authorization": f"Bearer {token}"}
    with connect(url, additional_headers=headers) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(5)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        1008,
        "this PC was revoked: enroll it again",
    )
    with server.client(admin) as http:
        assert http.get("/api/kiosks").json() == []
        listed = http.get("/api/kiosks", params={"include_revoked": True}).json()
        commanded = http.post(f"/api/kiosks/{kiosk_id}/commands", json={"action": "unlock"})
        audit = http.get("/api/audit", params={"action": "kiosk_revoked"}).json()["items"]
    assert [t["revoked"] for t in listed] == [True]
    assert commanded.status_code == 409
    assert (audit[0]["who"], audit[0]["kiosk_id"]) == ("ada", kiosk_id)


def test_an_unknown_kiosk_token_is_refused_on_http(server: ConsoleServer) -> None:
    with server.client("made-up") as http:
        assert http.get("/api/kiosk/self").status_code == 401
    with server.client() as http:
        assert http.get("/api/kiosk/self").status_code == 401
