"""A small Qt-native client of the console: REST through ``QNetworkAccessManager``, the live
room through ``QWebSocket``; no threads, no asyncio.

TLS is pinned: the certificate store is emptied so every handshake reports its errors, and
they are ignored only when the peer certificate's SHA-256 is the fingerprint staff were
given; anything else aborts before a byte of the request (or the token) is sent. Plain HTTP
is possible only when the caller says so (tests, a console on the same machine).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QByteArray, QCryptographicHash, QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkReply,
    QNetworkRequest,
    QSslCertificate,
    QSslConfiguration,
    QSslError,
)
from PySide6.QtWebSockets import QWebSocket, QWebSocketProtocol

from admin_console.gui import calls

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_MS = 10_000
"""Longer than the console's own wait for a PC's answer (5 s), so we hear ``pending``."""
RECONNECT_DELAYS_MS = (250, 500, 1000, 2000, 5000)
POLICY_VIOLATION = 1008
"""Close code of the staff socket when the token is refused."""


class ConsoleGuiError(Exception):
    """Base of the errors the console GUI raises on purpose."""


class EndpointError(ConsoleGuiError):
    """The console's address or fingerprint cannot be used."""


def normalise_fingerprint(value: str) -> str:
    """``AB:cd:...`` or ``abcd...`` → lowercase hex pairs joined by colons."""
    digits = "".join(c for c in value.lower() if c in "0123456789abcdef")
    if len(digits) != 64 or len(digits) != len(value.replace(":", "").replace(" ", "")):
        raise EndpointError("the fingerprint must be 64 hex digits (SHA-256), colons allowed")
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


def certificate_fingerprint(certificate: QSslCertificate) -> str:
    """The SHA-256 of a certificate's DER form, as :func:`normalise_fingerprint` writes it."""
    digest = certificate.digest(QCryptographicHash.Algorithm.Sha256)
    return ":".join(f"{b:02x}" for b in bytes(digest.data()))


def pin_matches(certificate: QSslCertificate, pinned: str) -> bool:
    """True if ``certificate`` is the pinned one (a null certificate never is)."""
    return not certificate.isNull() and certificate_fingerprint(certificate) == pinned


@dataclass(frozen=True)
class Endpoint:
    """Where the console is and how to trust it."""

    url: str
    fingerprint: str | None

    @classmethod
    def parse(cls, url: str, fingerprint: str | None, insecure_http: bool = False) -> Endpoint:
        """Check the combination: HTTPS needs a fingerprint; HTTP needs ``insecure_http``."""
        parts = urlsplit(url.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise EndpointError(f"not a console address: {url!r} (https://HOST:PORT)")
        base = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme == "http":
            if not insecure_http:
                raise EndpointError("plain HTTP sends passwords in clear: use https://")
            return cls(base, None)
        if not fingerprint:
            raise EndpointError("give the console's certificate fingerprint (--fingerprint)")
        return cls(base, normalise_fingerprint(fingerprint))

    @property
    def ws_url(self) -> str:
        """The WebSocket base URL."""
        return "wss" + self.url[5:] if self.url.startswith("https") else "ws" + self.url[4:]


class Failure(StrEnum):
    """Why a request got no HTTP answer."""

    UNREACHABLE = "unreachable"
    TLS_MISMATCH = "tls_mismatch"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer (``status`` > 0, ``body`` parsed JSON) or a ``failure``."""

    status: int
    body: Any
    failure: Failure | None = None
    raw: bytes = b""
    """The body as received (a CSV export is not JSON)."""

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return self.failure is None and 200 <= self.status < 300

    @property
    def detail(self) -> str:
        """The console's ``detail`` message, if any."""
        if isinstance(self.body, dict):
            return str(self.body.get("detail", ""))
        return ""

    @property
    def code(self) -> str | None:
        """The console's stable error ``code``, if the answer has one."""
        if isinstance(self.body, dict) and isinstance(self.body.get("code"), str):
            return str(self.body["code"])
        return None

    @property
    def fields(self) -> dict[str, str]:
        """For a 422: each bad field (dotted path) with the console's reason."""
        found: dict[str, str] = {}
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        for error in errors if isinstance(errors, list) else ():
            if isinstance(error, dict) and error.get("field"):
                found[str(error["field"])] = str(error.get("message", ""))
        return found


def _ssl_configuration() -> QSslConfiguration:
    config = QSslConfiguration.defaultConfiguration()
    # No trusted authority at all: every handshake goes through the pin check.
    config.setCaCertificates([])
    return config


class ConsoleClient(QObject):
    """REST calls on the console, each answered by a callback with a :class:`Reply`."""

    def __init__(self, endpoint: Endpoint, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.token: str | None = None
        self._manager = QNetworkAccessManager(self)
        self._pending: dict[QNetworkReply, tuple[Callable[[Reply], None], list[bool]]] = {}

    def request(self, method: str, path: str, body: Any, done: Callable[[Reply], None]) -> None:
        """Send ``method path`` with a JSON ``body`` (None: no body); ``done`` gets the reply."""
        request = QNetworkRequest(QUrl(self.endpoint.url + path))
        request.setTransferTimeout(REQUEST_TIMEOUT_MS)
        request.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
        if self.token:
            request.setRawHeader(b"Authorization", f"Bearer {self.token}".encode())
        if self.endpoint.fingerprint is not None:
            request.setSslConfiguration(_ssl_configuration())
        data = QByteArray(json.dumps(body).encode()) if body is not None else QByteArray()
        reply = self._manager.sendCustomRequest(request, method.encode(), data)
        mismatch = [False]
        self._pending[reply] = (done, mismatch)
        reply.sslErrors.connect(lambda errors, r=reply: self._check_pin(r, errors, mismatch))
        reply.finished.connect(lambda r=reply: self._finished(r))

    def _check_pin(
        self, reply: QNetworkReply, errors: list[QSslError], mismatch: list[bool]
    ) -> None:
        pinned = self.endpoint.fingerprint
        peer = reply.sslConfiguration().peerCertificate()
        if pinned is not None and pin_matches(peer, pinned):
            reply.ignoreSslErrors(errors)
            return
        mismatch[0] = True
        log.warning("console certificate refused: %s", certificate_fingerprint(peer))
        reply.abort()

    def _finished(self, reply: QNetworkReply) -> None:
        done, mismatch = self._pending.pop(reply)
        reply.deleteLater()
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if mismatch[0]:
            done(Reply(0, None, Failure.TLS_MISMATCH))
            return
        if not isinstance(status, int):
            done(Reply(0, None, Failure.UNREACHABLE))
            return
        raw = bytes(reply.readAll().data())
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = {"detail": raw[:200].decode(errors="replace")}
        done(Reply(status, body, raw=raw))

    def send(
        self,
        call: calls.Call[Any],
        body: Any,
        done: Callable[[Reply], None],
        query: calls.Query | None = None,
        **params: object,
    ) -> None:
        """Send one of the window's :mod:`~admin_console.gui.calls` (its path filled with
        ``params``); ``done`` gets the reply, to read with :func:`calls.read_reply`."""
        self.request(call.method, call.url(query, **params), body, done)

    def logout(self) -> None:
        """Forget the token here and on the console."""
        if self.token:
            self.send(calls.LOGOUT, None, lambda _reply: None)
        self.token = None


class RoomFeed(QObject):
    """The staff socket: the whole room, then each change; reconnects by itself."""

    room = Signal(list)
    """Every PC (list of JSON objects), at each (re)connection."""
    pc = Signal(dict)
    """One PC changed."""
    gone = Signal(int)
    """A PC left the staff member's sites (moved to a site they do not work at): its id."""
    live = Signal(bool)
    """Connected (True) or lost and reconnecting (False)."""
    refused = Signal(str)
    """The console refused the token (expired): log in again. Reconnecting stops."""
    tls_mismatch = Signal()
    stopped = Signal()
    """:meth:`stop` was called: whatever polls alongside the room stops too."""
    clock = Signal(str, bool)
    """The console's time when it sent a frame (ISO 8601), and whether the frame was the
    room of a new connection."""

    def __init__(self, endpoint: Endpoint, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self._token: str | None = None
        self._attempt = 0
        self._socket: QWebSocket | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._open)
        self._connected = False

    def start(self, token: str) -> None:
        """Connect with ``token`` and keep connected until :meth:`stop`."""
        self._token = token
        self._attempt = 0
        self._open()

    def stop(self) -> None:
        """Close and stop reconnecting."""
        self._token = None
        self._timer.stop()
        self._drop()
        self.stopped.emit()

    @property
    def connected(self) -> bool:
        """True while the socket is open."""
        return self._connected

    def _drop(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None:
            socket.disconnected.disconnect()
            socket.abort()
            socket.deleteLater()
        self._set_live(False)

    def _set_live(self, value: bool) -> None:
        if value != self._connected:
            self._connected = value
            self.live.emit(value)

    def _open(self) -> None:
        if self._token is None:
            return
        self._drop()
        socket = QWebSocket("", QWebSocketProtocol.Version.VersionLatest, self)
        self._socket = socket
        if self.endpoint.fingerprint is not None:
            socket.setSslConfiguration(_ssl_configuration())
        socket.sslErrors.connect(lambda errors, s=socket: self._check_pin(s, errors))
        socket.connected.connect(self._opened)
        socket.disconnected.connect(lambda s=socket: self._closed(s))
        socket.textMessageReceived.connect(self._message)
        # The token goes in the handshake's Authorization header: an address (with a
        # query string) ends up in logs and proxies, a header does not.
        request = QNetworkRequest(QUrl(f"{self.endpoint.ws_url}/ws/staff"))
        request.setRawHeader(b"Authorization", f"Bearer {self._token}".encode())
        socket.open(request)

    def _check_pin(self, socket: QWebSocket, errors: list[QSslError]) -> None:
        pinned = self.endpoint.fingerprint
        peer = socket.sslConfiguration().peerCertificate()
        if pinned is not None and pin_matches(peer, pinned):
            socket.ignoreSslErrors(errors)
            return
        log.warning("console certificate refused: %s", certificate_fingerprint(peer))
        self._token = None  # never retry against a certificate that is not the console's
        socket.abort()
        self.tls_mismatch.emit()

    def _opened(self) -> None:
        self._attempt = 0
        self._set_live(True)

    def _closed(self, socket: QWebSocket) -> None:
        if socket is not self._socket:
            return
        code = socket.closeCode()
        self._socket = None
        socket.deleteLater()
        self._set_live(False)
        if code == QWebSocketProtocol.CloseCode(POLICY_VIOLATION):
            self._token = None
            self.refused.emit(socket.closeReason())
            return
        if self._token is None:
            return
        delay = RECONNECT_DELAYS_MS[min(self._attempt, len(RECONNECT_DELAYS_MS) - 1)]
        self._attempt += 1
        self._timer.start(delay)

    def _message(self, message: str) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            log.warning("staff socket: a frame that is not JSON")
            return
        if not isinstance(data, dict):
            return
        if isinstance(data.get("now"), str):
            self.clock.emit(data["now"], data.get("type") == "room")
        if data.get("type") == "room" and isinstance(data.get("kiosks"), list):
            self.room.emit(data["kiosks"])
        elif data.get("type") == "kiosk" and isinstance(data.get("kiosk"), dict):
            self.pc.emit(data["kiosk"])
        elif data.get("type") == "kiosk_gone" and type(data.get("kiosk_id")) is int:
            self.gone.emit(data["kiosk_id"])


__all__ = [
    "ConsoleClient",
    "ConsoleGuiError",
    "Endpoint",
    "EndpointError",
    "Failure",
    "Reply",
    "RoomFeed",
]
