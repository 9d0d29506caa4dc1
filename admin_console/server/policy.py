"""The kiosks' policy as set at the console: versions, validation, what is in force.

A change is merged over the bundled default exactly as a policy file is (tables merged, a
list replacing the default's whole) and validated by :mod:`policies`; a bad field is named
(``policy.session.length_minutes: ...``) and nothing changes. Each change is a new numbered
version; version 0 is the bundled default, never changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from admin_console.server.db.repositories.policies import PolicyRecord
from admin_console.server.errors import InvalidInput
from epn_shared.protocol import MAX_FRAME_BYTES
from policies import InvalidPolicy, Policy, default_policy, policy_from_data
from policies.loading import default_policy_data

MAX_POLICY_BYTES = MAX_FRAME_BYTES - 4096
"""A policy travels in one command frame, with room for the frame's other fields."""


class InvalidFields(InvalidInput):
    """Several bad fields at once (422), each named."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(problems[0][0], problems[0][1])
        self.args = ("; ".join(f"{name}: {reason}" for name, reason in problems),)


@dataclass(frozen=True)
class PolicyInForce:
    """The policy in force and which console version it is (0: the bundled default)."""

    version: int
    policy: Policy
    record: PolicyRecord | None


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base`` as a policy file is read: tables merged, anything else
    (lists included) replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def validate(change: dict[str, Any]) -> Policy:
    """The policy a change gives, merged over the bundled default; :class:`InvalidFields`
    naming each bad field (as ``policy.<dotted field>``)."""
    try:
        policy = policy_from_data(merge(default_policy_data(), change), "(console)")
    except InvalidPolicy as exc:
        raise InvalidFields([(f"policy.{p.field}", p.reason) for p in exc.problems]) from exc
    size = len(json.dumps(as_data(policy), ensure_ascii=False).encode())
    if size > MAX_POLICY_BYTES:
        raise InvalidFields(
            [
                (
                    "policy",
                    f"{size} bytes is too large to send to the PCs (at most {MAX_POLICY_BYTES}): "
                    "shorten the house rules, closures or web lists",
                )
            ]
        )
    return policy


def as_data(policy: Policy) -> dict[str, Any]:
    """A policy as plain JSON data that :func:`policies.policy_from_data` reads back."""
    data: dict[str, Any] = policy.model_dump(mode="json")
    return data


def in_force(record: PolicyRecord | None) -> PolicyInForce:
    """The policy of the newest stored version, or the bundled default."""
    if record is None:
        return PolicyInForce(0, default_policy(), None)
    return PolicyInForce(record.version, policy_from_data(record.data, "(console)"), record)


SITE_SETTINGS = ("name", "opening_hours", "printing", "extra_house_rules")
"""What a site sets for its own PCs over the network's policy: the room's name, its opening
hours and closures, its printing (prices, pages, printer) and house rules of its own."""


def site_policy(network: Policy, rules: dict[str, Any]) -> Policy:
    """The policy of a site's PCs: the network's, with the site's own settings merged over
    it and its house rules after the network's. :class:`InvalidFields` names each bad
    field as ``site.<dotted field>``; the site's earlier settings stay."""
    unknown = sorted(set(rules) - set(SITE_SETTINGS))
    if unknown:
        allowed = ", ".join(SITE_SETTINGS)
        raise InvalidFields(
            [(f"site.{k}", f"not a setting of a site ({allowed})") for k in unknown]
        )
    extra = rules.get("extra_house_rules", [])
    if not isinstance(extra, list):
        raise InvalidFields([("site.extra_house_rules", "a list of house rules")])
    data = as_data(network)
    merged = merge(data, {k: v for k, v in rules.items() if k != "extra_house_rules"})
    shared = list(data["house_rules"]["rules"])
    merged["house_rules"] = {**merged["house_rules"], "rules": [*shared, *extra]}
    try:
        policy = policy_from_data(merged, "(site)")
    except InvalidPolicy as exc:
        raise InvalidFields(
            [_site_problem(p.field, p.reason, len(shared)) for p in exc.problems]
        ) from exc
    size = len(json.dumps(as_data(policy), ensure_ascii=False).encode())
    if size > MAX_POLICY_BYTES:
        raise InvalidFields(
            [("site", f"{size} bytes is too large to send to the PCs (at most {MAX_POLICY_BYTES})")]
        )
    return policy


def _site_problem(field: str, reason: str, shared: int) -> tuple[str, str]:
    """A problem of the merged policy, named as the site's field that caused it: a rule
    after the network's ``shared`` ones is one of the site's extra house rules."""
    found = _RULE_FIELD.match(field)
    if found is not None and int(found[1]) >= shared:
        return f"site.extra_house_rules[{int(found[1]) - shared}]{found[2]}", reason
    if field == "house_rules.rules":
        return "site.extra_house_rules", reason
    return f"site.{field}", reason


_RULE_FIELD = re.compile(r"^house_rules\.rules\[(\d+)\](.*)$")


@dataclass(frozen=True)
class SitePolicy:
    """The policy a site's PCs run, and the network's version it was made from."""

    policy: Policy
    data: dict[str, Any]
    network_version: int


def for_site(record: PolicyRecord | None, rules: dict[str, Any]) -> SitePolicy | None:
    """What a site's PCs must run: the network's policy in force with the site's settings;
    None while neither was ever set (the PCs run their own bundled default). Settings that
    no longer fit a newer network policy are left out, never the PCs' whole policy."""
    if record is None and not rules:
        return None
    network = in_force(record)
    try:
        policy = site_policy(network.policy, rules)
    except InvalidFields:
        policy = network.policy
    return SitePolicy(policy, as_data(policy), network.version)
