"""What every part of the console GUI shares: turning a failed call into a sentence, and a
base for the small controllers of each tab (tickets, members, help, usage, policy).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from admin_console.gui import i18n
from admin_console.gui.calls import BAD_REPLY, Call, Query, read_reply
from admin_console.gui.client import ConsoleClient, Failure, Reply
from admin_console.gui.viewmodel import reason_text
from policies import Language

Now = Callable[[], dt.datetime]
T = TypeVar("T")

_STATUS_CODES = {403: "forbidden", 404: "not_found", 409: "conflict"}


_CHECKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"greater than or equal to (-?\d+)"), "check.at_least"),
    (re.compile(r"less than or equal to (-?\d+)"), "check.at_most"),
    (re.compile(r"at least (\d+) characters?"), "check.min_length"),
    (re.compile(r"at most (\d+) characters?"), "check.max_length"),
    (re.compile(r"should match pattern"), "check.pattern"),
    (re.compile(r"[Ff]ield required"), "check.required"),
    (re.compile(r"should be a valid integer"), "check.integer"),
)


def check_text(message: str, language: Language) -> str:
    """A field check the console reports in English (pydantic's words), in staff's words
    when it is one of the usual ones; otherwise as it came."""
    for pattern, key in _CHECKS:
        found = pattern.search(message)
        if found:
            return i18n.text(key, language, n=found.group(1) if found.groups() else "")
    return message


def api_error(reply: Reply, language: Language) -> str:
    """The sentence for a call that did not succeed: the network, then a stable ``code`` in
    staff's words, then the console's own ``detail``."""
    if reply.failure is Failure.TLS_MISMATCH:
        return i18n.text("net.tls_mismatch", language)
    if reply.failure is not None:
        return i18n.text("net.unreachable", language)
    code = reply.code or _STATUS_CODES.get(reply.status)
    detail = reason_text(code, reply.detail, language) if code else reply.detail
    if reply.code is None and reply.status == 422 and reply.fields:
        # A bad field: named, with the reason in staff's words when it is a usual one.
        detail = "; ".join(f"{f}: {check_text(m, language)}" for f, m in reply.fields.items())
    return i18n.text("net.error", language, detail=detail or f"HTTP {reply.status}")


class Section(QObject):
    """A tab's controller: calls the console and keeps what the tab shows."""

    failed = Signal(str)
    """A call failed: the sentence to show."""
    expired = Signal()
    """The console refused the token: the main controller logs out."""

    def __init__(
        self, client: ConsoleClient, language: Language, now: Now, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.language = language
        self.now = now
        self._asked: dict[str, int] = {}
        """For each ``latest`` kind of call, the number of the last one sent."""

    def call(
        self,
        call: Call[T],
        ok: Callable[[T], None],
        *,
        body: object = None,
        refused: Callable[[Reply], bool] | None = None,
        query: Query | None = None,
        latest: str | None = None,
        **params: object,
    ) -> None:
        """Send ``call`` (its path filled with ``params``); ``ok`` gets a 2xx answer read
        as the call's model. Otherwise (an error, or an answer that is not the model)
        ``refused`` may handle the answer (return True), else ``failed`` says what went
        wrong.

        With ``latest``, only the answer to the last call sent under that name counts: a
        list asked again (another filter, another site) before the first answer came
        shows what was asked last, whichever answer arrives last."""

        sent_with = self.client.token
        number = 0
        if latest is not None:
            number = self._asked[latest] = self._asked.get(latest, 0) + 1

        def done(reply: Reply) -> None:
            if latest is not None and self._asked[latest] != number:
                return  # asked again since: this answer is for a view no longer shown
            if reply.status == 401:
                # Only a refusal of the login in use ends it: an answer to a request sent
                # before the staff member logged in again says nothing of the new login.
                if self.client.token == sent_with:
                    self.expired.emit()
                return
            value = read_reply(call, reply)
            if value is not BAD_REPLY:
                ok(value)
            elif refused is None or not refused(reply):
                self.failed.emit(
                    i18n.text("net.bad_reply", self.language)
                    if reply.ok
                    else api_error(reply, self.language)
                )

        self.client.send(call, body, done, query, **params)
