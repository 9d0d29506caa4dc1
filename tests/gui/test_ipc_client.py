"""The client talks JSON lines to the agent and reconnects by itself when it goes away."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.shell_scenes import sample_view
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from kiosk.core.model import State
from kiosk.core.protocol import Activity, Reply, encode
from kiosk.shell.ipc_client import AgentClient


class TinyAgent:
    """A local server that records the lines it gets and can push lines back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.server = QLocalServer()
        self.sockets: list[QLocalSocket] = []
        self.lines: list[dict] = []
        self.server.newConnection.connect(self._accept)

    def listen(self) -> None:
        QLocalServer.removeServer(str(self.path))
        assert self.server.listen(str(self.path)), self.server.errorString()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            self.sockets.append(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            self.lines.append(json.loads(bytes(socket.readLine().data())))

    def push(self, data: bytes) -> None:
        for socket in self.sockets:
            socket.write(data)
            socket.flush()

    def go_away(self) -> None:
        for socket in self.sockets:
            socket.abort()
        self.sockets.clear()
        self.server.close()


def test_client_says_hello_and_gets_views(qtbot, tmp_path: Path) -> None:
    agent = TinyAgent(tmp_path / "agent.sock")
    agent.listen()
    client = AgentClient(str(agent.path))
    with qtbot.waitSignal(client.connectionChanged, timeout=3000) as connected:
        client.start()
    assert connected.args == [True]
    qtbot.waitUntil(lambda: [line["type"] for line in agent.lines] == ["hello"])
    with qtbot.waitSignal(client.viewChanged, timeout=3000) as pushed:
        agent.push(encode(sample_view(State.WAITING)))
    assert pushed.args[0].state is State.WAITING
    client.stop()


def test_a_reply_reaches_its_callback_and_bad_lines_are_skipped(qtbot, tmp_path: Path) -> None:
    agent = TinyAgent(tmp_path / "agent.sock")
    agent.listen()
    client = AgentClient(str(agent.path))
    with qtbot.waitSignal(client.connectionChanged, timeout=3000):
        client.start()
    replies: list[Reply] = []
    request_id = client.send(Activity, on_reply=replies.append)
    assert request_id is not None
    qtbot.waitUntil(lambda: any(line["type"] == "activity" for line in agent.lines))
    bad = b"not json\n" + b'{"v": 1, "type": "nonsense"}\n' + b"x" * 70_000 + b"\n"
    agent.push(bad + encode(Reply(re=request_id, ok=True)))
    qtbot.waitUntil(lambda: len(replies) == 1)
    assert replies[0].ok
    with qtbot.waitSignal(client.viewChanged, timeout=3000):
        agent.push(encode(sample_view(State.WAITING)))
    client.stop()


def test_client_reconnects_when_the_agent_goes_away_and_comes_back(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "agent.sock"
    client = AgentClient(str(path))
    client.start()  # nobody there yet: the client keeps trying
    agent = TinyAgent(path)
    with qtbot.waitSignal(client.connectionChanged, timeout=3000) as connected:
        agent.listen()
    assert connected.args == [True]
    pending: list[Reply] = []
    client.send(Activity, on_reply=pending.append)
    with qtbot.waitSignal(client.connectionChanged, timeout=3000) as lost:
        agent.go_away()
    assert lost.args == [False]
    # A request left unanswered is told the agent is gone, so the screen never hangs.
    assert [reply.error.code for reply in pending if reply.error] == ["not_connected"]
    again = TinyAgent(path)
    with qtbot.waitSignal(client.connectionChanged, timeout=5000) as back:
        again.listen()
    assert back.args == [True]
    qtbot.waitUntil(lambda: [line["type"] for line in again.lines] == ["hello"])
    client.stop()


def test_sending_without_the_agent_refuses_at_once(qtbot, tmp_path: Path) -> None:
    client = AgentClient(str(tmp_path / "nobody.sock"))
    replies: list[Reply] = []
    assert client.send(Activity, on_reply=replies.append) is None
    assert replies[0].error is not None and replies[0].error.code == "not_connected"
