"""The visitor's language for the programs they start: ``LANGUAGE``, ``LANG``, no ``LC_*``.

Firefox, LibreOffice and the GTK programs follow the locale of their environment, and speak
it when their language pack is installed (``firefox-esr-l10n-*``, ``libreoffice-l10n-*``,
recommended by the kiosk's package). Belgian locales first: a Brussels visitor expects
Belgian dates, decimal commas and keyboard habits.

A locale the machine has not generated is never set: the C library would refuse it and
programs would fall back to English (some print warnings). Then ``LANG`` is ``C.UTF-8`` and
``LANGUAGE`` still names the visitor's language, which gettext programs honour with any
locale but plain ``C``.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Mapping, Set

from policies import Language

LOCALES: dict[Language, tuple[str, ...]] = {
    language: language.about.program_locales for language in Language
}
"""Per language, the locales to use, best first (the language registry's)."""

FALLBACK = "C.UTF-8"


def wanted_locales() -> tuple[str, ...]:
    """The locale to generate on a kiosk for each language (``/etc/locale.gen`` lines)."""
    return tuple(f"{names[0]}.UTF-8 UTF-8" for names in LOCALES.values())


def _normal(name: str) -> str:
    """``fr_BE.utf8`` and ``fr_BE.UTF-8`` are one locale."""
    base, _, charset = name.partition(".")
    return f"{base}.{charset.lower().replace('-', '')}" if charset else base


@functools.cache
def available_locales() -> frozenset[str]:
    """The locales this machine has (``locale -a``), normalised; empty when it cannot tell."""
    try:
        done = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(_normal(line.strip()) for line in done.stdout.splitlines() if line.strip())


def language_environment(language: Language, available: Set[str] | None = None) -> dict[str, str]:
    """``LANGUAGE`` and ``LANG`` for a program in ``language`` (see the module docstring)."""
    known = available_locales() if available is None else {_normal(n) for n in available}
    candidates = LOCALES[language]
    gettext = ":".join([*candidates, language.value])
    for name in candidates:
        if _normal(f"{name}.UTF-8") in known:
            return {"LANGUAGE": gettext, "LANG": f"{name}.UTF-8"}
    return {"LANGUAGE": gettext, "LANG": FALLBACK}


def with_language(environ: Mapping[str, str], language: Language) -> dict[str, str]:
    """``environ`` for a program in ``language``: ``LC_ALL`` and every ``LC_*`` of the
    session removed (they would override ``LANG``), the visitor's language set."""
    env = {k: v for k, v in environ.items() if not k.startswith("LC_")}
    env.update(language_environment(language))
    return env
