"""The console's setup as the window keeps it: the EPN's name and address (in the window's
title) and whether the first run was finished, which decides if the first-run assistant is
shown to an admin."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.setup import ADDRESS_MAX, EPN_NAME_MAX, SetupState
from admin_console.gui import calls, i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section, check_text
from policies import Language


def name_problem(text: str, language: Language) -> str:
    """What is wrong with the EPN's name as typed ('' when it is right)."""
    name = text.strip()
    if not name:
        return i18n.text("setup.name_missing", language)
    if len(name) > EPN_NAME_MAX:
        return i18n.text("check.max_length", language, n=EPN_NAME_MAX)
    return ""


def address_problem(text: str, language: Language) -> str:
    """What is wrong with the address as typed ('' when it is right; it may stay empty)."""
    if len(text.strip()) > ADDRESS_MAX:
        return i18n.text("check.max_length", language, n=ADDRESS_MAX)
    return ""


def window_title(state: SetupState | None, language: Language) -> str:
    """``Console EPN — EPN de Molenbeek`` once the EPN is named, ``Console EPN`` before."""
    base = i18n.text("app.title", language)
    return f"{base} — {state.epn_name}" if state and state.epn_name else base


class SetupDesk(Section):
    """Loads the console's setup and keeps a change."""

    loaded = Signal()
    saved = Signal()
    refused_fields = Signal(dict)
    """A 422: {"epn_name" or "address": sentence}."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state: SetupState | None = None

    @property
    def finished(self) -> bool:
        """True when the console's first run was finished (unknown counts as not)."""
        return self.state is not None and self.state.finished_at is not None

    def load(self) -> None:
        """``GET /api/setup``; ``loaded`` follows."""
        self.call(calls.SETUP, self._loaded)

    def _loaded(self, state: SetupState) -> None:
        self.state = state
        self.loaded.emit()

    def forget(self) -> None:
        """Logged out: nothing is known until the next login loads it again."""
        self.state = None

    def save(self, epn_name: str, address: str, finished: bool) -> None:
        """``PUT /api/setup``; ``saved`` (after ``loaded``) or ``failed`` follows."""
        body = {"epn_name": epn_name.strip(), "address": address.strip(), "finished": finished}
        self.call(calls.CHANGE_SETUP, self._saved, body=body, refused=self._refused)

    def _saved(self, state: SetupState) -> None:
        self._loaded(state)
        self.saved.emit()

    def _refused(self, reply: Reply) -> bool:
        if reply.status != 422 or not reply.fields:
            return False
        found = {
            name.split(".")[-1]: check_text(message, self.language)
            for name, message in reply.fields.items()
        }
        self.refused_fields.emit(found)
        return True
