"""The staff menu of a PC whose console sent its staff, on the real shell window and a real
agent over its socket: each person touches their name, types their own PIN, and the menu
greets them by name in their own language; closed, the visitor's language is back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

from epn_shared.protocol import RosterEntry, StaffRoster
from kiosk.agent.credentials import hash_pin
from kiosk.core.model import State
from kiosk.shell import i18n
from kiosk.shell.controller import ShellController
from kiosk.shell.viewmodel import Screen
from kiosk.shell.window import MainWindow
from policies import Language, StaffLanguage

LEFT = Qt.MouseButton.LeftButton
AR, FR, NL, EN = Language.AR, Language.FR, Language.NL, Language.EN
PC_PIN, FATIMA_PIN, JAN_PIN = "2468", "592816", "730164"


def roster(*people: tuple[int, str, str, str]) -> StaffRoster:
    """A roster of ``(id, name, language, pin)``, as the console sends it."""
    return StaffRoster(
        revision=1,
        staff=tuple(
            RosterEntry(id=i, name=name, language=lang, pin_hash=hash_pin(pin))
            for i, name, lang, pin in people
        ),
    )


@pytest.fixture
def agent() -> Iterator[AgentThread]:
    """A real agent with its own PIN, its room's staff menu in English."""
    policy = staff_menu_policy(StaffLanguage.EN)
    with AgentThread(policy=policy, animator_pin=PC_PIN) as running:
        yield running


def give_roster(agent: AgentThread, frame: StaffRoster) -> None:
    """The console's roster reaches the agent (as its link hands it over)."""
    agent.call(lambda: agent.agent.console.console_roster(frame))


@pytest.fixture
def shell_window(agent: AgentThread, qtbot: Any) -> Iterator[tuple[ShellController, MainWindow]]:
    """The real shell on ``agent``, a visitor in session in Arabic."""
    with visitor_in_session(qtbot, agent.socket_path, AR) as (shell, window):
        yield shell, window


def test_a_staff_member_touches_their_name_types_their_pin_and_is_greeted_in_their_language(
    agent: AgentThread, shell_window: tuple[ShellController, MainWindow], qtbot: Any
) -> None:
    shell, window = shell_window
    give_roster(agent, roster((1, "Fatima", "fr", FATIMA_PIN), (2, "Jan", "nl", JAN_PIN)))
    qtbot.waitUntil(lambda: shell.view is not None and len(shell.view.staff) == 2, timeout=5000)
    page = open_staff_key(shell, window, qtbot)
    assert i18n.tr("staff_who", EN) in visible_texts(window)
    assert {b.label for b in page.name_buttons.values() if b.isVisibleTo(window)} == {
        "Fatima",
        "Jan",
    }

    # A PIN before a name: the screen asks for the name, nothing is sent.
    type_pin(page, FATIMA_PIN, qtbot)
    assert i18n.error_text("empty_staff_name", EN) in visible_texts(window)
    assert not shell.local.staff_unlocked

    qtbot.mouseClick(page.name_buttons[1], LEFT)
    assert page.name_buttons[1].isChecked() and not page.name_buttons[2].isChecked()
    assert page.pin.text() == FATIMA_PIN  # what she typed is kept: OK is enough
    qtbot.mouseClick(page.keypad.ok, LEFT)
    qtbot.waitUntil(lambda: shell.local.staff_unlocked, timeout=10_000)
    assert page.title.text() == "Bonjour Fatima" == i18n.tr("staff_hello", FR, name="Fatima")
    assert i18n.tr("extend_by", FR, n=15) in visible_texts(window)
    assert i18n.tr("extend_by", EN, n=15) not in visible_texts(window)

    qtbot.mouseClick(page.cancel, LEFT)
    qtbot.waitUntil(lambda: shell.screen is Screen.SESSION, timeout=5000)
    assert shell.language is AR  # the visitor's screen, in the visitor's language
    assert i18n.tr("staff_hello", FR, name="Fatima") not in visible_texts(window)

    # The next one is Jan, in Dutch: Fatima's name and language are not kept for him.
    page = open_staff_key(shell, window, qtbot)
    assert i18n.tr("staff_who", EN) in visible_texts(window)
    assert not any(b.isChecked() for b in page.name_buttons.values())
    qtbot.mouseClick(page.name_buttons[2], LEFT)
    type_pin(page, FATIMA_PIN, qtbot)  # her PIN, his name: refused
    qtbot.waitUntil(lambda: shell.local.error is not None, timeout=10_000)
    assert shell.local.error is not None and shell.local.error.code == "wrong_pin"
    assert not shell.local.staff_unlocked
    type_pin(page, JAN_PIN, qtbot)
    qtbot.waitUntil(lambda: shell.local.staff_unlocked, timeout=10_000)
    assert page.title.text() == "Hallo Jan"
    before = shell.view.seconds_left if shell.view is not None else None
    assert before is not None
    qtbot.mouseClick(find_button(window, i18n.tr("extend_by", NL, n=15)), LEFT)
    qtbot.waitUntil(lambda: shell.screen is Screen.SESSION, timeout=10_000)
    qtbot.waitUntil(
        lambda: shell.view is not None and (shell.view.seconds_left or 0) > before + 14 * 60,
        timeout=5000,
    )
    assert shell.language is AR and agent.engine_state() is State.ACTIVE
    audit = agent.call(agent.agent.store.audit_entries)
    assert (audit[-1].actor_name, audit[-1].action) == ("Jan (staff 2)", "extend")


def test_the_only_person_on_the_roster_is_chosen_already_and_the_pcs_own_pin_is_refused(
    agent: AgentThread, shell_window: tuple[ShellController, MainWindow], qtbot: Any
) -> None:
    shell, window = shell_window
    give_roster(agent, roster((1, "Fatima", "fr", FATIMA_PIN)))
    qtbot.waitUntil(lambda: shell.view is not None and len(shell.view.staff) == 1, timeout=5000)
    page = open_staff_key(shell, window, qtbot)
    assert page.name_buttons[1].isChecked()  # nobody else to choose
    type_pin(page, PC_PIN, qtbot)
    qtbot.waitUntil(lambda: shell.local.error is not None, timeout=10_000)
    assert shell.local.error is not None and shell.local.error.code == "wrong_pin"
    type_pin(page, FATIMA_PIN, qtbot)
    qtbot.waitUntil(lambda: shell.local.staff_unlocked, timeout=10_000)
    assert page.title.text() == "Bonjour Fatima"


def test_without_a_roster_the_pin_screen_asks_no_name(
    shell_window: tuple[ShellController, MainWindow], qtbot: Any
) -> None:
    shell, window = shell_window
    page = open_staff_key(shell, window, qtbot)
    assert i18n.tr("staff_who", EN) not in visible_texts(window)
    assert not page.names.isVisibleTo(window)
    type_pin(page, PC_PIN, qtbot)
    qtbot.waitUntil(lambda: shell.local.staff_unlocked, timeout=10_000)
    assert page.title.text() == i18n.tr("staff_actions", EN)  # no name to greet
