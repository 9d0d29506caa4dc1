"""Pseudo-languages: every shell text made longer, or right to left, to find the screens
that would cut a translation before a translator finds them.

German, Dutch or Portuguese run up to 40 % longer than English; a right-to-left language
mirrors every screen. :func:`pseudo_locale` makes one of the shell's languages answer, for as
long as it lasts, each text in a pseudo-language made from its English:

* :data:`LONG` (in place of French): "Ţĥîš~ čöḿþûţéŕ~~ îš~ ..." — accented letters (taller
  than plain ones), each word padded with ``~`` until the text is 1.4 times as long;
* :data:`RIGHT_TO_LEFT` (in place of Arabic): the English written in Arabic letters,
  stretched the same way, so the screen is laid out right to left with long texts.

``{placeholders}`` are kept as they are, so that the shell fills them in as usual, and so
are digits, line breaks and no-break spaces.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

from epn_shared.catalogues import Catalogue
from policies import Language

STRETCH = 1.4
"""How much longer than the English a pseudo text is."""
PAD = "~"

_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACCENTED = str.maketrans(_LATIN, "åƀčďéƒĝĥîĵķĺḿñöþǫŕšţûṽŵẋýžÅƁČĎÉƑĜĤÎĴĶĹḾÑÖÞǪŔŠŢÛṼŴẊÝŽ")
"""Each Latin letter with an accent: as wide as the letter, often taller."""
ARABIC = str.maketrans(
    {
        **dict(zip(_LATIN, "ابكدعفغهيجقلمنوبقرستؤفوخىز" * 2, strict=True)),
        "?": "؟",
        ",": "،",
        ";": "؛",
    }
)
"""Each Latin letter as an Arabic one, and Arabic punctuation."""

_KEPT = re.compile(r"(\{[^{}]*\}|\s+)")
"""What a pseudo text keeps as it is: placeholders and spaces (line breaks, no-break)."""


def stretched(text: str, letters: dict[int, str]) -> str:
    """``text`` in other ``letters``, its words padded until it is :data:`STRETCH` times as
    long (the padding shared out between the words, in proportion to their length)."""
    parts = _KEPT.split(text)
    words = [i for i, part in enumerate(parts) if part and not _KEPT.fullmatch(part)]
    pad = math.ceil(len(text) * (STRETCH - 1))
    if not words:
        return text + PAD * pad
    total = sum(len(parts[i]) for i in words)
    done = given = 0
    for index in words:
        done += len(parts[index])
        share = pad * done // total - given
        given += share
        parts[index] = parts[index].translate(letters) + PAD * share
    return "".join(parts)


@dataclass(frozen=True)
class Pseudo:
    """A pseudo-language, and the shell language that answers in it."""

    name: str
    language: Language
    letters: dict[int, str]

    def text(self, english: str) -> str:
        """The pseudo text of an English text."""
        return stretched(english, self.letters)


LONG = Pseudo("pseudo-long", Language.FR, ACCENTED)
RIGHT_TO_LEFT = Pseudo("pseudo-rtl", Language.AR, ARABIC)
PSEUDOS = (LONG, RIGHT_TO_LEFT)


@contextlib.contextmanager
def pseudo_locale(pseudo: Pseudo) -> Iterator[None]:
    """While it lasts, the shell's ``pseudo.language`` shows every text in ``pseudo``."""
    with _answering(pseudo.language, pseudo.text):
        yield


# Where the shell looks up a text in one language: a function with a ``language``
# parameter that returns the text unformatted (each catalogue's lookup).
LOOKUP: tuple[Any, str] = (Catalogue, "text")


def _answering(language: Language, answer: Callable[[str], str]) -> Any:
    """The shell's text lookup patched: asked in ``language``, it answers its English
    made into ``answer``; in any other language, as before."""
    owner, name = LOOKUP
    original = getattr(owner, name)
    signature = inspect.signature(original)

    @functools.wraps(original)  # its signature is the original's: pseudo-languages nest
    def lookup(*args: Any, **kwargs: Any) -> str:
        asked = signature.bind(*args, **kwargs)
        if Language(asked.arguments["language"]) is not language:
            return str(original(*args, **kwargs))
        asked.arguments["language"] = Language.EN
        return answer(original(*asked.args, **asked.kwargs))

    return mock.patch.object(owner, name, lookup)
