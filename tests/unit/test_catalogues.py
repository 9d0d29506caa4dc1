"""The catalogues' loader (epn_shared.catalogues): a text by its key in the visitor's
language, counted with that language's plural rule, the English where a translation is
missing or waits to be checked (fuzzy), and a compiled .mo read only while it is current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from helpers.plural_samples import ARABIC_MINUTES_LEFT

from epn_shared.catalogues import Catalogue, _t, _tn, compile_po, sources

TEXTS = sources(
    _t("close", "Close"),
    _t("new_text", "Not translated yet"),
    _t("changed", "The English changed"),
    _tn("minutes_left", "{n} minute left", "{n} minutes left"),
)


def _po(folder: Path, language: str, entries: list[tuple[str, object, bool]]) -> Path:
    catalog = Catalog(locale=language, domain="shell")
    for key, translated, fuzzy in entries:
        source = TEXTS[key]
        msgid = (
            source.english
            if source.english_plural is None
            else (source.english, source.english_plural)
        )
        flags = ("fuzzy",) if fuzzy else ()
        catalog.add(msgid, translated, context=key, flags=flags)
    po = folder / language / "LC_MESSAGES" / "shell.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as out:
        write_po(out, catalog)
    return po


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    _po(
        tmp_path,
        "fr",
        [
            ("close", "Fermer", False),
            ("changed", "L'ancien texte", True),
            (
                "minutes_left",
                ("Il reste {n} minute", "Il reste {n} minutes", "Il reste {n} minutes"),
                False,
            ),
        ],
    )
    arabic = ARABIC_MINUTES_LEFT
    _po(tmp_path, "ar", [("minutes_left", arabic, False)])
    return Catalogue(tmp_path, "shell", TEXTS)


def test_a_text_is_found_by_its_key_in_the_visitors_language(catalogue: Catalogue) -> None:
    assert catalogue.text("close", "fr") == "Fermer"
    assert catalogue.languages() == ("ar", "fr")


def test_counted_texts_follow_each_languages_plural_rule(catalogue: Catalogue) -> None:
    # French counts 0 like 1; Arabic has six forms (3-10 plural, 11-99 singular).
    assert [catalogue.text("minutes_left", "fr", n) for n in (0, 1, 2)] == [
        "Il reste {n} minute",
        "Il reste {n} minute",
        "Il reste {n} minutes",
    ]
    forms = [catalogue.text("minutes_left", "ar", n) for n in (0, 1, 2, 3, 11, 100)]
    assert forms == list(ARABIC_MINUTES_LEFT)


def test_what_is_missing_or_waits_to_be_checked_is_said_in_english(catalogue: Catalogue) -> None:
    assert catalogue.text("new_text", "fr") == "Not translated yet"
    assert catalogue.text("changed", "fr") == "The English changed"  # fuzzy: not shown
    assert catalogue.text("close", "ti") == "Close"  # no catalogue for the language
    assert catalogue.text("minutes_left", "ti", 2) == "{n} minutes left"


def test_only_checked_translations_count_as_translated(catalogue: Catalogue) -> None:
    assert catalogue.translated("close", "fr")
    assert catalogue.translated("minutes_left", "ar")
    assert not catalogue.translated("changed", "fr")  # fuzzy
    assert not catalogue.translated("new_text", "fr")
    assert not catalogue.translated("close", "ti")


def test_a_compiled_catalogue_is_read_only_while_it_is_as_new_as_its_source(
    tmp_path: Path,
) -> None:
    po = _po(tmp_path, "fr", [("close", "Fermer", False)])
    po.with_suffix(".mo").write_bytes(compile_po(po, "fr"))  # the packages' build step
    assert Catalogue(tmp_path, "shell", TEXTS).text("close", "fr") == "Fermer"
    # A translator's correction after the build is read from the .po, not the stale .mo.
    po.write_text(po.read_text().replace('"Fermer"', '"Fermer la fenêtre"'))
    later = po.with_suffix(".mo").stat().st_mtime + 5
    os.utime(po, (later, later))
    assert Catalogue(tmp_path, "shell", TEXTS).text("close", "fr") == "Fermer la fenêtre"


def test_a_key_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'close' is declared twice"):
        sources(_t("close", "Close"), _t("close", "Shut"))
