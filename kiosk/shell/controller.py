"""The shell's controller: the latest view, the visitor's local choices, and their requests.

Screens read from it and call it; it sends requests through the client and keeps nothing
but what is on screen. Every decision (time, login, rules) is the agent's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel
from PySide6.QtCore import QObject, Signal

from kiosk.core.model import State
from kiosk.core.protocol import (
    AcceptRules,
    Activity,
    AnimatorAction,
    AppView,
    ClearMessage,
    DeclineRules,
    DismissReceipt,
    EndSession,
    ErrorBody,
    FindConsoles,
    Login,
    PairConsole,
    PrintAnswer,
    Reply,
    RequestHelp,
    View,
)
from kiosk.shell.ipc_client import Sender
from kiosk.shell.launcher import AppStarter, DetachedStarter
from kiosk.shell.speaker import Speaker
from kiosk.shell.theme import Theme
from kiosk.shell.viewmodel import (
    IN_SESSION,
    LocalState,
    Page,
    Screen,
    WindowMode,
    after_view,
    chosen_staff,
    screen_for,
    shown_language,
    window_mode,
)
from policies import Language, LoginMode

ACTIVITY_EVERY_SECONDS = 5.0
"""Input is reported to the agent at most this often: enough to reset its idle timer."""

AnimatorVerb = Literal["extend", "end", "lock", "unlock"]


class ShellController(QObject):
    """Holds what the shell shows and turns the visitor's taps into requests.

    ``changed`` is emitted whenever the screen should be drawn again.
    """

    changed = Signal()

    def __init__(
        self,
        sender: Sender,
        speaker: Speaker,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
        starter: AppStarter | None = None,
    ) -> None:
        super().__init__(parent)
        self._sender = sender
        self.speaker = speaker
        self._starter: AppStarter = starter if starter is not None else DetachedStarter()
        self._monotonic = monotonic
        self._last_activity = float("-inf")
        self.view: View | None = None
        self.connected = False
        self.local = LocalState()
        self._staff_pin = ""
        """The PIN that opened the staff menu, for the pairing screen's requests (the agent
        checks it each time); forgotten when the menu closes."""

    # -- what is shown ------------------------------------------------------------------

    @property
    def language(self) -> Language:
        """The language the whole UI is drawn in now."""
        return shown_language(self.view, self.local)

    @property
    def staff_language(self) -> Language:
        """The language of the staff menu: the animator's pick, else the room's."""
        if self.local.staff_language is not None:
            return self.local.staff_language
        return self.view.staff_language if self.view is not None else Language.FR

    @property
    def chosen_staff(self) -> int | None:
        """Whose PIN the staff PIN screen asks for (None: the PC's own PIN, or no name
        tapped yet)."""
        return chosen_staff(self.view, self.local)

    @property
    def theme(self) -> Theme:
        """The visitor's display choices."""
        return Theme(large=self.local.large_text, contrast=self.local.high_contrast)

    @property
    def screen(self) -> Screen:
        """The screen that draws the current view."""
        return screen_for(self.view, self.connected, self.local)

    @property
    def window_mode(self) -> WindowMode:
        """How much of the screen the shell covers now."""
        return window_mode(self.screen, self.view, self.local)

    # -- from the agent -----------------------------------------------------------------

    def set_view(self, view: View) -> None:
        """A new view from the agent."""
        before = self.view.state if self.view is not None else None
        job_before = self.view.print_job if self.view is not None else None
        self.local = after_view(self.view, view, self.local)
        self.view = view
        job_changed = (job_before.job_id if job_before else None) != (
            view.print_job.job_id if view.print_job else None
        )
        if before is not view.state or job_changed:
            if view.state is State.IDLE:
                # The visitor must be able to answer "are you still there?" at once.
                self._last_activity = float("-inf")
            if self.speaker.speaking:
                self.speaker.stop()
        self.changed.emit()

    def set_connected(self, connected: bool) -> None:
        """The agent came or went; without it the screen says "please wait"."""
        self.connected = connected
        if not connected:
            self._staff_pin = ""
            self.local = replace(
                self.local,
                busy=False,
                animator_open=False,
                staff_unlocked=False,
                pairing_open=False,
                searching=False,
                **self._staff_forgotten(),
            )
            if self.speaker.speaking:
                self.speaker.stop()
        self.changed.emit()

    # -- local steps ----------------------------------------------------------------------

    def _update(self, **changes: Any) -> None:
        self.local = replace(self.local, **changes)
        self.changed.emit()

    def pick_language(self, language: Language) -> None:
        """The visitor chose a language: the whole UI switches, then the ways to start."""
        self._update(language=language, page=Page.LOGIN, error=None)

    def set_large_text(self, on: bool) -> None:
        """Large text on or off, until the PC is free again."""
        self._update(large_text=on)

    def set_high_contrast(self, on: bool) -> None:
        """High contrast on or off, until the PC is free again."""
        self._update(high_contrast=on)

    def go(self, page: Page) -> None:
        """Another step on a free PC (language, ways to start, ticket, member)."""
        self._update(page=page, error=None, busy=False)

    def refuse_here(self, code: str, message: str) -> None:
        """Show a refusal found in the shell itself (a mistyped ticket code), nothing sent."""
        self._update(error=ErrorBody(code=code, message=message), busy=False)

    def clear_error(self) -> None:
        """The visitor starts typing again: the refusal goes away."""
        if self.local.error is not None:
            self._update(error=None)

    # -- requests -------------------------------------------------------------------------

    def _send(self, kind: type[BaseModel], busy: bool = False, **fields: Any) -> None:
        if busy:
            self._update(busy=True, error=None)
        self._sender.send(kind, on_reply=self._on_reply, **fields)

    def _on_reply(self, reply: Reply) -> None:
        if reply.ok:
            if self.local.busy:
                self._update(busy=False)
            return
        self._update(busy=False, error=reply.error)

    def login(
        self,
        mode: LoginMode,
        *,
        code: str | None = None,
        card: str | None = None,
        pin: str | None = None,
    ) -> None:
        """Start a session this way; the agent checks the ticket or the card."""
        self._send(
            Login, busy=True, mode=mode, language=self.language, code=code, card=card, pin=pin
        )

    def accept_rules(self) -> None:
        """Accept the house rules the visitor was shown, in the language they read them."""
        view = self.view
        if view is None or view.rules_version is None:
            return
        self.speaker.stop()
        self._send(AcceptRules, busy=True, rules_version=view.rules_version, language=self.language)

    def decline_rules(self) -> None:
        """Go back from the house rules."""
        self.speaker.stop()
        self._send(DeclineRules, busy=True)

    def request_help(self) -> None:
        """Call a member of staff."""
        self._send(RequestHelp)

    def answer_print(self, print_it: bool) -> None:
        """Print the held job, or cancel it. Its buttons wait until the agent has done it."""
        view = self.view
        job = view.print_job if view is not None else None
        if job is None or self.local.print_answered == job.job_id:
            return
        self.speaker.stop()

        def done(reply: Reply) -> None:
            if not reply.ok:
                # Refused (the job went away, the agent was busy): the visitor may answer
                # again, and reads why.
                self._update(print_answered=None, error=reply.error)

        self._update(print_answered=job.job_id, error=None)
        self._sender.send(PrintAnswer, on_reply=done, job_id=job.job_id, print_it=print_it)

    def ask_end(self) -> None:
        """Show "do you want to end your session?" first: ending erases everything."""
        self._update(confirm_end=True)

    def cancel_end(self) -> None:
        """The visitor keeps working."""
        self._update(confirm_end=False)

    def confirm_end(self) -> None:
        """The visitor confirmed: end the session."""
        self._update(confirm_end=False)
        self._send(EndSession)

    def open_launcher(self) -> None:
        """Show the visitor's programs."""
        self._update(launcher_open=True, launch_failed=False)

    def close_launcher(self) -> None:
        """Back to the bar and the programs already open."""
        self.speaker.stop()
        self._update(launcher_open=False, launch_failed=False)

    def start_app(self, app: AppView) -> None:
        """Start a program; the launcher closes, or stays and says it could not start."""
        self.speaker.stop()
        if self._starter.start(app.exec, self.language):
            self._update(launcher_open=False, launch_failed=False)
        else:
            self._update(launch_failed=True)

    def close_banner(self) -> None:
        """Hide the warning banner until the next warning."""
        if self.view is not None:
            self._update(banner_closed_for=self.view.warning_minutes)

    def dismiss_receipt(self) -> None:
        """The next visitor closes the "your data was erased" screen."""
        self._send(DismissReceipt)

    def clear_message(self) -> None:
        """The visitor read the staff message."""
        self._send(ClearMessage)

    def still_here(self) -> None:
        """The visitor answered "are you still there?"."""
        self._last_activity = self._monotonic()
        self._send(Activity)

    def user_input(self) -> None:
        """Keyboard or mouse input reached the shell: tell the agent, at most every 5 s."""
        view = self.view
        if view is None or not self.connected:
            return
        if view.state not in IN_SESSION and view.state is not State.IDLE:
            return
        now = self._monotonic()
        if now - self._last_activity < ACTIVITY_EVERY_SECONDS:
            return
        self._last_activity = now
        self._send(Activity)

    # -- read aloud -------------------------------------------------------------------------

    def read_aloud(self, text: str, language: Language | None = None) -> None:
        """Read ``text`` in the visitor's language (or ``language``: the language picker
        says each language's name in its own voice); a second press stops. Without sound
        nothing happens: the button shows the "no sound" pictogram."""
        if not self.speaker.available or (language or self.language).about.voice is None:
            return
        if self.speaker.speaking:
            self.speaker.stop()
        else:
            self.speaker.speak(text, language or self.language)

    # -- animator ---------------------------------------------------------------------------

    def open_animator(self) -> None:
        """A member of staff opens their panel (PIN first)."""
        if self.speaker.speaking:
            self.speaker.stop()
        self._update(animator_open=True, staff_unlocked=False, error=None, busy=False)

    def close_animator(self) -> None:
        """Back to what the visitor sees, in the visitor's language; the staff member who
        was greeted is forgotten (the next one taps their own name)."""
        self._staff_pin = ""
        self._update(
            animator_open=False,
            staff_unlocked=False,
            pairing_open=False,
            error=None,
            busy=False,
            **self._staff_forgotten(),
        )

    def _staff_forgotten(self) -> dict[str, Any]:
        """What a closed staff menu forgets of the person it greeted: who they are, and
        their language (a language picked on a menu opened with the PC's own PIN stays)."""
        if self.local.staff_name is None:
            return {"staff_id": None}
        return {"staff_id": None, "staff_name": None, "staff_language": None}

    def set_staff_language(self, language: Language) -> None:
        """The animator reads their menu in another language (until the PC is free)."""
        self._update(staff_language=language)

    def pick_staff(self, staff_id: int) -> None:
        """A staff member tapped their name on the PIN screen: the PIN typed is theirs."""
        self._update(staff_id=staff_id, error=None)

    def check_animator_pin(self, pin: str) -> None:
        """Ask the agent whether ``pin`` is right; the menu opens only if it is (a wrong
        PIN is a wrong try at the agent's guard, as an action with it would be)."""
        if self.local.busy:
            return

        def done(reply: Reply) -> None:
            if not reply.ok:
                self._update(staff_unlocked=False, busy=False, error=reply.error)
            elif reply.staff_name is not None:
                # A person of the roster: greeted by name, their menu in their language.
                language = reply.staff_language or self.staff_language
                self._update(
                    staff_unlocked=True,
                    busy=False,
                    error=None,
                    staff_name=reply.staff_name,
                    staff_language=language,
                )
            else:
                self._update(staff_unlocked=True, busy=False, error=None)

        self._update(busy=True, error=None)
        self._sender.send(
            AnimatorAction, on_reply=done, pin=pin, action="check", staff_id=self.chosen_staff
        )

    def animator(self, pin: str, action: AnimatorVerb, minutes: int | None = None) -> None:
        """An animator action; the agent checks the PIN. Success closes the panel."""

        def done(reply: Reply) -> None:
            if reply.ok:
                self._update(
                    animator_open=False,
                    staff_unlocked=False,
                    busy=False,
                    error=None,
                    **self._staff_forgotten(),
                )
            elif reply.error is not None and reply.error.code in ("wrong_pin", "too_many_tries"):
                # The PIN changed meanwhile, or tries wait: the PIN is asked again.
                self._update(staff_unlocked=False, busy=False, error=reply.error)
            else:
                self._update(busy=False, error=reply.error)

        self._update(busy=True, error=None)
        self._sender.send(
            AnimatorAction,
            on_reply=done,
            pin=pin,
            action=action,
            minutes=minutes,
            staff_id=self.chosen_staff,
        )

    # -- pairing this PC with the console (a step of the staff menu) -----------------------

    def open_pairing(self, pin: str) -> None:
        """Staff, past the PIN, connect this PC to the console: the consoles on the network
        are looked for at once."""
        self._staff_pin = pin
        self._update(pairing_open=True, paired_with=None, consoles=None, error=None, busy=False)
        self.find_consoles()

    def close_pairing(self) -> None:
        """Back to the staff menu's actions."""
        self._update(pairing_open=False, searching=False, error=None, busy=False)

    def find_consoles(self) -> None:
        """Ask the agent which consoles announce themselves on the network."""
        if self.local.searching:
            return

        def done(reply: Reply) -> None:
            if reply.ok:
                self._update(searching=False, consoles=reply.consoles or ())
            else:
                self._staff_refused(reply, searching=False, consoles=())

        self._update(searching=True, error=None)
        self._sender.send(
            FindConsoles, on_reply=done, pin=self._staff_pin, staff_id=self.chosen_staff
        )

    def pair_console(self, address: str, code: str) -> None:
        """Pair this PC with the console at ``address`` using the code it shows."""
        if self.local.busy:
            return

        def done(reply: Reply) -> None:
            if reply.ok:
                self._update(busy=False, error=None, paired_with=reply.paired_with or address)
            else:
                self._staff_refused(reply)

        self._update(busy=True, error=None)
        self._sender.send(
            PairConsole,
            on_reply=done,
            pin=self._staff_pin,
            address=address,
            code=code,
            staff_id=self.chosen_staff,
        )

    def _staff_refused(self, reply: Reply, **changes: Any) -> None:
        """A refused staff request: a PIN no longer right (changed, or tries wait) is asked
        again; any other refusal is said on the screen."""
        error = reply.error
        if error is not None and error.code in ("wrong_pin", "too_many_tries"):
            self._staff_pin = ""
            changes.update(staff_unlocked=False, pairing_open=False)
        self._update(busy=False, error=error, **changes)
