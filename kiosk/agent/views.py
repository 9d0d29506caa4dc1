"""What the shell shows, computed from the engine and the policy in one pure function."""

from __future__ import annotations

import datetime as dt
import math

from kiosk.core.engine import IN_SESSION, SessionEngine
from kiosk.core.model import Instant, Session, State
from kiosk.core.protocol import MessageView, ReceiptView, RuleView, SummaryView, View
from policies import Policy, is_open, next_opening

_AFTER_SESSION = frozenset({State.ENDING, State.WIPING, State.DONE})


def _opens_at(policy: Policy, wall: dt.datetime) -> str | None:
    opening = next_opening(policy, wall)
    if opening is None:
        return None
    if opening.date() == wall.date():
        return opening.strftime("%H:%M")
    return opening.strftime("%Y-%m-%d %H:%M")


def build_view(
    engine: SessionEngine, policy: Policy, now: Instant, pc_name: str, animator_pin_set: bool
) -> View:
    """Everything the visitor's screen should show at ``now``.

    House rules only while they are to be read (RULES), in the session's language; the
    time left and the end time while the time runs; the idle countdown while idle.
    """
    snapshot = engine.snapshot
    session = snapshot.session
    state = snapshot.state
    open_now = is_open(policy, now.wall)
    view = View(
        state=state,
        pc_name=pc_name,
        languages=policy.languages,
        login_modes=policy.login_modes,
        is_open=open_now,
        opens_at=None if open_now else _opens_at(policy, now.wall),
        locked=snapshot.locked_by is not None,
        lock_reason=snapshot.lock_reason if snapshot.locked_by is not None else None,
        message=None
        if snapshot.message is None
        else MessageView(number=snapshot.message.number, text=snapshot.message.text),
        receipt=None
        if snapshot.receipt is None
        else ReceiptView(
            erased=dict(snapshot.receipt.erased), bytes_erased=snapshot.receipt.bytes_erased
        ),
        animator_pin_set=animator_pin_set,
        staff_language=policy.staff.language.language,
    )
    if session is None:
        return view
    changes: dict[str, object] = {
        "language": session.language,
        "help_requested": session.help_requested,
    }
    if session.visitor.workshop is not None and state in IN_SESSION:
        changes["workshop_title"] = session.visitor.workshop.title
    if state is State.RULES:
        changes["rules_version"] = policy.house_rules.version
        changes["rules"] = tuple(
            RuleView(id=rule.id, pictogram=rule.pictogram, short=text.short, long=text.long)
            for rule, text in policy.house_rules.in_language(session.language)
        )
    elif state in IN_SESSION:
        seconds_left = engine.seconds_left(now)
        changes["rules_version"] = session.rules_version
        changes["seconds_left"] = seconds_left
        if seconds_left is not None:
            changes["ends_at"] = (now.wall + dt.timedelta(seconds=seconds_left)).strftime("%H:%M")
        if session.warnings_given:
            changes["warning_minutes"] = min(session.warnings_given)
        if state is State.IDLE and session.idle_deadline_mono is not None:
            changes["idle_seconds_left"] = max(0, math.ceil(session.idle_deadline_mono - now.mono))
    if state in _AFTER_SESSION:
        changes["end_reason"] = session.end_reason
        changes["summary"] = session_summary(session)
    return view.model_copy(update=changes)


def session_summary(session: Session) -> SummaryView | None:
    """The receipt's figures of an ended session (printing is added by the agent, which
    meters it); None for a session that never started (declined rules)."""
    if session.started_wall is None or session.ended_wall is None:
        return None
    if session.started_mono is not None and session.ended_mono is not None:
        # Monotonic when both ends are on one boot's clock: a clock change is not time used.
        used = session.ended_mono - session.started_mono
    else:
        used = (session.ended_wall - session.started_wall).total_seconds()
    seconds_used = max(0, round(used))
    unused = None
    if session.visitor.ticket_minutes is not None:
        unused = max(0, session.visitor.ticket_minutes * 60 - seconds_used)
    return SummaryView(seconds_used=seconds_used, ticket_unused_seconds=unused)
