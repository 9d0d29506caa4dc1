"""Fixtures of the printing integration tests: a private cupsd with the kiosk's gated queue,
and a real agent printing through it.

Test modules import what they use: ``from conftest_print import ...`` (pytest puts this
folder on ``sys.path``), as with ``conftest_pg``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.agent.printing.testing import PrivateCups
from kiosk.agent.testing import AgentThread, open_all_day_policy


@pytest.fixture
def cups() -> Iterator[PrivateCups]:
    """A private cupsd, stopped by its pid after the test."""
    with PrivateCups() as private:
        yield private


@pytest.fixture
def kiosk(cups: PrivateCups) -> Iterator[AgentThread]:
    """An agent open all day whose print meter watches ``cups``, once printing has started."""
    options = {
        "cups_socket": cups.socket,
        "print_approvals": cups.approvals,
        "print_user": "root",  # the tests submit as root, as the visitor would as themself
    }
    with AgentThread(policy=open_all_day_policy(), config_options=options) as harness:
        harness.wait_until(lambda: harness.agent.meter is not None, 10, "printing to start")
        yield harness
