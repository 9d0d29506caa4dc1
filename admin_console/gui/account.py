"""My account (every staff member, animators too): one's own name, language, password and
PIN for the PCs' staff key. The rules of a password and of a PIN are checked as typed,
with the console's own rules, and said in words before anything is sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.staff import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Me,
    password_problem,
)
from admin_console.gui import calls, i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section, api_error
from admin_console.gui.viewmodel import locked_minutes
from epn_shared.staff_pins import PIN_DIGITS, pin_problem
from policies import Language


def new_password_problems(
    username: str, password: str, again: str, language: Language
) -> dict[str, str]:
    """What is wrong with a new password typed twice, by field (``password``, ``again``);
    empty when it can be sent."""
    problem = password_problem(username, password)
    if problem is not None:
        limit = MAX_PASSWORD_LENGTH if problem.value == "too_long" else MIN_PASSWORD_LENGTH
        return {"password": i18n.text(f"admin.{problem.value}", language, n=limit)}
    if again != password:
        return {"again": i18n.text("admin.mismatch", language)}
    return {}


def new_pin_problems(pin: str, again: str, language: Language) -> dict[str, str]:
    """What is wrong with a new PIN typed twice, by field (``pin``, ``again``): the PCs'
    own rule (:func:`epn_shared.staff_pins.pin_problem`), in words."""
    problem = pin_problem(pin)
    if problem is not None:
        low, high = PIN_DIGITS
        return {"pin": i18n.text(f"account.pin.{problem.value}", language, low=low, high=high)}
    if again != pin:
        return {"again": i18n.text("account.pin.mismatch", language)}
    return {}


class AccountDesk(Section):
    """Who is logged in (:class:`Me`) and the changes they make to their own account."""

    loaded = Signal()
    """``me`` is known (or changed)."""
    saved = Signal(str)
    """A change went through: the sentence."""
    refused = Signal(str, str)
    """A change was refused: which form (``me``, ``password``, ``pin``) and the sentence."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.me: Me | None = None

    def forget(self) -> None:
        """Logged out."""
        self.me = None

    def load(self, then: Callable[[Me | None], None] | None = None) -> None:
        """Ask who is logged in; ``loaded`` follows, or, when given, ``then`` gets the
        answer (None: the console did not say)."""

        def ok(me: Me) -> None:
            self.me = me
            if then is not None:
                then(me)
            else:
                self.loaded.emit()

        def refused(_reply: Reply) -> bool:
            if then is None:
                return False
            then(None)
            return True

        self.call(calls.ME, ok, refused=refused)

    def _refused(self, form: str) -> Callable[[Reply], bool]:
        def handle(reply: Reply) -> bool:
            self.refused.emit(form, self._sentence(form, reply))
            return True

        return handle

    def _sentence(self, form: str, reply: Reply) -> str:
        key = f"account.refused.{reply.code}" if reply.code else ""
        if key and key in i18n.TEXTS:
            return i18n.text(key, self.language)
        if reply.failure is None and reply.status == 403 and form in ("password", "pin"):
            return i18n.text("account.refused.wrong_password", self.language)
        if reply.failure is None and reply.status == 429:  # too many wrong passwords: it waits
            minutes = locked_minutes(reply.detail, self.now())
            return i18n.counted("login.locked", self.language, minutes)
        if reply.failure is None and reply.status == 422 and form == "pin":
            return i18n.text("account.refused.bad_pin", self.language)
        return api_error(reply, self.language)

    def change(self, display_name: str, language: Language) -> None:
        """Set one's own name and language; ``loaded`` and ``saved`` follow."""

        def ok(me: Me) -> None:
            self.me = me
            self.loaded.emit()  # first: a new language redraws the window
            self.saved.emit(i18n.text("account.saved", self.language))

        body = {"display_name": display_name.strip(), "language": language.value}
        self.call(calls.CHANGE_ME, ok, body=body, refused=self._refused("me"))

    def keep_language(self, language: Language) -> None:
        """Make ``language`` this account's own, without a word (the first admin account,
        made in a window that already spoke it)."""

        def ok(me: Me) -> None:
            self.me = me

        self.call(calls.CHANGE_ME, ok, body={"language": language.value}, refused=lambda _r: True)

    def change_password(self, current: str, password: str) -> None:
        """A new password for one's own account (the current one proves it is them)."""

        def ok(_none: None) -> None:
            self.saved.emit(i18n.text("account.password_done", self.language))

        body = {"password": password, "current_password": current}
        self.call(calls.MY_PASSWORD, ok, body=body, refused=self._refused("password"))

    def set_pin(self, pin: str | None, current: str) -> None:
        """Set one's own PIN for the PCs' staff key (None: clear it)."""

        def ok(_none: None) -> None:
            key = "account.pin_cleared" if pin is None else "account.pin_done"
            self.saved.emit(i18n.text(key, self.language))
            self.load()  # has_pin changed

        body = {"pin": pin, "current_password": current}
        self.call(calls.MY_PIN, ok, body=body, refused=self._refused("pin"))
