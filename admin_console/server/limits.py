"""Request rates: a token bucket per client, in front of every door a stranger can knock at.

The doors are the routes that answer without a staff login: ``/api/login``,
``/api/first-admin``, ``/api/enroll`` and ``/api/pair/*``, the PCs' ``/api/kiosk/*`` and the
``/ws/kiosk`` and ``/ws/staff`` handshakes. Who pays for a request:

- a request carrying the token of an enrolled PC (or, on ``/ws/staff``, of a logged-in
  staff member) pays from that token's own bucket, so a room of PCs behind one address is
  never held back by a visitor's laptop on the same network, nor by each other;
- anything else (no token, a made-up one) pays from its client address's bucket (an IPv6
  client by its /64, which one machine gets whole). A successful enrollment is given back:
  only an admin's one-time code makes one.

An empty bucket answers 429 with ``Retry-After`` and the API's error body, before any work
(for a WebSocket, as the HTTP answer to its handshake). The buckets live in memory (a
stranger cannot restart the console) and the oldest are forgotten past
:data:`MAX_CLIENTS`, so a flood of addresses cannot grow the server either.

Also here: a ``token`` in a query string is blanked before anything reads or logs it; the
console takes tokens in the ``Authorization`` header only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from admin_console.server.clock import Clock
from admin_console.server.errors import StorageError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_CLIENTS = 10_000
"""Buckets kept per kind; past this the least recently used is forgotten."""

KIOSK_PATHS = ("/api/kiosk/", "/ws/kiosk")
ANONYMOUS_PATHS = ("/api/login", "/api/first-admin", "/api/enroll", "/api/pair/", "/ws/staff")
GIVEN_BACK = ("/api/enroll", "/api/pair/finish")
"""Where a 201 gives the request back: only an admin's one-time code makes one."""


@dataclass(frozen=True)
class Rate:
    """A bucket of ``burst`` requests, refilled at ``per_second``."""

    burst: int
    per_second: float


@dataclass(frozen=True)
class RateLimits:
    """The console's request rates (``ServerSettings.rate_limits``)."""

    address: Rate = Rate(burst=30, per_second=0.5)
    """Requests without a known token, per client address: a staff member typing, an admin
    enrolling PCs, a laptop guessing (30 at once, then one every 2 s)."""
    kiosk: Rate = Rate(burst=60, per_second=1.0)
    """Requests of one enrolled PC: its reconnections, ticket and member checks."""
    staff: Rate = Rate(burst=30, per_second=1.0)
    """Staff socket handshakes per logged-in token (the GUI reconnects after a drop)."""


def client_key(host: str | None) -> str:
    """The bucket name of a client address: itself, or for IPv6 its /64."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """One bucket per key at a :class:`Rate`, on the console's clock (tests move it)."""

    def __init__(self, rate: Rate, clock: Clock, max_keys: int = MAX_CLIENTS) -> None:
        self._rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self._rate.burst), now)
            self._buckets[key] = bucket
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            elapsed = max(0.0, now - bucket.at)
            bucket.tokens = min(
                float(self._rate.burst), bucket.tokens + elapsed * self._rate.per_second
            )
            bucket.at = now
        return bucket

    def take(self, key: str) -> int:
        """Take one request from ``key``'s bucket: 0 if allowed, else whole seconds to wait."""
        with self._lock:
            bucket = self._bucket(key, self._now())
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0
            return max(1, math.ceil((1.0 - bucket.tokens) / self._rate.per_second))

    def give_back(self, key: str) -> None:
        """Return one request to ``key``'s bucket (it turned out to cost nothing)."""
        with self._lock:
            bucket = self._bucket(key, self._now())
            bucket.tokens = min(float(self._rate.burst), bucket.tokens + 1.0)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


def _blank_query_token(scope: Scope) -> None:
    # In place: uvicorn logs the request line from this very dict.
    raw = scope.get("query_string", b"")
    if b"token" not in raw:
        return
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    if any(name.lower() == "token" for name, _ in pairs):
        kept = [(n, "" if n.lower() == "token" else v) for n, v in pairs]
        scope["query_string"] = urlencode(kept).encode("latin-1")
        scope["epn.query_token"] = True


class RateLimitMiddleware:
    """The ASGI middleware that charges each request to its bucket (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: RateLimits,
        clock: Clock,
        kiosk_of: Callable[[str], int | None],
        staff_of: Callable[[str], str | None],
    ) -> None:
        self.app = app
        self.addresses = TokenBuckets(limits.address, clock)
        self.kiosks = TokenBuckets(limits.kiosk, clock)
        self.staff = TokenBuckets(limits.staff, clock)
        self._kiosk_of = kiosk_of
        self._staff_of = staff_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Charge, then pass the request on (or answer 429)."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        _blank_query_token(scope)
        path: str = scope.get("path", "")
        is_kiosk = path.startswith(KIOSK_PATHS)
        if not is_kiosk and not path.startswith(ANONYMOUS_PATHS):
            await self.app(scope, receive, send)
            return
        buckets, key = await self._payer(scope, path, is_kiosk)
        wait = buckets.take(key)
        if wait:
            await _refuse(scope, receive, send, wait)
            return
        if path not in GIVEN_BACK:
            await self.app(scope, receive, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                buckets.give_back(key)
            await send(message)

        await self.app(scope, receive, watch)

    async def _payer(self, scope: Scope, path: str, is_kiosk: bool) -> tuple[TokenBuckets, str]:
        token = _bearer(scope)
        if token is not None and (is_kiosk or path == "/ws/staff"):
            lookup = self._kiosk_of if is_kiosk else self._staff_of
            with contextlib.suppress(StorageError):
                # The same indexed lookup the route makes next; a database down makes the
                # address pay, and the route answers 503.
                found = await asyncio.to_thread(lookup, token)
                if found is not None:
                    return (self.kiosks if is_kiosk else self.staff), str(found)
        client = scope.get("client")
        return self.addresses, client_key(client[0] if client else None)


async def _refuse(scope: Scope, receive: Receive, send: Send, wait: int) -> None:
    body = json.dumps({"detail": f"too many requests: try again in {wait} s"}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(wait).encode()),
    ]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": 429, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1013})


def declare_rate_limited(document: dict[str, Any]) -> dict[str, Any]:
    """Declare, in place, the 429 Problem of every rate-limited operation of ``document``."""
    answer = {
        "description": "Too many requests from this client: wait Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for path, item in document.get("paths", {}).items():
        if not path.startswith(KIOSK_PATHS + ANONYMOUS_PATHS):
            continue
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                operation.setdefault("responses", {}).setdefault("429", answer)
    return document
