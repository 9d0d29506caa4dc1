"""The staff repository on SQLite and on PostgreSQL: every change a PC must know raises the
roster revision in its own transaction (and no other change does), the roster holds the
enabled staff with a PIN only, a disable drops the account's tokens at once, the last
enabled admin stays, and no plain account value ever holds a hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from conftest_pg import database_url, postgres, repos

from admin_console.server.db.repositories import Repositories
from admin_console.server.db.repositories.staff import Staff, StaffRepository
from admin_console.server.errors import Conflict

__all__ = ["database_url", "postgres", "repos"]

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
PIN_HASH = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


def _add(staff: StaffRepository, username: str, role: str = "animator") -> Staff:
    return staff.add(username, "$argon2id$password", role, NOW)


def test_each_change_a_pc_must_know_raises_the_revision_and_no_other(
    repos: Repositories,
) -> None:
    staff = repos.staff
    ana, bob = _add(staff, "ana"), _add(staff, "bob")
    assert staff.revision() == 0
    steps = [
        (lambda: staff.change(bob.id, display_name="Bob", disabled=True), False),  # no PIN
        (lambda: staff.set_pin_hash(ana.id, PIN_HASH, NOW), True),
        (lambda: staff.change(ana.id, display_name="Ana"), True),
        (lambda: staff.change(ana.id, display_name="Ana"), False),  # the same: nothing
        (lambda: staff.change(ana.id, language="nl"), True),
        (lambda: staff.change(ana.id, role="manager"), False),  # PCs do not hold roles
        (lambda: staff.change(ana.id, disabled=True), True),
        (lambda: staff.change(ana.id, disabled=False), True),
        (lambda: staff.set_pin_hash(ana.id, None, NOW), True),
        (lambda: staff.reset_password(ana.id, "$argon2id$other"), False),
    ]
    for step, raises in steps:
        before = staff.revision()
        step()
        assert staff.revision() == before + (1 if raises else 0)


def test_the_roster_holds_the_enabled_staff_with_a_pin_named_for_the_pcs(
    repos: Repositories,
) -> None:
    staff = repos.staff
    long_name = "a" * 60
    ana, bob, eve = _add(staff, "ana"), _add(staff, long_name), _add(staff, "eve")
    _add(staff, "nopin")
    for who in (ana, bob, eve):
        staff.set_pin_hash(who.id, PIN_HASH, NOW)
    staff.change(ana.id, display_name="Ana", language="en")
    staff.change(eve.id, disabled=True)
    roster = staff.roster()
    assert roster.revision == staff.revision()
    assert [(e.id, e.name, e.language) for e in roster.staff] == [
        (ana.id, "Ana", "en"),
        (bob.id, "a" * 40, "fr"),
    ]
    assert {e.pin_hash for e in roster.staff} == {PIN_HASH}


def test_no_account_value_holds_a_hash(repos: Repositories) -> None:
    staff = repos.staff
    ana = _add(staff, "ana")
    staff.set_pin_hash(ana.id, PIN_HASH, NOW)
    fields = {f.name for f in dataclasses.fields(Staff)}
    assert not {name for name in fields if "hash" in name}
    for value in (staff.get(ana.id), staff.find("ana"), *staff.team()):
        assert value is not None
        assert "argon2" not in repr(value)
        assert value.has_pin is True
        assert value.pin_set_at is not None


def test_a_disable_drops_every_token_of_the_account_at_once(repos: Repositories) -> None:
    staff, tokens = repos.staff, repos.tokens
    ana, bob = _add(staff, "ana"), _add(staff, "bob")
    tokens.add("a" * 64, ana.id, NOW, NOW + dt.timedelta(hours=12))
    tokens.add("b" * 64, bob.id, NOW, NOW + dt.timedelta(hours=12))
    staff.set_pin_hash(ana.id, PIN_HASH, NOW)
    changed = staff.change(ana.id, disabled=True)
    assert changed is not None
    assert changed.logged_out and changed.roster_changed
    assert tokens.owner("a" * 64, NOW) is None
    assert tokens.valid(["a" * 64, "b" * 64], NOW) == {"b" * 64}
    again = staff.change(ana.id, disabled=True)
    assert again is not None
    assert not again.logged_out  # already out


def test_the_last_enabled_admin_stays(repos: Repositories) -> None:
    staff = repos.staff
    ada, bob = _add(staff, "ada", "admin"), _add(staff, "bob", "admin")
    staff.change(bob.id, role="manager")
    with pytest.raises(Conflict, match="last enabled admin"):
        staff.change(ada.id, disabled=True)
    with pytest.raises(Conflict, match="last enabled admin"):
        staff.change(ada.id, role="animator")
    found = staff.get(ada.id)
    assert found is not None
    assert (found.role, found.disabled) == ("admin", False)
    # A change that keeps them an admin is fine; a second admin frees the first.
    assert staff.change(ada.id, display_name="Ada") is not None
    staff.change(bob.id, role="admin")
    changed = staff.change(ada.id, disabled=True)
    assert changed is not None
    assert changed.staff.disabled


def test_admins_disabling_each_other_at_once_leave_one(repos: Repositories) -> None:
    staff = repos.staff
    ada, bob = _add(staff, "ada", "admin"), _add(staff, "bob", "admin")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def disable(staff_id: int) -> None:
        start.wait(5)
        try:
            staff.change(staff_id, disabled=True)
            outcomes.append("done")
        except Conflict:
            outcomes.append("refused")
        except Exception as exc:  # a deadlock, a database told to try again
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=disable, args=(i,)) for i in (ada.id, bob.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    enabled = [s for s in staff.team() if s.role == "admin" and not s.disabled]
    assert len(enabled) == 1
    # One gets through, the other waits for it and is refused (409): never a deadlock.
    assert sorted(outcomes) == ["done", "refused"]


def test_many_changes_at_once_each_get_their_own_revision(repos: Repositories) -> None:
    staff = repos.staff
    people = [_add(staff, f"p{n}") for n in range(6)]
    start = threading.Barrier(len(people))
    failed: list[BaseException] = []

    def set_pin(staff_id: int) -> None:
        start.wait(5)
        try:
            staff.set_pin_hash(staff_id, PIN_HASH, NOW)
        except BaseException as exc:  # reported below
            failed.append(exc)

    threads = [threading.Thread(target=set_pin, args=(p.id,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    done = len(people) - len(failed)
    assert staff.revision() == done
    assert len(staff.roster().staff) == done
