"""The systemd units, as text (pure)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import PurePosixPath

UNIT_DIR = PurePosixPath("/etc/systemd/system")
AGENT_UNIT = "epn-kiosk-agent.service"
SWEEP_UNIT = "epn-kiosk-sweep.service"
CONSOLE_UNIT = "epn-console.service"
BACKUP_UNIT = "epn-console-backup.service"
BACKUP_TIMER = "epn-console-backup.timer"
UPDATE_UNIT = "epn-kiosk-update.service"
UPDATE_TIMER = "epn-kiosk-update.timer"
WATCHDOG_SECONDS = 30
"""systemd restarts an agent that has not said it is alive for this long (it says so every
half of it, from its event loop: a loop stuck for 30 s is a dead agent)."""

_ENV_WORD = re.compile(r"\$\{[A-Z_][A-Z0-9_]*\}")
_HEADER = (
    "# EPN Kiosk, written by the installer (python -m installer): local changes are replaced.\n"
)


def exec_line(argv: Sequence[str]) -> str:
    """A command line for ``ExecStart=`` (each word quoted when it needs it; a lone
    ``${NAME}`` is left for systemd to fill in from the environment file)."""
    return " ".join(word if _ENV_WORD.fullmatch(word) else shlex.quote(word) for word in argv)


def agent_unit(argv: Sequence[str], runtime_dir: str = "epn-kiosk") -> str:
    """``epn-kiosk-agent.service``: the agent, as root, always restarted, watched.

    ``Type=notify``: systemd counts the agent started when it says READY (its socket is
    open), and kills and restarts it when its WATCHDOG pings stop. A crash or kill resumes the
    running session with its time left (the store); a clean stop ends and wipes it.
    """
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk agent: sessions, time, printing and wipe of this public PC\n"
        "Documentation=https://github.com/epn-kiosk/epn-kiosk\n"
        f"After=local-fs.target network-online.target cups.service {SWEEP_UNIT}\n"
        "Wants=network-online.target\n"
        # The shell the display manager starts talks to the agent at once.
        "Before=display-manager.service\n"
        "StartLimitIntervalSec=0\n"
        "\n"
        "[Service]\n"
        "Type=notify\n"
        "NotifyAccess=main\n"
        f"ExecStart={exec_line(argv)}\n"
        "Restart=always\n"
        "RestartSec=2\n"
        f"WatchdogSec={WATCHDOG_SECONDS}\n"
        "TimeoutStopSec=90\n"
        # /run/epn-kiosk holds the shell's socket and the print approvals; it stays across
        # restarts so a restarted agent finds the approvals folder it made.
        f"RuntimeDirectory={runtime_dir}\n"
        "RuntimeDirectoryMode=0755\n"
        "RuntimeDirectoryPreserve=yes\n"
        "UMask=0077\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def sweep_unit(argv: Sequence[str]) -> str:
    """``epn-kiosk-sweep.service``: at boot, before the login screen, finish any wipe a
    power cut or a crash left undone."""
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk: finish any visitor wipe left undone, before the login screen\n"
        "After=local-fs.target cups.service\n"
        f"Before=display-manager.service {AGENT_UNIT}\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        "RemainAfterExit=yes\n"
        f"ExecStart={exec_line(argv)}\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def console_unit(argv: Sequence[str], user: str, data_dir: PurePosixPath) -> str:
    """``epn-console.service``: the console server as its own system user."""
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk console: the staff server the public PCs report to\n"
        "After=network-online.target postgresql.service\n"
        "Wants=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=exec\n"
        f"User={user}\n"
        f"Group={user}\n"
        f"ExecStart={exec_line(argv)}\n"
        "Restart=on-failure\n"
        "RestartSec=2\n"
        "UMask=0077\n"
        "NoNewPrivileges=yes\n"
        "ProtectSystem=strict\n"
        "ProtectHome=yes\n"
        "PrivateTmp=yes\n"
        f"ReadWritePaths={data_dir}\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def backup_unit(argv: Sequence[str], user: str, data_dir: PurePosixPath, to: PurePosixPath) -> str:
    """``epn-console-backup.service``: one encrypted backup of the console, as its user."""
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk console: encrypted backup of the database and keys\n"
        "After=postgresql.service\n"
        f"RequiresMountsFor={to}\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"User={user}\n"
        f"Group={user}\n"
        f"ExecStart={exec_line(argv)}\n"
        "UMask=0077\n"
        "Nice=10\n"
        "IOSchedulingClass=idle\n"
        "NoNewPrivileges=yes\n"
        "ProtectSystem=strict\n"
        "ProtectHome=yes\n"
        "PrivateTmp=yes\n"
        f"ReadWritePaths={data_dir} {to}\n"
    )


def backup_timer() -> str:
    """``epn-console-backup.timer``: every night; at the next start when the machine was
    off at night (the staff machine of a small room often is)."""
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk console: the nightly backup\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*-*-* 02:30\n"
        "Persistent=true\n"
        "RandomizedDelaySec=15min\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def update_unit(argv: Sequence[str]) -> str:
    """``epn-kiosk-update.service``: install the kiosk's update from the console when no
    visitor is in session. Exit 75 (deferred: a visitor is using the PC) is no failure: the
    timer tries again at its next run."""
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk: install the kiosk's update from the console, between visitors\n"
        f"After=network-online.target {AGENT_UNIT}\n"
        "Wants=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_line(argv)}\n"
        "SuccessExitStatus=75\n"
        "Nice=10\n"
        "IOSchedulingClass=idle\n"
    )


def update_timer() -> str:
    """``epn-kiosk-update.timer``: a few minutes after boot, then every 30 minutes, each PC
    at its own moment (so a room's PCs do not all download at once)."""
    return (
        f"{_HEADER}"
        "[Unit]\n"
        "Description=EPN Kiosk: look for the kiosk's update every 30 minutes\n"
        "\n"
        "[Timer]\n"
        "OnBootSec=5min\n"
        "OnCalendar=*:00/30\n"
        "RandomizedDelaySec=10min\n"
        # A PC switched off at the time catches up at its next start.
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def wants_link(unit: str, target: str = "multi-user.target") -> PurePosixPath:
    """Where ``systemctl enable`` puts the link of a unit ``WantedBy=target``."""
    return UNIT_DIR / f"{target}.wants" / unit
