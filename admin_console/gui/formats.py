"""Money, days, times and lists as a language writes them (CLDR, through Babel).

The staff window and the ticket sheet write ``12,30 €`` in French and ``€ 12,30`` in
Dutch, ``31 mars 2026`` and ``31 mrt 2026``, "PC-01, PC-02 et PC-03": each language's own
CLDR locale (:attr:`policies.languages.About.locale`) decides, not code written for one of
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_currency, format_percent
from babel.units import format_unit

from policies import Language


def _locale(language: Language) -> Locale:
    return Locale.parse(language.about.locale)


def money(cents: int, language: Language, currency: str = "EUR") -> str:
    """``12,30 €`` (fr), ``€ 12,30`` (nl), ``€12.30`` (en)."""
    return format_currency(Decimal(cents) / 100, currency, locale=_locale(language))


def minutes(count: int, language: Language) -> str:
    """A length in minutes: ``45 min`` (fr, nl), ``45 mins`` (en)."""
    return format_unit(count, "duration-minute", length="short", locale=_locale(language))


def duration(seconds: int, language: Language) -> str:
    """A time spent, in hours and minutes: ``1 h 30 min`` (fr), ``1 uur 30 min`` (nl),
    ``5 min`` when under an hour."""
    hours, rest = divmod(seconds // 60, 60)
    if not hours:
        return minutes(rest, language)
    spent = format_unit(hours, "duration-hour", length="short", locale=_locale(language))
    return f"{spent} {minutes(rest, language)}" if rest else spent


def percent(value: float, language: Language) -> str:
    """``42 %`` (fr), ``42%`` (nl, en)."""
    return format_percent(value, locale=_locale(language))


def day(moment: dt.date | dt.datetime, language: Language) -> str:
    """A day with its month in words, never mistaken for another (``31 mars 2026``);
    a moment is first put in this computer's time zone."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone().date()
    return format_date(moment, "medium", locale=_locale(language))


def day_in_digits(moment: dt.date | dt.datetime, language: Language) -> str:
    """A whole day in digits, in the language's order: ``31/03/2026`` (fr), ``31.3.2026``
    (tr); a moment is first put in this computer's time zone."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone().date()
    return format_skeleton("yMd", moment, locale=_locale(language))


def day_of_month(moment: dt.date, language: Language) -> str:
    """A day in a chart's axis or a table's first column: ``02/03`` (fr), ``2/3`` (nl)."""
    return format_skeleton("Md", moment, locale=_locale(language))


def month(moment: dt.date, language: Language) -> str:
    """A month of a year, in words: ``mars 2026`` (fr), ``mrt 2026`` (nl)."""
    return format_skeleton("yMMM", moment, locale=_locale(language))


def time_of_day(moment: dt.datetime, language: Language, tz: dt.tzinfo | None = None) -> str:
    """``14:05``, in the time zone ``tz`` (this computer's when None)."""
    return format_time(moment.astimezone(tz), "short", locale=_locale(language))


def day_and_time(moment: dt.datetime, language: Language) -> str:
    """``31 mars 2026, 14:05``: the day and the minute, joined as the language joins them."""
    locale = _locale(language)
    local = moment.astimezone()
    joined = str(locale.datetime_formats["medium"]).replace("'", "")
    date, time = day(local, language), time_of_day(local, language)
    return joined.replace("{1}", date).replace("{0}", time)


def listed(items: Sequence[str], language: Language) -> str:
    """``PC-01, PC-02 et PC-03``; an empty list is an empty string."""
    return format_list(list(items), locale=_locale(language)) if items else ""
