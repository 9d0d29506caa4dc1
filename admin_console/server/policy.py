"""The kiosks' policy as set at the console: versions, validation, what is in force.

A change is merged over the bundled default exactly as a policy file is (tables merged, a
list replacing the default's whole) and validated by :mod:`policies`; a bad field is named
(``policy.session.length_minutes: ...``) and nothing changes. Each change is a new numbered
version; version 0 is the bundled default, never changed.
"""

from __future__ import annotations

import json
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
