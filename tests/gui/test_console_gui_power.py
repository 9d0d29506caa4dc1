"""Restart, shut down and wake up from the console window, against a real console server
and real kiosk agents (sandbox: the power request is recorded, not done): each asks first,
naming the PC or how many, and what the visitors on them lose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_support import Room, console_window, log_in
from helpers.console_server import ConsoleServer
from helpers.room_link import LinkedRoom, visitor
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from admin_console.api.staff import Role
from kiosk.agent.system.power import recorded_request
from kiosk.core.model import EndReason, State
from policies import Language

# A popup menu and a modal dialog ask the platform to raise them and grab the keyboard,
# which the offscreen platform of these tests cannot do (it says so, and that is all).
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise|grabbing)")

WAIT_MS = 15_000
LEFT = Qt.MouseButton.LeftButton
NBSP = "\u00a0"


@pytest.fixture
def room(qtbot: Any, tmp_path: Path) -> Iterator[Room]:
    with ConsoleServer(tmp_path) as server:
        admin = server.add_staff("admin", Role.ADMIN)
        server.add_staff("nadia", Role.ANIMATOR, login=False)
        server.add_staff("marie", Role.MANAGER, login=False)
        pcs = LinkedRoom(server, admin)
        try:
            with console_window(qtbot, server, Language.FR) as (controller, window):
                yield Room(server, pcs, controller, window)
        finally:
            pcs.close()


def in_room(qtbot: Any, room: Room, who: str, pcs: int) -> None:
    log_in(qtbot, room.window, who)
    qtbot.waitUntil(lambda: len(room.window.room.tiles) == pcs, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: all(pc.online and pc.status for pc in room.controller.pcs.values()),
        timeout=WAIT_MS,
    )


def state_of(room: Room, name: str) -> str | None:
    """What the room view says the PC is doing."""
    status = room.controller.pcs[room.pcs.ids[name]].status
    return None if status is None else status.state


def open_menu(qtbot: Any, room: Room, name: str) -> QMenu:
    """Click the ⋮ of the PC's tile; its menu."""
    screen = room.window.room
    qtbot.mouseClick(screen.tiles[room.pcs.ids[name]].more, LEFT)
    menu = screen.power_menu_shown
    assert menu is not None
    return menu


def pick(menu: QMenu, label: str) -> None:
    [item] = [a for a in menu.actions() if a.text() == label]
    assert item.isEnabled()
    item.trigger()
    menu.hide()


def test_restart_asks_first_naming_the_pc_and_its_visitor_then_the_visitor_is_logged_out(
    qtbot: Any, room: Room
) -> None:
    pc = room.pcs.pc("PC-01")
    shell = visitor(pc)
    in_room(qtbot, room, "nadia", 1)
    qtbot.waitUntil(lambda: state_of(room, "PC-01") == "active", timeout=WAIT_MS)
    dialog = room.window.room.power_dialog

    # Asked, then cancelled: nothing goes.
    menu = open_menu(qtbot, room, "PC-01")
    wake = next(a for a in menu.actions() if a.text() == "Allumer")
    assert not wake.isEnabled()  # it is on, and its network card is not known
    pick(menu, "Redémarrer")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.title.text() == f"Redémarrer PC-01{NBSP}?"
    assert dialog.body.text().startswith("PC-01 redémarre maintenant.")
    assert "perd sa session" in dialog.consequence.text()
    assert "Quelqu’un l’utilise en ce moment." in dialog.consequence.text()
    assert dialog.confirm.text() == "Redémarrer"
    qtbot.mouseClick(dialog.cancel, LEFT)
    assert not dialog.isVisible()
    assert pc.engine_state() is State.ACTIVE
    assert recorded_request(pc.data_dir) is None

    # Asked, then confirmed: the session ends, is wiped, and the PC restarts.
    pick(open_menu(qtbot, room, "PC-01"), "Redémarrer")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.confirm, LEFT)
    results = room.window.room.results
    qtbot.waitUntil(
        lambda: results.count() == 1 and results.item(0).text().endswith("fait"),
        timeout=WAIT_MS,
    )
    assert results.item(0).text() == f"PC-01 — redémarrer{NBSP}: fait"
    assert shell.wait_view(lambda v: v.end_reason is not None).end_reason is EndReason.STAFF
    qtbot.waitUntil(lambda: recorded_request(pc.data_dir) is not None, timeout=WAIT_MS)
    asked = recorded_request(pc.data_dir)
    assert asked is not None
    assert (asked["action"], asked["by"]) == ("restart", "nadia")


def test_the_room_buttons_are_a_managers_and_say_how_many_pcs_and_visitors(
    qtbot: Any, room: Room
) -> None:
    busy, free = room.pcs.pc("PC-01"), room.pcs.pc("PC-02")
    visitor(busy)
    in_room(qtbot, room, "nadia", 2)
    screen = room.window.room
    assert not screen.shut_down_all.isVisible()
    assert not screen.wake_all.isVisible()
    room.controller.logout()
    qtbot.waitUntil(lambda: room.window.stack.currentWidget() is room.window.login)

    in_room(qtbot, room, "marie", 2)
    qtbot.waitUntil(
        lambda: any(
            pc.status is not None and pc.status.state == "active"
            for pc in room.controller.pcs.values()
        ),
        timeout=WAIT_MS,
    )
    assert screen.shut_down_all.isVisible()
    assert not screen.wake_all.isEnabled()  # every PC is on
    qtbot.mouseClick(screen.shut_down_all, LEFT)
    dialog = screen.power_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.title.text() == f"Éteindre 2 PC{NBSP}?"
    assert dialog.body.text() == "Les 2 PC connectés de la salle s’éteignent maintenant."
    assert "1 visiteur les utilise en ce moment." in dialog.consequence.text()
    assert dialog.confirm.text() == "Éteindre 2 PC"
    qtbot.mouseClick(dialog.confirm, LEFT)
    for pc in (busy, free):
        qtbot.waitUntil(lambda pc=pc: recorded_request(pc.data_dir) is not None, timeout=WAIT_MS)
    results = screen.results
    qtbot.waitUntil(
        lambda: (
            results.count() == 2 and all(results.item(i).text().endswith("fait") for i in range(2))
        ),
        timeout=WAIT_MS,
    )
