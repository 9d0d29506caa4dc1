"""Structured logs: one JSON object per line on stderr (the server's and uvicorn's).

Code logs with :func:`event` (a name and fields); only ``main`` installs the formatter.
Never pass a password, a token, a pairing code, a ticket code or a PIN as a field. As a
second line of defence the formatter blanks what looks like a credential in any line,
whoever logged it (at debug level the WebSocket library logs each handshake's headers):
``Bearer <token>`` and ``token=<value>``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from typing import IO, Any

LOGGER_NAMES = ("admin_console", "uvicorn", "uvicorn.error", "uvicorn.access")
# A value of 8 characters or more: tokens are 43, and "a bearer token" stays readable.
_CREDENTIAL = re.compile(r"(?i)(bearer\s+|token=)[^\s\"'&,;\\]{8,}")


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log the event ``name`` with its fields."""
    logger.log(level, name, extra={"event": name, "fields": fields})


class JsonFormatter(logging.Formatter):
    """``{"ts": ..., "level": ..., "event": ..., <fields>, "message": ..., "traceback": ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        """One line of JSON for ``record``."""
        data: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": getattr(record, "event", None) or "message",
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if data["event"] == "message" or record.getMessage() != data["event"]:
            data["message"] = record.getMessage()
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return redact(json.dumps(data, default=str, ensure_ascii=False))


def redact(text: str) -> str:
    """``text`` with bearer tokens and ``token=`` values blanked."""
    return _CREDENTIAL.sub(r"\1[redacted]", text)


def install(stream: IO[str] | None = None, level: int = logging.INFO) -> logging.Handler:
    """Send the server's and uvicorn's logs as JSON lines to ``stream`` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    return handler
