"""Read aloud: hidden without espeak-ng, the right voice with it, real audio out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.core.model import State
from kiosk.shell.screenshots import sample_view
from kiosk.shell.speaker import EspeakSpeaker, default_speaker, espeak_arguments, has_sound_output
from kiosk.shell.testing import find_button, make_kiosk
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
