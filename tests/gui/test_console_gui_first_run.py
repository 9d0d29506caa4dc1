"""The first-run assistant on the real window against a real console: shown to an admin
while the console was never set up, each step checked with the reason said in French,
"later" saves nothing and it comes back at the next login, "finish" keeps the EPN's name
(in the title) and the policy (hours, prices, languages), which stay editable in the tabs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_support import WAIT_MS, console, log_in
from helpers.console_server import TEST_PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QSpinBox

from admin_console.gui.window import ConsoleWindow


def _admin_logs_in_to_the_assistant(qtbot: Any, window: ConsoleWindow) -> None:
    # Not log_in(): the tabs may show for a moment only, before the setup comes back.
    window.login.username.setText("admin")
    window.login.password.setText(TEST_PASSWORD)
    qtbot.mouseClick(window.login.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=WAIT_MS)


def _next(qtbot: Any, window: ConsoleWindow) -> None:
    qtbot.mouseClick(window.first_run.next, Qt.MouseButton.LeftButton)


def _type(qtbot: Any, box: QLineEdit, text: str) -> None:
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    qtbot.keyClicks(box, text)


def test_an_admin_sets_up_a_new_console_step_by_step(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        window = c.window
        assert window.windowTitle() == "Console EPN"
        _admin_logs_in_to_the_assistant(qtbot, window)
        run = window.first_run
        assert run.step_title.text() == "Étape 1 sur 5\u00a0: Votre EPN"
        assert not run.back.isEnabled()

        # Nothing typed: the name is asked for, and the assistant stays on its step.
        _next(qtbot, window)
        assert run.step == "epn"
        assert run.name_error.isVisible() and run.name_error.text() == "Donnez le nom de l'EPN."
        qtbot.keyClicks(run.name, "EPN Maelbeek")
        assert not run.name_error.isVisible()
        run.address.setPlainText("Rue de la Loi 1, 1040 Etterbeek")
        _next(qtbot, window)

        # The hours: the editor of the policy tab, with the bundled week to start from.
        assert run.step_title.text() == "Étape 2 sur 5\u00a0: Heures d'ouverture"
        saturday = run.hours.days["saturday"]
        qtbot.waitUntil(lambda: saturday.inputs[0][0].text() == "09:30", timeout=WAIT_MS)
        _type(qtbot, saturday.inputs[0][1], "25:00")
        assert saturday.error.text().startswith("«\u00a025:00\u00a0» n'est pas une heure")
        _next(qtbot, window)
        assert run.step == "hours"  # a wrong time keeps it here
        _type(qtbot, saturday.inputs[0][1], "13:00")
        assert not saturday.error.isVisible()
        qtbot.mouseClick(run.hours.days["wednesday"].closed, Qt.MouseButton.LeftButton)
        assert run.hours.days["wednesday"].closed.isChecked()
        _next(qtbot, window)

        assert run.step == "printing"
        price = run.printing["printing.price_per_page_cents"].input
        assert isinstance(price, QSpinBox) and price.value() == 10
        price.setValue(15)
        _next(qtbot, window)

        # The printer: this console's CUPS does not answer; the window says so, and the
        # assistant goes on (each PC keeps its printer).
        assert run.step_title.text() == "Étape 4 sur 5\u00a0: Imprimante"
        qtbot.waitUntil(lambda: "CUPS" in run.printer.state.text(), timeout=WAIT_MS)
        assert run.printer.value() is None
        _next(qtbot, window)

        assert run.step_title.text() == "Étape 5 sur 5\u00a0: Langues du règlement"
        assert run.next.text() == "Terminer"
        for box in run.languages.values():
            box.setChecked(False)
        assert run.languages_error.text() == "Cochez au moins une langue."
        _next(qtbot, window)
        assert window.stack.currentWidget() is run  # not without a language
        for code in ("fr", "nl", "ar"):
            next(b for lang, b in run.languages.items() if lang.value == code).setChecked(True)
        assert not run.languages_error.isVisible()
        _next(qtbot, window)

        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=WAIT_MS)
        assert window.windowTitle() == "Console EPN — EPN Maelbeek"
        with c.server.client(c.admin) as http:
            setup = http.get("/api/setup").json()
            state = http.get("/api/policy").json()
        assert setup["epn_name"] == "EPN Maelbeek"
        assert setup["address"] == "Rue de la Loi 1, 1040 Etterbeek"
        assert setup["finished_by"] == "admin" and setup["finished_at"]
        policy = state["policy"]
        assert state["version"] == 1 and state["changed_by"] == "admin"
        assert policy["opening_hours"]["saturday"] == [{"opens": "09:30:00", "closes": "13:00:00"}]
        assert policy["opening_hours"]["wednesday"] == []
        assert policy["printing"]["price_per_page_cents"] == 15
        assert policy["languages"] == ["fr", "nl", "ar"]

        # Everything stays editable in the tabs afterwards.
        window.tabs.setCurrentWidget(window.policy)
        qtbot.waitUntil(
            lambda: window.policy.hours.days["saturday"].inputs[0][1].text() == "13:00",
            timeout=WAIT_MS,
        )
        assert window.policy.hours.days["saturday"].inputs[0][1].isEnabled()
        assert window.policy.hours.days["wednesday"].closed.isChecked()

        # Set up: the next login goes straight to the room.
        qtbot.mouseClick(window.room.logout, Qt.MouseButton.LeftButton)
        log_in(qtbot, window, "admin")
        qtbot.waitUntil(lambda: window.windowTitle().endswith("EPN Maelbeek"), timeout=WAIT_MS)
        assert window.stack.currentWidget() is window.tabs


def test_later_saves_nothing_and_the_assistant_comes_back_at_the_next_login(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        window = c.window
        _admin_logs_in_to_the_assistant(qtbot, window)
        run = window.first_run
        qtbot.keyClicks(run.name, "EPN Maelbeek")
        _next(qtbot, window)
        qtbot.mouseClick(run.later_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.tabs
        assert window.tabs.currentWidget() is window.room
        with c.server.client(c.admin) as http:
            assert http.get("/api/setup").json()["finished_at"] is None
            assert http.get("/api/policy").json()["version"] == 0
        assert window.windowTitle() == "Console EPN"

        qtbot.mouseClick(window.room.logout, Qt.MouseButton.LeftButton)
        _admin_logs_in_to_the_assistant(qtbot, window)
        assert run.step == "epn" and run.name.text() == ""  # from the start, nothing kept


def test_a_manager_is_not_walked_through_the_first_run(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "marie")
        qtbot.waitUntil(lambda: c.controller.setup.state is not None, timeout=WAIT_MS)
        assert not c.controller.setup.finished
        assert c.window.stack.currentWidget() is c.window.tabs
