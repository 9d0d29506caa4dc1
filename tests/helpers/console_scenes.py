"""The console window's screens, drawn from sample answers of the console that go straight
into the controllers (no server). The GUI tests check that each fits a small screen; the
pictures in ``docs/screenshots/`` are taken of them (``tests/screens/console_pictures.py``):
``console-login.png``, ``console-login-error.png``, ``console-room.png`` (PCs in every
state, the help queue, two selected, the results of an extension, a refusal said in
French), ``console-room-end.png``, ``console-room-workshop.png``, ``console-workshop-busy.png``
(the PCs that did not start the workshop, and why), ``console-tickets.png``,
``console-ticket-sheet.png`` (the first page of the printed PDF, French, Dutch and English)
and ``console-ticket-sheet-ar.png`` (the same in Arabic alone), ``console-members.png``,
``console-usage.png``, ``console-policy.png`` (with a refused field),
``console-policy-staff.png`` (the end of the form: the staff menu's language),
``console-policy-hours.png`` and ``console-policy-hours-rtl.png`` (the week's opening hours
with a wrong time said under its day, and a closure; then mirrored),
``console-policy-animator.png`` (read only, Arabic house rules, right to left) and
``console-room-rtl.png`` (the whole room mirrored), and the first-run assistant's steps:
``console-first-run.png`` (the EPN's name asked for), ``console-first-run-hours.png``
(a closing time before the opening said under its day), ``console-first-run-printing.png``,
``console-first-run-languages.png``, and two of them mirrored (``-rtl``); before the login,
``console-first-run-admin.png`` (the first admin account on a console with none, the second
password not the same) and its ``-rtl``; and ``console-first-run-printer.png`` (the printers
CUPS knows, one chosen, its test page accepted) with ``console-first-run-printer-cups.png``
(the console's CUPS not answering) and ``console-first-run-printer-rtl.png``, and the same
chooser in the policy tab, ``console-policy-printer.png``; ``console-pairing-code.png``
(a new PC's pairing code, as an admin shows it); the PCs' power: ``console-power-menu.png``
(a PC's menu on the room, Wake up greyed out on a PC that is on, a manager's Shut down
all and Wake up all), the questions ``console-power-restart.png`` (a visitor on the PC),
``console-power-shut-down-free.png``, ``console-power-wake.png``,
``console-power-shut-down-all.png`` (how many visitors lose their session) and
``console-power-wake-all.png`` (a PC whose card is not known), and
``console-power-results.png``;
the team, as a manager sees it:
``console-team.png`` (a colleague chosen, just made), ``console-team-new.png`` (a new
colleague's account, its username taken), ``console-team-self.png`` (one's own row: why the
role and "disable" are greyed), ``console-team-disable.png`` (the question before disabling);
and ``console-my-account.png`` (a guessable PIN said as typed, a password typed twice
differently) with ``console-my-account-pin.png`` (the PIN set);
the screens about sites are listed in :mod:`helpers.console_sites_scenes`.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from admin_console.gui import calls
from admin_console.gui.viewmodel import CommandResult, Outcome

SIZE = (1200, 780)
NOW = dt.datetime(2026, 11, 20, 14, 35, tzinfo=dt.UTC)


def sample_pc(pc_id: int, name: str, online: bool = True, **status: Any) -> dict[str, Any]:
    """A PC's tile (``KioskTile``) as the console sends it, waiting unless ``status`` says
    otherwise; PCs 1 to 6 are in Salle 1, the others in Salle 2."""
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
    sample_pc(1, "PC-01"),
    sample_pc(2, "PC-02", state="active", seconds_left=2280, login="walk_in"),
    sample_pc(3, "PC-03", state="active", seconds_left=1310, login="ticket", help_requested=True),
    sample_pc(4, "PC-04", state="warned", seconds_left=240, login="member"),
    sample_pc(5, "PC-05", locked=True),
    sample_pc(6, "PC-06", online=False),
    sample_pc(7, "PC-07", state="wiping"),
    sample_pc(8, "PC-08", state="rules", login="walk_in"),
    sample_pc(9, "PC-09", state="active", seconds_left=5400, login="workshop"),
    sample_pc(10, "PC-10", state="idle", seconds_left=900, login="walk_in"),
    sample_pc(
        12,
        "PC-12",
        state="active",
        seconds_left=1900,
        login="member",
        print_waiting="over_quota",
        print_job_id=41,
    ),
    {
        **sample_pc(11, "PC-11", online=False),
        "out_of_order": True,
        "out_of_order_reason": "Écran cassé",
    },
]
for _entry in SAMPLE_ROOM:
    _entry["policy_version"] = "3f9a1c2b7d10" if _entry["id"] != 4 else "0b7e55a1c3d2"
    # PC-08 missed its update: its tile says so whatever the session does.
    _entry["agent_version"] = "0.1.0" if _entry["id"] in (8, 9) else "0.2.0"
    _entry["left_behind"] = _entry["id"] in (8, 9)

HELP_QUEUE = [
    {
        "id": 1,
        "kiosk_id": 3,
        "kiosk_name": "PC-03",
        "requested_at": "2026-11-20T14:28:00+00:00",
        "waiting_seconds": 0,
        "taken_at": None,
        "taken_by": None,
        "done_at": None,
        "done_by": None,
        "accompanied_seconds": None,
    },
    {
        "id": 2,
        "kiosk_id": 8,
        "kiosk_name": "PC-08",
        "requested_at": "2026-11-20T14:20:00+00:00",
        "waiting_seconds": 180,
        "taken_at": "2026-11-20T14:23:00+00:00",
        "taken_by": "youssef",
        "done_at": None,
        "done_by": None,
        "accompanied_seconds": None,
    },
    {
        "id": 3,
        "kiosk_id": 10,
        "kiosk_name": "PC-10",
        "requested_at": "2026-11-20T14:31:00+00:00",
        "waiting_seconds": 0,
        "taken_at": None,
        "taken_by": None,
        "done_at": None,
        "done_by": None,
        "accompanied_seconds": None,
        "reason": "ticket_forged",
    },
]


def sample_usage() -> dict[str, Any]:
    """A month of a small EPN, shaped as ``GET /api/usage`` answers."""

    def row(sessions: int, seconds: int, pages: int, **more: Any) -> dict[str, Any]:
        return {
            "sessions": sessions,
            "visitor_seconds": seconds,
            "occupancy": more.pop("occupancy", None),
            "pages": pages,
            "sheets": (pages + 1) // 2 if pages else 0,
            "cost_cents": pages * 10,
            "accompanied_seconds": sessions * 120,
            "help_calls": sessions // 4,
            **more,
        }

    days = []
    for day in range(1, 21):
        date = dt.date(2026, 11, day)
        if date.weekday() == 6:
            continue
        n = 4 + (day * 7) % 11 if date.weekday() < 5 else 3
        days.append(
            row(
                n,
                n * 2900,
                n * 3,
                day=date.isoformat(),
                walk_in=n - 3,
                ticket=1,
                member=2,
                workshop=0,
                occupancy=round(n / 40, 2),
            )
        )
    hours = [row(h % 7 + 2, (h % 7 + 2) * 2700, h, hour=h) for h in range(9, 18)]
    kiosks = [
        row(18 + i * 3, (18 + i * 3) * 3000, 20 + i * 9, kiosk_id=i, kiosk_name=f"PC-{i:02d}")
        for i in range(1, 11)
    ]
    return {
        "start": "2026-11-01",
        "end": "2026-11-30",
        "pcs": 10,
        "totals": row(142, 142 * 2900, 426, occupancy=0.31),
        "by_kind": {"walk_in": 96, "ticket": 18, "member": 22, "workshop": 6},
        "per_day": days,
        "per_hour": hours,
        "per_kiosk": kiosks,
        "workshops": [],
    }


def sample_policy() -> dict[str, Any]:
    """The bundled default policy, as ``GET /api/policy`` answers."""
    from policies.loading import default_policy

    return {
        "version": 3,
        "policy": default_policy().model_dump(mode="json"),
        "policy_version": "3f9a1c2b7d10",
        "changed_at": "2026-11-18T09:12:00+00:00",
        "changed_by": "marie",
    }


SAMPLE_PRINTERS: dict[str, Any] = {
    "printers": [
        {
            "uri": "ipp://192.168.1.20/ipp/print",
            "name": "Imprimante de la salle",
            "detail": "Brother HL-L2350DW",
            "queue": "salle",
            "kind": "queue",
        },
        {
            "uri": "ipp://192.168.1.31/ipp/print",
            "name": "HP LaserJet Pro M404dn (accueil)",
            "detail": "HP LaserJet Pro M404dn",
            "queue": None,
            "kind": "network",
        },
        {
            "uri": "usb://Epson/ET-2850?serial=X5QK012345",
            "name": "EPSON ET-2850 Series",
            "detail": "",
            "queue": None,
            "kind": "network",
            "local": True,
        },
    ],
    "network_search": "done",
}
"""What ``GET /api/printers`` answers in a room with one queue and two printers found (one
of them plugged into the console machine)."""
SAMPLE_PAIRING_CODE: dict[str, Any] = {
    "code": "KM7RT-Q4XHC",
    "expires_at": "2026-11-20T14:45:00+00:00",
    "fingerprint": "ab" * 32,
}
"""What ``POST /api/pairing-codes`` answers."""


def _staff_account(
    staff_id: int,
    username: str,
    name: str,
    role: str,
    language: str = "fr",
    *,
    pin: bool = True,
    disabled: bool = False,
) -> dict[str, Any]:
    """One account as ``GET /api/staff`` lists it."""
    return {
        "id": staff_id,
        "username": username,
        "display_name": name,
        "role": role,
        "language": language,
        "disabled": disabled,
        "has_pin": pin,
        "pin_set_at": "2026-10-02T09:00:00+00:00" if pin else None,
        "created_at": "2026-09-01T10:00:00+00:00",
    }


SAMPLE_TEAM: dict[str, Any] = {
    "staff": [
        _staff_account(1, "admin", "Aïcha Benali", "admin"),
        _staff_account(2, "marie", "Marie", "manager"),
        _staff_account(3, "nadia", "Nadia", "animator", "fr"),
        _staff_account(4, "youssef", "Youssef", "animator", "nl"),
        _staff_account(5, "karim.vandenberghe", "Karim Vandenberghe", "animator", "nl", pin=False),
        _staff_account(6, "stagiaire.2025", "", "animator", "en", pin=False, disabled=True),
    ]
}
"""A small EPN's team: an admin, a manager, animators on contracts, an intern who left."""


def _me(staff_id: int, username: str, name: str, role: str, language: str, *, pin: bool) -> Any:
    return calls.ME.read(
        {
            "id": staff_id,
            "username": username,
            "role": role,
            "token_expires_at": "2026-11-20T22:00:00+00:00",
            "display_name": name,
            "language": language,
            "has_pin": pin,
        }
    )


def _team_screens(window: Any, controller: Any, save: Any, shots: Any) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from admin_console.gui import i18n
    from epn_shared.qt_texts import QtOwnTexts

    lang = controller.language
    controller.account.me = _me(2, "marie", "Marie", "manager", lang.value, pin=True)
    team = controller.team
    team._listed(calls.STAFF.read(SAMPLE_TEAM))
    screen = window.team
    window.tabs.setCurrentWidget(screen)
    screen.table.selectRow(next(i for i, a in enumerate(screen.shown) if a.id == 5))
    team.saved.emit(i18n.text("team.created", lang, name="Karim Vandenberghe"))
    save("team")
    # One's own row: the role and "disable" greyed, and why.
    screen.table.selectRow(next(i for i, a in enumerate(screen.shown) if a.id == 2))
    screen.notice.setText("")
    save("team-self")
    # A new colleague's account, its username already taken.
    dialog = screen.new_account
    dialog.start(screen.offered(), lang)
    dialog.username.setText("nadia")
    dialog.display_name.setText("Nadia El Idrissi")
    dialog.password.setText("bienvenue à l'EPN")
    dialog.again.setText("bienvenue à l'EPN")
    dialog.create_button.setEnabled(True)
    dialog.notice.bad(i18n.text("team.refused.username_taken", lang))
    shots("team-new", dialog)
    dialog.reject()
    # The question before disabling: what it does to the colleague ("Yes", "No" in the
    # window's language, as the console app installs Qt's own texts).
    app = QApplication.instance()
    assert app is not None
    qt_texts = QtOwnTexts(app)
    qt_texts.use(lang.value)
    question = QMessageBox(
        QMessageBox.Icon.Question,
        i18n.text("team.disable", lang),
        i18n.text("team.disable_confirm", lang, name="Youssef"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    # Drawn without being shown: a shown message box asks the platform for size hints,
    # which the offscreen one refuses (a warning).
    layout = question.layout()
    if layout is not None:
        layout.activate()
    question.resize(question.sizeHint())
    shots("team-disable", question, show=False)
    question.deleteLater()
    qt_texts.use("en")


def _account_screens(window: Any, controller: Any, save: Any) -> None:
    from admin_console.gui import i18n

    lang = controller.language
    role = controller.role
    controller.role = "animator"  # an animator's window: no team tab
    window._show_role()
    controller.account.me = _me(3, "nadia", "Nadia", "animator", lang.value, pin=False)
    screen = window.account
    window.tabs.setCurrentWidget(screen)
    screen.start()
    screen.current.setText("correct horse")
    screen.password.setText("une phrase longue")
    screen.password_again.setText("une phrase longe")
    screen._check_password({"again"})
    screen.pin.setText("1234")
    screen._pin_typed("1234")
    save("my-account")
    controller.account.me = _me(3, "nadia", "Nadia", "animator", lang.value, pin=True)
    screen.start()
    controller.account.saved.emit(i18n.text("account.pin_done", lang))
    save("my-account-pin")
    controller.role = role
    window._show_role()


def _first_admin_screens(app: Any, window: Any, save: Any) -> None:
    from PySide6.QtCore import Qt

    # A console with no account, on its own machine: the first admin is made here.
    window._first_admin()
    screen = window.first_admin
    screen.username.setText("Aïcha Benali")
    screen.password.setText("une phrase longue")
    screen.again.setText("une phrase longe")
    screen._check({"username", "password", "again"})
    save("first-run-admin")
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    app.processEvents()
    save("first-run-admin-rtl")
    app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    screen.start()
    window.stack.setCurrentWidget(window.login)


def render(
    out: Path,
    language: str,
    size: tuple[int, int] = SIZE,
    seen: Callable[[str, Any], None] | None = None,
) -> None:
    """Draw every screen in ``language`` in a window of ``size`` and save it into ``out``;
    ``seen(name, window)`` is told of each screen before its picture is taken."""
    suffix = "" if language == "fr" else f"-{language}"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from admin_console.gui.client import Endpoint
    from admin_console.gui.controller import ConsoleController
    from admin_console.gui.window import ConsoleWindow
    from policies import Language

    app = QApplication.instance() or QApplication([])
    controller = ConsoleController(
        Endpoint.parse("https://console.epn.local:8443", "ab" * 32),
        Language(language),
        now=lambda: NOW,
    )
    window = ConsoleWindow(controller)
    window.resize(*size)
    window.show()

    def save(name: str) -> None:
        for _ in range(3):  # layouts settle over a few passes (deleted rows, new rows)
            app.processEvents()
        if seen is not None:
            seen(name, window)
        window.grab().save(str(out / f"console-{name}{suffix}.png"))

    window.login.username.setText("nadia")
    save("login")
    controller.login_failed.emit(
        "Identifiant ou mot de passe incorrect. Après 5 essais, le compte est bloqué 15 minutes."
    )
    save("login-error")
    _first_admin_screens(app, window, save)

    controller.logged_in.emit("nadia")
    # The printers as the console found them: no screen asks the (absent) console.
    controller.printers._listed(calls.PRINTERS.read(SAMPLE_PRINTERS))
    controller.live_changed.emit(True)
    controller.set_room(SAMPLE_ROOM)

    controller.help._loaded(calls.HELP_QUEUE.read(HELP_QUEUE))
    controller.select([2, 4])
    controller.results = [
        CommandResult(2, "PC-02", "extend", 15, Outcome.DONE),
        CommandResult(4, "PC-04", "extend", 15, Outcome.REFUSED, "not now: ending", "not_allowed"),
    ]
    controller.results_changed.emit()
    window.room.redraw()
    save("room")
    window.room.ask.ask("end")
    save("room-end")
    _pairing_screen(app, window, controller, out, suffix)
    _power_screens(app, window, controller, out, suffix)

    def shots(name: str, widget: Any, show: bool = True) -> None:
        # A small window over the console's: shown (or only drawn), settled, looked at,
        # then taken.
        if show:
            widget.show()
        for _ in range(3):
            app.processEvents()
        if seen is not None:
            seen(name, widget)
        widget.grab().save(str(out / f"console-{name}{suffix}.png"))
        widget.hide()

    _more_screens(app, window, controller, out, save, shots=shots)
    from helpers.console_sites_scenes import sites_screens

    sites_screens(app, window, controller, out, suffix)
    window.close()


def _pairing_screen(app: Any, window: Any, controller: Any, out: Path, suffix: str) -> None:
    # An admin's "Connect a new PC": the code, big, until when, and what to do on the PC.
    dialog = window.room.pairing
    dialog.show()
    controller.pairing.made.emit(calls.PAIRING_CODE.read(SAMPLE_PAIRING_CODE))
    for _ in range(3):
        app.processEvents()
    dialog.grab().save(str(out / f"console-pairing-code{suffix}.png"))
    dialog.hide()


def _power_screens(app: Any, window: Any, controller: Any, out: Path, suffix: str) -> None:
    # The PCs' power: a PC's menu on the room, the question before a restart, and a
    # manager's whole-room shut-down and wake-up.
    from PySide6.QtGui import QPainter

    from admin_console.gui.power import PowerAction

    def settle() -> None:
        for _ in range(3):
            app.processEvents()

    room = [dict(entry) for entry in SAMPLE_ROOM]
    for entry in room:
        if entry["id"] != 11:  # PC-11 never said its network card
            entry["mac"] = f"52:54:00:00:00:{entry['id']:02x}"
    controller.set_room(room)
    controller.role = "manager"
    window.room._user("marie")
    controller.select([])
    controller.results = []
    controller.results_changed.emit()
    screen = window.room
    tile = screen.tiles[2]
    where = tile.more.mapToGlobal(tile.more.rect().bottomLeft())
    menu = screen.show_power_menu(2, where)
    settle()
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(window.mapFromGlobal(where), menu.grab())
    painter.end()
    picture.save(str(out / f"console-power-menu{suffix}.png"))
    menu.hide()

    dialog = screen.power_dialog
    asked: tuple[tuple[str, PowerAction, int | None], ...] = (
        ("restart", PowerAction.RESTART, 2),
        ("shut-down-free", PowerAction.SHUT_DOWN, 1),
        ("wake", PowerAction.WAKE, 6),
        ("shut-down-all", PowerAction.SHUT_DOWN, None),
        ("wake-all", PowerAction.WAKE, None),
    )
    for name, action, pc_id in asked:
        if pc_id is None:
            screen.ask_power_room(action)
        else:
            screen.ask_power_one(action, pc_id)
        settle()
        dialog.grab().save(str(out / f"console-power-{name}{suffix}.png"))
        dialog.reject()
    controller.results = [
        CommandResult(1, "PC-01", "shut_down", None, Outcome.DONE),
        CommandResult(2, "PC-02", "shut_down", None, Outcome.DONE),
        CommandResult(5, "PC-05", "shut_down", None, Outcome.PENDING),
        CommandResult(6, "PC-06", "wake", None, Outcome.DONE),
        CommandResult(11, "PC-11", "wake", None, Outcome.NO_CARD, "", "no_mac"),
    ]
    controller.results_changed.emit()
    settle()
    window.grab().save(str(out / f"console-power-results{suffix}.png"))
    controller.role = "animator"
    window.room._user("nadia")
    controller.set_room(SAMPLE_ROOM)


def _more_screens(
    app: Any, window: Any, controller: Any, out: Path, save: Any, *, shots: Any
) -> None:

    from admin_console.gui.ticket_sheet import BRUSSELS, write_sheet
    from policies import Language

    controller.role = "manager"
    window._logged_in("nadia")
    controller.help.timer.stop()
    controller.help._loaded(calls.HELP_QUEUE.read(HELP_QUEUE))
    controller.select([2, 9, 10])
    window.room.ask.ask("workshop")
    window.room.ask.workshop_title.setText("Rédiger son CV")
    controller.results = [
        CommandResult(2, "PC-02", "workshop", 90, Outcome.DONE),
        CommandResult(
            9, "PC-09", "workshop", 90, Outcome.REFUSED, "a visitor is in session", "in_session"
        ),
        CommandResult(10, "PC-10", "workshop", 90, Outcome.OFFLINE, "", "offline"),
    ]
    controller.results_changed.emit()
    save("room-workshop")
    window.room.ask.hide()
    save("workshop-busy")

    tickets = controller.tickets
    codes = [
        "4821 2152 0303 3944",
        "1201 2152 8413 8917",
        "9051 2152 2955 5187",
        "3371 2152 8705 7187",
    ]
    tickets._created(
        calls.MAKE_TICKETS.read(
            {
                "tickets": [
                    {
                        "ref": f"T-K7P{i}QX2M",
                        "code": code,
                        "minutes": 60,
                        "free_pages": 5,
                        "valid_until": "2026-11-30T22:59:59+00:00",
                    }
                    for i, code in enumerate(codes)
                ]
            },
        )
    )
    tickets._listed(
        calls.TICKETS.read(
            [
                {
                    "ref": f"T-K7P{i}QX2M",
                    "minutes": 60,
                    "free_pages": 5,
                    "valid_until": "2026-11-30T22:59:59+00:00",
                    "created_at": "2026-11-20T14:30:00+00:00",
                    "made_by": "nadia",
                    "state": "used" if i == 0 else "unused",
                    "used_at": "2026-11-20T14:33:00+00:00" if i == 0 else None,
                    "used_kiosk_id": 2 if i == 0 else None,
                }
                for i in range(len(codes))
            ],
        )
    )
    window.tabs.blockSignals(True)
    window.tabs.setCurrentWidget(window.tickets)
    save("tickets")
    # The Brussels sheet (FR · NL · EN) and one a visitor reading Arabic takes home.
    for name, languages in (("ticket-sheet", BRUSSELS), ("ticket-sheet-ar", (Language.AR,))):
        if languages != BRUSSELS and controller.language is not Language.FR:
            continue  # the same sheet whatever the staff language
        sheet = out / f"console-{name}.pdf"
        write_sheet(sheet, tickets.issued, languages)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                "-png",
                str(sheet),
                str(out / f"console-{name}"),
            ],
            check=False,
        )
        sheet.unlink()
    tickets.mark_printed()

    _manager_tabs(app, window, controller, save, shots)


def _hours_screens(app: Any, window: Any, controller: Any, save: Any) -> None:
    from PySide6.QtCore import Qt

    from admin_console.gui.hours import ClosureValue

    # Saturday with a morning and a wrong afternoon, said as typed; a Christmas closure.
    controller.policy._loaded(calls.POLICY.read(sample_policy()))
    hours = window.policy.hours
    saturday = hours.days["saturday"]
    saturday.inputs[1][0].setText("12:00")
    saturday.inputs[1][1].setText("25:00")
    saturday.check()
    christmas = hours._add(ClosureValue(dt.date(2026, 12, 24), dt.date(2026, 12, 26), "Noël"))
    app.processEvents()
    window.policy.form_area.ensureWidgetVisible(christmas)
    save("policy-hours")
    # The same, mirrored: a right-to-left check of the grid and the closures.
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    app.processEvents()
    window.policy.form_area.ensureWidgetVisible(christmas)
    save("policy-hours-rtl")
    app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    window.policy.form_area.verticalScrollBar().setValue(0)


def _first_run_screens(app: Any, window: Any, controller: Any, save: Any) -> None:
    from PySide6.QtCore import Qt

    # An admin on a console never set up: the assistant, each step (no server: the steps
    # are filled from the sample policy as start() would after loading it).
    controller.role = "admin"
    run = window.first_run
    window.stack.setCurrentWidget(run)
    run.go(0)
    controller.policy._loaded(calls.POLICY.read(sample_policy()))
    run.name.setText("")
    run._next()  # the name is asked for
    save("first-run")
    run.name.setText("EPN de la bibliothèque de Molenbeek")
    run.address.setPlainText("Rue du Comte de Flandre 20, 1080 Molenbeek-Saint-Jean")
    run._next()
    saturday = run.hours.days["saturday"]
    saturday.inputs[0][1].setText("09:00")
    saturday.check()
    save("first-run-hours")
    saturday.inputs[0][1].setText("12:30")
    saturday.check()
    run._next()
    save("first-run-printing")
    run._next()
    _printer_screens(app, run, controller, save)
    run._next()
    save("first-run-languages")
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    app.processEvents()
    save("first-run-languages-rtl")
    run.go(1)
    save("first-run-hours-rtl")
    app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    window.stack.setCurrentWidget(window.tabs)


def _printer_screens(app: Any, run: Any, controller: Any, save: Any) -> None:
    from PySide6.QtCore import Qt

    picker = run.printer
    desk = controller.printers
    # The console's CUPS not answering: said, with the address to type instead.
    desk._listed(calls.PRINTERS.read({"printers": [], "network_search": "done"}))
    desk._list_refused(_reply(502, "CUPS on the console does not answer"))
    save("first-run-printer-cups")
    desk._listed(calls.PRINTERS.read(SAMPLE_PRINTERS))
    picker.list.setCurrentRow(0)
    picker.testing = True
    desk.tested.emit(calls.TEST_PAGE.read({"job_id": 12, "queue": "salle"}))
    save("first-run-printer")
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    app.processEvents()
    save("first-run-printer-rtl")
    app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _reply(status: int, detail: str) -> Any:
    from admin_console.gui.client import Reply

    return Reply(status, {"detail": detail})


def _manager_tabs(app: Any, window: Any, controller: Any, save: Any, shots: Any) -> None:
    from PySide6.QtCore import Qt

    from admin_console.gui import i18n

    members = controller.members
    members._listed(
        calls.MEMBERS.read(
            [
                {
                    "card": "EPN-0012",
                    "nickname": "Louis",
                    "daily_allowance_minutes": None,
                    "banned_until": None,
                    "ban_reason": None,
                    "pin_locked_until": None,
                    "created_at": "2026-09-01T10:00:00+00:00",
                },
                {
                    "card": "EPN-0031",
                    "nickname": None,
                    "daily_allowance_minutes": 180,
                    "banned_until": None,
                    "ban_reason": None,
                    "pin_locked_until": None,
                    "created_at": "2026-09-01T10:00:00+00:00",
                },
                {
                    "card": "EPN-0047",
                    "nickname": "Noémie",
                    "daily_allowance_minutes": 90,
                    "banned_until": "2026-12-04",
                    "ban_reason": "Téléchargements illégaux",
                    "pin_locked_until": None,
                    "created_at": "2026-09-01T10:00:00+00:00",
                },
            ],
        )
    )
    window.tabs.setCurrentWidget(window.members)
    window.members.table.selectRow(2)
    members.saved.emit(i18n.text("members.banned", controller.language, card="EPN-0047"))
    save("members")
    _team_screens(window, controller, save, shots)
    _account_screens(window, controller, save)

    controller.usage._loaded(calls.USAGE.read(sample_usage()))
    window.tabs.setCurrentWidget(window.usage)
    save("usage")

    controller.policy._loaded(calls.POLICY.read(sample_policy()))
    window.tabs.setCurrentWidget(window.policy)
    window.policy.fields["session.length_minutes"].input.setValue(8)
    controller.policy.field_errors.emit(
        {
            "session.warnings_minutes": "every warning must come before the end of a session of "
            "length_minutes=8"
        }
    )
    save("policy")

    # The end of the form: the staff menu's language, chosen from the languages' own names.
    controller.policy._loaded(calls.POLICY.read(sample_policy()))
    staff = window.policy.fields["staff.language"]
    staff.input.setCurrentIndex(staff.input.findData("nl"))
    app.processEvents()
    window.policy.form_area.ensureWidgetVisible(window.policy.pcs_box)
    save("policy-staff")
    # Changed later: the room's printer, in the policy tab.
    app.processEvents()
    window.policy.form_area.ensureWidgetVisible(window.policy.printer_box)
    save("policy-printer")
    window.policy.form_area.verticalScrollBar().setValue(0)
    _hours_screens(app, window, controller, save)

    controller.role = "animator"
    window._logged_in("youssef")
    controller.help.timer.stop()
    controller.policy._loaded(calls.POLICY.read(sample_policy()))
    window.tabs.setCurrentWidget(window.policy)
    window.policy.language.setCurrentIndex(window.policy.language.findData("ar"))
    save("policy-animator")

    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    window.tabs.setCurrentWidget(window.room)
    app.processEvents()
    window.room.redraw()
    save("room-rtl")
    app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    _first_run_screens(app, window, controller, save)
    window.tabs.blockSignals(False)
