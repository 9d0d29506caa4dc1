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
from typing import Any

import pytest
from helpers.kiosk_agent import (
    AgentProcess,
    AgentThread,
    ShellClient,
    open_all_day_data,
    open_all_day_policy,
)
from helpers.processes import start_session_program, wait_for
from helpers.xvfb import private_xvfb

from kiosk.core import State
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
    # Programs started before Openbox manages the screen are adopted by it later, in its own
    # order: the web page may then never come to the front. Openbox names itself on the root
    # window (EWMH) once it manages it.
    wait_for(
        "Openbox managing the screen",
        lambda: "window id" in x(display, "xprop", "-root", "_NET_SUPPORTING_WM_CHECK"),
    )
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


# -- a program that tries to cover the bar ------------------------------------------------

ATTACKER = """
import sys
from PySide6.QtCore import QSocketNotifier, Qt
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
title = sys.argv[1]
window = QLabel(title)
window.setWindowTitle(title)
window.resize(400, 300)
done = 0


def attack(what):
    handle = window.windowHandle()
    if what == "full-screen":  # F11 in Firefox, full screen in LibreOffice or Evince
        window.showFullScreen()
    elif what == "above":  # "always on top", as a video player offers it
        handle.setFlags(handle.flags() | Qt.WindowType.WindowStaysOnTopHint)
    elif what == "cover":  # a frameless window the size of the screen (old-style full screen)
        handle.setFlags(handle.flags() | Qt.WindowType.FramelessWindowHint)
        window.showNormal()
        window.setGeometry(window.screen().geometry())
    elif what == "cover-fixed":  # the same, of a size of its own (a game's): never maximised
        handle.setFlags(handle.flags() | Qt.WindowType.FramelessWindowHint)
        window.showNormal()
        window.setFixedSize(window.screen().size())
        handle.setPosition(0, 0)
    elif what == "move":  # its window moved to the top of the screen
        window.showNormal()
        window.move(0, 0)


def command():
    global done
    attack(sys.stdin.readline().strip())
    done += 1
    # After the request, on the same connection: once the window manager shows this title,
    # it has handled the request too.
    window.setWindowTitle(f"{title} {done}")


notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
notifier.activated.connect(command)
if sys.argv[2:] == ["full-screen"]:
    window.showFullScreen()  # a program that remembers it was full screen last time
else:
    window.show()
app.exec()
"""


class Desktop:
    """A visitor's X session as in production (``epn-kiosk session --window-manager RC``)
    on a private Xvfb, beside a real agent on a fake clock, with a session running."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        policy = open_all_day_policy(length_minutes=15, idle_timeout_minutes=240)
        launcher = policy.launcher.model_copy(update={"apps": ()})  # straight to the bar
        self.agent = AgentThread(policy=policy.model_copy(update={"launcher": launcher}))
        self.programs: list[subprocess.Popen[Any]] = []
        self.log_path = folder / "session.log"
        self.session: subprocess.Popen[bytes] | None = None
        self.shell = ""

    def start(self) -> Desktop:
        self.agent.start()
        rc = self.folder / "openbox-rc.xml"
        rc.write_text(openbox_rc(), encoding="utf-8")
        self.session = start_session_program(
            self.agent.socket_path, self.log_path, self.env, "--window-manager", str(rc)
        )
        found = wait_for(
            "the shell's window",
            lambda: x(self.env, "xdotool", "search", "--onlyvisible", "--name", "^EPN$"),
            log=self.log_path,
        )
        self.shell = found.split()[0]
        with ShellClient(self.agent.socket_path) as visitor:
            visitor.hello()
            assert visitor.start_session("walk_in", "fr").state is State.ACTIVE
        return self

    def stop(self) -> None:
        for program in self.programs:
            program.terminate()
            program.wait(10)
        if self.session is not None:
            self.session.terminate()
            self.session.wait(20)
        self.agent.stop()

    def log(self) -> str:
        """What the session (its window manager and shell) wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_shell_height(self, height: int) -> None:
        wait_for(f"the shell {height} px high", lambda: geometry(self.env, self.shell)[3] == height)

    def warn_banner(self) -> None:
        """Move the clock to 10 minutes before the end; the warning banner shows over
        every program, the bar too."""
        self.agent.advance(minutes=5)
        banner = Theme().banner_height
        self.wait_shell_height(banner)
        assert self.on_top(0, banner), "a program hides the warning"

    def open(self, title: str, *argv: str) -> Attacker:
        program = subprocess.Popen(
            [sys.executable, "-c", ATTACKER, title, *argv],
            env=self.env,
            stdin=subprocess.PIPE,
            text=True,
        )
        self.programs.append(program)
        found = wait_for(
            f"the window of {title}",
            lambda: x(self.env, "xdotool", "search", "--onlyvisible", "--name", f"^{title}$"),
        )
        return Attacker(self, program, found.split()[0])

    def on_top(self, top: int, bottom: int) -> bool:
        """Whether the shell's window is what shows (and takes clicks) across the screen's
        width from ``top`` to ``bottom``."""
        shell = frame(self.env, self.shell)
        points = [(px, py) for px in (2, WIDTH // 2, WIDTH - 3) for py in (top + 1, bottom - 2)]
        return all(window_at(self.env, px, py) == shell for px, py in points)


class ProgramWindow:
    """A visitor's program's window on the desktop."""

    def __init__(self, desktop: Desktop, window: str) -> None:
        self.env = desktop.env
        self.window = window

    def states(self) -> str:
        return x(self.env, "xprop", "-id", self.window, "_NET_WM_STATE")

    def under_the_bar(self, bar_height: int, size: tuple[int, int] | None = None) -> bool:
        """Whether the window is where the kiosk puts it: maximised under the bar (or, of a
        fixed ``size``, starting under it), neither full screen nor above the others."""
        states = self.states()
        width, height = size or (WIDTH, HEIGHT - bar_height)
        return (
            "FULLSCREEN" not in states
            and "_NET_WM_STATE_ABOVE" not in states
            and geometry(self.env, str(frame(self.env, self.window)))
            == (0, bar_height, width, height)
        )


class Attacker(ProgramWindow):
    """A visitor's program (a real Qt window, :data:`ATTACKER`) told on its stdin to try
    something."""

    def __init__(self, desktop: Desktop, program: subprocess.Popen[str], window: str) -> None:
        super().__init__(desktop, window)
        self.program = program
        self.title = x(self.env, "xprop", "-id", window, "WM_NAME").split("=", 1)[1].strip()
        self.done = 0

    def attempt(self, what: str) -> None:
        """Ask the program to try ``what``; return once the window manager has had it."""
        assert self.program.stdin is not None
        self.program.stdin.write(what + "\n")
        self.program.stdin.flush()
        self.done += 1
        marker = f'"{self.title[1:-1]} {self.done}"'
        env, window = self.env, self.window
        wait_for(
            f"the window manager to have {what}",
            lambda: marker in x(env, "xprop", "-id", window, "_NET_WM_VISIBLE_NAME"),
        )


@pytest.fixture
def desktop(display: dict[str, str], kiosk_dir: Path) -> Iterator[Desktop]:
    running = Desktop(display, kiosk_dir)
    try:
        yield running.start()
    finally:
        running.stop()
    log = running.log()
    assert "Traceback" not in log and "stays over the session bar" not in log, log


@pytest.mark.parametrize("what", ["full-screen", "above", "cover", "cover-fixed"])
def test_a_program_that_tries_to_cover_the_bar_stays_under_it(desktop: Desktop, what: str) -> None:
    """F11, "always on top", a frameless window the size of the screen (of any size, or
    of its own): whatever the program asks, the bar keeps the top strip, and the program
    goes back under it."""
    bar = Theme().bar_height
    desktop.wait_shell_height(bar)
    program = desktop.open("Lettre - Writer")
    wait_for("the program maximised under the bar", lambda: program.under_the_bar(bar))

    x(desktop.env, "xdotool", "windowactivate", "--sync", program.window)  # the visitor's
    program.attempt(what)
    # A window of a fixed size cannot be maximised: it is moved down under the bar.
    size = (WIDTH, HEIGHT) if what == "cover-fixed" else None
    wait_for("the program back under the bar", lambda: program.under_the_bar(bar, size))
    assert desktop.on_top(0, bar), f"after {what!r}, the program covers the bar"
    # The visitor still works in the program, under the bar.
    assert window_at(desktop.env, WIDTH // 2, HEIGHT // 2) == frame(desktop.env, program.window)
    # 10 minutes left: the warning the shell shows over the program is not under it.
    desktop.warn_banner()


def test_a_program_that_starts_full_screen_opens_under_the_bar(desktop: Desktop) -> None:
    """A program that remembers it was full screen (a slide show, a browser in kiosk mode)
    opens maximised under the bar."""
    bar = Theme().bar_height
    desktop.wait_shell_height(bar)
    program = desktop.open("Diaporama", "full-screen")
    wait_for("the program maximised under the bar", lambda: program.under_the_bar(bar))
    assert desktop.on_top(0, bar)


def test_a_program_moved_to_the_top_of_the_screen_stays_under_the_bar(desktop: Desktop) -> None:
    bar = Theme().bar_height
    desktop.wait_shell_height(bar)
    program = desktop.open("Lettre - Writer")
    wait_for("the program maximised under the bar", lambda: program.under_the_bar(bar))
    x(desktop.env, "xdotool", "windowactivate", "--sync", program.window)
    program.attempt("move")
    assert geometry(desktop.env, program.window)[1] < bar, "the program did move over the strip"
    assert desktop.on_top(0, bar), "the program covers the bar"
    desktop.warn_banner()


def test_the_warnings_before_the_end_show_over_a_full_screen_program(desktop: Desktop) -> None:
    """The visitor is in a full-screen program when the end comes near: the warning banner,
    then the final countdown, show over it."""
    theme = Theme()
    desktop.wait_shell_height(theme.bar_height)
    program = desktop.open("Internet")
    wait_for("the program under the bar", lambda: program.under_the_bar(theme.bar_height))
    x(desktop.env, "xdotool", "windowactivate", "--sync", program.window)
    program.attempt("full-screen")

    desktop.warn_banner()
    desktop.agent.advance(minutes=9)  # 1 minute left: the final countdown
    desktop.wait_shell_height(theme.panel_height)
    assert desktop.on_top(0, theme.panel_height), "the program hides the final countdown"
    program.attempt("full-screen")
    assert desktop.on_top(0, theme.panel_height), "the program hides the final countdown"


@pytest.mark.skipif(shutil.which("firefox") is None, reason="needs Firefox")
def test_f11_in_firefox_leaves_the_bar_on_top(desktop: Desktop) -> None:
    """The visitor presses F11 in the browser: it stays under the bar, which shows the time
    left, the help button and the warnings."""
    bar = Theme().bar_height
    desktop.wait_shell_height(bar)
    page = desktop.folder / "page.html"
    page.write_text("<title>Page</title><h1>Une page</h1>", encoding="utf-8")
    profile = desktop.folder / "firefox"
    profile.mkdir()
    browser = subprocess.Popen(
        ["firefox", "--no-remote", "--profile", str(profile), page.as_uri()],
        env=dict(desktop.env, HOME=str(desktop.folder), MOZ_CRASHREPORTER_DISABLE="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    desktop.programs.append(browser)
    found = wait_for(
        "Firefox's window",
        lambda: x(desktop.env, "xdotool", "search", "--onlyvisible", "--name", "Page"),
        timeout=120,
    )
    window = found.split()[-1]
    firefox = ProgramWindow(desktop, window)
    wait_for("Firefox maximised under the bar", lambda: firefox.under_the_bar(bar))

    x(desktop.env, "xdotool", "windowactivate", "--sync", window)
    x(desktop.env, "xdotool", "key", "--window", window, "F11")
    wait_for(
        "the shell to see Firefox ask for full screen",
        lambda: f"window {int(window):#x} asked for full screen" in desktop.log(),
    )
    wait_for("Firefox back under the bar", lambda: firefox.under_the_bar(bar))
    assert desktop.on_top(0, bar), "Firefox covers the bar"
    desktop.warn_banner()
