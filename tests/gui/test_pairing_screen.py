"""Connecting a new PC to the console from its own screen: the real shell on a real agent
over its socket, a real console over TLS announced on the loopback network. Staff open it
from their menu past the PIN, pick the console found, type the code, and read what
happened; visitors never reach it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread, open_all_day_policy
from helpers.kiosk_shell import find_button, running_shell, visible_texts
from helpers.room_link import FAST, wait_linked
from helpers.shell_scenes import sample_view
from PySide6.QtCore import Qt

from admin_console.api.staff import Role
from admin_console.server.announce import Announcement
from epn_shared.pairing import PairingCode, new_pairing_code
from kiosk.agent.console_pairing import DiscoveryOptions
from kiosk.core.model import State
from kiosk.shell import i18n
from kiosk.shell.controller import ShellController
from kiosk.shell.screens import AnimatorPage, LanguagePage, PairingPage
from kiosk.shell.viewmodel import (
    LocalState,
    Screen,
    pairing_code_problem,
    pairing_code_typing,
    screen_for,
)
from kiosk.shell.window import MainWindow
from policies import Language, StaffLanguage, StaffRules

LEFT = Qt.MouseButton.LeftButton
PIN = "2468"
EN, AR = Language.EN, Language.AR
EPN_NAME = "EPN Saint-Gilles"
LOOPBACK = DiscoveryOptions(seconds=5, interfaces=("127.0.0.1",))


@pytest.fixture
def console(tmp_path: Path) -> Iterator[ConsoleServer]:
    with ConsoleServer(tmp_path / "console", tls=True) as server:
        announced = Announcement("127.0.0.1", server.port, EPN_NAME)
        try:
            yield server
        finally:
            announced.close()


@pytest.fixture
def admin(console: ConsoleServer) -> StaffLogin:
    return console.add_staff("ada", Role.ADMIN)


@pytest.fixture
def agent() -> Iterator[AgentThread]:
    """A new PC, not paired, with an animator PIN; its staff read English."""
    policy = open_all_day_policy().model_copy(
        update={"staff": StaffRules(language=StaffLanguage.EN)}
    )
    options = {"link_options": FAST, "discovery": LOOPBACK}
    with AgentThread(
        policy=policy, animator_pin=PIN, pc_name="PC-07", agent_options=options
    ) as running:
        yield running


@pytest.fixture
def shell_window(agent: AgentThread, qtbot) -> Iterator[tuple[ShellController, MainWindow]]:
    """The real shell on ``agent``, back on its first screen after a visitor picked Arabic."""
    with running_shell(qtbot, agent.socket_path, AR) as (shell, window):
        qtbot.mouseClick(find_button(window, i18n.tr("back", AR)), LEFT)
        # The first screen, in Arabic, right to left: where the staff key is.
        assert shell.screen is Screen.LANGUAGE and shell.language is AR
        yield shell, window


def new_code(console: ConsoleServer, admin: StaffLogin) -> str:
    with console.client(admin) as http:
        return str(http.post("/api/pairing-codes").json()["code"])


def staff_menu(shell: ShellController, window: MainWindow, qtbot) -> AnimatorPage:
    first = window.pages[Screen.LANGUAGE]
    assert isinstance(first, LanguagePage)
    qtbot.mouseClick(first.staff, LEFT)
    page = window.pages[Screen.ANIMATOR]
    assert isinstance(page, AnimatorPage)
    for digit in PIN:
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    qtbot.mouseClick(page.keypad.ok, LEFT)
    qtbot.waitUntil(lambda: shell.local.staff_unlocked, timeout=10_000)
    return page


def pairing_screen(shell: ShellController, window: MainWindow, qtbot) -> PairingPage:
    """Staff open the pairing screen from their menu: the consoles are looked for."""
    staff_menu(shell, window, qtbot)
    qtbot.mouseClick(find_button(window, i18n.tr("pair_open", EN)), LEFT)
    assert shell.screen is Screen.PAIRING
    page = window.pages[Screen.PAIRING]
    assert isinstance(page, PairingPage)
    return page


def type_code(page: PairingPage, code: str, qtbot) -> None:
    page.code.clear()
    qtbot.keyClicks(page.code, code)


def test_staff_pick_the_console_found_type_the_code_and_the_pc_is_connected(
    console: ConsoleServer,
    admin: StaffLogin,
    agent: AgentThread,
    shell_window: tuple[ShellController, MainWindow],
    qtbot,
) -> None:
    shell, window = shell_window
    page = pairing_screen(shell, window, qtbot)
    # In the staff's language, left to right, though the visitor picked Arabic.
    assert page.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert i18n.tr("pair_searching", EN) in visible_texts(window)
    qtbot.waitUntil(lambda: console.url in page.found_buttons, timeout=20_000)
    qtbot.mouseClick(find_button(window, f"{EPN_NAME}\n{console.url[8:]}"), LEFT)
    assert page.found_buttons[console.url].isChecked()

    # A code mistyped: refused, and spent (the console says it needs a new one).
    spent = PairingCode.parse(new_code(console, admin))
    type_code(page, PairingCode(spent.code_id, new_pairing_code().secret).plain.lower(), qtbot)
    assert len(page.code.text()) == 11 and page.code.text()[5] == "-", "grouped as shown"
    qtbot.mouseClick(page.connect_button, LEFT)
    qtbot.waitUntil(lambda: shell.local.error is not None, timeout=20_000)
    assert i18n.error_text("pairing_not_proved", EN) in visible_texts(window)
    type_code(page, spent.text, qtbot)
    assert shell.local.error is None, "typing again clears the refusal"
    qtbot.mouseClick(page.connect_button, LEFT)
    qtbot.waitUntil(lambda: shell.local.error is not None, timeout=20_000)
    assert i18n.error_text("pairing_code_refused", EN) in visible_texts(window)
    assert not (agent.data_dir / "console.json").exists()

    # The new code the console made: connected, said with the console's name.
    type_code(page, new_code(console, admin), qtbot)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.local.paired_with is not None, timeout=20_000)
    assert i18n.tr("pair_done", EN, name=EPN_NAME) in visible_texts(window)
    wait_linked(agent)  # no restart
    qtbot.mouseClick(find_button(window, i18n.tr("close", EN)), LEFT)
    assert window.screen_shown is Screen.LANGUAGE and shell.language is AR

    # Paired: the staff menu no longer offers it.
    qtbot.waitUntil(lambda: shell.view is not None and shell.view.console_paired, timeout=5000)
    menu = staff_menu(shell, window, qtbot)
    assert not menu.pair.isVisibleTo(window)


def test_a_code_that_is_not_one_is_said_at_once_and_never_sent(
    console: ConsoleServer,
    admin: StaffLogin,
    shell_window: tuple[ShellController, MainWindow],
    qtbot,
) -> None:
    shell, window = shell_window
    page = pairing_screen(shell, window, qtbot)
    qtbot.waitUntil(lambda: not shell.local.searching, timeout=20_000)
    code = new_code(console, admin)
    qtbot.keyClicks(page.address, f"127.0.0.1:{console.port}")  # typed: not the list's
    assert page.chosen is None
    type_code(page, code[:7], qtbot)
    qtbot.mouseClick(page.connect_button, LEFT)
    assert i18n.error_text("bad_pairing_code", EN) in visible_texts(window)
    assert not shell.local.busy, "nothing was sent"
    # The code is still good: typed whole, it pairs.
    type_code(page, code, qtbot)
    qtbot.mouseClick(page.connect_button, LEFT)
    qtbot.waitUntil(lambda: shell.local.paired_with is not None, timeout=20_000)
    assert shell.local.paired_with == EPN_NAME, "the address typed is the console found's"


def test_the_pairing_screen_is_never_shown_without_the_staff_pin() -> None:
    view = sample_view(State.WAITING)
    for local in (
        LocalState(pairing_open=True),
        LocalState(animator_open=True, pairing_open=True),
    ):
        assert screen_for(view, True, local) is not Screen.PAIRING
    unlocked = LocalState(animator_open=True, pairing_open=True, staff_unlocked=True)
    assert screen_for(view, True, unlocked) is Screen.PAIRING


def test_a_code_is_shown_as_the_console_shows_it() -> None:
    assert pairing_code_typing("k7qx2m9pta") == "K7QX2-M9PTA"
    assert pairing_code_typing("k7 qx") == "K7QX"
    assert pairing_code_typing("K7QX2-M9PTA-XYZ") == "K7QX2-M9PTA"
    assert pairing_code_problem("") == "empty_pairing_code"
    assert pairing_code_problem("K7QX2-M9PT0") == "bad_pairing_code"  # no 0 in a code
    assert pairing_code_problem("k7qx2 m9pta") is None
