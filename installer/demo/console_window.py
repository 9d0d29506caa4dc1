"""The console GUI of the demo room, logged in as the demo animator at start.

``python -m installer.demo.console_window --url http://127.0.0.1:PORT --username NAME``
reads the password on stdin (never on the command line, where ``ps`` shows it). Plain HTTP
only: the demo's console listens on the loopback interface. SIGTERM and Ctrl+C close it.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Open the console window and log in; run until it closes or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m installer.demo.console_window")
    parser.add_argument("--url", required=True, help="the demo console, http://127.0.0.1:PORT")
    parser.add_argument("--username", required=True)
    parser.add_argument("--language", choices=["fr", "nl", "en"], default="fr")
    args = parser.parse_args(argv)
    password = sys.stdin.readline().rstrip("\n")

    # pydantic before PySide6 (see kiosk.shell.app).
    from PySide6.QtCore import QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from admin_console.gui.client import Endpoint  # noqa: PLC0415
    from admin_console.gui.controller import ConsoleController  # noqa: PLC0415
    from admin_console.gui.window import ConsoleWindow  # noqa: PLC0415
    from policies import Language  # noqa: PLC0415

    app = QApplication.instance() or QApplication(sys.argv[:1])
    controller = ConsoleController(
        Endpoint.parse(args.url, None, insecure_http=True), Language(args.language)
    )
    window = ConsoleWindow(controller)
    window.setWindowTitle(f"{window.windowTitle()} — demo")
    window.login.username.setText(args.username)
    window.show()
    controller.login(args.username, password)
    signal.signal(signal.SIGTERM, lambda *_: app.exit(0))
    signal.signal(signal.SIGINT, lambda *_: app.exit(0))
    wake = QTimer()  # Python runs signal handlers only between bytecodes
    wake.start(250)
    wake.timeout.connect(lambda: None)
    code = app.exec()
    controller.feed.stop()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
