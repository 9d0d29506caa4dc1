"""The staff window's and the ticket sheet's catalogues (admin_console/gui/locale): every
text a French or Dutch animator meets is translated and checked (none missing, none fuzzy,
the same placeholders as the English), the template holds what the code declares, and the
sheet a visitor takes home names the code and the minutes in each of the PCs' languages."""

from __future__ import annotations

import shutil
import string
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from admin_console.gui import i18n, ticket_sheet
from epn_shared.catalogues import EXTRACT_KEYWORDS, Catalogue, Source
from kiosk.shell.i18n import tr
from policies import Language

REPO = Path(__file__).resolve().parents[2]
DOMAINS = {
    "console": (i18n.CATALOGUE, REPO / "admin_console/gui/i18n.py", ("fr", "nl")),
    "sheet": (
        ticket_sheet.CATALOGUE,
        REPO / "admin_console/gui/ticket_sheet.py",
        ("ar", "es", "fr", "nl", "tr"),  # English is the source
    ),
}
SHIPPED = [
    (domain, language) for domain, (_c, _s, shipped) in DOMAINS.items() for language in shipped
]


def _read(catalogue: Catalogue, language: str) -> Catalog:
    with catalogue.po_file(language).open("rb") as po:
        return read_po(po, locale=language, domain=catalogue.domain)


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def _english(source: Source) -> tuple[str, ...]:
    if source.english_plural is None:
        return (source.english,)
    return (source.english, source.english_plural)


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_ships_its_languages(domain: str) -> None:
    catalogue, _source, shipped = DOMAINS[domain]
    assert catalogue.languages() == shipped


@pytest.mark.parametrize(("domain", "language"), SHIPPED)
def test_every_text_is_translated_and_checked(domain: str, language: str) -> None:
    catalogue = DOMAINS[domain][0]
    po = _read(catalogue, language)
    found: dict[str, object] = {}
    for message in po:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, f"{message.context}: waits to be checked"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{message.context}: not translated"
        english = catalogue.texts[str(message.context)]
        assert message.id == (
            english.english if english.english_plural is None else _english(english)
        ), f"{message.context}: translated from another English"
        found[str(message.context)] = forms
    assert set(found) == set(catalogue.texts)
    assert not po.obsolete


@pytest.mark.parametrize(("domain", "language"), SHIPPED)
def test_the_placeholders_are_the_englishs(domain: str, language: str) -> None:
    catalogue = DOMAINS[domain][0]
    for key, source in catalogue.texts.items():
        counts = (1, 2, 3, 11, 100) if source.english_plural else (None,)
        for n in counts:
            # As the English for the same count (its singular may say "the ticket", no {n}).
            english = source.english if n in (None, 1) else source.english_plural
            translated = catalogue.text(key, language, n)
            assert _fields(translated) == _fields(str(english)), f"{key} ({language}, {n})"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize(("domain", "language"), SHIPPED)
def test_gettext_accepts_the_catalogue(domain: str, language: str, tmp_path: Path) -> None:
    po = DOMAINS[domain][0].po_file(language)
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_template_holds_what_the_code_declares(domain: str) -> None:
    catalogue, source, _shipped = DOMAINS[domain]
    extracted = {
        (context, message if isinstance(message, str) else tuple(message))
        for _line, message, _comments, context in extract_from_file(
            "python", str(source), keywords=EXTRACT_KEYWORDS, comment_tags=("Translators:",)
        )
    }
    with catalogue.template.open("rb") as pot:
        template = {(m.context, m.id) for m in read_po(pot) if m.id}
    assert template == extracted


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


@pytest.mark.parametrize("language", SHELL_WORDS)
def test_the_sheet_names_the_code_and_the_minutes_in_each_visitor_language(
    language: Language,
) -> None:
    code, minutes = SHELL_WORDS[language]
    how_to = ticket_sheet.text("how_to", language)
    assert code in how_to
    # The button the visitor will touch, as the PC's screen says it.
    assert tr("mode_ticket", language) in how_to
    assert ticket_sheet.text("minutes", language, 45) == f"45 {minutes}"
    if language.right_to_left:
        assert "،" in how_to and "," not in how_to  # Arabic's own comma


def test_staff_may_print_each_visitor_language_or_brusselss_three() -> None:
    brussels, *alone = ticket_sheet.choices()
    assert brussels == (Language.FR, Language.NL, Language.EN)
    assert [languages[0] for languages in alone] == list(SHELL_WORDS)
    assert ticket_sheet.choice_name(brussels) == "Français · Nederlands · English"
