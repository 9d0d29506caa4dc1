"""The console window against a real console server and real kiosk agents: a help call
closed in the window leaves the queue, the room card and the PC's bar; a workshop refused
on a busy PC says why; the room card's time left is the PC's.

The server runs in a thread of this process, each agent in its own thread on its own fake
clock; the window reads the server's fake clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_support import Room, console_window, log_in, speaks
from helpers.console_server import ConsoleServer
from helpers.kiosk_agent import ShellClient
from helpers.room_link import LinkedRoom, ask_help, visitor
from PySide6.QtCore import Qt

from admin_console.gui import i18n
from admin_console.gui.viewmodel import TileKind, time_left
from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock
from kiosk.shell import i18n as shell_i18n
from policies import Language

FR, NL, EN = Language.FR, Language.NL, Language.EN

WAIT_MS = 10_000
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def room(qtbot: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Room]:
    """The console (its window, and its staff, in ``request.param``'s language, French by
    default)."""
    language = getattr(request, "param", FR)
    with ConsoleServer(tmp_path) as server:
        admin = server.add_staff("admin", Role.ADMIN)
        server.add_staff("nadia", Role.ANIMATOR, login=False)
        for name in ("admin", "nadia"):
            speaks(server, name, language)
        pcs = LinkedRoom(server, admin)
        try:
            with console_window(qtbot, server, language) as (controller, window):
                yield Room(server, pcs, controller, window)
        finally:
            pcs.close()


def in_room(qtbot: Any, room: Room) -> None:
    log_in(qtbot, room.window, "nadia")
    qtbot.waitUntil(lambda: room.controller.feed.connected, timeout=WAIT_MS)


def test_help_done_and_cancelled_in_the_window_leave_the_queue_the_card_and_the_pc(
    qtbot: Any, room: Room
) -> None:
    pc = room.pcs.pc("PC-01")
    shell = visitor(pc)
    in_room(qtbot, room)
    panel = room.window.room.help
    room.controller.help.timer.stop()  # what follows must come from the staff socket alone

    ask_help(shell)
    qtbot.waitUntil(lambda: len(panel.rows) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: room.tile("PC-01").view.kind is TileKind.HELP, timeout=WAIT_MS)
    qtbot.mouseClick(panel.rows[0].button, LEFT)  # "J'y vais"
    qtbot.waitUntil(lambda: "vous y allez" in panel.rows[0].line.text(), timeout=WAIT_MS)
    qtbot.mouseClick(panel.rows[0].button, LEFT)  # "Terminé"
    qtbot.waitUntil(lambda: not panel.rows, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: room.tile("PC-01").view.kind is TileKind.IN_SESSION, timeout=WAIT_MS)
    assert not shell.wait_view(lambda v: not v.help_requested).help_requested

    # The visitor asks again: the queue and the card show the new call; it is cancelled.
    ask_help(shell)
    qtbot.waitUntil(lambda: len(panel.rows) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: room.tile("PC-01").view.kind is TileKind.HELP, timeout=WAIT_MS)
    cancel = panel.rows[0].cancel
    assert cancel is not None and cancel.text() == "Annuler l'appel"
    qtbot.mouseClick(cancel, LEFT)
    qtbot.waitUntil(lambda: not panel.rows, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: room.tile("PC-01").view.kind is TileKind.IN_SESSION, timeout=WAIT_MS)
    shell.wait_view(lambda v: not v.help_requested)
    assert panel.empty.isVisible()
    shell.close()


SAID_BUSY = {
    FR: "PC-02\u00a0: un visiteur est en session",
    NL: "PC-02: er zit een bezoeker in een sessie",
    EN: "PC-02: a visitor is in session",
}


@pytest.mark.parametrize("room", [FR, NL, EN], indirect=True)
def test_a_workshop_refused_on_a_busy_pc_says_which_pc_and_why(qtbot: Any, room: Room) -> None:
    language = room.controller.language
    said = SAID_BUSY[language]
    window = room.window
    room.pcs.pc("PC-01")
    busy = room.pcs.pc("PC-02")
    shell = visitor(busy)
    in_room(qtbot, room)
    qtbot.waitUntil(lambda: room.tile("PC-02") is not None, timeout=WAIT_MS)
    room.controller.select(room.pcs.ids.values())
    screen = window.room
    qtbot.mouseClick(screen.buttons["workshop"], LEFT)
    screen.ask.workshop_title.setText("Atelier CV")
    qtbot.mouseClick(screen.ask.confirm, LEFT)
    qtbot.waitUntil(screen.refusals.isVisible, timeout=WAIT_MS)
    lines = screen.refusals.text().split("\n")
    assert lines == [i18n.counted("workshop.refused", language, 1), said]
    texts = [screen.results.item(i).text() for i in range(screen.results.count())]
    assert any(
        t.startswith("PC-01") and t.endswith(i18n.text("result.done", language)) for t in texts
    )
    assert any(t.startswith("PC-02") and said.split(" ", 1)[1] in t for t in texts)
    assert busy.view().workshop_title is None  # the visitor's session goes on
    shell.close()


# -- the time left on the card is the PC's ---------------------------------------------


def statuses_settled(qtbot: Any, room: Room) -> int:
    """Wait until PC-01 has no status left to make or send and the console has taken every
    one it sent (a status due after a change is made a moment later, then travels); return
    how many the PC sent on this connection. The clocks of this test move only then: a
    status still on its way when the console's clock moves would come "later" than made."""
    pc, pc_id = room.pcs.pcs["PC-01"], room.pcs.ids["PC-01"]
    link = pc.agent.link
    assert link is not None
    hub = room.server.console.hub

    def settled() -> bool:
        sent = pc.call(lambda: link.statuses_sent if link.status_settled else None)
        return sent is not None and hub.statuses_taken(pc_id) == sent

    qtbot.waitUntil(settled, timeout=WAIT_MS)
    return pc.call(lambda: link.statuses_sent)


def minutes_said(seconds: int) -> int:
    """The whole minutes both the bar and the card say (rounded up)."""
    return -(-seconds // 60)


def test_the_cards_time_left_is_the_pcs_after_a_start_an_extension_and_a_reconnect(
    qtbot: Any, room: Room
) -> None:
    # The PC's clock and the console's are set apart: only their running together counts.
    pc = room.pcs.pc("PC-01")
    pc_id = room.pcs.ids["PC-01"]
    assert pc.clock.now().wall != room.server.clock.now()
    shell = visitor(pc)
    in_room(qtbot, room)
    qtbot.waitUntil(
        lambda: (
            room.tile("PC-01") is not None and room.tile("PC-01").view.kind is TileKind.IN_SESSION
        ),
        timeout=WAIT_MS,
    )
    clock = room.server.clock
    assert isinstance(clock, FakeClock)

    def agree(what: str) -> None:
        bar = pc.view().seconds_left
        assert bar is not None
        # The card redraws on its own clock (a quarter second): wait for it, then compare.
        qtbot.waitUntil(
            lambda: time_left(bar, FR) in room.tile("PC-01").detail.text(),
            timeout=WAIT_MS,
        )
        card = room.controller.seconds_left(pc_id)
        assert card is not None and abs(card - bar) <= 1, (what, card, bar)
        assert time_left(card, FR) in room.tile("PC-01").detail.text(), what
        assert shell_minutes(bar) == minutes_said(card), what

    def shell_minutes(seconds: int) -> int:
        # What the visitor's bar says: "Il reste 60 minutes"; its short form "60 min".
        assert str(minutes_said(seconds)) in shell_i18n.time_left(seconds, FR)
        return int(shell_i18n.time_left(seconds, FR, short=True).split()[0])

    agree("after the start")
    statuses_settled(qtbot, room)

    # Both clocks move on, the console's first: a status the PC makes on its move must not
    # reach a console still at the earlier time (real clocks move together).
    # 10 min 30 s later on both clocks: the card counts down itself.
    clock.advance(seconds=630)
    pc.advance(seconds=630)
    assert shell.request("activity").ok  # the visitor is typing
    agree("ten minutes later, no new status")
    # 50 s more, with no change on the PC: no status comes, the card counts on its own
    # and passes into the next minute with the bar.
    sent = statuses_settled(qtbot, room)
    clock.advance(seconds=50)
    pc.advance(seconds=50)
    agree("50 s later, no new status")
    assert statuses_settled(qtbot, room) == sent

    # The animator gives 15 minutes more.
    qtbot.mouseClick(room.tile("PC-01"), LEFT)
    before = pc.view().seconds_left
    assert before is not None
    qtbot.mouseClick(room.window.room.buttons["extend15"], LEFT)
    qtbot.waitUntil(
        lambda: (
            bool(room.controller.results) and room.controller.results[0].outcome.value != "sending"
        ),
        timeout=WAIT_MS,
    )
    pc.wait_until(lambda: (pc.agent.view().seconds_left or 0) > before + 14 * 60, 10, "+15 min")
    agree("after +15 min")

    # The PC's agent restarts (its session resumes) and links again.
    shell.close()
    pc = room.pcs.restart("PC-01")
    shell = ShellClient(pc.socket_path)
    shell.hello()  # the visitor's screen is back
    statuses_settled(qtbot, room)
    clock.advance(seconds=40)
    pc.advance(seconds=40)
    qtbot.waitUntil(lambda: room.tile("PC-01").view.kind is TileKind.IN_SESSION, timeout=WAIT_MS)
    agree("after a reconnect")
    shell.close()
