"""Guessing at a PC does not pay: ticket codes, member PINs and the animator PIN against a
real agent over its real unix socket.

The PC's count of wrong tries survives whatever a guesser does between tries (a walk-in
login, going back from the rules, a right code, an agent restart, a reboot, a clock set
back); tries are counted before argon2 runs, so 60 parallel connections get no more checks
than the rules allow; an unknown card and a wrong PIN look the same, on the local and the
offline paths. The argon2 checks are counted by a wrapper around the real verifier, given
to the agent through its constructor.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_shell import error_code, shell
from helpers.kiosk_agent import (
    AgentThread,
    ShellClient,
    open_all_day_policy,
    write_unreachable_console,
)

from epn_shared.ticket_codes import damm_digit, make_code, typo_ok
from kiosk.agent.credentials import hash_pin, verify_pin
from kiosk.agent.link import LinkOptions
from kiosk.agent.secrets import MemoryTokens
from kiosk.agent.store import KnownMember
from kiosk.core.clock import FakeClock
from kiosk.core.model import State
from kiosk.core.protocol import Reply

__all__ = ["shell"]

ANIMATOR_PIN = "2468"
MEMBER_PIN = "8080"
TICKET_KEY = secrets.token_bytes(32)
"""The console's ticket key, as the offline PC below received it."""


class CountingVerifier:
    """The real argon2 verifier, counting its calls (thread-safe: it runs in workers).
    ``calls`` says for each call whether a real hash was checked (False: the dummy)."""

    def __init__(self) -> None:
        self.calls: list[bool] = []
        self._lock = threading.Lock()

    def __call__(self, pin_hash: str | None, pin: str) -> bool:
        with self._lock:
            self.calls.append(pin_hash is not None)
        return verify_pin(pin_hash, pin)


@pytest.fixture
def verifier() -> CountingVerifier:
    return CountingVerifier()


@pytest.fixture
def kiosk(verifier: CountingVerifier) -> Iterator[AgentThread]:
    """A running agent without a console, open all day, with an animator PIN."""
    policy = open_all_day_policy(length_minutes=60, idle_timeout_minutes=240)
    harness = AgentThread(
        policy=policy, animator_pin=ANIMATOR_PIN, agent_options={"pin_verifier": verifier}
    )
    with harness:
        yield harness


def _wait(reply: Reply) -> int | None:
    assert error_code(reply) == "too_many_tries", reply
    assert reply.error is not None
    return reply.error.retry_after


def _tickets(kiosk: AgentThread, count: int = 1) -> list[str]:
    store = kiosk.open_store()
    try:
        now = kiosk.clock.now().wall
        return store.create_tickets(count, 30, now + dt.timedelta(days=7), now)
    finally:
        store.close()


def _add_member(kiosk: AgentThread, card: str, pin: str = MEMBER_PIN) -> None:
    store = kiosk.open_store()
    try:
        store.add_member(card, hash_pin(pin))
    finally:
        store.close()


def _guess(shell: ShellClient, n: int) -> Reply:
    return shell.request("login", mode="ticket", language="fr", code=f"{n:08d}")


def _wrong_codes(shell: ShellClient, count: int) -> None:
    for n in range(count):
        assert error_code(_guess(shell, n)) == "bad_ticket"


def _finish(shell: ShellClient) -> None:
    assert shell.request("end_session").ok
    shell.wait_view(lambda v: v.state is State.DONE)
    assert shell.request("dismiss_receipt").ok
    shell.wait_view(lambda v: v.state is State.WAITING)


# -- the PC's count is never reset -----------------------------------------------------


def test_walk_in_logins_between_guesses_do_not_reset_the_count(shell: ShellClient) -> None:
    _wrong_codes(shell, 3)
    # The guesser logs in as a walk-in, goes back from the rules, then uses a whole session.
    assert shell.request("login", mode="walk_in", language="fr").ok
    shell.wait_view(lambda v: v.state is State.RULES)
    assert shell.request("decline_rules").ok
    shell.wait_view(lambda v: v.state is State.WAITING)
    shell.start_session()
    _finish(shell)
    assert _wait(_guess(shell, 3)) == 30


def test_a_guesser_who_logs_in_as_a_walk_in_after_each_code_is_slowed_all_the_same(
    shell: ShellClient,
) -> None:
    answers = []
    for n in range(30):
        answers.append(error_code(_guess(shell, n)))
        assert shell.request("login", mode="walk_in", language="fr").ok
        shell.wait_view(lambda v: v.state is State.RULES)
        assert shell.request("decline_rules").ok
        shell.wait_view(lambda v: v.state is State.WAITING)
    assert answers.count("bad_ticket") == 3
    assert answers.count("too_many_tries") == 27


def test_a_right_ticket_or_member_login_does_not_forgive_earlier_wrong_codes(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    [code] = _tickets(kiosk)
    _add_member(kiosk, "1001")
    _wrong_codes(shell, 2)
    shell.start_session(mode="ticket", code=code)
    _finish(shell)
    shell.start_session(mode="member", card="1001", pin=MEMBER_PIN)
    _finish(shell)
    assert error_code(_guess(shell, 2)) == "bad_ticket"  # the third wrong one
    assert _wait(_guess(shell, 3)) == 30


def test_the_wait_doubles_up_to_15_minutes_and_even_a_right_code_waits(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    [code] = _tickets(kiosk)
    _wrong_codes(shell, 3)
    for n, expected in enumerate([30, 60, 120, 240, 480, 900, 900], start=3):
        assert _wait(_guess(shell, n)) == expected
        assert _wait(shell.request("login", mode="ticket", language="fr", code=code)) == expected
        kiosk.advance(seconds=expected - 1)
        assert _wait(_guess(shell, n)) == 1
        kiosk.advance(seconds=1)
        assert error_code(_guess(shell, n)) == "bad_ticket"


def test_one_wrong_try_is_forgotten_per_quarter_of_an_hour(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    _wrong_codes(shell, 3)
    kiosk.advance(minutes=15)
    assert error_code(_guess(shell, 3)) == "bad_ticket", "two count now: one more is free"
    assert _wait(_guess(shell, 4)) == 30
    kiosk.advance(minutes=45)
    _wrong_codes(shell, 3)
    assert _wait(_guess(shell, 4)) == 30


def test_wrong_member_logins_and_wrong_codes_count_together(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    _add_member(kiosk, "1002")
    wrong_pin = shell.request("login", mode="member", language="fr", card="1002", pin="0000")
    unknown = shell.request("login", mode="member", language="fr", card="7777", pin="0000")
    assert error_code(wrong_pin) == error_code(unknown) == "wrong_pin"
    assert error_code(_guess(shell, 0)) == "bad_ticket"
    assert _wait(_guess(shell, 1)) == 30
    right = shell.request("login", mode="member", language="fr", card="1002", pin=MEMBER_PIN)
    assert _wait(right) == 30


@pytest.mark.parametrize("how", ["crash", "stop", "reboot"])
def test_the_count_survives_an_agent_restart_and_a_reboot(
    kiosk: AgentThread, shell: ShellClient, verifier: CountingVerifier, how: str
) -> None:
    _wrong_codes(shell, 3)
    shell.close()
    options = {"pin_verifier": verifier}
    if how == "reboot":
        # A new boot id, and CLOCK_BOOTTIME starts again near zero.
        clock = FakeClock(wall=kiosk.clock.wall, mono=5.0)
        after = kiosk.successor(boot="boot-2", clock=clock, agent_options=options)
    else:
        after = kiosk.successor(agent_options=options)
    if how == "stop":
        kiosk.stop()  # SIGTERM: a clean stop
    else:
        kiosk.crash()  # SIGKILL, or the power cut before a reboot
    with after, ShellClient(after.socket_path) as again:
        again.hello()
        assert _wait(_guess(again, 3)) == 30


def test_a_guesser_who_restarts_the_agent_every_few_codes_is_slowed_all_the_same(
    kiosk: AgentThread, verifier: CountingVerifier
) -> None:
    answers = []
    current = kiosk
    try:
        for restart in range(6):
            with ShellClient(current.socket_path) as shell:
                shell.hello()
                answers += [error_code(_guess(shell, 5 * restart + n)) for n in range(5)]
            current.crash()
            current = current.successor(agent_options={"pin_verifier": verifier}).start()
    finally:
        current.stop()
    assert answers.count("bad_ticket") == 3
    assert answers.count("too_many_tries") == 27


def test_a_clock_set_back_does_not_shorten_the_wait(kiosk: AgentThread, shell: ShellClient) -> None:
    _wrong_codes(shell, 3)
    kiosk.advance(seconds=20)

    def set_back() -> None:
        kiosk.clock.wall -= dt.timedelta(days=1)

    kiosk.call(set_back)
    assert _wait(_guess(shell, 3)) == 30, "set back: as if the last try were now"
    kiosk.advance(seconds=30)
    assert error_code(_guess(shell, 3)) == "bad_ticket"


# -- parallel tries are counted before argon2 -------------------------------------------


def _in_parallel(kiosk: AgentThread, count: int, kind: str, **fields: object) -> list[Reply]:
    """``count`` shells each send one request at once; their replies."""
    shells = [ShellClient(kiosk.socket_path, timeout=30) for _ in range(count)]
    try:
        ids = [s.send(kind, **fields) for s in shells]
        return [s.reply(i) for s, i in zip(shells, ids, strict=True)]
    finally:
        for s in shells:
            s.close()


@pytest.mark.parametrize(("action", "other"), [("lock", "check"), ("check", "lock")])
def test_60_parallel_wrong_animator_pins_reach_argon2_at_most_5_times(
    kiosk: AgentThread, verifier: CountingVerifier, action: str, other: str
) -> None:
    # The staff menu's PIN check ("check") is a try at the same guard as an action: a
    # guesser who only checks PINs gets no more argon2 work than one who tries to lock the PC.
    replies = _in_parallel(kiosk, 60, "animator", pin="0000", action=action)
    codes = [error_code(r) for r in replies]
    assert len(verifier.calls) <= 5, f"{len(verifier.calls)} argon2 checks"
    assert codes.count("wrong_pin") == len(verifier.calls)
    assert codes.count("too_many_tries") == 60 - len(verifier.calls)
    [right] = _in_parallel(kiosk, 1, "animator", pin=ANIMATOR_PIN, action=action)
    assert error_code(right) == "too_many_tries", "the right PIN waits too"
    [across] = _in_parallel(kiosk, 1, "animator", pin=ANIMATOR_PIN, action=other)
    assert error_code(across) == "too_many_tries", "checks and actions share one count"


def test_a_staff_pin_check_changes_nothing_and_wrong_checks_count_with_actions(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    assert error_code(shell.request("animator", pin="1111", action="check")) == "wrong_pin"
    assert shell.request("animator", pin=ANIMATOR_PIN, action="check").ok
    assert kiosk.view().locked is False, "a check is not an action"
    for _ in range(4):
        assert error_code(shell.request("animator", pin="1111", action="lock")) == "wrong_pin"
    # Five wrong tries (one check, four actions): the sixth waits, a check as an action.
    assert error_code(shell.request("animator", pin=ANIMATOR_PIN, action="check")) == (
        "too_many_tries"
    )


@pytest.mark.parametrize("cards", ["one card", "60 cards"])
def test_60_parallel_wrong_member_pins_reach_argon2_at_most_3_times(
    kiosk: AgentThread, verifier: CountingVerifier, cards: str
) -> None:
    _add_member(kiosk, "2001")
    shells = [ShellClient(kiosk.socket_path, timeout=30) for _ in range(60)]
    try:
        ids = [
            s.send(
                "login",
                mode="member",
                language="fr",
                card="2001" if cards == "one card" else f"{2001 + n}",
                pin=f"{n:04d}",
            )
            for n, s in enumerate(shells)
        ]
        codes = [error_code(s.reply(i)) for s, i in zip(shells, ids, strict=True)]
    finally:
        for s in shells:
            s.close()
    assert len(verifier.calls) <= 3, f"{len(verifier.calls)} argon2 checks"
    assert codes.count("wrong_pin") == len(verifier.calls)
    assert codes.count("too_many_tries") == 60 - len(verifier.calls)


# -- member cards cannot be enumerated --------------------------------------------------


def _timed_member_tries(
    kiosk: AgentThread, shell: ShellClient, cards: list[str], rounds: int
) -> dict[str, list[float]]:
    """Each card tried ``rounds`` times with a wrong PIN, in turns, a quarter of an hour
    apart (so the guards never make a try wait); the seconds each answer took."""
    took: dict[str, list[float]] = {card: [] for card in cards}
    for _ in range(rounds):
        for card in cards:
            started = time.perf_counter()
            reply = shell.request("login", mode="member", language="fr", card=card, pin="0000")
            took[card].append(time.perf_counter() - started)
            assert error_code(reply) == "wrong_pin", reply
            assert reply.error is not None and reply.error.message == "wrong card number or PIN"
            kiosk.advance(minutes=15)
    return took


def test_an_unknown_card_and_a_wrong_pin_get_the_same_answer_in_the_same_time(
    kiosk: AgentThread, shell: ShellClient, verifier: CountingVerifier
) -> None:
    _add_member(kiosk, "3001")
    took = _timed_member_tries(kiosk, shell, ["3001", "3999"], rounds=9)
    # Both reach argon2: the known card against its hash, the unknown one a dummy's.
    assert verifier.calls == [True, False] * 9
    known, unknown = statistics.median(took["3001"]), statistics.median(took["3999"])
    assert 1 / 3 < known / unknown < 3, (known, unknown)


def test_an_unknown_card_is_counted_and_forgotten_like_a_known_one(
    kiosk: AgentThread, shell: ShellClient
) -> None:
    _add_member(kiosk, "4001")
    for card in ("4001", "4999"):
        reply = shell.request("login", mode="member", language="fr", card=card, pin="0000")
        assert error_code(reply) == "wrong_pin"
    store = kiosk.open_store()
    try:
        assert store.wrong_tries("card:4001").count == store.wrong_tries("card:4999").count == 1
        kiosk.advance(minutes=15)
        reply = shell.request("login", mode="member", language="fr", card="4001", pin="1")
        assert error_code(reply) == "wrong_pin"
        assert store.wrong_tries("card:4999").count == 0, "a card no longer counted is not kept"
        assert store.wrong_tries("card:4001").count == 1
    finally:
        store.close()


# -- offline (enrolled, console unreachable) ---------------------------------------------


@pytest.fixture
def offline_kiosk(verifier: CountingVerifier) -> Iterator[AgentThread]:
    """An enrolled PC whose console never answers: every check follows the offline rules.
    It knows one member from an earlier online check (card 5001)."""
    folder = Path(tempfile.mkdtemp(prefix="epn"))
    write_unreachable_console(folder, "PC-OFF")
    tokens = MemoryTokens("a-token", ticket_key=TICKET_KEY)
    options = {
        "tokens": tokens,
        "pin_verifier": verifier,
        "link_options": LinkOptions(backoff_initial=5, backoff_cap=30, open_timeout=1),
    }
    harness = AgentThread(data_dir=folder, pc_name="PC-OFF", agent_options=options)
    with harness:
        store = harness.open_store()
        try:
            now = harness.clock.now().wall
            member = KnownMember("5001", hash_pin(MEMBER_PIN), 3600, 3600, now.date())
            store.remember_member(member, now)
        finally:
            store.close()
        yield harness
    shutil.rmtree(folder, ignore_errors=True)


def test_offline_an_unknown_card_and_a_wrong_pin_look_alike(
    offline_kiosk: AgentThread, verifier: CountingVerifier
) -> None:
    with ShellClient(offline_kiosk.socket_path) as shell:
        shell.hello()
        took = _timed_member_tries(offline_kiosk, shell, ["5001", "5999"], rounds=9)
        assert verifier.calls == [True, False] * 9
        known, unknown = statistics.median(took["5001"]), statistics.median(took["5999"])
        assert 1 / 3 < known / unknown < 3, (known, unknown)
        assert shell.start_session(mode="member", card="5001", pin=MEMBER_PIN).seconds_left


def test_offline_parallel_wrong_pins_reach_argon2_at_most_3_times(
    offline_kiosk: AgentThread, verifier: CountingVerifier
) -> None:
    replies = _in_parallel(
        offline_kiosk, 60, "login", mode="member", language="fr", card="5001", pin="0000"
    )
    assert len(verifier.calls) <= 3
    assert [error_code(r) for r in replies].count("wrong_pin") == len(verifier.calls)


def _offline_codes(kiosk: AgentThread) -> tuple[str, list[str], list[str]]:
    """A code the console could have issued; codes a guesser makes (the Damm digit
    computed, only the HMAC digits wrong); the same with a digit mistyped."""
    today = kiosk.clock.now().wall.date()
    real = make_code(TICKET_KEY, 7, 60, today + dt.timedelta(days=7))
    guesses = []
    for n in range(10):
        body = real[:8] + f"{(int(real[8:15]) + 1 + n) % 10**7:07d}"
        guesses.append(body + damm_digit(body))
    typos = [g[:-1] + str((int(g[-1]) + 1) % 10) for g in guesses]
    assert all(typo_ok(g) for g in guesses) and not any(typo_ok(t) for t in typos)
    return real, guesses, typos


def test_offline_a_mistyped_digit_is_told_and_not_counted_a_guess_is(
    offline_kiosk: AgentThread,
) -> None:
    real, guesses, typos = _offline_codes(offline_kiosk)
    with ShellClient(offline_kiosk.socket_path) as shell:
        shell.hello()
        for typo in typos:
            reply = shell.request("login", mode="ticket", language="fr", code=typo)
            assert error_code(reply) == "ticket_typo"
        for guess in guesses[:3]:
            reply = shell.request("login", mode="ticket", language="fr", code=guess)
            assert error_code(reply) == "bad_ticket"
        assert _wait(shell.request("login", mode="ticket", language="fr", code=guesses[3])) == 30
        assert _wait(shell.request("login", mode="ticket", language="fr", code=real)) == 30
        offline_kiosk.advance(seconds=30)
        assert shell.start_session(mode="ticket", code=real).seconds_left == 60 * 60
