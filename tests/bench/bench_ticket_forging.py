"""Forging an offline ticket code: the attacker's best rate at one PC, and how long it takes.

Run from the repository root:

    .venv/bin/python tests/bench/bench_ticket_forging.py

With the console unreachable, a PC accepts any code whose 7 HMAC digits match its ticket
key (``admin_console.protocol.tickets``). A guesser picks the first 8 digits, computes the
public Damm digit, and must hit one of ``MAC_SPACE`` = 10**7 HMAC values. The best rate is
what the PC's wrong-try guard lets through (``kiosk.agent.gate.PC_RULE``, counted by
``kiosk.core.guard.most_tries``: every try made as soon as the guard allows, for a year);
the same for the console's redeem endpoint per PC token (``admin_console.protocol.tries``).
The check itself is also timed (``read_code`` on random guesses), to show the guard, not
the CPU, is the limit.

Prints one ``figure: value unit`` line per figure, the headline
(``offline_forge_expected_years``) last; exits non-zero below the goal (more than a year).
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import time

from admin_console.protocol.tickets import MAC_SPACE, damm_digit, make_code, read_code
from admin_console.protocol.tries import WrongTries
from kiosk.agent.gate import PC_RULE
from kiosk.core.guard import most_tries

YEAR = 365 * 24 * 3600.0
GOAL_YEARS = 1.0


def console_tries(seconds: float) -> int:
    """Unknown codes one PC token gets checked by the console in ``seconds``, each sent as
    soon as the answer is no longer 429."""
    tries, now, made = WrongTries(), 0.0, 0
    while True:
        now += tries.seconds_locked(now)
        if now > seconds:
            return made
        tries.failed(now)
        made += 1


def checks_per_second(count: int = 20_000) -> float:
    """How fast a PC checks a code (Damm digit right, HMAC wrong): the CPU is no limit."""
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


def main() -> int:
    """Print the figures; non-zero below the goal."""
    pc_year = most_tries(PC_RULE, YEAR)
    console_year = console_tries(YEAR)
    expected = (MAC_SPACE + 1) / 2  # tries, guessing without repeats
    years = expected / pc_year
    print(f"offline_code_space: {MAC_SPACE} hmac_values")
    print(f"offline_check_rate_cpu: {checks_per_second():.0f} checks/s")
    print(f"pc_wrong_codes_first_hour: {most_tries(PC_RULE, 3600)} tries")
    print(f"pc_wrong_codes_per_hour: {pc_year / (YEAR / 3600):.2f} tries/h")
    print(f"pc_forge_chance_in_a_year: {100 * pc_year / MAC_SPACE:.3f} %")
    print(f"online_wrong_codes_per_hour_per_token: {console_year / (YEAR / 3600):.2f} tries/h")
    print(f"offline_forge_expected_years_10_pcs: {years / 10:.1f} years")
    print(f"offline_forge_expected_years: {years:.1f} years")
    return 0 if years > GOAL_YEARS else 1


if __name__ == "__main__":
    sys.exit(main())
