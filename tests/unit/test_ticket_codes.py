"""Signed ticket codes: what a kiosk can check on its own when the console is away."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin_console.protocol.tickets import (
    CODE_DIGITS,
    TicketCodeError,
    code_digest,
    grouped,
    make_code,
    normalise,
    read_code,
)

KEY = bytes(range(32))
TODAY = dt.date(2026, 11, 22)


@given(
    serial=st.integers(0, 999),
    minutes=st.sampled_from(range(5, 496, 5)),
    ahead=st.integers(0, 3 * 365),
)
def test_a_code_tells_a_kiosk_its_minutes_and_last_week(serial: int, minutes: int, ahead: int):
    last_day = TODAY + dt.timedelta(days=ahead)
    code = make_code(KEY, serial, minutes, last_day)
    ticket = read_code(KEY, grouped(code), TODAY)
    assert ticket is not None
    assert ticket.minutes == minutes
    # Offline, a ticket lasts to the end of its expiry week: never less, at most 6 days more.
    assert last_day <= ticket.last_day <= last_day + dt.timedelta(days=6)
    assert ticket.last_day.weekday() == 6
    assert not ticket.expired(last_day)
    assert ticket.expired(ticket.last_day + dt.timedelta(days=1))
    assert ticket.digest == code_digest(code)


def test_an_expired_ticket_reads_as_expired_for_years_after():
    code = make_code(KEY, 7, 30, dt.date(2026, 1, 10))
    for years in (0, 1, 5, 8):
        ticket = read_code(KEY, code, TODAY + dt.timedelta(days=365 * years))
        assert ticket is not None and ticket.expired(TODAY + dt.timedelta(days=365 * years))


def test_a_code_made_under_another_key_is_refused():
    code = make_code(secrets.token_bytes(32), 1, 60, TODAY)
    assert read_code(KEY, code, TODAY) is None


@given(st.integers(0, CODE_DIGITS - 1), st.integers(1, 9))
def test_one_mistyped_digit_is_caught(position: int, change: int):
    code = make_code(KEY, 123, 45, TODAY)
    wrong = code[:position] + str((int(code[position]) + change) % 10) + code[position + 1 :]
    assert read_code(KEY, wrong, TODAY) is None


def test_random_guesses_rarely_pass():
    hits = sum(
        read_code(KEY, f"{secrets.randbelow(10**12):012d}", TODAY) is not None
        for _ in range(20_000)
    )
    # One guess in 10,000 (fewer: minutes 00 is never valid); 20,000 guesses give ~2.
    assert hits <= 12


@pytest.mark.parametrize(
    "typed", ["", "1234", "12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"]
)
def test_what_cannot_be_a_code_is_refused(typed: str):
    assert normalise(typed) is None
    assert read_code(KEY, typed, TODAY) is None


def test_dashes_and_spaces_are_ignored():
    code = make_code(KEY, 5, 30, TODAY)
    assert normalise(f" {code[:3]} {code[3:6]}-{code[6:]} ") == code


@pytest.mark.parametrize(
    ("serial", "minutes"), [(-1, 30), (1000, 30), (1, 0), (1, 7), (1, 500), (1, -5)]
)
def test_values_a_code_cannot_carry_are_refused(serial: int, minutes: int):
    with pytest.raises(TicketCodeError):
        make_code(KEY, serial, minutes, TODAY)


def test_a_short_key_is_refused():
    with pytest.raises(TicketCodeError):
        make_code(b"short", 1, 30, TODAY)
