"""Long lists scroll and say there is more below; every console screen fits a 1366×768
screen. (Every visitor screen fits its screen in every language: ``test_texts_fit``.)"""

from __future__ import annotations

from typing import Any

import pytest
from helpers.shell_scenes import SESSION, TWELVE_APPS, sample_view, twenty_rules
from helpers.text_fit import layout_problems
from PySide6.QtWidgets import QWidget

from kiosk.core.model import State
from policies import Language


def test_a_long_list_scrolls_and_says_there_is_more(kiosk: Any, qtbot: Any) -> None:
    rules = twenty_rules(Language.FR)
    kiosk.shell.pick_language(Language.FR)
    kiosk.show(sample_view(State.RULES, Language.FR, rules=rules))
    page = kiosk.window.pages["rules"]
    bar = page.list.area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.isVisible())
    assert page.list.more_text.isVisible() and "plus bas" in page.list.more_text.text()
    # Read aloud reads all twenty, not only those on screen.
    page.read.click()
    said = kiosk.speaker.said[-1][0]
    assert all(rule.short in said for rule in rules)
    bar.setValue(bar.maximum())
    assert not page.list.more_text.isVisible()
    assert page.list.more.isVisible()  # its room stays, so the list does not jump


def test_many_programs_scroll_and_say_there_is_more(kiosk: Any, qtbot: Any) -> None:
    running = sample_view(State.ACTIVE, Language.FR, apps=TWELVE_APPS, **SESSION)
    kiosk.shell.pick_language(Language.FR)
    kiosk.show(running)
    kiosk.shell.open_launcher()
    page = kiosk.window.pages["launcher"]
    bar = page.list.area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.isVisible())
    assert len(page.tiles) == 12
    assert page.list.more_text.isVisible()
    page.read.click()
    said = kiosk.speaker.said[-1][0]
    assert all(app.name in said for app in TWELVE_APPS)


# A PC's power menu pops up like any menu: the offscreen platform cannot raise it or give it
# the keyboard, and says so.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise|grabbing)")
@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_every_console_screen_fits_a_1366_by_768_screen(
    qtbot: Any, tmp_path: Any, language: str
) -> None:
    from helpers.console_scenes import render

    found: list[str] = []

    def seen(name: str, window: QWidget) -> None:
        found.extend(f"console-{name} [{language}, 1366×768] {p}" for p in layout_problems(window))

    render(tmp_path, language, size=(1366, 768), seen=seen)
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)
