"""The team (managers and admins): every staff account, and the changes made to them —
a new account with its first password, a role, a name, a language, a new password, an
account disabled (logged out everywhere, its PIN refused on every PC) or enabled again.

Who may do what is the console's rule; the window only offers what the rule allows (a
manager is never offered the admin role, nobody their own role or their own disabling)
and says each refusal in the staff's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.staff import Role, StaffAccount, StaffList
from admin_console.gui import calls, i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section, api_error
from policies import Language

ROLE_ORDER = (Role.ANIMATOR, Role.MANAGER, Role.ADMIN)
TEAM_LANGUAGES = (Language.FR, Language.NL, Language.EN)
"""The languages a staff member's screens can speak, in the order the window offers them."""


def role_name(role: Role, language: Language) -> str:
    """``Animateur``, ``Responsable``, ``Administrateur``…"""
    return i18n.text(f"team.role.{role.value}", language)


def roles_offered(by: Role) -> tuple[Role, ...]:
    """The roles someone of role ``by`` may give: a manager animators and managers, an
    admin every role."""
    return tuple(r for r in ROLE_ORDER if by.allows(r))


def may_change(by: Role, by_id: int, account: StaffAccount) -> bool:
    """False for an account its viewer may not change at all: an admin's, seen by a
    manager. (One's own account is changed in "My account", but its name and language
    may be changed here too.)"""
    return by.allows(account.role) or account.id == by_id


def shown_name(account: StaffAccount) -> str:
    """The name the PCs greet them with; their username when they gave none."""
    return account.display_name or account.username


def account_cells(account: StaffAccount, language: Language) -> list[str]:
    """One line of the team table: name, username, role, language, PIN, state."""
    return [
        shown_name(account),
        account.username,
        role_name(account.role, language),
        Language(account.language).native_name,
        i18n.text("team.pin_set" if account.has_pin else "team.pin_none", language),
        i18n.text("team.disabled" if account.disabled else "team.active", language),
    ]


def refusal(reply: Reply, context: str, language: Language) -> str:
    """A refused team change in words: a console ``code`` the window knows, else the
    meaning of the status for this ``context`` (``create``, ``change``, ``password``)."""
    key = f"team.refused.{reply.code}" if reply.code else ""
    if key and key in i18n.TEXTS:
        return i18n.text(key, language)
    if reply.failure is None:
        if reply.status == 409:
            return i18n.text(
                "team.refused.username_taken" if context == "create" else "team.refused.last_admin",
                language,
            )
        if reply.status == 403:
            return i18n.text("team.refused.forbidden", language)
        if reply.status == 404:
            return i18n.text("team.refused.not_found", language)
    return api_error(reply, language)


class TeamDesk(Section):
    """The team list and the changes managers and admins make to it."""

    listed = Signal()
    saved = Signal(str)
    """A change went through: a sentence saying which."""
    created = Signal(str)
    """A new account's username: the form can be emptied."""
    refused = Signal(str)
    """A change was refused: the sentence."""
    account_changed = Signal(int)
    """An account was changed (its id): one's own name or language may have changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[StaffAccount] = []

    def forget(self) -> None:
        """Logged out: nothing of the team stays in memory."""
        self.rows = []

    def load(self) -> None:
        """The whole team; ``listed`` follows."""
        self.call(calls.STAFF, self._listed)

    def _listed(self, team: StaffList) -> None:
        self.rows = sorted(team.staff, key=lambda a: (a.disabled, shown_name(a).casefold()))
        self.listed.emit()

    def _refused(self, context: str) -> Callable[[Reply], bool]:
        def handle(reply: Reply) -> bool:
            self.refused.emit(refusal(reply, context, self.language))
            return True

        return handle

    def _done(self, key: str) -> Callable[[StaffAccount], None]:
        def ok(account: StaffAccount) -> None:
            self.saved.emit(i18n.text(key, self.language, name=shown_name(account)))
            self.account_changed.emit(account.id)
            self.load()

        return ok

    def create(
        self, username: str, display_name: str, role: Role, language: Language, password: str
    ) -> None:
        """A new account with its first password (told to the colleague, who changes it)."""
        body = {
            "username": username.strip(),
            "display_name": display_name.strip(),
            "role": role.value,
            "language": language.value,
            "password": password,
        }
        done = self._done("team.created")

        def ok(account: StaffAccount) -> None:
            self.created.emit(account.username)
            done(account)

        self.call(calls.NEW_STAFF, ok, body=body, refused=self._refused("create"))

    def change(
        self,
        staff_id: int,
        *,
        role: Role | None = None,
        display_name: str | None = None,
        language: Language | None = None,
    ) -> None:
        """Set the role, the name or the language (None: left as it is)."""
        body: dict[str, str] = {}
        if role is not None:
            body["role"] = role.value
        if display_name is not None:
            body["display_name"] = display_name.strip()
        if language is not None:
            body["language"] = language.value
        self.call(
            calls.CHANGE_STAFF,
            self._done("team.changed"),
            body=body,
            refused=self._refused("change"),
            staff_id=staff_id,
        )

    def set_disabled(self, staff_id: int, disabled: bool) -> None:
        """Disable the account (logged out everywhere, its PIN refused on every PC) or
        enable it again."""
        self.call(
            calls.CHANGE_STAFF,
            self._done("team.disabled_done" if disabled else "team.enabled_done"),
            body={"disabled": disabled},
            refused=self._refused("change"),
            staff_id=staff_id,
        )

    def reset_password(self, staff_id: int, name: str, password: str) -> None:
        """Give the account a new password (it is logged out everywhere)."""

        def ok(_none: None) -> None:
            self.saved.emit(i18n.text("team.password_done", self.language, name=name))

        self.call(
            calls.RESET_PASSWORD,
            ok,
            body={"password": password},
            refused=self._refused("password"),
            staff_id=staff_id,
        )
