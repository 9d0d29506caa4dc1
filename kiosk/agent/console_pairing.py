"""Pairing a PC with its console from the PC's own screen (the staff menu): the agent lists
the consoles that announce themselves on the network and pairs with the one staff chose
(or whose address they typed) using the one-time code the console shows.

The shell only asks, with the animator PIN (checked by :class:`~kiosk.agent.shells.Shells`
before anything here runs); the agent does the work, as root: the pairing exchange of
:func:`kiosk.agent.enroll.enroll` (the code proves the console's certificate, so no
fingerprint is typed), the token and ``console.json``, then the link, started at once.
Discovery and pairing block on the network: both run in a worker thread, never on the
agent's event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from epn_shared.json_log import event
from epn_shared.pairing import PairingCode, PairingError
from kiosk.agent.config import AgentConfig
from kiosk.agent.enroll import (
    BadConsoleAddress,
    CodeRefused,
    ConsoleUnreachable,
    EnrollFailed,
    InTheMiddle,
    NameTaken,
    NotProved,
    console_url,
    enroll,
)
from kiosk.agent.errors import AgentError
from kiosk.core.errors import CommandRefused, Refusal
from kiosk.core.protocol import ConsoleView

log = logging.getLogger(__name__)

_REFUSALS: tuple[tuple[type[EnrollFailed], Refusal], ...] = (
    (BadConsoleAddress, Refusal.BAD_CONSOLE_ADDRESS),
    (ConsoleUnreachable, Refusal.CONSOLE_UNREACHABLE),
    (CodeRefused, Refusal.PAIRING_CODE_REFUSED),
    (NameTaken, Refusal.PC_NAME_TAKEN),
    (InTheMiddle, Refusal.PAIRING_IN_THE_MIDDLE),
    (NotProved, Refusal.PAIRING_NOT_PROVED),
)


@dataclasses.dataclass(frozen=True)
class DiscoveryOptions:
    """How the agent looks for consoles: ``seconds`` to listen, on ``interfaces`` (None:
    every one), done sooner once ``enough`` answered (tests: the one console they serve)."""

    seconds: float = 3.0
    interfaces: Sequence[str] | None = None
    enough: int | None = None


def refusal_for(exc: EnrollFailed) -> Refusal:
    """The refusal the shell tells staff for a failed pairing."""
    for kind, refusal in _REFUSALS:
        if isinstance(exc, kind):
            return refusal
    return Refusal.PAIRING_FAILED


@dataclasses.dataclass(eq=False)
class ConsolePairing:
    """Finds consoles and pairs this PC with one; ``paired`` says whether it is.

    ``linked`` is called on the agent's loop once the settings are saved: the agent starts
    its console link from them (:meth:`kiosk.agent.agent.Agent.console_paired`).
    """

    config: AgentConfig
    paired: bool
    linked: Callable[[], None]
    options: DiscoveryOptions = dataclasses.field(default_factory=DiscoveryOptions)
    _found: dict[str, str] = dataclasses.field(default_factory=dict, init=False)
    """The names of the consoles found last, by address: the name said once paired."""
    _busy: bool = dataclasses.field(default=False, init=False)

    async def find(self) -> tuple[ConsoleView, ...]:
        """The consoles that answer on the network now, by name (none: an empty tuple)."""
        from kiosk.agent.discovery import discover  # noqa: PLC0415 (zeroconf: staff only)

        options = self.options
        try:
            found = await asyncio.to_thread(
                discover, options.seconds, interfaces=options.interfaces, enough=options.enough
            )
        except OSError as exc:
            # No network to listen on: as if none answered; staff can type the address.
            event(log, "discovery_failed", logging.WARNING, error=str(exc))
            found = []
        self._found = {console.url: console.name for console in found}
        event(log, "consoles_found", count=len(found))
        return tuple(ConsoleView(name=c.name[:80], address=c.url) for c in found)

    async def pair(self, address: str, code: str) -> str:
        """Pair with the console at ``address`` using ``code``; its name once paired.

        :class:`CommandRefused` with the reason when not: paired already, a malformed
        address or code (nothing sent), or what the console or the network did.
        """
        if self.paired:
            raise CommandRefused(Refusal.ALREADY_PAIRED, "this PC is paired with a console")
        if self._busy:
            raise CommandRefused(Refusal.BUSY, "a pairing is under way")
        try:
            PairingCode.parse(code)
        except PairingError as exc:
            raise CommandRefused(Refusal.BAD_PAIRING_CODE, str(exc)) from exc
        self._busy = True
        try:
            url = console_url(address)
            config = self.config
            await asyncio.to_thread(
                enroll,
                url,
                code,
                name=config.pc_name,
                location="",
                config=config,
                allow_insecure=config.allow_insecure_link,
                say=lambda line: event(log, "pairing_progress", said=line),
            )
        except EnrollFailed as exc:
            refusal = refusal_for(exc)
            event(log, "pairing_refused", logging.WARNING, refusal=refusal.value, error=str(exc))
            raise CommandRefused(refusal, str(exc)) from exc
        except (AgentError, OSError) as exc:
            # The secrets folder cannot be made safe, or console.json cannot be written.
            event(log, "pairing_failed", logging.ERROR, error=str(exc))
            raise CommandRefused(Refusal.PAIRING_FAILED, str(exc)) from exc
        finally:
            self._busy = False
        self.paired = True
        name = self._found.get(url) or urlsplit(url).hostname or url
        event(log, "console_paired", console=url, console_name=name)
        try:
            self.linked()
        except AgentError as exc:
            # Saved, but the link cannot start from it: the agent's next start says the same.
            event(log, "link_not_started", logging.ERROR, error=str(exc))
            raise CommandRefused(Refusal.PAIRING_FAILED, str(exc)) from exc
        return name
