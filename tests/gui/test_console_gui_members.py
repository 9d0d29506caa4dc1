"""The members tab against a real console server: managers only; card, PIN, allowance,
nickname, bans — and never a name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_support import WAIT_MS, cell, console, log_in
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit

from admin_console.gui.members_view import MembersScreen


def _row(screen: MembersScreen, card: str) -> list[str] | None:
    for r in range(screen.table.rowCount()):
        if cell(screen.table, r, 0) == card:
            return [cell(screen.table, r, c) for c in range(screen.table.columnCount())]
    return None


def _ban(screen: MembersScreen, card: str) -> str | None:
    row = _row(screen, card)
    return row[3] if row is not None else None


def test_animators_see_neither_members_nor_usage(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "nadia")
        tabs, index = c.window.tabs, c.window.tab_index
        assert not tabs.isTabVisible(index["members"])
        assert not tabs.isTabVisible(index["usage"])
        assert tabs.isTabVisible(index["tickets"]) and tabs.isTabVisible(index["policy"])
        qtbot.mouseClick(c.window.room.logout, Qt.MouseButton.LeftButton)
        log_in(qtbot, c.window, "marie")
        assert tabs.isTabVisible(index["members"]) and tabs.isTabVisible(index["usage"])


def test_a_manager_looks_after_members(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        _pc_id, pc_token = c.server.enroll(c.admin, "PC-01")
        log_in(qtbot, c.window, "marie")
        c.window.tabs.setCurrentWidget(c.window.members)
        screen = c.window.members
        # The form has no place for a name: card, PIN, allowance, nickname only.
        edits = screen.findChildren(QLineEdit)
        assert {screen.new_card, screen.new_pin, screen.new_nickname} <= set(edits)
        assert not screen.chosen.isEnabled()  # nobody chosen yet

        screen.new_card.setText("EPN-0012")
        screen.new_pin.setText("12")  # too short: the console names the field
        qtbot.mouseClick(screen.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "pin" in screen.notice.text(), timeout=WAIT_MS)
        assert screen.notice.text().endswith("pin: au moins 4 caractères")
        assert screen.new_card.text() == "EPN-0012"  # what was typed stays

        screen.new_pin.setText("4821")
        screen.new_allowance.setValue(90)
        screen.new_nickname.setText("Louis")
        qtbot.mouseClick(screen.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _row(screen, "EPN-0012") is not None, timeout=WAIT_MS)
        assert screen.notice.text() == "Carte EPN-0012 ajoutée."
        assert _row(screen, "EPN-0012") == ["EPN-0012", "Louis", "90\u00a0min", ""]
        assert screen.new_pin.text() == ""  # a PIN does not stay on screen
        assert screen.new_card.text() == ""  # the form is ready for the next member

        # The same card again: refused, said in words.
        screen.new_card.setText("EPN-0012")
        screen.new_pin.setText("4821")
        qtbot.mouseClick(screen.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "existe déjà" in screen.notice.text(), timeout=WAIT_MS)

        # Finding one card among many: the search keeps the matching rows only.
        screen.new_card.setText("EPN-0031")
        screen.new_pin.setText("5555")
        qtbot.mouseClick(screen.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: screen.table.rowCount() == 2, timeout=WAIT_MS)
        screen.search.setText("louis")
        assert screen.table.rowCount() == 1 and cell(screen.table, 0, 0) == "EPN-0012"
        screen.search.setText("0031")
        assert screen.table.rowCount() == 1 and cell(screen.table, 0, 0) == "EPN-0031"
        screen.search.setText("0012")

        screen.table.selectRow(0)
        assert screen.chosen.isEnabled()
        assert screen.chosen.title() == "Carte EPN-0012"
        assert screen.allowance.value() == 90
        screen.allowance.setValue(0)  # back to the policy's allowance
        screen.nickname.setText("")
        qtbot.mouseClick(screen.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: _row(screen, "EPN-0012") == ["EPN-0012", "", "selon le règlement", ""],
            timeout=WAIT_MS,
        )

        screen.pin.setText("7391")
        qtbot.mouseClick(screen.reset_pin, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Nouveau PIN" in screen.notice.text(), timeout=WAIT_MS)
        with c.server.client(pc_token) as pc:
            check = {"card": "EPN-0012", "pin": "7391"}
            assert pc.post("/api/kiosk/members/check", json=check).status_code == 200

            qtbot.waitUntil(screen.chosen.isEnabled, timeout=WAIT_MS)
            qtbot.mouseClick(screen.ban, Qt.MouseButton.LeftButton)  # no reason yet
            assert screen.notice.text() == "Écrivez la raison de l'exclusion."
            screen.ban_until.setDate(QDate(2026, 3, 9))
            screen.ban_reason.setText("Téléchargements illégaux")
            qtbot.mouseClick(screen.ban, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: bool(_ban(screen, "EPN-0012")), timeout=WAIT_MS)
            assert _ban(screen, "EPN-0012") == (
                "exclu jusqu'au 9 mars 2026\u00a0: Téléchargements illégaux"
            )
            assert pc.post("/api/kiosk/members/check", json=check).status_code == 403

            qtbot.waitUntil(screen.unban.isEnabled, timeout=WAIT_MS)
            qtbot.mouseClick(screen.unban, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: _ban(screen, "EPN-0012") == "", timeout=WAIT_MS)
            assert pc.post("/api/kiosk/members/check", json=check).status_code == 200
