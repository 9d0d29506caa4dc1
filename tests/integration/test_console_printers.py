"""The room's printer, chosen at the console, against a private cupsd: the console's queue
and the printers CUPS finds are listed by readable names, a test page reaches the printer
as a one-page PDF in staff's language, the choice goes into the policy, a CUPS that does
not answer is said so with nothing lost, and only managers and admins may do any of it.

The private cupsd and its "network" are :mod:`helpers.room_printers`.
"""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.room_printers import FOUND_URI, ROOM_URI, RoomCups, pdf_pages_and_text, room_cups

from admin_console.api.printers import NetworkSearch
from admin_console.api.staff import Role
from admin_console.gui.printer_page import printed_test_page
from admin_console.server.printers import CupsTools
from policies import Language


@pytest.fixture
def room() -> Iterator[RoomCups]:
    """The room's private cupsd."""
    with room_cups() as cups:
        yield cups


@pytest.fixture
def console(tmp_path: Path, room: RoomCups) -> Iterator[ConsoleServer]:
    """A console whose CUPS is the private one."""
    with ConsoleServer(tmp_path / "console", cups_server=room.socket) as server:
        yield server


def _page(epn: str = "EPN Maelbeek") -> str:
    when = dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC)
    pdf = printed_test_page(epn, "Imprimante de la salle", when, Language.FR)
    return base64.b64encode(pdf).decode("ascii")


def test_a_manager_sees_the_consoles_queue_and_the_printers_cups_finds_by_name(
    console: ConsoleServer,
) -> None:
    manager = console.add_staff("mia", Role.MANAGER)
    with console.client(manager) as http:
        listed = http.get("/api/printers")
    assert listed.status_code == 200, listed.text
    found = listed.json()
    assert found["network_search"] == "done"
    by_uri = {p["uri"]: p for p in found["printers"]}
    # The queue by its description; the printer found behind it is not listed twice.
    assert by_uri[ROOM_URI] == {
        "uri": ROOM_URI,
        "name": "Imprimante de la salle",
        "detail": "",
        "queue": "salle",
        "kind": "queue",
        "local": False,
    }
    assert by_uri[FOUND_URI] == {
        "uri": FOUND_URI,
        "name": "HP LaserJet Pro M404dn (accueil)",
        "detail": "HP LaserJet Pro M404dn",
        "queue": None,
        "kind": "network",
        "local": False,
    }
    # The private cupsd's own capture: queue is on the console machine only: the PCs
    # cannot print to it, and the list says so.
    captured = [p for p in found["printers"] if p["uri"].startswith("capture:")]
    assert captured and all(p["local"] for p in captured)
    kinds = [p["kind"] for p in found["printers"]]
    assert kinds == sorted(kinds, key=lambda k: k != "queue")  # queues first
    assert [p["uri"] for p in found["printers"]].count(ROOM_URI) == 1


def test_a_test_page_reaches_the_printer_as_one_page_and_the_choice_is_kept(
    qapp: object, console: ConsoleServer, room: RoomCups
) -> None:
    admin = console.add_staff("ada", Role.ADMIN)
    with console.client(admin) as http:
        sent = http.post("/api/printers/test-page", json={"uri": ROOM_URI, "pdf": _page()})
        assert sent.status_code == 201, sent.text
        assert sent.json()["queue"] == "salle" and sent.json()["job_id"] >= 1
        pages = room.printed()
        assert len(pages) == 1
        count, words = pdf_pages_and_text(pages[0])
        assert count == 1
        assert "Page de test — EPN Kiosk" in words and "EPN Maelbeek" in words
        # The choice goes into the policy (pushed to the PCs like any change).
        policy = http.get("/api/policy").json()["policy"]
        assert policy["printing"]["printer_uri"] is None
        policy["printing"]["printer_uri"] = ROOM_URI
        assert http.put("/api/policy", json={"policy": policy}).status_code == 200
        assert http.get("/api/policy").json()["policy"]["printing"]["printer_uri"] == ROOM_URI
    with console.client(admin) as http:
        audit = http.get("/api/audit", params={"action": "test_page_printed"}).json()
    assert [line["detail"] for line in audit["items"]] == [f"salle-{sent.json()['job_id']}"]


def test_a_printer_without_a_queue_here_or_a_page_that_is_no_pdf_is_refused(
    console: ConsoleServer, room: RoomCups
) -> None:
    manager = console.add_staff("mia", Role.MANAGER)
    with console.client(manager) as http:
        no_queue = http.post("/api/printers/test-page", json={"uri": FOUND_URI, "pdf": _page()})
        not_pdf = http.post(
            "/api/printers/test-page",
            json={"uri": ROOM_URI, "pdf": base64.b64encode(b"hello printer").decode()},
        )
        not_b64 = http.post("/api/printers/test-page", json={"uri": ROOM_URI, "pdf": "%%%%%%%%"})
    assert no_queue.status_code == 409 and "no print queue" in no_queue.json()["detail"]
    assert (not_pdf.status_code, not_b64.status_code) == (422, 422)
    assert list(room.received.iterdir()) == []


def test_a_cups_that_does_not_answer_is_said_so(tmp_path: Path) -> None:
    gone = tmp_path / "no-cups.sock"
    with ConsoleServer(tmp_path / "console", cups_server=str(gone)) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        with server.client(admin) as http:
            listed = http.get("/api/printers")
            sent = http.post("/api/printers/test-page", json={"uri": ROOM_URI, "pdf": _page()})
            policy = http.get("/api/policy")
    assert listed.status_code == 502 and "CUPS" in listed.json()["detail"]
    assert sent.status_code == 502
    assert policy.status_code == 200  # the rest of the console carries on


def test_only_managers_and_admins_list_test_or_choose_printers(console: ConsoleServer) -> None:
    animator = console.add_staff("ana", Role.ANIMATOR)
    manager = console.add_staff("mia", Role.MANAGER)
    stranger = StaffLogin("nobody", Role.ANIMATOR, "")
    for who, expected in ((stranger, 401), (animator, 403), (manager, 200)):
        with console.client(who) as http:
            assert http.get("/api/printers").status_code == expected
            page = {"uri": "nowhere", "pdf": _page()} if expected != 200 else None
            if page is not None:
                assert http.post("/api/printers/test-page", json=page).status_code == expected
    with console.client(animator) as http:
        policy = http.get("/api/policy").json()["policy"]
        policy["printing"]["printer_uri"] = ROOM_URI
        assert http.put("/api/policy", json={"policy": policy}).status_code == 403


def test_a_slow_search_still_lists_what_cups_found_in_time(room: RoomCups) -> None:
    # A backend that never answers the search (a printer asleep on the network): lpinfo's
    # timeout ends the search, the queue and the printers found in time are listed.
    slow = room.cups.root / "bin/backend/snmp"
    slow.write_text("#!/bin/sh\n[ $# -eq 0 ] && sleep 8\nexit 1\n")
    slow.chmod(0o700)
    listed = CupsTools(room.socket, search_seconds=1).printers()
    assert {p.uri for p in listed.printers} >= {ROOM_URI, FOUND_URI}
    assert listed.network_search is NetworkSearch.DONE
    gone = subprocess.run(["pgrep", "-f", str(slow)], capture_output=True, check=False)
    assert gone.stdout == b""  # CUPS stopped the backend it gave up on
