"""Guessing figures: what a guesser gets at one PC, measured on the real agent.

Run from the repository root:  .venv/bin/python tests/bench/bench_abuse.py [--hours 2]

1. PIN checks that reach argon2 under 60 parallel connections. A real agent (in this
   process, its real unix socket, a fake clock) and 60 shell connections that each send a
   wrong animator PIN (then a wrong member PIN) every 30 s of the fake clock for
   ``--hours``; a wrapper around the real argon2 verifier, given to the agent through its
   constructor, counts the checks. Goal: the configured limit (what one connection trying
   as soon as the rule allows gets: :func:`epn_shared.wrong_tries.most_tries`), not more.
2. Offline-code forging. An enrolled agent whose console never answers, and a guesser who
   types a code (the Damm digit computed, so only the 7 HMAC digits are guessed) as soon as
   the PC allows, for two simulated days: the tries checked in the first day and in the
   second (the sustained rate), cross-checked with the schedule. Then the code space
   (10**7 HMAC values, one right for the digits the guesser chose), the expected tries
   (half of it, trying each value once) and the expected time at one PC. Goal: > 1 year.
   Also: how fast the PC checks a code (the CPU is no limit, the guard is), the chance to
   forge one in a year, the same with 10 PCs at once, and what one PC's token gets from
   the console's redeem endpoint (the same rule, per token).

Prints one ``figure: value unit`` line per figure, the headline last; exits non-zero when it
could not measure, or when a measure contradicts the schedule it should follow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test helpers (helpers.kiosk_agent)

from helpers.kiosk_agent import AgentThread, ShellClient, write_unreachable_console  # noqa: E402

from epn_shared.ticket_codes import MAC_SPACE, damm_digit, make_code, read_code  # noqa: E402
from epn_shared.wrong_tries import WRONG_CODE_RULE, GuardRule, most_tries  # noqa: E402
from kiosk.agent.credentials import hash_pin, verify_pin  # noqa: E402
from kiosk.agent.link import LinkOptions  # noqa: E402
from kiosk.agent.login_checks import ANIMATOR_RULE, PC_RULE  # noqa: E402
from kiosk.agent.secrets import MemoryTokens  # noqa: E402
from kiosk.core.protocol import Reply  # noqa: E402

CONNECTIONS = 60
STEP_SECONDS = 30
DAY = 86400


class CountingVerifier:
    """The real argon2 verifier, counting its calls (they run in worker threads)."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, pin_hash: str | None, pin: str) -> bool:
        with self._lock:
            self.calls += 1
        return verify_pin(pin_hash, pin)


def _code(reply: Reply) -> str:
    return "ok" if reply.error is None else reply.error.code


def parallel_pin_checks(kind: str, hours: int) -> list[int]:
    """argon2 checks per hour while 60 connections send a wrong PIN each 30 s."""
    verifier = CountingVerifier()
    per_hour: list[int] = []
    with AgentThread(animator_pin="2468", agent_options={"pin_verifier": verifier}) as kiosk:
        store = kiosk.open_store()
        store.add_member("1001", hash_pin("8080"))
        store.close()
        shells = [ShellClient(kiosk.socket_path, timeout=60) for _ in range(CONNECTIONS)]
        try:
            for _hour in range(hours):
                before = verifier.calls
                for _step in range(3600 // STEP_SECONDS):
                    if kind == "animator":
                        ids = [s.send("animator", pin="0000", action="lock") for s in shells]
                    else:
                        ids = [
                            s.send("login", mode="member", language="fr", card="1001", pin="0")
                            for s in shells
                        ]
                    codes = {_code(s.reply(i)) for s, i in zip(shells, ids, strict=True)}
                    if not codes <= {"wrong_pin", "too_many_tries"}:
                        raise RuntimeError(f"unexpected answers: {codes}")
                    kiosk.advance(seconds=STEP_SECONDS)
                per_hour.append(verifier.calls - before)
        finally:
            for s in shells:
                s.close()
    return per_hour


def checks_per_second(count: int = 20_000) -> float:
    """How fast a PC checks a code (Damm digit right, HMAC wrong)."""
    key = secrets.token_bytes(32)
    today = dt.date.today()
    body = make_code(key, 0, 495, today)[:8]
    guesses = []
    for _ in range(count):
        signed = body + f"{secrets.randbelow(MAC_SPACE):07d}"
        guesses.append(signed + damm_digit(signed))
    start = time.perf_counter()
    for guess in guesses:
        read_code(key, guess, today)
    return count / (time.perf_counter() - start)


def offline_tries_per_day(days: int) -> list[int]:
    """Codes an optimal guesser gets checked at one offline PC, day by day."""
    key = secrets.token_bytes(32)
    folder = Path(tempfile.mkdtemp(prefix="epn"))
    try:
        write_unreachable_console(folder, "PC-BENCH")
        options = {
            "tokens": MemoryTokens("a-token", ticket_key=key),
            "link_options": LinkOptions(backoff_initial=5, backoff_cap=30, open_timeout=1),
        }
        with AgentThread(data_dir=folder, agent_options=options) as kiosk:
            start = kiosk.clock.now().wall
            real = make_code(key, 1, 495, start.date() + dt.timedelta(days=14))
            per_day = [0] * days
            guess = int(real[8:15])
            with ShellClient(kiosk.socket_path) as shell:
                shell.hello()
                while (elapsed := (kiosk.clock.now().wall - start).total_seconds()) < days * DAY:
                    guess = (guess + 1) % MAC_SPACE  # each value once, never the real one
                    body = real[:8] + f"{guess:07d}"
                    code = body + damm_digit(body)
                    reply = shell.request("login", mode="ticket", language="fr", code=code)
                    if _code(reply) == "bad_ticket":
                        per_day[int(elapsed // DAY)] += 1
                    elif _code(reply) == "too_many_tries" and reply.error is not None:
                        kiosk.advance(seconds=reply.error.retry_after or 1)
                        guess -= 1  # not checked: the same value again
                    else:
                        raise RuntimeError(f"unexpected answer: {reply}")
            return per_day
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=2, help="simulated hours of PIN tries")
    args = parser.parse_args()
    # The offline PC's link says once that the console is away: not a figure.
    logging.getLogger("kiosk.agent.link").setLevel(logging.ERROR)
    try:
        animator = parallel_pin_checks("animator", args.hours)
        member = parallel_pin_checks("member", args.hours)
        days = offline_tries_per_day(2)
    except (OSError, RuntimeError, TimeoutError, AssertionError) as exc:
        print(f"bench_abuse: could not measure: {exc}", file=sys.stderr)
        return 1

    def allowed(measured: list[int], rule: GuardRule) -> list[int]:
        """Checks the rule allows in each hour (one connection, trying when allowed)."""
        total = [most_tries(rule, 3600 * (h + 1)) for h in range(len(measured))]
        return [b - a for a, b in zip([0, *total], total, strict=False)]

    animator_limit = allowed(animator, ANIMATOR_RULE)
    member_limit = allowed(member, PC_RULE)
    day_limit = [most_tries(PC_RULE, DAY), most_tries(PC_RULE, 2 * DAY) - most_tries(PC_RULE, DAY)]
    sustained_per_day = days[1]
    expected_tries = (MAC_SPACE + 1) / 2
    years = expected_tries / sustained_per_day / 365.25

    print(f"animator_pin_checks_first_hour_60_connections: {animator[0]} checks")
    print(f"animator_pin_checks_allowed_first_hour: {animator_limit[0]} checks")
    print(f"member_pin_checks_first_hour_60_connections: {member[0]} checks")
    print(f"member_pin_checks_allowed_first_hour: {member_limit[0]} checks")
    if len(animator) > 1:
        print(f"animator_pin_checks_per_hour_sustained: {animator[-1]} checks")
        print(f"member_pin_checks_per_hour_sustained: {member[-1]} checks")
    print(f"offline_codes_checked_first_day_one_pc: {days[0]} tries")
    print(f"offline_codes_checked_per_day_sustained_one_pc: {sustained_per_day} tries")
    print(f"offline_codes_checked_per_hour_sustained_one_pc: {sustained_per_day / 24:.2f} tries")
    year = 365.25 * DAY
    console_per_hour = most_tries(WRONG_CODE_RULE, year) / (year / 3600)
    print(f"online_wrong_codes_per_hour_per_pc_token: {console_per_hour:.2f} tries")
    print(f"offline_check_rate_cpu: {checks_per_second():.0f} checks/s")
    print(f"offline_code_space: {MAC_SPACE} values")
    print(f"offline_code_expected_tries: {expected_tries:.0f} tries")
    chance = 100 * 365.25 * sustained_per_day / MAC_SPACE
    print(f"offline_code_forge_chance_in_a_year_one_pc: {chance:.3f} %")
    print(f"offline_code_forge_expected_time_10_pcs: {years / 10:.1f} years")
    print(f"offline_code_forge_expected_time_one_pc: {years:.1f} years")

    problems = []
    if animator != animator_limit:
        problems.append(f"animator checks {animator} != allowed {animator_limit}")
    if member != member_limit:
        problems.append(f"member checks {member} != allowed {member_limit}")
    if days != day_limit:
        problems.append(f"offline tries {days} != schedule {day_limit}")
    for problem in problems:
        print(f"bench_abuse: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
