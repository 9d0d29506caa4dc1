"""The staff menu at a PC, on the real panel and a real agent over its socket.

The PIN is checked by the agent before the menu opens (a wrong PIN never shows the
actions, and counts as a wrong try at the agent's guard); the menu is in the staff's
language (the policy's, switchable on the panel), whatever language the visitor reads.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.kiosk_agent import AgentThread, staff_menu_policy
from helpers.kiosk_shell import (
    find_button,
    open_staff_key,
    type_pin,
    visible_texts,
    visitor_in_session,
)
from PySide6.QtCore import Qt

from kiosk.core.model import State
from kiosk.shell import i18n
from kiosk.shell.controller import ShellController
from kiosk.shell.viewmodel import Screen
from kiosk.shell.window import MainWindow
from policies import Language, StaffLanguage

LEFT = Qt.MouseButton.LeftButton
PIN = "2468"
AR, NL, EN = Language.AR, Language.NL, Language.EN


@pytest.fixture
def agent() -> Iterator[AgentThread]:
    """A real agent with an animator PIN, its staff menu in Dutch."""
    policy = staff_menu_policy(StaffLanguage.NL)
    with AgentThread(policy=policy, animator_pin=PIN) as running:
        yield running


@pytest.fixture
def shell_window(agent: AgentThread, qtbot) -> Iterator[tuple[ShellController, MainWindow]]:
    """The real shell on ``agent``, a visitor in session in Arabic."""
    with visitor_in_session(qtbot, agent.socket_path, AR) as (shell, window):
        yield shell, window


def test_a_wrong_pin_never_opens_the_staff_menu_and_counts_as_a_wrong_try(
    agent: AgentThread, shell_window: tuple[ShellController, MainWindow], qtbot
) -> None:
    shell, window = shell_window
    page = open_staff_key(shell, window, qtbot)
    type_pin(page, "1111", qtbot)
    qtbot.waitUntil(lambda: shell.local.error is not None, timeout=10_000)
    assert shell.local.error is not None and shell.local.error.code == "wrong_pin"
    assert i18n.error_text("wrong_pin", NL) in visible_texts(window)
    assert page.steps.currentIndex() == 0 and page.pin.text() == ""
    for button in (page.extend_15, page.end, page.lock):
        assert not button.isVisibleTo(window), "the actions stay hidden"

    def wrong_tries() -> int:
        store = agent.open_store()
        try:
            return store.wrong_tries("animator").count
        finally:
            store.close()

    assert wrong_tries() == 1, "a wrong PIN at the panel is a wrong try at the agent"


def test_the_staff_menu_is_in_the_staffs_language_and_can_be_switched(
    agent: AgentThread, shell_window: tuple[ShellController, MainWindow], qtbot
) -> None:
    shell, window = shell_window
    page = open_staff_key(shell, window, qtbot)
    # The visitor reads Arabic; the animator reads the room's staff language, left to right.
    assert i18n.tr("staff_pin_title", NL) in visible_texts(window)
    assert page.layoutDirection() == Qt.LayoutDirection.LeftToRight
    qtbot.mouseClick(page.keypad.ok, LEFT)
    assert i18n.error_text("empty_staff_pin", NL) in visible_texts(window), "empty: told"
    type_pin(page, PIN, qtbot)
    qtbot.waitUntil(lambda: shell.local.staff_unlocked, timeout=10_000)
    assert page.steps.currentIndex() == 1
    assert i18n.tr("extend_by", NL, n=15) in visible_texts(window)
    qtbot.mouseClick(page.languages[EN], LEFT)
    assert i18n.tr("extend_by", EN, n=15) in visible_texts(window)
    assert i18n.tr("extend_by", NL, n=15) not in visible_texts(window)
    before = shell.view.seconds_left if shell.view is not None else 0
    assert before is not None
    qtbot.mouseClick(find_button(window, i18n.tr("extend_by", EN, n=15)), LEFT)
    qtbot.waitUntil(lambda: shell.screen is Screen.SESSION, timeout=10_000)
    qtbot.waitUntil(
        lambda: shell.view is not None and (shell.view.seconds_left or 0) > before + 14 * 60,
        timeout=5000,
    )
    # The visitor's screen is still in Arabic.
    assert shell.language is AR and agent.engine_state() is State.ACTIVE
