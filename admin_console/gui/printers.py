"""The room's printer as the window chooses it: the printers CUPS knows on the console
machine (asked of the console, which runs CUPS's tools: a search of a few seconds that
never holds the window), a test page sent to one, and what staff typed as an address."""

from __future__ import annotations

import base64
import re
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.printers import PrinterList
from admin_console.gui import calls, i18n
from admin_console.gui.client import Reply
from admin_console.gui.printer_page import printed_test_page
from admin_console.gui.tab_controller import Section, api_error
from policies import Language

TYPED_ADDRESS = re.compile(r"^ipps?://[^\s/?#]+[^\s\x00-\x1f\x7f]*$")
"""An address staff may type: an IPP printer (``ipp://192.168.1.20/ipp/print``)."""


def address_problem(text: str, language: Language) -> str:
    """What is wrong with a typed printer address ('' when it can be used)."""
    address = text.strip()
    if not TYPED_ADDRESS.match(address) or len(address) > 1024:
        return i18n.text("printer.bad_address", language)
    return ""


class PrinterDesk(Section):
    """Lists the printers and sends test pages; each answer comes as a signal."""

    listed = Signal(object)
    """A :class:`PrinterList`."""
    list_failed = Signal(str)
    tested = Signal(object)
    """A :class:`SentTestPage`."""
    test_failed = Signal(str)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.searching = False
        self.last: PrinterList | None = None

    def search(self) -> None:
        """``GET /api/printers`` (the console's search takes a few seconds); ``listed`` or
        ``list_failed`` follows. A search already under way is not asked twice, and none is
        asked logged out (a late answer of the last login's policy must not send one)."""
        if self.searching or not self.client.token:
            return
        self.searching = True
        self.call(calls.PRINTERS, self._listed, refused=self._list_refused)

    def forget(self) -> None:
        """Logged out: the next login looks for printers again."""
        self.last = None
        self.searching = False

    def _listed(self, found: PrinterList) -> None:
        self.searching = False
        self.last = found
        self.listed.emit(found)

    def _list_refused(self, reply: Reply) -> bool:
        self.searching = False
        self.list_failed.emit(self._sentence(reply))
        return True

    def test(self, uri: str, printer_name: str, epn_name: str) -> None:
        """Print the test page on the printer at ``uri``; ``tested`` or ``test_failed``."""
        pdf = printed_test_page(epn_name, printer_name, self.now().astimezone(), self.language)
        body = {"uri": uri, "pdf": base64.b64encode(pdf).decode("ascii")}
        self.call(calls.TEST_PAGE, self.tested.emit, body=body, refused=self._test_refused)

    def _test_refused(self, reply: Reply) -> bool:
        self.test_failed.emit(self._sentence(reply))
        return True

    def _sentence(self, reply: Reply) -> str:
        if reply.failure is None and reply.status == 502:
            return i18n.text("printer.cups_down", self.language)
        if reply.failure is None and reply.status == 409:
            return i18n.text("printer.no_queue", self.language)
        if reply.ok:
            return i18n.text("net.bad_reply", self.language)
        return api_error(reply, self.language)
