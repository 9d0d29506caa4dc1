"""The texts people read, from gettext catalogues that translators edit (``.po`` files).

Each product keeps its texts in one *domain*: a folder ``locale/`` beside its code, holding
the template ``<domain>.pot`` (extracted from the code by Babel) and one
``<language>/LC_MESSAGES/<domain>.po`` per language, compiled to ``.mo`` beside it.

A text is declared in the code once, in English, under a key that says where it is used::

    _t("wait_title", "Please wait…")
    _tn("minutes_left", "{n} minute left", "{n} minutes left")

The key is the message's context (``msgctxt``) and the English its ``msgid``: a translator
sees the English and the key, a changed English text makes its translations fuzzy (to be
checked again), and the code keeps asking by key. Babel extracts both forms with the
keywords in :data:`EXTRACT_KEYWORDS`; a ``# Translators:`` comment just above a declaration
goes into the catalogue for the translator.

A catalogue is read from its ``.mo`` when that is as new as its ``.po`` (what the packages
ship); otherwise it is compiled from the ``.po`` when first used (a checkout, a translator
trying a change). A language without a catalogue, or a text not translated yet, falls back to
the English.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

EXTRACT_KEYWORDS = {"_t": ((1, "c"), 2), "_tn": ((1, "c"), 2, 3)}
"""Babel's extraction keywords for :func:`_t` and :func:`_tn` (context first, then the
English singular and plural)."""


@dataclass(frozen=True)
class Source:
    """A text as the code declares it: its key and its English (with a plural, if counted)."""

    key: str
    english: str
    english_plural: str | None = None


def _t(key: str, english: str) -> Source:
    """Declare the text ``key`` with its English."""
    return Source(key, english)


def _tn(key: str, english_one: str, english_other: str) -> Source:
    """Declare the counted text ``key`` with its English singular and plural (``{n}``)."""
    return Source(key, english_one, english_other)


def sources(*declared: Source) -> Mapping[str, Source]:
    """The declarations by key; a key declared twice is a mistake in the code."""
    table: dict[str, Source] = {}
    for source in declared:
        if source.key in table:
            raise ValueError(f"the text {source.key!r} is declared twice")
        table[source.key] = source
    return table


class Catalogue:
    """The translations of one domain, for every language that has a ``.po`` file."""

    def __init__(self, folder: Path, domain: str, texts: Mapping[str, Source]) -> None:
        self.folder = folder
        self.domain = domain
        self.texts = texts

    def po_file(self, language: str) -> Path:
        return self.folder / language / "LC_MESSAGES" / f"{self.domain}.po"

    @property
    def template(self) -> Path:
        return self.folder / f"{self.domain}.pot"

    def languages(self) -> tuple[str, ...]:
        """The languages this domain has a catalogue for."""
        found = self.folder.glob(f"*/LC_MESSAGES/{self.domain}.po")
        return tuple(sorted(p.parent.parent.name for p in found))

    def text(self, key: str, language: str, n: int | None = None) -> str:
        """The text ``key`` in ``language`` (for ``n`` when it is counted), unformatted."""
        source = self.texts[key]
        translations = self._translations(language)
        if source.english_plural is None:
            return translations.pgettext(key, source.english)
        count = 1 if n is None else n
        return translations.npgettext(key, source.english, source.english_plural, count)

    def translated(self, key: str, language: str) -> bool:
        """True when ``language``'s catalogue has the text ``key``, checked (not fuzzy)."""
        source = self.texts[key]
        found = self._translations(language)
        entries = getattr(found, "_catalog", {})  # gettext's own table of what it holds
        wanted = f"{key}\x04{source.english}"
        return (wanted, 0) in entries if source.english_plural is not None else wanted in entries

    @functools.cache  # noqa: B019 (one catalogue object per domain lives as long as the process)
    def _translations(self, language: str) -> gettext.NullTranslations:
        po = self.po_file(language)
        mo = po.with_suffix(".mo")
        try:
            if mo.stat().st_mtime >= po.stat().st_mtime:
                with mo.open("rb") as compiled:
                    return gettext.GNUTranslations(compiled)
        except FileNotFoundError:
            pass
        if not po.exists():
            return gettext.NullTranslations()
        return gettext.GNUTranslations(io.BytesIO(compile_po(po, language)))


def compile_po(po: Path, language: str) -> bytes:
    """The ``.mo`` bytes of ``po``, as ``pybabel compile`` writes them (fuzzy texts left out:
    a text whose English changed falls back to the new English until checked)."""
    with po.open("rb") as text:
        catalog = read_po(text, locale=language, domain=po.stem)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()
