"""An animator's clicks in the console window reach a visitor's screen, through every real
process in between.

The console server, three kiosk agents (sandbox, each enrolled with a pairing code) and two
shells run as their own processes (the demo room's orchestration); the console window and
PC-01's shell run here, offscreen, so the test can click the one and read the other. The
animator selects PC-01, gives 15 minutes more, sends a message, ends the session: the
visitor sees the new time, the message, and the receipt of the erased session.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.kiosk_shell import FakeSpeaker, agent_shell, find_button, visible_texts
from PySide6.QtCore import Qt

from admin_console.gui.client import Endpoint
from admin_console.gui.controller import ConsoleController
from admin_console.gui.viewmodel import Outcome, TileKind
from admin_console.gui.window import ConsoleWindow
from installer.demo.room import DEMO_ANIMATOR, PC_NAMES, DemoRoom
from kiosk.core.model import State
from kiosk.shell import i18n
from kiosk.shell.controller import ShellController
from kiosk.shell.ipc_client import AgentClient
from kiosk.shell.viewmodel import Screen
from kiosk.shell.window import MainWindow
from policies import Language

pytestmark = pytest.mark.slow

LEFT = Qt.MouseButton.LeftButton
FR = Language.FR
WAIT_MS = 15_000


@dataclass
class Visitor:
    """PC-01's real shell, in this process."""

    client: AgentClient
    shell: ShellController
    window: MainWindow

    def texts(self) -> list[str]:
        """What the visitor can read on the screen now."""
        return visible_texts(self.window)

    def seconds_left(self) -> int:
        """The time left the agent last pushed."""
        view = self.shell.view
        assert view is not None and view.seconds_left is not None
        return view.seconds_left


@dataclass
class Staff:
    """The console window, in this process."""

    controller: ConsoleController
    window: ConsoleWindow


@pytest.fixture
def room() -> Iterator[DemoRoom]:
    """The console, three agents and the shells of PC-02 and PC-03, as processes."""
    folder = Path(tempfile.mkdtemp(prefix="epn"))  # short: unix socket paths
    running = DemoRoom(folder, port=0, gui=False, shell_for=PC_NAMES[1:], say=lambda _: None)
    try:
        yield running.start()
    finally:
        pids = [child.pid for child in running.children]
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)
        assert not [p for p in pids if Path(f"/proc/{p}").exists()], "a process was left"


@pytest.fixture
def visitor(qtbot: Any, room: DemoRoom) -> Iterator[Visitor]:
    client, shell, window = agent_shell(qtbot, room.sockets["PC-01"], FakeSpeaker())
    client.start()
    try:
        yield Visitor(client, shell, window)
    finally:
        client.stop()


@pytest.fixture
def staff(qtbot: Any, room: DemoRoom) -> Iterator[Staff]:
    controller = ConsoleController(Endpoint.parse(room.url, None, insecure_http=True), FR)
    window = ConsoleWindow(controller)
    qtbot.addWidget(window)
    window.show()
    try:
        yield Staff(controller, window)
    finally:
        controller.feed.stop()


def test_an_animator_extends_messages_and_ends_a_visitor_session(
    qtbot: Any, room: DemoRoom, visitor: Visitor, staff: Staff
) -> None:
    # A visitor walks in at PC-01 and accepts the house rules.
    qtbot.waitUntil(lambda: visitor.shell.screen is Screen.LANGUAGE, timeout=WAIT_MS)
    qtbot.mouseClick(find_button(visitor.window, FR.native_name), LEFT)
    qtbot.mouseClick(find_button(visitor.window, i18n.tr("mode_walk_in", FR)), LEFT)
    qtbot.waitUntil(lambda: visitor.shell.screen is Screen.RULES, timeout=WAIT_MS)
    qtbot.mouseClick(find_button(visitor.window, i18n.tr("accept", FR)), LEFT)
    # The session opens on the launcher when the PC has the demo's programs; Close shows
    # the bar.
    opened = (Screen.LAUNCHER, Screen.SESSION)
    qtbot.waitUntil(lambda: visitor.shell.screen in opened, timeout=WAIT_MS)
    if visitor.shell.screen is Screen.LAUNCHER:
        qtbot.mouseClick(find_button(visitor.window, i18n.tr("close", FR)), LEFT)
    qtbot.waitUntil(lambda: visitor.shell.screen is Screen.SESSION, timeout=WAIT_MS)
    before = visitor.seconds_left()

    # The animator logs in and sees the room: three PCs online, PC-01 in session.
    login = staff.window.login
    login.username.setText(DEMO_ANIMATOR[0])
    login.password.setText(DEMO_ANIMATOR[1])
    qtbot.mouseClick(login.submit, LEFT)
    tiles = staff.window.room.tiles
    pc01 = room.kiosk_ids["PC-01"]

    def room_shown() -> bool:
        kinds = {pc_id: tile.view.kind for pc_id, tile in tiles.items()}
        return (
            len(kinds) == 3
            and kinds[pc01] is TileKind.IN_SESSION
            and all(kind is not TileKind.OFFLINE for kind in kinds.values())
        )

    qtbot.waitUntil(room_shown, timeout=WAIT_MS)
    assert sorted(tile.view.name for tile in tiles.values()) == list(PC_NAMES)

    qtbot.mouseClick(tiles[pc01], LEFT)
    assert staff.controller.selected == {pc01}
    buttons = staff.window.room.buttons

    def done() -> bool:
        results = staff.controller.results  # a new list for each action
        return len(results) == 1 and results[0].outcome is Outcome.DONE

    # +15 minutes: the visitor's bar shows the new time.
    qtbot.mouseClick(buttons["extend15"], LEFT)
    qtbot.waitUntil(lambda: visitor.seconds_left() > before + 14 * 60, timeout=WAIT_MS)
    left, minutes = visitor.seconds_left(), -(-before // 60) + 15
    # In full, or only the count ("75 min") when the bar is short of room.
    forms = {i18n.time_left(left, FR), i18n.time_left(left, FR, short=True)}
    shown = forms & set(visitor.texts())
    assert shown, visitor.texts()
    assert all(str(minutes) in text for text in shown)
    qtbot.waitUntil(done, timeout=WAIT_MS)

    # A message: the visitor reads it, then closes it.
    qtbot.mouseClick(buttons["message"], LEFT)
    ask = staff.window.room.ask
    ask.text.setText("L'atelier CV commence dans 5 minutes.")
    qtbot.mouseClick(ask.confirm, LEFT)
    qtbot.waitUntil(lambda: visitor.shell.screen is Screen.MESSAGE, timeout=WAIT_MS)
    assert "L'atelier CV commence dans 5 minutes." in visitor.texts()
    assert i18n.tr("message_title", FR) in visitor.texts()
    qtbot.mouseClick(find_button(visitor.window, i18n.tr("ok", FR)), LEFT)
    qtbot.waitUntil(lambda: visitor.shell.screen is Screen.SESSION, timeout=WAIT_MS)

    # The animator ends the session: the visitor sees that their data was erased.
    qtbot.mouseClick(buttons["end"], LEFT)
    qtbot.mouseClick(ask.reason_buttons[1], LEFT)
    qtbot.mouseClick(ask.confirm, LEFT)
    qtbot.waitUntil(lambda: visitor.shell.screen is Screen.DONE, timeout=WAIT_MS)
    view = visitor.shell.view
    assert view is not None and view.state is State.DONE and view.receipt is not None
    assert i18n.tr("done_title", FR) in visitor.texts()
    assert i18n.erased_summary(view.receipt.erased, FR) in visitor.texts()
    qtbot.waitUntil(done, timeout=WAIT_MS)
    # The console's tile leaves "in session" by itself.
    qtbot.waitUntil(lambda: tiles[pc01].view.kind is not TileKind.IN_SESSION, timeout=WAIT_MS)
