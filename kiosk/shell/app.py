"""``epn-kiosk shell``: the visitor's face of the kiosk agent.

Builds the object graph in one place (client, speaker, controller, window), starts Qt and
returns its exit code.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time

# The protocol (and pydantic with it) loads before PySide6: shiboken's import hook breaks
# pydantic's lazy imports when pydantic comes second.
import kiosk.core.protocol  # noqa: F401

FIRST_SCREEN_ENV = "EPN_KIOSK_FIRST_SCREEN_MARKER"
"""Set to 1 to print ``first-screen <monotonic>`` like ``--first-screen-marker``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The shell's command-line options; ``args.run(args)`` starts it."""
    parser.add_argument("--socket", required=True, metavar="PATH", help="the agent's unix socket")
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="a 1280×800 window instead of full screen (a demo on a desktop)",
    )
    parser.add_argument(
        "--first-screen-marker",
        action="store_true",
        help="print 'first-screen <time.monotonic()>' once the first screen is painted",
    )
    parser.add_argument(
        "--screen-marker",
        action="store_true",
        help="print 'screen <name> <time.monotonic()>' each time another screen is shown",
    )
    parser.set_defaults(run=run)


def _print_marker() -> None:
    print(f"first-screen {time.monotonic()}", flush=True)


def run(args: argparse.Namespace) -> int:
    """Start the shell and run until Qt quits; returns the exit code."""
    # Qt is imported here so that ``epn-kiosk agent`` never loads it.
    from PySide6.QtCore import QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from epn_shared.qt_texts import QtOwnTexts  # noqa: PLC0415
    from kiosk.shell.idle import SessionInputWatcher, X11IdleSource  # noqa: PLC0415
    from kiosk.shell.speaker import default_speaker  # noqa: PLC0415
    from kiosk.shell.window import InputWatcher, KeepOnTop, shell_on_agent  # noqa: PLC0415

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("epn-kiosk-shell")

    speaker = default_speaker()
    client, shell, window = shell_on_agent(args.socket, speaker, windowed=args.windowed)
    # Qt's own words (a file dialog's buttons) follow the language the screens are drawn in.
    qt_texts = QtOwnTexts(app)
    qt_texts.use(shell.language, shell.language.about.locale)
    shell.changed.connect(lambda: qt_texts.use(shell.language, shell.language.about.locale))
    watcher = InputWatcher(shell)
    app.installEventFilter(watcher)
    # Input to the browser and other programs counts too (X11); see kiosk.shell.idle.
    x11_idle = X11IdleSource.open() if app.platformName() == "xcb" else None
    if x11_idle is not None:
        session_input = SessionInputWatcher(x11_idle, shell.user_input, app)
        session_input.start()
    # A kiosk's screen (not a demo's window): no program window may cover the shell's.
    on_top = KeepOnTop.start(window) if app.platformName() == "xcb" and not args.windowed else None
    if args.first_screen_marker or os.environ.get(FIRST_SCREEN_ENV) == "1":
        window.firstPainted.connect(_print_marker)
    if getattr(args, "screen_marker", False):
        shown: list[object] = [None]

        def _screen_changed() -> None:
            if shell.screen is not shown[0]:
                shown[0] = shell.screen
                print(f"screen {shell.screen.value} {time.monotonic()}", flush=True)

        shell.changed.connect(_screen_changed)

    # SIGTERM and Ctrl-C quit cleanly; the agent then decides what happens to the session.
    # exit(), not quit(): quit() asks the windows first, and the kiosk window refuses.
    signal.signal(signal.SIGTERM, lambda *_: app.exit(0))
    signal.signal(signal.SIGINT, lambda *_: app.exit(0))
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)

    window.show()
    client.start()
    code = app.exec()
    client.stop()
    speaker.stop()
    app.removeEventFilter(watcher)
    if x11_idle is not None:
        x11_idle.close()
    if on_top is not None:
        on_top.stop()
    return int(code)
