"""What every visitor screen offers: read aloud (or why there is no sound), a message for an
empty form, the time left under a staff message, the receipt at the end, and a long
workshop title that stays readable on a small screen with large text.

Read aloud uses the real speaker: espeak-ng writing to a WAV file (no sound device needed),
or espeak-ng on a PC without sound.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers.kiosk_shell import Kiosk, find_button, make_kiosk, visible_texts
from helpers.shell_scenes import LONG_WORKSHOP_TITLE, launcher_scenes, sample_view, scenes
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from kiosk.core.model import State
from kiosk.core.protocol import Login, MessageView, ReceiptView, SummaryView
from kiosk.shell import i18n
from kiosk.shell import window as shell_window
from kiosk.shell.screens import LanguagePage, SessionPage
from kiosk.shell.speaker import EspeakSpeaker
from kiosk.shell.viewmodel import LocalState, Page, Screen
from kiosk.shell.widgets import ReadButton
from policies import Language

LEFT = Qt.MouseButton.LeftButton
FR, NL, AR = Language.FR, Language.NL, Language.AR
SESSION = {"seconds_left": 2520, "ends_at": "15:42"}
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)
STAFF_SCENES = frozenset(
    {"animator-pin", "animator-actions", "animator-pin-staff", "animator-greeting"}
)
"""The staff's panel: no read aloud (staff read their menu)."""
SCENES: dict[str, Callable[[Any, Any, Language], None]] = {
    name: scene
    for name, scene in {**scenes(), **launcher_scenes()}.items()
    if name not in STAFF_SCENES
}


@pytest.fixture(autouse=True)
def left_to_right() -> Iterator[None]:
    yield
    # The layout direction belongs to the application, which outlives a test.
    QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def real_kiosk(qtbot: Any, speaker: EspeakSpeaker) -> Kiosk:
    return make_kiosk(qtbot, speaker=speaker)  # type: ignore[arg-type]


def read_buttons(kiosk: Kiosk) -> list[ReadButton]:
    return [b for b in kiosk.window.findChildren(ReadButton) if b.isVisibleTo(kiosk.window)]


# -- read aloud on every visitor screen -------------------------------------------------


@needs_espeak
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("name", sorted(SCENES))
def test_every_visitor_screen_reads_aloud(
    qtbot: Any, tmp_path: Path, name: str, large: bool
) -> None:
    wav = tmp_path / "said.wav"
    speaker = EspeakSpeaker(extra_arguments=["-w", str(wav)])
    kiosk = real_kiosk(qtbot, speaker)
    SCENES[name](kiosk.shell, kiosk.window, FR)
    if large:
        kiosk.shell.set_large_text(True)
    shown = read_buttons(kiosk)
    if name.endswith(("bar", "help")) and large and kiosk.window.width() <= 1280:
        # A crowded bar gives up its loudspeaker first among the small things; the
        # launcher and every other screen still read aloud.
        return
    assert shown, f"{name}: no read-aloud button in {visible_texts(kiosk.window)}"
    button = shown[0]
    assert button.sound and not button.reading
    if large:
        return  # (the same button: reading it once, with normal text, is enough)
    with qtbot.waitSignal(speaker.speakingChanged, timeout=2000):
        qtbot.mouseClick(button, LEFT)
    assert speaker.speaking and button.reading, "the button shows it reads, and can stop"
    if name != "language":  # (its loudspeakers are named by their language)
        assert button.accessibleName() == i18n.tr("stop_reading", FR)
    qtbot.mouseClick(button, LEFT)
    assert not speaker.speaking and not button.reading


@pytest.mark.parametrize("language", [FR, AR])
@pytest.mark.parametrize("name", sorted(SCENES))
def test_without_sound_every_visitor_screen_shows_the_no_sound_pictogram(
    qtbot: Any, name: str, language: Language
) -> None:
    speaker = EspeakSpeaker(sound_output=False)
    kiosk = real_kiosk(qtbot, speaker)
    SCENES[name](kiosk.shell, kiosk.window, language)
    shown = read_buttons(kiosk)
    if name.endswith(("bar", "help")) and not shown:
        return  # (see above: the bar's loudspeaker goes first on a crowded bar)
    assert shown, f"{name}: neither read aloud nor 'no sound'"
    assert all(not button.sound for button in shown)
    assert shown[0].accessibleName() == i18n.tr("no_sound", language)
    qtbot.mouseClick(shown[0], LEFT)
    assert not speaker.speaking


@needs_espeak
def test_each_language_button_says_its_name_in_its_own_voice(qtbot: Any, tmp_path: Path) -> None:
    wav = tmp_path / "name.wav"
    speaker = EspeakSpeaker(extra_arguments=["-w", str(wav)])
    kiosk = real_kiosk(qtbot, speaker)
    kiosk.show(sample_view(State.WAITING))
    page = kiosk.window.pages[Screen.LANGUAGE]
    assert isinstance(page, LanguagePage)
    assert set(page.reads) == {language.value for language in Language}
    for language in Language:
        read = page.reads[language.value]
        if language.about.voice is None:
            # No voice (Pashto, Tigrinya): no loudspeaker that would read in another one.
            assert not read.isVisibleTo(kiosk.window)
            continue
        assert read.isVisibleTo(kiosk.window)
        with qtbot.waitSignal(speaker.speakingChanged, timeout=2000):
            qtbot.mouseClick(read, LEFT)
        arguments = speaker.last_arguments
        # The registry's voice: Dari is read by espeak-ng's Persian one.
        assert arguments[arguments.index("-v") + 1] == language.about.voice
        assert speaker.last_text == language.native_name
        # Only the button that speaks shows the stop sign.
        assert [r.reading for r in page.reads.values()].count(True) == 1 and read.reading
        # A bound for a hung espeak-ng, not a speed: thirteen voices in turn on a busy machine.
        qtbot.waitUntil(lambda: not speaker.speaking, timeout=30_000)
        data = wav.read_bytes()
        assert data[:4] == b"RIFF" and len(data) > 4_000, "real speech, not an empty header"
    assert kiosk.shell.local.language is None, "hearing a language does not pick it"


def test_without_sound_the_language_picker_says_why_once(qtbot: Any) -> None:
    kiosk = real_kiosk(qtbot, EspeakSpeaker(sound_output=False))
    kiosk.show(sample_view(State.WAITING))
    page = kiosk.window.pages[Screen.LANGUAGE]
    assert isinstance(page, LanguagePage)
    assert not any(read.isVisibleTo(kiosk.window) for read in page.reads.values())
    assert page.no_sound.isVisibleTo(kiosk.window) and not page.no_sound.sound


# -- an empty form gets a message ---------------------------------------------------------


def _form(kiosk: Kiosk, page: Page, language: Language) -> None:
    kiosk.show(sample_view(State.WAITING))
    kiosk.shell.local = LocalState(page=page, language=language)
    kiosk.shell.changed.emit()


@pytest.mark.parametrize("language", [FR, AR])
def test_an_empty_ticket_code_says_what_to_type(qtbot: Any, language: Language) -> None:
    kiosk = make_kiosk(qtbot)
    _form(kiosk, Page.TICKET, language)
    page = kiosk.window.pages[Screen.TICKET]
    qtbot.mouseClick(page.keypad.ok, LEFT)
    assert i18n.error_text("empty_ticket", language) in kiosk.texts()
    assert page.error_icon.isVisibleTo(kiosk.window)
    assert not kiosk.agent.of_type(Login), "nothing is sent"


@pytest.mark.parametrize("language", [FR, AR])
def test_an_empty_member_form_asks_for_the_card_then_the_pin(
    qtbot: Any, language: Language
) -> None:
    kiosk = make_kiosk(qtbot)
    _form(kiosk, Page.MEMBER, language)
    page = kiosk.window.pages[Screen.MEMBER]
    qtbot.mouseClick(page.keypad.ok, LEFT)
    assert i18n.error_text("empty_card", language) in kiosk.texts()
    qtbot.keyClicks(page.fields[0][1], "20417")
    qtbot.mouseClick(page.keypad.ok, LEFT)
    assert i18n.error_text("empty_pin", language) in kiosk.texts()
    assert page.target is page.fields[1][1], "the keypad now types the PIN"
    assert not kiosk.agent.of_type(Login)
    for digit in "1234":
        qtbot.mouseClick(page.keypad.digits[digit], LEFT)
    assert i18n.error_text("empty_pin", language) not in kiosk.texts()
    qtbot.mouseClick(page.keypad.ok, LEFT)
    (login,) = kiosk.agent.of_type(Login)
    assert (login.card, login.pin) == ("20417", "1234")


# -- a staff message keeps the time left in sight ------------------------------------------


@pytest.mark.parametrize("language", [FR, AR])
def test_a_staff_message_does_not_hide_the_time_left(qtbot: Any, language: Language) -> None:
    kiosk = make_kiosk(qtbot)
    message = MessageView(number=1, text="La salle ferme dans 15 minutes.")
    kiosk.show(sample_view(State.ACTIVE, language, message=message, **SESSION))
    assert kiosk.shell.screen is Screen.MESSAGE
    texts = kiosk.texts()
    assert "La salle ferme dans 15 minutes." in texts
    assert i18n.time_left(2520, language) in texts
    assert i18n.tr("until", language, time="15:42") in texts
    kiosk.show(sample_view(State.ACTIVE, language, message=message, seconds_left=2519))
    assert i18n.time_left(2519, language) in kiosk.texts(), "it keeps counting"


# -- the end screen is a receipt ----------------------------------------------------------

RECEIPT = ReceiptView(erased={"files": 3, "browser": 1}, bytes_erased=1000)


@pytest.mark.parametrize("language", list(Language))
def test_the_end_screen_is_a_receipt(qtbot: Any, language: Language) -> None:
    kiosk = make_kiosk(qtbot)
    summary = SummaryView(
        seconds_used=47 * 60, pages_printed=4, cost_cents=40, ticket_unused_seconds=13 * 60
    )
    kiosk.show(sample_view(State.DONE, language, receipt=RECEIPT, summary=summary))
    texts = kiosk.texts()
    price = i18n.money(40, "EUR", language)
    assert i18n.tr("receipt_used", language, time=i18n.time_left(47 * 60, language, True)) in texts
    assert i18n.tr("receipt_printed", language, n=4, price=price) in texts
    left = i18n.time_left(13 * 60, language, True)
    assert i18n.tr("receipt_ticket_left", language, time=left) in texts
    assert i18n.erased_summary(RECEIPT.erased, language) in texts
    page = kiosk.window.pages[Screen.DONE]
    icons = [icon._icon for holder, icon, _text in page.facts if holder.isVisibleTo(page)]
    assert icons == ["clock", "printer", "ticket", "shield"]
    # Each pictogram before its words: on the left, or on the right in Arabic.
    _holder, icon, text = page.facts[0]
    icon_x, text_x = icon.geometry().center().x(), text.geometry().center().x()
    assert (icon_x > text_x) if language.right_to_left else (icon_x < text_x)


def test_a_walk_in_receipt_without_printing_figures_says_only_what_is_known(qtbot: Any) -> None:
    kiosk = make_kiosk(qtbot)
    summary = SummaryView(seconds_used=200)  # a PC that does not meter printing
    kiosk.show(sample_view(State.DONE, FR, receipt=RECEIPT, summary=summary))
    texts = kiosk.texts()
    assert "Temps utilisé\u00a0: 4 min" in texts
    assert not any(text.startswith("Pages imprimées") for text in texts)
    assert not any("ticket" in text for text in texts)


# -- a long workshop title on a small screen ------------------------------------------------


def _inside(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("language", [NL, AR, FR])
def test_a_long_workshop_title_is_readable_at_1024_with_large_text(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, language: Language
) -> None:
    monkeypatch.setattr(shell_window, "WINDOWED_SIZE", (1024, 768))
    kiosk = make_kiosk(qtbot)
    kiosk.shell.local = replace(kiosk.shell.local, large_text=True)
    assert len(LONG_WORKSHOP_TITLE) == 120
    kiosk.show(sample_view(State.ACTIVE, language, workshop_title=LONG_WORKSHOP_TITLE, **SESSION))
    page = kiosk.window.pages[Screen.SESSION]
    assert isinstance(page, SessionPage)
    window = kiosk.window
    assert window.width() == 1024
    assert page.strip.isVisibleTo(window)
    shown = page.strip_title.text()
    assert shown.count("\n") <= 1
    # Nearly all of it: at most the last word or two are cut.
    assert len(shown.replace("\n", " ").rstrip("…")) >= 100
    title_box = _inside(page.strip_title, window)
    metrics = page.strip_title.fontMetrics()
    for line in shown.split("\n"):
        assert metrics.horizontalAdvance(line) <= title_box.width()
    assert metrics.lineSpacing() * len(shown.split("\n")) <= title_box.height()
    assert window.rect().contains(title_box)
    # Nothing in the bar overlaps anything else, and all of it is on the screen.
    shown_widgets = [
        w
        for w in (page.clock, page.time_left, page.help, page.end, page.read, page.staff)
        if w.isVisibleTo(window)
    ]
    boxes = [_inside(w, window) for w in shown_widgets]
    for index, box in enumerate(boxes):
        assert window.rect().contains(box)
        assert not box.intersects(title_box)
        for other in boxes[index + 1 :]:
            assert not box.intersects(other)
    assert find_button(window, i18n.tr("help", language))
