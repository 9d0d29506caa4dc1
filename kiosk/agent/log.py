"""Structured logging: one JSON object per line on stderr, so tools and tests can read it.

Code logs through the standard ``logging`` module with an ``event`` name and ``fields``
(see :func:`event`); only the service's ``main`` installs the JSON formatter. Never pass a
ticket code or a PIN as a field.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import IO, Any


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log the event ``name`` with its fields."""
    logger.log(level, name, extra={"event": name, "fields": fields})


class JsonFormatter(logging.Formatter):
    """``{"ts": ..., "level": ..., "event": ..., <fields>, "traceback": ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        """One line of JSON for ``record``."""
        data: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", None) or "message",
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if data["event"] == "message" or record.getMessage() != data["event"]:
            data["message"] = record.getMessage()
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def install(stream: IO[str] | None = None, level: int = logging.INFO) -> logging.Handler:
    """Send the agent's logs as JSON lines to ``stream`` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kiosk")
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
