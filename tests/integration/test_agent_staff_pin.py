"""A packaged PC gets its staff PIN from ``epn-kiosk set-pin`` at its terminal: its staff key
then opens with that PIN (and only that one), and a PIN easy to guess is refused."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from helpers.kiosk_agent import AgentProcess, ShellClient

from kiosk.agent.staff_pin import pin_path


def set_pin(data_dir: Path, first: str, second: str) -> subprocess.CompletedProcess[str]:
    """``epn-kiosk set-pin`` as root types it: the PIN twice (here on stdin)."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "set-pin", "--data-dir", str(data_dir)],
        input=f"{first}\n{second}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_pin_set_at_the_terminal_opens_the_staff_key_and_no_other_does(
    spawn_agent: Callable[..., AgentProcess], agent_dir: Path
) -> None:
    agent = spawn_agent().wait_listening()
    with ShellClient(agent.socket_path) as shell:
        assert shell.hello().animator_pin_set is False  # a new PC: no staff key yet
    assert agent.terminate() == 0

    done = set_pin(agent_dir, "480731", "480731")
    assert done.returncode == 0, done.stderr
    assert "restart the PC" in done.stdout
    kept = pin_path(agent_dir)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "480731" not in kept.read_text()  # a hash, never the PIN

    agent = spawn_agent().wait_listening()
    with ShellClient(agent.socket_path) as shell:
        assert shell.hello().animator_pin_set is True
        wrong = shell.request("animator", pin="480732", action="check")
        assert not wrong.ok and wrong.error is not None
        assert shell.request("animator", pin="480731", action="check").ok
    assert agent.terminate() == 0


def test_a_pin_easy_to_guess_or_typed_differently_changes_nothing(agent_dir: Path) -> None:
    assert set_pin(agent_dir, "480731", "480731").returncode == 0
    before = pin_path(agent_dir).read_bytes()
    for first, second, said in (
        ("1234", "1234", "digits in a row"),
        ("0000", "0000", "repeated digit"),
        ("12ab", "12ab", "digits only"),
        ("123", "123", "4 to 12 digits"),
        ("592816", "592817", "differ"),
    ):
        done = set_pin(agent_dir, first, second)
        assert done.returncode == 1 and said in done.stderr, (first, done.stderr)
        assert "nothing changed" in done.stderr
    assert pin_path(agent_dir).read_bytes() == before  # the PIN set first still opens the key
