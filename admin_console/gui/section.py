"""What every part of the console GUI shares: turning a failed call into a sentence, and a
base for the small controllers of each tab (tickets, members, help, usage, policy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from admin_console.gui import i18n
from admin_console.gui.client import ConsoleClient, Failure, Reply
from admin_console.gui.viewmodel import reason_text
from policies import Language

Now = Callable[[], dt.datetime]

_STATUS_CODES = {403: "forbidden", 404: "not_found", 409: "conflict"}


def api_error(reply: Reply, language: Language) -> str:
    """The sentence for a call that did not succeed: the network, then a stable ``code`` in
    staff's words, then the console's own ``detail``."""
    if reply.failure is Failure.TLS_MISMATCH:
        return i18n.text("net.tls_mismatch", language)
    if reply.failure is not None:
        return i18n.text("net.unreachable", language)
    code = reply.code or _STATUS_CODES.get(reply.status)
    if reply.code is None and reply.status == 422:
        code = None  # a bad field: the console's detail names it
    detail = reason_text(code, reply.detail, language) if code else reply.detail
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

    def call(
        self,
        method: str,
        path: str,
        body: object,
        ok: Callable[[Reply], None],
        refused: Callable[[Reply], bool] | None = None,
    ) -> None:
        """Send a request; ``ok`` gets a 2xx answer. Otherwise ``refused`` may handle the
        answer (return True), else ``failed`` says what went wrong."""

        def done(reply: Reply) -> None:
            if reply.ok:
                ok(reply)
            elif reply.status == 401:
                self.expired.emit()
            elif refused is None or not refused(reply):
                self.failed.emit(api_error(reply, self.language))

        self.client.request(method, path, body, done)
