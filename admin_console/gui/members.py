"""Members (managers and admins): a card number, a PIN, an optional daily allowance and
nickname — never a name. List, create, change, reset a PIN, ban until a day, unban."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.members import MemberModel
from admin_console.gui import calls, formats, i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section, api_error
from policies import Language


def banned_on(member: MemberModel, today: dt.date) -> bool:
    """True while the member's ban lasts (its last day included)."""
    return member.banned_until is not None and member.banned_until >= today


def member_cells(row: MemberModel, today: dt.date, language: Language) -> list[str]:
    """One line of the members table: card, nickname, allowance, ban."""
    allowance = (
        i18n.text("members.no_limit", language)
        if row.daily_allowance_minutes is None
        else formats.minutes(row.daily_allowance_minutes, language)
    )
    ban = ""
    if banned_on(row, today) and row.banned_until is not None:
        ban = i18n.text(
            "members.banned_until",
            language,
            day=formats.day(row.banned_until, language),
            reason=row.ban_reason or "",
        )
    return [row.card, row.nickname or "", allowance, ban]


class MemberDesk(Section):
    """The members list and the changes staff make to it."""

    listed = Signal()
    saved = Signal(str)
    """A change went through: a sentence saying which."""
    created = Signal(str)
    """A new member's card: the form can be emptied."""
    refused_field = Signal(str, str)
    """A 422: the field named by the console and the sentence."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[MemberModel] = []

    def today(self) -> dt.date:
        """The EPN's day, in the GUI machine's local time."""
        return self.now().astimezone().date()

    def load(self) -> None:
        """List every member; ``listed`` follows."""
        self.call(calls.MEMBERS, self._listed)

    def _listed(self, members: list[MemberModel]) -> None:
        self.rows = members
        self.listed.emit()

    def _bad_field(self, reply: Reply) -> bool:
        if reply.status != 422:
            return False
        fields = reply.fields
        name = next(iter(fields), "")
        self.refused_field.emit(name, api_error(reply, self.language))
        return True

    def _done(self, key: str, card: str) -> Callable[[MemberModel], None]:
        def ok(_member: MemberModel) -> None:
            self.saved.emit(i18n.text(key, self.language, card=card))
            self.load()

        return ok

    def create(
        self, card: str, pin: str, allowance_minutes: int | None, nickname: str | None
    ) -> None:
        """A new member."""
        body: dict[str, Any] = {"card": card.strip(), "pin": pin.strip()}
        if allowance_minutes:
            body["daily_allowance_minutes"] = allowance_minutes
        if nickname and nickname.strip():
            body["nickname"] = nickname.strip()
        done = self._done("members.created", card)

        def ok(member: MemberModel) -> None:
            self.created.emit(card)
            done(member)

        self.call(calls.NEW_MEMBER, ok, body=body, refused=self._bad_field)

    def change(self, card: str, allowance_minutes: int | None, nickname: str | None) -> None:
        """Set the allowance (None: no limit) and the nickname (empty: none)."""
        body = {
            "daily_allowance_minutes": allowance_minutes or None,
            "nickname": (nickname or "").strip() or None,
        }
        self._change(calls.CHANGE_MEMBER, card, "members.changed", body)

    def reset_pin(self, card: str, pin: str) -> None:
        """Give the member a new PIN."""
        self._change(calls.CHANGE_MEMBER, card, "members.pin_reset", {"pin": pin.strip()})

    def ban(self, card: str, until: dt.date, reason: str) -> None:
        """Refuse this card at every PC until ``until`` (inclusive), saying why."""
        body = {"until": until.isoformat(), "reason": reason.strip()}
        self._change(calls.BAN, card, "members.banned", body)

    def unban(self, card: str) -> None:
        """Lift the ban."""
        self._change(calls.UNBAN, card, "members.unbanned")

    def _change(
        self, call: calls.Call[MemberModel], card: str, said: str, body: object = None
    ) -> None:
        refused = None if body is None else self._bad_field  # a field can be wrong
        self.call(call, self._done(said, card), body=body, refused=refused, card=card.strip())
