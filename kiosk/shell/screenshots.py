"""Pictures of every screen, in French and Arabic: ``python -m kiosk.shell.screenshots [OUTDIR]``.

Runs offscreen without an agent: sample views go straight into the main window, which
only draws views. Each screen is saved as ``<screen>-<language>.png`` (default folder
``docs/screenshots/``), full screens at 1280×800 and the session bar at its real size.
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
        page._pin_entered()

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
        "done": state(State.DONE, receipt=receipt),
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


def take_screenshots(outdir: Path, languages: tuple[Language, ...] = SHOWN_LANGUAGES) -> list[Path]:
    """Save every screen in each language; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from kiosk.shell.controller import ShellController  # noqa: PLC0415
    from kiosk.shell.speaker import Speaker  # noqa: PLC0415
    from kiosk.shell.viewmodel import LocalState, Page  # noqa: PLC0415
    from kiosk.shell.window import MainWindow  # noqa: PLC0415

    class _Nobody:
        """Sends nothing: the pictures need no agent."""

        def send(self, kind: type, /, on_reply: Any = None, **fields: Any) -> int | None:
            return None

    class _ShownSpeaker(Speaker):
        """Pretends espeak-ng is there, so the read-aloud button is in the pictures."""

        @property
        def available(self) -> bool:
            return True

    app = QApplication.instance() or QApplication([])
    outdir.mkdir(parents=True, exist_ok=True)
    shell = ShellController(_Nobody(), _ShownSpeaker())
    window = MainWindow(shell, windowed=True)
    window.show()
    written: list[Path] = []

    def snap(name: str) -> None:
        for _ in range(3):
            app.processEvents()
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
