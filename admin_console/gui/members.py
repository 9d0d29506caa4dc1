"""Members (managers and admins): a card number, a PIN, an optional daily allowance and
nickname — never a name. List, create, change, reset a PIN, ban until a day, unban."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import Signal

from admin_console.gui import i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section, api_error
from policies import Language


@dataclass(frozen=True)
class MemberRow:
    """A member as listed (``MemberModel``)."""

    card: str
    nickname: str | None
    daily_allowance_minutes: int | None
    banned_until: dt.date | None
    ban_reason: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MemberRow:
        """Read one entry of ``GET /api/members``."""
        until = data.get("banned_until")
        allowance = data.get("daily_allowance_minutes")
        return cls(
            card=str(data["card"]),
            nickname=str(data["nickname"]) if data.get("nickname") else None,
            daily_allowance_minutes=int(allowance) if isinstance(allowance, int) else None,
            banned_until=dt.date.fromisoformat(until) if isinstance(until, str) else None,
            ban_reason=str(data["ban_reason"]) if data.get("ban_reason") else None,
        )

    def banned_on(self, today: dt.date) -> bool:
        """True while the ban lasts (its last day included)."""
        return self.banned_until is not None and self.banned_until >= today


def member_cells(row: MemberRow, today: dt.date, language: Language) -> list[str]:
    """One line of the members table: card, nickname, allowance, ban."""
    allowance = (
        i18n.text("members.no_limit", language)
        if row.daily_allowance_minutes is None
        else f"{row.daily_allowance_minutes} min"
    )
    ban = ""
    if row.banned_on(today) and row.banned_until is not None:
        ban = i18n.text(
            "members.banned_until",
            language,
            day=f"{row.banned_until:%d/%m/%Y}",
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
        self.rows: list[MemberRow] = []

    def today(self) -> dt.date:
        """The EPN's day, in the GUI machine's local time."""
        return self.now().astimezone().date()

    def load(self) -> None:
        """List every member; ``listed`` follows."""
        self.call("GET", "/api/members", None, self._listed)

    def _listed(self, reply: Reply) -> None:
        entries = reply.body if isinstance(reply.body, list) else []
        self.rows = [MemberRow.from_json(e) for e in entries]
        self.listed.emit()

    def _bad_field(self, reply: Reply) -> bool:
        if reply.status != 422:
            return False
        fields = reply.fields
        name = next(iter(fields), "")
        self.refused_field.emit(name, api_error(reply, self.language))
        return True

    def _done(self, key: str, card: str) -> Any:
        def ok(_reply: Reply) -> None:
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

        def ok(reply: Reply) -> None:
            self.created.emit(card)
            done(reply)

        self.call("POST", "/api/members", body, ok, self._bad_field)

    def change(self, card: str, allowance_minutes: int | None, nickname: str | None) -> None:
        """Set the allowance (None: no limit) and the nickname (empty: none)."""
        body = {
            "daily_allowance_minutes": allowance_minutes or None,
            "nickname": (nickname or "").strip() or None,
        }
        self.call(
            "PATCH", self._path(card), body, self._done("members.changed", card), self._bad_field
        )

    def reset_pin(self, card: str, pin: str) -> None:
        """Give the member a new PIN."""
        self.call(
            "PATCH",
            self._path(card),
            {"pin": pin.strip()},
            self._done("members.pin_reset", card),
            self._bad_field,
        )

    def ban(self, card: str, until: dt.date, reason: str) -> None:
        """Refuse this card at every PC until ``until`` (inclusive), saying why."""
        body = {"until": until.isoformat(), "reason": reason.strip()}
        self.call(
            "POST",
            self._path(card) + "/ban",
            body,
            self._done("members.banned", card),
            self._bad_field,
        )

    def unban(self, card: str) -> None:
        """Lift the ban."""
        self.call("POST", self._path(card) + "/unban", None, self._done("members.unbanned", card))

    @staticmethod
    def _path(card: str) -> str:
        return f"/api/members/{quote(card.strip(), safe='')}"
