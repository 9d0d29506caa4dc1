"""Fixtures of the unit tests: policies built from the bundled default, a fake clock, an engine.

Everything here is pure: policies are read from the package, the clock moves only when a
test moves it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import Actor, ActorKind, EndReason, SessionEngine, State, Visitor, WipeReceipt
from kiosk.core.clock import FakeClock
from kiosk.core.events import Event
from policies import Language, LoginMode, Policy, policy_from_data
from policies.loading import default_policy_data
from policies.model import WEEKDAYS

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY_10H = dt.datetime(2024, 3, 4, 10, 0, tzinfo=BRUSSELS)
"""A Monday morning, when the default policy opens the room."""

ANIMATOR = Actor(ActorKind.CONSOLE, "ana")
RECEIPT = WipeReceipt((("files", 12), ("downloads", 3), ("print_jobs", 1)), 48_213, 0.8)

ALWAYS_OPEN = {day: [{"opens": "00:00", "closes": "23:59"}] for day in WEEKDAYS}


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base`` table by table, as a policy file is over the default."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def build_policy(override: dict[str, Any] | None = None, *, always_open: bool = True) -> Policy:
    """The bundled default, open every day 00:00-23:59 unless told otherwise, with changes."""
    data = default_policy_data()
    if always_open:
        data = merged(data, {"opening_hours": ALWAYS_OPEN})
    return policy_from_data(merged(data, override or {}))


@pytest.fixture(scope="session")
def open_policy() -> Policy:
    """The default policy, but open every day 00:00-23:59."""
    return build_policy()


@pytest.fixture
def make_policy() -> Callable[..., Policy]:
    """Build a policy from changes to the (always open) default."""
    return build_policy


@dataclass
class Kiosk:
    """An engine and its fake clock, with the moves tests repeat."""

    engine: SessionEngine
    clock: FakeClock = field(default_factory=lambda: FakeClock(MONDAY_10H))

    @property
    def policy(self) -> Policy:
        return self.engine.policy

    @property
    def state(self) -> State:
        return self.engine.state

    def login(
        self,
        mode: LoginMode = LoginMode.WALK_IN,
        language: Language = Language.FR,
        **visitor: Any,
    ) -> list[Event]:
        return self.engine.login(self.clock.now(), Visitor(mode, **visitor), language)

    def accept(self, language: Language = Language.FR) -> list[Event]:
        return self.engine.accept_rules(self.clock.now(), self.policy.house_rules.version, language)

    def start(
        self,
        mode: LoginMode = LoginMode.WALK_IN,
        language: Language = Language.FR,
        **visitor: Any,
    ) -> list[Event]:
        """Log in and accept the rules: the session runs."""
        return [*self.login(mode, language, **visitor), *self.accept(language)]

    def tick(self) -> list[Event]:
        return self.engine.tick(self.clock.now())

    def after(self, *, seconds: float = 0.0, minutes: float = 0.0) -> list[Event]:
        """Move the clock without any input from the visitor, then tick."""
        self.clock.advance(seconds=seconds, minutes=minutes)
        return self.tick()

    def busy(self, *, minutes: int, step_seconds: int = 60) -> list[Event]:
        """The visitor works for ``minutes``: input then a tick at every step."""
        events: list[Event] = []
        for _ in range(minutes * 60 // step_seconds):
            self.clock.advance(seconds=step_seconds)
            events += self.engine.activity(self.clock.now())
            events += self.tick()
        return events

    def activity(self) -> list[Event]:
        return self.engine.activity(self.clock.now())

    def extend(self, minutes: int, by: Actor = ANIMATOR) -> list[Event]:
        return self.engine.extend(self.clock.now(), minutes, by)

    def end(self, reason: EndReason = EndReason.VISITOR, by: Actor | None = None) -> list[Event]:
        return self.engine.end(self.clock.now(), reason, by or Actor.visitor())

    def seconds_left(self) -> int | None:
        return self.engine.seconds_left(self.clock.now())

    def reach(self, state: State) -> Kiosk:
        """Drive a fresh engine to ``state`` through its public methods."""
        assert self.state is State.WAITING
        now = self.clock.now
        if state is State.WAITING:
            return self
        if state is State.RULES:
            self.login()
        elif state in (State.ACTIVE, State.WARNED, State.FINAL, State.IDLE):
            self.start()
            if state is State.WARNED:
                self.busy(minutes=50)
            elif state is State.FINAL:
                self.busy(minutes=59)
            elif state is State.IDLE:
                self.after(minutes=self.policy.session.idle_timeout_minutes)
        else:
            self.start()
            self.end()
            if state in (State.WIPING, State.DONE):
                self.engine.wipe_started(now())
            if state is State.DONE:
                self.engine.wipe_finished(now(), RECEIPT)
        assert self.state is state
        return self


@pytest.fixture
def kiosk(open_policy: Policy) -> Kiosk:
    """A free PC on a Monday at 10:00, with the always-open default policy."""
    return Kiosk(SessionEngine(open_policy))


@pytest.fixture
def make_kiosk(open_policy: Policy) -> Callable[..., Kiosk]:
    """A free PC with a policy (default: always open) at a time (default: Monday 10:00)."""

    def make(policy: Policy | None = None, at: dt.datetime = MONDAY_10H) -> Kiosk:
        return Kiosk(SessionEngine(policy or open_policy), FakeClock(at))

    return make
