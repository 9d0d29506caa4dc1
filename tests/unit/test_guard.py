"""The PIN guard: too many wrong tries lock the keypad for a while."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.guard import TryGuard


def test_tries_are_allowed_until_the_last_failure() -> None:
    guard = TryGuard(max_failures=5, lockout_seconds=300)
    for second in range(4):
        guard.failed(float(second))
        assert guard.allowed(float(second))
        assert guard.seconds_locked(float(second)) == 0
    guard.failed(4.0)
    assert not guard.allowed(4.0)
    assert guard.seconds_locked(4.0) == 300


def test_the_lockout_expires() -> None:
    guard = TryGuard(max_failures=3, lockout_seconds=60)
    for _ in range(3):
        guard.failed(100.0)
    assert not guard.allowed(159.9)
    assert guard.seconds_locked(159.9) == 1
    assert guard.allowed(160.0)
    assert guard.seconds_locked(160.0) == 0


def test_after_a_lockout_a_full_set_of_tries_is_needed_again() -> None:
    guard = TryGuard(max_failures=3, lockout_seconds=60)
    for _ in range(3):
        guard.failed(0.0)
    guard.failed(61.0)
    guard.failed(62.0)
    assert guard.allowed(62.0)
    guard.failed(63.0)
    assert not guard.allowed(63.0)
    assert guard.seconds_locked(63.0) == 60


def test_a_success_forgets_earlier_failures() -> None:
    guard = TryGuard(max_failures=3, lockout_seconds=60)
    guard.failed(0.0)
    guard.failed(1.0)
    guard.succeeded()
    guard.failed(2.0)
    guard.failed(3.0)
    assert guard.allowed(3.0)
    guard.failed(4.0)
    assert not guard.allowed(4.0)


def test_a_fresh_guard_allows_tries() -> None:
    guard = TryGuard()
    assert guard.allowed(0.0)
    assert guard.seconds_locked(0.0) == 0


@settings(max_examples=200, deadline=None)
@given(
    max_failures=st.integers(1, 8),
    lockout=st.floats(1, 3600),
    steps=st.lists(st.tuples(st.floats(0, 120), st.booleans()), max_size=60),
)
def test_no_more_than_max_failures_tries_per_lockout(max_failures, lockout, steps) -> None:
    """A guessing attacker gets at most ``max_failures`` wrong tries, then waits the lockout."""
    guard = TryGuard(max_failures=max_failures, lockout_seconds=lockout)
    now = 0.0
    failures_since_lockout = 0
    lockout_started: float | None = None
    for wait, right in steps:
        now += wait
        if not guard.allowed(now):
            assert lockout_started is not None
            assert now < lockout_started + lockout
            assert guard.seconds_locked(now) > 0
            continue
        if right:
            guard.succeeded()
            failures_since_lockout = 0
        else:
            guard.failed(now)
            failures_since_lockout += 1
            assert failures_since_lockout <= max_failures
            if failures_since_lockout == max_failures:
                assert not guard.allowed(now)
                lockout_started, failures_since_lockout = now, 0


def test_a_lockout_about_to_end_still_says_one_second() -> None:
    guard = TryGuard(max_failures=1, lockout_seconds=60)
    guard.failed(0.0)
    assert not guard.allowed(59.9999)
    assert guard.seconds_locked(59.9999) == 1
