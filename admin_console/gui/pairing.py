"""A new PC's pairing code, asked of the console for staff to type on the PC (the PC's
staff menu, "Connect this PC to the console"); only admins may make one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.room import PairingCodeResponse
from admin_console.gui import calls, i18n
from admin_console.gui.client import Failure, Reply
from admin_console.gui.tab_controller import Section, api_error


class PairingDesk(Section):
    """Asks for one code at a time; ``made`` or ``refused`` follows."""

    made = Signal(object)
    """A :class:`PairingCodeResponse`."""
    refused = Signal(str)
    """No code: the sentence to show."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asking = False
        self._next: tuple[int | None] | None = None
        """A site asked for while a code was on its way: asked next, the first dropped."""

    def ask(self, site_id: int | None = None) -> None:
        """``POST /api/pairing-codes``, off the window's thread like every call: the PC
        enrolled with the code goes into site ``site_id`` (None: the console's first)."""
        if not self.client.token:
            return
        if self.asking:
            self._next = (site_id,)
            return
        self.asking = True
        body = None if site_id is None else {"site_id": site_id}
        self.call(calls.PAIRING_CODE, self._made, body=body, refused=self._refused)

    def forget(self) -> None:
        """Logged out (or the login expired while asking): the next login asks again."""
        self.asking = False
        self._next = None

    def _made(self, code: PairingCodeResponse) -> None:
        self.asking = False
        if self._next is not None:  # staff chose another site meanwhile: its code instead
            (site_id,), self._next = self._next, None
            self.ask(site_id)
            return
        self.made.emit(code)

    def _refused(self, reply: Reply) -> bool:
        self.asking = False
        self._next = None
        lang = self.language
        if reply.failure is None and reply.status == 403:
            self.refused.emit(i18n.text("pairing.forbidden", lang))
        elif reply.failure is not None and reply.failure is not Failure.TLS_MISMATCH:
            self.refused.emit(i18n.text("net.unreachable", lang))
        elif reply.ok:
            self.refused.emit(i18n.text("net.bad_reply", lang))
        else:
            self.refused.emit(api_error(reply, lang))
        return True
