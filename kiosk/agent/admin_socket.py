"""The agent's admin socket: root's tools on this PC (``epn-kiosk update``) ask the agent
for what only it can decide. Only the agent's own user (root on a kiosk) may connect; the
socket file is 0600 in the agent's data folder (0700), and the peer's uid is checked."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from kiosk.agent.clock import Clock
from kiosk.agent.ipc import Connection, IpcServer, error_reply
from kiosk.agent.update_hold import HoldRefused, UpdateHold
from kiosk.core import protocol
from kiosk.core.protocol import AdminRequest, Reply


@dataclasses.dataclass(eq=False)
class AdminRequests:
    """Serves the admin socket (the :class:`IpcServer`'s handler)."""

    clock: Clock
    hold: UpdateHold
    stopping: Callable[[], bool]

    def server(self, path: Path) -> IpcServer[AdminRequest]:
        """The admin socket at ``path``, for the agent's own user only."""
        return IpcServer(path, (os.geteuid(),), self, 0o600, decode=protocol.decode_admin_request)

    async def handle(self, connection: Connection, request: AdminRequest) -> Sequence[BaseModel]:
        """Answer one request of root's tools."""
        now = self.clock.now()
        match request:
            case protocol.Ping():
                return [Reply(re=request.id, ok=True)]
            case protocol.HoldForUpdate():
                if self.stopping():
                    return [error_reply(request.id, "busy", "the agent is stopping")]
                try:
                    granted = self.hold.grant(now)
                except HoldRefused as exc:
                    return [error_reply(request.id, exc.code, exc.message)]
                seconds = round(self.hold.bound_seconds)
                return [Reply(re=request.id, ok=True, hold=granted.token, hold_seconds=seconds)]
            case protocol.ReleaseUpdateHold():
                if not self.hold.release(request.hold):
                    return [error_reply(request.id, "no_hold", "that hold is not in force")]
                return [Reply(re=request.id, ok=True)]

    def disconnected(self, connection: Connection) -> None:
        """Nothing to do: a hold outlives its updater's connection (an upgrade it started
        may still be running); it ends when released, at a restart, or by its bound."""
