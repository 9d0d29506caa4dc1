"""The console's setup on SQLite and PostgreSQL: never set up until an admin finishes the
first run, any staff reads the EPN's name (the window's title), only an admin changes it,
a bad name is named with nothing changed, and the first finish is kept."""

from __future__ import annotations

from conftest_pg import data_dir, database_url, postgres, server
from helpers.console_server import ConsoleServer

from admin_console.api.staff import Role
from admin_console.server.clock import FakeClock

__all__ = ["data_dir", "database_url", "postgres", "server"]

NAMED = {"epn_name": "EPN Maelbeek", "address": "Rue de la Loi 1, 1040 Etterbeek"}


def test_a_new_console_is_not_set_up_until_an_admin_finishes_its_first_run(
    server: ConsoleServer,
) -> None:
    admin = server.add_staff("ada", Role.ADMIN)
    manager = server.add_staff("mia", Role.MANAGER)
    animator = server.add_staff("ana", Role.ANIMATOR)
    with server.client(animator) as http:
        assert http.get("/api/setup").json() == {
            "epn_name": "",
            "address": "",
            "finished_at": None,
            "finished_by": None,
        }
    with server.client(manager) as http:
        refused = http.put("/api/setup", json={**NAMED, "finished": True})
    assert refused.status_code == 403
    with server.client(admin) as http:
        bad = http.put("/api/setup", json={"epn_name": "  ", "finished": True})
        assert bad.status_code == 422
        assert http.get("/api/setup").json()["finished_at"] is None
        # Named without finishing: the assistant still comes back.
        named = http.put("/api/setup", json={**NAMED, "epn_name": "  EPN Maelbeek "}).json()
        assert named["epn_name"] == "EPN Maelbeek" and named["finished_at"] is None
        done = http.put("/api/setup", json={**NAMED, "finished": True}).json()
    assert done["finished_by"] == "ada" and done["finished_at"] is not None
    clock = server.clock
    assert isinstance(clock, FakeClock)
    clock.advance(minutes=30)
    other = server.add_staff("bob", Role.ADMIN)
    with server.client(other) as http:
        renamed = http.put("/api/setup", json={"epn_name": "EPN Flagey", "finished": True}).json()
    # A later change keeps who finished the first run, and when.
    assert renamed["epn_name"] == "EPN Flagey" and renamed["address"] == ""
    assert (renamed["finished_by"], renamed["finished_at"]) == ("ada", done["finished_at"])
    with server.client(animator) as http:
        assert http.get("/api/setup").json()["epn_name"] == "EPN Flagey"
    with server.client(manager) as http:
        audit = http.get("/api/audit", params={"action": "setup_changed"}).json()
    assert [(line["who"], line["detail"]) for line in audit["items"]] == [
        ("bob", "finished"),
        ("ada", "finished"),
        ("ada", ""),
    ]
