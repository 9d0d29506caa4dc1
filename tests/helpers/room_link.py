"""Real kiosk agents enrolled at a real console server, for the tests of the room link
(help calls, workshops, time left): each agent runs in its own thread on its own fake
clock, its link over plain ``ws://`` to the server in this process. The waits and the
console's requests below serve any test of PCs linked to a console (over TLS too)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.console_server import ConsoleServer, StaffLogin
from helpers.kiosk_agent import AgentThread, ShellClient

from kiosk.agent.link import ConsoleSettings, LinkOptions, save_console_settings
from kiosk.agent.secrets import KeyringTokens
from kiosk.core.model import State
from kiosk.core.protocol import View

FAST = LinkOptions(backoff_initial=0.05, backoff_cap=0.3, status_min_interval=0.05, open_timeout=5)


class LinkedRoom:
    """Enrolled PCs of one test; :meth:`close` stops them and removes their folders."""

    def __init__(self, server: ConsoleServer, admin: StaffLogin) -> None:
        self.server, self.admin = server, admin
        self.pcs: dict[str, AgentThread] = {}
        self.ids: dict[str, int] = {}
        self._folders: list[Path] = []

    def pc(self, name: str, **config: Any) -> AgentThread:
        """A PC enrolled at the console, started, its link up."""
        kiosk_id, token = self.server.enroll(self.admin, name)
        folder = Path(tempfile.mkdtemp(prefix="epn"))  # short: unix socket paths
        self._folders.append(folder)
        KeyringTokens(folder / "secrets", create=True).set(token)
        settings = ConsoleSettings(
            url=f"{self.server.ws_url}/ws/kiosk", kiosk_id=kiosk_id, name=name
        )
        save_console_settings(settings, folder / "console.json")
        agent = AgentThread(
            data_dir=folder,
            pc_name=name,
            agent_options={"link_options": FAST},
            config_options={"allow_insecure_link": True, **config},
        ).start()
        self.pcs[name] = agent
        self.ids[name] = kiosk_id
        wait_linked(agent)
        return agent

    def restart(self, name: str, *, reachable: bool = True) -> AgentThread:
        """Kill the PC's agent (its session resumes) and start it again, its link up, or
        pointed at a port where no console listens (``reachable=False``: the PC is offline)."""
        old = self.pcs[name]
        old.crash()
        url = f"{self.server.ws_url}/ws/kiosk" if reachable else "ws://127.0.0.1:9/ws/kiosk"
        settings = ConsoleSettings(url=url, kiosk_id=self.ids[name], name=name)
        save_console_settings(settings, old.data_dir / "console.json")
        agent = old.successor().start()
        self.pcs[name] = agent
        if reachable:
            wait_linked(agent)
        return agent

    def close(self) -> None:
        for agent in self.pcs.values():
            agent.stop()
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)


def wait_linked(agent: AgentThread, up: bool = True) -> None:
    """Wait until the PC's link to the console is up (or down)."""

    def linked() -> bool:
        link = agent.agent.link
        return link is not None and link.connected == up

    agent.wait_until(linked, 15, f"link {'up' if up else 'down'}")


def start_workshop(
    server: ConsoleServer,
    staff: StaffLogin,
    kiosk_ids: list[int],
    *,
    minutes: int,
    participants: int,
    title: str = "Atelier CV",
) -> tuple[int, dict[int, dict[str, Any]]]:
    """Staff start a workshop on these PCs from the console: its id and each PC's result
    (``ok``, and why not: ``code``, ``message``) by kiosk id."""
    body = {
        "kiosk_ids": kiosk_ids,
        "minutes": minutes,
        "title": title,
        "participants": participants,
    }
    with server.client(staff) as http:
        answer = http.post("/api/workshops", json=body)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    return made["id"], {r["kiosk_id"]: r for r in made["results"]}


def visitor(agent: AgentThread) -> ShellClient:
    """A shell on ``agent`` whose walk-in visitor accepted the rules."""
    shell = ShellClient(agent.socket_path)
    shell.hello()
    view = shell.start_session(language="fr", mode="walk_in")
    assert view.state is State.ACTIVE
    return shell


def ask_help(shell: ShellClient) -> View:
    """The visitor presses the help button; the view that says staff are coming."""
    assert shell.request("request_help").ok
    return shell.wait_view(lambda v: v.help_requested)


def eventually(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """Wait (real time; the fake clocks stay still) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.01)
