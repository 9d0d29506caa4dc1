"""Every move of the state table, reached through the engine's public methods, and no other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from kiosk.core import (
    IN_SESSION,
    TRANSITIONS,
    Actor,
    ActorKind,
    CommandRefused,
    EndReason,
    IllegalTransition,
    Refusal,
    SessionKind,
    State,
    WipeReceipt,
    Workshop,
)
from kiosk.core.engine import DONE_SCREEN_SECONDS
from kiosk.core.events import (
    ActivityResumed,
    Event,
    Extended,
    FinalCountdown,
    IdleWarned,
    ReadyForNextVisitor,
    RulesAbandoned,
    RulesShown,
    SessionEnded,
    SessionStarted,
    StateChanged,
    Warned,
    WipeFinished,
    WipeStarted,
)
from policies import Language, Limit, LoginMode

S = State
ANIMATOR = Actor(ActorKind.CONSOLE, "ana")
RECEIPT = WipeReceipt((("files", 3),), 1024, 0.2)
SYSTEM = Actor.system()
EDGES = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}


def waiting_to_rules(k) -> list[Event]:
    return k.login()


WORKSHOP = Workshop("Word pour débutants", "ws-7")


def waiting_to_active(k) -> list[Event]:
    # An animator starts a workshop: no login, no rules screen.
    return k.engine.start_workshop(k.clock.now(), WORKSHOP, 90)


def waiting_to_ending(k) -> list[Event]:
    # At start, the wipe journal says the last wipe may not have finished.
    return k.engine.recover_unsure_wipe(k.clock.now())


def rules_to_active(k) -> list[Event]:
    k.login()
    return k.accept()


def rules_to_waiting(k) -> list[Event]:
    k.login()
    return k.engine.decline_rules(k.clock.now())


def active_to_warned(k) -> list[Event]:
    k.start()
    k.busy(minutes=49)
    k.clock.advance(minutes=1)
    k.activity()
    return k.tick()


def active_to_final(k) -> list[Event]:
    # A clock jump straight past every warning but the last one.
    k.start()
    k.busy(minutes=40)
    k.clock.advance(minutes=19, seconds=30)
    k.activity()
    return k.tick()


def active_to_idle(k) -> list[Event]:
    k.start()
    return k.after(minutes=10)


def active_to_ending(k) -> list[Event]:
    k.start()
    return k.end()


def warned_to_active(k) -> list[Event]:
    k.reach(S.WARNED)
    return k.extend(30)


def warned_to_final(k) -> list[Event]:
    k.reach(S.WARNED)
    return k.busy(minutes=9)[-2:]


def warned_to_idle(k) -> list[Event]:
    k.start()
    k.busy(minutes=49)
    assert k.after(minutes=1) == [StateChanged(S.ACTIVE, S.WARNED), Warned(10, 600)]
    return k.after(minutes=9)  # no input since 49 minutes: the idle timeout (10) is up


def warned_to_ending(k) -> list[Event]:
    k.reach(S.WARNED)
    return k.end(EndReason.STAFF, ANIMATOR)


def final_to_active(k) -> list[Event]:
    k.reach(S.FINAL)
    return k.extend(30)


def final_to_warned(k) -> list[Event]:
    k.reach(S.FINAL)
    return k.extend(3)


def final_to_ending(k) -> list[Event]:
    k.reach(S.FINAL)
    return k.after(minutes=1)


def idle_to_active(k) -> list[Event]:
    k.reach(S.IDLE)
    return k.activity()


def idle_to_warned(k) -> list[Event]:
    warned_to_idle(k)
    return k.activity()


def idle_to_final(k, make_policy) -> list[Event]:
    # The console sends a new policy while the visitor is away: its final countdown
    # (5 minutes) is a warning this visitor was already given, so they come back to it.
    k.start()
    assert k.busy(minutes=55)[-1] == Warned(5, 300)
    k.engine.set_policy(make_policy({"session": {"idle_timeout_minutes": 1}}))
    assert k.after(minutes=1) == [StateChanged(S.WARNED, S.IDLE), IdleWarned(60)]
    k.engine.set_policy(make_policy({"session": {"warnings_minutes": [10, 5]}}))
    return k.activity()


def idle_to_ending(k) -> list[Event]:
    k.reach(S.IDLE)
    return k.after(seconds=k.policy.session.idle_warning_seconds)


def ending_to_wiping(k) -> list[Event]:
    k.reach(S.ENDING)
    return k.engine.wipe_started(k.clock.now())


def wiping_to_done(k) -> list[Event]:
    k.reach(S.WIPING)
    return k.engine.wipe_finished(k.clock.now(), RECEIPT)


def done_to_waiting(k) -> list[Event]:
    k.reach(S.DONE)
    return k.after(seconds=DONE_SCREEN_SECONDS)


SCENARIOS: dict[tuple[State, State], Callable[..., list[Event]]] = {
    (S.WAITING, S.RULES): waiting_to_rules,
    (S.WAITING, S.ENDING): waiting_to_ending,
    (S.WAITING, S.ACTIVE): waiting_to_active,
    (S.RULES, S.ACTIVE): rules_to_active,
    (S.RULES, S.WAITING): rules_to_waiting,
    (S.ACTIVE, S.WARNED): active_to_warned,
    (S.ACTIVE, S.FINAL): active_to_final,
    (S.ACTIVE, S.IDLE): active_to_idle,
    (S.ACTIVE, S.ENDING): active_to_ending,
    (S.WARNED, S.ACTIVE): warned_to_active,
    (S.WARNED, S.FINAL): warned_to_final,
    (S.WARNED, S.IDLE): warned_to_idle,
    (S.WARNED, S.ENDING): warned_to_ending,
    (S.FINAL, S.ACTIVE): final_to_active,
    (S.FINAL, S.WARNED): final_to_warned,
    (S.FINAL, S.ENDING): final_to_ending,
    (S.IDLE, S.ACTIVE): idle_to_active,
    (S.IDLE, S.WARNED): idle_to_warned,
    (S.IDLE, S.FINAL): idle_to_final,
    (S.IDLE, S.ENDING): idle_to_ending,
    (S.ENDING, S.WIPING): ending_to_wiping,
    (S.WIPING, S.DONE): wiping_to_done,
    (S.DONE, S.WAITING): done_to_waiting,
}

EXPECTED: dict[tuple[State, State], list[Event]] = {
    (S.WAITING, S.ACTIVE): [
        StateChanged(S.WAITING, S.ACTIVE),
        SessionStarted(LoginMode.WALK_IN, Language.FR, "", 5400, Limit.WORKSHOP),
    ],
    (S.WAITING, S.ENDING): [StateChanged(S.WAITING, S.ENDING)],
    (S.RULES, S.WAITING): [StateChanged(S.RULES, S.WAITING), RulesAbandoned(declined=True)],
    (S.ACTIVE, S.WARNED): [StateChanged(S.ACTIVE, S.WARNED), Warned(10, 600)],
    (S.ACTIVE, S.FINAL): [StateChanged(S.ACTIVE, S.FINAL), FinalCountdown(30)],
    (S.ACTIVE, S.IDLE): [StateChanged(S.ACTIVE, S.IDLE), IdleWarned(60)],
    (S.ACTIVE, S.ENDING): [
        StateChanged(S.ACTIVE, S.ENDING),
        SessionEnded(EndReason.VISITOR, Actor.visitor()),
    ],
    (S.WARNED, S.ACTIVE): [StateChanged(S.WARNED, S.ACTIVE), Extended(30, ANIMATOR, 2400)],
    (S.WARNED, S.FINAL): [StateChanged(S.WARNED, S.FINAL), FinalCountdown(60)],
    (S.WARNED, S.IDLE): [StateChanged(S.WARNED, S.IDLE), IdleWarned(60)],
    (S.WARNED, S.ENDING): [
        StateChanged(S.WARNED, S.ENDING),
        SessionEnded(EndReason.STAFF, ANIMATOR),
    ],
    (S.FINAL, S.ACTIVE): [StateChanged(S.FINAL, S.ACTIVE), Extended(30, ANIMATOR, 1860)],
    (S.FINAL, S.WARNED): [StateChanged(S.FINAL, S.WARNED), Extended(3, ANIMATOR, 240)],
    (S.FINAL, S.ENDING): [StateChanged(S.FINAL, S.ENDING), SessionEnded(EndReason.TIME_UP, SYSTEM)],
    (S.IDLE, S.ACTIVE): [StateChanged(S.IDLE, S.ACTIVE), ActivityResumed()],
    (S.IDLE, S.WARNED): [StateChanged(S.IDLE, S.WARNED), ActivityResumed()],
    (S.IDLE, S.FINAL): [StateChanged(S.IDLE, S.FINAL), ActivityResumed()],
    (S.IDLE, S.ENDING): [StateChanged(S.IDLE, S.ENDING), SessionEnded(EndReason.IDLE, SYSTEM)],
    (S.ENDING, S.WIPING): [StateChanged(S.ENDING, S.WIPING), WipeStarted()],
    (S.WIPING, S.DONE): [StateChanged(S.WIPING, S.DONE), WipeFinished(RECEIPT)],
    (S.DONE, S.WAITING): [StateChanged(S.DONE, S.WAITING), ReadyForNextVisitor()],
}


def test_every_edge_of_the_table_has_a_scenario() -> None:
    assert set(SCENARIOS) == EDGES
    assert set(TRANSITIONS) == set(State)


@pytest.mark.parametrize(("source", "target"), sorted(SCENARIOS), ids=lambda s: s.value)
def test_edge(source: State, target: State, kiosk, make_policy) -> None:
    scenario = SCENARIOS[(source, target)]
    events = scenario(kiosk, make_policy) if scenario is idle_to_final else scenario(kiosk)
    assert kiosk.state is target
    assert events[0] == StateChanged(source, target)
    expected = EXPECTED.get((source, target))
    if (source, target) == (S.WAITING, S.ACTIVE):
        # The rules the animator presents to the group are the ones in force.
        started = expected[1]
        expected = [expected[0], replace(started, rules_version=kiosk.policy.house_rules.version)]
    if expected is not None:
        assert events == expected


def test_a_workshop_session_runs_its_minutes_counted_as_a_workshop(kiosk) -> None:
    waiting_to_active(kiosk)
    session = kiosk.engine.session
    assert session.visitor.kind is SessionKind.WORKSHOP
    assert session.visitor.workshop == WORKSHOP
    assert kiosk.engine.seconds_left(kiosk.clock.now()) == 90 * 60


def test_a_workshop_participant_listening_to_the_animator_is_not_asked_if_still_there(
    kiosk,
) -> None:
    waiting_to_active(kiosk)
    kiosk.after(minutes=45)  # no input at all: the animator is talking
    assert kiosk.state is S.ACTIVE
    kiosk.after(minutes=45)
    assert kiosk.state is S.ENDING  # the workshop's time is up


@pytest.mark.parametrize("state", sorted(set(State) - {S.WAITING}))
def test_a_workshop_on_a_pc_that_is_not_free_is_refused_busy(state: State, kiosk) -> None:
    kiosk.reach(state)
    before = kiosk.engine.snapshot
    with pytest.raises(CommandRefused) as refused:
        kiosk.engine.start_workshop(kiosk.clock.now(), WORKSHOP, 60)
    assert refused.value.refusal is Refusal.BUSY
    assert kiosk.engine.snapshot == before


def test_a_workshop_on_a_locked_pc_is_refused(kiosk) -> None:
    kiosk.engine.lock(kiosk.clock.now(), ANIMATOR)
    with pytest.raises(CommandRefused) as refused:
        kiosk.engine.start_workshop(kiosk.clock.now(), WORKSHOP, 60)
    assert refused.value.refusal is Refusal.LOCKED
    assert kiosk.state is S.WAITING


def test_login_and_accept_events(kiosk) -> None:
    version = kiosk.policy.house_rules.version
    assert kiosk.login(language=Language.AR) == [
        StateChanged(S.WAITING, S.RULES),
        RulesShown(version, Language.AR),
    ]
    assert kiosk.accept(Language.AR) == [
        StateChanged(S.RULES, S.ACTIVE),
        SessionStarted(LoginMode.WALK_IN, Language.AR, version, 3600, Limit.SESSION_LENGTH),
    ]


# -- moves the table forbids --------------------------------------------------------------

COMMANDS: dict[str, tuple[Callable[..., list[Event]], frozenset[State]]] = {
    "login": (lambda k: k.login(), frozenset({S.WAITING, S.RULES})),
    "accept_rules": (lambda k: k.accept(), frozenset({S.RULES})),
    "decline_rules": (lambda k: k.engine.decline_rules(k.clock.now()), frozenset({S.RULES})),
    "dismiss_receipt": (lambda k: k.engine.dismiss_receipt(k.clock.now()), frozenset({S.DONE})),
    "recover_unsure_wipe": (
        lambda k: k.engine.recover_unsure_wipe(k.clock.now()),
        frozenset({S.WAITING}),
    ),
    "wipe_started": (lambda k: k.engine.wipe_started(k.clock.now()), frozenset({S.ENDING})),
    "wipe_finished": (
        lambda k: k.engine.wipe_finished(k.clock.now(), RECEIPT),
        frozenset({S.WIPING}),
    ),
}

ILLEGAL = [
    (name, state)
    for name, (_, allowed) in COMMANDS.items()
    for state in State
    if state not in allowed
]


@pytest.mark.parametrize(("command", "state"), ILLEGAL, ids=str)
def test_a_move_not_in_the_table_raises(command: str, state: State, kiosk) -> None:
    kiosk.reach(state)
    before = kiosk.engine.snapshot
    run, _ = COMMANDS[command]
    with pytest.raises(IllegalTransition) as raised:
        run(kiosk)
    assert raised.value.source is state
    assert kiosk.engine.snapshot == before


@pytest.mark.parametrize(
    ("command", "state"),
    [(name, state) for name, (_, allowed) in COMMANDS.items() for state in sorted(allowed)],
    ids=str,
)
def test_a_move_in_the_table_is_allowed(command: str, state: State, kiosk) -> None:
    kiosk.reach(state)
    run, _ = COMMANDS[command]
    for event in run(kiosk):
        if isinstance(event, StateChanged):
            assert (event.source, event.target) in EDGES


@pytest.mark.parametrize("state", sorted(State))
def test_ticks_and_activity_only_take_allowed_edges(state: State, kiosk) -> None:
    kiosk.reach(state)
    events = [*kiosk.activity(), *kiosk.after(minutes=30), *kiosk.after(minutes=180)]
    for event in events:
        if isinstance(event, StateChanged):
            assert (event.source, event.target) in EDGES


def test_in_session_states_are_the_states_with_a_running_clock() -> None:
    assert frozenset({S.ACTIVE, S.WARNED, S.FINAL, S.IDLE}) == IN_SESSION
