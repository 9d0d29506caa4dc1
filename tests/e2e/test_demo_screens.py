"""With a display, each demo PC is a screen of its own: a Xephyr window named for the PC,
that PC's shell full screen in it, and the programs its visitor starts drawn in it.

The test's desktop is a private Xvfb (``DISPLAY`` points at it, as a developer's desktop
session would); the room's Xephyr windows open on it. A program the visitor opened is closed
at logout; killing a PC's screen brings it back with its shell; every process is stopped by
its pid at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.kiosk_agent import ShellClient
from helpers.processes import DEADLINE, demo_room, wait_for
from helpers.xvfb import private_xvfb

from installer.demo.room import PC_NAMES, SCREEN_SIZE, DemoRoom
from kiosk.core.model import State

pytestmark = pytest.mark.slow


def environ(pid: int) -> dict[str, str]:
    """The environment a shell started with (what the programs it starts inherit), once it
    runs the shell: just after the fork, the process still shows the room's own."""
    proc = Path(f"/proc/{pid}")
    wait_for("the shell to run", lambda: b"kiosk\0shell\0" in (proc / "cmdline").read_bytes())
    raw = (proc / "environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in raw if b"=" in entry)


def xdotool(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=20, check=False
    )


@pytest.fixture(scope="module")
def desktop() -> Iterator[str]:
    """A private Xvfb as the developer's desktop, stopped by its pid at the end."""
    missing = [tool for tool in ("Xvfb", "Xephyr", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (installed by installer/dev.sh demo)")
    with private_xvfb("3200x900") as display:
        if display is None:
            pytest.skip("Xvfb did not start")
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("DISPLAY", display)
            environment.delenv("WAYLAND_DISPLAY", raising=False)
            yield display


@pytest.fixture(scope="module")
def room(desktop: str) -> Iterator[DemoRoom]:
    """One room for the module; the test that kills a screen comes last."""
    with demo_room(printing=False) as running:
        yield running


def test_each_pc_is_its_own_screen_and_its_programs_open_in_it(
    desktop: str, room: DemoRoom
) -> None:
    assert set(room.displays) == set(PC_NAMES)
    assert len(set(room.displays.values())) == 3
    outer = dict(os.environ, DISPLAY=desktop)
    for name in PC_NAMES:
        # A window on the desktop named for the PC.
        assert xdotool(outer, "search", "--name", f"EPN Kiosk .* {name}").stdout.strip()
        shell = room.child(f"shell {name}")
        assert shell is not None and not shell.ended()
        # The programs the launcher starts inherit the shell's environment: this PC's
        # screen, its visitor home, its Firefox with the room's policies.
        env = environ(shell.pid)
        assert env["DISPLAY"] == room.displays[name]
        assert env["HOME"] == str(room.home(name))
        assert env["PATH"].split(os.pathsep)[0] == str(room.pc_dir(name) / "bin")
        # A program started so draws on the PC's 1024×768 screen, where the shell is full
        # screen; without the screen's cookie a program of another user is refused.
        assert xdotool(env, "getdisplaygeometry").stdout.split() == SCREEN_SIZE.split("x")

        def shell_window(env: dict[str, str] = env) -> bool:
            found = xdotool(env, "search", "--onlyvisible", "--name", "^EPN$").stdout.split()
            if not found:
                return False
            geometry = xdotool(env, "getwindowgeometry", found[0]).stdout
            return "Geometry: " + SCREEN_SIZE in geometry

        wait_for(f"{name}'s shell full screen on its screen", shell_window)
        stranger = dict(env, XAUTHORITY="/nonexistent")
        assert xdotool(stranger, "getdisplaygeometry").returncode != 0
    policies = room.pc_dir("PC-01") / "firefox" / "distribution" / "policies.json"
    if Path("/usr/lib/firefox-esr/firefox-esr").exists():
        assert '"DisablePrivateBrowsing": true' in policies.read_text()


APP = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
(Path.home() / "Documents" / "lettre.txt").write_text("Madame, Monsieur,")
window = QLabel("Lettre de motivation")
window.setWindowTitle("Lettre de motivation")
window.show()
sys.exit(app.exec())
"""


def test_a_program_the_visitor_opened_is_closed_and_its_file_erased_at_logout(
    room: DemoRoom,
) -> None:
    shell = room.child("shell PC-02")
    assert shell is not None
    env = environ(shell.pid)  # what the launcher gives the programs it starts
    with ShellClient(room.sockets["PC-02"], timeout=DEADLINE) as visitor:
        visitor.hello()
        visitor.start_session()
        app = subprocess.Popen([sys.executable, "-c", APP], env=env, cwd=env["HOME"])
        try:
            title = "^Lettre de motivation$"
            wait_for(
                "the program's window on PC-02's screen",
                lambda: bool(xdotool(env, "search", "--name", title).stdout.strip()),
            )
            letter = room.home("PC-02") / "Documents" / "lettre.txt"
            assert letter.is_file()

            assert visitor.request("end_session").ok
            wait_for("the program to be closed", lambda: (room.tend(), app.poll() is not None)[1])
            visitor.wait_view(lambda v: v.state is State.DONE and v.receipt is not None)
            assert not letter.exists()
            assert visitor.request("dismiss_receipt").ok
        finally:
            if app.poll() is None:
                app.kill()
            app.wait(10)
    assert not shell.ended() and room.child("shell PC-02") is shell


def test_a_pc_screen_that_dies_comes_back_with_its_shell(room: DemoRoom) -> None:
    screen = room.child("screen PC-01")
    shell = room.child("shell PC-01")
    others = {n: room.child(f"screen {n}") for n in PC_NAMES[1:]}
    assert screen is not None and shell is not None
    os.kill(screen.pid, signal.SIGKILL)

    def back() -> bool:
        room.tend()
        new_screen, new_shell = room.child("screen PC-01"), room.child("shell PC-01")
        return (
            new_screen is not None
            and new_shell is not None
            and new_screen.pid != screen.pid
            and new_shell.pid != shell.pid
            and not new_screen.ended()
            and not new_shell.ended()
        )

    wait_for("PC-01's screen and shell to start again", back)
    new_shell = room.child("shell PC-01")
    assert new_shell is not None
    assert environ(new_shell.pid)["DISPLAY"] == room.displays["PC-01"]
    assert not Path(f"/proc/{shell.pid}").exists()  # the old shell was stopped, not left
    for name, other in others.items():
        assert other is not None and room.child(f"screen {name}") is other and not other.ended()
