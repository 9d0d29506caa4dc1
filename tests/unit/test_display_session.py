"""The shell tells the agent which desktop it runs in; a restarted X server is another one."""

from __future__ import annotations

import socket
from pathlib import Path

from kiosk.shell.display import display_session


def _listen(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def test_logind_names_the_session() -> None:
    assert display_session({"XDG_SESSION_ID": "c7", "DISPLAY": ":0"}) == "logind:c7"


def test_a_restarted_x_server_is_another_desktop(tmp_path: Path) -> None:
    env = {"DISPLAY": ":5.0"}
    first = _listen(tmp_path / "X5")
    before = display_session(env, tmp_path)
    assert before is not None and before.startswith("x11:5:")
    assert display_session(env, tmp_path) == before, "the same desktop reads the same"
    first.close()
    (tmp_path / "X5").unlink()
    second = _listen(tmp_path / "X5")
    try:
        assert display_session(env, tmp_path) not in (None, before)
    finally:
        second.close()


def test_no_display_or_a_remote_one_cannot_be_told(tmp_path: Path) -> None:
    assert display_session({}, tmp_path) is None
    assert display_session({"DISPLAY": "host:0"}, tmp_path) is None
    assert display_session({"DISPLAY": ":9"}, tmp_path) is None  # no socket there
