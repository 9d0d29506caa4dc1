"""Snapshots survive JSON: an agent that restarts resumes exactly where it was."""

from __future__ import annotations

import copy
import json

import pytest

from kiosk.core import (
    Actor,
    ActorKind,
    EndReason,
    LockReason,
    SessionEngine,
    Snapshot,
    State,
    WipeReceipt,
    Workshop,
)
from kiosk.core.codec import snapshot_from_data, snapshot_to_data
from kiosk.core.engine import SHELL_GRACE_SECONDS
from kiosk.core.events import SessionEnded
from policies import Language, LoginMode

ANIMATOR = Actor(ActorKind.CONSOLE, "ana")
RECEIPT = WipeReceipt((("files", 31), ("downloads", 4), ("print_jobs", 2)), 7_340_032, 2.25)


@pytest.fixture
def snapshots(kiosk) -> list[Snapshot]:
    """Snapshots of one PC through a day, in every state, with every field filled somewhere."""
    engine, clock = kiosk.engine, kiosk.clock
    seen = [engine.snapshot]

    def step(*events: object) -> None:
        seen.append(engine.snapshot)

    step(engine.lock(clock.now(), ANIMATOR))
    step(engine.send_message(clock.now(), "Ce PC est réservé — هذا الحاسوب محجوز", ANIMATOR))
    step(engine.unlock(clock.now(), ANIMATOR))
    step(kiosk.login(LoginMode.MEMBER, Language.AR, reference="card-0042", used_today_seconds=1500))
    clock.advance(seconds=42.5)
    step(kiosk.accept(Language.AR))
    step(engine.request_help(clock.now()))
    step(kiosk.extend(15))  # 75 minutes in all
    step(kiosk.after(minutes=10))  # idle
    step(engine.shell_lost(clock.now()))
    step(engine.shell_back(clock.now()))
    step(kiosk.activity())
    step(kiosk.busy(minutes=56, step_seconds=30))  # warned: 9 minutes left
    step(kiosk.busy(minutes=4))  # warned again: 5 minutes left
    step(kiosk.busy(minutes=4, step_seconds=20))  # final countdown
    step(kiosk.end(EndReason.STAFF, ANIMATOR))
    step(engine.wipe_started(clock.now()))
    clock.advance(seconds=2.25)
    step(engine.wipe_finished(clock.now(), RECEIPT))
    step(engine.dismiss_receipt(clock.now()))
    step(kiosk.login(LoginMode.TICKET, Language.TR, reference="K7-93QX", ticket_minutes=30))
    step(kiosk.accept(Language.TR))
    step(kiosk.after(minutes=45))  # time up
    step(engine.wipe_started(clock.now()))
    step(engine.wipe_finished(clock.now(), WipeReceipt((), 0, 0.0)))
    step(kiosk.after(minutes=1))
    step(engine.recover_unsure_wipe(clock.now()))
    step(engine.wipe_started(clock.now()))
    step(engine.wipe_finished(clock.now(), WipeReceipt((), 0, 0.0)))
    step(engine.dismiss_receipt(clock.now()))
    # The console could not be reached: a ticket checked offline, then out of order.
    step(
        kiosk.login(
            LoginMode.TICKET, Language.FR, ticket_minutes=45, ticket_digest="ab" * 32, offline=True
        )
    )
    step(kiosk.accept(Language.FR))
    step(engine.lock(clock.now(), ANIMATOR, LockReason.OUT_OF_ORDER))
    step(engine.unlock(clock.now(), ANIMATOR))
    step(kiosk.end(EndReason.STAFF, ANIMATOR))
    step(engine.wipe_started(clock.now()))
    step(engine.wipe_finished(clock.now(), RECEIPT))
    step(engine.dismiss_receipt(clock.now()))
    step(engine.start_workshop(clock.now(), Workshop("Chercher un emploi", "ws-12"), 90))
    return seen


def round_trip(snapshot: Snapshot) -> Snapshot:
    text = json.dumps(snapshot_to_data(snapshot), allow_nan=False, ensure_ascii=False)
    return snapshot_from_data(json.loads(text))


def test_the_run_covers_every_state(snapshots: list[Snapshot]) -> None:
    assert {s.state for s in snapshots} == set(State)
    assert any(s.session and s.session.warnings_given for s in snapshots)
    assert any(s.session and s.session.idle_deadline_mono for s in snapshots)
    assert any(s.session and s.session.ended_by for s in snapshots)
    assert any(s.locked_by and s.message for s in snapshots)
    assert any(s.receipt and s.done_until_mono for s in snapshots)
    assert any(s.state is State.ENDING and s.session is None for s in snapshots)
    assert any(s.lock_reason is LockReason.OUT_OF_ORDER for s in snapshots)
    assert any(s.session and s.session.visitor.offline for s in snapshots)
    assert any(s.session and s.session.visitor.workshop for s in snapshots)


def test_every_snapshot_survives_json(snapshots: list[Snapshot]) -> None:
    for snapshot in snapshots:
        restored = round_trip(snapshot)
        assert restored == snapshot
        assert snapshot_to_data(restored) == snapshot_to_data(snapshot)


def test_times_keep_their_instant_and_offset(snapshots: list[Snapshot]) -> None:
    session = next(s.session for s in snapshots if s.session and s.session.ended_wall)
    restored = round_trip(next(s for s in snapshots if s.session is session)).session
    assert restored is not None
    assert restored.started_wall == session.started_wall
    assert restored.started_wall.utcoffset() == session.started_wall.utcoffset()
    assert restored.ended_wall == session.ended_wall


def test_a_restored_engine_carries_on_like_the_original(kiosk, snapshots) -> None:
    later = kiosk.clock.advance(minutes=3)
    for snapshot in snapshots:
        if snapshot.shell_lost_mono is not None:
            continue  # see the next test
        original = SessionEngine(kiosk.policy, snapshot)
        restored = SessionEngine(kiosk.policy, round_trip(snapshot))
        assert restored.seconds_left(later) == original.seconds_left(later)
        assert restored.tick(later) == original.tick(later)
        assert restored.snapshot == original.snapshot


def test_a_lost_shell_is_marked_again_after_a_restart(kiosk, snapshots) -> None:
    # Whether the shell is there belongs to the running agent, not to the stored state:
    # a restarted agent has no shell yet and marks it lost, which restarts the grace period.
    [lost] = [s for s in snapshots if s.shell_lost_mono is not None]
    restored = SessionEngine(kiosk.policy, round_trip(lost))
    assert restored.snapshot.shell_lost_mono is None
    now = kiosk.clock.now()
    restored.shell_lost(now)
    events = restored.tick(kiosk.clock.advance(seconds=SHELL_GRACE_SECONDS))
    assert SessionEnded(EndReason.SHELL_LOST, Actor.system()) in events


def test_the_data_is_plain_json(snapshots: list[Snapshot]) -> None:
    data = snapshot_to_data(snapshots[7])
    assert data["state"] == "active"
    assert data["session"]["visitor"] == {
        "mode": "member",
        "reference": "card-0042",
        "used_today_seconds": 1500,
        "ticket_minutes": None,
        "ticket_ref": None,
        "ticket_digest": None,
        "offline": False,
        "workshop": None,
        "free_pages": 0,
        "pages_printed_today": 0,
    }
    assert data["session"]["language"] == "ar"
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("state"),
        lambda d: d.update(state="sleeping"),
        lambda d: d["session"].update(language="de"),
        lambda d: d["session"].update(logged_in_wall="yesterday"),
        lambda d: d["session"]["visitor"].pop("mode"),
        lambda d: d["session"].update(base_seconds="an hour"),
        lambda d: d.update(locked_by={"kind": "hacker", "name": "x"}),
    ],
)
def test_damaged_data_is_refused(snapshots: list[Snapshot], damage) -> None:
    data = copy.deepcopy(snapshot_to_data(snapshots[7]))
    damage(data)
    with pytest.raises((KeyError, ValueError)):
        snapshot_from_data(data)


def test_a_snapshot_saved_before_the_console_fields_existed_still_resumes(snapshots) -> None:
    # An agent upgraded in the middle of a session must not lose it.
    data = snapshot_to_data(snapshots[7])
    data.pop("lock_reason")
    for name in ("ticket_ref", "ticket_digest", "offline", "workshop"):
        data["session"]["visitor"].pop(name)
    restored = snapshot_from_data(data)
    assert restored.session is not None
    assert restored.session.visitor == snapshots[7].session.visitor
