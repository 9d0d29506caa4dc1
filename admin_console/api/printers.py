"""The printers CUPS knows on the console machine, and a test page sent to one of them."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from admin_console.api.types import RequestBody

TEST_PAGE_MAX_BYTES = 512 * 1024
"""Largest test page the console prints (the window's one page is some 30 KB)."""


class PrinterKind(StrEnum):
    """How CUPS knows a printer."""

    QUEUE = "queue"
    """A print queue on the console machine (``lpstat -v``): a test page can go through it."""
    NETWORK = "network"
    """A printer CUPS found on the network or a cable (``lpinfo -v``), with no queue here."""


class Printer(BaseModel):
    """A printer as staff choose it: a readable name, and the address CUPS gives it."""

    uri: str = Field(description="Its device address (``ipp://...``): what the policy keeps.")
    name: str = Field(description="A readable name: the queue's description or make and model.")
    detail: str = Field("", description="Make and model or how it is connected, when known.")
    queue: str | None = Field(None, description="The console's queue that prints to it.")
    kind: PrinterKind
    local: bool = Field(
        False,
        description="Plugged into the console machine (USB, parallel, serial...) or reached "
        "by none but it: the PCs cannot print to it, so it is not the room's printer.",
    )


class NetworkSearch(StrEnum):
    """How the search for printers on the network (``lpinfo -v``) went."""

    DONE = "done"
    TIMED_OUT = "timed_out"
    """CUPS took too long: the queues are listed, found printers may be missing."""
    FAILED = "failed"
    """CUPS refused the search (the console's user may not ask it): queues only."""


class PrinterList(BaseModel):
    """Every printer CUPS knows on the console machine, queues first."""

    printers: list[Printer]
    network_search: NetworkSearch


class PrintTestPage(RequestBody):
    """A one-page PDF (base64) to print on the printer at ``uri``, through the console's
    queue for it."""

    uri: str = Field(min_length=3, max_length=1024)
    pdf: str = Field(
        min_length=8,
        max_length=TEST_PAGE_MAX_BYTES * 4 // 3 + 4,
        description="The test page, a PDF, in base64.",
    )


class SentTestPage(BaseModel):
    """CUPS accepted the test page: its job, on which queue."""

    job_id: int
    queue: str
