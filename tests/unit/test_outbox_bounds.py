"""A PC never builds an event the console would refuse for its size: a job of more pages
or money than the protocol allows is reported at the bound, not left unsendable."""

from __future__ import annotations

import datetime as dt

from epn_shared.protocol import (
    MAX_JOB_CENTS,
    MAX_JOB_PAGES,
    Event,
    PrintJobBody,
    decode_kiosk_frame,
)
from kiosk.agent.outbox import print_job_event
from kiosk.agent.printing.meter import Outcome, PrintJobFact

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def test_a_job_past_the_bounds_is_reported_at_the_bounds() -> None:
    fact = PrintJobFact(
        session_id="session-0001",
        outcome=Outcome.REFUSED,
        pages=999 * 5_000,
        sheets=999 * 5_000,
        cost_cents=999 * 5_000 * 50,
        colour=True,
    )
    row = print_job_event(fact, at=AT)
    frame = decode_kiosk_frame(row.frame)
    assert isinstance(frame, Event)
    assert isinstance(frame.body, PrintJobBody)
    assert frame.body.pages == frame.body.sheets == MAX_JOB_PAGES
    assert frame.body.cost_cents == MAX_JOB_CENTS
