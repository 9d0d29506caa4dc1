"""Every visitor screen holds its texts: none cut, none off the screen, none over another.

Each test draws every screen (each state that changes a screen's layout, see
``helpers.shell_scenes.every_scene``) in one window of one size and look, and lists every
problem it finds, named by screen, language, size, look and widget (``helpers.text_fit``):

* in the six languages visitors read today, on a 1024×768 and a 1366×768 screen;
* in two pseudo-languages (``helpers.pseudo_locale``) that stand for the languages still to
  come: every text 40 % longer than its English, and right to left, on a 1366×768 screen.

Normal text, and large text with high contrast (the tightest look), each time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from helpers.kiosk_shell import LOOKS, draw, look_window
from helpers.pseudo_locale import LONG, PSEUDOS, RIGHT_TO_LEFT, Pseudo, pseudo_locale
from helpers.shell_scenes import every_scene
from helpers.text_fit import layout_problems
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from kiosk.shell import i18n
from policies import Language

SMALL, WIDE = (1024, 768), (1366, 768)
CASES: list[tuple[Language | Pseudo, tuple[int, int], str]] = [
    *((language, size, look) for language in Language for size in (SMALL, WIDE) for look in LOOKS),
    *((pseudo, WIDE, look) for pseudo in PSEUDOS for look in LOOKS),
]


def _name(case: tuple[Language | Pseudo, tuple[int, int], str]) -> str:
    language, (width, height), look = case
    shown = language.name if isinstance(language, Pseudo) else language.value
    return f"{shown}-{width}x{height}-{look}"


@pytest.mark.parametrize("case", CASES, ids=[_name(case) for case in CASES])
def test_every_screen_holds_its_texts(
    qtbot: Any, case: tuple[Language | Pseudo, tuple[int, int], str]
) -> None:
    language, size, look = case
    with _in(language) as shown:
        shell, window = look_window(qtbot, size, look)
        found: list[str] = []
        for name, scene in every_scene().items():
            draw(shell, window, scene, shown)
            where = f"{name} [{_name(case)}, {shell.screen.value}]"
            found += [f"{where} {problem}" for problem in layout_problems(window)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


@contextlib.contextmanager
def _in(language: Language | Pseudo) -> Iterator[Language]:
    """The shell's language to pick: ``language``, or the one a pseudo-language stands in."""
    try:
        if isinstance(language, Pseudo):
            with pseudo_locale(language):
                yield language.language
        else:
            yield language
    finally:
        # The layout direction belongs to the application, which outlives a test.
        QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_pseudo_languages_are_longer_filled_in_and_only_while_asked() -> None:
    french, dutch = (i18n.tr("minutes_left", lang, n=12) for lang in (Language.FR, Language.NL))
    english = i18n.tr("minutes_left", Language.EN, n=12)
    with pseudo_locale(LONG), pseudo_locale(RIGHT_TO_LEFT):
        long = i18n.tr("minutes_left", Language.FR, n=12)
        mirrored = i18n.tr("minutes_left", Language.AR, n=12)
        assert i18n.tr("minutes_left", Language.NL, n=12) == dutch
        erased = i18n.erased_summary({"files": 3}, Language.FR)
    for text in (long, mirrored):
        # The count is filled in, and the text is 40 % longer than the English.
        assert "12" in text and "{" not in text
        assert len(text) >= 1.4 * len(english) - 1
    assert not any("a" <= letter.lower() <= "z" for letter in long + mirrored)
    assert any("\u0600" <= letter <= "\u06ff" for letter in mirrored)
    assert "3" in erased and "{" not in erased
    assert i18n.tr("minutes_left", Language.FR, n=12) == french
