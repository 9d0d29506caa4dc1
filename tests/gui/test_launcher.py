"""The launcher: on a kiosk with no desktop, the visitor starts their programs from the shell.

It opens by itself when a session starts and from the Programs button; a tile starts its
program and closes it; a program that cannot start is said in the visitor's language. And
the session bar keeps every button whole with large text on a 1280 px screen.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from helpers.kiosk_shell import Kiosk, find_button
from helpers.shell_scenes import SAMPLE_APPS, sample_view
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.core.model import State
from kiosk.core.protocol import MessageView, View
from kiosk.shell.i18n import tr
from kiosk.shell.launcher import DetachedStarter, split_command
from kiosk.shell.screens import LauncherPage, SessionPage
from kiosk.shell.viewmodel import Screen, WindowMode
from kiosk.shell.widgets import ActionButton
from policies import Language

FR, AR = Language.FR, Language.AR
SESSION = {"seconds_left": 2520, "ends_at": "15:42"}
LEFT = Qt.MouseButton.LeftButton
PROGRAMS = {FR: "Programmes", AR: "البرامج"}
CLOSE = {FR: "Fermer", AR: "إغلاق"}


def running(language: Language, state: State = State.ACTIVE, **changes: object) -> View:
    """A running session's view offering the default programs."""
    return sample_view(state, language, **{"apps": SAMPLE_APPS, **SESSION, **changes})


def start_session(kiosk: Kiosk, language: Language, **changes: object) -> None:
    """The visitor accepts the rules and their session starts."""
    kiosk.show(sample_view(State.RULES, language))
    kiosk.show(running(language, **changes))


def launcher(kiosk: Kiosk) -> LauncherPage:
    page = kiosk.window.pages[Screen.LAUNCHER]
    assert isinstance(page, LauncherPage)
    return page


def session_bar(kiosk: Kiosk) -> SessionPage:
    page = kiosk.window.pages[Screen.SESSION]
    assert isinstance(page, SessionPage)
    return page


@pytest.mark.parametrize(
    ("language", "title", "kinds"),
    [
        (
            FR,
            "Choisissez un programme",
            [
                "Internet",
                "Lettres et CV",
                "Tableaux et calculs",
                "Présentations",
                "Documents PDF",
                "Photos et images",
            ],
        ),
        (
            AR,
            "اختاروا برنامجًا",
            [
                "الإنترنت",
                "رسائل وسيرة ذاتية",
                "جداول وحسابات",
                "عروض تقديمية",
                "مستندات PDF",
                "صور",
            ],
        ),
    ],
)
def test_the_launcher_opens_when_the_session_starts_with_each_program_in_order(
    kiosk: Kiosk, language: Language, title: str, kinds: list[str]
) -> None:
    start_session(kiosk, language)
    assert kiosk.shell.screen is Screen.LAUNCHER
    # The whole screen: there is no desktop behind it yet.
    assert kiosk.shell.window_mode is WindowMode.FULL
    assert kiosk.window.height() == 800
    assert title in kiosk.texts()
    page = launcher(kiosk)
    assert [tile.label for tile in page.tiles] == [app.name for app in SAMPLE_APPS]
    assert [tile.kind for tile in page.tiles] == kinds
    # Each tile has a picture, found without reading.
    assert all(not tile._picture.pixmap().isNull() for tile in page.tiles)
    assert find_button(kiosk.window, CLOSE[language])


def test_the_launcher_opens_by_itself_only_once_per_session(kiosk: Kiosk, qtbot: QtBot) -> None:
    start_session(kiosk, FR)
    qtbot.mouseClick(find_button(kiosk.window, "Fermer"), LEFT)
    assert kiosk.shell.screen is Screen.SESSION
    assert kiosk.shell.window_mode is WindowMode.BAR
    # The next seconds, a warning, "are you still there?" answered: the bar stays a bar.
    kiosk.show(running(FR, seconds_left=2519))
    kiosk.show(running(FR, state=State.WARNED, seconds_left=598, warning_minutes=10))
    kiosk.show(running(FR, state=State.IDLE, idle_seconds_left=40))
    kiosk.show(running(FR, seconds_left=590))
    assert kiosk.shell.screen is Screen.SESSION


@pytest.mark.parametrize("language", [FR, AR])
def test_the_programs_button_opens_the_launcher_again(
    kiosk: Kiosk, qtbot: QtBot, language: Language
) -> None:
    start_session(kiosk, language)
    qtbot.mouseClick(find_button(kiosk.window, CLOSE[language]), LEFT)
    programs = find_button(kiosk.window, PROGRAMS[language])
    assert programs.isEnabled()
    qtbot.mouseClick(programs, LEFT)
    assert kiosk.shell.screen is Screen.LAUNCHER
    assert [tile.label for tile in launcher(kiosk).tiles] == [app.name for app in SAMPLE_APPS]


def test_a_tile_starts_its_program_and_closes_the_launcher(kiosk: Kiosk, qtbot: QtBot) -> None:
    start_session(kiosk, FR)
    writer = launcher(kiosk).tiles[1]
    assert writer.label == "LibreOffice Writer"
    qtbot.mouseClick(writer, LEFT)
    assert kiosk.starter.started == ["libreoffice --writer"]
    assert kiosk.shell.screen is Screen.SESSION
    assert kiosk.window.height() == kiosk.shell.theme.bar_height
    # And another one, from the Programs button.
    qtbot.mouseClick(find_button(kiosk.window, "Programmes"), LEFT)
    qtbot.mouseClick(launcher(kiosk).tiles[0], LEFT)
    assert kiosk.starter.started == ["libreoffice --writer", "firefox-esr"]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (FR, "Ce programme n'a pas pu démarrer. Demandez à un membre de l'équipe."),
        (AR, "تعذّر تشغيل هذا البرنامج. اسألوا أحد الموظفين."),
    ],
)
def test_a_program_that_cannot_start_is_said_and_the_launcher_stays(
    kiosk: Kiosk, qtbot: QtBot, language: Language, said: str
) -> None:
    start_session(kiosk, language)
    assert said not in kiosk.texts()
    kiosk.starter.fails = True
    qtbot.mouseClick(launcher(kiosk).tiles[4], LEFT)
    assert kiosk.shell.screen is Screen.LAUNCHER
    assert said in kiosk.texts()
    # Another try that works closes it; next time it opens without the old failure.
    kiosk.starter.fails = False
    qtbot.mouseClick(launcher(kiosk).tiles[0], LEFT)
    assert kiosk.shell.screen is Screen.SESSION
    kiosk.shell.open_launcher()
    assert said not in kiosk.texts()


def test_without_programs_there_is_no_programs_button_and_no_launcher(kiosk: Kiosk) -> None:
    kiosk.show(sample_view(State.RULES, FR))
    kiosk.show(sample_view(State.ACTIVE, FR, apps=(), **SESSION))
    assert kiosk.shell.screen is Screen.SESSION
    assert kiosk.shell.window_mode is WindowMode.BAR
    assert not session_bar(kiosk).programs.isVisibleTo(kiosk.window)
    assert "Programmes" not in kiosk.texts()


def test_the_launcher_waits_behind_the_lock_a_message_and_the_final_minute(
    kiosk: Kiosk,
) -> None:
    start_session(kiosk, FR)
    kiosk.show(running(FR, locked=True))
    assert kiosk.shell.screen is Screen.LOCKED
    message = MessageView(number=1, text="On ferme dans 15 minutes.")
    kiosk.show(running(FR, message=message))
    assert kiosk.shell.screen is Screen.MESSAGE
    kiosk.show(running(FR))
    assert kiosk.shell.screen is Screen.LAUNCHER
    kiosk.show(running(FR, state=State.FINAL, seconds_left=50, warning_minutes=1))
    assert kiosk.shell.screen is Screen.FINAL


def test_a_time_warning_comes_before_the_launcher_which_comes_back_after(
    kiosk: Kiosk, qtbot: QtBot
) -> None:
    start_session(kiosk, FR)
    kiosk.show(running(FR, State.WARNED, seconds_left=598, warning_minutes=10))
    assert kiosk.shell.window_mode is WindowMode.BANNER
    banner = "Il reste 10 minutes. Enregistrez votre travail maintenant (clé USB ou e-mail)."
    assert banner in kiosk.texts()
    qtbot.mouseClick(session_bar(kiosk).close_banner, LEFT)
    assert kiosk.shell.screen is Screen.LAUNCHER


def test_the_launcher_is_gone_when_the_session_ends(kiosk: Kiosk) -> None:
    start_session(kiosk, FR)
    kiosk.show(sample_view(State.ENDING, FR))
    assert kiosk.shell.screen is Screen.ENDING
    assert not kiosk.shell.local.launcher_open


@pytest.mark.parametrize(
    ("language", "first", "writer"),
    [
        (FR, "Choisissez un programme.", "Lettres et CV: LibreOffice Writer."),
        (AR, "اختاروا برنامجًا.", "رسائل وسيرة ذاتية: LibreOffice Writer."),
    ],
)
def test_read_aloud_names_each_program_in_the_visitors_language(
    kiosk: Kiosk, qtbot: QtBot, language: Language, first: str, writer: str
) -> None:
    start_session(kiosk, language)
    qtbot.mouseClick(launcher(kiosk).read, LEFT)
    text, spoken_in = kiosk.speaker.said[-1]
    assert spoken_in is language
    assert text.splitlines()[0] == first
    assert writer in text.splitlines()
    # Starting a program stops the reading.
    qtbot.mouseClick(launcher(kiosk).tiles[0], LEFT)
    assert not kiosk.speaker.speaking


@pytest.mark.parametrize("language", list(Language))
def test_with_large_text_at_1280_every_bar_button_shows_its_words_whole(
    kiosk: Kiosk, qtbot: QtBot, language: Language
) -> None:
    kiosk.shell.set_large_text(True)
    kiosk.show(sample_view(State.RULES, language))
    kiosk.show(running(language, help_requested=True, workshop_title="Atelier CV", pages_printed=6))
    kiosk.shell.close_launcher()
    assert kiosk.window.width() == 1280
    bar = session_bar(kiosk)
    buttons = [b for b in bar.findChildren(ActionButton) if b.isVisibleTo(bar.bar)]
    assert {bar.programs, bar.help, bar.end} <= set(buttons)
    assert bar.staff.isVisibleTo(bar.bar)
    # The words may go on two lines, or say it shorter; they are never cut.
    coming = {tr("help_coming", language), tr("help_coming_short", language)}
    assert " ".join(bar.help.label.split()) in coming

    def whole() -> bool:
        return (
            all(
                b.width() >= b.sizeHint().width()
                and b.height() >= b.sizeHint().height()
                and b._text.width() >= b._text.sizeHint().width()
                for b in buttons
            )
            and bar.time_left.width() >= bar.time_left.sizeHint().width()
        )

    qtbot.waitUntil(whole)
    # All of it on the screen, the staff key too.
    for widget in (*buttons, bar.staff, bar.time_left):
        left = widget.mapTo(kiosk.window, widget.rect().topLeft()).x()
        assert left >= 0 and left + widget.width() <= kiosk.window.width()


def test_split_command_keeps_quoted_words_and_drops_field_codes() -> None:
    assert split_command("libreoffice --writer") == ("libreoffice", ["--writer"])
    assert split_command('evince "/a b.pdf"') == ("evince", ["/a b.pdf"])
    assert split_command("firefox-esr %u") == ("firefox-esr", [])
    assert split_command("") is None
    assert split_command('eog "unbalanced') is None


def test_the_real_starter_starts_programs_and_says_when_it_cannot(qtbot: QtBot) -> None:
    starter = DetachedStarter()
    assert starter.start("true --ignored")
    assert not starter.start("no-such-program-on-this-kiosk")
    assert not starter.start("")


REPORT_ENVIRON = (
    "import os, sys; part = sys.argv[1] + '.part'; "
    "open(part, 'w').write(repr(dict(os.environ))); os.rename(part, sys.argv[1])"
)
"""A real program that writes the environment it was started with, then exits."""


@pytest.mark.parametrize(
    ("language", "gettext"),
    [(FR, "fr_BE:fr_FR:fr"), (AR, "ar_MA:ar_EG:ar"), (Language.NL, "nl_BE:nl_NL:nl")],
)
def test_a_program_started_from_the_launcher_speaks_the_visitors_language(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: Language, gettext: str
) -> None:
    import ast
    import sys

    from helpers.kiosk_shell import FakeSender, FakeSpeaker

    from kiosk.core.protocol import AppView
    from kiosk.shell.controller import ShellController
    from kiosk.shell.locales import available_locales
    from kiosk.shell.window import MainWindow

    # The session's own locale settings must not win over the visitor's choice.
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("LC_MESSAGES", "C")
    report = tmp_path / "environ"
    program = AppView(
        id="libreoffice-writer",
        name="Writer",
        icon="libreoffice-writer",
        exec=f"{sys.executable} -c {shlex.quote(REPORT_ENVIRON)} {report}",
    )
    shell = ShellController(FakeSender(), FakeSpeaker(), starter=DetachedStarter())
    window = MainWindow(shell, windowed=True)
    qtbot.addWidget(window)
    window.show()
    shell.set_connected(True)
    shell.set_view(sample_view(State.RULES, language))
    shell.set_view(sample_view(State.ACTIVE, language, apps=(program,), **SESSION))
    page = window.pages[Screen.LAUNCHER]
    assert isinstance(page, LauncherPage)
    tile = page.tiles[0]
    qtbot.mouseClick(tile, LEFT)
    qtbot.waitUntil(report.exists, timeout=20_000)
    environ = ast.literal_eval(report.read_text())
    assert environ["LANGUAGE"] == gettext
    assert "LC_ALL" not in environ and "LC_MESSAGES" not in environ
    first = gettext.split(":", maxsplit=1)[0]
    if f"{first}.utf8" in available_locales():
        assert environ["LANG"] == f"{first}.UTF-8"
    else:  # never a locale the C library would refuse
        assert environ["LANG"] == "C.UTF-8"


def test_a_missing_locale_falls_back_to_one_the_machine_has() -> None:
    from kiosk.shell.locales import language_environment

    assert language_environment(FR, {"C.utf8", "fr_FR.utf8"}) == {
        "LANGUAGE": "fr_BE:fr_FR:fr",
        "LANG": "fr_FR.UTF-8",
    }
    assert language_environment(Language.TR, {"C.utf8"}) == {
        "LANGUAGE": "tr_TR:tr",
        "LANG": "C.UTF-8",
    }
