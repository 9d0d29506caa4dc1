"""The update hold on its own: one at a time, never over a session, bounded in time."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.agent.update_hold import HoldRefused, UpdateHold
from kiosk.core.clock import FakeClock


def test_one_hold_at_a_time_never_over_a_session_and_never_longer_than_its_bound() -> None:
    clock = FakeClock(wall=dt.datetime(2026, 3, 2, 10, 0).astimezone())
    free = [False]
    told: list[bool] = []
    hold = UpdateHold(1800, lambda: free[0], told.append)
    with pytest.raises(HoldRefused) as refused:
        hold.grant(clock.now())
    assert refused.value.code == "in_session" and not hold.held(clock.now())
    free[0] = True
    granted = hold.grant(clock.now())
    with pytest.raises(HoldRefused) as refused:
        hold.grant(clock.now())
    assert refused.value.code == "update_running"
    assert not hold.release("0" * 32), "only its own token releases it"
    assert hold.held(clock.advance(seconds=1799))
    assert hold.seconds_left(clock.now()) == pytest.approx(1.0)
    assert not hold.held(clock.advance(seconds=1)), "ended by itself at its bound"
    assert not hold.release(granted.token), "nothing left to release"
    again = hold.grant(clock.now())
    assert again.token != granted.token
    assert hold.release(again.token) and not hold.held(clock.now())
    assert told == [True, False, True, False], "the screen and the console are told each time"
