"""Read aloud: hidden without espeak-ng, the right voice with it, real audio out."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers.kiosk_shell import find_button, make_kiosk
from helpers.shell_scenes import sample_view
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.model import State
from kiosk.shell.speaker import (
    EspeakSpeaker,
    SoundOutput,
    default_speaker,
    espeak_arguments,
    has_sound_output,
)
from kiosk.shell.viewmodel import Screen
from policies import Language

LEFT = Qt.MouseButton.LeftButton
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


def test_without_espeak_ng_read_aloud_shows_the_no_sound_pictogram(
    qtbot, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    speaker = default_speaker()
    assert not speaker.available
    kiosk = make_kiosk(qtbot, speaker=speaker)  # type: ignore[arg-type]
    kiosk.show(sample_view(State.RULES, Language.FR))
    page = kiosk.window.pages[Screen.RULES]
    # Not hidden: a visitor who cannot read sees why nothing speaks.
    assert page.read.isVisibleTo(kiosk.window) and not page.read.sound
    assert page.read.label == "Pas de son"
    assert page.read.toolTip() == "Pas de son sur cet ordinateur"
    qtbot.mouseClick(page.read, LEFT)
    assert not speaker.speaking


def test_without_a_sound_device_espeak_ng_is_not_offered(tmp_path: Path) -> None:
    assert not has_sound_output({}, dev_snd=str(tmp_path))
    (tmp_path / "pcmC0D0c").touch()  # a microphone does not speak
    assert not has_sound_output({}, dev_snd=str(tmp_path))
    (tmp_path / "pcmC0D0p").touch()
    assert has_sound_output({}, dev_snd=str(tmp_path))
    runtime = tmp_path / "run"
    (runtime / "pulse").mkdir(parents=True)
    (runtime / "pulse/native").touch()
    assert has_sound_output({"XDG_RUNTIME_DIR": str(runtime)}, dev_snd="/nonexistent")
    assert not EspeakSpeaker(sound_output=False).available


@needs_espeak
def test_read_aloud_shows_the_sound_output_as_it_comes_and_goes(qtbot, tmp_path: Path) -> None:
    dev_snd, runtime = tmp_path / "snd", tmp_path / "run"
    dev_snd.mkdir()
    runtime.mkdir()
    sound = SoundOutput({"XDG_RUNTIME_DIR": str(runtime)}, dev_snd=str(dev_snd))
    speaker = EspeakSpeaker(sound_output=sound)
    kiosk = make_kiosk(qtbot, speaker=speaker)  # type: ignore[arg-type]
    kiosk.show(sample_view(State.RULES, Language.FR))
    read = kiosk.window.pages[Screen.RULES].read

    def shows_sound(present: bool) -> bool:
        label = "Lire à voix haute" if present else "Pas de son"
        return read.sound is present and read.label == label and read.isVisibleTo(kiosk.window)

    assert shows_sound(False) and not speaker.available
    # A headset plugged in: the loudspeaker is offered without waiting for the next view.
    with qtbot.waitSignal(speaker.availableChanged, timeout=5000):
        (dev_snd / "pcmC0D0p").touch()
    assert shows_sound(True) and speaker.available
    with qtbot.waitSignal(speaker.availableChanged, timeout=5000):
        (dev_snd / "pcmC0D0p").unlink()
    assert shows_sound(False)
    kiosk.show(sample_view(State.ACTIVE, Language.FR, seconds_left=2520, ends_at="15:42"))
    bar = kiosk.window.pages[Screen.SESSION].read
    assert not bar.sound and bar.toolTip() == "Pas de son sur cet ordinateur"
    # A sound server starting after the shell: its socket's folder did not exist before.
    with qtbot.waitSignal(speaker.availableChanged, timeout=5000):
        (runtime / "pulse").mkdir()
        (runtime / "pulse/native").touch()
    assert bar.sound and bar.toolTip() == "Lire à voix haute"


class WorkSeen:
    """Notes the file-system reads and process starts (Python's audit events) made while
    ``noting`` is on."""

    EVENTS = frozenset(
        {"open", "os.scandir", "os.listdir", "glob.glob", "subprocess.Popen", "os.posix_spawn"}
    )

    def __init__(self) -> None:
        self.noting = False
        self.events: list[str] = []

    def __call__(self, event: str, _args: tuple[object, ...]) -> None:
        if self.noting and event in self.EVENTS:
            self.events.append(event)


WORK = WorkSeen()
sys.addaudithook(WORK)  # an audit hook cannot be removed: it notes only while a test asks


@needs_espeak
def test_a_view_change_looks_at_no_file_and_starts_no_process(qtbot) -> None:
    speaker = default_speaker()
    kiosk = make_kiosk(qtbot, speaker=speaker)  # type: ignore[arg-type]
    views = [
        sample_view(State.RULES, Language.FR),
        *(
            sample_view(State.ACTIVE, Language.FR, seconds_left=seconds, ends_at="15:42")
            for seconds in (2520, 2460, 2400)
        ),
        sample_view(State.FINAL, Language.FR, seconds_left=47, ends_at="15:42"),
    ]
    kiosk.show(views[0])
    WORK.events.clear()
    WORK.noting = True
    try:
        for view in views:
            kiosk.show(view)
            QApplication.processEvents()
    finally:
        WORK.noting = False
    # The sound output was looked for when the speaker was made, not at each redraw.
    assert WORK.events == []
    assert kiosk.window.pages[Screen.FINAL].read.isVisibleTo(kiosk.window)


def test_read_aloud_reads_the_rules_in_the_visitor_language_and_stops(qtbot) -> None:
    kiosk = make_kiosk(qtbot)
    view = sample_view(State.RULES, Language.TR)
    kiosk.show(view)
    qtbot.mouseClick(find_button(kiosk.window, "Sesli oku"), LEFT)
    ((text, language),) = kiosk.speaker.said
    assert language is Language.TR
    assert view.rules is not None and all(rule.short in text for rule in view.rules)
    # While it reads, the same button stops it.
    qtbot.mouseClick(find_button(kiosk.window, "Okumayı durdur"), LEFT)
    assert not kiosk.speaker.speaking
    assert find_button(kiosk.window, "Sesli oku")


def test_a_rule_long_text_can_be_read_aloud(qtbot) -> None:
    kiosk = make_kiosk(qtbot)
    view = sample_view(State.RULES, Language.AR)
    kiosk.show(view)
    page = kiosk.window.pages[Screen.RULES]
    qtbot.mouseClick(page.rows[0], LEFT)
    qtbot.mouseClick(page.detail_read, LEFT)
    assert view.rules is not None
    assert kiosk.speaker.said == [(view.rules[0].long, Language.AR)]


@pytest.mark.parametrize(
    ("language", "voice"),
    [
        (Language.FR, "fr"),
        (Language.NL, "nl"),
        (Language.EN, "en"),
        (Language.AR, "ar"),
        (Language.TR, "tr"),
        (Language.ES, "es"),
    ],
)
def test_each_language_has_its_espeak_voice(language: Language, voice: str) -> None:
    arguments = espeak_arguments(language)
    assert arguments[arguments.index("-v") + 1] == voice


@needs_espeak
def test_pressing_read_aloud_starts_espeak_ng_with_the_voice(qtbot, tmp_path: Path) -> None:
    wav = tmp_path / "rules.wav"
    speaker = EspeakSpeaker(extra_arguments=["-w", str(wav)])
    kiosk = make_kiosk(qtbot, speaker=speaker)  # type: ignore[arg-type]
    kiosk.show(sample_view(State.RULES, Language.FR))
    with qtbot.waitSignal(speaker.speakingChanged, timeout=2000):
        qtbot.mouseClick(find_button(kiosk.window, "Lire à voix haute"), LEFT)
    assert speaker.speaking
    arguments = speaker.last_arguments
    assert arguments[arguments.index("-v") + 1] == "fr"
    # A second press stops it at once.
    qtbot.mouseClick(find_button(kiosk.window, "Arrêter la lecture"), LEFT)
    assert not speaker.speaking


@needs_espeak
@pytest.mark.parametrize("language", [Language.FR, Language.AR])
def test_espeak_ng_really_produces_speech(qtbot, tmp_path: Path, language: Language) -> None:
    wav = tmp_path / "speech.wav"
    speaker = EspeakSpeaker(extra_arguments=["-w", str(wav)])
    text = "Bonjour, bienvenue." if language is Language.FR else "مرحبا بكم."
    with qtbot.waitSignal(speaker.speakingChanged, timeout=2000):
        speaker.speak(text, language)
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=10_000)
    data = wav.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert len(data) > 10_000  # some tenths of a second of sound, not an empty header
