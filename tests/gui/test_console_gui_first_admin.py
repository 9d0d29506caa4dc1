"""The first admin account in the real window against a real console with no account:
the window opens on it instead of the login, each field is checked with the console's
rules and the reason said in French under it, and once made the window goes on logged in
as that admin, into the first-run assistant. If someone made an account meanwhile, the
window goes back to the login and says so."""

from __future__ import annotations

from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from console_support import WAIT_MS, console
from PySide6.QtCore import Qt

from admin_console.api.staff import Role
from admin_console.gui.first_admin_view import FirstAdminScreen, account_problems
from policies import Language

NBSP = "\u00a0"


def _fill(screen: FirstAdminScreen, username: str, password: str, again: str) -> None:
    screen.username.setText(username)
    screen.password.setText(password)
    screen.again.setText(again)


def test_the_rules_as_typed_are_the_consoles() -> None:
    fr = Language.FR
    assert account_problems("", "une phrase longue", "une phrase longue", fr) == {
        "username": "Donnez un identifiant."
    }
    assert account_problems("ada", "court", "court", fr) == {
        "password": f"Le mot de passe est trop court{NBSP}: au moins 8 caractères."
    }
    assert account_problems("Ada Lovelace", "ada lovelace", "ada lovelace", fr) == {
        "password": "Le mot de passe ne peut pas être l'identifiant."
    }
    assert account_problems("ada", "une phrase longue", "une phrase longe", fr) == {
        "again": "Les deux mots de passe ne sont pas les mêmes."
    }
    assert account_problems("ada", "une phrase longue", "une phrase longue", fr) == {}


def _open_first_admin(qtbot: Any, c: Any) -> None:
    """The window of a console with no account, on the console machine: the first admin."""
    c.controller.check_first_admin()
    qtbot.waitUntil(lambda: c.window.stack.currentWidget() is c.window.first_admin, timeout=WAIT_MS)


def test_a_console_with_no_account_opens_on_the_first_admin_and_goes_on_logged_in(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path, staff=False) as c:
        window = c.window
        _open_first_admin(qtbot, c)
        screen = window.first_admin
        # Too short: said under the password, nothing sent.
        _fill(screen, "Ada Lovelace", "court", "court")
        qtbot.mouseClick(screen.create_button, Qt.MouseButton.LeftButton)
        assert screen.errors["password"].isVisible()
        assert screen.errors["password"].text().startswith("Le mot de passe est trop court")
        assert c.server.console.repos.staff.count() == 0
        # Typed twice differently: said under the second.
        _fill(screen, "Ada Lovelace", "une phrase longue", "une phrase longe")
        qtbot.mouseClick(screen.create_button, Qt.MouseButton.LeftButton)
        assert not screen.errors["password"].isVisible()
        assert screen.errors["again"].text() == "Les deux mots de passe ne sont pas les mêmes."
        _fill(screen, "Ada Lovelace", "une phrase longue", "une phrase longue")
        qtbot.mouseClick(screen.create_button, Qt.MouseButton.LeftButton)
        # Logged in as that admin, straight into the first-run assistant.
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=WAIT_MS)
        assert (c.controller.username, c.controller.role) == ("Ada Lovelace", "admin")
        assert screen.password.text() == "" and screen.again.text() == ""
        found = c.server.console.repos.staff.credentials("Ada Lovelace")
        assert found is not None and found.record.role == "admin"


def test_an_account_made_meanwhile_sends_the_window_back_to_the_login(
    qtbot: Any, tmp_path: Path
) -> None:
    with console(qtbot, tmp_path, staff=False) as c:
        window = c.window
        _open_first_admin(qtbot, c)
        # The installer's way, from a terminal, while the window waited.
        c.server.add_staff("root-made", Role.ADMIN, login=False)
        _fill(window.first_admin, "Ada Lovelace", "une phrase longue", "une phrase longue")
        qtbot.mouseClick(window.first_admin.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=WAIT_MS)
        assert window.login.error.text() == (
            f"Un compte existe déjà sur cette console{NBSP}: connectez-vous."
        )
        assert c.server.console.repos.staff.count() == 1


def test_a_window_on_another_computer_is_told_where_the_first_account_is_made(
    qtbot: Any, tmp_path: Path
) -> None:
    # The console machine is 127.0.0.2 alone: this window, on 127.0.0.1, is elsewhere.
    elsewhere = (IPv4Network("127.0.0.2/32"),)
    with console(qtbot, tmp_path, staff=False, console_machine=elsewhere) as c:
        window = c.window
        c.controller.check_first_admin()
        qtbot.waitUntil(lambda: window.login.error.text() != "", timeout=WAIT_MS)
        assert window.login.error.text().startswith(
            "Le premier compte ne peut être créé que sur l'ordinateur de la console."
        )
        assert window.stack.currentWidget() is window.login
