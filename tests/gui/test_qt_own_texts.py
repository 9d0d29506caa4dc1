"""Qt's own words in the window's language: the staff window's "save the sheet" dialog and
its questions' buttons are French for a French animator, Dutch for a Dutch one, not
"Look in / Save / Cancel" (epn_shared.qt_texts, with the catalogues PySide6 ships)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from epn_shared.qt_texts import QtOwnTexts
from policies import Language

Button = QDialogButtonBox.StandardButton


@pytest.fixture
def qt_texts(qapp: Any) -> Iterator[QtOwnTexts]:
    texts = QtOwnTexts(qapp)
    yield texts
    texts.use("en")  # the application outlives the test


def _shown(text: str) -> str:
    return text.replace("&", "")  # the shortcut letter's marker is not drawn


SAVE_DIALOG = {
    "fr": ("Enregistrer", "Annuler", "Voir dans\u00a0:", "Fichiers de type\u00a0:"),
    "nl": ("Opslaan", "Annuleren", "Zoeken in:", "Bestanden van type:"),
}


@pytest.mark.parametrize("language", SAVE_DIALOG)
def test_the_save_dialog_speaks_the_staff_language(
    qtbot: Any, qt_texts: QtOwnTexts, language: str
) -> None:
    save, cancel, look_in, file_type = SAVE_DIALOG[language]
    assert qt_texts.use(language)
    # Qt's own dialog, as on a desktop without a portal (the sheet's "Print sheet (PDF)…").
    dialog = QFileDialog(None, "tickets")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    assert sorted(_shown(b.text()) for b in buttons.buttons()) == sorted([save, cancel])
    labels = [_shown(label.text()) for label in dialog.findChildren(QLabel)]
    # Qt 6.11 added a shortcut to these two; its catalogues know them without it.
    assert look_in in labels and file_type in labels


def test_a_question_s_buttons_follow_a_change_of_language(qtbot: Any, qt_texts: QtOwnTexts) -> None:
    def answers() -> list[str]:
        box = QDialogButtonBox(Button.Yes | Button.No | Button.Cancel)
        qtbot.addWidget(box)
        return [_shown(box.button(b).text()) for b in (Button.Yes, Button.No, Button.Cancel)]

    qt_texts.use("fr")
    assert answers() == ["Oui", "Non", "Annuler"]
    qt_texts.use("nl")
    assert answers() == ["Ja", "Nee", "Annuleren"]
    qt_texts.use("en")
    assert answers() == ["Yes", "No", "Cancel"]


def test_qt_has_its_own_words_in_the_pcs_first_languages(qt_texts: QtOwnTexts) -> None:
    # A visitor who picks Arabic, Turkish or Spanish meets Qt's dialogs in it too.
    first = ("fr", "nl", "en", "ar", "tr", "es")
    assert [language for language in first if not qt_texts.use(language)] == []


def test_qt_speaks_each_visitor_language_it_has_a_catalogue_for(qt_texts: QtOwnTexts) -> None:
    # Dari takes Persian's catalogue through its locale (fa_AF → fa); Qt has none for
    # Romanian, European Portuguese, Pashto or Tigrinya: its few words stay English there.
    spoken = {lang for lang in Language if qt_texts.use(lang.value, lang.about.locale)}
    assert {Language.UK, Language.RU, Language.PL, Language.BG, Language.PRS} <= spoken
    assert not {Language.RO, Language.PT, Language.PS, Language.TI} & spoken
    qt_texts.use(Language.PRS.value, Language.PRS.about.locale)
    box = QDialogButtonBox(Button.Cancel)
    assert _shown(box.button(Button.Cancel).text()) != "Cancel"
    box.deleteLater()
