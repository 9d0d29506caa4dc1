"""The session engine of one public PC: explicit states, an injected clock, events out.

Every method takes the current :class:`Instant` and returns the events it caused; nothing
here reads a clock, sleeps, or does IO. ``tick(now)`` only looks at the time: the agent's
timer calls it, tests call it with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kiosk.core.errors import CommandRefused, IllegalTransition, Refusal
from kiosk.core.events import (
    ActivityResumed,
    Event,
    Extended,
    FinalCountdown,
    HelpAnswered,
    HelpRequested,
    IdleWarned,
    Locked,
    MessageCleared,
    MessageSent,
    ReadyForNextVisitor,
    RulesAbandoned,
    RulesShown,
    SessionEnded,
    SessionStarted,
    StateChanged,
    Unlocked,
    Warned,
    WipeFinished,
    WipeStarted,
)
from kiosk.core.model import (
    Actor,
    EndReason,
    Instant,
    LockReason,
    Session,
    Snapshot,
    StaffMessage,
    State,
    Visitor,
    WipeReceipt,
    Workshop,
)
from policies import Language, Limit, LoginMode, Policy, session_allowance

IN_SESSION = frozenset({State.ACTIVE, State.WARNED, State.FINAL, State.IDLE})
"""States in which a visitor's time is running."""

TRANSITIONS: dict[State, frozenset[State]] = {
    State.WAITING: frozenset({State.RULES, State.ACTIVE, State.ENDING}),
    State.RULES: frozenset({State.ACTIVE, State.WAITING}),
    State.ACTIVE: frozenset({State.WARNED, State.FINAL, State.IDLE, State.ENDING}),
    State.WARNED: frozenset({State.ACTIVE, State.FINAL, State.IDLE, State.ENDING}),
    State.FINAL: frozenset({State.ACTIVE, State.WARNED, State.ENDING}),
    State.IDLE: frozenset({State.ACTIVE, State.WARNED, State.FINAL, State.ENDING}),
    State.ENDING: frozenset({State.WIPING}),
    State.WIPING: frozenset({State.DONE}),
    State.DONE: frozenset({State.WAITING}),
}
"""Every allowed move. WAITING → ENDING is the boot sweep of a PC whose last wipe is unsure;
WAITING → ACTIVE is a workshop an animator starts (no login, no rules screen)."""

SHELL_GRACE_SECONDS = 30
"""A session whose shell is gone this long ends: a killed shell never means free time."""

DONE_SCREEN_SECONDS = 20
"""How long the 'your data is erased' receipt stays before the PC is free again."""

MIN_SESSION_SECONDS = 60
"""A session that would last less than this is not started (the room is about to close)."""


@dataclass
class SessionEngine:
    """The state machine of one PC. Holds a :class:`Snapshot`; every change replaces it."""

    policy: Policy
    snapshot: Snapshot = field(default_factory=Snapshot)

    # -- reading -------------------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state."""
        return self.snapshot.state

    @property
    def session(self) -> Session | None:
        """The running (or last ended, until the PC is free) session."""
        return self.snapshot.session

    def seconds_left(self, now: Instant) -> int | None:
        """Whole seconds before the deadline, never negative; None outside a session."""
        session = self.snapshot.session
        if session is None or session.deadline_mono is None or self.state not in IN_SESSION:
            return None
        return max(0, int(session.deadline_mono - now.mono + 0.999))

    # -- visitor -------------------------------------------------------------------------

    def login(self, now: Instant, visitor: Visitor, language: Language) -> list[Event]:
        """A visitor was identified (the agent checked ticket or card): show the rules."""
        self._require_unlocked()
        self._require_state(State.WAITING, State.RULES)
        if visitor.mode not in self.policy.login_modes:
            raise CommandRefused(Refusal.MODE_NOT_ALLOWED, f"{visitor.mode} is not offered")
        if language not in self.policy.languages:
            raise CommandRefused(Refusal.LANGUAGE_NOT_OFFERED, f"{language} is not offered")
        if self._allowance_seconds(now, visitor) < MIN_SESSION_SECONDS:
            raise CommandRefused(Refusal.NO_TIME_LEFT, "no time left today or the room is closed")
        session = Session(
            visitor=visitor, language=language, logged_in_wall=now.wall, last_activity_mono=now.mono
        )
        events = self._move(State.RULES, session=session)
        return [*events, RulesShown(self.policy.house_rules.version, language)]

    def accept_rules(self, now: Instant, rules_version: str, language: Language) -> list[Event]:
        """The visitor accepted the house rules they were shown: the session starts."""
        self._require_unlocked()
        session = self._require_state(State.RULES)
        if rules_version != self.policy.house_rules.version:
            raise CommandRefused(Refusal.RULES_CHANGED, "the house rules changed; read them again")
        if language not in self.policy.languages:
            raise CommandRefused(Refusal.LANGUAGE_NOT_OFFERED, f"{language} is not offered")
        allowance = session_allowance(
            self.policy,
            now.wall,
            session.visitor.mode,
            used_today_seconds=session.visitor.used_today_seconds,
            ticket_minutes=session.visitor.ticket_minutes,
        )
        if allowance.seconds < MIN_SESSION_SECONDS:
            raise CommandRefused(Refusal.NO_TIME_LEFT, "no time left today or the room is closed")
        started = replace(
            session,
            language=language,
            rules_version=rules_version,
            started_mono=now.mono,
            started_wall=now.wall,
            base_seconds=allowance.seconds,
            limited_by=allowance.limited_by,
            deadline_mono=now.mono + allowance.seconds,
            last_activity_mono=now.mono,
        )
        events = self._move(State.ACTIVE, session=started)
        return [
            *events,
            SessionStarted(
                session.visitor.mode,
                language,
                rules_version,
                allowance.seconds,
                allowance.limited_by,
            ),
        ]

    def decline_rules(self, now: Instant) -> list[Event]:
        """The visitor did not accept the rules: back to the first screen, nothing started."""
        self._require_state(State.RULES)
        return [*self._move(State.WAITING, session=None), RulesAbandoned(declined=True)]

    def activity(self, now: Instant) -> list[Event]:
        """The visitor touched the keyboard or the mouse."""
        session = self.snapshot.session
        if session is None or self.state not in (IN_SESSION | {State.RULES}):
            return []
        self.snapshot = replace(
            self.snapshot,
            session=replace(session, last_activity_mono=now.mono, idle_deadline_mono=None),
        )
        if self.state is not State.IDLE:
            return []
        return [*self._move(self._time_state(now)), ActivityResumed()]

    def request_help(self, now: Instant) -> list[Event]:
        """The visitor pressed the help button."""
        session = self.snapshot.session
        if session is None or self.state not in (IN_SESSION | {State.RULES}):
            raise CommandRefused(Refusal.NO_SESSION, "help is asked during a session")
        asked = replace(session, help_requested=True, help_asked=True)
        self.snapshot = replace(self.snapshot, session=asked)
        return [HelpRequested()]

    def help_answered(self, now: Instant, by: Actor) -> list[Event]:
        """Staff closed the visitor's call (done or cancelled at the console): the bar no
        longer says someone is coming and the visitor may ask again. Nothing to clear (no
        session, or no call waiting) is no change."""
        session = self.snapshot.session
        if session is None or self.state not in (IN_SESSION | {State.RULES}):
            return []
        if not session.help_requested:
            return []
        self.snapshot = replace(self.snapshot, session=replace(session, help_requested=False))
        return [HelpAnswered(by)]

    def dismiss_receipt(self, now: Instant) -> list[Event]:
        """The next visitor touched the 'data erased' screen: the PC is free."""
        self._require_state(State.DONE)
        return [*self._move(State.WAITING, session=None, receipt=None), ReadyForNextVisitor()]

    # -- staff and system ----------------------------------------------------------------

    def start_workshop(self, now: Instant, workshop: Workshop, minutes: int) -> list[Event]:
        """Staff start a workshop on a free PC: the session runs at once for ``minutes``,
        without a login and without the rules screen (the animator presents the house rules
        to the group). Not capped at closing time: staff decide, as for extensions."""
        self._require_unlocked()
        if self.state is not State.WAITING:
            raise CommandRefused(Refusal.BUSY, f"this PC is not free ({self.state})")
        if not 1 <= minutes <= 24 * 60:
            raise CommandRefused(Refusal.BAD_EXTENSION, "a workshop lasts 1 to 1440 minutes")
        seconds = minutes * 60
        language = self.policy.languages[0]
        rules_version = self.policy.house_rules.version
        session = Session(
            visitor=Visitor(LoginMode.WALK_IN, workshop=workshop),
            language=language,
            logged_in_wall=now.wall,
            last_activity_mono=now.mono,
            rules_version=rules_version,
            started_mono=now.mono,
            started_wall=now.wall,
            base_seconds=seconds,
            limited_by=Limit.WORKSHOP,
            deadline_mono=now.mono + seconds,
        )
        events = self._move(State.ACTIVE, session=session)
        return [
            *events,
            SessionStarted(LoginMode.WALK_IN, language, rules_version, seconds, Limit.WORKSHOP),
        ]

    def extend(self, now: Instant, minutes: int, by: Actor) -> list[Event]:
        """Staff give more time. Escalation restarts from the new time left."""
        session = self._require_in_session()
        if not 1 <= minutes <= self.policy.session.max_extension_minutes:
            raise CommandRefused(
                Refusal.BAD_EXTENSION,
                f"an extension is 1 to {self.policy.session.max_extension_minutes} minutes",
            )
        assert session.deadline_mono is not None
        deadline = session.deadline_mono + minutes * 60
        remaining = deadline - now.mono
        given = frozenset(w for w in session.warnings_given if w * 60 >= remaining)
        extended = replace(
            session,
            deadline_mono=deadline,
            warnings_given=given,
            extended_seconds=session.extended_seconds + minutes * 60,
        )
        self.snapshot = replace(self.snapshot, session=extended)
        events: list[Event] = []
        if self.state is not State.IDLE:
            events += self._move(self._time_state(now))
        # Past a deadline the next tick has not seen yet, there is no time left to tell.
        return [*events, Extended(minutes, by, max(0, int(remaining + 0.999)))]

    def end(self, now: Instant, reason: EndReason, by: Actor) -> list[Event]:
        """End the session now (visitor, staff, time up, idle, lost shell, reboot)."""
        session = self._require_in_session(allow_rules=True)
        if self.state is State.RULES:
            # Nothing was used yet: no wipe needed, but nothing to keep either.
            return [*self._move(State.WAITING, session=None), RulesAbandoned(declined=False)]
        ended = replace(
            session, end_reason=reason, ended_by=by, ended_wall=now.wall, ended_mono=now.mono
        )
        return [*self._move(State.ENDING, session=ended), SessionEnded(reason, by)]

    def recover_unsure_wipe(self, now: Instant) -> list[Event]:
        """At start, the wipe journal says the last wipe may be unfinished: wipe again."""
        self._require_state(State.WAITING)
        return self._move(State.ENDING)

    def wipe_started(self, now: Instant) -> list[Event]:
        """The agent began erasing the visitor's data."""
        self._require_state(State.ENDING)
        return [*self._move(State.WIPING), WipeStarted()]

    def wipe_finished(self, now: Instant, receipt: WipeReceipt) -> list[Event]:
        """Everything is erased: show the receipt, then free the PC."""
        self._require_state(State.WIPING)
        events = self._move(
            State.DONE,
            receipt=receipt,
            done_until_mono=now.mono + DONE_SCREEN_SECONDS,
            message=None,
        )
        return [*events, WipeFinished(receipt)]

    def lock(self, now: Instant, by: Actor, reason: LockReason | None = None) -> list[Event]:
        """Staff cover the screen; time keeps running; only staff can unlock. Locking a
        locked PC again only changes the reason the screen gives."""
        snapshot = self.snapshot
        if snapshot.locked_by is not None and snapshot.lock_reason == reason:
            return []
        self.snapshot = replace(snapshot, locked_by=by, lock_reason=reason)
        return [Locked(by, reason)]

    def unlock(self, now: Instant, by: Actor) -> list[Event]:
        """Staff uncover the screen."""
        if self.snapshot.locked_by is None:
            return []
        self.snapshot = replace(self.snapshot, locked_by=None, lock_reason=None)
        return [Unlocked(by)]

    def send_message(self, now: Instant, text: str, by: Actor) -> list[Event]:
        """Staff show a message on the screen until the visitor closes it."""
        text = text.strip()
        if not 1 <= len(text) <= 500:
            raise CommandRefused(Refusal.BAD_MESSAGE, "a message is 1 to 500 characters")
        previous = self.snapshot.message
        message = StaffMessage(
            number=(previous.number + 1) if previous else 1, text=text, by=by, sent_wall=now.wall
        )
        self.snapshot = replace(self.snapshot, message=message)
        return [MessageSent(message)]

    def clear_message(self, now: Instant) -> list[Event]:
        """The visitor closed the staff message."""
        if self.snapshot.message is None:
            return []
        self.snapshot = replace(self.snapshot, message=None)
        return [MessageCleared()]

    def shell_lost(self, now: Instant) -> list[Event]:
        """The visitor's screen went away; the session ends unless it comes back soon."""
        if self.snapshot.shell_lost_mono is None:
            self.snapshot = replace(self.snapshot, shell_lost_mono=now.mono)
        return []

    def shell_back(self, now: Instant) -> list[Event]:
        """The visitor's screen is back."""
        self.snapshot = replace(self.snapshot, shell_lost_mono=None)
        return []

    def set_policy(self, policy: Policy) -> None:
        """A new policy applies to the next sessions; a running deadline does not move."""
        self.policy = policy

    # -- time ----------------------------------------------------------------------------

    def tick(self, now: Instant) -> list[Event]:
        """Look at the time: warnings, idle, end of time, end of the receipt screen."""
        session = self.snapshot.session
        state = self.state
        shell_gone = self.snapshot.shell_lost_mono
        if (
            state in IN_SESSION | {State.RULES}
            and shell_gone is not None
            and (now.mono - shell_gone >= SHELL_GRACE_SECONDS)
        ):
            return self.end(now, EndReason.SHELL_LOST, Actor.system())
        if state is State.RULES and session is not None:
            if now.mono - session.last_activity_mono >= self._idle_timeout():
                return self.end(now, EndReason.IDLE, Actor.system())
            return []
        if state is State.DONE:
            if (
                self.snapshot.done_until_mono is not None
                and now.mono >= self.snapshot.done_until_mono
            ):
                return [
                    *self._move(State.WAITING, session=None, receipt=None),
                    ReadyForNextVisitor(),
                ]
            return []
        if state not in IN_SESSION or session is None or session.deadline_mono is None:
            return []
        if now.mono >= session.deadline_mono:
            return self.end(now, EndReason.TIME_UP, Actor.system())
        if state is State.IDLE:
            assert session.idle_deadline_mono is not None
            if now.mono >= session.idle_deadline_mono:
                return self.end(now, EndReason.IDLE, Actor.system())
            return []
        if (
            state is not State.FINAL
            # A workshop's participants listen to the animator for long stretches; the
            # animator in the room ends the sessions.
            and session.visitor.workshop is None
            and now.mono - session.last_activity_mono >= self._idle_timeout()
        ):
            seconds = self.policy.session.idle_warning_seconds
            self.snapshot = replace(
                self.snapshot, session=replace(session, idle_deadline_mono=now.mono + seconds)
            )
            return [*self._move(State.IDLE), IdleWarned(seconds)]
        return self._warnings_due(now, session)

    # -- internals -----------------------------------------------------------------------

    def _warnings_due(self, now: Instant, session: Session) -> list[Event]:
        assert session.deadline_mono is not None
        remaining = session.deadline_mono - now.mono
        due = {
            w
            for w in self.policy.session.warnings_minutes
            if w * 60 >= remaining and w not in session.warnings_given
        }
        if not due:
            return []
        self.snapshot = replace(
            self.snapshot, session=replace(session, warnings_given=session.warnings_given | due)
        )
        newest = min(due)
        seconds_left = max(0, int(remaining + 0.999))
        if newest == self.policy.session.final_countdown_minutes:
            return [*self._move(State.FINAL), FinalCountdown(seconds_left)]
        return [*self._move(State.WARNED), Warned(newest, seconds_left)]

    def _time_state(self, now: Instant) -> State:
        """ACTIVE, WARNED or FINAL, from the time left and the warnings already given."""
        session = self.snapshot.session
        assert session is not None and session.deadline_mono is not None
        remaining = session.deadline_mono - now.mono
        warnings = self.policy.session.warnings_minutes
        if self.policy.session.final_countdown_minutes in session.warnings_given and (
            remaining <= self.policy.session.final_countdown_minutes * 60
        ):
            return State.FINAL
        if (
            any(w * 60 >= remaining for w in session.warnings_given)
            and remaining <= max(warnings) * 60
        ):
            return State.WARNED
        return State.ACTIVE

    def _idle_timeout(self) -> int:
        return self.policy.session.idle_timeout_minutes * 60

    def _allowance_seconds(self, now: Instant, visitor: Visitor) -> int:
        return session_allowance(
            self.policy,
            now.wall,
            visitor.mode,
            used_today_seconds=visitor.used_today_seconds,
            ticket_minutes=visitor.ticket_minutes,
        ).seconds

    def _require_unlocked(self) -> None:
        if self.snapshot.locked_by is not None:
            raise CommandRefused(Refusal.LOCKED, "this PC is locked by staff")

    def _require_state(self, *states: State) -> Session:
        if self.state not in states:
            raise IllegalTransition(self.state, states[0])
        return self.snapshot.session  # type: ignore[return-value]

    def _require_in_session(self, allow_rules: bool = False) -> Session:
        allowed = IN_SESSION | ({State.RULES} if allow_rules else frozenset())
        session = self.snapshot.session
        if self.state not in allowed or session is None:
            raise CommandRefused(Refusal.NO_SESSION, f"no session is running ({self.state})")
        return session

    def _move(self, target: State, **changes: object) -> list[Event]:
        source = self.state
        if target is source:
            if changes:
                self.snapshot = replace(self.snapshot, **changes)  # type: ignore[arg-type]
            return []
        if target not in TRANSITIONS[source]:
            raise IllegalTransition(source, target)
        self.snapshot = replace(self.snapshot, state=target, **changes)  # type: ignore[arg-type]
        return [StateChanged(source, target)]


__all__ = ["IN_SESSION", "TRANSITIONS", "LoginMode", "SessionEngine"]
