"""Each staff member's own PIN at a PC: a real agent enrolled with a console stand-in that
speaks ``epn_shared.protocol`` over a real WebSocket and sends it staff rosters.

Who may open the staff key is the console's roster once it named anyone: the PC's own PIN
stops working, a PIN opens only its own person's key, a person dropped from the roster is
refused at once, the roster outlives restarts and offline time, a broken roster frame
changes nothing, and each staff action reaches the console under the person's id.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.kiosk_endpoint import enrolled_agent, wait_until
from helpers.roster_console import RosterConsole, roster

from epn_shared.protocol import Event, StaffActionBody, decode_kiosk_frame
from kiosk.agent.credentials import hash_pin
from kiosk.agent.link import LinkOptions
from kiosk.core.model import State

FAST = LinkOptions(backoff_initial=0.05, backoff_cap=0.3, status_min_interval=0.05, open_timeout=5)
PC_PIN = "480731"
"""The PC's own PIN (the installer's first-run default)."""
FATIMA_PIN, JAN_PIN, JAN_NEW_PIN = "592816", "730164", "615283"
FATIMA = (1, "Fatima", "fr", hash_pin(FATIMA_PIN))
JAN = (2, "Jan", "nl", hash_pin(JAN_PIN))
JAN_NEW = (2, "Jan", "nl", hash_pin(JAN_NEW_PIN))


@pytest.fixture
def console() -> Iterator[RosterConsole]:
    """A console stand-in on a free port."""
    stand_in = RosterConsole().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def folder() -> Iterator[Path]:
    """A short data folder (unix socket paths stay under 108 bytes)."""
    made = Path(tempfile.mkdtemp(prefix="epns"))
    yield made
    shutil.rmtree(made, ignore_errors=True)


def pc(folder: Path, console: RosterConsole) -> AgentThread:
    """A PC enrolled with ``console``, its own PIN set (not started)."""
    return enrolled_agent(folder, console.url, FAST, animator_pin=PC_PIN)


@contextmanager
def staffed_pc(
    folder: Path, console: RosterConsole, *people: tuple[int, str, str, str]
) -> Iterator[tuple[AgentThread, ShellClient]]:
    """A running PC that holds roster 1 of ``people``, and its shell, hello said."""
    with pc(folder, console) as agent, ShellClient(agent.socket_path) as shell:
        console.wait_connected()
        console.send_roster(roster(1, *people))
        held(agent, 1)
        shell.hello()
        yield agent, shell


def held(agent: AgentThread, revision: int) -> None:
    """Wait until the PC holds the roster of ``revision``."""
    agent.wait_until(lambda: agent.agent.roster.revision == revision, 10, f"roster {revision}")


def opens(shell: ShellClient, pin: str, staff_id: int | None = None) -> bool:
    """True when ``pin`` (typed after tapping ``staff_id``) opens the staff menu."""
    fields = {} if staff_id is None else {"staff_id": staff_id}
    reply = shell.request("animator", pin=pin, action="check", **fields)
    if not reply.ok:
        assert reply.error is not None and reply.error.code == "wrong_pin", reply.error
    return bool(reply.ok)


# -- attacks first -----------------------------------------------------------------------


def test_the_pcs_own_pin_no_longer_opens_the_staff_key_once_the_console_sent_its_staff(
    folder: Path, console: RosterConsole
) -> None:
    with pc(folder, console) as agent, ShellClient(agent.socket_path) as shell:
        assert console.wait_connected().staff_revision is None  # a new PC holds no roster
        view = shell.hello()
        assert view.animator_pin_set and view.staff == ()
        assert opens(shell, PC_PIN)  # the first-run PIN, while nobody is on the roster

        console.send_roster(roster(1, FATIMA))
        held(agent, 1)
        view = shell.wait_view(lambda v: bool(v.staff))
        assert [(s.id, s.name) for s in view.staff] == [(1, "Fatima")]
        assert "argon2" not in view.model_dump_json()  # names only, never a hash

        assert not opens(shell, PC_PIN)
        assert not opens(shell, PC_PIN, staff_id=1)
        reply = shell.request("animator", pin=FATIMA_PIN, action="check", staff_id=1)
        assert reply.ok and reply.staff_name == "Fatima" and reply.staff_language == "fr"


def test_a_pc_without_its_own_pin_gets_a_staff_key_from_the_roster(
    folder: Path, console: RosterConsole
) -> None:
    bare = enrolled_agent(folder, console.url, FAST)
    with bare as agent, ShellClient(agent.socket_path) as shell:
        console.wait_connected()
        assert not shell.hello().animator_pin_set  # no staff key yet
        console.send_roster(roster(1, FATIMA))
        held(agent, 1)
        assert shell.wait_view(lambda v: v.animator_pin_set).staff
        assert opens(shell, FATIMA_PIN, staff_id=1)
        console.send_roster(roster(2))  # everybody gone: no key again, not even a blank one
        held(agent, 2)
        assert not shell.wait_view(lambda v: not v.staff).animator_pin_set
        reply = shell.request("animator", pin=FATIMA_PIN, action="check", staff_id=1)
        assert not reply.ok


def test_a_pin_opens_only_the_key_of_the_person_it_belongs_to(
    folder: Path, console: RosterConsole
) -> None:
    with staffed_pc(folder, console, FATIMA, JAN) as (agent, shell):
        assert not opens(shell, FATIMA_PIN, staff_id=2)  # Fatima's PIN, Jan's name
        assert not opens(shell, FATIMA_PIN)  # no name tapped
        assert not opens(shell, FATIMA_PIN, staff_id=99)  # nobody of that id
        shell.start_session()
        extend = shell.request("animator", pin=JAN_PIN, action="extend", minutes=15, staff_id=1)
        assert not extend.ok
        assert agent.view().seconds_left == agent.policy.session.length_minutes * 60
        reply = shell.request("animator", pin=JAN_PIN, action="check", staff_id=2)
        assert reply.ok and reply.staff_name == "Jan" and reply.staff_language == "nl"


def test_a_person_removed_or_given_a_new_pin_is_refused_at_once(
    folder: Path, console: RosterConsole
) -> None:
    with staffed_pc(folder, console, FATIMA, JAN) as (agent, shell):
        shell.start_session()
        assert opens(shell, FATIMA_PIN, staff_id=1)  # her menu is open on the screen…

        # …when the console disables her and Jan changes his PIN.
        console.send_roster(roster(2, JAN_NEW))
        held(agent, 2)
        end = shell.request("animator", pin=FATIMA_PIN, action="end", staff_id=1)
        assert not end.ok and end.error is not None and end.error.code == "wrong_pin"
        assert agent.engine_state() is State.ACTIVE
        assert not opens(shell, JAN_PIN, staff_id=2)
        assert opens(shell, JAN_NEW_PIN, staff_id=2)
        view = shell.wait_view(lambda v: [s.name for s in v.staff] == ["Jan"])
        assert [s.id for s in view.staff] == [2]


def test_wrong_pins_count_on_one_guard_whatever_name_is_tapped(
    folder: Path, console: RosterConsole
) -> None:
    with staffed_pc(folder, console, FATIMA, JAN) as (_agent, shell):
        for staff_id in (1, 2, 1, 2, 99):  # five wrong tries, spread over names
            assert not opens(shell, "111000", staff_id=staff_id)
        # The sixth waits, even with the right PIN and a name not tried yet.
        reply = shell.request("animator", pin=JAN_PIN, action="check", staff_id=2)
        assert not reply.ok and reply.error is not None
        assert reply.error.code == "too_many_tries" and reply.error.retry_after


def test_the_roster_outlives_a_restart_and_offline_time(
    folder: Path, console: RosterConsole
) -> None:
    agent = pc(folder, console).start()
    try:
        console.wait_connected()
        console.send_roster(roster(4, FATIMA))
        held(agent, 4)
        console.kill()  # the console is gone
        agent.crash()
        agent = agent.successor().start()  # and the PC restarts, offline
        with ShellClient(agent.socket_path) as shell:
            assert [(s.id, s.name) for s in shell.hello().staff] == [(1, "Fatima")]
            assert not opens(shell, PC_PIN)
            assert opens(shell, FATIMA_PIN, staff_id=1)
        console.start()
        assert console.wait_connected(2).staff_revision == 4  # no roster asked again
    finally:
        agent.stop()


def test_a_broken_roster_frame_keeps_the_roster_held(
    folder: Path, console: RosterConsole, caplog: pytest.LogCaptureFixture
) -> None:
    with staffed_pc(folder, console, FATIMA) as (agent, shell):
        with caplog.at_level(logging.ERROR):
            # A PIN that is not an argon2id hash, then one id twice: neither is a roster.
            console.send_raw(
                '{"v": 1, "type": "staff_roster", "revision": 2, "staff": '
                '[{"id": 2, "name": "Jan", "language": "nl", "pin_hash": "730164"}]}'
            )
            console.send_roster(roster(3, JAN, (2, "Eve", "en", hash_pin("248613"))))
            wait_until(
                lambda: (
                    sum(getattr(r, "event", "") == "staff_roster_refused" for r in caplog.records)
                    == 2
                ),
                10,
                "two refused rosters logged",
            )
        assert agent.call(lambda: agent.agent.roster.revision) == 1
        assert opens(shell, FATIMA_PIN, staff_id=1)
        assert not opens(shell, "248613", staff_id=2)
        assert not opens(shell, JAN_PIN, staff_id=2)


# -- the console's audit -------------------------------------------------------------------


def test_each_staff_action_reaches_the_console_with_the_persons_id_even_after_offline_time(
    folder: Path, console: RosterConsole
) -> None:
    with staffed_pc(folder, console, FATIMA, JAN) as (agent, shell):
        shell.start_session()
        console.kill()
        agent.wait_until(lambda: not agent.agent.link.connected, 10, "the link down")

        assert opens(shell, JAN_PIN, staff_id=2)
        extend = shell.request("animator", pin=JAN_PIN, action="extend", minutes=15, staff_id=2)
        assert extend.ok
        # Kept in the outbox, written with the local audit row, while the console is away.
        kept = agent.call(lambda: agent.agent.store.outbox_after(0, 100))
        frames = [decode_kiosk_frame(e.frame) for e in kept]
        bodies = [f.body for f in frames if isinstance(f, Event)]
        told = [(b.staff_id, b.action, b.detail) for b in bodies if isinstance(b, StaffActionBody)]
        assert told == [(2, "menu_opened", ""), (2, "extend", "minutes=15")]
        audit = agent.call(agent.agent.store.audit_entries)
        assert [(a.actor_name, a.action) for a in audit[-2:]] == [
            ("Jan (staff 2)", "menu_opened"),
            ("Jan (staff 2)", "extend"),
        ]

        console.start()
        wait_until(lambda: len(console.staff_actions()) == 2, 10, "the staff actions told")
        actions = [e.body for e in console.staff_actions()]
        told_after = [(b.staff_id, b.action) for b in actions if isinstance(b, StaffActionBody)]
        assert told_after == [(2, "menu_opened"), (2, "extend")]


def test_the_pcs_own_pin_is_told_as_nobodys_before_the_console_sent_its_staff(
    folder: Path, console: RosterConsole
) -> None:
    with pc(folder, console) as agent, ShellClient(agent.socket_path) as shell:
        console.wait_connected()
        shell.hello()
        shell.start_session()
        assert shell.request("animator", pin=PC_PIN, action="lock").ok
        wait_until(console.staff_actions, 10, "the lock told")
        body = console.staff_actions()[0].body
        assert isinstance(body, StaffActionBody)
        assert (body.staff_id, body.action) == (None, "lock")
