"""Structured logs: one JSON object per line on stderr, so tools and tests can read them (the
kiosk agent's, the console server's and uvicorn's).

Code logs through the standard ``logging`` module with :func:`event` (a name and fields);
only a program's ``main`` calls :func:`install`. Never pass a password, a token, a pairing
code, a ticket code or a PIN as a field. As a second line of defence the formatter blanks
what looks like a credential in any line, whoever logged it (at debug level the WebSocket
library logs each handshake's headers): ``Bearer <token>`` and ``token=<value>``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from collections.abc import Iterable
from typing import IO, Any

from pythonjsonlogger import json

# A value of 8 characters or more: tokens are 43, and "a bearer token" stays readable.
_CREDENTIAL = re.compile(r"(?i)(bearer\s+|token=)[^\s\"'&,;\\]{8,}")


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log the event ``name`` with its fields."""
    logger.log(level, name, extra={"event": name, "fields": fields})


class JsonFormatter(json.JsonFormatter):
    """``{"ts": ..., "level": ..., "logger": ..., "event": ..., <fields>, "message": ...,
    "traceback": ...}`` with credentials blanked.

    ``event`` is ``"message"`` for a line not logged with :func:`event`; ``message`` is
    there when it says more than the event's name; ``traceback`` when an exception is
    logged. Other ``extra`` attributes are left out: libraries add objects there (uvicorn a
    coloured copy of the message, websockets the connection) that would only be noise.
    """

    def __init__(self) -> None:
        super().__init__(json_default=str, json_ensure_ascii=False)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        """The line's fields, in the order a reader wants them."""
        name = getattr(record, "event", None) or "message"
        log_data["ts"] = dt.datetime.fromtimestamp(record.created).astimezone().isoformat()
        log_data["level"] = record.levelname.lower()
        log_data["logger"] = record.name
        log_data["event"] = name
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            log_data.update(fields)
        message = record.getMessage()
        if name == "message" or message != name:
            log_data["message"] = message
        if message_dict.get("exc_info"):
            log_data["traceback"] = message_dict["exc_info"]

    def serialize_log_record(self, log_data: dict[str, Any]) -> str:
        """The line of JSON, credentials blanked."""
        return redact(super().serialize_log_record(log_data))


def redact(text: str) -> str:
    """``text`` with bearer tokens and ``token=`` values blanked."""
    return _CREDENTIAL.sub(r"\1[redacted]", text)


def install(
    logger_names: Iterable[str], stream: IO[str] | None = None, level: int = logging.INFO
) -> logging.Handler:
    """Send what the loggers ``logger_names`` (and their children) log as JSON lines to
    ``stream`` (stderr by default), and only there: handlers set up before (uvicorn's) go.

    Every other library's warnings and errors (asyncio's "Task exception was never
    retrieved", httpx, SQLAlchemy, Python's ``warnings``) reach the same stream as JSON
    lines through the root logger, so a process never writes a line of plain text that a
    log reader would have to guess at. Handlers others put on the root logger (a test
    runner's) stay; the one a former call added is replaced."""
    handler = _JsonHandler(stream or sys.stderr)
    for name in logger_names:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _JsonHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler


class _JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing :class:`JsonFormatter` lines (known apart on the root)."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.setFormatter(JsonFormatter())
