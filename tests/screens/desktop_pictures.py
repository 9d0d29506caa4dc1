"""Pictures of a demo PC's screen. Run from the repository root:

    .venv/bin/python tests/screens/desktop_pictures.py [FOLDER]

Runs the demo room on a private Xvfb (its own display number, stopped by its pid) with PC-01
as a Xephyr window, starts a visitor session, and saves what PC-01's screen shows as
``desktop-*.png`` in FOLDER (default ``docs/screenshots``): the launcher in French and in
Arabic, and the programs of the launcher open in the PC's window under its session bar
(Writer in French and in Arabic, the file manager). The programs are started by tapping
their tile on the launcher, as a visitor does: the shell starts them in the visitor's
language. Needs Xvfb, Xephyr, xdotool and the programs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the tests' shell client (helpers.kiosk_agent)

from helpers.kiosk_agent import ShellClient  # noqa: E402
from helpers.xvfb import private_xvfb  # noqa: E402

from installer.demo.room import SCREEN_SIZE, DemoRoom  # noqa: E402
from kiosk.core.model import State  # noqa: E402

GRAB = """
import sys
from PySide6.QtGui import QGuiApplication

app = QGuiApplication(sys.argv[:1])
if not QGuiApplication.primaryScreen().grabWindow(0).save(sys.argv[1]):
    sys.exit("could not save " + sys.argv[1])
"""


def _wait(what: str, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)


@contextmanager
def _desktop() -> Iterator[str]:
    """A private Xvfb as the desktop the room's windows open on."""
    with private_xvfb("1280x900") as display:
        if display is None:
            raise RuntimeError("Xvfb did not start")
        yield display


def _shell_env(room: DemoRoom, name: str) -> dict[str, str]:
    """The environment of ``name``'s running shell: what the launcher's programs get."""
    shell = room.child(f"shell {name}")
    assert shell is not None
    raw = Path(f"/proc/{shell.pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in raw if b"=" in entry)


def _windows(env: dict[str, str], title: str) -> list[str]:
    done = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.split()


def _grab(env: dict[str, str], path: Path) -> None:
    subprocess.run([sys.executable, "-c", GRAB, str(path)], env=env, check=True, timeout=60)
    print(f"  {path}")


TILES = {"libreoffice-writer": (512, 240), "file-manager": (512, 515)}
"""Where the launcher draws these programs' tiles on the PC's 1024×768 screen (the middle
column, in French and in Arabic alike) when the PC offers the demo's five programs."""


def _tap_tile(room: DemoRoom, env: dict[str, str], app_id: str, title: str, path: Path) -> None:
    """Tap a program's tile on PC-01's launcher, as a visitor does (the shell starts it in
    the visitor's language), picture the screen once its window is there, close it."""
    x, y = TILES[app_id]
    subprocess.run(
        ["xdotool", "mousemove", str(x), str(y), "click", "1"], env=env, check=True, timeout=20
    )
    try:
        _wait(f"{title} on PC-01's screen", lambda: bool(_windows(env, title)), timeout=90)
        time.sleep(4.0)  # the program finishes drawing its first window
        _grab(env, path)
    finally:
        room.close_programs("PC-01")


def take(out: Path) -> list[Path]:
    """Run the room, take the pictures, stop everything; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    folder = Path(tempfile.mkdtemp(prefix="epn-shots"))
    with _desktop() as display:
        os.environ["DISPLAY"] = display
        room = DemoRoom(folder, port=0, gui=False, shell_for=("PC-01",), say=lambda _: None)
        try:
            room.start()
            env = dict(_shell_env(room, "PC-01"), QT_QPA_PLATFORM="xcb")
            _wait("PC-01's shell on its screen", lambda: bool(_windows(env, "^EPN$")))
            with ShellClient(room.sockets["PC-01"], timeout=30) as visitor:
                visitor.hello()
                shots = [
                    ("ar", "libreoffice-writer", "LibreOffice Writer", "desktop-writer-ar.png"),
                    ("fr", "libreoffice-writer", "LibreOffice Writer", "desktop-writer.png"),
                    ("fr", "file-manager", "home", "desktop-files.png"),
                ]
                shown: set[str] = set()
                for language, app_id, title, name in shots:
                    view = visitor.start_session(language=language)
                    time.sleep(1.0)  # the shell draws the launcher; nothing tells from outside
                    if language not in shown:
                        shown.add(language)
                        path = out / f"desktop-launcher-{language}.png"
                        _grab(env, path)
                        written.append(path)
                    if app_id in {app.id for app in view.apps}:
                        _tap_tile(room, env, app_id, title, out / name)
                        written.append(out / name)
                    else:
                        print(f"  ({app_id} is not installed: no {name})")
                    assert visitor.request("end_session").ok
                    visitor.wait_view(lambda v: v.state is State.DONE)
                    assert visitor.request("dismiss_receipt").ok
                    visitor.wait_view(lambda v: v.state is State.WAITING)
        finally:
            room.stop()
            shutil.rmtree(folder, ignore_errors=True)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Take the pictures into the folder given (docs/screenshots by default)."""
    parser = argparse.ArgumentParser(prog="tests/screens/desktop_pictures.py")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    missing = [tool for tool in ("Xvfb", "Xephyr", "xdotool") if shutil.which(tool) is None]
    if missing:
        print(f"needs {', '.join(missing)}", file=sys.stderr)
        return 2
    print(f"PC-01's screen ({SCREEN_SIZE}):")
    take(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
