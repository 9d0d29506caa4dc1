"""Pairing a PC with the code alone, against the real console over real TLS: the code
proves the console's certificate, so a machine in the middle with its own certificate is
refused; each code is one try; a finish cannot be replayed; the PC paired links up."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_pg import database_url, postgres
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread
from helpers.tls_intercept import TlsInterceptor

from admin_console.api.staff import Role
from admin_console.server.clock import FakeClock
from epn_shared.pairing import (
    KioskExchange,
    PairingCode,
    Side,
    confirmation,
    new_pairing_code,
)
from kiosk.agent.config import AgentConfig
from kiosk.agent.enroll import EnrollFailed, enroll
from kiosk.agent.link import LinkOptions, load_console_settings, normalise_fingerprint

__all__ = ["database_url", "postgres"]

FAST = LinkOptions(backoff_initial=0.05, backoff_cap=0.3, status_min_interval=0.05, open_timeout=5)
IN_THE_MIDDLE = "another machine stands between this PC and the console"


@pytest.fixture
def server(tmp_path: Path, database_url: str | None) -> Iterator[ConsoleServer]:
    """The console on real TLS, on SQLite and on PostgreSQL."""
    with ConsoleServer(tmp_path / "console", database_url=database_url, tls=True) as console:
        yield console


@pytest.fixture
def admin(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("ada", Role.ADMIN)


@pytest.fixture
def pc_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="epnp"))  # short: the agent's unix socket
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def new_code(server: ConsoleServer, admin: StaffLogin) -> str:
    with server.client(admin) as http:
        made = http.post("/api/pairing-codes")
    assert made.status_code == 201
    return str(made.json()["code"])


def pair(url: str, code: str, pc_dir: Path, name: str = "PC-01") -> list[str]:
    said: list[str] = []
    config = AgentConfig(data_dir=pc_dir, sandbox=True)
    enroll(url, code, name=name, location="salle 1", config=config, say=said.append)
    return said


def audit(server: ConsoleServer, admin: StaffLogin, action: str) -> list[dict[str, object]]:
    with server.client(admin) as http:
        items = http.get("/api/audit", params={"action": action}).json()["items"]
    return list(items)


def test_the_code_alone_pairs_a_pc_that_then_links_with_the_console_certificate_pinned(
    server: ConsoleServer, admin: StaffLogin, pc_dir: Path
) -> None:
    pair(server.url, new_code(server, admin), pc_dir)
    saved = load_console_settings(pc_dir / "console.json")
    assert saved is not None
    assert saved.url == f"{server.ws_url}/ws/kiosk"
    assert server.console.settings.fingerprint is not None
    assert saved.fingerprint_sha256 == normalise_fingerprint(server.console.settings.fingerprint)
    with AgentThread(data_dir=pc_dir, agent_options={"link_options": FAST}) as agent:
        agent.wait_until(lambda: agent.agent.link is not None and agent.agent.link.connected)
    with server.client(admin) as http:
        pcs = http.get("/api/kiosks").json()
    assert [(pc["name"], pc["location"]) for pc in pcs] == [("PC-01", "salle 1")]
    assert [entry["who"] for entry in audit(server, admin, "kiosk_enrolled")] == ["ada"]


def test_a_machine_in_the_middle_with_its_own_certificate_is_refused_and_the_code_spent(
    server: ConsoleServer, admin: StaffLogin, pc_dir: Path, tmp_path: Path
) -> None:
    code = new_code(server, admin)
    middle = TlsInterceptor(tmp_path / "impostor", server.port)
    try:
        with pytest.raises(EnrollFailed, match=IN_THE_MIDDLE):
            pair(middle.url, code, pc_dir)
    finally:
        middle.stop()
    assert middle.connections >= 1  # it did relay the exchange to the console
    assert not (pc_dir / "console.json").exists()
    # What it saw does not contain the secret: nothing to try offline.
    secret = PairingCode.parse(code).secret
    assert secret.encode() not in bytes(middle.seen)
    assert secret.lower().encode() not in bytes(middle.seen).lower()
    # The code is spent: the real console refuses it now, even from the PC.
    with pytest.raises(EnrollFailed, match="already used"):
        pair(server.url, code, pc_dir)
    with server.client(admin) as http:
        assert http.get("/api/kiosks").json() == []


def test_a_wrong_code_is_refused_once_and_spends_the_code(
    server: ConsoleServer, admin: StaffLogin, pc_dir: Path
) -> None:
    code = PairingCode.parse(new_code(server, admin))
    typo = PairingCode(code.code_id, new_pairing_code().secret)
    with pytest.raises(EnrollFailed, match="it was probably mistyped"):
        pair(server.url, typo.text, pc_dir)
    with pytest.raises(EnrollFailed, match="already used"):
        pair(server.url, code.text, pc_dir)
    assert not (pc_dir / "console.json").exists()


def test_a_stranger_who_knows_the_id_gets_one_guess_and_is_refused(
    server: ConsoleServer, admin: StaffLogin, pc_dir: Path
) -> None:
    code = PairingCode.parse(new_code(server, admin))
    guess = KioskExchange(PairingCode(code.code_id, new_pairing_code().secret))
    with server.client() as http:
        started = http.post("/api/pair/start", json={"code_id": code.code_id, "msg": guess.message})
        assert started.status_code == 200
        key = guess.key(started.json()["msg"])
        fingerprint = server.console.settings.fingerprint
        finish = {
            "pair_id": started.json()["pair_id"],
            "name": "Intruder",
            "confirm": confirmation(key, Side.KIOSK, fingerprint),
        }
        refused = http.post("/api/pair/finish", json=finish)
        again = http.post("/api/pair/start", json={"code_id": code.code_id, "msg": guess.message})
    assert refused.status_code == 403
    assert "the pairing failed" in refused.json()["detail"]
    assert (again.status_code, again.json()["detail"]) == (
        403,
        "this pairing code was already used",
    )
    with pytest.raises(EnrollFailed, match="already used"):
        pair(server.url, code.text, pc_dir)
    # Staff see the code spent by someone, and the failed finish.
    assert [e["detail"] for e in audit(server, admin, "pairing_started")] == [
        f"code {code.code_id} of ada"
    ]
    assert len(audit(server, admin, "pairing_refused")) == 1
    with server.client(admin) as http:
        assert http.get("/api/kiosks").json() == []


def _paired_by_hand(server: ConsoleServer, code: PairingCode) -> dict[str, str]:
    """Start the exchange as a PC would; the finish it would send next."""
    exchange = KioskExchange(code)
    with server.client() as http:
        started = http.post(
            "/api/pair/start", json={"code_id": code.code_id, "msg": exchange.message}
        )
    assert started.status_code == 200
    key = exchange.key(started.json()["msg"])
    finish = {
        "pair_id": started.json()["pair_id"],
        "name": "PC-01",
        "confirm": confirmation(key, Side.KIOSK, server.console.settings.fingerprint),
    }
    return finish


def test_a_finish_replayed_is_refused_and_makes_no_second_pc(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    finish = _paired_by_hand(server, PairingCode.parse(new_code(server, admin)))
    with server.client() as http:
        first = http.post("/api/pair/finish", json=finish)
        replayed = http.post("/api/pair/finish", json=finish)
        renamed = http.post("/api/pair/finish", json={**finish, "name": "PC-02"})
    assert first.status_code == 201
    assert first.json()["token"]
    for refused in (replayed, renamed):
        assert refused.status_code == 403
        assert "unknown or finished pairing" in refused.json()["detail"]
    with server.client(admin) as http:
        assert [pc["name"] for pc in http.get("/api/kiosks").json()] == ["PC-01"]


def test_a_name_taken_lets_the_same_exchange_finish_with_another_name(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    server.enroll(admin, "PC-01")
    finish = _paired_by_hand(server, PairingCode.parse(new_code(server, admin)))
    with server.client() as http:
        clash = http.post("/api/pair/finish", json=finish)
        renamed = http.post("/api/pair/finish", json={**finish, "name": "PC-02"})
    assert clash.status_code == 409
    assert "PC-01" in clash.json()["detail"]
    assert renamed.status_code == 201


def test_an_expired_code_is_refused_and_a_late_finish_too(
    server: ConsoleServer, admin: StaffLogin, pc_dir: Path
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    expired, slow = new_code(server, admin), new_code(server, admin)
    finish = _paired_by_hand(server, PairingCode.parse(slow))
    clock.advance(minutes=10)
    with pytest.raises(EnrollFailed, match="expired"):
        pair(server.url, expired, pc_dir)
    with server.client() as http:
        late = http.post("/api/pair/finish", json=finish)
    assert late.status_code == 403
    assert "unknown or finished pairing" in late.json()["detail"]


def test_the_database_holds_no_usable_code_and_forgets_the_sealed_secret(
    server: ConsoleServer, admin: StaffLogin, pc_dir: Path
) -> None:
    used, left = new_code(server, admin), new_code(server, admin)
    pair(server.url, used, pc_dir)

    def stored() -> list[tuple[str, str | None]]:
        with server.console.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT code_sha256, secret_sealed FROM pairing_codes ORDER BY id"
            ).all()
        return [(r[0], r[1]) for r in rows]

    rows = stored()
    text = " ".join(f"{digest} {sealed}" for digest, sealed in rows)
    for code in (used, left):
        assert PairingCode.parse(code).secret not in text
        assert PairingCode.parse(code).plain not in text
    assert [sealed is None for _, sealed in rows] == [True, False]  # erased once used
    clock = server.clock
    assert isinstance(clock, FakeClock)
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(EnrollFailed, match="unknown pairing code"):
        pair(server.url, "ZZZZZ-ZZZZZ", pc_dir)
    assert [sealed for _, sealed in stored()] == [None, None]  # expired: erased too


def test_the_pairing_doors_are_rate_limited_like_enrollment(server: ConsoleServer) -> None:
    body = {"code_id": "ZZ", "msg": KioskExchange(new_pairing_code()).message}
    burst = server.console.settings.rate_limits.address.burst
    with server.client() as http:
        answers = [http.post("/api/pair/start", json=body).status_code for _ in range(burst + 1)]
    assert answers[:burst] == [403] * burst
    assert answers[burst] == 429


def test_pairing_codes_expire_ten_minutes_after_they_are_made(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    with server.client(admin) as http:
        made = http.post("/api/pairing-codes").json()
    made_at = server.clock.now()
    assert dt.datetime.fromisoformat(made["expires_at"]) == made_at + dt.timedelta(minutes=10)


def test_a_code_of_the_old_form_is_refused_before_anything_leaves_the_pc(pc_dir: Path) -> None:
    # Nothing listens on port 9: reaching for the console would fail otherwise.
    with pytest.raises(EnrollFailed, match="like ABCDE-FGHJK"):
        pair("https://127.0.0.1:9", "SLBS-PGBY", pc_dir)
    assert not (pc_dir / "secrets").exists()


def test_a_pc_of_the_previous_version_still_pairs_and_a_new_one_learns_the_fingerprint(
    server: ConsoleServer, admin: StaffLogin
) -> None:
    """Consoles are updated first: a PC installed from an older package (it asks nothing
    more and refuses fields it does not know) still gets the answer it knows; a PC that asks
    gets the certificate's fingerprint, to tell a machine in the middle from a typo."""
    old = PairingCode.parse(new_code(server, admin))
    new = PairingCode.parse(new_code(server, admin))
    with server.client() as http:
        before = http.post(
            "/api/pair/start",
            json={"code_id": old.code_id, "msg": KioskExchange(old).message},
        )
        asked = http.post(
            "/api/pair/start",
            json={
                "code_id": new.code_id,
                "msg": KioskExchange(new).message,
                "tell_fingerprint": True,
            },
        )
    assert before.status_code == asked.status_code == 200
    assert set(before.json()) == {"pair_id", "msg", "confirm"}  # what 0.1.0 validates
    assert asked.json()["fingerprint_sha256"] == server.console.settings.fingerprint
