"""Sites in the real window on a real console: a manager of two sites switches the room
between them and sees each site's PCs (and only those are selected or switched off
together); a manager of one site sees no chooser at all; an admin makes a site and a
pairing code that enrolls a PC into it; a manager sets a site's own print price (the
console's site rules then hold it) and goes back to the network's; a manager ticks a
colleague for a site; a PC is moved to another site after a question.

The network: site 1 "Maison de quartier" with PC-A, site 2 "Bibliothèque" with PC-B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from console_support import WAIT_MS, Console, console, log_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from admin_console.gui.window import ConsoleWindow
from policies import Language


def _staff_id(c: Console, username: str) -> int:
    found = c.server.console.repos.staff.credentials(username)
    assert found is not None
    return int(found.record.id)


def _network(c: Console, marie_sites: list[int] | None = None) -> int:
    """Two sites with a PC each; marie works at ``marie_sites`` (default: both), nadia at
    site 1. The second site's id."""
    with c.server.client(c.admin) as http:
        http.patch("/api/sites/1", json={"name": "Maison de quartier"}).raise_for_status()
        site_b = int(http.post("/api/sites", json={"name": "Bibliothèque"}).json()["id"])
        c.server.enroll(c.admin, "PC-A", "Salle 1")
        code = http.post("/api/pairing-codes", json={"site_id": site_b}).json()["code"]
        http.post("/api/enroll", json={"code": code, "name": "PC-B"}).raise_for_status()
        for name, sites in (("marie", marie_sites or [1, site_b]), ("nadia", [1])):
            answer = http.put(f"/api/staff/{_staff_id(c, name)}/sites", json={"site_ids": sites})
            assert answer.status_code == 200, answer.text
    return site_b


def _admin_http(c: Console) -> httpx.Client:
    client: httpx.Client = c.server.client(c.admin)
    return client


def _tile_names(window: ConsoleWindow) -> set[str]:
    return {tile.view.name for tile in window.room.tiles.values()}


def _open_sites(qtbot: Any, window: ConsoleWindow) -> None:
    window.tabs.setCurrentIndex(window.tab_index["sites"])
    qtbot.waitUntil(lambda: window.sites.list.count() > 0, timeout=WAIT_MS)


def test_a_manager_of_two_sites_switches_the_room_between_them(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        site_b = _network(c)
        log_in(qtbot, c.window, "marie")
        room = c.window.room
        qtbot.waitUntil(lambda: _tile_names(c.window) == {"PC-A", "PC-B"}, timeout=WAIT_MS)
        qtbot.waitUntil(room.site.isVisible, timeout=WAIT_MS)
        assert room.site.box.currentText() == "Tous mes sites"
        # Both sites at once: site by site, each under its name (by name: B before M).
        titles = {site: label.text() for site, label in room.titles.items()}
        assert titles == {1: "Maison de quartier", site_b: "Bibliothèque"}
        rows = {
            t.view.name: room.grid.getItemPosition(room.grid.indexOf(t))[0]
            for t in room.tiles.values()
        }
        title_rows = {
            s: room.grid.getItemPosition(room.grid.indexOf(t))[0] for s, t in room.titles.items()
        }
        assert title_rows[site_b] < rows["PC-B"] < title_rows[1] < rows["PC-A"]

        room.site.choose(site_b)
        qtbot.waitUntil(lambda: _tile_names(c.window) == {"PC-B"}, timeout=WAIT_MS)
        assert not room.titles  # one site shown: no title over its tiles
        qtbot.mouseClick(room.select_all, Qt.MouseButton.LeftButton)
        assert {c.controller.pcs[i].name for i in c.controller.selected} == {"PC-B"}

        room.site.choose(1)
        qtbot.waitUntil(lambda: _tile_names(c.window) == {"PC-A"}, timeout=WAIT_MS)
        assert not c.controller.selected  # PC-B, chosen on the other site, is not acted on
        # The usage review offers the same choice, and asks for that site alone.
        assert c.window.usage.site.box.count() == 3
        c.window.usage.site.choose(site_b)
        assert c.controller.usage.site_id == site_b


def test_a_manager_of_one_site_sees_no_chooser_and_only_their_pcs(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path, Language.NL) as c:
        _network(c, marie_sites=[1])
        log_in(qtbot, c.window, "marie")
        room = c.window.room
        qtbot.waitUntil(lambda: _tile_names(c.window) == {"PC-A"}, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(c.controller.sites.sites) == 1, timeout=WAIT_MS)
        assert not room.site.isVisible()
        assert not c.window.usage.site.isVisible()
        assert room.tiles[next(iter(room.tiles))].location.text() == "Salle 1"


def test_an_admin_makes_a_site_and_a_code_that_enrolls_a_pc_into_it(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        with _admin_http(c) as http:  # set up already: no first-run assistant
            body = {"epn_name": "EPN Bruxelles", "finished": True}
            http.put("/api/setup", json=body).raise_for_status()
        log_in(qtbot, c.window, "admin")
        qtbot.waitUntil(lambda: c.controller.setup.state is not None, timeout=WAIT_MS)
        _open_sites(qtbot, c.window)
        sites = c.window.sites
        assert sites.new_site.isVisible()
        qtbot.mouseClick(sites.new_site, Qt.MouseButton.LeftButton)
        dialog = sites.dialog
        assert dialog.isVisible()
        # A name already taken is said in words, and the dialog stays.
        with _admin_http(c) as http:
            http.patch("/api/sites/1", json={"name": "Maison de quartier"}).raise_for_status()
        dialog.name.setText("Maison de quartier")
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
        assert dialog.error.text() == (
            "Un autre site porte déjà ce nom\u00a0: choisissez-en un autre."
        )
        dialog.name.setText("Espace Nord")
        dialog.address.setText("Rue du Nord 12, 1000 Bruxelles")
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: sites.name.text() == "Espace Nord", timeout=WAIT_MS)
        new_site = sites.site()
        assert new_site is not None
        assert sites.list.currentItem().text() == "Espace Nord\n0 PC"

        c.window.tabs.setCurrentIndex(c.window.tab_index["room"])
        pairing = c.window.room.pairing
        qtbot.mouseClick(c.window.room.pair_pc, Qt.MouseButton.LeftButton)
        assert pairing.site.isVisible()  # two sites: which one the PC goes into
        pairing.site.choose(1)
        qtbot.waitUntil(lambda: "-" in pairing.code.text(), timeout=WAIT_MS)
        first = pairing.code.text()
        pairing.site.choose(new_site.id)  # another site: another code
        qtbot.waitUntil(lambda: pairing.code.text() not in (first, "…"), timeout=WAIT_MS)
        with _admin_http(c) as http:
            done = http.post("/api/enroll", json={"code": pairing.code.text(), "name": "PC-N"})
            assert done.status_code == 201, done.text
            pcs = {pc["name"]: pc["site_id"] for pc in http.get("/api/kiosks").json()}
        assert pcs == {"PC-N": new_site.id}


def test_a_manager_sets_a_sites_own_print_price_and_goes_back_to_the_networks(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        site_b = _network(c)
        log_in(qtbot, c.window, "marie")
        _open_sites(qtbot, c.window)
        c.window.sites.choose(site_b)
        page = c.window.sites.settings
        c.window.sites.pages.setCurrentWidget(page)
        price = "printing.price_per_page_cents"
        qtbot.waitUntil(lambda: site_b in c.controller.sites.rules, timeout=WAIT_MS)
        assert page.network[price].text() == "réseau\u00a0: 10 (0,10\u00a0€)"
        assert not page.own[price].isChecked()
        assert not page.fields[price].input.isEnabled()

        page.own[price].setChecked(True)
        box = page.fields[price].input
        assert isinstance(box, QSpinBox)
        box.setValue(25)
        qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(page.notice.isVisible, timeout=WAIT_MS)
        assert page.notice.text().startswith("Enregistré")
        with _admin_http(c) as http:
            state = http.get(f"/api/sites/{site_b}/rules").json()
            network = http.get("/api/policy").json()
        assert state["rules"] == {"printing": {"price_per_page_cents": 25}}
        assert state["policy"]["printing"]["price_per_page_cents"] == 25
        assert network["policy"]["printing"]["price_per_page_cents"] == 10  # the others' stays

        # A value the console refuses is said under its field, in words.
        c.controller.sites.save_rules(site_b, {"printing.pages_per_day": -1})
        day = page.fields["printing.pages_per_day"]
        qtbot.waitUntil(lambda: not day.error.isHidden(), timeout=WAIT_MS)
        assert day.error.text() == "au moins 0"
        assert page.notice.text() == "Pas enregistré : corrigez ce qui est dit en rouge."

        # Unticked: the network's value again, and the site holds nothing of its own.
        page.own[price].setChecked(False)
        assert page.fields[price].value() == 10
        qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not c.controller.sites.rules[site_b].rules, timeout=WAIT_MS)
        with _admin_http(c) as http:
            state = http.get(f"/api/sites/{site_b}/rules").json()
        assert state["policy"]["printing"]["price_per_page_cents"] == 10


def test_a_manager_ticks_a_colleague_for_a_site_and_moves_a_pc_there(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        site_b = _network(c)
        nadia, marie = _staff_id(c, "nadia"), _staff_id(c, "marie")
        log_in(qtbot, c.window, "marie")
        _open_sites(qtbot, c.window)
        sites = c.window.sites
        sites.choose(site_b)
        team = sites.team
        qtbot.waitUntil(lambda: nadia in team.boxes, timeout=WAIT_MS)
        assert not team.boxes[nadia].isChecked()
        assert not team.boxes[marie].isEnabled()  # one's own sites: an admin changes them
        admin = _staff_id(c, "admin")
        assert team.boxes[admin].isChecked() and not team.boxes[admin].isEnabled()
        assert not sites.new_site.isVisible()  # a manager makes no site

        team.boxes[nadia].setChecked(True)
        qtbot.waitUntil(team.notice.isVisible, timeout=WAIT_MS)
        assert team.notice.text() == "Enregistré\u00a0: les sites de nadia."
        with _admin_http(c) as http:
            assert http.get(f"/api/staff/{nadia}/sites").json()["site_ids"] == [1, site_b]

        # PC-A moves from the Maison de quartier to the Bibliothèque, after a question.
        sites.choose(1)
        pcs = sites.pcs
        sites.pages.setCurrentWidget(pcs)
        qtbot.waitUntil(lambda: pcs.list.count() == 1, timeout=WAIT_MS)
        pcs.list.setCurrentRow(0)
        assert pcs.target.currentText() == "Bibliothèque"
        c.dialogs.confirm_answer = True
        qtbot.mouseClick(pcs.move_button, Qt.MouseButton.LeftButton)
        assert c.dialogs.questions[-1].startswith("Déplacer PC-A vers Bibliothèque\u00a0?")
        qtbot.waitUntil(pcs.notice.isVisible, timeout=WAIT_MS)
        assert pcs.notice.text() == "PC-A est maintenant sur le site Bibliothèque."
        with _admin_http(c) as http:
            moved = {pc["name"]: pc["site_id"] for pc in http.get("/api/kiosks").json()}
        assert moved["PC-A"] == site_b
        qtbot.waitUntil(lambda: pcs.list.count() == 0, timeout=WAIT_MS)
        assert pcs.none.isVisible()

        # A site that is not one of hers (another manager's, or removed): said in words.
        c.controller.sites.move_pc(c.controller.pcs[next(iter(c.controller.pcs))].id, 999)
        qtbot.waitUntil(sites.notice.isVisible, timeout=WAIT_MS)
        assert sites.notice.text() == (
            "La console a répondu par une erreur\u00a0: introuvable (supprimé entre-temps\u00a0?)"
        )


def test_a_pc_moved_to_another_site_leaves_the_room_of_staff_of_the_first_at_once(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        site_b = _network(c)
        with _admin_http(c) as http:
            code = http.post("/api/pairing-codes", json={"site_id": 1}).json()["code"]
            http.post("/api/enroll", json={"code": code, "name": "PC-C"}).raise_for_status()
        log_in(qtbot, c.window, "nadia")  # site 1 only
        qtbot.waitUntil(lambda: _tile_names(c.window) == {"PC-A", "PC-C"}, timeout=WAIT_MS)
        pc_a = next(i for i, pc in c.controller.pcs.items() if pc.name == "PC-A")
        c.controller.select([pc_a])
        assert c.controller.selected == {pc_a}

        with _admin_http(c) as http:
            moved = http.put(f"/api/kiosks/{pc_a}/site", json={"site_id": site_b})
        assert moved.status_code == 200, moved.text
        # Her window, open all along, drops the tile: no action can reach that PC now.
        qtbot.waitUntil(lambda: _tile_names(c.window) == {"PC-C"}, timeout=WAIT_MS)
        assert pc_a not in c.controller.pcs
        assert not c.controller.selected
