"""``epn-kiosk update`` against a real agent: the update hold keeps visitors off the PC while
the update installs, never ends a visitor's session, and never outlives its bound.

The runner is the real command in its own process; apt is replaced by a real program (a
script that records it ran, waits for the test's go, and exits 0 or 1), given to the runner
as its commands. The real apt upgrade is checked on a virtual machine (tests/vm).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient

from epn_shared import protocol as wire
from kiosk.agent.login_checks import LoginChecks
from kiosk.agent.update import Outcome, apt_commands
from kiosk.core.model import State, Visitor
from kiosk.core.protocol import PROTOCOL_VERSION, Login
from kiosk.shell.i18n import error_text
from policies import Language, Policy

HOLD_SECONDS = 120
REPO = Path(__file__).resolve().parents[2]

FAKE_APT = """\
import os, sys, time
record, code, gate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(record, "a") as f:
    f.write(f"started {os.getpid()}\\n")
deadline = time.monotonic() + 60
while not os.path.exists(gate) and time.monotonic() < deadline:
    time.sleep(0.01)
with open(record, "a") as f:
    f.write("done\\n")
sys.exit(code)
"""


class Room:
    """A real agent (fake clock), its shell, and the files of the fake apt."""

    def __init__(self, agent: AgentThread, folder: Path) -> None:
        self.agent = agent
        self.folder = folder
        self.source = folder / "epn-console.sources"
        self.source.write_text("Types: deb\nURIs: https://console.invalid/apt\nSuites: ./\n")
        self.script = folder / "fake_apt.py"
        self.script.write_text(FAKE_APT)
        self.record = folder / "apt-ran.txt"
        self.gate = folder / "go"
        self.runners: list[subprocess.Popen[str]] = []

    def runner(self, code: int = 0, source: Path | None = None) -> subprocess.Popen[str]:
        """``epn-kiosk update`` in its own process, apt being the fake that exits ``code``."""
        command = (sys.executable, str(self.script), str(self.record), str(code), str(self.gate))
        environment = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "EPN_KIOSK_UPDATE_COMMANDS": json.dumps([command]),
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                "update",
                "--admin-socket",
                str(self.agent.config.admin_socket_path),
                "--apt-source",
                str(source or self.source),
            ],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.runners.append(process)
        return process

    def apt_runs(self) -> list[str]:
        return self.record.read_text().splitlines() if self.record.exists() else []

    def wait_apt_started(self, timeout: float = 30.0) -> int:
        """The fake apt's pid, once it runs (the runner holds the PC by then)."""
        deadline = time.monotonic() + timeout
        while not any(line.startswith("started") for line in self.apt_runs()):
            if time.monotonic() > deadline:
                raise TimeoutError("the update's commands did not start")
            time.sleep(0.01)
        return int(self.apt_runs()[0].split()[1])

    def updating(self) -> bool:
        return self.agent.view().updating

    def stop(self) -> None:
        self.gate.touch()
        for process in self.runners:
            if process.poll() is None:
                process.kill()
            process.wait(30)
            if process.stdout is not None:
                process.stdout.close()
        for line in self.apt_runs():
            if line.startswith("started"):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(line.split()[1]), signal.SIGKILL)


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    with AgentThread(config_options={"update_hold_seconds": HOLD_SECONDS}) as agent:
        setup = Room(agent, tmp_path)
        try:
            yield setup
        finally:
            setup.stop()


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = process.communicate(timeout=60)
    return process.returncode, out


def test_a_visitor_in_session_defers_the_update_and_keeps_their_session(room: Room) -> None:
    with ShellClient(room.agent.socket_path) as shell:
        shell.hello()
        running = shell.start_session()
        code, out = finished(room.runner())
        assert code == Outcome.DEFERRED == 75, out
        assert "deferred: a visitor is using this PC" in out
        assert room.apt_runs() == [], "nothing was installed"
        assert room.agent.engine_state() is State.ACTIVE
        assert not room.updating()
        assert shell.request("activity").ok, "the visitor's session goes on"
        assert room.agent.view().seconds_left == running.seconds_left


def test_a_visitor_reading_the_house_rules_defers_the_update(room: Room) -> None:
    with ShellClient(room.agent.socket_path) as shell:
        shell.hello()
        assert shell.request("login", mode="walk_in", language="ar").ok
        code, out = finished(room.runner())
        assert code == Outcome.DEFERRED, out
        assert room.apt_runs() == []
        assert room.agent.engine_state() is State.RULES


@pytest.mark.parametrize("apt_exit", [0, 1])
def test_an_idle_pc_is_held_logins_refused_then_given_back(room: Room, apt_exit: int) -> None:
    with ShellClient(room.agent.socket_path) as shell:
        shell.hello()
        runner = room.runner(code=apt_exit)
        room.wait_apt_started()
        shell.wait_view(lambda v: v.updating)
        refused = shell.request("login", mode="walk_in", language="fr")
        assert not refused.ok and refused.error is not None
        assert refused.error.code == "updating"
        assert error_text("updating", Language.FR).startswith("Cet ordinateur est en cours")
        assert room.agent.engine_state() is State.WAITING, "no session the update would end"
        # The console's room view is told too.
        status = room.agent.call(room.agent.agent.console.console_status)
        assert isinstance(status, wire.Status) and status.updating
        room.gate.touch()
        code, out = finished(runner)
        assert code == (Outcome.DONE if apt_exit == 0 else Outcome.FAILED), out
        assert "hold released" in out
        assert room.apt_runs()[-1] == "done"
        shell.wait_view(lambda v: not v.updating)
        assert shell.request("login", mode="walk_in", language="fr").ok
        assert room.agent.engine_state() is State.RULES


def test_a_runner_killed_while_holding_never_leaves_the_pc_unusable(room: Room) -> None:
    with ShellClient(room.agent.socket_path) as shell:
        shell.hello()
        runner = room.runner()
        room.wait_apt_started()
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(30)
        # Its apt may still be installing: the hold stays until its bound.
        assert room.updating()
        room.agent.advance(seconds=HOLD_SECONDS - 1)
        assert not shell.request("login", mode="walk_in", language="fr").ok
        room.agent.advance(seconds=1)
        assert not room.updating(), "the hold ended by itself"
        shell.wait_view(lambda v: not v.updating)
        assert shell.start_session().state is State.ACTIVE


def test_a_hold_granted_while_a_login_is_checked_still_refuses_that_login(room: Room) -> None:
    """A ticket or card is checked at the console (the login waits): the hold granted then
    must not let that login start a session the update would end."""
    agent = room.agent
    checks = agent.call(lambda: agent.agent.shells.login_checks)
    parked = agent.call(asyncio.Event)
    release = agent.call(asyncio.Event)

    class ConsoleTakesItsTime(LoginChecks):
        async def identify(self, request: Login, policy: Policy) -> Visitor:
            parked.set()
            await release.wait()
            return await checks.identify(request, policy)

    slow = ConsoleTakesItsTime(agent.agent.store, agent.clock, None)
    agent.call(lambda: setattr(agent.agent.shells, "login_checks", slow))
    with ShellClient(agent.socket_path) as shell:
        shell.hello()
        login = shell.send("login", mode="walk_in", language="fr")
        agent.wait_until(parked.is_set, what="the login being checked")
        runner = room.runner()
        room.wait_apt_started()
        agent.call(release.set)
        refused = shell.reply(login)
        assert not refused.ok and refused.error is not None
        assert refused.error.code == "updating"
        assert agent.engine_state() is State.WAITING
        room.gate.touch()
        assert finished(runner)[0] == Outcome.DONE


def test_no_workshop_starts_from_the_console_while_the_pc_is_held(room: Room) -> None:
    agent = room.agent
    runner = room.runner()
    room.wait_apt_started()
    workshop = wire.Command(
        command_id="workshop-0001",
        action=wire.CommandAction.WORKSHOP,
        by="animator",
        minutes=60,
        text="Atelier CV",
    )
    result = agent.call(lambda: agent.agent.console.console_command(workshop))
    assert not result.ok and result.code == "updating"
    assert agent.engine_state() is State.WAITING
    room.gate.touch()
    assert finished(runner)[0] == Outcome.DONE
    result = agent.call(lambda: agent.agent.console.console_command(workshop))
    assert result.ok, result
    assert agent.engine_state() is State.ACTIVE


def test_two_runners_at_once_one_runs_the_other_says_so(room: Room) -> None:
    first = room.runner()
    room.wait_apt_started()
    code, out = finished(room.runner())
    assert code == Outcome.DEFERRED, out
    assert "deferred: another update is running on this PC" in out
    room.gate.touch()
    assert finished(first)[0] == Outcome.DONE
    assert [line.split()[0] for line in room.apt_runs()] == ["started", "done"], "apt ran once"


def test_a_pc_not_paired_runs_nothing(room: Room) -> None:
    code, out = finished(room.runner(source=room.folder / "absent.sources"))
    assert code == Outcome.DONE, out
    assert "not paired with a console" in out and "nothing to do" in out
    assert room.apt_runs() == []
    assert not room.updating()


def test_without_the_agent_nothing_is_installed(room: Room, tmp_path: Path) -> None:
    room.agent.stop()
    code, out = finished(room.runner())
    assert code == Outcome.FAILED, out
    assert "cannot reach the agent" in out
    assert room.apt_runs() == []


def test_the_shell_socket_cannot_hold_the_pc(room: Room) -> None:
    """The visitor's side of the agent knows no update hold: only root's socket does."""
    with ShellClient(room.agent.socket_path) as shell:
        shell.hello()
        reply = shell.request("hold_for_update")
        assert not reply.ok and reply.error is not None and reply.error.code == "unknown_type"
    assert not room.updating()
    admin = room.agent.config.admin_socket_path
    assert (admin.stat().st_mode & 0o777) == 0o600


def test_a_hold_is_released_only_with_its_token(room: Room) -> None:
    admin = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    admin.settimeout(10)
    admin.connect(str(room.agent.config.admin_socket_path))
    reader = admin.makefile("rb")

    def ask(kind: str, number: int, **fields: object) -> dict[str, object]:
        body = {"v": PROTOCOL_VERSION, "type": kind, "id": number, **fields}
        admin.sendall(json.dumps(body).encode() + b"\n")
        answer: dict[str, object] = json.loads(reader.readline())
        return answer

    try:
        held = ask("hold_for_update", 1)
        assert held["ok"] and held["hold_seconds"] == HOLD_SECONDS
        wrong = ask("release_update_hold", 2, hold="0" * 32)
        assert not wrong["ok"]
        assert room.updating(), "a guessed token does not give the PC back"
        assert ask("release_update_hold", 3, hold=held["hold"])["ok"]
        assert not room.updating()
    finally:
        reader.close()
        admin.close()


def test_the_real_update_reads_the_consoles_source_only_and_keeps_the_pcs_other_lists(
    tmp_path: Path,
) -> None:
    """The runner's ``apt-get update`` is run for real (on private apt folders): it reads
    the console's source alone, and the lists of the PC's other sources (Debian's, for its
    security updates) are still there after it."""
    source = tmp_path / "epn-console.sources"
    source.write_text("")  # a PC whose console source lists nothing: no network needed
    lists = tmp_path / "state" / "lists"
    (lists / "partial").mkdir(parents=True)
    (tmp_path / "cache" / "archives" / "partial").mkdir(parents=True)
    debian = lists / "deb.debian.org_debian_dists_bookworm-security_main_binary-amd64_Packages"
    debian.write_text("Package: tzdata\nVersion: 2025b-0+deb12u1\n")
    private = [
        f"Dir::State={tmp_path / 'state'}",
        f"Dir::Cache={tmp_path / 'cache'}",
        f"Dir::State::status={tmp_path / 'status'}",
    ]
    (tmp_path / "status").touch()
    refresh, install = apt_commands(source)
    assert refresh[0] == install[0] == "apt-get"
    assert install[-4:] == ("install", "--only-upgrade", "-y", "epn-kiosk")
    assert "Dpkg::Options::=--force-confold" in install  # the PC's own settings stay
    command = [refresh[0], *(arg for o in private for arg in ("-o", o)), *refresh[1:]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert debian.exists(), "the update deleted the lists of the PC's other sources"


@pytest.mark.root
def test_another_user_cannot_hold_the_pc_even_with_the_socket_open_to_all(room: Room) -> None:
    """The admin socket's peer-uid check, behind its file mode: root's only."""
    room.agent.data_dir.chmod(0o755)
    room.agent.config.admin_socket_path.chmod(0o666)
    path = str(room.agent.config.admin_socket_path)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        answer = b""
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)  # nobody
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(10)
                sock.connect(path)
                # The agent may answer and close before the request is sent (it refuses a
                # connection by its peer's uid): the refusal is read all the same.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    sock.sendall(b'{"v": 1, "type": "hold_for_update", "id": 1}\n')
                answer = sock.makefile("rb").readline()
        finally:
            os.write(write_end, answer or b"no answer\n")
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        said = pipe.read()
    os.waitpid(child, 0)
    reply = json.loads(said)
    assert not reply["ok"] and reply["error"]["code"] == "not_allowed"
    assert not room.updating()
