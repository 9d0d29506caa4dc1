"""Pictures of the console GUI: ``python -m admin_console.gui.screenshots [OUTDIR]``.

Runs offscreen without a server: a sample room goes straight into the controller. Saves
``console-login.png``, ``console-login-error.png`` and ``console-room.png`` (PCs in every
state, one asking for help, two selected, the results of an extension) into
``docs/screenshots/`` by default.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from admin_console.gui.viewmodel import CommandResult, Outcome

SIZE = (1200, 780)


def _pc(pc_id: int, name: str, online: bool = True, **status: Any) -> dict[str, Any]:
    full: dict[str, Any] = {
        "state": "waiting",
        "seconds_left": None,
        "login": None,
        "pages_printed": 0,
        "help_requested": False,
        "locked": False,
        "at": "2025-03-01T10:00:00Z",
    }
    full.update(status)
    return {
        "id": pc_id,
        "name": name,
        "location": "Salle 1" if pc_id <= 6 else "Salle 2",
        "online": online,
        "revoked": False,
        "last_seen_at": "2025-03-01T09:41:00+00:00",
        "help_requested": full["help_requested"],
        "status": full if online else None,
    }


SAMPLE_ROOM = [
    _pc(1, "PC-01"),
    _pc(2, "PC-02", state="active", seconds_left=2280, login="walk_in"),
    _pc(3, "PC-03", state="active", seconds_left=1310, login="ticket", help_requested=True),
    _pc(4, "PC-04", state="warned", seconds_left=240, login="member"),
    _pc(5, "PC-05", locked=True),
    _pc(6, "PC-06", online=False),
    _pc(7, "PC-07", state="wiping"),
    _pc(8, "PC-08", state="rules", login="walk_in"),
    _pc(9, "PC-09", state="active", seconds_left=5400, login="workshop"),
    _pc(10, "PC-10", state="idle", seconds_left=900, login="walk_in"),
]


def main(argv: list[str] | None = None) -> int:
    """Render each screen into OUTDIR (default ``docs/screenshots``)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415 (after the platform is set)

    from admin_console.gui.client import Endpoint  # noqa: PLC0415
    from admin_console.gui.controller import ConsoleController  # noqa: PLC0415
    from admin_console.gui.window import ConsoleWindow  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    controller = ConsoleController(Endpoint.parse("https://console.epn.local:8443", "ab" * 32))
    window = ConsoleWindow(controller)
    window.resize(*SIZE)
    window.show()

    def save(name: str) -> None:
        app.processEvents()
        window.grab().save(str(out / f"console-{name}.png"))

    window.login.username.setText("nadia")
    save("login")
    controller.login_failed.emit(
        "Identifiant ou mot de passe incorrect. Après 5 essais, le compte est bloqué 15 minutes."
    )
    save("login-error")

    controller.logged_in.emit("nadia")
    controller.live_changed.emit(True)
    controller.set_room(SAMPLE_ROOM)
    controller.select([2, 4])
    controller.results = [
        CommandResult(2, "PC-02", "extend", 15, Outcome.DONE),
        CommandResult(4, "PC-04", "extend", 15, Outcome.REFUSED, "the session is ending"),
    ]
    controller.results_changed.emit()
    window.room.redraw()
    save("room")
    window.room.ask.ask("end")
    save("room-end")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
