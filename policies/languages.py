"""The languages of EPN Kiosk: one entry each, in one registry.

A language is its entry here plus its catalogues (``locale/<code>/LC_MESSAGES/*.po`` beside
each product's code, see :mod:`epn_shared.catalogues`). The entry says what the code cannot
guess from a catalogue: the language's name in itself (how its speakers look for it in the
picker, never a flag), its direction, the font family that has its script, the
``espeak-ng`` voice that reads it aloud (None: the read-aloud button is not shown) and the
CLDR locale that formats its numbers, money, dates and lists (Babel).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING


@dataclass(frozen=True)
class About:
    """What the code needs to know of a language besides its texts."""

    endonym: str
    locale: str
    voice: str | None
    right_to_left: bool = False
    font: str = "DejaVu Sans"


class Language(StrEnum):
    """A language the kiosk can speak. The value is its ISO 639-1 code."""

    FR = "fr", About("Français", "fr_BE", voice="fr")
    NL = "nl", About("Nederlands", "nl_BE", voice="nl")
    EN = "en", About("English", "en_GB", voice="en")
    AR = "ar", About("العربية", "ar_MA", voice="ar", right_to_left=True)
    TR = "tr", About("Türkçe", "tr_TR", voice="tr")
    ES = "es", About("Español", "es_ES", voice="es")

    about: About

    if not TYPE_CHECKING:  # mypy would take this for the signature of Language("fr")

        def __new__(cls, code: str, about: About) -> Language:
            member = str.__new__(cls, code)
            member._value_ = code
            member.about = about
            return member

    @property
    def native_name(self) -> str:
        """The language's name written in that language, as its speakers look for it."""
        return self.about.endonym

    @property
    def right_to_left(self) -> bool:
        """True when the language is written right to left."""
        return self.about.right_to_left
