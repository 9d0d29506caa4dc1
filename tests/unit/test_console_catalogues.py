"""The staff window's and the ticket sheet's texts as people read them: counted texts
count as French and Dutch do, and the sheet a visitor takes home names the code, the
minutes and the PC's own button in each of the PCs' languages. (Every catalogue's
completeness, placeholders, template and msgfmt are checked by python -m installer.catalogues
check, tests/installer/test_catalogue_tool.py.)"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from admin_console.gui import i18n, ticket_sheet
from kiosk.shell.i18n import tr
from policies import Language


def test_a_counted_text_counts_as_french_and_dutch_do() -> None:
    fr, nl = Language.FR, Language.NL
    assert i18n.counted("tickets.batch", fr, 0).startswith("0 ticket créé")
    assert i18n.counted("tickets.batch", nl, 0).startswith("0 tickets")
    assert i18n.counted("select.count", fr, 2) == "2 PC sélectionnés"


SHELL_WORDS: Mapping[Language, tuple[str, str]] = {
    Language.FR: ("code", "minutes"),
    Language.NL: ("code", "minuten"),
    Language.EN: ("code", "minutes"),
    Language.AR: ("الرمز", "دقيقة"),
    Language.TR: ("kod", "dakika"),
    Language.ES: ("código", "minutos"),
}


@pytest.mark.parametrize("language", list(Language))
def test_the_sheet_names_the_code_and_the_minutes_in_each_visitor_language(
    language: Language,
) -> None:
    how_to = ticket_sheet.text("how_to", language)
    # The button the visitor will touch, as the PC's screen says it.
    assert tr("mode_ticket", language) in how_to
    minutes = ticket_sheet.text("minutes", language, 45)
    assert "45" in minutes
    if language in SHELL_WORDS:
        code, word = SHELL_WORDS[language]
        assert code in how_to
        assert minutes == f"45 {word}"
    if language.right_to_left:
        assert "،" in how_to and "," not in how_to  # the Arabic script's own comma
    assert ticket_sheet.text("how_to", language) != ticket_sheet.text("how_to", Language.EN) or (
        language is Language.EN
    )


def test_staff_may_print_each_visitor_language_or_brusselss_three() -> None:
    brussels, *alone = ticket_sheet.choices()
    assert brussels == (Language.FR, Language.NL, Language.EN)
    assert [languages[0] for languages in alone] == list(Language)
    assert ticket_sheet.choice_name(brussels) == "Français · Nederlands · English"
