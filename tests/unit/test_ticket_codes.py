"""Signed ticket codes: what a kiosk can check on its own when the console is away, and
what it can tell at once is a typing mistake."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epn_shared.ticket_codes import (
    CODE_DIGITS,
    MAC_SPACE,
    TicketCodeError,
    code_digest,
    damm_digit,
    grouped,
    make_code,
    normalise,
    read_code,
    typo_ok,
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
    assert len(code) == CODE_DIGITS == 16
    assert typo_ok(code)
    ticket = read_code(KEY, grouped(code), TODAY)
    assert ticket is not None
    assert ticket.minutes == minutes
    # Offline, a ticket lasts to the end of its expiry week: never less, at most 6 days more.
    assert last_day <= ticket.last_day <= last_day + dt.timedelta(days=6)
    assert ticket.last_day.weekday() == 6
    assert not ticket.expired(last_day)
    assert ticket.expired(ticket.last_day + dt.timedelta(days=1))
    assert ticket.digest == code_digest(code)


def test_a_code_is_printed_in_four_groups_and_read_with_spaces_dashes_or_nothing():
    code = make_code(KEY, 5, 30, TODAY)
    printed = grouped(code)
    assert printed == f"{code[:4]} {code[4:8]} {code[8:12]} {code[12:]}"
    for typed in (printed, printed.replace(" ", "-"), code, f" {code[:6]} {code[6:]}-\t"):
        assert normalise(typed) == code
        assert read_code(KEY, typed, TODAY) is not None


def test_an_expired_ticket_reads_as_expired_for_years_after():
    code = make_code(KEY, 7, 30, dt.date(2026, 1, 10))
    for years in (0, 1, 5, 8):
        ticket = read_code(KEY, code, TODAY + dt.timedelta(days=365 * years))
        assert ticket is not None and ticket.expired(TODAY + dt.timedelta(days=365 * years))


def test_a_code_made_under_another_key_is_refused_though_it_passes_the_typo_check():
    code = make_code(secrets.token_bytes(32), 1, 60, TODAY)
    assert typo_ok(code)
    assert read_code(KEY, code, TODAY) is None


@given(st.integers(0, CODE_DIGITS - 1), st.integers(1, 9))
def test_every_single_mistyped_digit_is_a_typo(position: int, change: int):
    code = make_code(KEY, 123, 45, TODAY)
    wrong = code[:position] + str((int(code[position]) + change) % 10) + code[position + 1 :]
    assert not typo_ok(wrong)
    assert read_code(KEY, wrong, TODAY) is None


@given(st.integers(0, 999), st.integers(0, CODE_DIGITS - 2))
def test_every_swap_of_two_neighbouring_digits_is_a_typo(serial: int, position: int):
    code = make_code(KEY, serial, 60, TODAY)
    a, b = code[position], code[position + 1]
    if a == b:
        return  # the same code
    swapped = code[:position] + b + a + code[position + 2 :]
    assert not typo_ok(swapped)


def test_the_damm_digit_is_the_published_one():
    # Worked example of the Damm algorithm: 572 has check digit 4.
    assert damm_digit("572") == "4"
    assert typo_ok("0" * 16)  # 0 is its own check digit


def test_a_guesser_who_computes_the_damm_digit_still_hits_one_hmac_value_in_ten_million():
    body = make_code(KEY, 0, 495, TODAY)[:8]
    hits = 0
    for _ in range(20_000):
        signed = body + f"{secrets.randbelow(MAC_SPACE):07d}"
        guess = signed + damm_digit(signed)
        assert typo_ok(guess)  # a guess that passes the public check
        hits += read_code(KEY, guess, TODAY) is not None
    # One in 10**7 per guess: 20,000 guesses find nothing (a hit here is 1 in 500).
    assert hits <= 1
    assert MAC_SPACE == 10**7


def test_random_digits_are_typos_nine_times_in_ten():
    typos = sum(not typo_ok(f"{secrets.randbelow(10**16):016d}") for _ in range(10_000))
    assert 8_700 <= typos <= 9_300


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1234",
        "123456789012",  # the old 12-digit kind
        "123-45-678-9012",
        "123456789012345",
        "12345678901234567",
        "123456789012345a",
        "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦",
    ],
)
def test_what_cannot_be_a_code_is_refused(typed: str):
    assert normalise(typed) is None
    assert not typo_ok(typed)
    assert read_code(KEY, typed, TODAY) is None


@pytest.mark.parametrize(
    ("serial", "minutes"), [(-1, 30), (1000, 30), (1, 0), (1, 7), (1, 500), (1, -5)]
)
def test_values_a_code_cannot_carry_are_refused(serial: int, minutes: int):
    with pytest.raises(TicketCodeError):
        make_code(KEY, serial, minutes, TODAY)


def test_a_short_key_is_refused():
    with pytest.raises(TicketCodeError):
        make_code(b"short", 1, 30, TODAY)
