"""A program the visitor opens never covers the session bar.

As in production: a private Xvfb is the visitor's X display, ``epn-kiosk session
--window-manager RC`` runs Openbox with the kiosk's rc.xml and the shell (xcb) beside the
real agent (sandbox). A real program window (a small Qt window, as LibreOffice or Firefox
would be) opens maximised under the bar: the window manager keeps it out of the strip the
bar reserves; the bar stays on top of it, even when the program is raised, and takes
clicks; a panel that needs an answer covers the program.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.processes import start_session_program, wait_for

from kiosk.agent.testing import AgentProcess, ShellClient, open_all_day_data
from kiosk.core import State
from kiosk.demo_room import private_xvfb
from kiosk.shell.theme import Theme
from kiosk.shell.wm import openbox_rc

pytestmark = pytest.mark.slow

WIDTH, HEIGHT = 1024, 768

PROGRAM = """
import sys
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
letter = QLabel("Lettre")
letter.setWindowTitle(sys.argv[1])
letter.resize(400, 300)
letter.show()
app.exec()
"""


def x(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=20, check=False)
    return done.stdout


def geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    """x, y, width, height of ``window``'s frame (its title bar included), on the screen."""
    info = x(env, "xwininfo", "-frame", "-id", window)
    fields = {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in info.splitlines())
        if value
    }
    return (
        int(fields["Absolute upper-left X"]),
        int(fields["Absolute upper-left Y"]),
        int(fields["Width"]),
        int(fields["Height"]),
    )


def frame(env: dict[str, str], window: str) -> int:
    """The top-level window holding ``window`` (the window manager's frame around it)."""
    current = int(window)
    while True:
        tree = x(env, "xwininfo", "-tree", "-id", str(current))
        root = int(tree.split("Root window id: ")[1].split()[0], 16)
        parent = int(tree.split("Parent window id: ")[1].split()[0], 16)
        if parent == root:
            return current
        current = parent


def window_at(env: dict[str, str], px: int, py: int) -> int:
    """The top-level window under the screen point (what a click there reaches)."""
    x(env, "xdotool", "mousemove", str(px), str(py))
    out = x(env, "xdotool", "getmouselocation", "--shell")
    return int(dict(line.split("=", 1) for line in out.split())["WINDOW"])


def maximised(env: dict[str, str], window: str) -> bool:
    state = x(env, "xprop", "-id", window, "_NET_WM_STATE")
    return "_NET_WM_STATE_MAXIMIZED_VERT" in state and "_NET_WM_STATE_MAXIMIZED_HORZ" in state


@pytest.fixture
def display() -> Iterator[dict[str, str]]:
    """A private Xvfb as the visitor's X display, stopped by its pid at the end."""
    tools = ("Xvfb", "openbox", "xdotool", "xwininfo", "xprop")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (installed by installer/dev.sh)")
    with private_xvfb(f"{WIDTH}x{HEIGHT}") as number:
        assert number, "Xvfb did not start"
        env = dict(os.environ, DISPLAY=number, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        yield env


def test_a_maximised_program_leaves_the_bar_visible_and_clickable(
    display: dict[str, str], kiosk_dir: Path
) -> None:
    import yaml

    data = open_all_day_data()
    data["launcher"] = {"apps": []}  # straight to the bar: the program is started here
    policy = kiosk_dir / "policy.yaml"
    policy.write_text(yaml.safe_dump(data), encoding="utf-8")
    rc = kiosk_dir / "openbox-rc.xml"
    rc.write_text(openbox_rc(), encoding="utf-8")
    agent = AgentProcess(kiosk_dir, ["--policy", str(policy)]).wait_listening()
    session = start_session_program(
        kiosk_dir / "kiosk.sock", kiosk_dir / "session.log", display, "--window-manager", str(rc)
    )
    program: subprocess.Popen[bytes] | None = None
    try:
        agent.wait_event("shell_connected", client="shell")
        shell = wait_for(
            "the shell's window",
            lambda: x(display, "xdotool", "search", "--onlyvisible", "--name", "^EPN$"),
        ).split(maxsplit=1)[0]
        with ShellClient(kiosk_dir / "kiosk.sock") as visitor:
            visitor.hello()
            view = visitor.start_session("walk_in", "fr")
            assert view.state is State.ACTIVE
        bar_height = Theme().bar_height
        wait_for("the bar", lambda: geometry(display, shell)[3] == bar_height)
        assert geometry(display, shell) == (0, 0, WIDTH, bar_height)

        program = subprocess.Popen([sys.executable, "-c", PROGRAM, "Lettre - Writer"], env=display)
        found = wait_for(
            "the program's window",
            lambda: x(display, "xdotool", "search", "--onlyvisible", "--name", "^Lettre - Writer$"),
        )
        letter = found.split()[0]
        wait_for("the program maximised", lambda: maximised(display, letter))
        left, top, width, height = geometry(display, letter)
        # The program takes the whole screen under the bar, and nothing of the bar.
        assert top >= bar_height, (left, top, width, height)
        assert (left, width) == (0, WIDTH)
        assert top + height == HEIGHT

        # Raised and focused, as after a click in it: the bar is still on top of it.
        x(display, "xdotool", "windowactivate", "--sync", letter)
        for px in (5, WIDTH // 2, WIDTH - 5):
            assert window_at(display, px, bar_height // 2) == frame(display, shell)
        assert window_at(display, WIDTH // 2, HEIGHT // 2) == frame(display, letter)

        # A click on the bar reaches the shell (the window manager's own click bindings
        # must not eat it): "Terminer ma session", left of the read-aloud button at the
        # bar's end, asks "end your session?" in a panel over the program.
        x(display, "xdotool", "mousemove", str(WIDTH - 250), str(bar_height // 2), "click", "1")
        panel = Theme().panel_height
        wait_for("the 'end your session?' panel", lambda: geometry(display, shell)[3] == panel)
        assert window_at(display, WIDTH // 2, panel // 2) == frame(display, shell)
    finally:
        if program is not None:
            program.terminate()
            program.wait(10)
        session.terminate()
        session.wait(20)
        agent.terminate()


def test_tapping_an_open_programs_tile_brings_it_back_instead_of_a_second_one(
    display: dict[str, str], kiosk_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The visitor went to another program; their letter's tile brings the letter back."""

    from kiosk.shell.launcher import DetachedStarter
    from policies import Language

    for key in ("DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.setenv(key, display[key])
    rc = kiosk_dir / "openbox-rc.xml"
    rc.write_text(openbox_rc(), encoding="utf-8")
    wm = subprocess.Popen(["openbox", "--config-file", str(rc)], env=display)
    script = kiosk_dir / "program.py"
    script.write_text(PROGRAM, encoding="utf-8")
    letter_line = f"{sys.executable} {script} Lettre"
    web_line = f"{sys.executable} {script} Internet"
    starter = DetachedStarter()
    started: list[str] = []

    def windows(title: str) -> list[str]:
        found = x(display, "xdotool", "search", "--onlyvisible", "--name", f"^{title}$")
        return found.split()

    def active() -> str:
        return x(display, "xdotool", "getactivewindow").strip()

    try:
        assert starter.start(letter_line, Language.FR)
        letter = str(wait_for("the letter", lambda: windows("Lettre")[:1] and windows("Lettre")))
        started += windows("Lettre")
        assert starter.start(web_line, Language.FR)
        wait_for("the web page", lambda: windows("Internet"))
        started += windows("Internet")
        wait_for("the web page in front", lambda: active() == windows("Internet")[0])

        assert starter.start(letter_line, Language.FR)  # the tile again
        wait_for("the letter in front", lambda: active() == windows("Lettre")[0])
        assert len(windows("Lettre")) == 1, f"a second letter window: {letter}"
    finally:
        for window in started:
            x(display, "xdotool", "windowkill", window)
        wm.terminate()
        wm.wait(10)
