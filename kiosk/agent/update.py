"""``epn-kiosk update``: install the kiosk's update from the console's apt repository, but
never during a visitor's session.

Run by ``epn-kiosk-update.timer`` as root. The agent is asked, on its admin socket, for the
update hold (see ``kiosk.agent.update_hold``): it grants it only when nobody's session is in
progress, and refuses every login while it is in force. Then apt updates the ``epn-kiosk``
package from the console's source only; the package's postinst restarts the agent, which ends
the hold. When nothing was upgraded or apt failed, the hold is released here.

Exit status: 0 done (updated, nothing new, or the PC is not paired: nothing to do);
1 the update failed or the agent does not answer; 2 bad options; 75 deferred: a visitor is
using the PC, another update is running, or the agent is stopping (the timer tries again
at its next run).
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from epn_shared.settings_cli import BadSettings, NotAnOption, Option, add_options, settings_from
from kiosk.core.protocol import PROTOCOL_VERSION, ProtocolError, Reply, decode_push

APT_SOURCE = Path("/etc/apt/sources.list.d/epn-console.sources")
"""The console's signed flat repository, written when the PC is paired."""
PACKAGE = "epn-kiosk"
ANSWER_SECONDS = 10.0
"""How long the agent may take to answer on its admin socket."""


class Outcome(enum.IntEnum):
    """The exit status of ``epn-kiosk update``."""

    DONE = 0
    FAILED = 1
    BAD_OPTIONS = 2
    DEFERRED = 75  # EX_TEMPFAIL: try again later


def apt_commands(source: Path) -> tuple[tuple[str, ...], ...]:
    """The two apt commands, reading the console's source only and keeping the PC's own
    configuration files on an upgrade. A bad signature on the console's index is only a
    warning to ``apt-get update`` (apt 2.6, even with ``--error-on=any``), but apt keeps the
    index it had checked before: nothing unsigned is ever installed."""
    only_console = (
        "-o",
        f"Dir::Etc::SourceList={source}",
        "-o",
        "Dir::Etc::SourceParts=-",
    )
    keep_config = ("-o", "Dpkg::Options::=--force-confold")
    # Reading one source, apt would otherwise delete the lists of the PC's other sources
    # (Debian's own, for its security updates) as if they were gone.
    keep_other_lists = ("-o", "APT::Get::List-Cleanup=0")
    return (
        ("apt-get", *only_console, *keep_other_lists, "update"),
        ("apt-get", *only_console, *keep_config, "install", "--only-upgrade", "-y", PACKAGE),
    )


class UpdateSettings(BaseSettings):
    """How ``epn-kiosk update`` runs (options, then ``EPN_KIOSK_UPDATE_*`` variables)."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_prefix="EPN_KIOSK_UPDATE_")

    data_dir: Path = Field(Path("/var/lib/epn-kiosk"), description="The agent's data folder.")
    admin_socket_path: Annotated[Path, Option("--admin-socket")] = Field(
        default_factory=lambda data: data["data_dir"] / "admin.sock",
        description="The agent's admin socket (default: DATA_DIR/admin.sock).",
    )
    apt_source: Path = Field(
        APT_SOURCE,
        description="The console's apt source, written when the PC is paired; without it "
        "there is nothing to update from.",
    )
    commands: Annotated[
        tuple[tuple[str, ...], ...] | None, NotAnOption("tests: programs run instead of apt")
    ] = Field(
        None,
        description="The commands that install the update, in order (default: apt-get "
        "update, then apt-get install --only-upgrade of the package, from APT_SOURCE only).",
    )


class AgentSilent(Exception):
    """The agent did not answer on its admin socket."""


class AdminClient:
    """One request at a time to the agent's admin socket (blocking)."""

    def __init__(self, path: Path, timeout: float = ANSWER_SECONDS) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(str(path))
        except OSError as exc:
            self.sock.close()
            raise AgentSilent(f"cannot reach the agent at {path}: {exc.strerror}") from exc
        self._buffer = b""
        self._next_id = 0

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def request(self, kind: str, **fields: Any) -> Reply:
        """Send one request and return its reply."""
        self._next_id += 1
        body = {"v": PROTOCOL_VERSION, "type": kind, "id": self._next_id, **fields}
        try:
            self.sock.sendall(json.dumps(body).encode() + b"\n")
            while True:
                while b"\n" not in self._buffer:
                    chunk = self.sock.recv(65536)
                    if not chunk:
                        raise AgentSilent("the agent closed the connection")
                    self._buffer += chunk
                line, self._buffer = self._buffer.split(b"\n", 1)
                message = decode_push(line)
                if isinstance(message, Reply) and message.re in (self._next_id, None):
                    return message
        except OSError as exc:
            raise AgentSilent(f"the agent did not answer: {exc}") from exc
        except ProtocolError as exc:
            raise AgentSilent(f"the agent's answer could not be read: {exc}") from exc


def say(text: str) -> None:
    """One line for the journal (or the person at the terminal)."""
    print(f"epn-kiosk update: {text}", flush=True)


def update(settings: UpdateSettings) -> Outcome:
    """Hold the PC, install the update, release the hold; see the module's exit status."""
    if not settings.apt_source.exists():
        say(f"not paired with a console ({settings.apt_source} does not exist): nothing to do")
        return Outcome.DONE
    try:
        with AdminClient(settings.admin_socket_path) as agent:
            reply = agent.request("hold_for_update")
    except AgentSilent as exc:
        say(f"failed: {exc}; no update without the agent keeping visitors off this PC")
        return Outcome.FAILED
    if not reply.ok or reply.hold is None:
        code = reply.error.code if reply.error is not None else ""
        if code == "in_session":
            say("deferred: a visitor is using this PC")
            return Outcome.DEFERRED
        if code == "update_running":
            say("deferred: another update is running on this PC")
            return Outcome.DEFERRED
        if code == "busy":
            say("deferred: the agent is stopping")
            return Outcome.DEFERRED
        message = reply.error.message if reply.error is not None else "no hold given"
        say(f"failed: the agent refused the update hold ({code}: {message})")
        return Outcome.FAILED
    say(f"holding this PC for the update (at most {reply.hold_seconds} s)")
    ran = run_commands(settings.commands or apt_commands(settings.apt_source))
    release(settings.admin_socket_path, reply.hold)
    if not ran:
        return Outcome.FAILED
    say("done")
    return Outcome.DONE


def run_commands(commands: Sequence[Sequence[str]]) -> bool:
    """Run each command in turn, unattended; False at the first that fails."""
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in commands:
        say("running " + " ".join(argv))
        try:
            completed = subprocess.run(argv, check=False, stdin=subprocess.DEVNULL, env=environment)
        except OSError as exc:
            say(f"failed: cannot run {argv[0]}: {exc.strerror}")
            return False
        if completed.returncode != 0:
            say(f"failed: {argv[0]} exited with {completed.returncode}")
            return False
    return True


def release(path: Path, hold: str) -> None:
    """Give the PC back to visitors (the agent restarted by the upgrade has no hold)."""
    try:
        with AdminClient(path) as agent:
            reply = agent.request("release_update_hold", hold=hold)
    except AgentSilent:
        say("the agent is restarting with the update: the hold ended with it")
        return
    if reply.ok:
        say("hold released: visitors may log in again")
    else:
        say("the hold had already ended (the agent restarted, or its time was over)")


def main(args: argparse.Namespace) -> int:
    """``epn-kiosk update``."""
    try:
        settings = settings_from(UpdateSettings, args)
    except BadSettings as exc:
        say(f"bad configuration: {exc}")
        return Outcome.BAD_OPTIONS
    return int(update(settings))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``update`` command's options and its entry point."""
    add_options(parser, UpdateSettings)
    parser.set_defaults(run=main)


if __name__ == "__main__":
    command = argparse.ArgumentParser(prog="epn-kiosk update", description=__doc__)
    add_arguments(command)
    arguments = command.parse_args()
    sys.exit(arguments.run(arguments))
