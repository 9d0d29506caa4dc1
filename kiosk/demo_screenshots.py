"""Pictures of a demo PC's screen: ``python -m kiosk.demo_screenshots [FOLDER]``.

Runs the demo room on a private Xvfb (its own display number, stopped by its pid) with PC-01
as a Xephyr window, starts a visitor session, and saves what PC-01's screen shows as
``desktop-*.png`` in FOLDER (default ``docs/screenshots``): the launcher in French and in
Arabic, and the programs of the launcher open in the PC's window (Writer, the file
manager). The programs are started as the launcher starts them: the exec line the agent
sent, with the shell's own environment. Needs Xvfb, Xephyr, xdotool and the programs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kiosk.demo_room import SCREEN_SIZE, DemoRoom

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
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(10)


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


def _grab_program(
    room: DemoRoom, env: dict[str, str], exec_line: str, title: str, path: Path
) -> None:
    """Start a launcher program as the launcher does, picture PC-01's screen, close it."""
    from kiosk.shell.launcher import split_command  # noqa: PLC0415

    command = split_command(exec_line)
    assert command is not None
    program = subprocess.Popen(
        [command[0], *command[1]], env=env, cwd=env["HOME"], start_new_session=True
    )
    try:
        _wait(f"{title} on PC-01's screen", lambda: bool(_windows(env, title)))
        time.sleep(3.0)  # the program finishes drawing its first window
        _grab(env, path)
    finally:
        room.close_programs("PC-01")
        try:
            program.wait(20)
        except subprocess.TimeoutExpired:
            program.kill()
            program.wait()


def take(out: Path) -> list[Path]:
    """Run the room, take the pictures, stop everything; returns the files written."""
    from kiosk.agent.testing import ShellClient  # noqa: PLC0415
    from kiosk.core.model import State  # noqa: PLC0415

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
                for language in ("ar", "fr"):
                    view = visitor.start_session(language=language)
                    time.sleep(1.0)  # the shell draws the launcher; nothing tells from outside
                    path = out / f"desktop-launcher-{language}.png"
                    _grab(env, path)
                    written.append(path)
                    if language == "ar":
                        assert visitor.request("end_session").ok
                        visitor.wait_view(lambda v: v.state is State.DONE)
                        assert visitor.request("dismiss_receipt").ok
                        visitor.wait_view(lambda v: v.state is State.WAITING)
                apps = {app.id: app for app in view.apps}
                for app_id, title, picture in (
                    ("libreoffice-writer", "LibreOffice Writer", "desktop-writer.png"),
                    ("file-manager", "home", "desktop-files.png"),
                ):
                    if app_id not in apps:
                        print(f"  ({app_id} is not installed: no {picture})")
                        continue
                    _grab_program(room, env, apps[app_id].exec, title, out / picture)
                    written.append(out / picture)
                assert visitor.request("end_session").ok
                visitor.wait_view(lambda v: v.state is State.DONE)
        finally:
            room.stop()
            shutil.rmtree(folder, ignore_errors=True)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Take the pictures into the folder given (docs/screenshots by default)."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.demo_screenshots")
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
