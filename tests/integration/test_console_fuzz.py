"""API fuzzing of the whole OpenAPI document with schemathesis, against a real console over
a real socket, on SQLite and on PostgreSQL: once per role (animator, manager, admin), once
with a PC's token (its /api/kiosk/* routes) and once without credentials. Valid and
invalid requests generated from the document itself; every answer must be no 5xx, have a
status the document declares, and a body, content type and headers that follow it.

Bounded and deterministic: a fixed number of examples per operation and generation mode,
derandomized (the same requests every run), no example database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from conftest_pg import module_database_url, postgres
from helpers.console_server import ConsoleServer
from helpers.room_printers import room_cups
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from admin_console.server.auth import Role
from admin_console.server.clock import FakeClock

__all__ = ["module_database_url", "postgres"]

EXAMPLES = int(os.environ.get("EPN_FUZZ_EXAMPLES", "6"))
"""Examples per operation and generation mode (valid, invalid)."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


def _checks(case: schemathesis.Case) -> list[Any]:
    """The checks for one generated request: all of them, but "invalid data is refused"
    only when the invalid part reaches the server. The test sends the caller's own
    ``Authorization`` header over the generated one, and a query value that is an empty list
    or object is not sent at all: such a "negative" request arrives valid, and a 200 is
    right."""
    meta = case.meta
    if meta is None or meta.generation.mode is not GenerationMode.NEGATIVE:
        return CHECKS
    mutations = getattr(meta.phase.data, "mutations", ())

    def reaches_the_server(mutation: Any) -> bool:
        where, name = mutation.parameter_location, mutation.parameter
        if where is ParameterLocation.HEADER and str(name).lower() == "authorization":
            return False
        if where is ParameterLocation.QUERY and name is not None:
            return (case.query or {}).get(name) not in (None, [], {})
        return True

    if mutations and not any(reaches_the_server(m) for m in mutations):
        return [check for check in CHECKS if check is not negative_data_rejection]
    return CHECKS


@dataclass(frozen=True)
class Caller:
    """Who the fuzzed requests come from, and which operations they try."""

    name: str
    token: str | None
    kiosk_only: bool = False


@pytest.fixture(scope="module")
def module_server(
    module_database_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """One console per database for the module, whose CUPS is a private cupsd with a room
    queue (the printer routes run CUPS's tools: a CUPS that answers is no 5xx); commands to
    an absent PC give up after 0.2 s."""
    folder = tmp_path_factory.mktemp("console")
    with (
        room_cups() as cups,
        ConsoleServer(
            folder, database_url=module_database_url, command_wait=0.2, cups_server=cups.socket
        ) as running,
    ):
        yield running


@pytest.fixture(scope="module")
def callers(module_server: ConsoleServer) -> dict[str, Caller]:
    admin = module_server.add_staff("ada", Role.ADMIN)
    manager = module_server.add_staff("mia", Role.MANAGER)
    animator = module_server.add_staff("ana", Role.ANIMATOR)
    _kiosk_id, kiosk_token = module_server.enroll(admin, "PC-01")
    with module_server.client(manager) as http:
        made = http.post("/api/members", json={"card": "EPN-0001", "pin": "1234"})
        assert made.status_code == 201, made.text
    return {
        "kiosk": Caller("kiosk", kiosk_token, kiosk_only=True),
        "anonymous": Caller("anonymous", None),
        "animator": Caller("animator", animator.token),
        "manager": Caller("manager", manager.token),
        "admin": Caller("admin", admin.token),
    }


def _fuzz(console: ConsoleServer, caller: Caller) -> list[str]:
    """Every failure found for ``caller``, one text each (empty: none)."""
    config = schemathesis.Config()
    # The caller's token is sent as given; generated bearer tokens would only test 401s.
    config.projects.get_default().generation.update(with_security_parameters=False)
    schema = schemathesis.openapi.from_url(f"{console.url}/openapi.json", config=config, timeout=10)
    headers = {"Authorization": f"Bearer {caller.token}"} if caller.token else {}
    clock = console.clock
    assert isinstance(clock, FakeClock)
    failures: list[str] = []
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        path = operation.path
        if caller.kiosk_only and not path.startswith("/api/kiosk/"):
            continue
        if caller.token and not caller.kiosk_only and path == "/api/logout":
            continue  # the role's token must live through its whole run
        tried += 1
        # An operation that takes nothing (GET /api/first-admin) has no invalid request.
        takes = any(True for _ in operation.iter_parameters()) or bool(
            operation.get_request_payload_content_types()
        )
        modes = (
            (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            if takes
            else (GenerationMode.POSITIVE,)
        )
        for mode in modes:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                # Two seconds of the console's clock per request: the per-address rate
                # limit (one every 2 s) lets each through instead of answering 429 to all
                # but the first 30; well within the 12 hours a token lives.
                clock.advance(seconds=2)
                case.call_and_validate(
                    base_url=console.url, headers=headers, checks=_checks(case), timeout=10
                )

            try:
                run()
            except Exception as exc:
                failures.append(f"{caller.name} {operation.label} ({mode.value}): {exc}")
    assert tried > 0, "no operation was fuzzed"
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("who", ["kiosk", "anonymous", "animator", "manager", "admin"])
def test_fuzzing_the_api_finds_no_5xx_and_no_answer_off_the_schema(
    module_server: ConsoleServer, callers: dict[str, Caller], who: str
) -> None:
    failures = _fuzz(module_server, callers[who])
    assert not failures, "\n\n".join(failures)
