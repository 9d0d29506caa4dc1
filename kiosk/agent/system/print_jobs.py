"""The hook that purges the visitor's print jobs and job history at the end of a session.

The print meter (another part of the agent) knows the visitor's CUPS queue; it provides a
real purger. Until it does, the wiper uses :class:`NoPrintJobs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class PrintJobPurger(Protocol):
    """Cancels the visitor's print jobs and purges their files and history."""

    def purge_visitor_jobs(self, user: str) -> int:
        """Cancel and purge every job of ``user`` (spooled documents and job history with
        document names); how many were purged. Must be harmless to call again."""
        ...


class NoPrintJobs:
    """No print system to purge: purges nothing."""

    def purge_visitor_jobs(self, user: str) -> int:
        """Nothing to purge."""
        return 0


@dataclass
class FakePrintJobs:
    """Print jobs for unit tests: user → how many jobs."""

    jobs: dict[str, int] = field(default_factory=dict)

    def purge_visitor_jobs(self, user: str) -> int:
        """Forget the user's jobs; how many there were."""
        return self.jobs.pop(user, 0)
