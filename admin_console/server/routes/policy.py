"""The kiosks' policy: the one in force, a new version pushed to every PC, the history."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.policy import PolicyChange, PolicyHistoryItem, PolicyState
from admin_console.server import policy as policy_store
from admin_console.server.routes.deps import Animator, ConsoleDep, Manager, problems
from admin_console.server.routes.kiosks import dispatch
from epn_shared.json_log import event as log_event
from epn_shared.protocol import CommandAction

logger = logging.getLogger("admin_console.api")
router = APIRouter()


def _policy_state(found: policy_store.PolicyInForce) -> PolicyState:
    record = found.record
    return PolicyState(
        version=found.version,
        policy=policy_store.as_data(found.policy),
        policy_version=found.policy.version,
        changed_at=record.changed_at if record else None,
        changed_by=record.changed_by if record else None,
    )


@router.get("/api/policy", responses=problems(401, 403))
def policy(console: ConsoleDep, _who: Animator) -> PolicyState:
    """The kiosks' policy in force (version 0: the bundled default, never changed)."""
    return _policy_state(policy_store.in_force(console.repos.policies.current()))


@router.put("/api/policy", responses=problems(401, 403))
async def change_policy(console: ConsoleDep, body: PolicyChange, who: Manager) -> PolicyState:
    """A new policy (all of it, or what differs from the bundled default): checked, kept
    as a new version and pushed to every PC online; a bad field changes nothing."""
    new = policy_store.validate(body.policy)
    data = policy_store.as_data(new)
    repos = console.repos
    record = await run_in_threadpool(
        repos.policies.add, data, new.version, who.staff.username, console.clock.now()
    )
    await run_in_threadpool(
        console.auth.audit,
        who.staff.username,
        "policy_changed",
        detail=f"version {record.version} ({record.policy_version})",
    )
    log_event(logger, "policy_changed", version=record.version, policy=new.version)
    note = {"version": record.version, "policy_version": record.policy_version}
    for kiosk_id in console.hub.online_ids():
        kiosk = await run_in_threadpool(repos.kiosks.get, kiosk_id)
        if kiosk is None or kiosk.revoked_at is not None:
            continue
        if kiosk.policy_version == record.policy_version:
            continue
        await dispatch(
            console,
            kiosk,
            CommandAction.POLICY_UPDATE,
            {},
            who,
            wait=False,
            payload={"policy": data},
            note=note,
        )
    return _policy_state(policy_store.PolicyInForce(record.version, new, record))


@router.get("/api/policy/history", responses=problems(401, 403))
def policy_history(console: ConsoleDep, _who: Manager) -> list[PolicyHistoryItem]:
    """Every version of the policy set at the console, newest first."""
    history = console.repos.policies.history()
    return [PolicyHistoryItem.model_validate(r, from_attributes=True) for r in history]
