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
    system_locales: tuple[str, ...] = ()
    """The machine's locales for the visitor's programs (Firefox, LibreOffice), best first;
    empty: ``locale`` alone."""

    @property
    def program_locales(self) -> tuple[str, ...]:
        """The locales to start the visitor's programs with, best first."""
        return self.system_locales or (self.locale,)


class Language(StrEnum):
    """A language the kiosk can speak. The value is its ISO 639-1 code."""

    # Belgian locales first: a Brussels visitor expects Belgian dates and decimal commas.
    FR = "fr", About("Français", "fr_BE", voice="fr", system_locales=("fr_BE", "fr_FR"))
    NL = "nl", About("Nederlands", "nl_BE", voice="nl", system_locales=("nl_BE", "nl_NL"))
    EN = "en", About("English", "en_GB", voice="en", system_locales=("en_GB", "en_IE", "en_US"))
    # Most Arabic-speaking Brusselers came from Morocco; the language packs are plain "ar".
    AR = (
        "ar",
        About(
            "العربية", "ar_MA", voice="ar", right_to_left=True, system_locales=("ar_MA", "ar_EG")
        ),
    )
    TR = "tr", About("Türkçe", "tr_TR", voice="tr")
    ES = "es", About("Español", "es_ES", voice="es")
    UK = "uk", About("Українська", "uk_UA", voice="uk")
    RU = "ru", About("Русский", "ru_RU", voice="ru")
    RO = "ro", About("Română", "ro_RO", voice="ro")
    PT = "pt", About("Português", "pt_PT", voice="pt", system_locales=("pt_PT", "pt_BR"))
    PL = "pl", About("Polski", "pl_PL", voice="pl")
    BG = "bg", About("Български", "bg_BG", voice="bg")
    # Dari has no ISO 639-1 code (prs is ISO 639-3). CLDR formats it as Afghan Persian;
    # espeak-ng's Persian voice and the machine's Persian locale are Iranian, which Dari
    # speakers understand.
    PRS = "prs", About("دری", "fa_AF", voice="fa", right_to_left=True, system_locales=("fa_IR",))
    PS = "ps", About("پښتو", "ps_AF", voice=None, right_to_left=True)
    # DejaVu Sans has no Ge'ez and no Pashto ۍ: those letters come from Noto Sans Ethiopic
    # and Noto Sans Arabic (fonts-noto-core), which the system takes for what the font lacks.
    # Neither is the text's own font: their lines are 1.8 times as high as DejaVu's (68 px
    # for 32 px letters), more than the keypad's keys and the session bar hold.
    TI = "ti", About("ትግርኛ", "ti_ER", voice=None)

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
