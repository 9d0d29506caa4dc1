"""The console's throttles on a fake clock: the login schedule (wait, doubling, cap, forget,
the username's slowdown that never refuses) and the request buckets (refill, bound on the
number of clients kept, one bucket per IPv6 /64)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from admin_console.server.auth import (
    FREE_CLIENT_TRIES,
    FREE_LOGIN_TRIES,
    MAX_LOGIN_WAIT,
    MAX_SLOWDOWN,
    SLOWDOWN_AFTER,
    LoginThrottle,
)
from admin_console.server.clock import FakeClock
from admin_console.server.errors import TooManyTries
from admin_console.server.limits import Rate, TokenBuckets, client_key


def wait_after(throttle: LoginThrottle, clock: FakeClock, name: str, client: str) -> float:
    """Seconds the client must wait now (0: it may try)."""
    try:
        attempt = throttle.begin(name, client)
    except TooManyTries as exc:
        return (exc.until - clock.now()).total_seconds()
    throttle.succeeded(attempt)  # the probe itself must not count
    return 0.0


def test_three_free_tries_then_a_wait_that_doubles_up_to_fifteen_minutes() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock)
    waits = []
    for _ in range(FREE_LOGIN_TRIES - 1):
        throttle.begin("ada", "10.0.0.2")
    for _ in range(14):
        throttle.begin("ada", "10.0.0.2")
        try:
            throttle.begin("ada", "10.0.0.2")
        except TooManyTries as exc:
            wait = exc.until - clock.now()
            waits.append(wait.total_seconds())
            clock.advance(seconds=wait.total_seconds())
        else:
            pytest.fail("a try after a wrong one was let through at once")
    assert waits[:4] == [2, 4, 8, 16]
    assert max(waits) == MAX_LOGIN_WAIT.total_seconds()


def test_the_wait_holds_back_only_the_client_that_failed() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock)
    for _ in range(50):
        with contextlib.suppress(TooManyTries):
            throttle.begin("ada", "10.0.0.2")
    assert wait_after(throttle, clock, "ada", "10.0.0.3") == 0


def test_a_client_trying_many_names_waits_after_ten() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock)
    for n in range(FREE_CLIENT_TRIES):
        throttle.begin(f"name-{n}", "10.0.0.2")
    with pytest.raises(TooManyTries):
        throttle.begin("yet-another", "10.0.0.2")


def test_wrong_tries_are_forgotten_an_hour_after_the_last() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock)
    for _ in range(FREE_LOGIN_TRIES):
        throttle.begin("ada", "10.0.0.2")
    clock.advance(minutes=59)
    with pytest.raises(TooManyTries):  # the wait (2 s) is over, but the count is not
        throttle.begin("ada", "10.0.0.2")
        throttle.begin("ada", "10.0.0.2")
    clock.advance(hours=1)
    for _ in range(FREE_LOGIN_TRIES - 1):
        assert throttle.begin("ada", "10.0.0.2").delay == 0


def test_a_username_under_attack_is_slowed_for_everyone_but_never_refused() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock)
    # Wrong tries from many addresses, 2 each (under every client's free tries).
    for n in range(SLOWDOWN_AFTER):
        throttle.begin("ada", f"10.0.{n}.1")
    delays = []
    for n in range(40):
        attempt = throttle.begin("ada", f"10.1.{n}.1")
        delays.append(attempt.delay)
    assert delays[0] > 0
    assert delays == sorted(delays)
    assert max(delays) == MAX_SLOWDOWN
    # The owner, from their own machine: slow, but in.
    owner = throttle.begin("ada", "192.168.1.10")
    assert 0 < owner.delay <= MAX_SLOWDOWN
    throttle.succeeded(owner)


def test_the_throttle_keeps_a_bounded_number_of_counters() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock, max_keys=100)
    for n in range(1000):
        throttle.begin(f"name-{n}", f"10.{n // 250}.{n % 250}.1")
    assert all(len(table) <= 100 for table in (throttle._pairs, throttle._clients, throttle._names))


def test_a_bucket_gives_its_burst_then_refills_at_its_rate() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(Rate(burst=5, per_second=0.5), clock)
    assert [buckets.take("a") for _ in range(6)] == [0, 0, 0, 0, 0, 2]
    assert buckets.take("b") == 0  # another client has its own
    clock.advance(seconds=2)
    assert buckets.take("a") == 0
    assert buckets.take("a") == 2
    buckets.give_back("a")
    assert buckets.take("a") == 0


def test_buckets_forget_the_least_recently_used_past_their_bound() -> None:
    clock = FakeClock(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    buckets = TokenBuckets(Rate(burst=1, per_second=0.01), clock, max_keys=10)
    for n in range(100):
        buckets.take(f"10.0.0.{n}")
    assert len(buckets._buckets) == 10


def test_an_ipv6_client_is_its_slash_64_and_an_ipv4_client_itself() -> None:
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::5") != client_key("2001:db8:1:3::5")
    assert client_key("::ffff:10.0.0.2") == client_key("10.0.0.2") == "10.0.0.2"
    assert client_key(None) == "unknown"
