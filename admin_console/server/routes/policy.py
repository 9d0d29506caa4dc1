"""The kiosks' policy: the one in force, a new version pushed to every PC, the history."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from admin_console.api.policy import PolicyChange, PolicyHistoryItem, PolicyState
from admin_console.server import policy as policy_store
from admin_console.server.auth import Principal
from admin_console.server.console import Console
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
    repos = console.repos
    for site in await run_in_threadpool(repos.sites.all):
        try:
            policy_store.site_policy(new, site.rules)
        except policy_store.InvalidFields as exc:
            raise policy_store.InvalidFields(
                [
                    (name, f"{reason} (in the settings of the site {site.name})")
                    for name, reason in exc.problems
                ]
            ) from exc
    data = policy_store.as_data(new)
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
    await push_policy(console, who, None)
    return _policy_state(policy_store.PolicyInForce(record.version, new, record))


async def push_policy(console: Console, who: Principal, site_id: int | None) -> None:
    """Send each PC online (of ``site_id``, or of every site) the policy of its site, unless
    it runs it already; a PC offline gets it at its next hello."""
    repos = console.repos
    made: dict[int, policy_store.SitePolicy | None] = {}
    for kiosk_id in console.hub.online_ids():
        kiosk = await run_in_threadpool(repos.kiosks.get, kiosk_id)
        if kiosk is None or kiosk.revoked_at is not None:
            continue
        if site_id is not None and kiosk.site_id != site_id:
            continue
        if kiosk.site_id not in made:
            made[kiosk.site_id] = await run_in_threadpool(console.hub.policy_of, kiosk.site_id)
        current = made[kiosk.site_id]
        if current is None or kiosk.policy_version == current.policy.version:
            continue
        note = {"version": current.network_version, "policy_version": current.policy.version}
        await dispatch(
            console,
            kiosk,
            CommandAction.POLICY_UPDATE,
            {},
            who,
            wait=False,
            payload={"policy": current.data},
            note=note,
        )


@router.get("/api/policy/history", responses=problems(401, 403))
def policy_history(console: ConsoleDep, _who: Manager) -> list[PolicyHistoryItem]:
    """Every version of the policy set at the console, newest first."""
    history = console.repos.policies.history()
    return [PolicyHistoryItem.model_validate(r, from_attributes=True) for r in history]
