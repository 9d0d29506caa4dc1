"""What each screen shows, computed from the agent's ``View`` and the visitor's local choices.

Plain data and pure functions, no Qt: the shell never decides anything about time, quotas
or logins; it only picks which screen draws the view and which sentences go on it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from epn_shared.pairing import PairingCode, PairingError, normalise_code
from epn_shared.ticket_codes import CODE_DIGITS, typo_ok
from kiosk.core.model import EndReason, State
from kiosk.core.protocol import AppView, ConsoleView, ErrorBody, PrintView, View
from kiosk.shell import i18n
from policies import Language, LoginMode

IN_SESSION = frozenset({State.ACTIVE, State.WARNED, State.FINAL})
AFTER_SESSION = frozenset({State.ENDING, State.WIPING, State.DONE})


class Screen(StrEnum):
    """Every screen of the shell."""

    NOT_CONNECTED = "not_connected"
    LANGUAGE = "language"
    LOGIN = "login"
    TICKET = "ticket"
    MEMBER = "member"
    RULES = "rules"
    CLOSED = "closed"
    UPDATING = "updating"  # an update is being installed: no session starts until it is over
    SESSION = "session"  # the slim bar, with the warning banner when due
    FINAL = "final"
    CONFIRM_END = "confirm_end"
    IDLE = "idle"
    LOCKED = "locked"
    MESSAGE = "message"
    PRINT = "print"  # a held print job: confirm it, or hear why it waits for staff
    LAUNCHER = "launcher"  # the visitor's programs, one big tile each
    ENDING = "ending"
    DONE = "done"
    ANIMATOR = "animator"
    PAIRING = "pairing"  # staff connect this PC to the console (from the staff menu)


class Page(StrEnum):
    """The steps a visitor walks through on a free PC, before the agent knows them."""

    LANGUAGE = "language"
    LOGIN = "login"
    TICKET = "ticket"
    MEMBER = "member"


class WindowMode(StrEnum):
    """How much of the screen the shell covers."""

    FULL = "full"  # the whole screen: nothing else is usable
    BAR = "bar"  # a slim bar across the top; the desktop is the visitor's
    BANNER = "banner"  # the bar with a warning banner under it
    PANEL = "panel"  # a large panel at the top (final countdown, confirm end)


@dataclass(frozen=True)
class LocalState:
    """What the visitor chose on this screen; forgotten when the PC is free again."""

    page: Page = Page.LANGUAGE
    language: Language | None = None
    large_text: bool = False
    high_contrast: bool = False
    animator_open: bool = False
    confirm_end: bool = False
    banner_closed_for: int | None = None
    error: ErrorBody | None = None
    busy: bool = False
    print_answered: int | None = None
    """The held print job the visitor already answered: its buttons wait for the agent."""
    launcher_open: bool = False
    launch_failed: bool = False
    """The program last tapped in the launcher could not start."""
    staff_unlocked: bool = False
    """The agent accepted the PIN typed on the animator's panel: its menu is open."""
    staff_language: Language | None = None
    """The language the animator picked on their menu, or the language of the staff member
    whose PIN opened it (else the policy's)."""
    staff_id: int | None = None
    """The name tapped on the staff PIN screen (the console's staff id)."""
    staff_name: str | None = None
    """The staff member whose PIN opened the menu: the menu greets them."""
    pairing_open: bool = False
    """Staff opened "connect this PC to the console" from their menu."""
    searching: bool = False
    """The agent is looking for the consoles on the network."""
    consoles: tuple[ConsoleView, ...] | None = None
    """The consoles found (None: not looked for yet)."""
    paired_with: str | None = None
    """The console this PC was just paired with: the pairing screen says so."""


def after_view(previous: View | None, view: View, local: LocalState) -> LocalState:
    """The local state once ``view`` replaces ``previous``."""
    before = previous.state if previous is not None else None
    if before in AFTER_SESSION and view.state is State.WAITING:
        # The visitor is gone: the next one starts from the language screen, default look.
        return LocalState()
    if before is State.RULES and view.state is State.WAITING:
        # Back from the rules: let them choose another way in, in their language.
        local = replace(local, page=Page.LOGIN)
    if view.state not in IN_SESSION and local.confirm_end:
        local = replace(local, confirm_end=False)
    running = IN_SESSION | {State.IDLE}
    if view.state in IN_SESSION and before not in running and view.apps:
        # The session starts: without a desktop the visitor would face an empty screen, so
        # their programs are offered at once.
        local = replace(local, launcher_open=True, launch_failed=False)
    elif local.launcher_open and (view.state not in running or not view.apps):
        local = replace(local, launcher_open=False, launch_failed=False)
    if view.language is not None and view.language != local.language:
        local = replace(local, language=view.language)
    if local.staff_id is not None and all(s.id != local.staff_id for s in view.staff):
        # Taken off the roster (disabled): their name cannot be the one tapped.
        local = replace(local, staff_id=None)
    if before is not None and before is not view.state:
        local = replace(local, error=None, busy=False)
    job_before = previous.print_job if previous is not None else None
    if (job_before.job_id if job_before else None) != (
        view.print_job.job_id if view.print_job else None
    ):
        # Another print job, or none: a refusal about the last one means nothing now (the
        # animator's panel, drawn over the job, keeps its own).
        local = replace(local, print_answered=None)
        if not local.animator_open:
            local = replace(local, error=None)
    return local


def chosen_staff(view: View | None, local: LocalState) -> int | None:
    """The staff member the PIN is typed for: the name tapped, or the only one on the
    roster (None: no roster, or nobody tapped yet)."""
    staff = view.staff if view is not None else ()
    if local.staff_id is not None and any(s.id == local.staff_id for s in staff):
        return local.staff_id
    return staff[0].id if len(staff) == 1 else None


def shown_language(view: View | None, local: LocalState) -> Language:
    """The session's language, else the one the visitor picked, else the room's first one."""
    if view is not None and view.language is not None:
        return view.language
    if local.language is not None:
        return local.language
    if view is not None and view.languages:
        return view.languages[0]
    return Language.FR


def screen_for(view: View | None, connected: bool, local: LocalState) -> Screen:
    """Which screen draws ``view``. Without the agent the PC is covered, never usable."""
    if view is None or not connected:
        return Screen.NOT_CONNECTED
    if local.animator_open:
        # The pairing screen is a step of the staff menu: only past the animator PIN.
        if local.pairing_open and local.staff_unlocked:
            return Screen.PAIRING
        return Screen.ANIMATOR
    if view.locked:
        return Screen.LOCKED
    if view.state is State.IDLE:
        # Before a staff message: the countdown must be seen or the session ends.
        return Screen.IDLE
    if view.print_job is not None and view.state in IN_SESSION:
        # Under the lock and "are you still there?" (nothing can be printed until they are
        # answered), over everything else. Over a staff message: the job answers what the
        # visitor just did and is cancelled if left unanswered, the message can wait. Over
        # the final countdown too: printing is often how a visitor saves their work in the
        # last minute, a job hidden under the countdown would be lost at the wipe, and the
        # print screen says that the session ends soon. The "end your session?" question
        # comes back once the job is answered.
        return Screen.PRINT
    if view.message is not None:
        return Screen.MESSAGE
    state = view.state
    if state is State.WAITING:
        if not view.is_open:
            return Screen.CLOSED
        if view.updating and local.page is not Page.LANGUAGE:
            # The visitor chose their language: they learn in it that the PC will be
            # theirs in a few minutes, and can go back to choose another.
            return Screen.UPDATING
        page = local.page
        if page is Page.TICKET and LoginMode.TICKET not in view.login_modes:
            page = Page.LOGIN
        if page is Page.MEMBER and LoginMode.MEMBER not in view.login_modes:
            page = Page.LOGIN
        return Screen(page.value)
    if state is State.RULES:
        return Screen.RULES
    if state in IN_SESSION:
        if local.confirm_end:
            return Screen.CONFIRM_END
        if state is State.FINAL:
            # Over the launcher: in the last minute saving matters, not starting a program.
            return Screen.FINAL
        if local.launcher_open and view.apps and not banner_due(view, local):
            # Under the lock, "are you still there?", a print job and a staff message (all
            # above) and a new time warning: each asks for an answer now and the launcher
            # waits behind them, back once they are answered. Over the bar: the visitor
            # opened it, or their session just started.
            return Screen.LAUNCHER
        return Screen.SESSION
    if state in (State.ENDING, State.WIPING):
        return Screen.ENDING
    return Screen.DONE


def banner_due(view: View, local: LocalState) -> bool:
    """A warning banner is shown until the visitor closes it; the next warning shows again."""
    return (
        view.state is State.WARNED
        and view.warning_minutes is not None
        and view.warning_minutes != local.banner_closed_for
    )


def window_mode(screen: Screen, view: View | None, local: LocalState) -> WindowMode:
    """How much of the screen the shell covers for this screen."""
    if screen is Screen.SESSION and view is not None:
        return WindowMode.BANNER if banner_due(view, local) else WindowMode.BAR
    if screen in (Screen.FINAL, Screen.CONFIRM_END):
        return WindowMode.PANEL
    return WindowMode.FULL


# -- sentences per screen ---------------------------------------------------------------


@dataclass(frozen=True)
class BarTexts:
    """The session bar: time left, end time, help state, warning banner."""

    time_left: str
    time_short: str  # '42 min': the time left when the bar has no room for the sentence
    until: str
    help: str
    help_short: str  # the same in fewer words, for a crowded bar
    help_requested: bool
    banner: str
    workshop: str = ""  # the workshop's title, as staff wrote it


def bar_texts(view: View, language: Language) -> BarTexts:
    """The bar's sentences for a running session."""
    seconds = view.seconds_left or 0
    # The real time left, not the warning's threshold: a session started 3 minutes before
    # closing is warned "3 minutes", not "5".
    banner_time = i18n.time_left(seconds, language)
    ends = view.ends_at
    return BarTexts(
        time_left=i18n.time_left(seconds, language),
        time_short=i18n.time_left(seconds, language, short=True),
        until=i18n.tr("until", language, time=i18n.clock(ends, language)) if ends else "",
        help=i18n.tr("help_coming" if view.help_requested else "help", language),
        help_short=i18n.tr("help_coming_short" if view.help_requested else "help", language),
        help_requested=view.help_requested,
        banner=i18n.tr("warning_save", language, time_left=banner_time),
        workshop=view.workshop_title or "",
    )


def countdown_digits(seconds: int | None) -> str:
    """Big digits of the final countdown: '58' under a minute, '2:05' above."""
    seconds = max(0, seconds or 0)
    if seconds < 60:
        return str(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


END_REASON_KEYS = {
    EndReason.TIME_UP: "reason_time_up",
    EndReason.VISITOR: "reason_visitor",
    EndReason.STAFF: "reason_staff",
    EndReason.IDLE: "reason_idle",
    EndReason.SHELL_LOST: "reason_shell_lost",
    EndReason.REBOOT: "reason_reboot",
    EndReason.STOPPED: "reason_stopped",
}


def end_reason_text(reason: EndReason | None, language: Language) -> str:
    """Why the session ended, said kindly; empty when the agent did not say."""
    key = END_REASON_KEYS.get(reason) if reason is not None else None
    return i18n.tr(key, language) if key else ""


def receipt_text(view: View, language: Language) -> str:
    """What the wipe erased, in plain words."""
    if view.receipt is None:
        return i18n.tr("done_nothing", language)
    return i18n.erased_summary(view.receipt.erased, language)


def receipt_facts(view: View, language: Language) -> list[tuple[str, str]]:
    """The end screen's receipt as (pictogram, sentence): the session's figures when the
    agent sent them (time used, printing, a ticket's time left), then what was erased."""
    lines = i18n.receipt_lines(view.summary, language) if view.summary is not None else []
    return [*lines, ("shield", receipt_text(view, language))]


def error_sentence(error: ErrorBody | None, language: Language) -> str:
    """A refusal in the visitor's language, never the raw code."""
    if error is None:
        return ""
    return i18n.error_text(error.code, language, error.retry_after)


PAIRING_CODE_LETTERS = 10


def pairing_code_typing(text: str) -> str:
    """A pairing code as it is typed, shown as the console shows it: upper case, two groups
    of five, ``ABCDE-FGHJK`` (what is not a letter or a digit is dropped)."""
    plain = normalise_code(text)[:PAIRING_CODE_LETTERS]
    half = PAIRING_CODE_LETTERS // 2
    return plain if len(plain) <= half else f"{plain[:half]}-{plain[half:]}"


def pairing_code_problem(text: str) -> str | None:
    """Why a typed pairing code cannot be sent (an error code), or None: caught here, a
    typing mistake costs no code at the console."""
    if not normalise_code(text):
        return "empty_pairing_code"
    try:
        PairingCode.parse(text)
    except PairingError:
        return "bad_pairing_code"
    return None


def console_address_shown(address: str) -> str:
    """A console's address as staff read it: ``192.168.1.10:8443``, without ``https://``."""
    return address.removeprefix("https://")


def ticket_typing(text: str, limit: int = CODE_DIGITS) -> str:
    """What a ticket field shows of ``text``: its digits (any script's, as ASCII), at most
    ``limit``, in groups of four as printed (``1234 5678 9012 3456``); anything else is
    dropped, a code being digits only."""
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())[:limit]
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def ticket_typo(text: str) -> bool:
    """True for a full 16-digit code whose check digit is wrong: the visitor mistyped, and
    hears so at once, without asking the agent (the check is public, not a secret). Other
    lengths (a PC's own 8-digit codes) go to the agent as typed."""
    digits = ticket_typing(text).replace(" ", "")
    return len(digits) == CODE_DIGITS and not typo_ok(digits)


def rules_speech(view: View, language: Language) -> str:
    """What 'read aloud' says on the rules screen: the title then each short rule."""
    lines = [i18n.tr("rules_title", language)]
    lines += [rule.short for rule in view.rules or ()]
    # A full stop after each rule makes espeak pause between them.
    return "\n".join(line if line.endswith((".", "!", "?", "؟")) else line + "." for line in lines)


# -- print confirmation ------------------------------------------------------------------

PROBLEM_KEYS = {
    "encrypted": "print_problem_encrypted",
    "damaged": "print_problem_damaged",
    "unknown_format": "print_problem_unknown_format",
    "options": "print_problem_options",
}
"""Why a job could not be counted, in words; any other reason gets a generic sentence."""


@dataclass(frozen=True)
class PrintLine:
    """One fact about a held print job: a pictogram and a sentence."""

    icon: str
    text: str


@dataclass(frozen=True)
class PrintTexts:
    """What the print screen says about a held job, in the visitor's language."""

    title: str
    count: str  # drawn on the sheet: the pages, or "?" when they cannot be counted
    lines: tuple[PrintLine, ...]
    countdown: str  # empty when the agent gave no deadline
    can_print: bool  # confirm: Print and Cancel; otherwise: ask staff and Cancel
    help_requested: bool


def price_text(job: PrintView, language: Language) -> str:
    """'Price: 1,20 €' or 'Free', with the free pages used in brackets."""
    if job.cost_cents > 0:
        text = i18n.tr(
            "print_price", language, price=i18n.money(job.cost_cents, job.currency, language)
        )
    else:
        text = i18n.tr("print_free", language)
    if job.free_pages_used > 0:
        text += f" ({i18n.tr('print_free_pages_used', language, n=job.free_pages_used)})"
    return text


def print_texts(
    job: PrintView, help_requested: bool, language: Language, ending_soon: bool = False
) -> PrintTexts:
    """The title, the facts and the countdown for a held print job.

    ``ending_soon``: the session is in its final countdown, which this screen covers.
    """

    def tr(key: str, **values: object) -> str:
        return i18n.tr(key, language, **values)

    staff = PrintLine("help", tr("help_coming" if help_requested else "print_staff_can_help"))
    lines: tuple[PrintLine, ...]
    if job.waiting == "confirm":
        left = job.pages_left - job.pages
        title = tr("print_confirm_title")
        count = str(job.pages)
        lines = (
            PrintLine("sheet", i18n.pages_on_sheets(job.pages, job.sheets, language)),
            PrintLine(
                "colour" if job.colour else "black_white",
                tr("print_colour" if job.colour else "print_black_white"),
            ),
            PrintLine("price", price_text(job, language)),
            PrintLine(
                "printer",
                tr("print_left_after", n=left) if left > 0 else tr("print_none_left_after"),
            ),
        )
    elif job.waiting == "over_quota":
        title = tr("print_too_long_title")
        count = str(job.pages)
        left_now = (
            tr("print_left_now", n=job.pages_left)
            if job.pages_left > 0
            else tr("print_none_left_now")
        )
        lines = (
            PrintLine("sheet", tr("print_needs", n=job.pages)),
            PrintLine("printer", left_now),
            staff,
        )
    else:
        title = tr("print_uncountable_title")
        count = "?"
        problem = PROBLEM_KEYS.get(job.problem or "", "print_problem_other")
        lines = (
            PrintLine("warning", tr(problem)),
            PrintLine("printer", tr("print_not_by_itself")),
            staff,
        )
    if ending_soon:
        lines = (*lines, PrintLine("clock", tr("final_title")))
    return PrintTexts(
        title=title,
        count=count,
        lines=lines,
        countdown=i18n.print_cancel_in(job.seconds_left, language) if job.seconds_left > 0 else "",
        can_print=job.waiting == "confirm",
        help_requested=help_requested,
    )


def _sentence(line: str) -> str:
    # A full stop after each line makes espeak pause between them.
    return line if line.endswith((".", "!", "?", "؟")) else line + "."


def print_speech(texts: PrintTexts) -> str:
    """What 'read aloud' says on the print screen: the question, each fact, the deadline."""
    lines = [texts.title, *(line.text for line in texts.lines)]
    if texts.countdown:
        lines.append(texts.countdown)
    return "\n".join(_sentence(line) for line in lines)


def two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle (a button's words on two lines)."""
    middle = len(text) / 2
    spaces = [index for index, char in enumerate(text) if char == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda index: abs(index - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


# -- launcher ------------------------------------------------------------------------------

APP_KINDS: dict[str, tuple[str, str]] = {
    "firefox": ("browser", "app_internet"),
    "chromium": ("browser", "app_internet"),
    "libreoffice-writer": ("document", "app_letters"),
    "libreoffice-calc": ("table", "app_tables"),
    "libreoffice-impress": ("slides", "app_slides"),
    "pdf-viewer": ("pdf", "app_pdf"),
    "image-viewer": ("picture", "app_photos"),
    "file-manager": ("folder", "app_files"),
}
"""Per launcher application: our pictogram when the icon theme has none, and what it is
for in the visitor's words (a program's own name says little to most visitors)."""


def app_fallback_icon(app: AppView) -> str:
    """The shell's pictogram for ``app``, used when the desktop's icon theme has none."""
    return APP_KINDS.get(app.id, ("programs", ""))[0]


def app_kind(app: AppView, language: Language) -> str:
    """What ``app`` is for ('Internet', 'Letters and CVs'…); empty when we do not know it."""
    key = APP_KINDS.get(app.id, ("", ""))[1]
    return i18n.tr(key, language) if key else ""


def launcher_speech(apps: tuple[AppView, ...], language: Language) -> str:
    """What 'read aloud' says on the launcher: the question, then each program."""
    lines = [i18n.tr("launcher_title", language)]
    for app in apps:
        kind = app_kind(app, language)
        lines.append(f"{kind}: {app.name}" if kind else app.name)
    return "\n".join(_sentence(line) for line in lines)
