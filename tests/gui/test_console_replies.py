"""An answer of the console that is not what the API declares (another version of the
console, a proxy that rewrote it) becomes the window's usual sentence, never a traceback,
and what the window showed stays as it was. The answers are a real console's, changed on
the way by a small HTTP proxy in between."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from console_support import WAIT_MS
from helpers.answer_proxy import Tamper, proxy
from helpers.console_server import ConsoleServer, StaffLogin

from admin_console.gui import i18n
from admin_console.gui.client import Endpoint
from admin_console.gui.controller import ConsoleController
from admin_console.server.auth import Role


def _with_tickets(server: ConsoleServer, count: int) -> StaffLogin:
    """An animator, who made ``count`` tickets for three days."""
    nadia = server.add_staff("nadia", Role.ANIMATOR)
    with server.client(nadia) as http:
        until = (server.clock.now() + dt.timedelta(days=3)).isoformat()
        body = {"count": count, "minutes": 60, "valid_until": until}
        http.post("/api/tickets", json=body).raise_for_status()
    return nadia


def _window_controller(url: str, staff: StaffLogin) -> ConsoleController:
    """The window's controller on ``url``, with ``staff``'s token (no room socket)."""
    controller = ConsoleController(Endpoint.parse(url, None, insecure_http=True), i18n.FR)
    controller.client.token = staff.token
    return controller


def test_a_ticket_list_the_window_cannot_read_is_said_in_a_sentence(
    qtbot: Any, tmp_path: Path
) -> None:
    with ConsoleServer(tmp_path) as server:
        nadia = _with_tickets(server, 2)
        tamper: list[Tamper] = []
        with proxy(server.url, tamper) as url:
            controller = _window_controller(url, nadia)
            desk = controller.tickets
            with qtbot.waitSignal(desk.listed, timeout=WAIT_MS):
                desk.load()
            assert len(desk.rows) == 2  # through the proxy, untouched: read as it came
            # A console that calls a ticket's state by a word this window does not know.
            tamper.append(
                lambda path, data: (
                    [{**t, "state": "lost"} for t in data]
                    if path.startswith("/api/tickets")
                    else data
                )
            )
            with qtbot.waitSignal(desk.failed, timeout=WAIT_MS) as failed:
                desk.load()
            assert failed.args == [i18n.text("net.bad_reply", i18n.FR)]
            assert "comprend pas" in failed.args[0]
            assert [t.state for t in desk.rows] == ["unused", "unused"]  # kept, not half-read
            # One without a field the window needs.
            tamper[:] = [lambda path, data: {"tickets": [{"ref": "T-1"}]}]
            with qtbot.waitSignal(desk.failed, timeout=WAIT_MS) as failed:
                desk.create(1, 60, server.clock.now() + dt.timedelta(days=3), 0)
            assert failed.args == [i18n.text("net.bad_reply", i18n.FR)]
            assert desk.issued == [] and not desk.unprinted


def test_a_list_asked_twice_shows_the_last_one_asked_whatever_answer_comes_last(
    qtbot: Any, tmp_path: Path
) -> None:
    """Staff choose "used" while the full list is still on its way (the batch just made
    asks for it): the slow full list, answered last, must not replace the used ones."""
    with ConsoleServer(tmp_path) as server:
        nadia = _with_tickets(server, 3)
        full_list_sent = threading.Event()

        def slow_full_list(path: str, data: Any) -> Any:
            if path == "/api/tickets":  # no state asked: every ticket
                full_list_sent.wait(timeout=10)
            return data

        with proxy(server.url, [slow_full_list]) as url:
            desk = _window_controller(url, nadia).tickets
            desk.load()  # every ticket, held back by the proxy
            with qtbot.waitSignal(desk.listed, timeout=WAIT_MS):
                desk.load("used")
            assert desk.rows == [] and desk.state_filter == "used"
            full_list_sent.set()  # the first answer now comes, last
            with qtbot.assertNotEmitted(desk.listed, wait=1000):
                pass
            assert desk.rows == []  # still the used tickets: none
