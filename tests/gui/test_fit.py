"""Every visitor screen fits a 1024×768 and a 1366×768 screen, in every language, with
normal and large text: no control is cut, off the screen or over another one.

Each test draws every screen (each state that changes a screen's layout) in one window of
one size and look, and lists every problem it finds, named by screen, language, size, look
and widget (see ``fit_support``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from fit_support import layout_problems
from helpers.kiosk_shell import FakeSender, FakeSpeaker
from helpers.shell_scenes import (
    SAMPLE_APPS,
    launcher_scenes,
    pairing_scenes,
    put,
    sample_view,
    scenes,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core.model import State
from kiosk.core.protocol import AppView, RuleView
from kiosk.shell.controller import ShellController
from kiosk.shell.viewmodel import LocalState
from kiosk.shell.window import MainWindow
from policies import Language

Scene = Callable[[Any, Any, Language], None]

SIZES = ((1024, 768), (1366, 768))
LOOKS = {
    "normal": (False, False),
    # High contrast only thickens the borders (a pixel or two on every button): large
    # text with it is the tightest case of large text.
    "large": (True, True),
}
SESSION = {"seconds_left": 2520, "ends_at": "15:42"}
LONG_TITLE = "Atelier recherche d'emploi : CV, lettre de motivation et inscription Actiris"

MORE_APPS = tuple(
    AppView(id=f"extra-{index}", name=name, icon=icon, exec=icon)
    for index, (name, icon) in enumerate(
        (
            ("Chromium", "chromium"),
            ("Files", "org.gnome.Nautilus"),
            ("LibreOffice Draw", "libreoffice-draw"),
            ("GIMP", "gimp"),
            ("Text Editor", "org.gnome.TextEditor"),
            ("Calculator", "org.gnome.Calculator"),
        )
    )
)
TWELVE_APPS = SAMPLE_APPS + MORE_APPS


def twenty_rules(language: Language) -> tuple[RuleView, ...]:
    """The default house rules, repeated until there are twenty."""
    rules = sample_view(State.RULES, language).rules or ()
    return tuple(
        rule.model_copy(update={"id": f"{rule.id}-{index}"})
        for index, rule in ((n, rules[n % len(rules)]) for n in range(20))
    )


def _extra_scenes() -> dict[str, Scene]:
    def state(st: State, **changes: Any) -> Scene:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            put(shell, sample_view(st, lang, **changes), LocalState(language=lang))

        return scene

    def launcher(apps: tuple[AppView, ...]) -> Scene:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            running = sample_view(State.ACTIVE, lang, apps=apps, **SESSION)
            put(shell, running, LocalState(language=lang, launcher_open=True))

        return scene

    def many_rules(shell: Any, window: Any, lang: Language) -> None:
        put(
            shell,
            sample_view(State.RULES, lang, rules=twenty_rules(lang)),
            LocalState(language=lang),
        )

    def rules_speaking(shell: Any, window: Any, lang: Language) -> None:
        state(State.RULES)(shell, window, lang)
        shell.speaker.speak("…", lang)

    def animator_locked(shell: Any, window: Any, lang: Language) -> None:
        put(shell, sample_view(State.WAITING, locked=True), LocalState(language=lang))
        shell.open_animator()
        page = window.pages["animator"]
        page.pin.setText("1234")
        page._pin_entered()

    full_bar = {
        "apps": SAMPLE_APPS,
        "help_requested": True,
        "workshop_title": LONG_TITLE,
        "pages_printed": 126,
        **SESSION,
    }
    return {
        "launcher-3": launcher(SAMPLE_APPS[:3]),
        "launcher-8": launcher(TWELVE_APPS[:8]),
        "launcher-12": launcher(TWELVE_APPS),
        "rules-20": many_rules,
        "rules-speaking": rules_speaking,
        "animator-locked": animator_locked,
        "full-bar": state(State.ACTIVE, **full_bar),
        "long-workshop-bar": state(State.ACTIVE, workshop_title=LONG_TITLE, **SESSION),
        "full-banner": state(State.WARNED, warning_minutes=10, **{**full_bar, "seconds_left": 598}),
    }


def every_scene() -> dict[str, Scene]:
    """Every visitor screen, in each state that changes its layout."""
    return {**scenes(), **launcher_scenes(), **pairing_scenes(), **_extra_scenes()}


class LookShell(ShellController):
    """A shell whose visitor keeps one look (large text, contrast) through every scene.

    Switching the look restyles the whole window: once per window, not twice per scene.
    """

    look: tuple[bool, bool] = (False, False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "local" and isinstance(value, LocalState):
            large, contrast = self.look
            value = replace(value, large_text=large, high_contrast=contrast)
        super().__setattr__(name, value)


@pytest.fixture
def shell_window(request: pytest.FixtureRequest, qtbot: Any) -> Iterator[tuple[Any, Any]]:
    """A connected shell window of the size and look in ``request.param``."""
    (width, height), look = request.param
    shell = LookShell(FakeSender(), FakeSpeaker())
    shell.look = LOOKS[look]
    shell.local = shell.local
    window = MainWindow(shell, windowed=True, size=(width, height))
    qtbot.addWidget(window)
    window.show()
    shell.set_connected(True)
    yield shell, window
    QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def draw(shell: Any, window: Any, scene: Scene, language: Language) -> None:
    """Put the window in ``scene``, laid out as it would be shown."""
    shell.speaker.stop()
    shell.set_connected(True)
    scene(shell, window, language)
    # Layouts settle on posted events, wrapped words sometimes over two turns: until
    # nothing moves any more (a layout that never settles fails on the last turn's state).
    before = None
    for _ in range(SETTLE_TURNS):
        QApplication.processEvents()
        now = _geometries(window)
        if now == before:
            break
        before = now


SETTLE_TURNS = 10


def _geometries(window: QWidget) -> list[tuple[int, int, int, int]]:
    return [
        (widget.x(), widget.y(), widget.width(), widget.height())
        for widget in window.findChildren(QWidget)
        if widget.isVisible()
    ]


WINDOWS = [(size, look) for size in SIZES for look in LOOKS]


@pytest.mark.parametrize(
    "shell_window", WINDOWS, indirect=True, ids=[f"{w}x{h}-{look}" for (w, h), look in WINDOWS]
)
@pytest.mark.parametrize("language", list(Language), ids=[lang.value for lang in Language])
def test_every_screen_fits_without_cut_or_overlap(
    shell_window: tuple[Any, Any], language: Language
) -> None:
    shell, window = shell_window
    width, height = window.windowed_size
    look = next(name for name, value in LOOKS.items() if value == shell.look)
    found: list[str] = []
    for name, scene in every_scene().items():
        draw(shell, window, scene, language)
        where = f"{name} [{language.value}, {width}×{height}, {look}, {shell.screen.value}]"
        found += [f"{where} {problem}" for problem in layout_problems(window)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


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
