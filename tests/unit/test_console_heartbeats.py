"""Which of the console's other server processes fell silent (taken for dead, their PCs
shown offline), from when each was last heard from."""

from __future__ import annotations

from admin_console.server.bus import Heartbeats


def test_a_process_silent_past_the_bound_is_told_once_and_one_that_speaks_is_not() -> None:
    beats = Heartbeats(bound=6.0)
    assert beats.heard("a", 100.0) is False
    assert beats.heard("b", 100.0) is False
    assert beats.silent(106.0) == []  # at the bound: not yet
    beats.heard("b", 105.0)
    assert beats.silent(106.5) == ["a"]
    assert beats.silent(200.0) == ["b"]
    assert beats.silent(300.0) == []  # each once


def test_a_process_taken_for_silent_that_speaks_again_must_tell_its_pcs_again() -> None:
    beats = Heartbeats(bound=6.0)
    beats.heard("a", 100.0)
    assert beats.silent(107.0) == ["a"]
    assert beats.heard("a", 108.0) is True  # only slow: its PCs were dropped meanwhile
    assert beats.heard("a", 109.0) is False
    assert beats.silent(114.0) == []
    assert beats.silent(115.5) == ["a"]
