"""Real kiosk agents against the real console server (in this process, over pinned TLS):
tickets and members checked online, the offline rules when the console cannot be reached,
workshops and out-of-order PCs started from the console.

The kiosks reach the console through a TCP relay the test can cut and restore on the same
port: to a kiosk, a cut relay is a console that stopped answering (connection refused).
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy
from helpers.relay import Relay
from helpers.room_link import FAST, start_workshop, wait_linked

from admin_console.server.auth import Role
from admin_console.server.tls import ensure_ticket_key, fingerprint
from epn_shared.ticket_codes import code_digest, grouped, make_code, normalise
from kiosk.agent.console_api import ASK_SECONDS
from kiosk.agent.link import ConsoleSettings, save_console_settings
from kiosk.agent.secrets import KeyringTokens
from kiosk.core.model import LockReason, State
from kiosk.core.protocol import Reply
from policies import Policy, policy_from_data

PIN = "4321"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ConsoleServer]:
    """The console, with TLS (the kiosks pin its certificate)."""
    folder = tmp_path / "console"
    folder.mkdir()
    with ConsoleServer(folder, tls=True) as console:
        yield console


@pytest.fixture
def admin(server: ConsoleServer) -> StaffLogin:
    return server.add_staff("ada", Role.ADMIN)


@pytest.fixture
def relay(server: ConsoleServer) -> Iterator[Relay]:
    link = Relay(server.port).restore()
    yield link
    link.cut()


class Room:
    """Enrolled PCs of one test, each an agent in its own short data folder."""

    def __init__(self, server: ConsoleServer, admin: StaffLogin, relay: Relay) -> None:
        self.server, self.admin, self.relay = server, admin, relay
        self.pcs: list[AgentThread] = []
        self.ids: dict[str, int] = {}
        self._folders: list[Path] = []

    def pc(self, name: str, policy: Policy | None = None, **config: Any) -> AgentThread:
        """A PC enrolled at the console, started, its link up (``config``: agent options)."""
        kiosk_id, token = self.server.enroll(self.admin, name)
        folder = Path(tempfile.mkdtemp(prefix="epn"))
        self._folders.append(folder)
        KeyringTokens(folder / "secrets", create=True).set(token)
        assert self.server.tls is not None
        settings = ConsoleSettings(
            url=f"wss://127.0.0.1:{self.relay.port}/ws/kiosk",
            fingerprint_sha256=fingerprint(self.server.tls.server_cert),
            kiosk_id=kiosk_id,
            name=name,
        )
        save_console_settings(settings, folder / "console.json")
        agent = AgentThread(
            data_dir=folder,
            pc_name=name,
            policy=policy,
            agent_options={"link_options": FAST},
            config_options=config,
        ).start()
        self.pcs.append(agent)
        self.ids[name] = kiosk_id
        wait_linked(agent)
        return agent

    def close(self) -> None:
        for agent in self.pcs:
            agent.stop()
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def room(server: ConsoleServer, admin: StaffLogin, relay: Relay) -> Iterator[Room]:
    made = Room(server, admin, relay)
    yield made
    made.close()


def wait_delivered(agent: AgentThread) -> None:
    """Wait until the console acknowledged every event of this PC."""
    agent.wait_until(lambda: agent.agent.store.outbox_size() == 0, 15, "an empty outbox")


def login(agent: AgentThread, **fields: Any) -> tuple[ShellClient, Reply]:
    shell = ShellClient(agent.socket_path)
    shell.hello()
    return shell, shell.request("login", language="fr", **fields)


def start(agent: AgentThread, **fields: Any) -> tuple[ShellClient, int]:
    """Log in and accept the rules; the shell and the seconds the session got."""
    shell = ShellClient(agent.socket_path)
    shell.hello()
    view = shell.start_session(language="fr", **fields)
    assert view.seconds_left is not None
    return shell, view.seconds_left


def end(agent: AgentThread, shell: ShellClient) -> None:
    """The visitor ends the session; wait until the PC is free again."""
    assert shell.request("end_session").ok
    agent.wait_for_state(State.DONE, State.WAITING)
    shell.close()


def refused(reply: Reply) -> str:
    assert not reply.ok, "the agent accepted"
    assert reply.error is not None
    return reply.error.code


def make_tickets(
    server: ConsoleServer, staff: StaffLogin, minutes: int, count: int = 1
) -> list[str]:
    valid_until = server.clock.now() + dt.timedelta(days=5)
    body = {"count": count, "minutes": minutes, "valid_until": valid_until.isoformat()}
    with server.client(staff) as http:
        answer = http.post("/api/tickets", json=body)
    assert answer.status_code == 201, answer.text
    return [t["code"] for t in answer.json()["tickets"]]


def add_member(server: ConsoleServer, staff: StaffLogin, card: str, minutes: int) -> None:
    with server.client(staff) as http:
        answer = http.post(
            "/api/members", json={"card": card, "pin": PIN, "daily_allowance_minutes": minutes}
        )
    assert answer.status_code == 201, answer.text


def console_events(server: ConsoleServer, staff: StaffLogin, kind: str) -> list[dict[str, Any]]:
    with server.client(staff) as http:
        answer = http.get("/api/events", params={"kind": kind, "limit": 200})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def console_tickets(server: ConsoleServer, staff: StaffLogin) -> list[dict[str, Any]]:
    with server.client(staff) as http:
        return list(http.get("/api/tickets").json())


def local_today(agent: AgentThread) -> dt.date:
    return agent.clock.now().wall.date()


def refuse_members_offline() -> Policy:
    data = open_all_day_policy().model_dump(mode="json")
    data["members"] = {"offline": "refuse"}
    return policy_from_data(data, "(test policy)")


# -- online ----------------------------------------------------------------------------


def test_an_online_ticket_gives_the_console_minutes_and_is_used_once_across_pcs(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    [code] = make_tickets(server, admin, minutes=45)
    first, second = room.pc("PC-01"), room.pc("PC-02")

    shell, seconds = start(first, mode="ticket", code=code)
    assert seconds == 45 * 60  # the console's minutes, not the policy's 60
    [ticket] = console_tickets(server, admin)
    assert ticket["state"] == "used" and ticket["used_kiosk_id"] == room.ids["PC-01"]

    other, reply = login(second, mode="ticket", code=code)
    assert refused(reply) == "bad_ticket"
    other.close()

    wait_delivered(first)
    [started] = console_events(server, admin, "session_started")
    assert started["body"]["login"] == "ticket"
    assert started["body"]["ticket_ref"] == ticket["ref"]
    assert started["body"]["offline"] is False
    shell.close()


def test_going_back_from_the_rules_does_not_lose_an_online_ticket(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    # The console marks a ticket used when the PC asks; a visitor who goes back from the
    # house rules (wrong language) and types the code again on the same PC gets in.
    [code] = make_tickets(server, admin, minutes=30)
    pc = room.pc("PC-01")
    shell, reply = login(pc, mode="ticket", code=code)
    assert reply.ok
    assert shell.request("decline_rules").ok
    shell.close()
    _, seconds = start(pc, mode="ticket", code=code)
    assert seconds == 30 * 60


def test_a_members_time_left_comes_from_the_console_across_pcs(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    add_member(server, admin, "C-1001", minutes=60)
    first, second = room.pc("PC-01"), room.pc("PC-02")

    shell, seconds = start(first, mode="member", card="C-1001", pin=PIN)
    assert seconds == 60 * 60
    first.advance(minutes=40)
    end(first, shell)
    wait_delivered(first)

    # On another PC the same day: what is left of the member's hour, not a new hour.
    shell, seconds = start(second, mode="member", card="C-1001", pin=PIN)
    assert seconds == 20 * 60
    shell.close()


def test_a_wrong_pin_or_a_banned_card_is_refused_by_the_console(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    add_member(server, admin, "C-1002", minutes=60)
    pc = room.pc("PC-01")
    shell, reply = login(pc, mode="member", card="C-1002", pin="9999")
    assert refused(reply) == "wrong_pin"
    banned_until = (server.clock.now() + dt.timedelta(days=3)).date()
    with server.client(admin) as http:
        answer = http.post(
            "/api/members/C-1002/ban", json={"until": banned_until.isoformat(), "reason": "test"}
        )
    assert answer.status_code == 200, answer.text
    assert refused(
        shell.request("login", language="fr", mode="member", card="C-1002", pin=PIN)
    ) == ("member_banned")
    shell.close()


# -- offline tickets ---------------------------------------------------------------------


def test_with_the_console_unreachable_a_signed_ticket_works_once_per_pc_and_is_reported(
    room: Room, server: ConsoleServer, admin: StaffLogin, relay: Relay
) -> None:
    first, second = room.pc("PC-01"), room.pc("PC-02")
    key = ensure_ticket_key(server.data_dir)  # what the console signs its codes with
    today = local_today(first)
    code = grouped(make_code(key, 123, 30, today + dt.timedelta(days=3)))
    expired = grouped(make_code(key, 124, 30, today - dt.timedelta(days=14)))
    forged = grouped(make_code(secrets.token_bytes(32), 125, 30, today + dt.timedelta(days=3)))

    relay.cut()
    wait_linked(first, up=False)
    wait_linked(second, up=False)

    shell, seconds = start(first, mode="ticket", code=code)
    assert seconds == 30 * 60
    end(first, shell)
    shell, reply = login(first, mode="ticket", code=code)
    assert refused(reply) == "bad_ticket"  # used on this PC already
    assert refused(shell.request("login", language="fr", mode="ticket", code=expired)) == (
        "bad_ticket"
    )
    assert refused(shell.request("login", language="fr", mode="ticket", code=forged)) == (
        "bad_ticket"
    )
    shell.close()
    # Another PC cannot know: it lets the code in once too (the console counts both).
    shell, seconds = start(second, mode="ticket", code=code)
    assert seconds == 30 * 60
    shell.close()

    relay.restore()
    wait_linked(first)
    wait_delivered(first)
    digest = code_digest(normalise(code) or "")
    started = [
        e
        for e in console_events(server, admin, "session_started")
        if e["kiosk_id"] == room.ids["PC-01"]
    ]
    assert [(e["body"]["ticket_digest"], e["body"]["offline"]) for e in started] == [(digest, True)]
    # The console never issued that code (the test signed it with the key, as a thief of
    # the key would): each PC that let it in is in the help queue, and in the audit log.
    wait_linked(second)
    wait_delivered(second)
    with server.client(admin) as http:
        queue = http.get("/api/help").json()
        audit = http.get("/api/audit", params={"action": "ticket_forged"}).json()["items"]
    assert sorted((c["kiosk_name"], c["reason"]) for c in queue) == [
        ("PC-01", "ticket_forged"),
        ("PC-02", "ticket_forged"),
    ]
    assert sorted(a["who"] for a in audit) == ["kiosk PC-01", "kiosk PC-02"]


def test_a_console_that_does_not_answer_in_time_leaves_the_visitor_to_the_offline_rules(
    room: Room, server: ConsoleServer, relay: Relay
) -> None:
    pc = room.pc("PC-01")
    key = ensure_ticket_key(server.data_dir)
    code = grouped(make_code(key, 77, 25, local_today(pc) + dt.timedelta(days=1)))
    relay.stalled = True  # the link stays up; a new connection never gets an answer
    shell = ShellClient(pc.socket_path)
    shell.hello()
    asked = time.monotonic()
    reply = shell.request("login", language="fr", mode="ticket", code=code)
    waited = time.monotonic() - asked
    assert reply.ok, reply
    assert waited < ASK_SECONDS + 2  # a visitor never waits long
    assert pc.call(lambda: pc.agent.link is not None and pc.agent.link.connected)
    rules = shell.wait_view(lambda v: v.state is State.RULES)
    assert shell.request("accept_rules", rules_version=rules.rules_version, language="fr").ok
    assert shell.wait_view(lambda v: v.state is State.ACTIVE).seconds_left == 25 * 60
    shell.close()


def test_a_pc_restarted_while_the_console_is_away_still_checks_ticket_codes(
    room: Room, server: ConsoleServer, relay: Relay
) -> None:
    pc = room.pc("PC-01")
    key = ensure_ticket_key(server.data_dir)
    # The key came with the welcome and is kept with the token, readable by the agent only.
    secrets_dir = pc.config.secrets_dir
    assert KeyringTokens(secrets_dir).get_ticket_key() == key
    assert stat.S_IMODE((secrets_dir / "keyring.cfg").stat().st_mode) == 0o600
    relay.cut()
    pc.stop()
    again = pc.successor().start()
    room.pcs.append(again)
    code = grouped(make_code(key, 321, 20, local_today(again) + dt.timedelta(days=2)))
    _, seconds = start(again, mode="ticket", code=code)
    assert seconds == 20 * 60


def test_a_ticket_used_offline_is_refused_online_afterwards(
    room: Room, server: ConsoleServer, admin: StaffLogin, relay: Relay
) -> None:
    [code] = make_tickets(server, admin, minutes=45)
    pc, other = room.pc("PC-01"), room.pc("PC-02")
    relay.cut()
    wait_linked(pc, up=False)
    shell, seconds = start(pc, mode="ticket", code=code)
    assert seconds == 45 * 60
    end(pc, shell)
    relay.restore()
    wait_linked(pc)
    wait_delivered(pc)
    wait_linked(other)
    [ticket] = console_tickets(server, admin)
    assert ticket["state"] == "used"
    shell, reply = login(other, mode="ticket", code=code)
    assert refused(reply) == "bad_ticket"
    shell.close()


# -- offline members ---------------------------------------------------------------------


def test_offline_a_member_this_pc_checked_before_gets_in_with_the_time_it_knew(
    room: Room, server: ConsoleServer, admin: StaffLogin, relay: Relay
) -> None:
    add_member(server, admin, "C-2001", minutes=60)
    pc, stranger = room.pc("PC-01"), room.pc("PC-02")
    shell, _ = start(pc, mode="member", card="C-2001", pin=PIN)
    pc.advance(minutes=10)
    end(pc, shell)

    relay.cut()
    wait_linked(pc, up=False)
    wait_linked(stranger, up=False)
    shell, seconds = start(pc, mode="member", card="C-2001", pin=PIN)
    assert seconds == 50 * 60  # the hour the console knew, minus what this PC used
    end(pc, shell)

    # This PC never saw the card online: the same answer as a wrong PIN.
    shell, reply = login(stranger, mode="member", card="C-2001", pin=PIN)
    assert refused(reply) == "wrong_pin"
    shell.close()

    # Wrong PINs offline are limited as online: three at this PC, then every try waits.
    shell = ShellClient(pc.socket_path)
    shell.hello()
    for _ in range(3):
        reply = shell.request("login", language="fr", mode="member", card="C-2001", pin="0000")
        assert refused(reply) == "wrong_pin"
    reply = shell.request("login", language="fr", mode="member", card="C-2001", pin=PIN)
    assert refused(reply) == "too_many_tries"
    assert reply.error is not None and reply.error.retry_after
    shell.close()

    relay.restore()
    wait_linked(pc)
    wait_delivered(pc)
    started = console_events(server, admin, "session_started")
    assert sorted(e["body"]["offline"] for e in started) == [False, True]


def test_a_card_banned_online_stays_refused_when_the_console_is_away(
    room: Room, server: ConsoleServer, admin: StaffLogin, relay: Relay
) -> None:
    add_member(server, admin, "C-2004", minutes=60)
    pc = room.pc("PC-01")
    shell, _ = start(pc, mode="member", card="C-2004", pin=PIN)
    end(pc, shell)
    banned_until = (server.clock.now() + dt.timedelta(days=3)).date()
    with server.client(admin) as http:
        answer = http.post(
            "/api/members/C-2004/ban", json={"until": banned_until.isoformat(), "reason": "test"}
        )
    assert answer.status_code == 200, answer.text
    shell, reply = login(pc, mode="member", card="C-2004", pin=PIN)
    assert refused(reply) == "member_banned"
    relay.cut()
    wait_linked(pc, up=False)
    reply = shell.request("login", language="fr", mode="member", card="C-2004", pin=PIN)
    assert refused(reply) == "member_banned"
    shell.close()


def test_offline_a_member_on_a_new_day_gets_the_whole_daily_allowance(
    room: Room, server: ConsoleServer, admin: StaffLogin, relay: Relay
) -> None:
    add_member(server, admin, "C-2002", minutes=50)
    pc = room.pc("PC-01")
    shell, _ = start(pc, mode="member", card="C-2002", pin=PIN)
    pc.advance(minutes=45)
    end(pc, shell)
    relay.cut()
    wait_linked(pc, up=False)
    shell, seconds = start(pc, mode="member", card="C-2002", pin=PIN)
    assert seconds == 5 * 60  # what was left of that day
    end(pc, shell)
    pc.advance(minutes=24 * 60)
    _, seconds = start(pc, mode="member", card="C-2002", pin=PIN)
    assert seconds == 50 * 60


def test_offline_members_are_refused_with_words_when_the_policy_says_so(
    room: Room, server: ConsoleServer, admin: StaffLogin, relay: Relay
) -> None:
    add_member(server, admin, "C-2003", minutes=60)
    pc = room.pc("PC-01", policy=refuse_members_offline())
    shell, _ = start(pc, mode="member", card="C-2003", pin=PIN)
    end(pc, shell)
    relay.cut()
    wait_linked(pc, up=False)
    shell, reply = login(pc, mode="member", card="C-2003", pin=PIN)
    assert refused(reply) == "members_unreachable"
    # Walk-ins still work: the PC itself keeps working.
    _, seconds = start(pc, mode="walk_in")
    assert seconds == 60 * 60
    shell.close()


# -- workshops and out of order ----------------------------------------------------------


def test_a_workshop_from_the_console_starts_at_once_on_free_pcs_and_busy_ones_say_so(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    free, busy = room.pc("PC-01"), room.pc("PC-02")
    shell = ShellClient(free.socket_path)
    shell.hello()
    visitor, _ = start(busy, mode="walk_in")
    workshop_id, results = start_workshop(
        server, admin, [room.ids["PC-01"], room.ids["PC-02"]], minutes=90, participants=6
    )
    assert results[room.ids["PC-01"]]["ok"] is True
    assert results[room.ids["PC-02"]]["ok"] is False
    assert results[room.ids["PC-02"]]["code"] == "in_session"

    # No login and no rules screen: the session runs, the bar shows the workshop.
    view = shell.wait_view(lambda v: v.state is State.ACTIVE)
    assert view.workshop_title == "Atelier CV"
    assert view.seconds_left == 90 * 60
    assert not [v for v in shell.views if v.state is State.RULES]
    audit = free.call(free.agent.store.audit_entries)
    assert any(
        e.action == "workshop" and "presented to the group by the animator" in e.detail
        for e in audit
    )
    wait_delivered(free)
    started = [
        e
        for e in console_events(server, admin, "session_started")
        if e["kiosk_id"] == room.ids["PC-01"]
    ]
    assert [e["body"]["login"] for e in started] == ["workshop"]
    assert started[0]["body"]["workshop_id"] == str(workshop_id)
    shell.close()
    visitor.close()


def test_an_out_of_order_pc_shows_it_and_lets_nobody_in_until_back_in_order(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    pc = room.pc("PC-01")
    shell = ShellClient(pc.socket_path)
    shell.hello()
    kiosk_id = room.ids["PC-01"]
    with server.client(admin) as http:
        answer = http.post(f"/api/kiosks/{kiosk_id}/out-of-order", json={"reason": "écran noir"})
        assert answer.status_code == 200, answer.text
        view = shell.wait_view(lambda v: v.locked)
        assert view.lock_reason is LockReason.OUT_OF_ORDER
        reply = shell.request("login", language="fr", mode="walk_in")
        assert refused(reply) == "locked"
        answer = http.post(f"/api/kiosks/{kiosk_id}/back-in-order")
        assert answer.status_code == 200, answer.text
    view = shell.wait_view(lambda v: not v.locked)
    assert view.lock_reason is None
    assert shell.request("login", language="fr", mode="walk_in").ok
    shell.close()


def test_the_room_view_shows_a_pc_installing_its_update(
    room: Room, server: ConsoleServer, admin: StaffLogin
) -> None:
    from kiosk.agent.update import AdminClient

    pc = room.pc("PC-01")
    kiosk_id = room.ids["PC-01"]

    def updating() -> bool:
        with server.client(admin) as http:
            tiles = http.get("/api/kiosks").json()
        tile = next(t for t in tiles if t["id"] == kiosk_id)
        return bool((tile.get("status") or {}).get("updating"))

    with AdminClient(pc.config.admin_socket_path) as agent:
        held = agent.request("hold_for_update")
        assert held.ok and held.hold is not None
        pc.wait_until(updating, 10, "the room view to show the update")
        assert agent.request("release_update_hold", hold=held.hold).ok
    pc.wait_until(lambda: not updating(), 10, "the room view to show the PC free again")


@pytest.mark.skipif(not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed")
def test_a_print_job_over_quota_shows_at_the_console_and_an_animator_grants_pages(
    room: Room, server: ConsoleServer, admin: StaffLogin, tmp_path: Path
) -> None:
    from helpers.print_documents import write_pdf

    from installer.demo.cupsd import PrivateCups

    with PrivateCups() as cups:
        pc = room.pc(
            "PC-01", cups_socket=cups.socket, print_approvals=cups.approvals, print_user="root"
        )
        kiosk_id = room.ids["PC-01"]
        shell, _ = start(pc)
        quota = pc.policy.printing.pages_per_session
        doc = write_pdf(tmp_path / "cv.pdf", quota + 2)
        job = int(cups.run("lp", "-d", "kiosk", str(doc)).stdout.split("kiosk-")[1].split()[0])
        shell.wait_view(lambda v: v.print_job is not None and v.print_job.waiting == "over_quota")

        def tile() -> dict[str, Any]:
            with server.client(admin) as http:
                tiles = http.get("/api/kiosks").json()
            return next(t for t in tiles if t["id"] == kiosk_id)

        pc.wait_until(
            lambda: (tile().get("status") or {}).get("print_waiting") == "over_quota",
            10,
            "the room view to show the job waiting for an animator",
        )
        assert tile()["status"]["print_job_id"] == job
        with server.client(admin) as http:
            answer = http.post(
                f"/api/kiosks/{kiosk_id}/commands", json={"action": "grant_pages", "pages": 2}
            )
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "done"
        shell.wait_view(lambda v: v.print_job is not None and v.print_job.waiting == "confirm")
        assert shell.request("print_answer", job_id=job, print_it=True).ok
        pc.wait_until((cups.printed / f"job-{job}").exists, 10, "the job to print")
        end(pc, shell)
        wait_delivered(pc)
        outcomes = [e["body"]["outcome"] for e in console_events(server, admin, "print_job")]
        assert sorted(outcomes) == ["refused", "released"]
        day = server.clock.now().astimezone().date().isoformat()
        with server.client(admin) as http:
            usage = http.get(f"/api/usage?start={day}&end={day}").json()
        assert usage["totals"]["pages"] == quota + 2


@pytest.mark.skipif(not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed")
def test_a_members_pages_of_the_day_count_across_pcs(
    room: Room, server: ConsoleServer, admin: StaffLogin, tmp_path: Path
) -> None:
    from helpers.print_documents import write_pdf

    from installer.demo.cupsd import PrivateCups

    data = open_all_day_policy().model_dump(mode="json")
    data["printing"].update({"pages_per_day": 5, "pages_per_session": 20})
    policy = policy_from_data(data, "(test)")
    add_member(server, admin, "C-3001", 120)
    with PrivateCups() as first_cups, PrivateCups() as second_cups:
        pcs = [
            room.pc(
                name, policy, cups_socket=c.socket, print_approvals=c.approvals, print_user="root"
            )
            for name, c in (("PC-01", first_cups), ("PC-02", second_cups))
        ]

        def print_pages(pc: AgentThread, cups: PrivateCups, pages: int) -> str:
            shell, _ = start(pc, mode="member", card="C-3001", pin=PIN)
            doc = write_pdf(tmp_path / f"{pc.config.pc_name}.pdf", pages)
            cups.run("lp", "-d", "kiosk", str(doc))
            view = shell.wait_view(lambda v: v.print_job is not None)
            assert view.print_job is not None
            waiting = view.print_job.waiting
            if waiting == "confirm":
                assert shell.request("print_answer", job_id=view.print_job.job_id, print_it=True).ok
                shell.wait_view(lambda v: v.pages_printed == pages)
            end(pc, shell)
            wait_delivered(pc)
            return waiting

        assert print_pages(pcs[0], first_cups, 4) == "confirm"
        # 4 of the day's 5 pages are gone, on the other PC: 3 more are refused here.
        assert print_pages(pcs[1], second_cups, 3) == "over_quota"
