"""The console's setup: the EPN's name and address, and whether its first run was finished."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from admin_console.api.types import RequestBody

EPN_NAME_MAX = 80
ADDRESS_MAX = 300


class SetupState(BaseModel):
    """What the console knows of its EPN. ``finished_at`` empty: the console was never set
    up, and the first-run assistant is shown to an admin at each login."""

    epn_name: str = Field(description="The EPN's name, shown in the console's title.")
    address: str = Field(description="The EPN's postal address, for reports.")
    finished_at: dt.datetime | None = Field(description="When the first run was finished.")
    finished_by: str | None = Field(description="The admin who finished it.")


class SetupChange(RequestBody):
    """The EPN's name and address; ``finished`` marks the first run done. Spaces around
    are dropped: a name of spaces is no name."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    epn_name: str = Field(min_length=1, max_length=EPN_NAME_MAX)
    address: str = Field("", max_length=ADDRESS_MAX)
    finished: bool = Field(False, description="The first-run assistant was completed.")
