"""The staff window opens in the desktop's language: the menu entry gives no ``--language``,
and a Flemish or an English-speaking animator should not meet a French window."""

from __future__ import annotations

import pytest

from admin_console.cli import command_parser, staff_language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_BE.UTF-8"}, "fr"),
        ({"LANG": "ar_MA.UTF-8"}, "fr"),  # a language the window does not speak
        ({"LANG": "C.UTF-8"}, "fr"),
        ({}, "fr"),
        ({"LANG": "fr_BE.UTF-8", "LC_MESSAGES": "nl_BE.UTF-8"}, "nl"),  # messages win
        ({"LANG": "nl_BE.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "ar:nl:fr", "LANG": "ar_MA.UTF-8"}, "nl"),  # the first it speaks
    ],
)
def test_the_window_speaks_the_desktop_s_language(environ: dict[str, str], expected: str) -> None:
    assert staff_language(environ) == expected


def test_the_language_given_on_the_command_line_wins() -> None:
    parser = command_parser()
    args = parser.parse_args(["gui", "--url", "https://pc:8443", "--fingerprint", "ab"])
    assert args.language is None  # then the desktop decides
    given = parser.parse_args(["gui", "--url", "https://pc:8443", "--language", "nl"])
    assert given.language == "nl"
