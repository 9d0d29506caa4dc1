"""Every sentence the shell shows, declared in English; the translations are in ``locale/``.

The texts are gettext catalogues of the domain ``shell`` (``locale/shell.pot`` and one
``locale/<language>/LC_MESSAGES/shell.po`` per language, see :mod:`epn_shared.catalogues`):
a translator edits a ``.po`` file, never this module. Each text is declared here once, by
its key and its English; a counted text has an English singular and plural, and each
language's catalogue has as many forms as its plural rule (Arabic six, French three).
``{n}`` is the count. Numbers, money, weekdays and lists are written by Babel with the
language's CLDR locale (:attr:`policies.languages.About.locale`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from babel.dates import format_skeleton, format_time, get_day_names
from babel.lists import format_list
from babel.numbers import format_currency

from epn_shared.catalogues import Catalogue, _t, _tn, sources
from kiosk.core.model import ErasedKind
from kiosk.core.protocol import SummaryView
from policies import Language

log = logging.getLogger(__name__)

STRINGS = sources(
    # -- not connected ------------------------------------------------------------------
    # Translators: Every text of the visitor's screen: plain words (CEFR A2), the polite form (vous,
    # u, siz, usted, the polite plural in Arabic). French puts a no-break space before : ? ! ;
    # Arabic has its own comma (،) and question mark (؟).
    _t("wait_title", "Please wait…"),
    _t("wait_detail", "This computer is getting ready. It will be ready in a moment."),
    # -- language ---------------------------------------------------------------------
    _t("choose_language", "Choose your language"),
    _t("large_text", "Large text"),
    _t("high_contrast", "High contrast"),
    # -- login ------------------------------------------------------------------------
    _t("choose_start", "How do you want to start?"),
    _t("mode_walk_in", "Start now"),
    _t("mode_ticket", "I have a ticket"),
    _t("mode_member", "I have a member card"),
    _t("back", "Back"),
    _t("ticket_title", "Type the code on your ticket"),
    _t("ticket_code", "Ticket code"),
    _t("member_title", "Type your card number and your PIN code"),
    _t("card_number", "Card number"),
    _t("pin_code", "PIN code"),
    _t("ok", "OK"),
    _t("erase", "Erase"),
    # -- house rules --------------------------------------------------------------------
    _t("rules_title", "The house rules"),
    _t("rules_intro", "Please read these rules. Touch a rule to read more."),
    _t("more", "Read more"),
    _t("close", "Close"),
    _t("read_aloud", "Read aloud"),
    _t("stop_reading", "Stop reading"),
    _t("accept", "I accept"),
    # -- closed -----------------------------------------------------------------------
    _t("closed_title", "The room is closed"),
    # Translators: {time} is a time of day, such as 14:00.
    _t("closed_opens_at", "It opens again at {time}."),
    # Translators: {day} is a weekday and a date, such as “Monday 2 June”; {time} a time of day.
    _t("closed_opens_on", "It opens again on {day} at {time}."),
    _t("closed_no_time", "Please come back later."),
    # -- time -------------------------------------------------------------------------
    # Translators: {n} is the number of minutes left in the session.
    _tn("minutes_left", "{n} minute left", "{n} minutes left"),
    # Translators: {n} is the number of seconds left in the session.
    _tn("seconds_left", "{n} second left", "{n} seconds left"),
    # Translators: The same in a few letters, for a crowded bar: {n} is the number of minutes.
    _tn("minutes_short", "{n} min", "{n} min"),
    # Translators: The same in a few letters, for a crowded bar: {n} is the number of seconds.
    _tn("seconds_short", "{n} s", "{n} s"),
    # Translators: {time} is the time of day the session ends, such as 16:30.
    _t("until", "until {time}"),
    # -- session bar ------------------------------------------------------------------
    _t("help", "Help"),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("help_coming", "A member of staff is coming"),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("help_coming_short", "Staff are coming"),
    _t("end_session", "End my session"),
    _t("end_confirm_title", "Do you want to end your session now?"),
    _t(
        "end_confirm_detail",
        "Everything you did on this computer will be erased: your files, your downloads and your "
        "browser history.",
    ),
    _t("end_confirm_yes", "Yes, end now"),
    _t("end_confirm_no", "No, continue"),
    # Translators: {time_left} is a whole sentence, such as “10 minutes left”.
    _t("warning_save", "{time_left}. Save your work now (USB stick or e-mail)."),
    _t("final_title", "Your session ends soon"),
    _t("final_save", "Save your work now (USB stick or e-mail)."),
    # -- idle -------------------------------------------------------------------------
    _t("idle_title", "Are you still there?"),
    _t("idle_touch", "Touch the screen or press a key."),
    # Translators: {n} is the number of seconds before the session ends.
    _tn(
        "idle_ends_in",
        "Otherwise, your session ends in {n} second.",
        "Otherwise, your session ends in {n} seconds.",
    ),
    _t("idle_here", "I am here"),
    # -- locked, message ----------------------------------------------------------------
    _t("locked_title", "This computer is locked."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("locked_detail", "Please see a member of staff."),
    _t("out_of_order_title", "This computer is out of order."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("out_of_order_detail", "Please use another computer. A member of staff can help you."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("message_title", "Message from a member of staff"),
    # -- end --------------------------------------------------------------------------
    _t("ending_title", "Your session is over."),
    _t("erasing", "Erasing your data…"),
    _t("updating_title", "This PC is being updated."),
    _t("updating_detail", "It will be ready in a few minutes."),
    _t("preparing_title", "This computer is getting ready."),
    _t("preparing_detail", "It will be available in a moment. Please wait."),
    _t("reason_time_up", "Your time is up."),
    _t("reason_visitor", "You ended your session."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("reason_staff", "A member of staff ended your session."),
    _t("reason_idle", "The computer was not used for a while."),
    _t("reason_shell_lost", "The session had to stop because of a technical problem."),
    _t("reason_reboot", "The computer restarted."),
    _t("reason_stopped", "The computer was shut down."),
    _t("done_title", "Your data has been erased"),
    # Translators: {items} is a list, such as “12 files, 1 download and browser history”.
    _t("done_erased", "Erased: {items}."),
    _t("done_nothing", "There was nothing to erase."),
    _t("done_private", "The next person cannot see what you did."),
    _t("done_start", "Touch to start"),
    # -- what a wipe erased -------------------------------------------------------------
    # Translators: One item in the list of what was erased: {n} is how many.
    _tn("erased_files", "{n} file", "{n} files"),
    # Translators: One item in the list of what was erased: {n} is how many.
    _tn("erased_folders", "{n} folder", "{n} folders"),
    # Translators: One item in the list of what was erased: {n} is how many.
    _tn("erased_downloads", "{n} download", "{n} downloads"),
    # Translators: One item in the list of what was erased: {n} is how many.
    _tn("erased_print_jobs", "{n} print job", "{n} print jobs"),
    # Translators: One item in the list of what was erased: {n} is how many.
    _tn("erased_processes", "{n} open program", "{n} open programs"),
    _t("erased_browser", "browser history"),
    # Translators: One item in the list of what was erased: {n} is how many.
    _tn("erased_other", "{n} other item", "{n} other items"),
    # -- animator -----------------------------------------------------------------------
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("staff", "Staff"),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("staff_pin_title", "Staff: type your PIN code"),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("staff_actions", "Staff actions"),
    # Translators: Staff only (their menu is in French, Dutch or English): above the buttons
    # with the names of this room's staff; each person touches theirs, then types their PIN.
    _t("staff_who", "Touch your name"),
    # Translators: Staff only: the staff menu greets the person whose PIN opened it. {name} is
    # their first name, as the console has it.
    _t("staff_hello", "Hello {name}"),
    # Translators: {n} is the number of minutes added to the session.
    _tn("extend_by", "Add {n} minute", "Add {n} minutes"),
    _t("staff_end", "End the session"),
    _t("staff_lock", "Lock this computer"),
    _t("staff_unlock", "Unlock this computer"),
    # -- pairing this PC with the console (staff menu) ----------------------------------
    _t("pair_open", "Connect this PC to the console"),
    _t("pair_choose", "1. Choose the console"),
    _t("pair_searching", "Looking for consoles on the network…"),
    _t("pair_none_found", "No console found on this network. Type its address below."),
    _t("pair_search_again", "Search again"),
    _t("pair_address", "Or type the console's address (for example 192.168.1.10):"),
    _t("pair_code", "2. Type the code the console shows"),
    _t("pair_connect", "Connect"),
    _t("pair_connecting", "Connecting to the console…"),
    # Translators: {name} is the name of the staff console.
    _t("pair_done", "This PC is connected to the console “{name}”."),
    _t("pair_done_detail", "It now shows in the room on the console."),
    _t("cancel", "Cancel"),
    # Translators: {n} is a number of seconds.
    _tn("try_again_seconds", "Please try again in {n} second.", "Please try again in {n} seconds."),
    # Translators: {n} is a number of minutes.
    _tn("try_again_minutes", "Please try again in {n} minute.", "Please try again in {n} minutes."),
    # -- printing -----------------------------------------------------------------------
    _t("print_confirm_title", "Print this document?"),
    # Translators: The subject of “{pages} on {sheets}”: {n} is the number of pages.
    _tn("print_pages", "{n} page", "{n} pages"),
    # Translators: After the preposition of “{pages} on {sheets}” (Arabic: the genitive dual): {n}
    # is the number of sheets of paper.
    _tn("print_sheets", "{n} sheet", "{n} sheets"),
    # Translators: {pages} is “3 pages” and {sheets} is “2 sheets”: say both in words, as a sentence
    # would.
    _t("print_pages_on_sheets", "{pages} on {sheets}"),
    _t("print_colour", "In colour"),
    _t("print_black_white", "In black and white"),
    # Translators: {price} as on a price tag, such as “1,20 €”.
    _t("print_price", "Price: {price}"),
    _t("print_free", "Free"),
    # Translators: {n} is a number of pages.
    _tn("print_free_pages_used", "{n} free page used", "{n} free pages used"),
    # Translators: {n} is a number of pages.
    _tn(
        "print_left_after",
        "After this, you can still print {n} page.",
        "After this, you can still print {n} pages.",
    ),
    _t("print_none_left_after", "After this, you cannot print any more."),
    _t("print_too_long_title", "This document has too many pages"),
    # Translators: {n} is a number of pages.
    _tn("print_needs", "This document needs {n} page.", "This document needs {n} pages."),
    # Translators: {n} is a number of pages.
    _tn("print_left_now", "You have only {n} page left.", "You have only {n} pages left."),
    _t("print_none_left_now", "You cannot print any more pages."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("print_staff_can_help", "A member of staff can help you."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("print_ask_staff", "Ask a member of staff"),
    _t("print_uncountable_title", "This computer cannot count the pages of this document"),
    _t("print_problem_encrypted", "It is protected by a password."),
    _t("print_problem_damaged", "It is damaged or incomplete."),
    _t("print_problem_unknown_format", "It is a kind of file this computer cannot print."),
    _t("print_problem_options", "It asks for print settings this computer cannot check."),
    _t("print_problem_other", "This computer cannot read it."),
    _t("print_not_by_itself", "It will not print by itself."),
    # Translators: {n} is the time left before an unanswered print job is cancelled.
    _tn(
        "print_cancel_in_seconds",
        "If you do not answer, it will be cancelled in {n} second.",
        "If you do not answer, it will be cancelled in {n} seconds.",
    ),
    # Translators: {n} is the time left before an unanswered print job is cancelled.
    _tn(
        "print_cancel_in_minutes",
        "If you do not answer, it will be cancelled in {n} minute.",
        "If you do not answer, it will be cancelled in {n} minutes.",
    ),
    _t("print", "Print"),
    # Translators: {n} is a number of pages.
    _tn("pages_printed", "{n} page printed", "{n} pages printed"),
    # -- launcher ---------------------------------------------------------------------
    _t("programs", "Programs"),
    _t("launcher_title", "Choose a program"),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("launch_failed", "This program could not start. Ask a member of staff."),
    _t("app_internet", "Internet"),
    _t("app_letters", "Letters and CVs"),
    _t("app_tables", "Spreadsheets"),
    _t("app_slides", "Presentations"),
    _t("app_pdf", "PDF documents"),
    _t("app_photos", "Photos and pictures"),
    _t("app_files", "My files and USB sticks"),
    # -- read aloud: no sound on this PC (beside a crossed-out loudspeaker) -------------
    _t("no_sound", "No sound on this computer"),
    # -- the receipt after a session: {time} is a short duration ("12 min") ------------
    # Translators: {time} is a duration in a few letters, such as “42 min”.
    _t("receipt_used", "Time used: {time}"),
    # Translators: {n} pages, {price} as on a price tag (“1,20 €”).
    _t("receipt_printed", "Pages printed: {n} — price: {price}"),
    # Translators: {n} is the number of pages printed.
    _t("receipt_printed_free", "Pages printed: {n} — free"),
    # Translators: A ticket is used once: the time it had left is lost, said plainly, not as a
    # fault. {time} is a duration in a few letters, such as “12 min”.
    _t(
        "receipt_ticket_left",
        "{time} was left on your ticket. A ticket is used only once: this time is not kept.",
    ),
    _t("receipt_ticket_used_up", "All the time on your ticket was used."),
    # Translators: The same in two words, on the crossed-out loudspeaker (the sentence is its
    # tooltip).
    _t("no_sound_short", "No sound"),
    _t("staff_language", "Menu language"),
    _t("more_below", "There is more below: scroll down"),
)

ERRORS = sources(
    # Translators: Every text of the visitor's screen: plain words (CEFR A2), the polite form (vous,
    # u, siz, usted, the polite plural in Arabic). French puts a no-break space before : ? ! ;
    # Arabic has its own comma (،) and question mark (؟).
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("locked", "This computer is locked. Please see a member of staff."),
    _t("no_session", "There is no session on this computer."),
    _t("mode_not_allowed", "You cannot start this way here."),
    _t("language_not_offered", "This language is not available here."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("no_time_left", "You have no time left today. Please see a member of staff."),
    _t("rules_changed", "The rules have just changed. Please read them again."),
    _t("bad_extension", "This extra time is not possible."),
    _t("bad_message", "This message cannot be sent."),
    _t("ticket_typo", "Check the code, a digit is wrong."),
    _t("bad_ticket", "This ticket code is not valid. Please check it and try again."),
    _t("bad_member", "The card number or the PIN code is not right. Please try again."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("member_banned", "This card cannot be used for now. Please see a member of staff."),
    _t("wrong_pin", "This PIN code is not right."),
    _t("too_many_tries", "Too many tries."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t(
        "members_unreachable",
        "The member service cannot be reached right now. Please ask a member of staff.",
    ),
    _t("updating", "This PC is being updated. It will be ready in a few minutes."),
    _t("busy", "The computer is busy. Please try again in a moment."),
    _t("not_allowed", "This is not possible right now."),
    _t("bad_field", "Please check what you typed."),
    _t("too_large", "What you typed is too long."),
    _t("not_connected", "The computer is not ready yet. Please wait a moment."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("generic", "Something went wrong. Please ask a member of staff."),
    # -- pairing this PC with the console (staff menu) ----------------------------------
    _t("already_paired", "This PC is already connected to a console."),
    _t(
        "bad_console_address",
        "This is not a console's address. Type it like 192.168.1.10 or 192.168.1.10:8443.",
    ),
    _t(
        "bad_pairing_code",
        "The code has 10 letters and digits, like ABCDE-FGHJK. Type it as the console shows it.",
    ),
    _t("empty_pairing_code", "Type the code the console shows."),
    _t("empty_console_address", "Choose a console in the list, or type its address."),
    _t(
        "console_unreachable",
        "No console answers at this address. Check the address, and that the console is on and "
        "on the same network.",
    ),
    _t(
        "pairing_code_refused",
        "The console does not accept this code (used already, or too old). Ask for a new code on "
        "the console.",
    ),
    _t(
        "pairing_not_proved",
        "The code does not match the console's: it was probably mistyped. Nothing was saved and "
        "this code no longer works: ask for a new code on the console and type it with care. If "
        "a new code fails too, tell whoever runs the network.",
    ),
    _t(
        "pairing_in_the_middle",
        "The code was right, but another machine stands between this PC and the console: the PC "
        "refused to trust it. Nothing was saved. Do not try again: tell whoever runs the network.",
    ),
    _t(
        "pc_name_taken",
        "The console already has a PC of this name. Remove the old one on the console, then ask "
        "for a new code.",
    ),
    _t("pairing_failed", "Connecting to the console did not work. Try again with a new code."),
    # -- a form sent empty: what to type, found in the shell, never sent ---------------
    _t("empty_ticket", "Type the code of your ticket with the digits, then press OK."),
    _t("empty_card", "Type the number of your member card, then your PIN code."),
    _t("empty_pin", "Now type your PIN code."),
    # Translators: Staff are named as visitors know them, the same word everywhere.
    _t("empty_staff_pin", "Type the staff PIN code."),
    # Translators: Staff only: a PIN typed before a name was touched.
    _t("empty_staff_name", "Touch your name first, then type your PIN code."),
)

ERROR_ALIASES: Mapping[str, str] = dict.fromkeys(
    ("malformed", "internal", "unknown_type", "bad_version"), "generic"
)
"""Codes that only a bug or a version mismatch can cause: the visitor can do nothing about
them but ask staff, so they say exactly that."""

CATALOGUE = Catalogue(Path(__file__).parent / "locale", "shell", {**STRINGS, **ERRORS})
"""The shell's texts in every language that has a catalogue."""

ERASED_KINDS = tuple(kind.value for kind in ErasedKind)
"""Kinds of things a wipe reports that have their own words; others are 'other items'."""


def _text(key: str, language: Language, n: int | None) -> str:
    if n is None and CATALOGUE.texts[key].english_plural is not None:
        raise ValueError("a plural text needs n")
    return CATALOGUE.text(key, language.value, n)


def tr(key: str, language: Language, **values: object) -> str:
    """The text ``key`` in ``language`` with ``values`` filled in (``n`` picks the plural).

    An unknown key is a bug in the shell and raises KeyError.
    """
    if key not in STRINGS:
        raise KeyError(key)
    n = values.get("n")
    text = _text(key, language, n if isinstance(n, int) else None)
    return text.format(**values) if values else text


def error_text(code: str, language: Language, retry_after: int | None = None) -> str:
    """The sentence for an error code, never the code itself; unknown codes get a generic one."""
    key = ERROR_ALIASES.get(code, code)
    if key not in ERRORS:
        log.warning("no sentence for error code %r", code)
        key = "generic"
    text = _text(key, language, None)
    if retry_after is not None and retry_after > 0:
        if retry_after < 120:
            text += " " + tr("try_again_seconds", language, n=retry_after)
        else:
            text += " " + tr("try_again_minutes", language, n=-(-retry_after // 60))
    return text


def time_left(seconds: int, language: Language, short: bool = False) -> str:
    """'12 minutes left' (whole minutes, rounded up) or, under a minute, '45 seconds left'.

    ``short``: only the count, '12 min' or '45 s', for a bar with no room for a sentence.
    """
    seconds = max(0, seconds)
    if seconds < 60:
        return tr("seconds_short" if short else "seconds_left", language, n=seconds)
    # Rounded up, so the bar never says "0 minutes" while time remains.
    return tr("minutes_short" if short else "minutes_left", language, n=-(-seconds // 60))


def join_list(items: list[str], language: Language) -> str:
    """'a, b and c' with the language's comma and word for 'and' (CLDR)."""
    return format_list(items, locale=language.about.locale) if items else ""


def erased_summary(erased: Mapping[str, int], language: Language) -> str:
    """What a wipe erased in plain words, e.g. '12 files, 1 download and browser history'."""
    parts: list[str] = []
    other = 0
    for kind, count in erased.items():
        if count <= 0:
            continue
        if kind == ErasedKind.BROWSER:
            parts.append(tr("erased_browser", language))
        elif kind in ERASED_KINDS:
            parts.append(tr(f"erased_{kind}", language, n=count))
        else:
            other += count
    if other:
        parts.append(tr("erased_other", language, n=other))
    if not parts:
        return tr("done_nothing", language)
    return tr("done_erased", language, items=join_list(parts, language))


def receipt_lines(summary: SummaryView, language: Language) -> list[tuple[str, str]]:
    """The receipt of a session as (pictogram, sentence) pairs: time used, printing (when
    known), and for a ticket what was left on it."""
    used = time_left(summary.seconds_used, language, short=True)
    lines = [("clock", tr("receipt_used", language, time=used))]
    pages = summary.pages_printed
    if pages is not None:
        if summary.cost_cents > 0:
            price = money(summary.cost_cents, summary.currency, language)
            lines.append(("printer", tr("receipt_printed", language, n=pages, price=price)))
        else:
            lines.append(("printer", tr("receipt_printed_free", language, n=pages)))
    unused = summary.ticket_unused_seconds
    if unused is not None:
        if unused >= 60:
            left = time_left(unused, language, short=True)
            lines.append(("ticket", tr("receipt_ticket_left", language, time=left)))
        else:
            lines.append(("ticket", tr("receipt_ticket_used_up", language)))
    return lines


def day_name(day: dt.date, language: Language) -> str:
    """A day as a visitor reads it on a poster: its weekday and date in words, 'Monday 2 June'
    (the month in words: '2/6' is the 6th of February for some)."""
    locale = language.about.locale
    weekday = get_day_names("wide", locale=locale)[day.weekday()]
    return f"{weekday} {format_skeleton('dMMMM', day, locale=locale)}"


def clock(time_text: str, language: Language) -> str:
    """A time of day ('14:00' from the agent) as the language's CLDR locale writes it."""
    try:
        time = dt.time.fromisoformat(time_text)
    except ValueError:
        return time_text
    return format_time(time, "short", locale=language.about.locale)


def opens_again(opens_at: str | None, language: Language) -> str:
    """When a closed room opens again: 'HH:MM' today or 'YYYY-MM-DD HH:MM' another day."""
    if not opens_at:
        return tr("closed_no_time", language)
    day_text, _, time_text = opens_at.strip().rpartition(" ")
    if not day_text:
        return tr("closed_opens_at", language, time=clock(time_text, language))
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        log.warning("cannot read opening day %r", opens_at)
        return tr("closed_no_time", language)
    return tr(
        "closed_opens_on", language, day=day_name(day, language), time=clock(time_text, language)
    )


def money(cents: int, currency: str, language: Language) -> str:
    """A price as visitors read it on price tags: '1,20 €' (or '€1.20' in English)."""
    # Brussels' price tags put the amount first in every language, with the language's
    # decimal sign (nl_BE's CLDR pattern would say '€ 1,20'; Arabic keeps Western digits and,
    # as in the Maghreb, the decimal comma). English readers expect the sign first.
    pattern = None if language is Language.EN else PRICE_TAG
    sign = PRICE_SIGNS.get(currency)
    if sign is not None and pattern is not None:
        # The sign on the room's price tags, whatever the language's own name for it
        # (CLDR writes 'EUR' in Ukrainian and Romanian).
        pattern = pattern.replace("¤", f"'{sign}'")
    amount = Decimal(cents).scaleb(-2)
    text = format_currency(amount, currency, format=pattern, locale=language.about.locale)
    # CLDR's currency spacing, which Babel leaves out: a code in letters ('CHF') is kept
    # apart from its digits by a no-break space, a sign ('€') is not.
    return _LETTERS_AGAINST_DIGITS.sub(NBSP, text)


NBSP = "\u00a0"
PRICE_TAG = "#,##0.00\u00a0¤"
PRICE_SIGNS = {"EUR": "€"}
_LETTERS_AGAINST_DIGITS = re.compile(r"(?<=[^\W\d_])(?=[-\d])|(?<=\d)(?=[^\W\d_])")


def pages_on_sheets(pages: int, sheets: int, language: Language) -> str:
    """'3 pages on 2 sheets', each count in its own plural form."""
    return tr(
        "print_pages_on_sheets",
        language,
        pages=tr("print_pages", language, n=pages),
        sheets=tr("print_sheets", language, n=sheets),
    )


def print_cancel_in(seconds: int, language: Language) -> str:
    """When an unanswered print job is cancelled: whole minutes (rounded up), then seconds.

    Minutes first so that the line does not tick under the visitor's eyes while they read.
    """
    seconds = max(0, seconds)
    if seconds < 60:
        return tr("print_cancel_in_seconds", language, n=seconds)
    return tr("print_cancel_in_minutes", language, n=-(-seconds // 60))
