"""The console's setup: the EPN's name and address, and the first run's finish."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.setup import SetupChange, SetupState
from admin_console.server.db.repositories.setup import SetupRecord
from admin_console.server.routes.deps import Admin, ConsoleDep, Staff, problems
from epn_shared.json_log import event as log_event

logger = logging.getLogger("admin_console.api")
router = APIRouter()


def _state(record: SetupRecord) -> SetupState:
    return SetupState(
        epn_name=record.epn_name,
        address=record.address,
        finished_at=record.finished_at,
        finished_by=record.finished_by,
    )


@router.get("/api/setup", responses=problems(401))
def setup(console: ConsoleDep, _who: Staff) -> SetupState:
    """The EPN's name and address, and whether the first run was finished (any staff: the
    name is in every window's title)."""
    return _state(console.repos.setup.get())


@router.put("/api/setup", responses=problems(401, 403))
async def change_setup(console: ConsoleDep, body: SetupChange, who: Admin) -> SetupState:
    """Keep the EPN's name and address; ``finished`` marks the first run done (kept once)."""
    name = who.staff.username
    record = await run_in_threadpool(
        console.repos.setup.put,
        body.epn_name,
        body.address,
        name if body.finished else None,
        console.clock.now(),
    )
    await run_in_threadpool(
        console.auth.audit, name, "setup_changed", detail="finished" if body.finished else ""
    )
    log_event(logger, "setup_changed", finished=record.finished_at is not None)
    return _state(record)
