"""Fixtures of the integration tests that talk to a running agent as its shell would.

Test modules import what they use: ``from conftest_shell import ...`` (pytest puts this
folder on ``sys.path``), as with ``conftest_pg``. A module that uses ``shell`` defines the
``kiosk`` fixture (an ``AgentThread``) the shell connects to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.kiosk_agent import AgentThread, ShellClient

from kiosk.core.protocol import Reply


@pytest.fixture
def shell(kiosk: AgentThread) -> Iterator[ShellClient]:
    """A shell on ``kiosk``'s socket that said hello."""
    with ShellClient(kiosk.socket_path) as client:
        client.hello()
        yield client


def error_code(reply: Reply) -> str | None:
    """The error code the agent answered (None when the request succeeded)."""
    return None if reply.error is None else reply.error.code
