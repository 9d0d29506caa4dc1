"""The staff window and the console server agree on the API: every call the window makes
(its table, ``admin_console.gui.calls``) is an operation of the server's real OpenAPI
document, and the answer the server documents for it is the JSON schema of the model the
window reads it with."""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.console_server import ConsoleServer
from pydantic import TypeAdapter

import admin_console.gui
from admin_console.api.room import KioskTile
from admin_console.gui import calls


@pytest.fixture(scope="module")
def document() -> Iterator[dict[str, Any]]:
    """The OpenAPI document a running console serves (the same on every database)."""
    folder = Path(tempfile.mkdtemp(prefix="epn-console-"))
    with ConsoleServer(folder) as running:
        answer = httpx.get(f"{running.url}/openapi.json", timeout=10)
    shutil.rmtree(folder, ignore_errors=True)
    answer.raise_for_status()
    yield answer.json()


def _inline(schema: Any, definitions: dict[str, Any], prefix: str) -> Any:
    """``schema`` with every ``$ref`` replaced by what it names (the models are not
    recursive), so two documents that name their parts differently compare equal; without
    defaults, which FastAPI leaves out of an answer's schema (the server sends every
    field, and which fields are required is compared)."""
    if isinstance(schema, list):
        return [_inline(item, definitions, prefix) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(prefix)
        return _inline(definitions[name], definitions, prefix)
    return {k: _inline(v, definitions, prefix) for k, v in schema.items() if k not in _LEFT_OUT}


_LEFT_OUT = {"$defs", "default"}


def _success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (status,) = [s for s in operation["responses"] if s.startswith("2")]
    return status, operation["responses"][status]


def _documented(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operations = document["paths"].get(path)
    assert operations is not None, f"the server has no path {path}"
    assert method.lower() in operations, f"the server has no {method} {path}"
    operation: dict[str, Any] = operations[method.lower()]
    return operation


def _schema_of(document: dict[str, Any], response: dict[str, Any]) -> Any:
    schema = copy.deepcopy(response["content"]["application/json"]["schema"])
    schema.pop("title", None)  # FastAPI names a list answer after its route
    return _inline(schema, document["components"]["schemas"], "#/components/schemas/")


def _model_schema(model: Any) -> Any:
    schema = TypeAdapter(model).json_schema(mode="serialization")
    return _inline(schema, schema.get("$defs", {}), "#/$defs/")


@pytest.mark.parametrize("call", calls.CALLS, ids=lambda c: f"{c.method} {c.path}")
def test_each_call_of_the_window_is_an_operation_answered_with_its_model(
    document: dict[str, Any], call: calls.Call[Any]
) -> None:
    operation = _documented(document, call.method, call.path)
    status, response = _success(operation)
    if call.reply is None:
        assert status == "204" and "content" not in response
    elif call.reply is bytes:
        assert "text/csv" in response["content"]
    else:
        assert _schema_of(document, response) == _model_schema(call.reply)


def test_the_room_of_the_staff_socket_is_the_documented_room(document: dict[str, Any]) -> None:
    # The socket is not in the document; GET /api/kiosks answers what its frames carry.
    _, response = _success(_documented(document, "GET", "/api/kiosks"))
    assert _schema_of(document, response) == _model_schema(list[KioskTile])


def test_the_window_sends_no_request_outside_its_table() -> None:
    gui = Path(admin_console.gui.__file__).parent
    raw = {
        f"{source.name}:{n}"
        for source in sorted(gui.glob("*.py"))
        for n, line in enumerate(source.read_text().splitlines(), 1)
        if re.search(r"\.request\(", line)
    }
    # The client's own send() is the one place a request is made from a call.
    assert len(raw) == 1 and next(iter(raw)).startswith("client.py:")
