"""The team tab and "My account" against a real console server: a manager makes, changes,
disables and re-enables colleagues' accounts and gives new passwords; everyone sets their
own name, language, password and PIN for the PCs; the window speaks each one's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_support import WAIT_MS, Console, cell, console, log_in, speaks
from helpers.console_server import TEST_PASSWORD
from PySide6.QtCore import Qt

from admin_console.gui.client import Reply
from admin_console.gui.team import refusal
from admin_console.gui.team_view import TeamScreen
from policies import Language

FR, NL, EN = Language.FR, Language.NL, Language.EN


def _row(screen: TeamScreen, username: str) -> list[str] | None:
    for r in range(screen.table.rowCount()):
        if cell(screen.table, r, 1) == username:
            return [cell(screen.table, r, c) for c in range(screen.table.columnCount())]
    return None


def _choose(qtbot: Any, screen: TeamScreen, username: str) -> None:
    qtbot.waitUntil(lambda: _row(screen, username) is not None, timeout=WAIT_MS)
    for r in range(screen.table.rowCount()):
        if cell(screen.table, r, 1) == username:
            screen.table.selectRow(r)
    account = screen.account()
    assert account is not None and account.username == username


def _team(qtbot: Any, c: Console, username: str) -> TeamScreen:
    log_in(qtbot, c.window, username)
    c.window.tabs.setCurrentWidget(c.window.team)
    screen = c.window.team
    qtbot.waitUntil(lambda: _row(screen, "nadia") is not None, timeout=WAIT_MS)
    return screen


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _logs_in(c: Console, username: str, password: str) -> int:
    with c.server.client() as http:
        answer = http.post("/api/login", json={"username": username, "password": password})
        return int(answer.status_code)


def test_a_manager_makes_an_animator_account_and_the_team_shows_them(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        screen = _team(qtbot, c, "marie")
        assert c.window.tabs.tabText(c.window.tab_index["team"]) == "Équipe"
        assert _row(screen, "marie") == [
            "marie", "marie", "Responsable", "Français", "aucun", "actif"
        ]  # fmt: skip
        _click(qtbot, screen.add)
        dialog = screen.new_account
        assert dialog.isVisible()
        # A manager makes animators and managers: the admin role is not offered.
        offered = [dialog.role.itemData(i) for i in range(dialog.role.count())]
        assert offered == ["animator", "manager"]

        dialog.username.setText("karim")
        dialog.display_name.setText("Karim")
        dialog.language.setCurrentIndex(dialog.language.findData("nl"))
        dialog.password.setText("un bon début")
        dialog.again.setText("un bon debut")  # a typing slip: said, nothing sent
        _click(qtbot, dialog.create_button)
        assert dialog.errors["again"].text() == "Les deux mots de passe ne sont pas les mêmes."
        assert dialog.isVisible() and _row(screen, "karim") is None

        dialog.again.setText("un bon début")
        _click(qtbot, dialog.create_button)
        qtbot.waitUntil(lambda: _row(screen, "karim") is not None, timeout=WAIT_MS)
        assert not dialog.isVisible()
        assert _row(screen, "karim") == [
            "Karim", "karim", "Animateur", "Nederlands", "aucun", "actif"
        ]  # fmt: skip
        assert screen.notice.text() == "Compte de Karim créé."
        assert _logs_in(c, "karim", "un bon début") == 200

        # The same username again: refused in words, in the small window, which stays.
        _click(qtbot, screen.add)
        dialog.username.setText("karim")
        dialog.password.setText("un autre début")
        dialog.again.setText("un autre début")
        _click(qtbot, dialog.create_button)
        qtbot.waitUntil(lambda: "déjà pris" in dialog.notice.text(), timeout=WAIT_MS)
        assert (
            dialog.notice.text() == "Cet identifiant est déjà pris\u00a0: choisissez-en un autre."
        )
        assert dialog.isVisible()
        _click(qtbot, dialog.cancel)

        # An admin's account is read only for a manager.
        _choose(qtbot, screen, "admin")
        assert not screen.role.isEnabled() and not screen.toggle.isEnabled()
        assert screen.why_fixed.text() == (
            "Seul un administrateur peut changer le compte d'un administrateur."
        )
        # Their own: name and language here, never their own role nor disabling.
        _choose(qtbot, screen, "marie")
        assert not screen.role.isEnabled() and not screen.toggle.isEnabled()
        assert screen.save.isEnabled()


def test_an_admin_may_make_an_admin_and_changes_a_role(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        screen = _team(qtbot, c, "admin")
        _click(qtbot, screen.add)
        dialog = screen.new_account
        offered = [dialog.role.itemData(i) for i in range(dialog.role.count())]
        assert offered == ["animator", "manager", "admin"]
        _click(qtbot, dialog.cancel)

        _choose(qtbot, screen, "nadia")
        screen.role.setCurrentIndex(screen.role.findData("manager"))
        screen.display_name.setText("Nadia B.")
        _click(qtbot, screen.save)
        qtbot.waitUntil(
            lambda: (_row(screen, "nadia") or [""])[:3] == ["Nadia B.", "nadia", "Responsable"],
            timeout=WAIT_MS,
        )
        assert screen.notice.text() == "Compte de Nadia B. enregistré."


def test_an_animator_has_no_team_tab_but_has_their_account(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "nadia")
        tabs, index = c.window.tabs, c.window.tab_index
        assert not tabs.isTabVisible(index["team"])
        assert tabs.isTabVisible(index["account"])
        assert tabs.tabText(index["account"]) == "Mon compte"
        with c.server.client(c.admin) as http:  # and the console refuses them the list
            nadia = c.server.console.auth.login("nadia", TEST_PASSWORD).token
            assert (
                http.get("/api/staff", headers={"Authorization": f"Bearer {nadia}"}).status_code
                == 403
            )


def test_disabling_logs_out_everywhere_and_enabling_lets_back_in(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        nadia = c.server.console.auth.login("nadia", TEST_PASSWORD).token
        screen = _team(qtbot, c, "marie")
        _choose(qtbot, screen, "nadia")
        assert screen.toggle.text() == "Désactiver le compte"
        c.dialogs.confirm_answer = False  # staff think again: nothing happens
        _click(qtbot, screen.toggle)
        assert c.dialogs.questions[-1] == (
            "Désactiver le compte de nadia\u00a0? Il est déconnecté partout à la fois, et son "
            "code PIN ne fonctionne plus sur aucun PC."
        )
        assert _row(screen, "nadia") == [
            "nadia",
            "nadia",
            "Animateur",
            "Français",
            "aucun",
            "actif",
        ]

        c.dialogs.confirm_answer = True
        _click(qtbot, screen.toggle)
        qtbot.waitUntil(lambda: (_row(screen, "nadia") or [""])[5] == "désactivé", timeout=WAIT_MS)
        assert screen.notice.text() == "Compte de nadia désactivé\u00a0: déconnecté partout."
        with c.server.client(nadia) as http:
            assert http.get("/api/me").status_code == 401  # her open login is gone
        assert _logs_in(c, "nadia", TEST_PASSWORD) != 200

        _choose(qtbot, screen, "nadia")
        assert screen.toggle.text() == "Réactiver le compte"
        _click(qtbot, screen.toggle)
        qtbot.waitUntil(lambda: (_row(screen, "nadia") or [""])[5] == "actif", timeout=WAIT_MS)
        assert screen.notice.text() == "Compte de nadia réactivé."
        assert _logs_in(c, "nadia", TEST_PASSWORD) == 200


def test_a_new_password_given_by_a_manager_logs_the_colleague_in(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        screen = _team(qtbot, c, "marie")
        _choose(qtbot, screen, "nadia")
        screen.password.setText("court")
        screen.again.setText("court")
        _click(qtbot, screen.reset)
        assert screen.errors["password"].text() == (
            "Le mot de passe est trop court\u00a0: au moins 8 caractères."
        )
        screen.password.setText("nouvelle phrase")
        screen.again.setText("nouvelle phrase")
        c.dialogs.confirm_answer = True
        _click(qtbot, screen.reset)
        assert "déconnecté partout" in c.dialogs.questions[-1]
        qtbot.waitUntil(lambda: "communiquez" in screen.notice.text(), timeout=WAIT_MS)
        assert screen.password.text() == "" and screen.again.text() == ""
        _click(qtbot, c.window.room.logout)

        log_in(qtbot, c.window, "nadia", "nouvelle phrase")
        assert c.controller.username == "nadia"
        assert _logs_in(c, "nadia", TEST_PASSWORD) == 401


def test_my_own_pin_is_checked_as_typed_then_set_and_cleared(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "nadia")
        c.window.tabs.setCurrentWidget(c.window.account)
        screen = c.window.account
        assert screen.who.text() == "Connecté en tant que nadia (Animateur)."
        assert screen.pin_state.text() == "Vous n'avez pas encore de code PIN pour les PC."

        # Said as typed, before anything is sent.
        qtbot.keyClicks(screen.pin, "1234")
        assert screen.pin_errors["pin"].text() == (
            "Trop facile à deviner (un chiffre répété, ou des chiffres qui se suivent)\u00a0: "
            "choisissez-en un autre."
        )
        screen.pin.clear()
        qtbot.keyClicks(screen.pin, "48a")
        assert screen.pin_errors["pin"].text() == "Un PIN ne contient que des chiffres (0 à 9)."
        screen.pin.setText("1111")
        screen.pin_again.setText("1111")
        screen.pin_current.setText(TEST_PASSWORD)
        _click(qtbot, screen.set_pin)
        assert "deviner" in screen.pin_errors["pin"].text()
        assert not c.server.console.repos.staff.find("nadia").has_pin

        # A wrong current password: the console refuses, said under it.
        screen.pin.setText("4821")
        screen.pin_again.setText("4821")
        screen.pin_current.setText("pas le bon")
        _click(qtbot, screen.set_pin)
        qtbot.waitUntil(screen.pin_errors["current"].isVisible, timeout=WAIT_MS)
        assert screen.pin_errors["current"].text() == "Votre mot de passe actuel n'est pas le bon."

        screen.pin.setText("4821")
        screen.pin_again.setText("4821")
        screen.pin_current.setText(TEST_PASSWORD)
        _click(qtbot, screen.set_pin)
        qtbot.waitUntil(
            lambda: screen.pin_state.text() == "Vous avez un code PIN pour les PC.",
            timeout=WAIT_MS,
        )
        assert screen.notice.text().startswith("Votre PIN est enregistré")
        assert screen.pin.text() == "" and screen.pin_current.text() == ""
        assert c.controller.me is not None and c.controller.me.has_pin
        assert c.server.console.repos.staff.find("nadia").has_pin

        screen.pin_current.setText(TEST_PASSWORD)
        c.dialogs.confirm_answer = True
        _click(qtbot, screen.clear_pin)
        qtbot.waitUntil(
            lambda: screen.pin_state.text() == "Vous n'avez pas encore de code PIN pour les PC.",
            timeout=WAIT_MS,
        )
        assert screen.notice.text() == "Votre PIN est supprimé."


def test_my_own_password(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path) as c:
        log_in(qtbot, c.window, "nadia")
        c.window.tabs.setCurrentWidget(c.window.account)
        screen = c.window.account
        screen.password.setText("ma nouvelle phrase")
        screen.password_again.setText("ma nouvelle phrase")
        _click(qtbot, screen.change_password)  # the current one is missing
        assert screen.password_errors["current"].text() == (
            "Tapez votre mot de passe actuel\u00a0: il montre que c'est bien vous."
        )
        screen.current.setText(TEST_PASSWORD)
        _click(qtbot, screen.change_password)
        qtbot.waitUntil(
            lambda: screen.notice.text() == "Votre mot de passe est changé.", timeout=WAIT_MS
        )
        assert c.window.stack.currentWidget() is c.window.tabs  # this login stays
        assert _logs_in(c, "nadia", "ma nouvelle phrase") == 200


def test_the_window_speaks_my_language_and_switches_when_i_change_it(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:  # the desktop's language: French
        speaks(c.server, "nadia", NL)
        log_in(qtbot, c.window, "nadia")
        tabs, index = c.window.tabs, c.window.tab_index
        assert tabs.tabText(index["account"]) == "Mijn account"
        assert tabs.tabText(index["room"]) == "Zaal"
        assert c.window.room.logout.text() == "Afmelden"

        tabs.setCurrentWidget(c.window.account)
        screen = c.window.account
        screen.display_name.setText("Nadia")
        screen.language.setCurrentIndex(screen.language.findData("en"))
        _click(qtbot, screen.save)
        qtbot.waitUntil(lambda: tabs is not c.window.tabs, timeout=WAIT_MS)
        tabs, screen = c.window.tabs, c.window.account
        assert tabs.tabText(index["account"]) == "My account"
        assert tabs.currentWidget() is screen  # where they were
        qtbot.waitUntil(lambda: screen.notice.text() == "Saved.", timeout=WAIT_MS)
        assert screen.display_name.text() == "Nadia"
        assert c.server.console.repos.staff.find("nadia").language == "en"

        # Logged out: the next colleague finds the desktop's language.
        _click(qtbot, c.window.room.logout)
        qtbot.waitUntil(lambda: c.window.stack.currentWidget() is c.window.login, timeout=WAIT_MS)
        assert c.window.login.submit.text() == "Se connecter"


def test_refusals_are_said_in_words() -> None:
    last_admin = Reply(409, {"detail": "ada is the last enabled admin: make another admin first"})
    assert refusal(last_admin, "change", NL) == (
        "Geweigerd: dit is de laatste beheerder. Geef eerst iemand anders de rol van beheerder."
    )
    taken = Reply(409, {"detail": "the username 'karim' is taken"})
    assert refusal(taken, "create", EN) == "This username is already taken: choose another."
    forbidden = Reply(403, {"detail": "only an admin makes an admin"})
    assert refusal(forbidden, "create", FR).startswith("Votre compte ne peut pas faire ceci")


def test_each_pin_problem_is_said_in_each_staff_language() -> None:
    from admin_console.gui.account import new_pin_problems

    assert new_pin_problems("4821", "4821", FR) == {}
    assert new_pin_problems("4821", "4812", NL) == {"again": "De twee pincodes zijn niet dezelfde."}
    assert new_pin_problems("12", "12", EN) == {"pin": "A PIN has 4 to 12 digits."}
    assert new_pin_problems("9876", "9876", NL)["pin"].startswith("Te makkelijk te raden")
    assert new_pin_problems("48 21", "48 21", FR) == {
        "pin": "Un PIN ne contient que des chiffres (0 à 9)."
    }


def test_the_first_admin_made_in_a_dutch_window_reads_dutch(qtbot: Any, tmp_path: Path) -> None:
    with console(qtbot, tmp_path, NL, staff=False) as c:
        window = c.window
        c.controller.check_first_admin()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_admin, timeout=WAIT_MS)
        screen = window.first_admin
        screen.username.setText("ada")
        screen.password.setText("een lange zin")
        screen.again.setText("een lange zin")
        _click(qtbot, screen.create_button)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: c.server.console.repos.staff.find("ada").language == "nl",
            timeout=WAIT_MS,
        )
        assert c.controller.language is NL
        assert window.tabs.tabText(window.tab_index["account"]) == "Mijn account"


def test_my_own_language_changed_in_the_team_tab_switches_the_window(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path) as c:
        screen = _team(qtbot, c, "marie")
        _choose(qtbot, screen, "marie")
        screen.language.setCurrentIndex(screen.language.findData("nl"))
        _click(qtbot, screen.save)
        qtbot.waitUntil(lambda: c.controller.language is NL, timeout=WAIT_MS)
        tabs = c.window.tabs
        assert tabs.tabText(c.window.tab_index["team"]) == "Team"
        assert tabs.currentWidget() is c.window.team  # where she was
        qtbot.waitUntil(
            lambda: (_row(c.window.team, "marie") or [])[2:4] == ["Coördinator", "Nederlands"],
            timeout=WAIT_MS,
        )
