"""Every sentence exists in the six languages, errors are sentences, counts read right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.agent.config import packaged_skeleton
from kiosk.agent.wiper import SandboxWiper
from kiosk.core.errors import Refusal
from kiosk.shell import i18n
from kiosk.shell.i18n import ERRORS, STRINGS, Language, erased_summary, error_text, tr
from kiosk.shell.viewmodel import END_REASON_KEYS

ARABIC_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
TRANSPORT_CODES = (
    "not_allowed",
    "malformed",
    "bad_field",
    "internal",
    "too_large",
    "unknown_type",
    "bad_version",
)


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_text_exists_in_all_six_languages(key: str) -> None:
    counted = STRINGS[key].english_plural is not None
    filled = dict.fromkeys(set(re.findall(r"{(\w+)}", STRINGS[key].english)) - {"n"}, "X")
    english = {tr(key, Language.EN, **filled, n=n) for n in (1, 5)}
    for language in Language:
        for n in (0, 1, 2, 3, 11, 100) if counted else (1,):
            text = tr(key, language, **filled, n=n)
            assert text.strip() and "{" not in text, (key, language, n)
            # A short word ("OK", "PIN") may be the same; a sentence in English is untranslated.
            if language is not Language.EN and len(text) > 12 and " " in text:
                assert text not in english, (key, language)


SENTENCE_ENDS = (".", "!", "።")  # Ge'ez (Tigrinya) ends a sentence with its own four dots


@pytest.mark.parametrize("code", [r.value for r in Refusal] + list(TRANSPORT_CODES))
def test_every_refusal_and_error_code_has_a_sentence(code: str) -> None:
    assert code in ERRORS or code in i18n.ERROR_ALIASES
    for language in Language:
        sentence = error_text(code, language)
        assert sentence and sentence != code and "_" not in sentence
        assert sentence.rstrip().endswith(SENTENCE_ENDS)


def test_an_unknown_code_gets_the_generic_sentence_never_the_code() -> None:
    text = error_text("frobnicated_cache", Language.EN)
    assert text == "Something went wrong. Please ask a member of staff."
    assert "frobnicated" not in error_text("frobnicated_cache", Language.AR)


def test_staff_is_called_as_visitors_know_them_even_in_few_words() -> None:
    # "un membre de l'équipe": not "un animateur", which speaks only of men.
    assert "membre de l'équipe" in tr("help_coming_short", Language.FR)
    assert "Begeleider" in tr("help_coming_short", Language.NL)
    assert "Staff" in tr("help_coming_short", Language.EN)
    assert "أحد الموظفين" in tr("help_coming_short", Language.AR)
    assert "Görevli" in tr("help_coming_short", Language.TR)
    assert "personal" in tr("help_coming_short", Language.ES)


def test_staff_is_called_as_visitors_know_them() -> None:
    assert "membre de l'équipe" in tr("help_coming", Language.FR)
    assert "begeleider" in tr("help_coming", Language.NL)
    assert "member of staff" in tr("help_coming", Language.EN)
    assert "أحد الموظفين" in tr("help_coming", Language.AR)
    assert "görevli" in tr("help_coming", Language.TR).lower()
    assert "personal" in tr("help_coming", Language.ES)


def test_french_uses_a_no_break_space_and_arabic_its_own_question_mark() -> None:
    assert tr("idle_title", Language.FR).endswith("\u00a0?")
    assert tr("idle_title", Language.AR).endswith("؟")


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        (Language.EN, 1, "1 minute left"),
        (Language.EN, 12, "12 minutes left"),
        (Language.FR, 1, "Il reste 1 minute"),
        (Language.FR, 12, "Il reste 12 minutes"),
        (Language.NL, 1, "Nog 1 minuut"),
        (Language.NL, 12, "Nog 12 minuten"),
        (Language.ES, 1, "Queda 1 minuto"),
        (Language.ES, 12, "Quedan 12 minutos"),
        # Turkish keeps the noun singular after a number.
        (Language.TR, 1, "1 dakika kaldı"),
        (Language.TR, 12, "12 dakika kaldı"),
        # Arabic: one, two (dual), 3-10 plural, 11-99 singular accusative, 100 singular.
        (Language.AR, 1, "بقيت دقيقة واحدة"),
        (Language.AR, 2, "بقيت دقيقتان"),
        (Language.AR, 5, "بقيت 5 دقائق"),
        (Language.AR, 12, "بقيت 12 دقيقة"),
        (Language.AR, 100, "بقيت 100 دقيقة"),
    ],
)
def test_minutes_left_plural_forms(language: Language, count: int, expected: str) -> None:
    assert tr("minutes_left", language, n=count) == expected


def test_arabic_counts_take_the_form_of_their_number() -> None:
    # zero, one, two, 3-10 plural, 11-99 singular accusative, 100 singular, 103 plural again.
    said = [tr("seconds_short", Language.AR, n=n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 103)]
    assert said == [
        "0 ثانية",
        "ثانية واحدة",
        "ثانيتان",
        "3 ثوانٍ",
        "10 ثوانٍ",
        "11 ثانية",
        "99 ثانية",
        "100 ثانية",
        "103 ثوانٍ",
    ]


def test_time_left_rounds_up_and_switches_to_seconds_under_a_minute() -> None:
    assert i18n.time_left(61, Language.EN) == "2 minutes left"
    assert i18n.time_left(60, Language.EN) == "1 minute left"
    assert i18n.time_left(45, Language.EN) == "45 seconds left"
    assert i18n.time_left(1, Language.FR) == "Il reste 1 seconde"


def test_receipt_in_plain_words() -> None:
    erased = {"files": 12, "downloads": 1, "browser": 1, "folders": 0}
    assert i18n.erased_summary(erased, Language.EN) == (
        "Erased: 12 files, 1 download and browser history."
    )
    assert i18n.erased_summary(erased, Language.FR) == (
        "Ce qui a été effacé\u00a0: 12 fichiers, 1 téléchargement et l'historique du navigateur."
    )
    assert i18n.erased_summary(erased, Language.AR) == ("تم مسح: 12 ملفًا وتنزيل واحد وسجل التصفح.")


def test_unknown_kinds_of_erased_things_are_other_items() -> None:
    text = i18n.erased_summary({"files": 2, "tmp_entries": 3, "sockets": 1}, Language.EN)
    assert text == "Erased: 2 files and 4 other items."
    assert i18n.erased_summary({}, Language.EN) == "There was nothing to erase."


def test_opening_time_today_or_another_day() -> None:
    assert i18n.opens_again("14:00", Language.FR) == "Elle rouvre à 14:00."
    assert i18n.opens_again("2025-06-02 10:00", Language.EN) == (
        "It opens again on Monday 2 June at 10:00."
    )
    assert i18n.opens_again("2025-06-02 10:00", Language.FR) == (
        "Elle rouvre lundi 2 juin à 10:00."
    )
    assert "الاثنين" in i18n.opens_again("2025-06-02 10:00", Language.AR)
    assert i18n.opens_again(None, Language.EN) == "Please come back later."


def test_retry_after_is_said_in_seconds_or_minutes() -> None:
    assert error_text("too_many_tries", Language.EN, retry_after=30) == (
        "Too many tries. Please try again in 30 seconds."
    )
    assert error_text("too_many_tries", Language.EN, retry_after=300) == (
        "Too many tries. Please try again in 5 minutes."
    )


def test_every_end_reason_is_said() -> None:
    from kiosk.core.model import EndReason

    assert set(END_REASON_KEYS) == set(EndReason)


def test_every_kind_the_real_wiper_reports_is_told_in_words(tmp_path: Path) -> None:
    # A receipt must never say "other items" for something the wiper itself names.
    home = tmp_path / "home"
    wiper = SandboxWiper(home, packaged_skeleton(), tmp_path / "journal")
    wiper.prepare()
    (home / ".mozilla" / "firefox" / "x.default").mkdir(parents=True)
    (home / "Downloads" / "form.pdf").write_bytes(b"%PDF")
    receipt = wiper.wipe()
    for language in Language:
        text = erased_summary(dict(receipt.erased), language)
        assert tr("erased_browser", language) in text
        assert tr("erased_other", language, n=1) not in text


PRINT_KEYS = (
    "print_confirm_title",
    "print_pages",
    "print_sheets",
    "print_pages_on_sheets",
    "print_colour",
    "print_black_white",
    "print_price",
    "print_free",
    "print_free_pages_used",
    "print_left_after",
    "print_none_left_after",
    "print_too_long_title",
    "print_needs",
    "print_left_now",
    "print_none_left_now",
    "print_staff_can_help",
    "print_ask_staff",
    "print_uncountable_title",
    "print_problem_encrypted",
    "print_problem_damaged",
    "print_problem_unknown_format",
    "print_problem_options",
    "print_problem_other",
    "print_not_by_itself",
    "print_cancel_in_seconds",
    "print_cancel_in_minutes",
    "print",
    "pages_printed",
)


@pytest.mark.parametrize("key", PRINT_KEYS)
def test_every_print_sentence_is_in_the_six_languages(key: str) -> None:
    assert key in STRINGS
    for language in Language:
        for n in (0, 1, 2, 5, 11, 100):
            # Every plural form filled in: no count, price or sheet left as a placeholder.
            text = tr(key, language, n=n, pages="P", sheets="S", price="X")
            assert text.strip() and "{" not in text, (key, language, n)


def test_every_problem_the_agent_names_has_its_own_sentence() -> None:
    from kiosk.shell.viewmodel import PROBLEM_KEYS

    assert set(PROBLEM_KEYS) == {"encrypted", "damaged", "unknown_format", "options"}
    sentences = {tr(key, Language.FR) for key in PROBLEM_KEYS.values()}
    assert len(sentences) == 4 and tr("print_problem_other", Language.FR) not in sentences


@pytest.mark.parametrize(
    ("language", "pages", "expected"),
    [
        (Language.FR, 1, "Ce document compte 1 page."),
        (Language.FR, 40, "Ce document compte 40 pages."),
        (Language.NL, 1, "Dit document heeft 1 pagina nodig."),
        (Language.NL, 40, "Dit document heeft 40 pagina's nodig."),
        (Language.EN, 1, "This document needs 1 page."),
        (Language.EN, 40, "This document needs 40 pages."),
        (Language.AR, 1, "يحتاج هذا المستند إلى صفحة واحدة."),
        (Language.AR, 2, "يحتاج هذا المستند إلى صفحتين."),
        (Language.AR, 5, "يحتاج هذا المستند إلى 5 صفحات."),
        (Language.AR, 40, "يحتاج هذا المستند إلى 40 صفحة."),
    ],
)
def test_pages_a_document_needs_plural_forms(language: Language, pages: int, expected: str) -> None:
    assert tr("print_needs", language, n=pages) == expected


@pytest.mark.parametrize(
    ("cents", "currency", "language", "expected"),
    [
        (120, "EUR", Language.FR, "1,20\u00a0€"),
        (5, "EUR", Language.NL, "0,05\u00a0€"),
        (1250, "EUR", Language.EN, "€12.50"),
        (120, "CHF", Language.EN, "CHF\u00a01.20"),
        (120, "CHF", Language.FR, "1,20\u00a0CHF"),
        (120, "EUR", Language.AR, "1,20\u00a0€"),
        # CLDR names the euro 'EUR' in Ukrainian and Romanian; Brussels' price tags say €.
        (120, "EUR", Language.UK, "1,20\u00a0€"),
        (120, "EUR", Language.RO, "1,20\u00a0€"),
    ],
)
def test_prices_are_written_as_visitors_read_them(
    cents: int, currency: str, language: Language, expected: str
) -> None:
    assert i18n.money(cents, currency, language) == expected


LAUNCHER_KEYS = (
    "programs",
    "launcher_title",
    "launch_failed",
    "app_internet",
    "app_letters",
    "app_tables",
    "app_slides",
    "app_pdf",
    "app_photos",
    "preparing_title",
    "preparing_detail",
    "minutes_short",
    "seconds_short",
    "help_coming_short",
)


@pytest.mark.parametrize("key", LAUNCHER_KEYS)
def test_every_launcher_and_preparing_sentence_is_in_every_language(key: str) -> None:
    assert key in STRINGS
    for language in Language:
        for n in (0, 1, 2, 5, 11, 100):
            text = tr(key, language, n=n)
            assert text.strip() and "{" not in text, (key, language, n)


def test_a_program_that_cannot_start_sends_the_visitor_to_staff_as_they_know_them() -> None:
    for language in Language:
        assert tr("launch_failed", language).endswith(SENTENCE_ENDS)
    assert "membre de l'équipe" in tr("launch_failed", Language.FR)
    assert "begeleider" in tr("launch_failed", Language.NL)
    assert "أحد الموظفين" in tr("launch_failed", Language.AR)


def test_every_catalogue_program_has_a_pictogram_and_says_what_it_is_for() -> None:
    from kiosk.core.protocol import AppView
    from kiosk.shell.icons import ICON_NAMES
    from kiosk.shell.viewmodel import APP_KINDS, app_fallback_icon, app_kind
    from policies.model import App

    assert set(APP_KINDS) == {app.value for app in App}
    for app in App:
        view = AppView(id=app.value, name="x", icon="", exec="x")
        assert app_fallback_icon(view) in ICON_NAMES
        assert all(app_kind(view, language) for language in Language)
    unknown = AppView(id="gimp", name="GIMP", icon="gimp", exec="gimp")
    assert app_fallback_icon(unknown) == "programs" and app_kind(unknown, Language.FR) == ""


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [
        (Language.FR, 2520, "42 min"),
        (Language.FR, 45, "45 s"),
        (Language.TR, 2520, "42 dk"),
        (Language.AR, 60, "دقيقة واحدة"),
        (Language.AR, 120, "دقيقتان"),
        (Language.AR, 300, "5 دقائق"),
        (Language.AR, 2520, "42 دقيقة"),
    ],
)
def test_the_short_time_left_of_a_crowded_bar(
    language: Language, seconds: int, expected: str
) -> None:
    assert i18n.time_left(seconds, language, short=True) == expected
