"""The staff roster at this PC: who may use the staff key, each with their own PIN.

The console sends the whole roster (``epn_shared.protocol.StaffRoster``) after its welcome
when the PC holds another revision, and on every change; each one replaces the PC's roster
at once (a person missing from it, disabled or with a new PIN's hash, is refused from that
moment) and is kept in the store, so a restart or offline time changes nothing. While the
roster is empty the PC's own PIN (``epn-kiosk set-pin``, the installer's first-run default)
opens the staff key; once the console named anyone, only their own PINs do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from epn_shared import protocol as wire
from epn_shared.json_log import event
from kiosk.agent.clock import Clock
from kiosk.agent.errors import AgentError, StoreError
from kiosk.agent.store import Roster, StaffMember, Store
from kiosk.core.protocol import StaffMemberView

log = logging.getLogger(__name__)


class RosterRefused(AgentError):
    """A roster frame that cannot be the PC's roster (the one held stays)."""


class StaffRoster:
    """The roster in force, read from the store at start and replaced by the console."""

    def __init__(
        self, store: Store, clock: Clock, on_changed: Callable[[], None] | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self.on_changed = on_changed
        """Told after each new roster (the shells' views list the names)."""
        try:
            self._roster = store.staff_roster()
        except StoreError as exc:
            # Fail closed as far as it goes: with no roster read, the console's next
            # welcome sends it again (the hello says none is held).
            event(log, "staff_roster_unreadable", logging.ERROR, error=str(exc))
            self._roster = Roster()
        self._by_id = {m.id: m for m in self._roster.members}

    @property
    def revision(self) -> int | None:
        """The revision held (None: the console never sent one), for the hello."""
        return self._roster.revision

    @property
    def empty(self) -> bool:
        """Nobody on the roster: the PC's own PIN is the staff key."""
        return not self._roster.members

    def member(self, staff_id: int | None) -> StaffMember | None:
        """The person of this id on the roster now, if any."""
        return None if staff_id is None else self._by_id.get(staff_id)

    def views(self) -> tuple[StaffMemberView, ...]:
        """The names for the shell's PIN screen (never a hash), in the roster's order."""
        return tuple(StaffMemberView(id=m.id, name=m.name) for m in self._roster.members)

    def replace(self, frame: wire.StaffRoster) -> None:
        """Take the console's roster instead of the one held (raises
        :class:`RosterRefused` when it names one id twice: the held one stays)."""
        ids = [entry.id for entry in frame.staff]
        if len(set(ids)) != len(ids):
            raise RosterRefused("the roster names one staff id twice")
        members = tuple(
            StaffMember(e.id, e.name, e.language, e.pin_hash)
            for e in sorted(frame.staff, key=lambda e: (e.name.casefold(), e.id))
        )
        roster = Roster(frame.revision, members)
        # In force at once, even if it cannot be kept: a revoked PIN must not open the
        # staff key a moment longer. Not kept, the next start's hello asks for it again.
        self._roster = roster
        self._by_id = {m.id: m for m in members}
        try:
            self._store.replace_staff_roster(roster, self._clock.now().wall)
        except StoreError as exc:
            event(log, "staff_roster_not_kept", logging.ERROR, error=str(exc))
        event(log, "staff_roster_received", revision=frame.revision, staff=len(members))
        if self.on_changed is not None:
            self.on_changed()
