"""Sites in the real window on a real console: a manager of two sites switches the room
between them and sees each site's PCs (and only those are selected or switched off
together); a manager of one site sees no chooser at all; an admin makes a site and a
pairing code that enrolls a PC into it; a manager sets a site's own print price (the
console's site rules then hold it) and goes back to the network's; a manager ticks a
colleague for a site; a PC is moved to another site after a question; a manager gives one
room a house rule of its own and its name on the PCs, and that room's PC runs them.

The network: site 1 "Maison de quartier" with PC-A, site 2 "Bibliothèque" with PC-B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from console_support import WAIT_MS, Console, console, log_in
from helpers.answer_proxy import Tamper, proxy
from helpers.console_server import ConsoleServer
from helpers.room_link import LinkedRoom
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSpinBox

from admin_console.api.staff import Role
from admin_console.gui import i18n
from admin_console.gui.client import Endpoint
from admin_console.gui.controller import ConsoleController
from admin_console.gui.sites_view import SettingsPage
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


FOOD = {
    "fr": ("Pas de nourriture près des PC", "Les miettes et les boissons abîment les claviers."),
    "nl": ("Geen eten bij de pc's", "Kruimels en drankjes beschadigen de toetsenborden."),
    "en": ("No food near the PCs", "Crumbs and drinks damage the keyboards."),
}
"""A house rule of the Anderlecht room only, in the three languages its network offers."""


def _anderlecht(c: Console) -> int:
    """Site 1 "Anderlecht" and site 2 "Molenbeek", both marie's; the network's PCs offer
    French, Dutch and English; Anderlecht already prints at 0,20 €. Molenbeek's id."""
    with _admin_http(c) as http:
        http.patch("/api/sites/1", json={"name": "Anderlecht"}).raise_for_status()
        molenbeek = int(http.post("/api/sites", json={"name": "Molenbeek"}).json()["id"])
        answer = http.put(f"/api/staff/{_staff_id(c, 'marie')}/sites", json={"site_ids": [1, 2]})
        assert answer.status_code == 200, answer.text
        languages = {"policy": {"languages": ["fr", "nl", "en"]}}
        http.put("/api/policy", json=languages).raise_for_status()
        printing = {"rules": {"printing": {"price_per_page_cents": 20}}}
        http.put("/api/sites/1/rules", json=printing).raise_for_status()
    return molenbeek


def _type_rule(page: Any, index: int, language: str) -> None:
    """Show ``language`` and type the food rule's texts there."""
    rules = page.house_rules
    rules.language.setCurrentIndex(rules.language.findData(language))
    editor = rules.editors[index]
    short, long = FOOD[language]
    editor.short.setText(short)  # not key clicks: QTest types no accented letter
    editor.long.setPlainText(long)


def test_a_manager_adds_a_house_rule_and_a_name_to_one_room_and_its_pc_gets_them(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        molenbeek = _anderlecht(c)
        room = LinkedRoom(c.server, c.admin)
        try:
            pc = room.pc("PC-A")  # at Anderlecht
            network_rules = [rule.id for rule in pc.call(lambda: pc.agent.policy).house_rules.rules]
            log_in(qtbot, c.window, "marie")
            _open_sites(qtbot, c.window)
            c.window.sites.choose(1)
            page = c.window.sites.settings
            c.window.sites.pages.setCurrentWidget(page)
            qtbot.waitUntil(lambda: 1 in c.controller.sites.rules, timeout=WAIT_MS)
            rules = page.house_rules
            assert rules.none.isVisible() and not rules.editors
            offered = [rules.language.itemText(i) for i in range(rules.language.count())]
            assert offered == ["Français", "Nederlands", "English"]
            assert page.network["name"].text() == "réseau\u00a0: EPN"

            page.own["name"].setChecked(True)
            page.fields["name"].input.clear()
            QTest.keyClicks(page.fields["name"].input, "EPN Anderlecht")
            qtbot.mouseClick(rules.add, Qt.MouseButton.LeftButton)
            assert len(rules.editors) == 1 and not rules.none.isVisible()
            rules.pictures[0].setCurrentIndex(rules.pictures[0].findData("equipment"))
            _type_rule(page, 0, "fr")
            _type_rule(page, 0, "nl")
            # English left empty: the console says so, under the rule, in staff's words.
            rules.language.setCurrentIndex(rules.language.findData("en"))
            assert rules.editors[0].short.text() == ""
            assert rules.editors[0].short.placeholderText() == FOOD["fr"][0]  # to translate
            qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
            error = rules.editors[0].error
            qtbot.waitUntil(lambda: not error.isHidden(), timeout=WAIT_MS)
            assert error.text() == (
                "Pas encore écrite en English\u00a0: les PC proposent aussi ces langues. "
                "Choisissez-les une à une ci-dessus et tapez la règle."
            )
            assert page.notice.text() == "Pas enregistré\u00a0: corrigez ce qui est dit en rouge."
            with _admin_http(c) as http:
                kept = http.get("/api/sites/1/rules").json()
            assert kept["rules"] == {"printing": {"price_per_page_cents": 20}}
            # Nothing typed is lost: the name, and the rule in French and Dutch.
            assert page.fields["name"].value() == "EPN Anderlecht"
            rules.language.setCurrentIndex(rules.language.findData("nl"))
            assert rules.editors[0].texts() == FOOD["nl"]

            _type_rule(page, 0, "en")
            qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: page.notice.text().startswith("Enregistré"), timeout=WAIT_MS)
            assert rules.editors[0].error.isHidden()  # the page drawn again, as saved
            with _admin_http(c) as http:
                state = http.get("/api/sites/1/rules").json()
                other = http.get(f"/api/sites/{molenbeek}/rules").json()
            food = {
                "id": "site-1",
                "pictogram": "equipment",
                "texts": {k: {"short": s, "long": lg} for k, (s, lg) in FOOD.items()},
            }
            # The print price set before is still the site's: only the rule and name came.
            assert state["rules"] == {
                "printing": {"price_per_page_cents": 20},
                "name": "EPN Anderlecht",
                "extra_house_rules": [food],
            }
            policy = state["policy"]
            assert [r["id"] for r in policy["house_rules"]["rules"]] == [*network_rules, "site-1"]
            assert policy["house_rules"]["rules"][-1] == food
            assert policy["name"] == "EPN Anderlecht"
            assert policy["printing"]["price_per_page_cents"] == 20
            assert [r["id"] for r in other["policy"]["house_rules"]["rules"]] == network_rules
            # The page shows what the console now holds.
            assert len(rules.editors) == 1
            assert rules.editors[0].texts() == FOOD[str(rules.language.currentData())]

            # Anderlecht's PC runs it: the network's rules, then the room's own.
            def pc_rules() -> list[str]:
                return [r.id for r in pc.call(lambda: pc.agent.policy).house_rules.rules]

            qtbot.waitUntil(lambda: pc_rules() == [*network_rules, "site-1"], timeout=WAIT_MS)
            running = pc.call(lambda: pc.agent.policy)
            assert running.name == "EPN Anderlecht"
            assert running.printing.price_per_page_cents == 20
            assert running.house_rules.rules[-1].texts[Language.NL].short == FOOD["nl"][0]
        finally:
            room.close()


def test_an_answer_the_window_cannot_read_loses_nothing_typed_on_the_sites_settings(
    qtbot: Any, tmp_path: Path
) -> None:
    with ConsoleServer(tmp_path) as server:
        admin = server.add_staff("admin", Role.ADMIN)
        marie = server.add_staff("marie", Role.MANAGER)
        with server.client(admin) as http:
            languages = {"policy": {"languages": list(FOOD)}}
            http.put("/api/policy", json=languages).raise_for_status()
        tamper: list[Tamper] = []
        with proxy(server.url, tamper) as url:
            endpoint = Endpoint.parse(url, None, insecure_http=True)
            controller = ConsoleController(endpoint, Language.FR)
            controller.client.token = marie.token
            page = SettingsPage(controller.sites, controller.printers, lambda: "EPN")
            qtbot.addWidget(page)
            page.show()
            page.show_site(1)
            qtbot.waitUntil(lambda: 1 in controller.sites.rules, timeout=WAIT_MS)
            qtbot.mouseClick(page.house_rules.add, Qt.MouseButton.LeftButton)
            for language in FOOD:
                _type_rule(page, 0, language)
            # A console whose answer lacks the policy the window reads.
            tamper.append(
                lambda path, data: (
                    {k: v for k, v in data.items() if k != "policy"}
                    if path == "/api/sites/1/rules"
                    else data
                )
            )
            with qtbot.waitSignal(controller.sites.failed, timeout=WAIT_MS) as failed:
                qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
            assert failed.args == [i18n.text("net.bad_reply", Language.FR)]
            assert [rule["texts"] for rule in page.house_rules.value()] == [
                {k: {"short": s, "long": lg} for k, (s, lg) in FOOD.items()}
            ]
            assert page.house_rules.editors[0].texts() == FOOD["en"]


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
