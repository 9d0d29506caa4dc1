"""The visitor's screens as scenes: sample views such as the agent pushes, and functions
that put the shell's controller and window in each state. The GUI tests check them; the
pictures in ``docs/screenshots/`` are taken of them (``tests/screens/shell_pictures.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiosk.core.model import EndReason, LockReason, State
from kiosk.core.protocol import (
    AppView,
    ConsoleView,
    ErrorBody,
    MessageView,
    PrintView,
    ReceiptView,
    RuleView,
    StaffMemberView,
    SummaryView,
    View,
)
from policies import Language, default_policy

Scene = Callable[[Any, Any, Language], None]
"""Puts the shell's controller and window in one state: ``scene(shell, window, language)``."""

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


ROOM_STAFF = (
    StaffMemberView(id=1, name="Fatima"),
    StaffMemberView(id=2, name="Jan"),
    StaffMemberView(id=3, name="Marie-Christine"),
    StaffMemberView(id=4, name="Youssef"),
    StaffMemberView(id=5, name="Anne"),
)
"""A room's staff as the console's roster names them (the PIN screen lists them)."""


FOUND_CONSOLES = (
    ConsoleView(name="EPN Saint-Gilles", address="https://192.168.1.10:8443"),
    ConsoleView(name="Bibliothèque communale", address="https://192.168.1.24:8443"),
)
"""Two consoles announced on a PC's network, as the agent lists them."""


def pairing_scenes() -> dict[str, Callable[[Any, Any, Language], None]]:
    """The staff's screen that connects a new PC to the console: consoles found, none
    found, a refused code, and paired."""
    from kiosk.shell.viewmodel import LocalState

    def pairing(**local: Any) -> Callable[[Any, Any, Language], None]:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            put(shell, sample_view(State.WAITING), LocalState(language=lang))
            shell.open_animator()
            window.pages["animator"].pin.setText("1234")
            shell.local = replace(shell.local, staff_unlocked=True)
            shell.open_pairing("1234")
            consoles = local.pop("consoles", FOUND_CONSOLES)
            # As when the agent answered.
            shell.local = replace(shell.local, searching=False, consoles=consoles)
            shell.changed.emit()
            page = window.pages["pairing"]
            if consoles:
                page.found_buttons[consoles[0].address].click()
            else:
                page.address.setText("192.168.1.10")
            page.code.setText("K7QX2-M9PTA")
            shell.local = replace(shell.local, **local)
            shell.changed.emit()

        return scene

    def actions(shell: Any, window: Any, lang: Language) -> None:
        put(shell, sample_view(State.WAITING), LocalState(language=lang))
        shell.open_animator()
        window.pages["animator"].pin.setText("1234")
        shell.local = replace(shell.local, staff_unlocked=True)
        shell.changed.emit()

    refused = ErrorBody(code="pairing_not_proved", message="not proved")
    return {
        "animator-actions-unpaired": actions,
        "pairing": pairing(),
        "pairing-none-found": pairing(consoles=()),
        "pairing-refused": pairing(error=refused),
        "pairing-done": pairing(paired_with="EPN Saint-Gilles"),
    }


def put(shell: Any, view: View, local: Any) -> None:
    """Show ``view`` with the visitor's local choices ``local`` (view first: it may reset them)."""
    shell.set_view(view)
    shell.local = local
    shell.changed.emit()


def ticket_empty(shell: Any, window: Any, lang: Language) -> None:
    """OK pressed on an empty ticket code."""
    from kiosk.shell.viewmodel import LocalState, Page

    put(shell, sample_view(State.WAITING), LocalState(page=Page.TICKET, language=lang))
    window.pages["ticket"]._enter()


def member_empty_pin(shell: Any, window: Any, lang: Language) -> None:
    """OK pressed after the card number, the PIN still empty."""
    from kiosk.shell.viewmodel import LocalState, Page

    put(shell, sample_view(State.WAITING), LocalState(page=Page.MEMBER, language=lang))
    page = window.pages["member"]
    page.fields[0][1].setText("20417")
    page._enter()


def scenes() -> dict[str, Callable[[Any, Any, Language], None]]:
    """Each screen: a function that puts the controller and window in that state."""
    from kiosk.shell.viewmodel import LocalState, Page

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

    def animator_staff(shell: Any, window: Any, lang: Language) -> None:
        state(State.ACTIVE, staff=ROOM_STAFF, **session)(shell, window, lang)
        shell.open_animator()
        shell.pick_staff(1)
        window.pages["animator"].pin.setText("1234")

    def animator_greeting(shell: Any, window: Any, lang: Language) -> None:
        state(State.ACTIVE, staff=ROOM_STAFF, **session)(shell, window, lang)
        shell.open_animator()
        window.pages["animator"].pin.setText("1234")
        # As when the agent accepted Fatima's PIN: her name, her language (French).
        shell.local = replace(
            shell.local,
            staff_unlocked=True,
            staff_id=1,
            staff_name="Fatima",
            staff_language=Language.FR,
        )
        shell.changed.emit()

    def closed(shell: Any, window: Any, lang: Language) -> None:
        view = sample_view(State.WAITING, is_open=False, opens_at="2025-06-02 10:00")
        put(shell, view, LocalState(language=lang))

    def updating(shell: Any, window: Any, lang: Language) -> None:
        # The visitor chose their language while an update holds the PC.
        view = sample_view(State.WAITING, updating=True)
        put(shell, view, LocalState(page=Page.LOGIN, language=lang))

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
        "updating": updating,
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
        "animator-pin-staff": animator_staff,
        "animator-greeting": animator_greeting,
        "ending": state(State.ENDING, end_reason=EndReason.TIME_UP),
        "wiping": state(State.WIPING, end_reason=EndReason.VISITOR),
        "done": state(State.DONE, receipt=receipt, summary=SUMMARY),
        "done-ticket": state(State.DONE, receipt=receipt, summary=SUMMARY_TICKET),
        "ticket-empty": ticket_empty,
        "member-empty-pin": member_empty_pin,
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


def launcher_scenes() -> dict[str, Callable[[Any, Any, Language], None]]:
    """The launcher as a session starts and when a program could not start, the bar with
    its Programs button, and a PC getting ready after a crash."""
    from kiosk.shell.viewmodel import LocalState

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


SESSION = {"seconds_left": 2520, "ends_at": "15:42"}
"""A session of 42 minutes left, ending at 15:42."""
LONG_TITLE = "Atelier recherche d'emploi : CV, lettre de motivation et inscription Actiris"

MORE_APPS = tuple(
    AppView(id=f"extra-{index}", name=name, icon=icon, exec=icon)
    for index, (name, icon) in enumerate(
        (
            ("Chromium", "chromium"),
            ("Files", "org.gnome.Nautilus"),
            ("LibreOffice Draw", "libreoffice-draw"),
            ("GIMP", "gimp"),
            ("Text Editor", "org.gnome.TextEditor"),
            ("Calculator", "org.gnome.Calculator"),
        )
    )
)
TWELVE_APPS = SAMPLE_APPS + MORE_APPS


def twenty_rules(language: Language) -> tuple[RuleView, ...]:
    """The default house rules, repeated until there are twenty."""
    rules = sample_view(State.RULES, language).rules or ()
    return tuple(
        rule.model_copy(update={"id": f"{rule.id}-{index}"})
        for index, rule in ((n, rules[n % len(rules)]) for n in range(20))
    )


def fit_scenes() -> dict[str, Scene]:
    """The states where a screen is at its fullest: many programs or rules, reading aloud,
    no sound, every item the bar can hold, a long workshop title."""
    from kiosk.shell.viewmodel import LocalState, Page

    def state(st: State, **changes: Any) -> Scene:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            put(shell, sample_view(st, lang, **changes), LocalState(language=lang))

        return scene

    def launcher(apps: tuple[AppView, ...]) -> Scene:
        def scene(shell: Any, window: Any, lang: Language) -> None:
            running = sample_view(State.ACTIVE, lang, apps=apps, **SESSION)
            put(shell, running, LocalState(language=lang, launcher_open=True))

        return scene

    def many_rules(shell: Any, window: Any, lang: Language) -> None:
        put(
            shell,
            sample_view(State.RULES, lang, rules=twenty_rules(lang)),
            LocalState(language=lang),
        )

    def rules_speaking(shell: Any, window: Any, lang: Language) -> None:
        state(State.RULES)(shell, window, lang)
        shell.speaker.speak("…", lang)

    def animator_locked(shell: Any, window: Any, lang: Language) -> None:
        put(shell, sample_view(State.WAITING, locked=True), LocalState(language=lang))
        shell.open_animator()
        page = window.pages["animator"]
        page.pin.setText("1234")
        page._pin_entered()

    def without_sound(scene: Scene) -> Scene:
        # The speaker (a FakeSpeaker) says the PC has no sound: a crossed-out loudspeaker
        # and "no sound" where "read aloud" would be (``draw`` gives the sound back).
        def no_sound(shell: Any, window: Any, lang: Language) -> None:
            shell.speaker.available = False
            scene(shell, window, lang)

        return no_sound

    def language_page(shell: Any, window: Any, lang: Language) -> None:
        put(shell, sample_view(State.WAITING), LocalState(page=Page.LANGUAGE, language=lang))

    full_bar = {
        "apps": SAMPLE_APPS,
        "help_requested": True,
        "workshop_title": LONG_TITLE,
        "pages_printed": 126,
        **SESSION,
    }
    return {
        "launcher-3": launcher(SAMPLE_APPS[:3]),
        "launcher-8": launcher(TWELVE_APPS[:8]),
        "launcher-12": launcher(TWELVE_APPS),
        "rules-20": many_rules,
        "rules-speaking": rules_speaking,
        "language-no-sound": without_sound(language_page),
        "rules-no-sound": without_sound(state(State.RULES)),
        "animator-locked": animator_locked,
        "full-bar": state(State.ACTIVE, **full_bar),
        "long-workshop-bar": state(State.ACTIVE, workshop_title=LONG_TITLE, **SESSION),
        "full-banner": state(State.WARNED, warning_minutes=10, **{**full_bar, "seconds_left": 598}),
    }


def every_scene() -> dict[str, Scene]:
    """Every visitor screen, in each state that changes its layout."""
    return {**scenes(), **launcher_scenes(), **pairing_scenes(), **fit_scenes()}
