"""Properties of the session engine under any sequence of commands and clock moves.

Commands the engine refuses (``CommandRefused``) or forbids (``IllegalTransition``) are
part of the sequences: a visitor or a buggy caller may send anything at any time. After
every step the engine must still keep its promises: no negative time, no session longer
than allowed, no session without the rules accepted, no move outside the state table.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.core import (
    IN_SESSION,
    TRANSITIONS,
    Actor,
    ActorKind,
    CommandRefused,
    EndReason,
    IllegalTransition,
    SessionEngine,
    State,
    Visitor,
    WipeReceipt,
)
from kiosk.core.clock import FakeClock
from kiosk.core.engine import MIN_SESSION_SECONDS
from kiosk.core.events import (
    Event,
    Extended,
    FinalCountdown,
    IdleWarned,
    SessionEnded,
    SessionStarted,
    StateChanged,
    Warned,
)
from policies import (
    Language,
    Limit,
    LoginMode,
    Policy,
    current_range_end,
    default_policy,
    policy_from_data,
    session_allowance,
)
from policies.loading import default_policy_data
from policies.model import WEEKDAYS

BRUSSELS = ZoneInfo("Europe/Brussels")
RECEIPT = WipeReceipt((("files", 1),), 100, 0.1)
STAFF = st.sampled_from(
    [Actor(ActorKind.CONSOLE, "ana"), Actor(ActorKind.ANIMATOR, "karim"), Actor.system()]
)
SETTINGS = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def always_open(**session: object) -> Policy:
    data = default_policy_data()
    data["opening_hours"] = {day: [{"opens": "00:00", "closes": "23:59"}] for day in WEEKDAYS}
    data["session"] = {**data["session"], **session}
    return policy_from_data(data)


POLICY = always_open()
SHORT_POLICY = always_open(length_minutes=15, idle_timeout_minutes=3, idle_warning_seconds=20)


class Kiosk(RuleBasedStateMachine):
    """One PC driven by random commands; the model keeps what the engine was told."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock(dt.datetime(2024, 3, 4, 9, 0, tzinfo=BRUSSELS))
        self.engine = SessionEngine(POLICY)
        self.events: list[Event] = []
        self.previous = self.engine.state
        self.accepted = False  # rules accepted with the right version since the last login
        self.extended = 0
        self.cap = 0  # longest base length this visitor may have, in seconds

    # -- applying commands -------------------------------------------------------------

    def run(self, command, *args) -> list[Event] | None:
        self.previous = self.engine.state
        try:
            self.events = command(self.clock.now(), *args)
        except (CommandRefused, IllegalTransition):
            self.events = []
            return None
        return self.events

    # -- the visitor -------------------------------------------------------------------

    @rule(
        mode=st.sampled_from(LoginMode),
        language=st.sampled_from(Language),
        used_minutes=st.integers(0, 200),
        ticket_minutes=st.none() | st.integers(1, 300),
    )
    def login(self, mode, language, used_minutes, ticket_minutes) -> None:
        visitor = Visitor(mode, used_today_seconds=used_minutes * 60, ticket_minutes=ticket_minutes)
        locked = self.engine.snapshot.locked_by is not None
        if self.run(self.engine.login, visitor, language) is not None:
            assert not locked, "a locked PC let a visitor log in"
            self.accepted = False
            self.extended = 0

    @rule(right=st.booleans(), language=st.sampled_from(Language))
    def accept_rules(self, right, language) -> None:
        version = self.engine.policy.house_rules.version if right else "not-the-version"
        in_rules = self.engine.state is State.RULES
        if self.run(self.engine.accept_rules, version, language) is not None:
            assert right, "rules of another version were accepted"
            assert in_rules
            self.accepted = True
            self.cap = self.longest_allowed(self.engine.session.visitor)

    def longest_allowed(self, visitor: Visitor) -> int:
        """The policy's cap for this visitor, closing time aside, in seconds."""
        session = self.engine.policy.session
        if visitor.mode is LoginMode.TICKET and visitor.ticket_minutes is not None:
            cap = visitor.ticket_minutes * 60
        else:
            cap = session.length_minutes * 60
        if visitor.mode is LoginMode.MEMBER:
            cap = min(cap, session.daily_allowance_minutes * 60 - visitor.used_today_seconds)
        return cap

    @rule(mode=st.sampled_from(LoginMode), language=st.sampled_from(Language))
    def start_session(self, mode, language) -> None:
        # Login then acceptance in one step, so that most sequences reach a running session.
        self.login(mode, language, used_minutes=0, ticket_minutes=None)
        if self.engine.state is State.RULES:
            self.accept_rules(right=True, language=language)

    @rule()
    def decline_rules(self) -> None:
        self.run(self.engine.decline_rules)

    @rule()
    def activity(self) -> None:
        self.run(self.engine.activity)

    @rule()
    def request_help(self) -> None:
        self.run(self.engine.request_help)

    @rule()
    def clear_message(self) -> None:
        self.run(self.engine.clear_message)

    @rule()
    def dismiss_receipt(self) -> None:
        self.run(self.engine.dismiss_receipt)

    # -- staff and the agent -----------------------------------------------------------

    @rule(minutes=st.integers(-5, 200), by=STAFF)
    def extend(self, minutes, by) -> None:
        if self.run(self.engine.extend, minutes, by) is not None:
            self.extended += minutes * 60

    @rule(reason=st.sampled_from(EndReason), by=STAFF | st.just(Actor.visitor()))
    def end(self, reason, by) -> None:
        self.run(self.engine.end, reason, by)

    @rule(by=STAFF)
    def lock(self, by) -> None:
        self.run(self.engine.lock, by)

    @rule(by=STAFF)
    def unlock(self, by) -> None:
        self.run(self.engine.unlock, by)

    @rule(text=st.text(max_size=20), by=STAFF)
    def send_message(self, text, by) -> None:
        self.run(self.engine.send_message, text, by)

    @rule()
    def shell_lost(self) -> None:
        self.run(self.engine.shell_lost)

    @rule()
    def shell_back(self) -> None:
        self.run(self.engine.shell_back)

    @rule()
    def wipe_started(self) -> None:
        self.run(self.engine.wipe_started)

    @rule()
    def wipe_finished(self) -> None:
        self.run(self.engine.wipe_finished, RECEIPT)

    @rule()
    def recover_unsure_wipe(self) -> None:
        self.run(self.engine.recover_unsure_wipe)

    @rule(short=st.booleans())
    def set_policy(self, short) -> None:
        # Same house rules, other durations: a running session keeps its deadline.
        session = self.engine.session
        deadline = None if session is None else session.deadline_mono
        self.engine.set_policy(SHORT_POLICY if short else POLICY)
        self.previous, self.events = self.engine.state, []
        if session is not None:
            assert self.engine.session.deadline_mono == deadline

    # -- time --------------------------------------------------------------------------

    @rule(
        seconds=st.one_of(
            st.floats(0, 90, allow_nan=False),
            st.integers(60, 15 * 60),
            st.integers(3600, 3 * 3600),  # a suspended PC
        )
    )
    def tick_later(self, seconds) -> None:
        self.clock.advance(seconds=seconds)
        self.run(self.engine.tick)
        self.after_tick()

    @rule(seconds=st.integers(1, 120) | st.integers(3600, 3 * 3600))
    def time_passes(self, seconds) -> None:
        # Commands can arrive before the next tick has looked at the time.
        self.clock.advance(seconds=seconds)
        self.previous, self.events = self.engine.state, []

    @rule()
    def tick(self) -> None:
        self.run(self.engine.tick)
        self.after_tick()

    def after_tick(self) -> None:
        session = self.engine.session
        if self.engine.state in IN_SESSION:
            # A tick never leaves a session running past its deadline or idle deadline.
            assert self.clock.mono < session.deadline_mono
            if self.engine.state is State.IDLE:
                assert self.clock.mono < session.idle_deadline_mono

    # -- what must always hold ---------------------------------------------------------

    @invariant()
    def state_is_in_the_table(self) -> None:
        assert self.engine.state in TRANSITIONS

    @invariant()
    def moves_follow_the_table(self) -> None:
        state = self.previous
        for event in self.events:
            if isinstance(event, StateChanged):
                assert event.source is state
                assert event.target in TRANSITIONS[event.source]
                state = event.target
        assert state is self.engine.state

    @invariant()
    def time_left_is_never_negative(self) -> None:
        left = self.engine.seconds_left(self.clock.now())
        assert left is None or left >= 0
        for event in self.events:
            if isinstance(event, Warned | FinalCountdown | Extended):
                assert event.seconds_left >= 0, event
            if isinstance(event, SessionStarted | IdleWarned):
                assert event.seconds > 0, event

    @invariant()
    def rules_are_accepted_before_the_session_runs(self) -> None:
        if self.engine.state in IN_SESSION:
            session = self.engine.session
            assert session is not None
            assert self.accepted
            assert session.rules_version == self.engine.policy.house_rules.version
            assert session.started_mono is not None

    @invariant()
    def a_session_never_exceeds_its_cap_plus_extensions(self) -> None:
        session = self.engine.session
        if session is None or session.started_mono is None:
            return
        assert session.deadline_mono is not None
        length = session.deadline_mono - session.started_mono
        assert session.extended_seconds == self.extended
        assert MIN_SESSION_SECONDS <= session.base_seconds <= self.cap
        # Monotonic readings are floats: allow a nanosecond of rounding.
        assert abs(length - (session.base_seconds + session.extended_seconds)) < 1e-9 * length
        assert length <= self.cap + self.extended + 1e-9 * length

    @invariant()
    def a_session_ends_once_with_a_reason(self) -> None:
        ended = [e for e in self.events if isinstance(e, SessionEnded)]
        assert len(ended) <= 1
        if ended:
            assert self.engine.state is State.ENDING
            assert self.engine.session.end_reason is ended[0].reason
            assert self.engine.session.ended_by == ended[0].by


TestKiosk = Kiosk.TestCase
TestKiosk.settings = SETTINGS


# -- the deadline model alone ------------------------------------------------------------

DAY = dt.datetime(2024, 3, 4, tzinfo=BRUSSELS)


@SETTINGS
@given(
    minute_of_day=st.integers(0, 24 * 60 - 1),
    mode=st.sampled_from(LoginMode),
    used=st.integers(0, 24 * 3600),
    ticket=st.none() | st.integers(1, 24 * 60),
)
def test_the_allowance_is_the_smallest_limit(minute_of_day, mode, used, ticket) -> None:
    policy = default_policy()
    at = DAY + dt.timedelta(minutes=minute_of_day)
    allowance = session_allowance(policy, at, mode, used_today_seconds=used, ticket_minutes=ticket)
    closing = current_range_end(policy, at)
    limits = {
        Limit.CLOSING_TIME: 0 if closing is None else int((closing - at).total_seconds()),
    }
    if mode is LoginMode.TICKET and ticket is not None:
        limits[Limit.TICKET] = ticket * 60
    else:
        limits[Limit.SESSION_LENGTH] = policy.session.length_minutes * 60
    if mode is LoginMode.MEMBER:
        limits[Limit.DAILY_ALLOWANCE] = max(0, policy.session.daily_allowance_minutes * 60 - used)
    assert allowance.seconds == min(limits.values())
    assert limits[allowance.limited_by] == allowance.seconds
    assert allowance.seconds >= 0
