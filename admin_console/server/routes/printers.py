"""The printers CUPS knows on the console machine, and a test page sent to one: for the
managers who choose the room's printer (the choice itself is the policy's
``printing.printer_uri``, kept with ``PUT /api/policy``)."""

from __future__ import annotations

import base64
import binascii
import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.printers import TEST_PAGE_MAX_BYTES, PrinterList, PrintTestPage, SentTestPage
from admin_console.server.errors import InvalidInput
from admin_console.server.routes.deps import ConsoleDep, Manager, problems
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.api")
router = APIRouter()

TEST_PAGE_TITLE = "EPN Kiosk test page"


@router.get("/api/printers", responses=problems(401, 403, 502))
async def printers(console: ConsoleDep, _who: Manager) -> PrinterList:
    """The console's print queues, then the printers CUPS finds on the network (a search
    of a few seconds; ``network_search`` says if it was cut short). 502 when CUPS on the
    console machine does not answer."""
    return await run_in_threadpool(console.printers.printers)


@router.post("/api/printers/test-page", status_code=201, responses=problems(401, 403, 409, 502))
async def test_page(console: ConsoleDep, body: PrintTestPage, who: Manager) -> SentTestPage:
    """Print a test page (a PDF) on the printer at ``uri``, through the console's queue for
    it (409 when there is none); the answer is the job CUPS accepted."""
    try:
        pdf = base64.b64decode(body.pdf, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("pdf", "must be base64") from exc
    if not pdf.startswith(b"%PDF-") or len(pdf) > TEST_PAGE_MAX_BYTES:
        raise InvalidInput("pdf", f"must be a PDF of at most {TEST_PAGE_MAX_BYTES} bytes")
    queue = await run_in_threadpool(console.printers.queue_for, body.uri)
    job = await run_in_threadpool(console.printers.print_pdf, queue, pdf, TEST_PAGE_TITLE)
    name = who.staff.username
    await run_in_threadpool(console.auth.audit, name, "test_page_printed", detail=f"{queue}-{job}")
    log_event(logger, "test_page_printed", queue=queue, job_id=job)
    return SentTestPage(job_id=job, queue=queue)
