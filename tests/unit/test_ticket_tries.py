"""The wrong-try schedule shared by the console's ticket redemption: 3 free tries, then a
wait from 30 s doubling to 15 minutes, one wrong try forgotten every 15 minutes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from admin_console.protocol.tries import FORGET_SECONDS, WrongTries, wait_after


def test_three_wrong_tries_are_free_then_the_wait_doubles_up_to_fifteen_minutes():
    assert [wait_after(n) for n in range(1, 11)] == [
        0,
        0,
        0,
        30,
        60,
        120,
        240,
        480,
        900,
        900,
    ]
    assert wait_after(10**6) == 900


def test_a_wrong_try_is_forgotten_every_fifteen_minutes():
    tries = WrongTries()
    for _ in range(4):
        tries.failed(0.0)
    assert tries.seconds_locked(0.0) == 30
    assert tries.seconds_locked(30.0) == 0
    # Two quarters of an hour later two are forgotten: the next wrong try is the third, free.
    assert tries.failed(2 * FORGET_SECONDS) == 0
    assert tries.failures == 3


def _tries_in(hours: float, pause: float) -> int:
    """A guesser who tries again ``pause`` seconds after the door opens, for ``hours``."""
    tries, now, count = WrongTries(), 0.0, 0
    while now < hours * 3600:
        now += tries.seconds_locked(now) + pause
        tries.failed(now)
        count += 1
    return count


@given(st.floats(0, 3600))
def test_a_guesser_gets_no_more_than_four_tries_an_hour_in_the_long_run(pause: float):
    # Whatever the rhythm: the free tries and the first waits once, then 4 an hour at most.
    assert _tries_in(1000, pause) <= 4 * 1000 + 12


def test_waiting_for_the_count_to_fall_gains_nothing():
    # Try 9 at once, wait 2 h for 8 to be forgotten, and again: still at most 4 an hour.
    tries, now, count = WrongTries(), 0.0, 0
    while now < 100 * 3600:
        for _ in range(9):
            now += tries.seconds_locked(now)
            tries.failed(now)
            count += 1
        now += 8 * FORGET_SECONDS
    assert count <= 4 * 100 + 12
