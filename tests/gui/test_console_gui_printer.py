"""The room's printer in the real window, against a real console whose CUPS is a private
cupsd (:mod:`helpers.room_printers`): the assistant lists the printers by readable names
after "looking for printers…", a test page in French reaches the printer as one page with
the EPN's name, a printer with no queue here is said so, a typed address is checked, and
the choice goes into the policy, where the policy tab shows it and managers can change it;
animators only see it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_support import WAIT_MS, console, log_in
from helpers.console_server import TEST_PASSWORD
from helpers.room_printers import FOUND_URI, ROOM_URI, RoomCups, pdf_pages_and_text, room_cups
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from admin_console.gui import i18n
from admin_console.gui.first_run_view import STEPS
from admin_console.gui.printer_view import LINE_ROLE, URI_ROLE, PrinterPicker
from policies import Language

NBSP = "\u00a0"


@pytest.fixture
def room() -> Iterator[RoomCups]:
    """The room's private cupsd."""
    with room_cups() as cups:
        yield cups


def _row(picker: PrinterPicker, uri: str) -> int:
    return next(r for r in range(picker.list.count()) if picker.list.item(r).data(URI_ROLE) == uri)


def test_the_assistant_lists_tests_and_keeps_the_rooms_printer(
    qtbot: Any, tmp_path: Path, room: RoomCups
) -> None:
    with console(qtbot, tmp_path, cups_server=room.socket) as c:
        window = c.window
        window.login.username.setText("admin")
        window.login.password.setText(TEST_PASSWORD)
        qtbot.mouseClick(window.login.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=WAIT_MS)
        run = window.first_run
        run.name.setText("EPN Maelbeek")
        run.go(STEPS.index("printer"))
        picker = run.printer
        assert picker.state.text().startswith("Recherche des imprimantes")
        qtbot.waitUntil(lambda: picker.list.count() >= 2, timeout=WAIT_MS)
        room_line = picker.list.item(_row(picker, ROOM_URI)).data(LINE_ROLE)
        assert room_line == f"Imprimante de la salle\nfile d'attente «{NBSP}salle{NBSP}»"
        found_line = picker.list.item(_row(picker, FOUND_URI)).data(LINE_ROLE)
        assert found_line == (
            "HP LaserJet Pro M404dn (accueil)\nHP LaserJet Pro M404dn · trouvée sur le réseau"
        )
        assert picker.value() is None and not picker.test.isEnabled()

        # A found printer with no queue here: chosen, but its test page cannot leave.
        picker.list.setCurrentRow(_row(picker, FOUND_URI))
        qtbot.mouseClick(picker.test, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "pas de file d'attente" in picker.notice.text(), timeout=WAIT_MS)

        picker.list.setCurrentRow(_row(picker, ROOM_URI))
        assert picker.chosen.text() == f"Choisie{NBSP}: Imprimante de la salle"
        qtbot.mouseClick(picker.test, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "travail n°" in picker.notice.text(), timeout=WAIT_MS)
        printed = room.printed()
        assert len(printed) == 1
        pages, words = pdf_pages_and_text(printed[0])
        assert pages == 1
        assert "Page de test — EPN Kiosk" in words
        assert "EPN Maelbeek" in words and "Imprimante de la salle" in words

        # A typed address is checked before it replaces the choice.
        picker.address.setText("imprimante du bureau")
        qtbot.mouseClick(picker.use, Qt.MouseButton.LeftButton)
        assert picker.address_error.text().startswith("Ce n'est pas une adresse d'imprimante")
        assert picker.value() == ROOM_URI

        run.go(STEPS.index("languages"))
        qtbot.mouseClick(run.next, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=WAIT_MS)
        with c.server.client(c.admin) as http:
            policy = http.get("/api/policy").json()["policy"]
        assert policy["printing"]["printer_uri"] == ROOM_URI

        # Changed later in the policy tab: a typed IPP address.
        window.tabs.setCurrentWidget(window.policy)
        tab = window.policy.printer
        qtbot.waitUntil(lambda: tab.value() == ROOM_URI, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: tab.chosen.text().endswith("Imprimante de la salle"), timeout=WAIT_MS
        )
        tab.address.setText("ipp://192.168.1.20/ipp/print")
        qtbot.mouseClick(tab.use, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.policy.save, Qt.MouseButton.LeftButton)
        saved = i18n.text("policy.saved", Language.FR)
        qtbot.waitUntil(lambda: window.policy.notice.text() == saved, timeout=WAIT_MS)
        with c.server.client(c.admin) as http:
            policy = http.get("/api/policy").json()["policy"]
        assert policy["printing"]["printer_uri"] == "ipp://192.168.1.20/ipp/print"

        # A queue the PCs cannot reach (the test cupsd's own capture:, a backend of the
        # console machine only) is greyed, says why, and cannot be chosen.
        local = next(
            r
            for r in range(tab.list.count())
            if str(tab.list.item(r).data(URI_ROLE)).startswith("capture:")
        )
        item = tab.list.item(local)
        assert str(item.data(LINE_ROLE)).endswith(
            f"branchée à cet ordinateur{NBSP}: les PC ne peuvent pas l'atteindre"
        )
        assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
        assert not tab.list.itemWidget(item).isEnabled()
        tab.list.setCurrentRow(local)
        assert tab.value() == "ipp://192.168.1.20/ipp/print"
        # Each line shows its address, to write down.
        room_row = tab.list.itemWidget(tab.list.item(_row(tab, ROOM_URI)))
        assert ROOM_URI in room_row.findChild(QLabel, "printerLine").text()


def test_an_animator_sees_the_printer_but_cannot_change_it(
    qtbot: Any, tmp_path: Path, room: RoomCups
) -> None:
    with console(qtbot, tmp_path, cups_server=room.socket) as c:
        with c.server.client(c.admin) as http:
            state = http.get("/api/policy").json()
            state["policy"]["printing"]["printer_uri"] = ROOM_URI
            assert http.put("/api/policy", json={"policy": state["policy"]}).status_code == 200
        log_in(qtbot, c.window, "nadia")
        c.window.tabs.setCurrentWidget(c.window.policy)
        picker = c.window.policy.printer
        qtbot.waitUntil(lambda: picker.value() == ROOM_URI, timeout=WAIT_MS)
        assert not picker.list.isEnabled() and not picker.test.isEnabled()
        assert not picker.address.isEnabled() and not picker.clear.isEnabled()
        assert c.controller.printers.last is None  # an animator's window never asks CUPS
