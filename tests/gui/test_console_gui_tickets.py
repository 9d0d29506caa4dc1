"""The tickets tab against a real console server: a batch, its printed sheet, the list."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from console_support import WAIT_MS, advance, cell, console, log_in
from helpers.console_scenes import HELP_QUEUE
from pypdf import PdfReader
from PySide6.QtCore import Qt

from admin_console.api.help import HelpCallModel
from admin_console.gui.helpqueue import call_line
from admin_console.gui.ticket_sheet import PER_PAGE, page_count
from policies import Language


def _pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(str(path))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_an_animator_makes_tickets_and_prints_their_sheet(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path / "console") as c:
        log_in(qtbot, c.window, "nadia")
        c.window.tabs.setCurrentWidget(c.window.tickets)
        tab = c.window.tickets
        # Valid until the end of the month by default (the console's clock: 2 March 2026).
        assert tab.until.date().toString("dd/MM/yyyy") == "31/03/2026"
        assert not tab.print_sheet.isEnabled()
        tab.count.setValue(12)
        tab.minutes.setValue(45)
        tab.free_pages.setValue(2)
        qtbot.mouseClick(tab.make, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.codes.count() == 12, timeout=WAIT_MS)
        assert tab.batch_title.text().startswith("12 tickets créés")
        assert tab.print_sheet.isEnabled()
        codes = [t.code for t in c.controller.tickets.issued]
        assert len(set(codes)) == 12
        assert all(code in tab.codes.item(i).text() for i, code in enumerate(codes))
        # The list shows them (never their codes).
        qtbot.waitUntil(lambda: tab.table.rowCount() == 12, timeout=WAIT_MS)
        cells = {cell(tab.table, r, 4) for r in range(12)}
        assert cells == {"non utilisé"}

        # Closing now would lose the codes: the window asks, and staff keep it open.
        assert not c.window.may_close()
        assert "ne seront" in c.dialogs.questions[-1] or "perdus" in c.dialogs.questions[-1]

        sheet = tmp_path / "tickets.pdf"
        c.dialogs.save_path = str(sheet)
        qtbot.mouseClick(tab.print_sheet, Qt.MouseButton.LeftButton)
        assert tab.notice.text().startswith("Feuille enregistrée (2 pages)")
        pages, text = _pdf_text(sheet)
        assert pages == page_count(12) == 2
        for ticket in c.controller.tickets.issued:
            assert ticket.code in text
            # pypdf may split a small monospaced word where Qt placed glyphs one by one.
            assert ticket.ref in text.replace(" ", "")
        assert "45 min" in text
        assert "31/03/2026" in text
        assert "tapez ce code" in text and "typ deze code" in text and "type this code" in text

        # Printed: closing asks nothing more.
        asked = len(c.dialogs.questions)
        assert c.window.may_close()
        assert len(c.dialogs.questions) == asked


def test_a_full_page_of_cards_and_a_cancelled_save(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path / "console") as c:
        log_in(qtbot, c.window, "nadia")
        tab = c.window.tickets
        c.window.tabs.setCurrentWidget(tab)
        tab.count.setValue(PER_PAGE)
        qtbot.mouseClick(tab.make, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.codes.count() == PER_PAGE, timeout=WAIT_MS)
        c.dialogs.save_path = None  # staff cancel the file dialog
        qtbot.mouseClick(tab.print_sheet, Qt.MouseButton.LeftButton)
        assert c.controller.tickets.unprinted
        c.dialogs.save_path = str(tmp_path / "one-page.pdf")
        qtbot.mouseClick(tab.print_sheet, Qt.MouseButton.LeftButton)
        pages, text = _pdf_text(tmp_path / "one-page.pdf")
        assert pages == 1
        assert all(t.code in text for t in c.controller.tickets.issued)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (Language.TR, ["Bilet", "45 dakika", "Biletim var", "bu kodu yazın", "31.3.2026"]),
        (Language.ES, ["45 minutos", "Tengo un ticket", "escriba este código", "31/3/2026"]),
        (Language.AR, ["45"]),  # its words are drawn right to left, as shaped glyphs
    ],
)
def test_the_sheet_is_printed_in_the_language_staff_choose(
    qtbot: Any, tmp_path: Path, language: Language, words: list[str]
) -> None:
    with console(qtbot, tmp_path / "console") as c:
        log_in(qtbot, c.window, "nadia")
        tab = c.window.tickets
        c.window.tabs.setCurrentWidget(tab)
        tab.count.setValue(3)
        tab.minutes.setValue(45)
        qtbot.mouseClick(tab.make, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.codes.count() == 3, timeout=WAIT_MS)
        # The languages are listed by their own names, Brussels' three first.
        names = [tab.sheet_language.itemText(i) for i in range(tab.sheet_language.count())]
        assert names[0] == "Français · Nederlands · English"
        tab.sheet_language.setCurrentIndex(names.index(language.native_name))
        c.dialogs.save_path = str(tmp_path / "sheet.pdf")
        qtbot.mouseClick(tab.print_sheet, Qt.MouseButton.LeftButton)
        assert tab.notice.text().startswith("Feuille enregistrée (1 page)")  # staff's French
        _pages, text = _pdf_text(tmp_path / "sheet.pdf")
        assert all(t.code in text for t in c.controller.tickets.issued)
        assert all(word in text for word in words), text
        assert "tapez ce code" not in text  # only the visitor's language


def test_a_new_batch_over_unprinted_codes_is_asked_first(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path / "console") as c:
        log_in(qtbot, c.window, "nadia")
        tab = c.window.tickets
        c.window.tabs.setCurrentWidget(tab)
        tab.count.setValue(3)
        qtbot.mouseClick(tab.make, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.codes.count() == 3, timeout=WAIT_MS)
        first = list(c.controller.tickets.issued)
        c.dialogs.confirm_answer = False
        tab.count.setValue(5)
        qtbot.mouseClick(tab.make, Qt.MouseButton.LeftButton)
        assert "Créer d'autres tickets quand même" in c.dialogs.questions[-1]
        assert c.controller.tickets.issued == first  # nothing was made, the codes stay
        qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=WAIT_MS)
        # Logging out with unprinted codes asks too.
        qtbot.mouseClick(c.window.room.logout, Qt.MouseButton.LeftButton)
        assert c.window.stack.currentWidget() is c.window.tabs
        c.dialogs.confirm_answer = True
        qtbot.mouseClick(c.window.room.logout, Qt.MouseButton.LeftButton)
        assert c.window.stack.currentWidget() is c.window.login
        assert c.controller.tickets.issued == []


def test_tickets_are_listed_by_state(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path / "console") as c:
        kiosk_id, token = c.server.enroll(c.admin, "PC-01", "Salle 1")
        log_in(qtbot, c.window, "nadia")
        tab = c.window.tickets
        c.window.tabs.setCurrentWidget(tab)
        tab.count.setValue(4)
        qtbot.mouseClick(tab.make, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.codes.count() == 4, timeout=WAIT_MS)
        used = c.controller.tickets.issued[0]
        with c.server.client(token) as pc:
            pc.post("/api/kiosk/tickets/redeem", json={"code": used.code}).raise_for_status()

        def show(state_index: int, rows: int) -> None:
            tab.filter.setCurrentIndex(state_index)
            qtbot.waitUntil(lambda: tab.table.rowCount() == rows, timeout=WAIT_MS)

        show(2, 1)  # used
        assert cell(tab.table, 0, 0) == used.ref
        used_at = c.server.clock.now().astimezone()  # shown in the GUI machine's time zone
        assert cell(tab.table, 0, 4) == f"utilisé ({used_at.day} mars 2026, {used_at:%H:%M}, PC-01)"
        show(1, 3)  # unused
        assert used.ref not in {cell(tab.table, r, 0) for r in range(3)}
        show(3, 0)  # expired: none yet
        # A month later the login has expired too: staff are told, log in again, and see
        # the three tickets nobody used as expired.
        advance(c.server, hours=24 * 31)
        qtbot.mouseClick(tab.refresh, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: c.window.stack.currentWidget() is c.window.login, timeout=WAIT_MS)
        assert "expiré" in c.window.login.error.text()
        log_in(qtbot, c.window, "nadia")
        c.window.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=WAIT_MS)
        assert {cell(tab.table, r, 4) for r in range(3)} == {"expiré"}
        assert kiosk_id > 0


def test_a_pc_that_let_in_a_forged_code_says_so_in_the_help_queue() -> None:
    asked = dt.datetime(2026, 11, 20, 14, 31, tzinfo=dt.UTC)
    call = HelpCallModel.model_validate(HELP_QUEUE[2])  # PC-10's, as the console sends it
    assert (call.kiosk_name, call.requested_at, call.reason) == ("PC-10", asked, "ticket_forged")
    later = asked + dt.timedelta(minutes=4)
    assert call_line(call, later, Language.FR, "nadia") == (
        "PC-10 — code de ticket jamais créé, accepté hors ligne — attend depuis 4 min"
    )
    assert "never issued" in call_line(call, later, Language.EN, "nadia")
    visitor = call.model_copy(update={"reason": None})
    assert call_line(visitor, later, Language.FR, None) == "PC-10 — attend depuis 4 min"
