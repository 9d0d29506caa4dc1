"""What the HTTP API accepts before a route runs, and what it says when it refuses.

- :class:`BodyLimit` refuses a request body larger than :data:`MAX_BODY_BYTES` with a 413
  before it is read whole (a declared length at once, a chunked one as it comes).
- :func:`declare_errors` writes in the OpenAPI document the error answers every operation
  can give, all in the :class:`~admin_console.api.types.Problem` shape: 422
  everywhere (bad input, the same shape as every other error, not FastAPI's default), 400
  (a body that cannot be parsed, e.g. JSON nested too deep) and 413 (too large) where
  there is a body, and 503 (the database is unavailable) everywhere.
- :func:`plain_query` refuses query parameters an operation does not declare.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.requests import HTTPConnection

MAX_BODY_BYTES = 1024 * 1024
"""Largest request body (a whole policy with its house rules is a few kilobytes)."""
DRAIN_BYTES = 8 * MAX_BODY_BYTES
"""Of a refused body, how much is read (and dropped) before the 413, so that the client,
still sending, reads the answer instead of a reset connection; past it the server hangs
up."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class _TooLarge(Exception):
    pass


def _problem(status: int, detail: str) -> tuple[Message, Message]:
    body = json.dumps({"detail": detail}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes gets a 413 Problem."""

    def __init__(self, app: App, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, refusing its body once it is over the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"a request body is at most {self.limit} bytes"
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await self._refuse(receive, send, detail)
                return
        received = 0
        started = False
        too_large = False

        async def limited() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if too_large:
                # The app caught _TooLarge as a body it could not parse (a 400): say 413.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(receive, send, detail)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except _TooLarge:
            if started:
                raise
            await self._refuse(receive, send, detail)

    @staticmethod
    async def _refuse(receive: Receive, send: Send, detail: str) -> None:
        drained = 0
        while drained < DRAIN_BYTES:
            message = await receive()
            if message["type"] != "http.request":
                break
            drained += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        start, body = _problem(413, detail)
        await send(start)
        await send(body)


_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_DESCRIPTIONS = {
    "400": "The body cannot be parsed (e.g. JSON nested too deep)",
    "413": "The body is too large",
    "422": "Bad input: which field, and why",
    "503": "The console's database is unavailable; try again",
}


def _problem_response(status: str) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": dict(_PROBLEM)}},
    }


def declare_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Declare, in place, the Problem answers each operation of ``document`` can give."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            responses = operation.setdefault("responses", {})
            # Every operation: a query parameter it does not declare is a 422 too.
            responses["422"] = _problem_response("422")
            if operation.get("requestBody"):
                responses.setdefault("400", _problem_response("400"))
                responses.setdefault("413", _problem_response("413"))
            responses.setdefault("503", _problem_response("503"))
    schemas = document.get("components", {}).get("schemas", {})
    text = json.dumps(document.get("paths", {}))
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in text:
            schemas.pop(unused, None)
    return document


def plain_query(connection: HTTPConnection) -> None:
    """A dependency of every route: a query parameter the operation does not declare, one
    given twice, or a NUL character in one, is a 422 (not silently ignored: ``?kiosk=3`` for
    ``?kiosk_id=3`` would give every PC's rows; PostgreSQL cannot store NUL)."""
    if connection.scope["type"] != "http":
        return
    path = getattr(connection.scope.get("route"), "path_format", None)
    document: dict[str, Any] = connection.app.openapi()
    method = str(connection.scope.get("method", "")).lower()
    operation = document.get("paths", {}).get(path, {}).get(method)
    if operation is None:
        return
    known = {p["name"] for p in operation.get("parameters", ()) if p.get("in") == "query"}
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name, value in connection.query_params.multi_items():
        if name not in known:
            message = "not a parameter of this request"
            errors.append({"type": "extra_forbidden", "loc": ("query", name), "msg": message})
        elif name in seen:  # every parameter here is one value: which one would count?
            message = "given more than once"
            errors.append({"type": "value_error", "loc": ("query", name), "msg": message})
        elif "\x00" in value:
            message = "may not contain a NUL character"
            errors.append({"type": "value_error", "loc": ("query", name), "msg": message})
        seen.add(name)
    if errors:
        raise RequestValidationError(errors)
