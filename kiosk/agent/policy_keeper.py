"""The policy in force: read at start, again when its file changes, or pushed by the
console; a bad one is logged with every bad field and the last good one stays in force."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path, PurePosixPath
from typing import Any

from epn_shared.files import write_atomically
from epn_shared.json_log import event
from kiosk.agent.config import AgentConfig
from kiosk.agent.errors import StartRefused
from kiosk.agent.policy_source import PolicySource
from kiosk.agent.printing.coordinator import PrintCoordinator
from kiosk.core.engine import SessionEngine
from policies import FieldProblem, InvalidPolicy, Policy, policy_from_data

log = logging.getLogger(__name__)


def _policy_rejected(exc: InvalidPolicy, level: int, kept: str) -> None:
    """Log a refused policy file: every bad field with its reason, and what stays in force."""
    event(
        log,
        "policy_rejected",
        level,
        source=exc.source,
        problems=[str(p) for p in exc.problems],
        kept=kept,
    )


def first_policy(source: PolicySource) -> Policy:
    """The policy to start with; :class:`StartRefused` when it is bad."""
    try:
        return source.load()
    except InvalidPolicy as exc:
        _policy_rejected(exc, logging.ERROR, kept="nothing: not starting")
        raise StartRefused(f"cannot start: {exc}") from exc


def initial_policy_source(config: AgentConfig) -> PolicySource:
    """The last good policy the console pushed, if any and still valid; else the file."""
    cached = config.console_policy_path
    if cached.exists():
        source = PolicySource(cached)
        try:
            source.load()
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.WARNING, kept=str(config.policy_path or "bundled"))
        else:
            return source
    return PolicySource(config.policy_path)


@dataclasses.dataclass(eq=False)
class PolicyKeeper:
    """Puts policies in force: in the engine, in the print meter, in the browsers' files."""

    config: AgentConfig
    source: PolicySource
    engine: SessionEngine
    printing: PrintCoordinator

    @property
    def version(self) -> str:
        """The version of the policy in force."""
        return self.engine.policy.version

    def reload(self) -> bool:
        """Read the policy again; a bad one is logged and the last good stays in force."""
        try:
            policy = self._usable(self.source.load(), self.source.describe())
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.WARNING, kept=self.version)
            return False
        self._apply(policy, self.source.describe())
        return True

    def from_console(self, data: dict[str, Any]) -> str | None:
        """Put in force a policy the console pushed and keep it for the next start; on a
        bad one keep the last good policy and return what is wrong (each bad field named)."""
        try:
            policy = self._usable(policy_from_data(data, "(console)"), "(console)")
        except InvalidPolicy as exc:
            _policy_rejected(exc, logging.WARNING, kept=self.version)
            return "; ".join(str(p) for p in exc.problems)
        path = self.config.console_policy_path
        try:
            _write_policy_cache(policy, path)
        except OSError as exc:
            # In force now all the same; after a restart the last saved one applies.
            event(log, "policy_cache_failed", logging.ERROR, error=str(exc))
        else:
            self.source = PolicySource(path)
        self._apply(policy, "console")
        return None

    def _usable(self, policy: Policy, source: str) -> Policy:
        """``policy`` if this PC can follow it; :class:`InvalidPolicy` naming the field if
        not (a printer whose CUPS backend this PC lacks)."""
        problem = self.printing.printer_problem(policy)
        if problem is not None:
            field, _, reason = problem.partition(": ")
            raise InvalidPolicy(source, (FieldProblem(field, reason),))
        return policy

    def _apply(self, policy: Policy, source: str) -> None:
        """Put ``policy`` in force: sessions, printing prices and quotas, browser policies."""
        self.engine.set_policy(policy)
        self.printing.set_policy(policy)
        self.write_browser_policies()
        event(log, "policy_loaded", source=source, version=policy.version)

    def write_browser_policies(self) -> None:
        """Under ``lockdown_root``, the browsers' policy files follow the policy in force; the
        next browser started reads them. A failure is logged; the agent goes on."""
        root = self.config.lockdown_root
        if root is None:
            return
        from kiosk.lockdown import LockdownError, write_lockdown  # noqa: PLC0415
        from kiosk.lockdown.session import browser_files  # noqa: PLC0415

        policy = self.engine.policy
        try:
            home = PurePosixPath(self.config.home_dir.as_posix())
            written = write_lockdown(root, browser_files(policy, home))
        except LockdownError as exc:
            event(log, "browser_policies_failed", logging.ERROR, error=str(exc))
            return
        if written:
            event(log, "browser_policies_written", version=policy.version, files=len(written))


def _write_policy_cache(policy: Policy, path: Path) -> None:
    """Keep a policy from the console for the next start (atomically)."""
    import yaml  # noqa: PLC0415 (only when the console sends a policy)

    text = yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True)
    write_atomically(path, text, mode=0o644)
