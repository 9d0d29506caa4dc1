"""The session engine's commands: who may start a session, for how long, and what staff can do."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import (
    Actor,
    ActorKind,
    CommandRefused,
    EndReason,
    Refusal,
    StaffMessage,
    State,
    WipeReceipt,
)
from kiosk.core.engine import MIN_SESSION_SECONDS
from kiosk.core.events import (
    HelpAnswered,
    HelpRequested,
    Locked,
    MessageCleared,
    MessageSent,
    RulesAbandoned,
    SessionEnded,
    SessionStarted,
    StateChanged,
    Unlocked,
)
from policies import Language, Limit, LoginMode, default_policy

S = State
BRUSSELS = ZoneInfo("Europe/Brussels")
ANIMATOR = Actor(ActorKind.CONSOLE, "ana")
AT_THE_KIOSK = Actor(ActorKind.ANIMATOR, "karim")
RECEIPT = WipeReceipt((("files", 1),), 10, 0.1)


def at(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """That time on Monday 4 March 2024 (the default policy opens 10:00-18:00)."""
    return dt.datetime(2024, 3, 4, hour, minute, second, tzinfo=BRUSSELS)


def refused(refusal: Refusal):
    return pytest.raises(CommandRefused, match=f"^{refusal.value}:")


# -- how long a session may last ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "mode", "visitor", "expected"),
    [
        (at(10), LoginMode.WALK_IN, {}, (3600, Limit.SESSION_LENGTH)),
        (at(17, 30), LoginMode.WALK_IN, {}, (1800, Limit.CLOSING_TIME)),
        (at(10), LoginMode.TICKET, {"ticket_minutes": 30}, (1800, Limit.TICKET)),
        # A ticket buys its own minutes, even more than a walk-in session.
        (at(10), LoginMode.TICKET, {"ticket_minutes": 90}, (5400, Limit.TICKET)),
        (at(17), LoginMode.TICKET, {"ticket_minutes": 90}, (3600, Limit.CLOSING_TIME)),
        (at(10), LoginMode.TICKET, {}, (3600, Limit.SESSION_LENGTH)),
        (at(10), LoginMode.MEMBER, {"used_today_seconds": 0}, (3600, Limit.SESSION_LENGTH)),
        (at(10), LoginMode.MEMBER, {"used_today_seconds": 100 * 60}, (1200, Limit.DAILY_ALLOWANCE)),
        (at(17, 55), LoginMode.MEMBER, {"used_today_seconds": 100 * 60}, (300, Limit.CLOSING_TIME)),
        (at(10), LoginMode.MEMBER, {"used_today_seconds": 119 * 60}, (60, Limit.DAILY_ALLOWANCE)),
    ],
)
def test_the_deadline_is_the_smallest_limit(make_kiosk, start, mode, visitor, expected) -> None:
    seconds, limit = expected
    kiosk = make_kiosk(default_policy(), start)
    events = kiosk.start(mode, **visitor)
    assert events[-1] == SessionStarted(
        mode, Language.FR, kiosk.policy.house_rules.version, seconds, limit
    )
    session = kiosk.engine.session
    assert session.base_seconds == seconds
    assert session.limited_by is limit
    assert session.deadline_mono - session.started_mono == seconds
    assert kiosk.seconds_left() == seconds


def test_the_allowance_is_counted_when_the_rules_are_accepted(make_kiosk) -> None:
    kiosk = make_kiosk(default_policy(), at(16, 50))
    kiosk.login()
    kiosk.clock.advance(minutes=20)  # the visitor reads the rules slowly, room closes 18:00
    kiosk.accept()
    assert kiosk.engine.session.base_seconds == 50 * 60
    assert kiosk.engine.session.limited_by is Limit.CLOSING_TIME


def test_accepted_rules_version_and_language_are_recorded(kiosk) -> None:
    kiosk.login(language=Language.FR)
    kiosk.clock.advance(seconds=40)
    kiosk.accept(Language.AR)  # switched to Arabic on the rules screen
    session = kiosk.engine.session
    assert session.rules_version == kiosk.policy.house_rules.version
    assert session.language is Language.AR
    assert session.started_wall == kiosk.clock.wall
    assert session.logged_in_wall == kiosk.clock.wall - dt.timedelta(seconds=40)


def test_a_visitor_is_never_named(kiosk) -> None:
    kiosk.start(LoginMode.MEMBER, reference="card-0042", used_today_seconds=0)
    assert kiosk.engine.session.visitor.reference == "card-0042"
    assert not hasattr(kiosk.engine.session.visitor, "name")


# -- refusals ----------------------------------------------------------------------------


def test_a_locked_pc_refuses_login(kiosk) -> None:
    kiosk.engine.lock(kiosk.clock.now(), ANIMATOR)
    with refused(Refusal.LOCKED):
        kiosk.login()
    assert kiosk.state is S.WAITING


def test_a_pc_locked_on_the_rules_screen_refuses_the_acceptance(kiosk) -> None:
    kiosk.login()
    kiosk.engine.lock(kiosk.clock.now(), ANIMATOR)
    with refused(Refusal.LOCKED):
        kiosk.accept()
    assert kiosk.state is S.RULES


def test_a_pc_unlocked_accepts_login_again(kiosk) -> None:
    kiosk.engine.lock(kiosk.clock.now(), ANIMATOR)
    kiosk.engine.unlock(kiosk.clock.now(), ANIMATOR)
    assert kiosk.login()[0] == StateChanged(S.WAITING, S.RULES)


def test_a_lock_lasts_beyond_the_session(kiosk) -> None:
    kiosk.reach(S.DONE)
    kiosk.engine.lock(kiosk.clock.now(), ANIMATOR)
    kiosk.engine.dismiss_receipt(kiosk.clock.now())
    with refused(Refusal.LOCKED):
        kiosk.login()


@pytest.mark.parametrize("mode", [LoginMode.TICKET, LoginMode.MEMBER])
def test_a_login_mode_not_offered_is_refused(make_kiosk, make_policy, mode) -> None:
    kiosk = make_kiosk(make_policy({"login_modes": ["walk_in"]}))
    with refused(Refusal.MODE_NOT_ALLOWED):
        kiosk.login(mode)
    assert kiosk.state is S.WAITING
    assert kiosk.login(LoginMode.WALK_IN)[0] == StateChanged(S.WAITING, S.RULES)


def test_a_language_not_offered_is_refused(make_kiosk, make_policy) -> None:
    kiosk = make_kiosk(make_policy({"languages": ["fr", "nl"]}))
    with refused(Refusal.LANGUAGE_NOT_OFFERED):
        kiosk.login(language=Language.TR)
    kiosk.login(language=Language.NL)
    with refused(Refusal.LANGUAGE_NOT_OFFERED):
        kiosk.accept(Language.TR)
    assert kiosk.state is S.RULES


@pytest.mark.parametrize(
    "when",
    [at(8), at(18), at(21), at(17, 59, 30), dt.datetime(2024, 3, 10, 11, tzinfo=BRUSSELS)],
    ids=["before opening", "at closing", "evening", "30 s before closing", "sunday"],
)
def test_login_is_refused_when_the_room_is_closed_or_about_to_close(make_kiosk, when) -> None:
    kiosk = make_kiosk(default_policy(), when)
    with refused(Refusal.NO_TIME_LEFT):
        kiosk.login()
    assert kiosk.state is S.WAITING


def test_a_session_of_one_minute_still_starts(make_kiosk) -> None:
    kiosk = make_kiosk(default_policy(), at(17, 59))
    assert kiosk.start()[-1].seconds == MIN_SESSION_SECONDS


def test_acceptance_is_refused_when_the_room_closed_during_the_reading(make_kiosk) -> None:
    kiosk = make_kiosk(default_policy(), at(17, 58))
    kiosk.login()
    kiosk.clock.advance(seconds=90)
    with refused(Refusal.NO_TIME_LEFT):
        kiosk.accept()
    assert kiosk.state is S.RULES


def test_a_member_with_no_time_left_today_is_refused(kiosk) -> None:
    with refused(Refusal.NO_TIME_LEFT):
        kiosk.login(LoginMode.MEMBER, used_today_seconds=120 * 60)
    with refused(Refusal.NO_TIME_LEFT):
        kiosk.login(LoginMode.MEMBER, used_today_seconds=119 * 60 + 1)


def test_accepting_an_old_version_of_the_rules_is_refused(kiosk) -> None:
    kiosk.login()
    with refused(Refusal.RULES_CHANGED):
        kiosk.engine.accept_rules(kiosk.clock.now(), "0123456789ab", Language.FR)
    assert kiosk.state is S.RULES
    assert kiosk.engine.session.rules_version is None


def test_rules_changed_while_reading_must_be_read_again(kiosk, make_policy) -> None:
    kiosk.login()
    shown = kiosk.policy.house_rules.version
    rules = make_policy().model_dump(mode="json")["house_rules"]
    rules["rules"][0]["texts"]["fr"]["short"] = "Soyez aimable avec tout le monde"
    kiosk.engine.set_policy(make_policy({"house_rules": rules}))
    new = kiosk.policy.house_rules.version
    assert new != shown
    with refused(Refusal.RULES_CHANGED):
        kiosk.engine.accept_rules(kiosk.clock.now(), shown, Language.FR)
    # Shown again, the new version can be accepted.
    assert kiosk.login()[-1].rules_version == new
    kiosk.engine.accept_rules(kiosk.clock.now(), new, Language.FR)
    assert kiosk.engine.session.rules_version == new


@pytest.mark.parametrize("minutes", [0, -5, 121, 10_000])
def test_an_extension_out_of_range_is_refused(kiosk, minutes: int) -> None:
    kiosk.reach(S.ACTIVE)
    before = kiosk.engine.snapshot
    with refused(Refusal.BAD_EXTENSION):
        kiosk.extend(minutes)
    assert kiosk.engine.snapshot == before


def test_the_longest_extension_is_allowed(kiosk) -> None:
    kiosk.reach(S.ACTIVE)
    kiosk.extend(120)
    assert kiosk.seconds_left() == 3600 + 120 * 60


@pytest.mark.parametrize("state", [S.WAITING, S.RULES, S.ENDING, S.WIPING, S.DONE])
def test_an_extension_without_a_running_session_is_refused(kiosk, state) -> None:
    kiosk.reach(state)
    with refused(Refusal.NO_SESSION):
        kiosk.extend(10)


@pytest.mark.parametrize("state", [S.WAITING, S.ENDING, S.WIPING, S.DONE])
def test_ending_without_a_session_is_refused(kiosk, state) -> None:
    kiosk.reach(state)
    with refused(Refusal.NO_SESSION):
        kiosk.end(EndReason.STAFF, ANIMATOR)
    assert kiosk.state is state


@pytest.mark.parametrize("state", [S.WAITING, S.ENDING, S.WIPING, S.DONE])
def test_help_without_a_session_is_refused(kiosk, state) -> None:
    kiosk.reach(state)
    with refused(Refusal.NO_SESSION):
        kiosk.engine.request_help(kiosk.clock.now())


def test_a_refused_login_leaves_the_pc_as_it_was(kiosk, make_policy) -> None:
    kiosk.engine.set_policy(make_policy({"login_modes": ["walk_in"]}))
    before = kiosk.engine.snapshot
    with pytest.raises(CommandRefused):
        kiosk.login(LoginMode.MEMBER)
    assert kiosk.engine.snapshot == before


# -- the visitor -------------------------------------------------------------------------


def test_the_visitor_ends_early(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=12)
    assert kiosk.end() == [
        StateChanged(S.ACTIVE, S.ENDING),
        SessionEnded(EndReason.VISITOR, Actor.visitor()),
    ]
    session = kiosk.engine.session
    assert session.end_reason is EndReason.VISITOR
    assert session.ended_by == Actor.visitor()
    assert session.ended_mono - session.started_mono == 12 * 60
    assert session.ended_wall == kiosk.clock.wall
    assert kiosk.seconds_left() is None


def test_staff_end_a_session_and_are_named(kiosk) -> None:
    kiosk.start()
    kiosk.busy(minutes=3)
    assert kiosk.end(EndReason.STAFF, AT_THE_KIOSK) == [
        StateChanged(S.ACTIVE, S.ENDING),
        SessionEnded(EndReason.STAFF, AT_THE_KIOSK),
    ]
    assert kiosk.engine.session.ended_by == AT_THE_KIOSK


def test_ending_on_the_rules_screen_goes_back_to_the_first_screen(kiosk) -> None:
    kiosk.login()
    assert kiosk.end(EndReason.STAFF, ANIMATOR) == [
        StateChanged(S.RULES, S.WAITING),
        RulesAbandoned(declined=False),
    ]
    assert kiosk.engine.session is None


def test_declining_the_rules_starts_nothing(kiosk) -> None:
    kiosk.login()
    kiosk.engine.decline_rules(kiosk.clock.now())
    assert kiosk.engine.session is None
    assert kiosk.seconds_left() is None


def test_a_visitor_asks_for_help(kiosk) -> None:
    kiosk.start()
    assert kiosk.engine.request_help(kiosk.clock.now()) == [HelpRequested()]
    assert kiosk.engine.session.help_requested


def test_help_can_be_asked_on_the_rules_screen(kiosk) -> None:
    kiosk.login()
    assert kiosk.engine.request_help(kiosk.clock.now()) == [HelpRequested()]


def test_staff_answering_the_call_clears_it_and_the_visitor_may_ask_again(kiosk) -> None:
    kiosk.start()
    staff = Actor(ActorKind.CONSOLE, "nadia")
    kiosk.engine.request_help(kiosk.clock.now())
    assert kiosk.engine.help_answered(kiosk.clock.now(), staff) == [HelpAnswered(staff)]
    assert not kiosk.engine.session.help_requested
    assert kiosk.engine.session.help_asked  # the session's record still says help was asked
    assert kiosk.engine.help_answered(kiosk.clock.now(), staff) == []  # nothing left to clear
    assert kiosk.engine.request_help(kiosk.clock.now()) == [HelpRequested()]
    assert kiosk.engine.session.help_requested


def test_answering_a_call_without_a_session_changes_nothing(kiosk) -> None:
    before = kiosk.engine.snapshot
    assert kiosk.engine.help_answered(kiosk.clock.now(), Actor(ActorKind.CONSOLE, "x")) == []
    assert kiosk.engine.snapshot == before


def test_the_next_visitor_starts_without_the_last_ones_help_flag(kiosk) -> None:
    kiosk.start()
    kiosk.engine.request_help(kiosk.clock.now())
    kiosk.end()
    kiosk.engine.wipe_started(kiosk.clock.now())
    kiosk.engine.wipe_finished(kiosk.clock.now(), RECEIPT)
    kiosk.engine.dismiss_receipt(kiosk.clock.now())
    kiosk.start()
    assert not kiosk.engine.session.help_requested


# -- staff -------------------------------------------------------------------------------


def test_lock_and_unlock(kiosk) -> None:
    now = kiosk.clock.now()
    assert kiosk.engine.lock(now, ANIMATOR) == [Locked(ANIMATOR)]
    assert kiosk.engine.snapshot.locked_by == ANIMATOR
    assert kiosk.engine.lock(now, AT_THE_KIOSK) == []  # already locked: the first one stays
    assert kiosk.engine.snapshot.locked_by == ANIMATOR
    assert kiosk.engine.unlock(now, AT_THE_KIOSK) == [Unlocked(AT_THE_KIOSK)]
    assert kiosk.engine.snapshot.locked_by is None
    assert kiosk.engine.unlock(now, AT_THE_KIOSK) == []


def test_time_keeps_running_while_locked(kiosk) -> None:
    kiosk.start()
    kiosk.engine.lock(kiosk.clock.now(), ANIMATOR)
    kiosk.busy(minutes=30)
    assert kiosk.state is S.ACTIVE
    assert kiosk.seconds_left() == 30 * 60
    events = kiosk.busy(minutes=30)
    assert events[-1] == SessionEnded(EndReason.TIME_UP, Actor.system())


def test_staff_messages(kiosk) -> None:
    kiosk.start()
    first = kiosk.engine.send_message(kiosk.clock.now(), "  On ferme dans 15 minutes  ", ANIMATOR)
    assert first == [
        MessageSent(StaffMessage(1, "On ferme dans 15 minutes", ANIMATOR, kiosk.clock.wall))
    ]
    kiosk.clock.advance(seconds=5)
    second = kiosk.engine.send_message(kiosk.clock.now(), "Imprimante réparée", AT_THE_KIOSK)
    assert second == [
        MessageSent(StaffMessage(2, "Imprimante réparée", AT_THE_KIOSK, kiosk.clock.wall))
    ]
    assert kiosk.engine.snapshot.message.number == 2
    assert kiosk.engine.clear_message(kiosk.clock.now()) == [MessageCleared()]
    assert kiosk.engine.snapshot.message is None
    assert kiosk.engine.clear_message(kiosk.clock.now()) == []


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_an_empty_or_too_long_message_is_refused(kiosk, text: str) -> None:
    with refused(Refusal.BAD_MESSAGE):
        kiosk.engine.send_message(kiosk.clock.now(), text, ANIMATOR)
    assert kiosk.engine.snapshot.message is None


def test_a_message_of_500_characters_is_sent(kiosk) -> None:
    assert kiosk.engine.send_message(kiosk.clock.now(), "é" * 500, ANIMATOR)


def test_a_message_is_gone_when_the_data_is_erased(kiosk) -> None:
    kiosk.start()
    kiosk.engine.send_message(kiosk.clock.now(), "Bonjour", ANIMATOR)
    kiosk.end()
    kiosk.engine.wipe_started(kiosk.clock.now())
    assert kiosk.engine.snapshot.message is not None
    kiosk.engine.wipe_finished(kiosk.clock.now(), RECEIPT)
    assert kiosk.engine.snapshot.message is None
