"""The staff team: managers and admins make, change, disable and reset the accounts; each
staff member changes their own name, language, password and PIN for the PCs.

One set of rules for the API and the command line: a manager makes and changes animators
and managers, only an admin makes or changes an admin; nobody changes their own role nor
disables themselves; the last enabled admin stays (the repository's transaction); a reset
through the team is for someone else (one's own password needs the current one). Every
change is an audit line saying who did what to whom, never a password or a PIN.

The methods are synchronous (database and argon2 work): the routes run them in worker
threads, then tell the hub what changed (:class:`StaffChanged`): it pushes the new roster
to the PCs and closes the staff connections of an account logged out.
"""

from __future__ import annotations

from dataclasses import dataclass

from admin_console.api.staff import (
    DISPLAY_NAME_MAX,
    USERNAME_MAX,
    Role,
    password_problem,
    password_sentence,
)
from admin_console.server.auth import AuthService, LoginAttempt, Principal
from admin_console.server.db.repositories import Repositories
from admin_console.server.db.repositories.staff import Staff, StaffChanged
from admin_console.server.errors import Forbidden, InvalidInput, NotFound
from epn_shared.protocol import StaffLanguage
from epn_shared.staff_pins import pin_problem, sentence

CONSOLE_COMMAND = "epn-console"
"""Who the audit names for a change made on the console machine's command line."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change: their name in the audit, their role, and their account (None:
    the console's command line, which acts as an admin of no account)."""

    who: str
    role: Role
    staff_id: int | None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The staff member behind a request."""
        return cls(principal.staff.username, principal.role, principal.staff.id)

    @classmethod
    def command_line(cls) -> Actor:
        """The console's own command line (``epn-console staff ...``)."""
        return cls(CONSOLE_COMMAND, Role.ADMIN, None)


def _printable(field: str, value: str) -> str:
    if not value.isprintable():
        raise InvalidInput(field, "letters, digits, spaces and signs only")
    return value


class StaffTeam:
    """The team's accounts, on the repositories and the auth service (hashing, audit)."""

    def __init__(self, repos: Repositories, auth: AuthService) -> None:
        self._repos = repos
        self._auth = auth

    # -- a manager's or admin's work on the team -----------------------------------------

    def team(self, actor: Actor) -> list[Staff]:
        """Every account (managers and admins)."""
        self._need_manager(actor)
        return self._repos.staff.team()

    def create(
        self,
        actor: Actor,
        username: str,
        password: str,
        role: Role,
        *,
        display_name: str = "",
        language: StaffLanguage = "fr",
    ) -> Staff:
        """Make an account; :class:`Forbidden` for an admin account unless ``actor`` is an
        admin, :class:`Conflict` if the username is taken."""
        self._need_manager(actor)
        if role is Role.ADMIN and actor.role is not Role.ADMIN:
            raise Forbidden("only an admin makes an admin account")
        username = _printable("username", username.strip())
        if not 1 <= len(username) <= USERNAME_MAX:
            raise InvalidInput("username", f"a username has 1 to {USERNAME_MAX} characters")
        display_name = self._display_name(display_name)
        self._check_password(username, password)
        staff = self._repos.staff.add(
            username,
            self._auth.hash_password(password),
            role.value,
            self._auth.now(),
            display_name=display_name,
            language=language,
        )
        self._auth.audit(actor.who, "staff_created", detail=f"{username} ({role.value})")
        return staff

    def change(
        self,
        actor: Actor,
        staff_id: int,
        *,
        role: Role | None = None,
        display_name: str | None = None,
        language: StaffLanguage | None = None,
        disabled: bool | None = None,
    ) -> StaffChanged:
        """Change a colleague's account (the fields given). Disabling logs it out
        everywhere (its tokens dropped in the same transaction)."""
        self._need_manager(actor)
        target = self._target(actor, staff_id)
        if role is Role.ADMIN and actor.role is not Role.ADMIN:
            raise Forbidden("only an admin makes an admin")
        if actor.staff_id == staff_id:
            if role is not None and role.value != target.role:
                raise Forbidden("nobody changes their own role: ask another admin")
            if disabled:
                raise Forbidden("you cannot disable your own account")
        if display_name is not None:
            display_name = self._display_name(display_name)
        changed = self._repos.staff.change(
            staff_id,
            role=None if role is None else role.value,
            display_name=display_name,
            language=language,
            disabled=disabled,
        )
        if changed is None:
            raise NotFound(f"no staff account with id {staff_id}")
        self._audit_change(actor, changed)
        return changed

    def reset_password(self, actor: Actor, staff_id: int, password: str) -> Staff:
        """Give a colleague a new password (they forgot theirs): every token of that
        account is dropped, so it is logged out everywhere."""
        self._need_manager(actor)
        target = self._target(actor, staff_id)
        if actor.staff_id == staff_id:
            raise Forbidden("change your own password with your current one (your account)")
        self._check_password(target.username, password)
        if not self._repos.staff.reset_password(staff_id, self._auth.hash_password(password)):
            raise NotFound(f"no staff account with id {staff_id}")
        self._auth.audit(actor.who, "password_reset", detail=target.username)
        return target

    # -- one's own account ---------------------------------------------------------------

    def change_mine(
        self,
        principal: Principal,
        *,
        display_name: str | None = None,
        language: StaffLanguage | None = None,
    ) -> StaffChanged:
        """One's own name for the PCs and language."""
        if display_name is not None:
            display_name = self._display_name(display_name)
        changed = self._repos.staff.change(
            principal.staff.id, display_name=display_name, language=language
        )
        if changed is None:
            raise NotFound("this account no longer exists")
        self._audit_change(Actor.of(principal), changed, own=True)
        return changed

    def change_my_password(
        self, principal: Principal, current: str | None, password: str, attempt: LoginAttempt
    ) -> None:
        """One's own new password, the current one checked (a wrong one counts in the
        login throttle as ``attempt``). The other logins of the account are logged out;
        this one stays."""
        if current is None:
            raise InvalidInput("current_password", "type your current password")
        self._check_current(principal, current, attempt)
        self._check_password(principal.staff.username, password)
        self._repos.staff.change_password(
            principal.staff.id, self._auth.hash_password(password), principal.token_sha256
        )
        self._auth.audit(principal.staff.username, "password_changed")

    def set_my_pin(
        self, principal: Principal, pin: str | None, current: str, attempt: LoginAttempt
    ) -> None:
        """Set (argon2id hash) or clear (None) one's own PIN for the staff key at the PCs,
        the current password checked; the PCs get the new roster."""
        if pin is not None:
            problem = pin_problem(pin)
            if problem is not None:
                raise InvalidInput("pin", sentence(problem))
        self._check_current(principal, current, attempt)
        pin_hash = None if pin is None else self._auth.hash_password(pin)
        if not self._repos.staff.set_pin_hash(principal.staff.id, pin_hash, self._auth.now()):
            raise NotFound("this account no longer exists")
        self._auth.audit(principal.staff.username, "pin_cleared" if pin is None else "pin_set")

    # -- the rules -----------------------------------------------------------------------

    @staticmethod
    def _need_manager(actor: Actor) -> None:
        if not actor.role.allows(Role.MANAGER):
            raise Forbidden(f"this needs the manager role (you are {actor.role.value})")

    def _target(self, actor: Actor, staff_id: int) -> Staff:
        target = self._repos.staff.get(staff_id)
        if target is None:
            raise NotFound(f"no staff account with id {staff_id}")
        if target.role == Role.ADMIN.value and actor.role is not Role.ADMIN:
            raise Forbidden("only an admin changes an admin's account")
        return target

    @staticmethod
    def _display_name(value: str) -> str:
        value = _printable("display_name", value.strip())
        if len(value) > DISPLAY_NAME_MAX:
            raise InvalidInput("display_name", f"at most {DISPLAY_NAME_MAX} characters")
        return value

    @staticmethod
    def _check_password(username: str, password: str) -> None:
        problem = password_problem(username, password)
        if problem is not None:
            raise InvalidInput("password", password_sentence(problem))

    def _check_current(self, principal: Principal, current: str, attempt: LoginAttempt) -> None:
        found = self._repos.staff.credentials(principal.staff.username)
        secret = None if found is None else found.secret_hash
        if not self._auth.verify_secret(secret, current):
            self._auth.audit(principal.staff.username, "password_check_failed")
            raise Forbidden("wrong current password")
        self._auth.throttle.succeeded(attempt)

    def _audit_change(self, actor: Actor, changed: StaffChanged, own: bool = False) -> None:
        before, after = changed.before, changed.staff
        parts = []
        if before.role != after.role:
            parts.append(f"role {before.role} -> {after.role}")
        if before.display_name != after.display_name:
            parts.append(f"name {after.display_name!r}")
        if before.language != after.language:
            parts.append(f"language {after.language}")
        if before.disabled != after.disabled:
            action = "staff_disabled" if after.disabled else "staff_enabled"
        else:
            action = "own_account_changed" if own else "staff_changed"
        if not parts and action in ("staff_changed", "own_account_changed"):
            return  # nothing changed: no line
        detail = after.username + (": " + ", ".join(parts) if parts else "")
        self._auth.audit(actor.who, action, detail=detail)
