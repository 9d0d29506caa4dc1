"""Nothing a client sends can crash the agent, grow it, or stop it from serving the shell."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from helpers.kiosk_agent import AgentProcess, AgentThread, ShellClient
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.agent.wiper import SandboxWiper
from kiosk.core.model import State
from kiosk.core.protocol import MAX_LINE_BYTES, Reply


@pytest.fixture
def agent(spawn_agent: Callable[..., AgentProcess]) -> Iterator[AgentProcess]:
    """One real agent process for a test."""
    process = spawn_agent().wait_listening()
    yield process
    assert process.terminate() == 0


def _error_code(shell: ShellClient, request_id: int | None) -> str:
    reply = shell.reply(request_id)
    assert not reply.ok and reply.error is not None
    return reply.error.code


def test_bad_lines_get_an_error_each_and_the_connection_goes_on(agent: AgentProcess) -> None:
    with ShellClient(agent.socket_path) as shell:
        shell.send_line(b"{not json")
        assert _error_code(shell, None) == "malformed"
        shell.send_line(b"[1, 2, 3]")
        assert _error_code(shell, None) == "malformed"
        shell.send_line(b"\xff\xfe\x00garbage")
        assert _error_code(shell, None) == "malformed"
        shell.send_line(json.dumps({"v": 1, "type": "open_the_door", "id": 7}).encode())
        assert _error_code(shell, 7) == "unknown_type"
        shell.send_line(json.dumps({"v": 2, "type": "ping", "id": 8}).encode())
        assert _error_code(shell, 8) == "bad_version"
        request = {"v": 1, "type": "login", "id": 9, "mode": "teleport", "language": "fr"}
        shell.send_line(json.dumps(request).encode())
        assert _error_code(shell, 9) == "bad_field"
        request = {"v": 1, "type": "ping", "id": 10, "extra": "field"}
        shell.send_line(json.dumps(request).encode())
        assert _error_code(shell, 10) == "bad_field"
        assert shell.request("ping").ok


def _hostile_lines() -> list[tuple[bytes, str]]:
    """Lines a fuzzer or a curious visitor sends, with the error each must get."""
    login = {"v": 1, "type": "login", "id": 3, "mode": "member", "language": "fr"}
    animator = {"v": 1, "type": "animator", "id": 4, "action": "extend"}
    deep_list = b"[" * 30_000 + b"]" * 30_000
    deep_object = b'{"a": ' * 8_000 + b"1" + b"}" * 8_000
    return [
        (b"[" * 100_000, "too_large"),
        (b"[" * 60_000, "malformed"),  # under the size limit: nesting, not size
        (b'{"v": 1, "type": "ping", "id": 1, "x": ' + deep_list + b"}", "malformed"),
        (b'{"v": 1, "id": 2, "type": ' + deep_object + b"}", "malformed"),
        (json.dumps({"v": 1, "type": [], "id": 2}).encode(), "unknown_type"),
        (json.dumps({"v": 1, "type": {"login": 1}, "id": 2}).encode(), "unknown_type"),
        (json.dumps({**login, "card": "1", "pin": 5}).encode(), "bad_field"),
        (json.dumps({**login, "card": ["1"], "pin": None}).encode(), "bad_field"),
        (json.dumps({**animator, "pin": "1", "minutes": 1e308}).encode(), "bad_field"),
        (json.dumps({**animator, "pin": "1", "minutes": 10**200}).encode(), "bad_field"),
        (
            json.dumps({**animator, "pin": "1"})[:-1].encode()
            + b', "minutes": '
            + b"9" * 5000
            + b"}",
            "malformed",
        ),
        (json.dumps({"v": 1, "type": "ping", "id": 10**300}).encode(), "bad_field"),
        (json.dumps({"v": 10**300, "type": "ping", "id": 5}).encode(), "bad_version"),
        (json.dumps({**animator, "pin": "1"})[:-1].encode() + b', "minutes": NaN}', "bad_field"),
        (b'{"v": 1, "type": "ping", "id": 7, "x": "\xff\xfe"}', "malformed"),
        (b'{"v": 1, "type": "ping", "id": 7, "x": "\xc3\x28"}', "malformed"),
        (b'{"v": 1, "type": "ping", "id": 8, "x": "\xed\xa0\x80"}', "malformed"),  # a surrogate
        ('{"v": 1, "type": "ping", "id": 9}'.encode("utf-16-le"), "malformed"),
        (b'{"v": 1, "type": "p\xffing", "id": 9}', "malformed"),
        (b"\xff\xfe\xfd" * 1000, "malformed"),
        (json.dumps({**login, "card": "\ud800", "pin": "1234"}).encode(), "bad_field"),
    ]


def _next_reply(shell: ShellClient) -> Reply:
    while True:
        message = shell.receive()
        if isinstance(message, Reply):
            return message


def test_hostile_lines_get_an_error_and_the_agent_and_connection_go_on(
    agent: AgentProcess,
) -> None:
    """Deep nesting, wrong types, huge numbers, bytes that are not UTF-8: each gets its
    error reply on the same connection, and the agent logs no bug."""
    with ShellClient(agent.socket_path) as shell:
        shell.hello()
        for line, expected in _hostile_lines():
            shell.send_line(line)
            reply = _next_reply(shell)
            assert not reply.ok and reply.error is not None, line[:80]
            assert reply.error.code == expected, (line[:80], reply.error)
            assert shell.request("ping").ok, line[:80]
    assert agent.process.poll() is None, "the agent is still running"
    bugs = [e for e in agent.events() if e.get("level") in ("error", "critical")]
    assert bugs == []
    assert "Traceback" not in agent.log_path.read_text(encoding="utf-8")


def test_a_10_mb_line_is_refused_without_growing_the_agent(agent: AgentProcess) -> None:
    with ShellClient(agent.socket_path) as shell:
        assert shell.request("ping").ok
        before = agent.rss_kib()
        chunk = b"A" * (1024 * 1024)
        for _ in range(10):
            shell.sock.sendall(chunk)
        shell.sock.sendall(b"\n")
        assert _error_code(shell, None) == "too_large"
        assert shell.request("ping").ok, "the next line after the long one is answered"
        grown = agent.rss_kib() - before
    assert grown < 3 * 1024, f"the agent grew by {grown} KiB"


def test_a_line_just_under_the_limit_is_read(agent: AgentProcess) -> None:
    padding = MAX_LINE_BYTES - 100
    line = json.dumps({"v": 1, "type": "hello", "id": 1, "client": "x" * padding}).encode()
    assert len(line) <= MAX_LINE_BYTES
    with ShellClient(agent.socket_path) as shell:
        shell.send_line(line)
        # Read fully, then refused for its content (the client name is too long), not size.
        assert _error_code(shell, 1) == "bad_field"


def test_clients_that_vanish_or_babble_do_not_stop_the_agent(agent: AgentProcess) -> None:
    # Hang up in the middle of a message.
    half = socket.socket(socket.AF_UNIX)
    half.connect(str(agent.socket_path))
    half.sendall(b'{"v": 1, "type": "pi')
    half.close()
    # Many clients at once: garbage, half lines, silence, a flood of junk lines.
    noisy = []
    for n in range(40):
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(agent.socket_path))
        if n % 4 == 0:
            client.sendall(bytes(range(256)) * 8)
        elif n % 4 == 1:
            client.sendall(b'{"v": 1, "type": "login", "mode":')
        elif n % 4 == 2:
            client.sendall(b"}}}\n" * 500)
        noisy.append(client)
    try:
        with ShellClient(agent.socket_path, timeout=5) as shell:
            started = time.monotonic()
            assert shell.request("ping").ok
            assert shell.hello().state is State.WAITING
            assert time.monotonic() - started < 5
    finally:
        for client in noisy:
            client.close()
    with ShellClient(agent.socket_path, timeout=5) as shell:
        assert shell.request("ping").ok


def test_a_client_that_never_reads_is_dropped(agent: AgentProcess) -> None:
    greedy = socket.socket(socket.AF_UNIX)
    greedy.connect(str(agent.socket_path))
    greedy.settimeout(10)
    ping = b'{"v": 1, "type": "ping", "id": 1}\n' * 1000
    dropped = False
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:  # replies pile up on the agent's side
            greedy.sendall(ping)
    except OSError:
        dropped = True
    finally:
        greedy.close()
    assert dropped, "the agent kept queueing replies for a client that does not read"
    agent.wait_event("client_dropped")
    with ShellClient(agent.socket_path) as shell:
        assert shell.request("ping").ok


def test_every_shell_gets_the_views(agent: AgentProcess) -> None:
    with ShellClient(agent.socket_path) as one, ShellClient(agent.socket_path) as two:
        one.hello()
        two.hello()
        one.start_session(language="tr")
        assert two.wait_view(lambda v: v.state is State.ACTIVE).language == "tr"
        assert two.request("end_session").ok
        one.wait_view(lambda v: v.state is State.DONE)


class _BuggyWiper(SandboxWiper):
    def prepare(self) -> None:
        raise RuntimeError("a bug in the wiper")


def test_a_bug_in_a_handler_is_an_internal_error_not_a_crash(
    caplog: pytest.LogCaptureFixture,
) -> None:
    harness = AgentThread()
    harness.wiper = _BuggyWiper(
        harness.config.home_dir, harness.config.skeleton_dir, harness.config.journal_path
    )
    with harness, ShellClient(harness.socket_path) as shell:
        shell.hello()
        assert shell.request("login", mode="walk_in", language="fr").ok
        rules = shell.wait_view(lambda v: v.state is State.RULES)
        reply = shell.request("accept_rules", rules_version=rules.rules_version, language="fr")
        assert not reply.ok and reply.error is not None and reply.error.code == "internal"
        assert shell.request("ping").ok
        assert harness.engine_state() is State.RULES, "no session started on a failed prepare"
    failures = [r for r in caplog.records if getattr(r, "event", None) == "handler_failed"]
    assert failures and failures[0].exc_info is not None, "the bug is logged with its traceback"


def test_a_second_agent_on_the_same_pc_refuses_to_start(
    spawn_agent: Callable[..., AgentProcess], agent: AgentProcess
) -> None:
    with ShellClient(agent.socket_path) as shell:
        shell.hello()
        shell.start_session()
        second = spawn_agent(expected_errors=["start_refused"])
        assert second.process.wait(20) == 2
        assert "already listening" in second.wait_event("start_refused")["reason"]
        assert shell.request("ping").ok
        assert shell.latest_view().state is State.ACTIVE


@pytest.fixture(scope="module")
def quiet_kiosk() -> Iterator[AgentThread]:
    """One in-process agent shared by the generated cases below."""
    with AgentThread() as harness:
        yield harness


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.binary(min_size=1, max_size=300).filter(lambda b: b"\n" not in b and b.strip(b"\r")),
        min_size=1,
        max_size=8,
    )
)
def test_any_line_gets_exactly_one_answer(quiet_kiosk: AgentThread, lines: list[bytes]) -> None:
    with ShellClient(quiet_kiosk.socket_path, timeout=5) as client:
        for line in lines:
            client.send_line(line)
        answered = 0
        last = client.send("ping")
        while True:
            reply = client.receive()
            if isinstance(reply, Reply) and reply.re == last:
                break
            answered += isinstance(reply, Reply)
    assert answered == len(lines)
    assert quiet_kiosk.engine_state() is State.WAITING
