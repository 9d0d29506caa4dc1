"""The help queue: PCs waiting for an animator, taken, done or cancelled."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class HelpCallModel(BaseModel):
    """A PC in the help queue, or a call just closed."""

    id: int
    kiosk_id: int
    kiosk_name: str
    requested_at: dt.datetime
    waiting_seconds: int = Field(description="From the call until taken (or until now).")
    taken_at: dt.datetime | None
    taken_by: str | None
    done_at: dt.datetime | None
    done_by: str | None
    accompanied_seconds: int | None = Field(description="done - taken, once done.")
    reason: Literal["ticket_forged"] | None = Field(
        None,
        description="None: the visitor asked. ticket_forged: the PC let in, while the console "
        "was away, a ticket code the console never issued; someone should go and look.",
    )
