"""The help queue: PCs whose visitor asked for help, oldest first, with how long they wait.

The console also calls staff to a PC itself (``reason``): ``ticket_forged`` when the PC let
in, while the console was away, a ticket code the console never issued.

Refreshed when the staff socket says a PC changed and every few seconds (the waiting time
grows by itself); an animator says "I'm going" (the call is taken) and then "Done", or
cancels a call nobody needs to go to. Either way the console tells the PC, whose bar stops
saying someone is coming: the visitor may ask again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QTimer, Signal

from admin_console.api.help import HelpCallModel
from admin_console.gui import calls, i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section
from policies import Language

REFRESH_MS = 5000


def seconds_waited(call: HelpCallModel, now: dt.datetime) -> int:
    """Seconds the visitor waited: until now, or until someone took the call."""
    if call.taken_at is not None:
        return call.waiting_seconds
    return max(call.waiting_seconds, int((now - call.requested_at).total_seconds()))


def waiting_words(seconds: int, language: Language) -> str:
    """``attend depuis 4 min``; under a minute in words."""
    if seconds < 60:
        return i18n.text("help.waiting_now", language)
    return i18n.counted("help.waiting", language, seconds // 60)


def call_line(call: HelpCallModel, now: dt.datetime, language: Language, me: str | None) -> str:
    """``PC-03 — attend depuis 4 min`` or ``… — nadia y va``; a call of the console's own
    says why first: ``PC-03 — ticket jamais créé accepté hors ligne — …``."""
    waited = waiting_words(seconds_waited(call, now), language)
    if call.reason is not None:
        key = f"help.reason.{call.reason}"
        why = i18n.text(key, language) if key in i18n.TEXTS else call.reason
        waited = f"{why} — {waited}"
    if call.taken_by is None:
        return f"{call.kiosk_name} — {waited}"
    who = (
        i18n.text("help.taken_by_me", language)
        if call.taken_by == me
        else i18n.text("help.taken_by", language, who=call.taken_by)
    )
    return f"{call.kiosk_name} — {waited} · {who}"


class HelpQueue(Section):
    """The open help calls, kept fresh while someone is logged in."""

    changed = Signal()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[HelpCallModel] = []
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self._loading = False
        self._again = False
        self.site_id: int | None = None
        """The one site whose calls are listed (None: all the staff member's sites)."""

    def start(self) -> None:
        """Load now and every few seconds."""
        self.timer.start()
        self.refresh()

    def clear(self) -> None:
        """Stop refreshing and forget the calls (logged out)."""
        self.timer.stop()
        self.calls = []
        self.changed.emit()

    def refresh(self) -> None:
        """Ask the console for the queue (once at a time; a change meanwhile asks again)."""
        if not self.client.token:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        site = None if self.site_id is None else str(self.site_id)
        self.call(calls.HELP_QUEUE, self._loaded, refused=self._not_loaded, query={"site_id": site})

    def _not_loaded(self, _reply: Reply) -> bool:
        self._loading = False
        return False

    def _loaded(self, queue: list[HelpCallModel]) -> None:
        self._loading = False
        self.calls = queue
        self.changed.emit()
        if self._again:
            self._again = False
            self.refresh()

    def take(self, kiosk_id: int) -> None:
        """I'm going to this PC."""

        def taken_already(reply: Reply) -> bool:
            if reply.status != 409:
                return False
            # Two animators pressed at once: the other one goes; the queue says who.
            self.failed.emit(i18n.text("refusal.already_taken", self.language))
            self.refresh()
            return True

        self.call(calls.TAKE_HELP, self._answered, refused=taken_already, kiosk_id=kiosk_id)

    def done(self, kiosk_id: int) -> None:
        """The visitor at this PC was helped."""
        self.call(calls.HELP_DONE, self._answered, kiosk_id=kiosk_id)

    def cancel(self, kiosk_id: int) -> None:
        """Nobody needs to go to this PC (the visitor left, or asked by mistake)."""

        def gone(reply: Reply) -> bool:
            if reply.status != 404:
                return False
            self.refresh()  # closed meanwhile (the session ended): the queue says so
            return True

        self.call(calls.CANCEL_HELP, self._answered, refused=gone, kiosk_id=kiosk_id)

    def _answered(self, _call: HelpCallModel) -> None:
        self.refresh()
