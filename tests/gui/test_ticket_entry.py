"""Typing a ticket code at the kiosk: digits grouped by four as printed, and a mistyped
digit told at once in the visitor's language, without asking the agent (not a try)."""

from __future__ import annotations

from helpers.kiosk_shell import Kiosk, find_button
from helpers.shell_scenes import sample_view
from PySide6.QtCore import Qt

from kiosk.core.model import State
from kiosk.core.protocol import Login
from kiosk.shell.viewmodel import Screen
from policies import LoginMode

LEFT = Qt.MouseButton.LeftButton
CODE = "4821215203033944"
"""A code whose Damm digit is right (the last one)."""
TYPO = "4821215203303944"
"""The same with two neighbouring digits swapped (…0303… typed …0330…)."""


def _ticket_page(kiosk: Kiosk, qtbot, language: str):  # type: ignore[no-untyped-def]
    kiosk.show(sample_view(State.WAITING))
    qtbot.mouseClick(find_button(kiosk.window, language), LEFT)
    mode = {"Français": "J'ai un ticket", "العربية": "لديّ تذكرة", "English": "I have a ticket"}
    qtbot.mouseClick(find_button(kiosk.window, mode[language]), LEFT)
    return kiosk.window.pages[Screen.TICKET]


def test_digits_typed_on_the_keypad_are_grouped_as_printed(kiosk: Kiosk, qtbot) -> None:
    page = _ticket_page(kiosk, qtbot, "Français")
    field = page.fields[0][1]
    for digit in CODE[:5]:
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    assert field.text() == "4821 2"
    qtbot.mouseClick(page.keypad.erase, LEFT)
    qtbot.mouseClick(page.keypad.erase, LEFT)
    assert field.text() == "482"
    for digit in CODE[3:] + "99":  # two digits too many: a code has 16
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    assert field.text() == "4821 2152 0303 3944"
    qtbot.mouseClick(page.keypad.ok, LEFT)
    (login,) = kiosk.agent.of_type(Login)
    assert login.mode is LoginMode.TICKET
    assert login.code is not None and login.code.replace(" ", "") == CODE


def test_a_mistyped_code_is_told_at_once_and_not_sent(kiosk: Kiosk, qtbot) -> None:
    page = _ticket_page(kiosk, qtbot, "Français")
    qtbot.keyClicks(page.fields[0][1], "4821-2152-0330-3944")
    assert page.fields[0][1].text() == "4821 2152 0330 3944"
    qtbot.mouseClick(page.keypad.ok, LEFT)
    assert kiosk.agent.of_type(Login) == []
    assert page.error.text() == "Vérifiez le code, un chiffre est faux."
    # Correcting it clears the sentence.
    qtbot.mouseClick(page.keypad.erase, LEFT)
    assert not page.error.text()


def test_the_typo_sentence_is_in_arabic_and_the_code_reads_left_to_right(
    kiosk: Kiosk, qtbot
) -> None:
    page = _ticket_page(kiosk, qtbot, "العربية")
    field = page.fields[0][1]
    # Arabic-Indic digits from an Arabic keyboard are the same digits (inserted as an input
    # method would: QTest has no key for them).
    field.setFocus()
    field.insert("".join(chr(0x660 + int(d)) for d in TYPO))
    assert field.text() == "4821 2152 0330 3944"
    assert field.layoutDirection() == Qt.LayoutDirection.LeftToRight
    qtbot.mouseClick(page.keypad.ok, LEFT)
    assert kiosk.agent.of_type(Login) == []
    assert page.error.text() == "تحققوا من الرمز، أحد الأرقام خاطئ."


def test_a_pcs_own_eight_digit_code_goes_to_the_agent(kiosk: Kiosk, qtbot) -> None:
    # A PC without a console makes 8-digit codes (no check digit): the agent decides.
    page = _ticket_page(kiosk, qtbot, "English")
    qtbot.keyClicks(page.fields[0][1], "1234-5678")
    qtbot.mouseClick(page.keypad.ok, LEFT)
    (login,) = kiosk.agent.of_type(Login)
    assert login.code == "1234 5678"
