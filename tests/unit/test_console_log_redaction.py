"""The console's JSON log lines blank whatever looks like a credential, whoever logged it."""

from __future__ import annotations

import io
import json
import logging

from admin_console.server.log import JsonFormatter, redact

TOKEN = "8Lamh0fLi9BS2FgFvkZ53pQptI8-maALzwqu9wO5RNc"


def test_bearer_tokens_and_token_parameters_are_blanked() -> None:
    assert TOKEN not in redact(f"< Authorization: Bearer {TOKEN}")
    assert TOKEN not in redact(f"< GET /ws/staff?token={TOKEN}&x=1 HTTP/1.1")
    assert redact(f"GET /ws/staff?token={TOKEN}&x=1") == "GET /ws/staff?token=[redacted]&x=1"


def test_words_about_tokens_stay_readable() -> None:
    assert redact("log in first: no bearer token") == "log in first: no bearer token"
    assert redact("GET /ws/staff?token= HTTP/1.1") == "GET /ws/staff?token= HTTP/1.1"


def test_a_formatted_line_stays_json_and_loses_the_token() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.console.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning('"WebSocket /ws/staff?token=%s" 403', TOKEN)
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue().strip()
    assert TOKEN not in line
    assert json.loads(line)["message"] == '"WebSocket /ws/staff?token=[redacted]" 403'
