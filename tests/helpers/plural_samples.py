"""Counted texts as a translator writes them, for the catalogue tests."""

ARABIC_MINUTES_LEFT = (
    "لم تبقَ أي دقيقة",
    "بقيت دقيقة واحدة",
    "بقيت دقيقتان",
    "بقيت {n} دقائق",
    "بقيت {n} دقيقة",
    "بقيت {n} دقيقة",
)
"""'{n} minutes left' in Arabic's six forms (zero, one, two, few, many, other): one and two
are said without the digit."""
