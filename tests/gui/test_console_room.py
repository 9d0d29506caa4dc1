"""The console GUI against a real console server: login, the live room, actions on a PC.

The server runs in a thread (``ConsoleServer``, plain HTTP or its own TLS); the PC is a
test WebSocket client (``KioskSocket``) that sends statuses and answers commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from console_support import advance
from helpers.console_server import TEST_PASSWORD, ConsoleServer, KioskSocket
from PySide6.QtCore import Qt

from admin_console.gui.client import Endpoint, EndpointError, normalise_fingerprint
from admin_console.gui.controller import ConsoleController
from admin_console.gui.viewmodel import Outcome, TileKind
from admin_console.gui.window import ConsoleWindow
from admin_console.server.auth import Role
from epn_shared.protocol import CommandAction, LoginKind, Status

WAIT_MS = 15_000  # a bound for a hung window, not a speed target (busy 2-core machines)


@dataclass
class Room:
    server: ConsoleServer
    kiosk: KioskSocket
    kiosk_id: int
    controller: ConsoleController
    window: ConsoleWindow


def _gui(
    qtbot: Any, endpoint: Endpoint, now: Any = None
) -> tuple[ConsoleController, ConsoleWindow]:
    controller = ConsoleController(endpoint, now=now)
    window = ConsoleWindow(controller)
    qtbot.addWidget(window)
    window.show()
    return controller, window


def _log_in(qtbot: Any, window: ConsoleWindow, username: str, password: str) -> None:
    window.login.username.setText(username)
    window.login.password.setText(password)
    qtbot.mouseClick(window.login.submit, Qt.MouseButton.LeftButton)


@pytest.fixture
def room(qtbot: Any, tmp_path: Path) -> Iterator[Room]:
    with ConsoleServer(tmp_path) as server:
        admin = server.add_staff("admin", Role.ADMIN)
        server.add_staff("nadia", Role.ANIMATOR, login=False)
        kiosk_id, token = server.enroll(admin, "PC-03", "Salle 1")
        kiosk = KioskSocket(server, token)
        kiosk.send(Status(state="active", seconds_left=1800, login=LoginKind.WALK_IN))
        # The GUI reads the server's fake clock, as it would read the same wall clock.
        endpoint = Endpoint.parse(server.url, None, insecure_http=True)
        controller, window = _gui(qtbot, endpoint, now=server.clock.now)
        try:
            yield Room(server, kiosk, kiosk_id, controller, window)
        finally:
            controller.feed.stop()
            kiosk.close()


def _tile(room: Room) -> Any:
    return room.window.room.tiles.get(room.kiosk_id)


def test_an_animator_sees_the_room_live_and_acts_on_a_pc(qtbot: Any, room: Room) -> None:
    window, controller = room.window, room.controller
    _log_in(qtbot, window, "nadia", TEST_PASSWORD)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _tile(room) is not None, timeout=WAIT_MS)
    tile = _tile(room)
    assert tile.view.kind is TileKind.IN_SESSION
    assert tile.headline.text() == "En session"
    assert "30 min restantes" in tile.detail.text()
    qtbot.waitUntil(lambda: controller.feed.connected, timeout=WAIT_MS)

    # The visitor presses the help button: the tile says so within a second.
    room.kiosk.send(
        Status(state="active", seconds_left=1740, login=LoginKind.WALK_IN, help_requested=True)
    )
    qtbot.waitUntil(lambda: _tile(room).view.kind is TileKind.HELP, timeout=1000)
    assert tile.headline.text() == "Demande de l'aide\u00a0!"

    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert controller.selected == {room.kiosk_id}
    assert window.room.selection.text() == "1 PC sélectionné"
    results = window.room.results

    with room.kiosk.answering() as received:
        qtbot.mouseClick(window.room.buttons["extend15"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "fait" in results.item(0).text(), timeout=WAIT_MS)
        assert received[-1].action is CommandAction.EXTEND
        assert received[-1].minutes == 15
        assert results.item(0).text() == "PC-03 — +15 min\u00a0: fait"

        qtbot.mouseClick(window.room.buttons["end"], Qt.MouseButton.LeftButton)
        ask = window.room.ask
        assert ask.isVisible()
        qtbot.mouseClick(ask.confirm, Qt.MouseButton.LeftButton)  # no reason yet: refused
        assert ask.problem.text() and ask.isVisible()
        qtbot.mouseClick(ask.reason_buttons[0], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(ask.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(received) == 2, timeout=WAIT_MS)
        assert received[1].action is CommandAction.END
        assert received[-1].reason == "Non-respect du règlement"
        qtbot.waitUntil(lambda: "terminer\u00a0: fait" in results.item(0).text(), timeout=WAIT_MS)

        qtbot.mouseClick(window.room.buttons["message"], Qt.MouseButton.LeftButton)
        ask.text.setText("Votre ticket est prêt à l'accueil.")
        qtbot.mouseClick(ask.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(received) == 3, timeout=WAIT_MS)
        assert received[2].action is CommandAction.MESSAGE
        assert received[-1].text == "Votre ticket est prêt à l'accueil."
        qtbot.waitUntil(lambda: controller.results[0].outcome is Outcome.DONE, timeout=WAIT_MS)

    # A refusal from the PC is shown with its reason.
    with room.kiosk.answering(ok=False, code="no_session", message="no session to extend"):
        qtbot.mouseClick(window.room.buttons["extend30"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "refusé" in results.item(0).text(), timeout=WAIT_MS)
        assert results.item(0).text().endswith("pas de session en cours")

    # The PC goes away: the tile says offline, and an action says nothing was sent.
    room.kiosk.close()
    qtbot.waitUntil(lambda: _tile(room).view.kind is TileKind.OFFLINE, timeout=WAIT_MS)
    qtbot.mouseClick(window.room.buttons["lock"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "hors ligne" in results.item(0).text(), timeout=WAIT_MS)


def test_a_wrong_password_is_said_plainly(qtbot: Any, room: Room) -> None:
    window = room.window
    _log_in(qtbot, window, "nadia", "wrong")
    qtbot.waitUntil(lambda: bool(window.login.error.text()), timeout=WAIT_MS)
    assert window.login.error.text().startswith("Identifiant ou mot de passe incorrect")
    assert window.stack.currentWidget() is window.login
    assert window.login.password.text() == ""
    assert window.login.submit.isEnabled()


def test_too_many_wrong_logins_say_when_to_try_again(qtbot: Any, room: Room) -> None:
    window = room.window
    for _ in range(3):
        window.login.error.setText("")
        _log_in(qtbot, window, "nadia", "wrong")
        qtbot.waitUntil(lambda: bool(window.login.error.text()), timeout=WAIT_MS)
    window.login.error.setText("")
    _log_in(qtbot, window, "nadia", TEST_PASSWORD)
    qtbot.waitUntil(lambda: bool(window.login.error.text()), timeout=WAIT_MS)
    # The console asks this computer to wait a few seconds; nothing is locked.
    assert "Réessayez dans 1 minute." in window.login.error.text()


def test_an_unreachable_console_is_said_plainly(qtbot: Any) -> None:
    _controller, window = _gui(qtbot, Endpoint.parse("http://127.0.0.1:9", None, True))
    _log_in(qtbot, window, "nadia", "secret")
    qtbot.waitUntil(lambda: bool(window.login.error.text()), timeout=WAIT_MS)
    assert window.login.error.text().startswith("La console ne répond pas")


def test_the_pinned_certificate_is_accepted_and_another_refused(qtbot: Any, tmp_path: Path) -> None:
    with ConsoleServer(tmp_path, tls=True) as server:
        server.add_staff("nadia", Role.ANIMATOR, login=False)
        pin = server.console.settings.fingerprint
        assert pin is not None
        wrong = ":".join(["00"] * 32)

        controller, window = _gui(qtbot, Endpoint.parse(server.url, wrong))
        _log_in(qtbot, window, "nadia", TEST_PASSWORD)
        qtbot.waitUntil(lambda: bool(window.login.error.text()), timeout=WAIT_MS)
        assert "certificat de la console ne correspond pas" in window.login.error.text()
        assert controller.client.token is None

        controller, window = _gui(qtbot, Endpoint.parse(server.url, pin.upper()))
        _log_in(qtbot, window, "nadia", TEST_PASSWORD)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: controller.feed.connected, timeout=WAIT_MS)
        controller.feed.stop()


def test_endpoint_rules() -> None:
    with pytest.raises(EndpointError, match="https"):
        Endpoint.parse("http://console:8443", None)
    with pytest.raises(EndpointError, match="fingerprint"):
        Endpoint.parse("https://console:8443", None)
    with pytest.raises(EndpointError, match="64 hex"):
        Endpoint.parse("https://console:8443", "ab:cd")
    assert normalise_fingerprint("AB" * 32) == ":".join(["ab"] * 32)
    assert Endpoint.parse("https://console:8443/x", "ab" * 32).ws_url == "wss://console:8443"


def _in_room(qtbot: Any, room: Room) -> Any:
    _log_in(qtbot, room.window, "nadia", TEST_PASSWORD)
    qtbot.waitUntil(lambda: room.window.stack.currentWidget() is room.window.tabs, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _tile(room) is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: room.controller.feed.connected, timeout=WAIT_MS)
    return _tile(room)


def test_a_refusal_is_said_in_staff_words_not_the_pcs_english(qtbot: Any, room: Room) -> None:
    tile = _in_room(qtbot, room)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    results = room.window.room.results
    with room.kiosk.answering(ok=False, code="busy", message="the agent is stopping"):
        qtbot.mouseClick(room.window.room.buttons["lock"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "refusé" in results.item(0).text(), timeout=WAIT_MS)
    assert results.item(0).text() == (
        "PC-03 — verrouiller\u00a0: refusé\u00a0: le PC est occupé (il redémarre ou s'arrête)"
    )
    # A code the GUI does not know yet: the PC's own sentence is shown rather than nothing.
    with room.kiosk.answering(ok=False, code="printer_jam", message="the printer is jammed"):
        qtbot.mouseClick(room.window.room.buttons["unlock"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "déverrouiller" in results.item(0).text(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "refusé" in results.item(0).text(), timeout=WAIT_MS)
    assert results.item(0).text().endswith("refusé\u00a0: the printer is jammed")


def test_the_help_queue_shows_who_waits_and_who_goes(qtbot: Any, room: Room) -> None:
    _in_room(qtbot, room)
    panel = room.window.room.help
    room.controller.help.timer.stop()  # the call must show from the staff socket alone
    assert panel.empty.isVisible()
    room.kiosk.send(
        Status(state="active", seconds_left=1700, login=LoginKind.WALK_IN, help_requested=True)
    )
    qtbot.waitUntil(lambda: len(panel.rows) == 1, timeout=WAIT_MS)
    room.controller.help.timer.start(200)  # the waiting time grows in the test's time
    assert panel.rows[0].line.text() == "PC-03 — attend depuis peu"
    assert panel.title.text() == "Demandes d'aide (1)"
    assert not panel.empty.isVisible()
    advance(room.server, minutes=4)
    qtbot.waitUntil(lambda: "attend depuis 4 min" in panel.rows[0].line.text(), timeout=WAIT_MS)

    qtbot.mouseClick(panel.rows[0].button, Qt.MouseButton.LeftButton)  # "J'y vais"
    qtbot.waitUntil(lambda: "vous y allez" in panel.rows[0].line.text(), timeout=WAIT_MS)
    assert panel.rows[0].button.text() == "Terminé"
    advance(room.server, minutes=6)
    # Taken: the waiting time stops at the moment someone went.
    qtbot.waitUntil(lambda: panel.rows[0].line.text().startswith("PC-03"), timeout=WAIT_MS)
    assert "attend depuis 4 min" in panel.rows[0].line.text()
    qtbot.mouseClick(panel.rows[0].button, Qt.MouseButton.LeftButton)  # "Terminé"
    qtbot.waitUntil(lambda: not panel.rows, timeout=WAIT_MS)
    assert panel.empty.isVisible()
    assert panel.title.text() == "Demandes d'aide"


def test_a_workshop_starts_on_the_selected_pcs(qtbot: Any, room: Room) -> None:
    tile = _in_room(qtbot, room)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    screen = room.window.room
    qtbot.mouseClick(screen.buttons["workshop"], Qt.MouseButton.LeftButton)
    ask = screen.ask
    assert ask.question.text() == "Atelier sur 1 PC\u00a0:"
    qtbot.mouseClick(ask.confirm, Qt.MouseButton.LeftButton)  # no title: refused here
    assert ask.problem.text() and ask.isVisible()
    ask.workshop_title.setText("Rédiger son CV")
    ask.workshop_minutes.setValue(90)
    ask.participants.setValue(6)
    with room.kiosk.answering() as received:
        qtbot.mouseClick(ask.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "fait" in screen.results.item(0).text(), timeout=WAIT_MS)
    assert screen.results.item(0).text() == "PC-03 — atelier\u00a0: fait"
    assert received[-1].action is CommandAction.WORKSHOP
    assert received[-1].minutes == 90
    assert not ask.isVisible()


def test_a_pc_put_out_of_order_and_back(qtbot: Any, room: Room) -> None:
    tile = _in_room(qtbot, room)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    screen = room.window.room
    with room.kiosk.answering() as received:
        qtbot.mouseClick(screen.buttons["out_of_order"], Qt.MouseButton.LeftButton)
        screen.ask.text.setText("Écran cassé")
        qtbot.mouseClick(screen.ask.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tile.view.kind is TileKind.OUT_OF_ORDER, timeout=WAIT_MS)
        assert tile.headline.text() == "Hors service"
        assert tile.detail.text() == "Écran cassé"
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT_MS)
        assert received[-1].action is CommandAction.LOCK  # nobody can start a session on it
        qtbot.waitUntil(lambda: "fait" in screen.results.item(0).text(), timeout=WAIT_MS)
        assert screen.results.item(0).text() == "PC-03 — hors service\u00a0: fait"

        qtbot.mouseClick(screen.buttons["back_in_order"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tile.view.kind is not TileKind.OUT_OF_ORDER, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(received) == 2, timeout=WAIT_MS)
        assert [r.action for r in received] == [CommandAction.LOCK, CommandAction.UNLOCK]


def test_two_animators_going_to_the_same_pc(qtbot: Any, room: Room) -> None:
    _in_room(qtbot, room)
    panel = room.window.room.help
    room.controller.help.timer.stop()
    room.kiosk.send(
        Status(state="active", seconds_left=1700, login=LoginKind.WALK_IN, help_requested=True)
    )
    qtbot.waitUntil(lambda: len(panel.rows) == 1, timeout=WAIT_MS)
    colleague = room.server.add_staff("youssef", Role.ANIMATOR)
    with room.server.client(colleague) as http:  # a colleague is quicker
        assert http.post(f"/api/help/{room.kiosk_id}/take").status_code == 200
    qtbot.mouseClick(panel.rows[0].button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(panel.notice.text()), timeout=WAIT_MS)
    assert panel.notice.text() == "déjà pris en charge par un collègue"
    qtbot.waitUntil(lambda: "youssef y va" in panel.rows[0].line.text(), timeout=WAIT_MS)
    # Closing the room (the window closes, or staff log out) stops asking the console.
    room.controller.help.timer.start()
    room.controller.feed.stop()
    assert not room.controller.help.timer.isActive()


def test_a_print_job_waiting_for_an_animator_shows_and_pages_can_be_given(
    qtbot: Any, room: Room
) -> None:
    tile = _in_room(qtbot, room)
    room.kiosk.send(
        Status(
            state="active",
            seconds_left=1500,
            login=LoginKind.WALK_IN,
            print_waiting="over_quota",
            print_job_id=12,
        )
    )
    qtbot.waitUntil(lambda: tile.view.kind is TileKind.PRINT, timeout=WAIT_MS)
    assert tile.headline.text() == "Impression\u00a0?"
    assert tile.detail.text() == "Quota de pages dépassé"
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    screen = room.window.room
    with room.kiosk.answering() as received:
        qtbot.mouseClick(screen.buttons["grant_pages"], Qt.MouseButton.LeftButton)
        screen.ask.print_pages.setValue(8)
        qtbot.mouseClick(screen.ask.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT_MS)
        assert (received[-1].action, received[-1].pages) == (CommandAction.GRANT_PAGES, 8)
        qtbot.waitUntil(lambda: "fait" in screen.results.item(0).text(), timeout=WAIT_MS)
        assert screen.results.item(0).text() == "PC-03 — pages offertes\u00a0: fait"

        room.kiosk.send(
            Status(
                state="active",
                seconds_left=1400,
                login=LoginKind.WALK_IN,
                print_waiting="uncountable",
                print_job_id=13,
            )
        )
        qtbot.waitUntil(lambda: "compter" in tile.detail.text(), timeout=WAIT_MS)
        qtbot.mouseClick(screen.buttons["release_print"], Qt.MouseButton.LeftButton)
        screen.ask.print_pages.setValue(2)
        qtbot.mouseClick(screen.ask.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(received) == 2, timeout=WAIT_MS)
        released = received[-1]
        assert (released.action, released.job_id, released.pages) == (
            CommandAction.PRINT_RELEASE,
            13,
            2,
        )


def test_a_pc_that_missed_its_update_says_so_on_its_tile(qtbot: Any, room: Room) -> None:
    admin = room.server.add_staff("ada", Role.ADMIN)
    old_id, token = room.server.enroll(admin, "PC-04", "Salle 1")
    with KioskSocket(room.server, token, agent_version="0.0.9") as old:
        old.send(Status(state="waiting", seconds_left=None))
        _log_in(qtbot, room.window, "nadia", TEST_PASSWORD)
        tiles = room.window.room.tiles
        qtbot.waitUntil(lambda: old_id in tiles and room.kiosk_id in tiles, timeout=WAIT_MS)
        behind, current = tiles[old_id], tiles[room.kiosk_id]
        assert behind.notice.text() == "⚠ pas à jour"
        why = "Ce PC a la version 0.0.9\u00a0: sa mise à jour ne lui est pas parvenue."
        assert behind.notice.toolTip() == why
        assert why in behind.accessibleName()  # read out by a screen reader too
        assert behind.headline.text() == "Libre"  # the state stays the headline
        assert current.notice.text() == "" and current.notice.isHidden()
