"""What the kiosk shell makes of a typed ticket code, before the agent sees it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from epn_shared.ticket_codes import make_code
from kiosk.shell.viewmodel import ticket_typing, ticket_typo

CODE = "4821215203033944"


def test_digits_are_grouped_by_four_and_nothing_else_is_kept() -> None:
    assert ticket_typing("") == ""
    assert ticket_typing("4821") == "4821"
    assert ticket_typing("48212") == "4821 2"
    assert ticket_typing(" 4821-2152 0303x3944 ") == "4821 2152 0303 3944"
    assert ticket_typing(CODE + "77") == "4821 2152 0303 3944"
    assert ticket_typing("٤٨٢١۲") == "4821 2"  # Arabic-Indic and Persian digits


@given(
    st.integers(0, 999), st.sampled_from(range(5, 496, 5)), st.integers(0, 15), st.integers(1, 9)
)
def test_a_code_with_one_wrong_digit_is_a_typo_and_the_right_one_is_not(
    serial: int, minutes: int, position: int, change: int
) -> None:

    code = make_code(bytes(32), serial, minutes, dt.date(2026, 12, 3))
    assert not ticket_typo(ticket_typing(code))
    wrong = code[:position] + str((int(code[position]) + change) % 10) + code[position + 1 :]
    assert ticket_typo(ticket_typing(wrong))


def test_other_lengths_are_left_to_the_agent() -> None:
    assert not ticket_typo("1234 5678")  # a PC's own code
    assert not ticket_typo("1234 5678 9012 345")
    assert not ticket_typo("")
