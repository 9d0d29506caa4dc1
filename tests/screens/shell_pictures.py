"""Pictures of every visitor screen, in French and Arabic. Run from the repository root:

    .venv/bin/python tests/screens/shell_pictures.py [OUTDIR] [LANGUAGE…]

LANGUAGE is a language's code (``tr``, ``nl``…: ``policies/languages.py``), for a translator
to see their own texts on the screens; French and Arabic when none is given.

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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the scenes (helpers.shell_scenes)

from helpers.shell_scenes import (  # noqa: E402
    LONG_WORKSHOP_TITLE,
    PRINT_CONFIRM,
    PRINT_UNCOUNTABLE,
    SAMPLE_APPS,
    SUMMARY_TICKET,
    launcher_scenes,
    pairing_scenes,
    put,
    sample_view,
    scenes,
)

from kiosk.core.model import State  # noqa: E402
from kiosk.core.protocol import MessageView, ReceiptView  # noqa: E402
from policies import Language  # noqa: E402

SHOWN_LANGUAGES = (Language.FR, Language.AR)


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
    from kiosk.shell.speaker import Speaker

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
    from kiosk.shell.viewmodel import LocalState, Page

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
    from PySide6.QtWidgets import QWidget

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
    from PySide6.QtWidgets import QApplication

    from kiosk.shell.controller import ShellController
    from kiosk.shell.viewmodel import LocalState, Page
    from kiosk.shell.window import MainWindow

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
        for name, scene in {**scenes(), **pairing_scenes()}.items():
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
        for name, scene in launcher_scenes().items():
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
    from PySide6.QtWidgets import QApplication

    from kiosk.shell.controller import ShellController
    from kiosk.shell.speaker import Speaker
    from kiosk.shell.viewmodel import LocalState, Page
    from kiosk.shell.window import MainWindow

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
    """Take the pictures into OUTDIR (``docs/screenshots`` by default)."""
    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0]) if args else Path("docs/screenshots")
    codes = args[1:]
    known = {language.value: language for language in Language}
    unknown = [code for code in codes if code not in known]
    if unknown:
        print(f"unknown language {', '.join(unknown)}: one of {', '.join(known)}", file=sys.stderr)
        return 2
    languages = tuple(known[code] for code in codes) or SHOWN_LANGUAGES
    for path in take_screenshots(outdir, languages):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
