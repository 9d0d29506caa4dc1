"""Pictures of every screen, in French and Arabic: ``python -m kiosk.shell.screenshots [OUTDIR]``.

Runs offscreen without an agent: sample views go straight into the main window, which
only draws views. Each screen is saved as ``<screen>-<language>.png`` (default folder
``docs/screenshots/``), full screens at 1280×800 and the session bar at its real size;
and a few at 1024×768 with large text, ``<screen>-1024-large-<language>.png``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk.core.model import EndReason, LockReason, State
from kiosk.core.protocol import (
    AppView,
    ErrorBody,
    MessageView,
    PrintView,
    ReceiptView,
    RuleView,
    SummaryView,
    View,
)
from policies import Language, default_policy

SHOWN_LANGUAGES = (Language.FR, Language.AR)

PRINT_CONFIRM = PrintView(
    job_id=7,
    waiting="confirm",
    pages=6,
    sheets=3,
    colour=True,
    cost_cents=120,
    free_pages_used=2,
    pages_left=30,
    seconds_left=45,
)
"""A colour CV and letter, two of its pages free, as the agent would hold it."""
PRINT_FREE = PrintView(
    job_id=8,
    waiting="confirm",
    pages=1,
    sheets=1,
    free_pages_used=1,
    pages_left=10,
    seconds_left=110,
)
PRINT_OVER_QUOTA = PrintView(
    job_id=9, waiting="over_quota", pages=40, sheets=20, pages_left=12, seconds_left=90
)
PRINT_UNCOUNTABLE = PrintView(
    job_id=10, waiting="uncountable", problem="encrypted", pages_left=30, seconds_left=120
)

SUMMARY = SummaryView(seconds_used=47 * 60, pages_printed=4, cost_cents=40)
"""A walk-in session's receipt: 47 minutes, 4 pages printed."""
SUMMARY_TICKET = SummaryView(
    seconds_used=38 * 60, pages_printed=0, cost_cents=0, ticket_unused_seconds=22 * 60
)
"""A 60-minute ticket used for 38 minutes: 22 are not kept."""
LONG_WORKSHOP_TITLE = (
    "Atelier emploi : rédiger son CV et sa lettre de motivation, postuler en ligne sur "
    "Actiris et le Forem, préparer l'entretien"
)[:120]
"""A workshop title of 120 characters, as staff may type it."""

SAMPLE_APPS = (
    AppView(id="firefox", name="Firefox", icon="firefox-esr", exec="firefox-esr"),
    AppView(
        id="libreoffice-writer",
        name="LibreOffice Writer",
        icon="libreoffice-writer",
        exec="libreoffice --writer",
    ),
    AppView(
        id="libreoffice-calc",
        name="LibreOffice Calc",
        icon="libreoffice-calc",
        exec="libreoffice --calc",
    ),
    AppView(
        id="libreoffice-impress",
        name="LibreOffice Impress",
        icon="libreoffice-impress",
        exec="libreoffice --impress",
    ),
    AppView(id="pdf-viewer", name="Evince", icon="org.gnome.Evince", exec="evince"),
    AppView(id="image-viewer", name="Eye of GNOME", icon="org.gnome.eog", exec="eog"),
)
"""The default policy's programs on a Debian PC, as the agent lists them."""


def sample_view(state: State, language: Language | None = None, **changes: Any) -> View:
    """A view such as the agent would push, with the bundled default house rules."""
    policy = default_policy()
    fields: dict[str, Any] = {
        "state": state,
        "pc_name": "PC-03",
        "languages": policy.languages,
        "login_modes": policy.login_modes,
        "is_open": True,
        "language": language,
        "animator_pin_set": True,
    }
    if state is not State.WAITING and language is not None:
        fields["rules_version"] = policy.house_rules.version
        fields["rules"] = tuple(
            RuleView(id=rule.id, pictogram=rule.pictogram, short=text.short, long=text.long)
            for rule, text in policy.house_rules.in_language(language)
        )
    fields.update(changes)
    return View(**fields)


def put(shell: Any, view: View, local: Any) -> None:
    """Show ``view`` with the visitor's local choices ``local`` (view first: it may reset them)."""
    shell.set_view(view)
    shell.local = local
    shell.changed.emit()


def _ticket_empty(shell: Any, window: Any, lang: Language) -> None:
    """OK pressed on an empty ticket code."""
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415

    put(shell, sample_view(State.WAITING), LocalState(page=Page.TICKET, language=lang))
    window.pages["ticket"]._enter()


def _member_empty_pin(shell: Any, window: Any, lang: Language) -> None:
    """OK pressed after the card number, the PIN still empty."""
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415

    put(shell, sample_view(State.WAITING), LocalState(page=Page.MEMBER, language=lang))
    page = window.pages["member"]
    page.fields[0][1].setText("20417")
    page._enter()


def _scenes() -> dict[str, Callable[[Any, Any, Language], None]]:
    """Each screen: a function that puts the controller and window in that state."""
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415

    def waiting(page: Page, **local: Any) -> Callable[[Any, Any, Language], None]:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            put(shell, sample_view(State.WAITING), LocalState(page=page, language=lang, **local))

        return scene

    def state(st: State, **changes: Any) -> Callable[[Any, Any, Language], None]:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            put(shell, sample_view(st, lang, **changes), LocalState(language=lang))

        return scene

    session = {"seconds_left": 2520, "ends_at": "15:42"}

    def ticket(shell: Any, window: Any, lang: Language) -> None:
        waiting(Page.TICKET)(shell, window, lang)
        page = window.pages["ticket"]
        # A code with two neighbouring digits swapped: the shell says so at once.
        page.fields[0][1].setText("4821 2152 0330 3944")
        shell.local = replace(
            shell.local, error=ErrorBody(code="ticket_typo", message="the check digit is wrong")
        )
        shell.changed.emit()

    def member(shell: Any, window: Any, lang: Language) -> None:
        waiting(Page.MEMBER)(shell, window, lang)
        page = window.pages["member"]
        page.fields[0][1].setText("20417")
        page.fields[1][1].setText("1234")
        page.target = page.fields[1][1]

    def rules_detail(shell: Any, window: Any, lang: Language) -> None:
        state(State.RULES)(shell, window, lang)
        view = shell.view
        window.pages["rules"].open_rule(view.rules[4])

    def confirm_end(shell: Any, window: Any, lang: Language) -> None:
        state(State.ACTIVE, **session)(shell, window, lang)
        shell.ask_end()

    def animator(shell: Any, window: Any, lang: Language) -> None:
        state(State.ACTIVE, **session)(shell, window, lang)
        shell.open_animator()
        page = window.pages["animator"]
        page.pin.setText("1234")
        shell.local = replace(
            shell.local,
            error=ErrorBody(code="wrong_pin", message="wrong PIN", retry_after=None),
        )
        shell.changed.emit()

    def animator_actions(shell: Any, window: Any, lang: Language) -> None:
        state(State.ACTIVE, **session)(shell, window, lang)
        shell.open_animator()
        page = window.pages["animator"]
        page.pin.setText("1234")
        # As when the agent accepted the PIN.
        shell.local = replace(shell.local, staff_unlocked=True)
        shell.changed.emit()

    def closed(shell: Any, window: Any, lang: Language) -> None:
        view = sample_view(State.WAITING, is_open=False, opens_at="2025-06-02 10:00")
        put(shell, view, LocalState(language=lang))

    def not_connected(shell: Any, window: Any, lang: Language) -> None:
        put(shell, sample_view(State.WAITING), LocalState(language=lang))
        shell.set_connected(False)

    receipt = ReceiptView(
        erased={"files": 12, "folders": 3, "downloads": 1, "browser": 1, "print_jobs": 2},
        bytes_erased=48_000_000,
    )
    return {
        "not-connected": not_connected,
        "language": waiting(Page.LANGUAGE),
        "login": waiting(Page.LOGIN),
        "ticket": ticket,
        "member": member,
        "rules": state(State.RULES),
        "rules-detail": rules_detail,
        "closed": closed,
        "session-bar": state(State.ACTIVE, **session),
        "session-help": state(State.ACTIVE, help_requested=True, **session),
        "warning-banner": state(
            State.WARNED, seconds_left=598, ends_at="15:42", warning_minutes=10
        ),
        "final": state(State.FINAL, seconds_left=47, ends_at="15:42", warning_minutes=1),
        "confirm-end": confirm_end,
        "idle": state(State.IDLE, idle_seconds_left=42, **session),
        "locked": state(State.WAITING, locked=True),
        "out-of-order": state(State.WAITING, locked=True, lock_reason=LockReason.OUT_OF_ORDER),
        "workshop-bar": state(State.ACTIVE, workshop_title="Atelier CV", **session),
        "message": state(
            State.ACTIVE,
            message=MessageView(
                number=1,
                text="La salle ferme dans 15 minutes. Pensez à enregistrer vos documents.",
            ),
            **session,
        ),
        "animator-pin": animator,
        "animator-actions": animator_actions,
        "ending": state(State.ENDING, end_reason=EndReason.TIME_UP),
        "wiping": state(State.WIPING, end_reason=EndReason.VISITOR),
        "done": state(State.DONE, receipt=receipt, summary=SUMMARY),
        "done-ticket": state(State.DONE, receipt=receipt, summary=SUMMARY_TICKET),
        "ticket-empty": _ticket_empty,
        "member-empty-pin": _member_empty_pin,
        "workshop-long-bar": state(State.ACTIVE, workshop_title=LONG_WORKSHOP_TITLE, **session),
        "print-confirm": state(State.ACTIVE, print_job=PRINT_CONFIRM, pages_printed=4, **session),
        "print-free": state(State.ACTIVE, print_job=PRINT_FREE, **session),
        "print-final": state(
            State.FINAL, print_job=PRINT_CONFIRM, seconds_left=47, ends_at="15:42"
        ),
        "print-over-quota": state(State.ACTIVE, print_job=PRINT_OVER_QUOTA, **session),
        "print-over-quota-help": state(
            State.ACTIVE, print_job=PRINT_OVER_QUOTA, help_requested=True, **session
        ),
        "print-uncountable": state(State.ACTIVE, print_job=PRINT_UNCOUNTABLE, **session),
        "print-session-bar": state(State.ACTIVE, pages_printed=6, **session),
    }


def _launcher_scenes() -> dict[str, Callable[[Any, Any, Language], None]]:
    """The launcher as a session starts and when a program could not start, the bar with
    its Programs button, and a PC getting ready after a crash."""
    from kiosk.shell.viewmodel import LocalState  # noqa: PLC0415

    session = {"seconds_left": 2520, "ends_at": "15:42"}

    def launcher(shell: Any, window: Any, lang: Language) -> None:
        put(shell, sample_view(State.RULES, lang), LocalState(language=lang))
        # The session starts: the launcher opens by itself.
        shell.set_view(sample_view(State.ACTIVE, lang, apps=SAMPLE_APPS, **session))

    def launcher_failed(shell: Any, window: Any, lang: Language) -> None:
        launcher(shell, window, lang)
        shell.local = replace(shell.local, launch_failed=True)
        shell.changed.emit()

    def state(st: State, **changes: Any) -> Callable[[Any, Any, Language], None]:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            put(shell, sample_view(st, lang, **changes), LocalState(language=lang))

        return scene

    return {
        "launcher": launcher,
        "launcher-failed": launcher_failed,
        "programs-bar": state(State.ACTIVE, apps=SAMPLE_APPS, **session),
        "preparing": state(State.WIPING, preparing=True),
    }


def _large_visitor_screens(
    shell: Any, local: Any, language: Language, snap: Callable[[str], None]
) -> None:
    """The receipt, a staff message and a long workshop title, with large text."""
    receipt = ReceiptView(erased={"files": 12, "browser": 1}, bytes_erased=1_000_000)
    done = sample_view(State.DONE, language, receipt=receipt, summary=SUMMARY_TICKET)
    put(shell, done, local)
    snap(f"done-large-{language.value}")
    message = MessageView(number=1, text="La salle ferme dans 15 minutes.")
    put(shell, sample_view(State.ACTIVE, language, message=message, seconds_left=900), local)
    snap(f"message-large-{language.value}")
    workshop = sample_view(
        State.ACTIVE, language, workshop_title=LONG_WORKSHOP_TITLE, seconds_left=2520
    )
    put(shell, workshop, local)
    snap(f"workshop-long-bar-large-{language.value}")


def _shown_speaker() -> Any:
    """A speaker that says espeak-ng is there, so the read-aloud buttons are in the
    pictures; its ``sound`` set to False, the PC has no sound."""
    from kiosk.shell.speaker import Speaker  # noqa: PLC0415

    class _ShownSpeaker(Speaker):
        sound = True

        @property
        def available(self) -> bool:
            return self.sound

    return _ShownSpeaker()


def _without_sound(
    shell: Any, speaker: Any, languages: tuple[Language, ...], snap: Callable[[str], None]
) -> None:
    """The language picker and the rules on a PC without sound: a crossed-out
    loudspeaker where "read aloud" would be."""
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415

    speaker.sound = False
    for language in languages:
        shell.set_connected(True)
        put(shell, sample_view(State.WAITING), LocalState(page=Page.LANGUAGE, language=language))
        snap(f"language-no-sound-{language.value}")
        put(shell, sample_view(State.RULES, language), LocalState(language=language))
        snap(f"rules-no-sound-{language.value}")
    speaker.sound = True


def settle(app: Any, window: Any) -> None:
    """Let the layouts settle: they move on posted events, wrapped words sometimes over
    several turns, so a picture is taken once nothing moves any more."""
    from PySide6.QtWidgets import QWidget  # noqa: PLC0415

    before = None
    for _ in range(10):
        app.processEvents()
        now = [w.geometry().getRect() for w in window.findChildren(QWidget)]
        if now == before:
            break
        before = now


def take_screenshots(outdir: Path, languages: tuple[Language, ...] = SHOWN_LANGUAGES) -> list[Path]:
    """Save every screen in each language; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from kiosk.shell.controller import ShellController  # noqa: PLC0415
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415
    from kiosk.shell.window import MainWindow  # noqa: PLC0415

    class _Nobody:
        """Sends nothing: the pictures need no agent."""

        def send(self, kind: type, /, on_reply: Any = None, **fields: Any) -> int | None:
            return None

    app = QApplication.instance() or QApplication([])
    outdir.mkdir(parents=True, exist_ok=True)
    shell = ShellController(_Nobody(), _shown_speaker())
    window = MainWindow(shell, windowed=True)
    window.show()
    written: list[Path] = []

    def snap(name: str) -> None:
        settle(app, window)
        path = outdir / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)

    for language in languages:
        for name, scene in _scenes().items():
            shell.set_connected(True)
            scene(shell, window, language)
            snap(f"{name}-{language.value}")
    for language in languages:
        shell.set_connected(True)
        local = LocalState(
            page=Page.LANGUAGE, language=language, large_text=True, high_contrast=True
        )
        put(shell, sample_view(State.WAITING), local)
        snap(f"language-large-contrast-{language.value}")
        put(shell, sample_view(State.WAITING), replace(local, page=Page.LOGIN))
        snap(f"login-large-contrast-{language.value}")
        put(shell, sample_view(State.RULES, language), local)
        snap(f"rules-large-contrast-{language.value}")
        view = sample_view(State.WARNED, language, seconds_left=290, ends_at="15:42")
        put(shell, view.model_copy(update={"warning_minutes": 5}), local)
        snap(f"warning-banner-large-contrast-{language.value}")
        put(shell, sample_view(State.ACTIVE, language, print_job=PRINT_CONFIRM), local)
        snap(f"print-confirm-large-contrast-{language.value}")
        put(shell, sample_view(State.ACTIVE, language, print_job=PRINT_UNCOUNTABLE), local)
        snap(f"print-uncountable-large-contrast-{language.value}")
        _large_visitor_screens(shell, replace(local, high_contrast=False), language, snap)
    _without_sound(shell, shell.speaker, languages, snap)
    # Last: the focus a screen leaves behind shows in the next pictures, and the earlier
    # pictures stay as they were.
    for language in languages:
        for name, scene in _launcher_scenes().items():
            shell.set_connected(True)
            scene(shell, window, language)
            snap(f"{name}-{language.value}")
        local = LocalState(
            page=Page.LANGUAGE, language=language, large_text=True, high_contrast=True
        )
        running = sample_view(State.ACTIVE, language, apps=SAMPLE_APPS, seconds_left=2520)
        put(shell, running, replace(local, launcher_open=True))
        snap(f"launcher-large-contrast-{language.value}")
        # Everything the bar can hold, large text on a 1280 px screen.
        full = sample_view(
            State.ACTIVE,
            language,
            apps=SAMPLE_APPS,
            help_requested=True,
            workshop_title="Atelier CV",
            pages_printed=6,
            seconds_left=2520,
            ends_at="15:42",
        )
        put(shell, full, replace(local, high_contrast=False))
        snap(f"full-bar-large-{language.value}")
    window.close()
    app.processEvents()
    return written + _small_screen_large_text(outdir, languages)


SMALL_SCREEN = (1024, 768)
"""The smallest screen a kiosk has: large text must fit it too."""


def _small_screen_large_text(outdir: Path, languages: tuple[Language, ...]) -> list[Path]:
    """A few screens at 1024×768 with large text: ``<screen>-1024-large-<language>.png``."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from kiosk.shell.controller import ShellController  # noqa: PLC0415
    from kiosk.shell.speaker import Speaker  # noqa: PLC0415
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415
    from kiosk.shell.window import MainWindow  # noqa: PLC0415

    class _Nobody:
        def send(self, kind: type, /, on_reply: Any = None, **fields: Any) -> int | None:
            return None

    class _ShownSpeaker(Speaker):
        @property
        def available(self) -> bool:
            return True

    app = QApplication.instance() or QApplication([])
    shell = ShellController(_Nobody(), _ShownSpeaker())
    window = MainWindow(shell, windowed=True, size=SMALL_SCREEN)
    window.show()
    shell.set_connected(True)
    written: list[Path] = []
    session = {"seconds_left": 2520, "ends_at": "15:42"}
    for language in languages:
        large = LocalState(page=Page.LOGIN, language=language, large_text=True)
        shots = {
            "login": (sample_view(State.WAITING), large),
            "rules": (sample_view(State.RULES, language), large),
            "launcher": (
                sample_view(State.ACTIVE, language, apps=SAMPLE_APPS, **session),
                replace(large, launcher_open=True),
            ),
            "session-bar": (
                sample_view(State.ACTIVE, language, apps=SAMPLE_APPS, pages_printed=6, **session),
                large,
            ),
            "confirm-end": (
                sample_view(State.ACTIVE, language, **session),
                replace(large, confirm_end=True),
            ),
            "print-confirm": (
                sample_view(State.ACTIVE, language, print_job=PRINT_CONFIRM, **session),
                large,
            ),
        }
        for name, (view, local) in shots.items():
            put(shell, view, local)
            for _ in range(3):
                app.processEvents()
            path = outdir / f"{name}-1024-large-{language.value}.png"
            window.grab().save(str(path))
            written.append(path)
    window.close()
    app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m kiosk.shell.screenshots [OUTDIR]``."""
    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0]) if args else Path("docs/screenshots")
    for path in take_screenshots(outdir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
