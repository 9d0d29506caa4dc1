"""Several sites on one console, on a real server (SQLite and PostgreSQL): nothing outside a
person's sites, ever. Every route of the staff API is listed here with how it meets sites
(a route added without being listed fails the first test), and each is called by staff of
one site about a PC of the other: the answer is the one for a PC that does not exist, and
no list shows the other site's PCs, help calls, workshops, events or audit lines.

The network: site 1 "Maison de quartier" (PC-A) and site 2 "Bibliothèque" (PC-B); an
animator and a manager of site 1, an animator of site 2, a manager of both, an admin."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest_pg import data_dir, database_url, module_database_url, postgres, server
from helpers.console_server import TEST_PASSWORD, ConsoleServer, KioskSocket, StaffLogin
from websockets.sync.client import connect

from admin_console.server.auth import Role
from epn_shared.protocol import (
    Ack,
    Command,
    CommandAction,
    Event,
    HelpRequestedBody,
    StaffRoster,
    Status,
)
from policies import default_policy, policy_from_data

__all__ = ["data_dir", "database_url", "module_database_url", "postgres", "server"]

FAR = "2030-01-01T00:00:00Z"
MISSING = 999_999
"""A PC id that exists nowhere: what staff see of a PC of another site must be the same."""


@dataclass
class Network:
    """A console with two sites, a PC in each, staff of one, the other, or both."""

    server: ConsoleServer
    staff: dict[str, StaffLogin]
    pc_a: int
    pc_b: int
    site_b: int
    sockets: list[KioskSocket]

    def client(self, who: str) -> httpx.Client:
        return self.server.client(self.staff[who])


@pytest.fixture(scope="module")
def network(module_database_url: str | None) -> Iterator[Network]:
    folder = Path(tempfile.mkdtemp(prefix="epn-sites-"))
    with ConsoleServer(folder, database_url=module_database_url) as running:
        admin = running.add_staff("ada", Role.ADMIN)
        with running.client(admin) as http:
            http.patch("/api/sites/1", json={"name": "Maison de quartier"}).raise_for_status()
            site_b = http.post("/api/sites", json={"name": "Bibliothèque"}).json()["id"]
            pc_a, token_a = running.enroll(admin, "PC-A")
            code = http.post("/api/pairing-codes", json={"site_id": site_b}).json()["code"]
            done = http.post("/api/enroll", json={"code": code, "name": "PC-B"}).json()
            pc_b, token_b = int(done["kiosk_id"]), str(done["token"])
        staff = {"admin": admin}
        for name, role in (
            ("animator_a", Role.ANIMATOR),
            ("manager_a", Role.MANAGER),
            ("animator_b", Role.ANIMATOR),
            ("manager_ab", Role.MANAGER),
        ):
            staff[name] = running.add_staff(name, role)
        with running.client(admin) as http:
            for name, sites in (
                ("animator_a", [1]),
                ("manager_a", [1]),
                ("animator_b", [site_b]),
                ("manager_ab", [1, site_b]),
            ):
                staff_id = running.console.repos.staff.credentials(name).record.id  # type: ignore[union-attr]
                answer = http.put(f"/api/staff/{staff_id}/sites", json={"site_ids": sites})
                assert answer.status_code == 200, answer.text
        # Each PC online, asking for help, with a workshop and an event of its own.
        sockets = [KioskSocket(running, token_a), KioskSocket(running, token_b)]
        for socket in sockets:
            socket.send(Status(state="active", seconds_left=600))
            socket.send(Event(id=f"help-{id(socket)}", at=FAR, body=HelpRequestedBody()))
            socket.recv()  # the ack
        with running.client(admin) as http:
            for pc in (pc_a, pc_b):
                body = {
                    "kiosk_ids": [pc],
                    "minutes": 60,
                    "title": f"Atelier {pc}",
                    "participants": 2,
                }
                assert http.post("/api/workshops", json=body).status_code == 201
        yield Network(running, staff, pc_a, pc_b, site_b, sockets)
        for socket in sockets:
            socket.close()
    shutil.rmtree(folder, ignore_errors=True)


# -- every route, and how it meets sites -------------------------------------------------

# (method, path template, body): {pc} is a PC's id.
PC_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/kiosks/{pc}/revoke", None),
    ("POST", "/api/kiosks/{pc}/commands", {"action": "message", "text": "Bonjour"}),
    ("POST", "/api/kiosks/{pc}/out-of-order", {"reason": "no mouse"}),
    ("POST", "/api/kiosks/{pc}/back-in-order", None),
    ("POST", "/api/help/{pc}/take", None),
    ("POST", "/api/help/{pc}/done", None),
    ("POST", "/api/help/{pc}/cancel", None),
    ("PUT", "/api/kiosks/{pc}/site", {"site_id": 1}),
    ("GET", "/api/audit?kiosk_id={pc}", None),
    ("GET", "/api/events?kiosk_id={pc}", None),
    ("POST", "/api/kiosks/{pc}/wake", None),
    ("POST", "/api/kiosks/power", {"action": "wake", "kiosk_ids": ["{pc}"]}),
    ("POST", "/api/kiosks/power", {"action": "shut_down", "kiosk_ids": ["{pc}"]}),
    (
        "POST",
        "/api/workshops",
        {"kiosk_ids": ["{pc}"], "minutes": 30, "title": "Mail", "participants": 1},
    ),
]
"""Routes about one PC: a PC of another site is answered as a PC that does not exist."""
LIST_ROUTES = [
    "/api/kiosks",
    "/api/help",
    "/api/workshops",
    "/api/audit",
    "/api/events",
    "/api/usage?start=2029-12-01&end=2030-01-31",
    "/api/usage.csv?start=2029-12-01&end=2030-01-31&table=kiosk",
    "/api/sites",
]
"""Lists: only what is in the caller's sites (``?site_id=`` narrows to one of them)."""
NETWORK_ROUTES = {
    ("GET", "/api/me"): "who the caller is",
    ("PATCH", "/api/me"): "the caller's own account",
    ("PUT", "/api/me/password"): "the caller's own account",
    ("PUT", "/api/me/pin"): "the caller's own account (reaches their sites' PCs: below)",
    ("GET", "/api/staff"): "the colleagues of the caller's sites only (tested below)",
    ("POST", "/api/staff"): "a manager's new colleague works at the manager's sites (below)",
    ("PATCH", "/api/staff/{staff_id}"): "a colleague of the caller's sites only (below)",
    ("POST", "/api/staff/{staff_id}/password"): "a colleague of the caller's sites only",
    ("POST", "/api/login"): "before anyone is known",
    ("POST", "/api/logout"): "the caller's own token",
    ("GET", "/api/first-admin"): "before any account exists",
    ("POST", "/api/first-admin"): "before any account exists",
    ("GET", "/api/setup"): "the network's name and address",
    ("PUT", "/api/setup"): "admins only",
    ("POST", "/api/sites"): "admins only",
    ("PATCH", "/api/sites/{site_id}"): "admins only",
    ("GET", "/api/staff/{staff_id}/sites"): "shows only the caller's sites of the colleague",
    ("GET", "/api/sites/{site_id}/rules"): "a site of the caller's only (tested below)",
    ("PUT", "/api/sites/{site_id}/rules"): "a site of the caller's only (tested below)",
    ("PUT", "/api/staff/{staff_id}/sites"): "gives only the caller's sites (tested below)",
    ("POST", "/api/pairing-codes"): "admins only",
    ("POST", "/api/tickets"): "a ticket opens any PC of the network",
    ("GET", "/api/tickets"): "tickets are the network's",
    ("POST", "/api/members"): "a member card opens any PC of the network",
    ("GET", "/api/members"): "members are the network's",
    ("PATCH", "/api/members/{card}"): "members are the network's",
    ("POST", "/api/members/{card}/ban"): "a ban holds at every site",
    ("POST", "/api/members/{card}/unban"): "a ban holds at every site",
    ("GET", "/api/policy"): "one policy for the network",
    ("PUT", "/api/policy"): "one policy for the network",
    ("GET", "/api/policy/history"): "one policy for the network",
    ("GET", "/api/printers"): "the console machine's own printers (ticket sheets)",
    ("POST", "/api/printers/test-page"): "the console machine's own printers",
}
"""Routes that are the network's, not a site's: why."""
PC_TOKEN_ROUTES = {
    ("POST", "/api/enroll"),
    ("POST", "/api/pair/start"),
    ("POST", "/api/pair/finish"),
    ("GET", "/api/kiosk/self"),
    ("POST", "/api/kiosk/tickets/redeem"),
    ("POST", "/api/kiosk/members/check"),
}
"""Routes a PC calls with its own token (it knows only itself)."""


def _template(path: str) -> str:
    return path.split("?", maxsplit=1)[0].replace("{pc}", "{kiosk_id}")


def test_every_route_of_the_staff_api_says_how_it_meets_sites(network: Network) -> None:
    with network.server.client() as http:
        spec = http.get("/openapi.json").json()
    routes = {(m.upper(), p) for p, methods in spec["paths"].items() for m in methods}
    listed = (
        {(m, _template(p)) for m, p, _ in PC_ROUTES}
        | {("GET", _template(p)) for p in LIST_ROUTES}
        | set(NETWORK_ROUTES)
        | PC_TOKEN_ROUTES
    )
    assert routes - listed == set(), "say how these routes meet sites"
    assert listed - routes == set(), "these routes are gone"


def _call(http: httpx.Client, method: str, path: str, body: Any, pc: int) -> httpx.Response:
    if isinstance(body, dict) and body.get("kiosk_ids") == ["{pc}"]:
        body = {**body, "kiosk_ids": [pc]}
    return http.request(method, path.format(pc=pc), json=body)


@pytest.mark.parametrize("who", ["animator_a", "manager_a"])
@pytest.mark.parametrize(("method", "path", "body"), PC_ROUTES, ids=[p for _, p, _ in PC_ROUTES])
def test_a_pc_of_another_site_is_answered_as_a_pc_that_does_not_exist(
    network: Network, who: str, method: str, path: str, body: Any
) -> None:
    with network.client(who) as http:
        elsewhere = _call(http, method, path, body, network.pc_b)
        nowhere = _call(http, method, path, body, MISSING)
    if nowhere.status_code == 403:  # the role comes first: the same for both
        assert elsewhere.status_code == 403
        return
    assert elsewhere.status_code == nowhere.status_code
    assert elsewhere.status_code in (404, 422)
    assert elsewhere.json()["detail"].replace(str(network.pc_b), "N") == nowhere.json()[
        "detail"
    ].replace(str(MISSING), "N")


def _mentions_pc(text: str, pc: int, name: str) -> bool:
    data = text if not text.startswith(("{", "[")) else json.dumps(json.loads(text))
    return name in data or f'"kiosk_id": {pc}' in data or f'"id": {pc}, "name"' in data


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_lists_show_only_the_callers_sites(network: Network, path: str) -> None:
    answers = {}
    for who in ("manager_a", "manager_ab", "admin"):
        with network.client(who) as http:
            response = http.get(path)
            assert response.status_code == 200, response.text
            answers[who] = response.text
    if path != "/api/sites":
        assert not _mentions_pc(answers["manager_a"], network.pc_b, "PC-B"), answers["manager_a"]
        if "usage" not in path:  # the usage review names PCs only in its per-PC table
            for who in ("manager_ab", "admin"):
                assert _mentions_pc(answers[who], network.pc_b, "PC-B") or "Atelier" in answers[who]
    else:
        assert "Bibliothèque" not in answers["manager_a"]
        assert "Bibliothèque" in answers["manager_ab"]


def test_the_room_and_its_changes_reach_only_staff_of_the_pcs_site(network: Network) -> None:
    def room_of(who: str) -> tuple[list[str], Any]:
        headers = {"Authorization": f"Bearer {network.staff[who].token}"}
        staff = connect(f"{network.server.ws_url}/ws/staff", additional_headers=headers)
        room = json.loads(staff.recv(5))
        return [k["name"] for k in room["kiosks"]], staff

    names_a, staff_a = room_of("animator_a")
    names_b, staff_b = room_of("animator_b")
    try:
        assert names_a == ["PC-A"]
        assert names_b == ["PC-B"]
        # PC-B changes, then PC-A: the animator of site 1 hears only of PC-A.
        network.sockets[1].send(Status(state="active", seconds_left=300))
        network.sockets[0].send(Status(state="active", seconds_left=200))
        first = json.loads(staff_a.recv(5))
        assert first["kiosk"]["name"] == "PC-A"
        assert json.loads(staff_b.recv(5))["kiosk"]["name"] == "PC-B"
    finally:
        staff_a.close()
        staff_b.close()


def test_the_usage_review_counts_one_site_or_the_callers_sites_together(network: Network) -> None:
    with network.client("manager_ab") as http:
        both = http.get("/api/usage.csv?start=2029-12-01&end=2030-01-31&table=kiosk").text
        only_b = http.get(
            f"/api/usage.csv?start=2029-12-01&end=2030-01-31&table=kiosk&site_id={network.site_b}"
        ).text
    with network.client("manager_a") as http:
        refused = http.get(f"/api/usage?start=2029-12-01&end=2030-01-31&site_id={network.site_b}")
    assert "PC-A" in both and "PC-B" in both
    assert "PC-B" in only_b and "PC-A" not in only_b
    assert refused.status_code == 404
    assert refused.json()["detail"] == f"no site with id {network.site_b}"


def test_a_manager_gives_only_their_own_sites_and_keeps_the_colleagues_others(
    network: Network,
) -> None:
    repos = network.server.console.repos
    manager_b = network.server.add_staff("manager_b", Role.MANAGER)
    animator = network.server.add_staff("animator_ab", Role.ANIMATOR)
    animator_id = repos.staff.credentials("animator_ab").record.id  # type: ignore[union-attr]
    manager_b_id = repos.staff.credentials("manager_b").record.id  # type: ignore[union-attr]
    with network.client("admin") as http:
        http.put(f"/api/staff/{manager_b_id}/sites", json={"site_ids": [network.site_b]})
        http.put(f"/api/staff/{animator_id}/sites", json={"site_ids": [1, network.site_b]})
    with network.server.client(manager_b) as http:
        grab = http.put(f"/api/staff/{animator_id}/sites", json={"site_ids": [1]})
        mine = http.put(f"/api/staff/{animator_id}/sites", json={"site_ids": []})
        self_grant = http.put(
            f"/api/staff/{manager_b_id}/sites", json={"site_ids": [network.site_b]}
        )
        admin_id = repos.staff.credentials("ada").record.id  # type: ignore[union-attr]
        on_admin = http.put(f"/api/staff/{admin_id}/sites", json={"site_ids": []})
    assert grab.status_code == 404  # site 1 is not theirs to give
    assert mine.status_code == 200
    assert mine.json() == {"site_ids": []}  # as far as they see
    assert repos.sites.of_staff(animator_id) == frozenset({1})  # site 1 stayed
    assert self_grant.status_code == 403
    assert on_admin.status_code == 403
    with network.server.client(animator) as http:
        assert [k["name"] for k in http.get("/api/kiosks").json()] == ["PC-A"]


def test_a_pc_moved_to_another_site_leaves_the_first_sites_staff(network: Network) -> None:
    with network.client("admin") as http:
        code = http.post("/api/pairing-codes", json={"site_id": 1}).json()["code"]
        pc = int(http.post("/api/enroll", json={"code": code, "name": "PC-C"}).json()["kiosk_id"])
    with network.client("animator_a") as http:
        assert "PC-C" in [k["name"] for k in http.get("/api/kiosks").json()]
    with network.client("manager_a") as http:
        refused = http.put(f"/api/kiosks/{pc}/site", json={"site_id": network.site_b})
    with network.client("manager_ab") as http:
        moved = http.put(f"/api/kiosks/{pc}/site", json={"site_id": network.site_b})
    assert refused.status_code == 404  # site 2 is not theirs
    assert moved.status_code == 200
    assert moved.json()["site_id"] == network.site_b
    with network.client("animator_a") as http:
        assert "PC-C" not in [k["name"] for k in http.get("/api/kiosks").json()]
        assert http.post(f"/api/kiosks/{pc}/out-of-order", json={"reason": "x"}).status_code == 404
    with network.client("admin") as http:
        audit = http.get("/api/audit?action=kiosk_moved").json()["items"]
    assert audit[0]["who"] == "manager_ab"
    assert audit[0]["detail"] == "PC-C to Bibliothèque"


def _staff_socket(network: Network, who: str) -> tuple[Any, list[str]]:
    """A staff socket of ``who`` and the names in the room it got first."""
    headers = {"Authorization": f"Bearer {network.staff[who].token}"}
    staff = connect(f"{network.server.ws_url}/ws/staff", additional_headers=headers)
    room = json.loads(staff.recv(5))
    assert room["type"] == "room"
    return staff, [k["name"] for k in room["kiosks"]]


def _next_about(staff: Any, pc: int) -> dict[str, Any]:
    """The next frame of a staff socket about the PC ``pc`` (others' are skipped)."""
    while True:
        frame = json.loads(staff.recv(5))
        if frame.get("kiosk_id") == pc or frame.get("kiosk", {}).get("id") == pc:
            return dict(frame)


def _until_seconds_left(staff: Any, pc: int, seconds: int) -> None:
    """Read a staff socket until its tile of ``pc`` shows ``seconds`` left."""
    while (_next_about(staff, pc)["kiosk"].get("status") or {}).get("seconds_left") != seconds:
        continue


def test_a_pc_moved_leaves_the_first_sites_open_windows_and_joins_the_others_at_once(
    network: Network,
) -> None:
    with network.client("admin") as http:
        code = http.post("/api/pairing-codes", json={"site_id": 1}).json()["code"]
        done = http.post("/api/enroll", json={"code": code, "name": "PC-D"}).json()
    pc, token = int(done["kiosk_id"]), str(done["token"])
    staff_a, names_a = _staff_socket(network, "animator_a")
    staff_b, names_b = _staff_socket(network, "animator_b")
    staff_ab, _names = _staff_socket(network, "manager_ab")
    try:
        assert "PC-D" in names_a and "PC-D" not in names_b
        with KioskSocket(network.server, token) as pc_d:
            # Its session, as site 1's windows see it (the last word about it before the move).
            pc_d.send(Status(state="active", seconds_left=900))
            for staff in (staff_a, staff_ab):
                _until_seconds_left(staff, pc, 900)
            with network.client("manager_ab") as http:
                moved = http.put(f"/api/kiosks/{pc}/site", json={"site_id": network.site_b})
            assert moved.status_code == 200, moved.text
            # Site 1's window drops the PC now, not at its next connection...
            gone = _next_about(staff_a, pc)
            assert gone["type"] == "kiosk_gone", gone
            assert set(gone) <= {"type", "kiosk_id", "now"}  # nothing more of site 2's PC
            # ...the Bibliothèque's shows it, online, with its session...
            joined = _next_about(staff_b, pc)
            assert joined["type"] == "kiosk", joined
            assert joined["kiosk"]["name"] == "PC-D"
            assert joined["kiosk"]["site_id"] == network.site_b
            assert joined["kiosk"]["online"] and joined["kiosk"]["status"]["seconds_left"] == 900
            # ...and a manager of both sees it change sites.
            both = _next_about(staff_ab, pc)
            assert both["type"] == "kiosk" and both["kiosk"]["site_id"] == network.site_b
            # From now on its changes reach site 2's staff only.
            pc_d.send(Status(state="active", seconds_left=800))
            assert _next_about(staff_b, pc)["kiosk"]["status"]["seconds_left"] == 800
            network.sockets[0].send(Status(state="active", seconds_left=100))
            assert json.loads(staff_a.recv(5))["kiosk"]["name"] == "PC-A"
    finally:
        for staff in (staff_a, staff_b, staff_ab):
            staff.close()


def test_a_new_account_on_a_one_site_console_works_there_and_on_several_nowhere(
    tmp_path: Path,
) -> None:
    with ConsoleServer(tmp_path) as one:
        admin = one.add_staff("ada", Role.ADMIN)
        one.enroll(admin, "PC-1")
        first = one.add_staff("ines", Role.ANIMATOR)
        with one.client(first) as http:
            assert [k["name"] for k in http.get("/api/kiosks").json()] == ["PC-1"]
        with one.client(admin) as http:
            assert http.post("/api/sites", json={"name": "Annexe"}).status_code == 201
        second = one.add_staff("jo", Role.ANIMATOR)
        with one.client(second) as http:
            assert http.get("/api/kiosks").json() == []


# -- a site's own settings over the network's policy ----------------------------------------


def _own_rule(text: str) -> dict[str, Any]:
    """A house rule of the site's own, in every language the policy offers."""
    policy = default_policy()
    texts = {lang.value: {"short": text, "long": f"{text}."} for lang in policy.languages}
    return {"id": "cafe", "pictogram": "respect", "texts": texts}


def _two_sites(server: ConsoleServer) -> tuple[dict[str, StaffLogin], list[tuple[int, str]], int]:
    admin = server.add_staff("ada", Role.ADMIN)
    with server.client(admin) as http:
        site_b = http.post("/api/sites", json={"name": "Bibliothèque"}).json()["id"]
        pc_a = server.enroll(admin, "PC-A")
        code = http.post("/api/pairing-codes", json={"site_id": site_b}).json()["code"]
        done = http.post("/api/enroll", json={"code": code, "name": "PC-B"}).json()
    staff = {"admin": admin}
    for name, role, sites in (
        ("manager_a", Role.MANAGER, [1]),
        ("animator_a", Role.ANIMATOR, [1]),
        ("animator_b", Role.ANIMATOR, [site_b]),
    ):
        staff[name] = server.add_staff(name, role)
        staff_id = server.console.repos.staff.credentials(name).record.id  # type: ignore[union-attr]
        with server.client(admin) as http:
            http.put(f"/api/staff/{staff_id}/sites", json={"site_ids": sites}).raise_for_status()
    return staff, [pc_a, (int(done["kiosk_id"]), str(done["token"]))], site_b


def _policy_update(socket: KioskSocket, timeout: float = 5.0) -> Command:
    while True:
        frame = socket.recv(timeout)
        if isinstance(frame, Command) and frame.action is CommandAction.POLICY_UPDATE:
            return frame


def test_a_sites_own_printing_and_rules_reach_its_pcs_only(server: ConsoleServer) -> None:
    staff, ((_, token_a), (_, token_b)), _site_b = _two_sites(server)
    default = default_policy().version
    own = {
        "printing": {"price_per_page_cents": 20},
        "extra_house_rules": [_own_rule("Pas de café")],
    }
    with (
        KioskSocket(server, token_a, policy_version=default) as pc_a,
        KioskSocket(server, token_b, policy_version=default) as pc_b,
    ):
        with server.client(staff["manager_a"]) as http:
            changed = http.put("/api/sites/1/rules", json={"rules": own})
        assert changed.status_code == 200, changed.text
        update = _policy_update(pc_a)
        pushed = policy_from_data(update.policy or {})
        assert pushed.printing.price_per_page_cents == 20
        assert pushed.house_rules.rules[-1].id == "cafe"
        # The network's rules all come first, unchanged.
        assert pushed.house_rules.rules[:-1] == default_policy().house_rules.rules
        assert pushed.version == changed.json()["policy_version"]
        # PC-B's site follows the network: nothing is sent there.
        pc_b.send(Event(id="help-b-0000001", at=server.clock.now(), body=HelpRequestedBody()))
        assert isinstance(pc_b.recv(), Ack)
    # A PC of site 1 that was offline gets the site's policy right after its welcome.
    with KioskSocket(server, token_a, policy_version=default) as late:
        assert policy_from_data(_policy_update(late).policy or {}).version == pushed.version
    with server.client(staff["admin"]) as http:
        audit = http.get("/api/audit?action=site_rules_changed").json()["items"]
    assert audit[0]["who"] == "manager_a"
    assert "extra_house_rules, printing" in audit[0]["detail"]


def test_a_bad_site_setting_is_named_and_the_sites_settings_stay(server: ConsoleServer) -> None:
    staff, _pcs, _site_b = _two_sites(server)
    good = {"printing": {"price_per_page_cents": 15}}
    with server.client(staff["manager_a"]) as http:
        assert http.put("/api/sites/1/rules", json={"rules": good}).status_code == 200
        bad_price = http.put(
            "/api/sites/1/rules", json={"rules": {"printing": {"price_per_page_cents": -1}}}
        )
        not_a_site_setting = http.put("/api/sites/1/rules", json={"rules": {"web": {}}})
        untranslated = {"fr": {"short": "Pas de café", "long": "Pas de café."}}
        one_language = http.put(
            "/api/sites/1/rules",
            json={
                "rules": {
                    "extra_house_rules": [
                        {"id": "cafe", "pictogram": "respect", "texts": untranslated}
                    ]
                }
            },
        )
        kept = http.get("/api/sites/1/rules").json()
    assert bad_price.status_code == 422
    assert "site.printing.price_per_page_cents" in bad_price.json()["detail"]
    assert not_a_site_setting.status_code == 422
    assert "site.web" in not_a_site_setting.json()["detail"]
    assert one_language.status_code == 422
    assert "site.extra_house_rules[0].texts" in one_language.json()["detail"]
    assert "nl" in one_language.json()["detail"]
    assert kept["rules"] == good
    assert kept["policy"]["printing"]["price_per_page_cents"] == 15


def test_a_network_policy_that_a_sites_settings_no_longer_fit_is_refused(
    server: ConsoleServer,
) -> None:
    staff, _pcs, _site_b = _two_sites(server)
    rules = {"extra_house_rules": [_own_rule("Pas de café")]}
    with server.client(staff["manager_a"]) as http:
        assert http.put("/api/sites/1/rules", json={"rules": rules}).status_code == 200
    # The network adds a rule with the id the site's own rule has.
    network_rules = default_policy().model_dump(mode="json")["house_rules"]["rules"]
    clash = {"house_rules": {"rules": [*network_rules, _own_rule("Pas de boissons")]}}
    with server.client(staff["admin"]) as http:
        refused = http.put("/api/policy", json={"policy": clash})
        version = http.get("/api/policy").json()["version"]
    assert refused.status_code == 422
    assert "site.extra_house_rules" in refused.json()["detail"]
    assert "in the settings of the site EPN" in refused.json()["detail"]
    assert version == 0


def test_staff_read_and_set_only_their_sites_settings(server: ConsoleServer) -> None:
    staff, _pcs, site_b = _two_sites(server)
    with server.client(staff["animator_b"]) as http:
        other = http.get("/api/sites/1/rules")
        own = http.get(f"/api/sites/{site_b}/rules")
    with server.client(staff["animator_a"]) as http:
        animator_sets = http.put("/api/sites/1/rules", json={"rules": {}})
    with server.client(staff["manager_a"]) as http:
        elsewhere = http.put(f"/api/sites/{site_b}/rules", json={"rules": {}})
    assert other.status_code == 404
    assert own.status_code == 200
    assert animator_sets.status_code == 403
    assert elsewhere.status_code == 404
    assert elsewhere.json()["detail"] == f"no site with id {site_b}"


# -- the team and the staff key, site by site -------------------------------------------


def _staff_id(server: ConsoleServer, username: str) -> int:
    found = server.console.repos.staff.credentials(username)
    assert found is not None
    return found.record.id


def test_a_manager_sees_and_changes_only_colleagues_of_their_sites(server: ConsoleServer) -> None:
    staff, _pcs, site_b = _two_sites(server)
    b_id = _staff_id(server, "animator_b")
    with server.client(staff["manager_a"]) as http:
        team = [s["username"] for s in http.get("/api/staff").json()["staff"]]
        elsewhere = http.patch(f"/api/staff/{b_id}", json={"disabled": True})
        nowhere = http.patch(f"/api/staff/{MISSING}", json={"disabled": True})
        reset = http.post(f"/api/staff/{b_id}/password", json={"password": "un-nouveau-mot"})
        made = http.post(
            "/api/staff",
            json={"username": "nadia", "password": "bienvenue-2026", "role": "animator"},
        )
    assert sorted(team) == ["ada", "animator_a", "manager_a"]
    assert elsewhere.status_code == nowhere.status_code == 404
    assert elsewhere.json()["detail"].replace(str(b_id), "N") == nowhere.json()["detail"].replace(
        str(MISSING), "N"
    )
    assert reset.status_code == 404
    assert made.status_code == 201, made.text
    assert made.json()["site_ids"] == [1]  # the manager's site
    with server.client(staff["admin"]) as http:
        everyone = {s["username"]: s["site_ids"] for s in http.get("/api/staff").json()["staff"]}
    assert everyone["animator_b"] == [site_b]
    assert everyone["nadia"] == [1]
    assert server.console.repos.staff.get(b_id).disabled is False  # type: ignore[union-attr]


def _roster(socket: KioskSocket, timeout: float = 5.0) -> StaffRoster:
    while True:
        frame = socket.recv(timeout)
        if isinstance(frame, StaffRoster):
            return frame


def _set_pin(server: ConsoleServer, login: StaffLogin, pin: str) -> None:
    with server.client(login) as http:
        done = http.put("/api/me/pin", json={"pin": pin, "current_password": TEST_PASSWORD})
        assert done.status_code == 204, done.text


def test_each_pc_gets_the_staff_key_of_its_own_sites_staff_only(server: ConsoleServer) -> None:
    staff, ((pc_a, token_a), (_, token_b)), site_b = _two_sites(server)
    for who, pin in (("admin", "4821"), ("animator_a", "5930"), ("animator_b", "7391")):
        _set_pin(server, staff[who], pin)
    with KioskSocket(server, token_a, staff_revision=0) as first:
        names_a = {e.name for e in _roster(first).staff}
    with KioskSocket(server, token_b, staff_revision=0) as second:
        names_b = {e.name for e in _roster(second).staff}
    assert names_a == {"ada", "animator_a"}
    assert names_b == {"ada", "animator_b"}
    # PC-A moves to site 2: it is sent site 2's roster at once.
    with KioskSocket(server, token_a, staff_revision=0) as moving:
        _roster(moving)
        with server.client(staff["admin"]) as http:
            moved = http.put(f"/api/kiosks/{pc_a}/site", json={"site_id": site_b})
            assert moved.status_code == 200, moved.text
        assert {e.name for e in _roster(moving).staff} == {"ada", "animator_b"}
        # animator_b no longer works at site 2: their PIN leaves its PCs at once.
        with server.client(staff["admin"]) as http:
            b_id = _staff_id(server, "animator_b")
            http.put(f"/api/staff/{b_id}/sites", json={"site_ids": [1]}).raise_for_status()
        assert {e.name for e in _roster(moving).staff} == {"ada"}


def test_the_usage_review_has_a_row_per_site_with_its_own_opening_hours(
    server: ConsoleServer,
) -> None:
    staff, ((_, token_a), (_, token_b)), site_b = _two_sites(server)
    now = server.clock.now()
    for n, token in enumerate((token_a, token_b)):
        with KioskSocket(server, token) as pc:
            pc.send(Event(id=f"help-call-{n:04d}", at=now, body=HelpRequestedBody()))
            assert isinstance(pc.recv(), Ack)
    closed = {day: [] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    closed |= {"saturday": [], "sunday": []}
    with server.client(staff["admin"]) as http:
        assert (
            http.put(
                f"/api/sites/{site_b}/rules", json={"rules": {"opening_hours": closed}}
            ).status_code
            == 200
        )
        day = now.date().isoformat()
        review = http.get(f"/api/usage?start={day}&end={day}").json()
        table = http.get(f"/api/usage.csv?start={day}&end={day}&table=site").text
    rows = {r["site_name"]: r for r in review["per_site"]}
    assert set(rows) == {"EPN", "Bibliothèque"}
    assert (rows["EPN"]["pcs"], rows["EPN"]["help_calls"]) == (1, 1)
    assert (rows["Bibliothèque"]["pcs"], rows["Bibliothèque"]["help_calls"]) == (1, 1)
    assert rows["Bibliothèque"]["occupancy"] is None  # closed all day by its own hours
    assert table.splitlines()[0].startswith("site,pcs,sessions")
    assert len(table.splitlines()) == 3
    with server.client(staff["manager_a"]) as http:
        mine = http.get(f"/api/usage?start={day}&end={day}").json()["per_site"]
    assert [r["site_name"] for r in mine] == ["EPN"]
