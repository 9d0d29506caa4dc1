"""The visitor shell's catalogues (kiosk/shell/locale): every text the shell declares is
translated in each of its languages, none left waiting to be checked, every number, time
and price kept in the sentence, and counts said in the form their number takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from epn_shared.catalogues import Source
from kiosk.shell.i18n import CATALOGUE, Language, tr

TRANSLATED = [language for language in Language if language is not Language.EN]
"""English is the source: the other languages each have a catalogue."""


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as text:
        return read_po(text, locale=locale)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w*)}", text))


def _source_id(source: Source) -> str | tuple[str, str]:
    return (
        source.english if source.english_plural is None else (source.english, source.english_plural)
    )


@pytest.mark.parametrize("language", TRANSLATED, ids=str)
def test_every_text_is_translated_and_checked_in_each_language(language: Language) -> None:
    catalog = _catalog(CATALOGUE.po_file(language.value), language.value)
    entries = {m.context: m for m in catalog if m.id}
    missing = sorted(set(CATALOGUE.texts) - set(entries))
    assert not missing, f"{language.native_name}: no translation for {missing}"
    assert not sorted(set(entries) - set(CATALOGUE.texts)), "texts the shell no longer has"
    for key, source in CATALOGUE.texts.items():
        message: Message = entries[key]
        assert message.id == _source_id(source), f"{key}: translated from another English"
        assert not message.fuzzy, f"{language.native_name}: {key} waits to be checked"
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = 1 if source.english_plural is None else catalog.num_plurals
        assert len(forms) == expected and all(f.strip() for f in forms), (language, key)


@pytest.mark.parametrize("language", TRANSLATED, ids=str)
def test_every_translation_keeps_the_numbers_times_and_prices_of_its_sentence(
    language: Language,
) -> None:
    catalog = _catalog(CATALOGUE.po_file(language.value), language.value)
    for message in catalog:
        if not message.id:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set().union(*map(_placeholders, english))
        for form in forms:
            # A counted form may say the number in words ("one minute", Arabic's dual):
            # only {n} may be left out, and nothing may be added.
            said = _placeholders(form)
            assert said <= wanted and wanted - {"n"} <= said, (language, message.context, form)


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "هذا المستند لا يحتاج إلى أي صفحة."),
        (1, "يحتاج هذا المستند إلى صفحة واحدة."),
        (2, "يحتاج هذا المستند إلى صفحتين."),
        (3, "يحتاج هذا المستند إلى 3 صفحات."),
        (11, "يحتاج هذا المستند إلى 11 صفحة."),
        (100, "يحتاج هذا المستند إلى 100 صفحة."),
    ],
)
def test_arabic_counts_take_the_form_of_their_number(n: int, said: str) -> None:
    assert tr("print_needs", Language.AR, n=n) == said


@pytest.mark.parametrize(
    ("n", "said"),
    [(0, "Il reste 0 minute"), (1, "Il reste 1 minute"), (2, "Il reste 2 minutes")],
)
def test_french_counts_zero_like_one(n: int, said: str) -> None:
    assert tr("minutes_left", Language.FR, n=n) == said
