"""An event the console refuses for good (its values out of the protocol's bounds: written
by an older agent, or by hand) does not stay in a real agent's outbox forever, resent at
every connection: the console's error frame names it, the agent forgets it, logs why, and
the events after it reach the console as before."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.console_server import ConsoleServer
from helpers.kiosk_agent import AgentThread, ShellClient

from admin_console.server.auth import Role
from kiosk.agent.config import AgentConfig
from kiosk.agent.enroll import enroll
from kiosk.agent.link import LinkOptions
from kiosk.agent.store import outbox

FAST = LinkOptions(backoff_initial=0.05, backoff_cap=0.4, status_min_interval=0.05, open_timeout=5)
REFUSED_ID = "refused-event-0001"


@pytest.fixture
def short_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="epnr"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _absurd_frame() -> str:
    body = {
        "kind": "session_started",
        "session_id": "absurd-session-01",
        "login": "walk_in",
        "language": "fr",
        "rules_version": "1",
        "seconds": 10**15,
    }
    at = "2026-03-02T10:00:00Z"
    return json.dumps({"v": 1, "type": "event", "id": REFUSED_ID, "at": at, "body": body})


def test_an_event_the_console_refuses_is_forgotten_and_the_next_ones_go_on(
    short_dir: Path, tmp_path: Path
) -> None:
    with ConsoleServer(tmp_path / "console", tls=True) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        with server.client(admin) as http:
            code = http.post("/api/pairing-codes").json()["code"]
        config = AgentConfig(data_dir=short_dir, sandbox=True)
        enroll(server.url, code, name="PC-07", location="", config=config, say=lambda _t: None)
        with AgentThread(data_dir=short_dir, agent_options={"link_options": FAST}) as agent:
            agent.wait_until(lambda: agent.agent.link is not None and agent.agent.link.connected)
            store = agent.agent.store
            with store._engine.begin() as connection:
                connection.execute(
                    sa.insert(outbox),
                    {
                        "event_id": REFUSED_ID,
                        "created_at": dt.datetime.now(dt.UTC),
                        "frame": _absurd_frame(),
                        "sent_count": 0,
                    },
                )
            with ShellClient(agent.socket_path) as shell:
                shell.hello()
                shell.start_session()  # new events wake the link, after the absurd one
            agent.wait_until(lambda: store.outbox_size() == 0, 10, "the outbox emptied")
        kinds = [e.kind for e in server.console.repos.events.page(limit=50, offset=0).items]
        assert kinds.count("session_started") == 1
        assert REFUSED_ID not in {
            e.event_id for e in server.console.repos.events.page(limit=50, offset=0).items
        }
