"""The JSON log lines of the agent and the console: one object a line with the fields tools
and tests read (``event`` and its fields above all), and whatever looks like a credential
blanked, whoever logged it."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from epn_shared.json_log import JsonFormatter, event, install, redact

TOKEN = "8Lamh0fLi9BS2FgFvkZ53pQptI8-maALzwqu9wO5RNc"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the formatter into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.json_log")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_an_event_is_one_line_with_its_name_and_fields(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    event(logger, "session_ended", logging.WARNING, pc="PC-03", seconds=1500, why=Path("/x"))
    (line,) = lines(stream)
    ts = line.pop("ts")
    assert dt.datetime.fromisoformat(ts).tzinfo is not None, "a time without its offset"
    assert line == {
        "level": "warning",
        "logger": "test.json_log",
        "event": "session_ended",
        "pc": "PC-03",
        "seconds": 1500,
        "why": "/x",
    }


def test_a_plain_line_is_a_message_event_and_keeps_its_text(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.info("imprimante %s hors ligne", "Salle-1")
    (line,) = lines(stream)
    assert (line["event"], line["message"]) == ("message", "imprimante Salle-1 hors ligne")


def test_a_logged_exception_carries_its_traceback(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    try:
        raise RuntimeError("disque plein")
    except RuntimeError:
        logger.exception("wipe_failed", extra={"event": "wipe_failed", "fields": {"step": 2}})
    (line,) = lines(stream)
    assert (line["event"], line["step"]) == ("wipe_failed", 2)
    assert "message" not in line
    assert "RuntimeError: disque plein" in line["traceback"]


def test_extras_that_libraries_add_stay_out(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = logged
    logger.info("Started", extra={"color_message": "\x1b[32mStarted\x1b[0m"})
    assert "color_message" not in lines(stream)[0]


def test_install_sends_the_loggers_lines_there_only(tmp_path: Path) -> None:
    names = ("test.json_log.installed", "test.json_log.other")
    before = logging.StreamHandler(io.StringIO())
    logging.getLogger(names[0]).addHandler(before)
    stream = io.StringIO()
    handler = install(names, stream, logging.DEBUG)
    try:
        event(logging.getLogger(f"{names[0]}.child"), "debugged", logging.DEBUG)
        event(logging.getLogger(names[1]), "told")
        assert [line["event"] for line in lines(stream)] == ["debugged", "told"]
        assert logging.getLogger(names[0]).handlers == [handler]
        assert not logging.getLogger(names[0]).propagate
    finally:
        for name in names:
            logging.getLogger(name).handlers = []
        _uninstall_root()


def _uninstall_root() -> None:
    """Undo what :func:`install` did to the root logger and to ``warnings``."""
    logging.captureWarnings(False)
    root = logging.getLogger()
    for h in [h for h in root.handlers if isinstance(h, logging.StreamHandler)]:
        if isinstance(h.formatter, JsonFormatter):
            root.removeHandler(h)


def test_bearer_tokens_and_token_parameters_are_blanked() -> None:
    assert TOKEN not in redact(f"< Authorization: Bearer {TOKEN}")
    assert TOKEN not in redact(f"< GET /ws/staff?token={TOKEN}&x=1 HTTP/1.1")
    assert redact(f"GET /ws/staff?token={TOKEN}&x=1") == "GET /ws/staff?token=[redacted]&x=1"


def test_words_about_tokens_stay_readable() -> None:
    assert redact("log in first: no bearer token") == "log in first: no bearer token"
    assert redact("GET /ws/staff?token= HTTP/1.1") == "GET /ws/staff?token= HTTP/1.1"


def test_a_formatted_line_stays_json_and_loses_the_token(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.warning('"WebSocket /ws/staff?token=%s" 403', TOKEN)
    assert TOKEN not in stream.getvalue()
    assert lines(stream)[0]["message"] == '"WebSocket /ws/staff?token=[redacted]" 403'


def test_other_libraries_warnings_are_json_lines_too() -> None:
    # asyncio, httpx or Python's warnings log through loggers nobody named: a plain-text
    # line among the JSON ones would be lost to a log reader (and fails the process tests).
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    _uninstall_root()  # warnings are captured once: a test before may have done it
    handler = install(["test.json_log.named"], stream)
    try:
        logging.getLogger("asyncio").error("Task exception was never retrieved")
        logging.getLogger("httpx").info("HTTP Request: GET /api/ping")  # below WARNING
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("an old call", DeprecationWarning, stacklevel=1)
        logged = lines(stream)
        assert [(line["logger"], line["level"]) for line in logged] == [
            ("asyncio", "error"),
            ("py.warnings", "warning"),
        ]
        assert "an old call" in logged[1]["message"]
        install(["test.json_log.named"], stream)
        assert sum(isinstance(h, type(handler)) for h in root.handlers) == 1  # not twice
    finally:
        _uninstall_root()
        root.setLevel(level)
        logging.getLogger("test.json_log.named").handlers = []
