"""The lockdown of the visitor's graphical session, rendered as files for the installer.

Pure functions: each returns the text of one system file; :func:`lockdown_files` collects
them all (the browser policies and the launcher's entries included) at their real paths,
and :func:`lockdown_actions` lists what is not a file. ``write_lockdown`` (``files.py``)
puts them under a target root.
"""

from __future__ import annotations

import re
from collections.abc import Set
from pathlib import PurePosixPath

from kiosk.lockdown.apps import launcher_apps
from kiosk.lockdown.browser import chromium_policies, firefox_policies, to_json
from kiosk.lockdown.files import LockdownAction, LockdownError, LockdownFile
from kiosk.lockdown.smartcard import POLKIT_RULE, polkit_rule
from kiosk.shell.wm import OPENBOX_RC, openbox_rc
from policies.model import Policy

XORG_CONF = PurePosixPath("/etc/X11/xorg.conf.d/50-epn-kiosk.conf")
LOGIND_CONF = PurePosixPath("/etc/systemd/logind.conf.d/epn-kiosk.conf")
SYSCTL_CONF = PurePosixPath("/etc/sysctl.d/50-epn-kiosk.conf")
DCONF_PROFILE = PurePosixPath("/etc/dconf/profile/user")
DCONF_KEYFILE = PurePosixPath("/etc/dconf/db/local.d/00-epn-kiosk")
DCONF_LOCKS = PurePosixPath("/etc/dconf/db/local.d/locks/00-epn-kiosk")
LIGHTDM_CONF = PurePosixPath("/etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf")
XSESSION = PurePosixPath("/usr/share/xsessions/epn-kiosk.desktop")
FIREFOX_POLICIES = (
    PurePosixPath("/etc/firefox/policies/policies.json"),
    # Debian's firefox-esr also reads its own distribution folder.
    PurePosixPath("/usr/lib/firefox-esr/distribution/policies.json"),
)
CHROMIUM_POLICIES = PurePosixPath("/etc/chromium/policies/managed/epn-kiosk.json")
PROC_DROPINS = (
    PurePosixPath("/etc/systemd/system/systemd-logind.service.d/50-epn-kiosk-proc.conf"),
    PurePosixPath("/etc/systemd/system/polkit.service.d/50-epn-kiosk-proc.conf"),
)
"""logind and polkit must still see every process once ``/proc`` hides them (they track
sessions and check callers by pid, without CAP_SYS_PTRACE)."""
PROC_GROUP = "epn-proc"
"""The group whose members see every process under ``hidepid=invisible``."""
LAUNCHER_DIR = PurePosixPath("/etc/epn-kiosk/launcher")
"""The launcher's entries: the folder belongs to the kiosk, entries not generated go."""

SESSION_NAME = "epn-kiosk"
SHELL_COMMAND = "epn-kiosk shell"

_HEADER = "# EPN Kiosk session lockdown, written by the installer: local changes are replaced.\n"
_USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")

SERVER_FLAGS = {
    # Each: what the visitor could do with it.
    "DontVTSwitch": ("true", "Ctrl+Alt+F1..F12 would switch to a text console"),
    "DontZap": ("true", "Ctrl+Alt+Backspace would kill the X server, and the shell with it"),
    "DontZoom": ("true", "Ctrl+Alt+Keypad-Plus/Minus would change the screen mode"),
    "AllowDeactivateGrabs": ("false", "Ctrl+Alt+Keypad-Divide would break the shell's grabs"),
    "AllowClosedownGrabs": (
        "false",
        "Ctrl+Alt+Keypad-Multiply would kill the programs holding grabs",
    ),
}
"""The Xorg ``ServerFlags`` options set (see xorg.conf(5)), with their values."""

LOGIND = {
    "NAutoVTs": ("0", "no login prompt is started on another virtual terminal"),
    "ReserveVT": ("0", "no text console is kept ready either"),
    "KillUserProcesses": ("yes", "a session that ends takes every program it started"),
    "KillExcludeUsers": ("root", "the agent and system services are never touched"),
    "RemoveIPC": ("yes", "shared memory and semaphores of the visitor go at the end"),
    "HandleSuspendKey": ("ignore", "a suspended PC would wake up with the last session"),
    "HandleHibernateKey": ("ignore", "the same for hibernation"),
    "HandleLidSwitch": ("ignore", "closing a laptop's lid neither suspends nor hands it over"),
    "HandleLidSwitchExternalPower": ("ignore", "the same on mains power"),
    "HandleLidSwitchDocked": ("ignore", "the same when docked"),
    "IdleAction": ("ignore", "the agent, not logind, decides what an idle session means"),
}
"""The ``[Login]`` settings of logind.conf(5) set, with their values and why."""

SYSCTL = {
    "kernel.sysrq": ("0", "Alt+SysRq keys would kill every process or reboot the PC"),
    "kernel.core_pattern": (
        "|/bin/false",
        "a crashing program's memory would stay on disk (systemd-coredump) after the wipe",
    ),
    "fs.suid_dumpable": ("0", "nor any core dump of a privileged program"),
}
"""Kernel settings, with their values and why."""

DCONF = {
    "org/gnome/desktop/lockdown": {
        "disable-command-line": "true",
        "disable-log-out": "true",
        "disable-user-switching": "true",
        "disable-lock-screen": "true",
        "disable-print-setup": "true",
        "user-administration-disabled": "true",
    },
    "org/gnome/desktop/privacy": {
        "remember-recent-files": "false",
        "remember-app-usage": "false",
        "report-technical-problems": "false",
        "send-software-usage-stats": "false",
    },
    "org/gnome/desktop/screensaver": {
        # A locked screen would keep the PC from the next visitor; the agent ends idle sessions.
        "lock-enabled": "false",
        "user-switch-enabled": "false",
    },
}
"""GNOME settings, every one locked. Printing stays enabled (``disable-printing`` is never
set): the kiosk's printing is metered, not forbidden."""


def xorg_conf() -> str:
    """``/etc/X11/xorg.conf.d/50-epn-kiosk.conf``: the X server ignores the keys that leave it."""
    lines = [_HEADER, 'Section "ServerFlags"\n']
    for name, (value, why) in SERVER_FLAGS.items():
        lines.append(f"    # {why}\n")
        lines.append(f'    Option "{name}" "{value}"\n')
    lines.append("EndSection\n")
    return "".join(lines)


def _settings(section: str | None, table: dict[str, tuple[str, str]], sep: str) -> str:
    lines = [_HEADER]
    if section is not None:
        lines.append(f"[{section}]\n")
    for name, (value, why) in table.items():
        lines.append(f"# {why}\n{name}{sep}{value}\n")
    return "".join(lines)


def logind_conf() -> str:
    """``/etc/systemd/logind.conf.d/epn-kiosk.conf``: no spare consoles, nothing left behind."""
    return _settings("Login", LOGIND, "=")


def sysctl_conf() -> str:
    """``/etc/sysctl.d/50-epn-kiosk.conf``: no SysRq, no core dumps."""
    return _settings(None, SYSCTL, " = ")


def dconf_profile() -> str:
    """``/etc/dconf/profile/user``: the system database ``local`` under the user's own."""
    return "user-db:user\nsystem-db:local\n"


def dconf_keyfile() -> str:
    """``/etc/dconf/db/local.d/00-epn-kiosk``: the GNOME settings of the visitor."""
    parts = [_HEADER]
    for path, keys in DCONF.items():
        parts.append(f"\n[{path}]\n")
        parts.extend(f"{key}={value}\n" for key, value in keys.items())
    return "".join(parts)


def dconf_locks() -> str:
    """``/etc/dconf/db/local.d/locks/00-epn-kiosk``: every setting above, locked."""
    return "".join(f"/{path}/{key}\n" for path, keys in DCONF.items() for key in keys)


def proc_fstab_line() -> str:
    """The ``/etc/fstab`` line for ``/proc``: a visitor sees only their own processes and
    command lines. At boot ``systemd-remount-fs`` applies an API file system's fstab options
    (the fstab generator leaves ``/proc`` to it); ``mount`` turns the group name into its id."""
    return f"proc /proc proc defaults,hidepid=invisible,gid={PROC_GROUP} 0 0\n"


def proc_dropin() -> str:
    """A systemd drop-in that puts a service in :data:`PROC_GROUP`."""
    return (
        f"{_HEADER}# /proc is mounted with hidepid=invisible: this service must still see\n"
        "# every process (sessions, callers) to work.\n"
        f"[Service]\nSupplementaryGroups={PROC_GROUP}\n"
    )


def lightdm_conf(visitor: str) -> str:
    """``/etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf``: log the visitor into the kiosk
    session at once, and again after each wipe ended the last one."""
    _check_user(visitor)
    return (
        f"{_HEADER}[LightDM]\n"
        "# The X authority file goes under /run: between sessions the visitor's home is an\n"
        "# empty mount point nobody may write to, and the login would fail on it.\n"
        "user-authority-in-system-dir=true\n"
        "\n[Seat:*]\n"
        f"autologin-user={visitor}\n"
        "autologin-user-timeout=0\n"
        f"autologin-session={SESSION_NAME}\n"
        f"user-session={SESSION_NAME}\n"
        "allow-guest=false\n"
        "greeter-hide-users=true\n"
        "allow-user-switching=false\n"
    )


SHELL_LOG = ("/usr/bin/systemd-cat", "--identifier=epn-kiosk-shell")
"""What the session runs the shell under: its output goes to the journal
(``journalctl -t epn-kiosk-shell``), because the X session's own log file would be in the
visitor's home, which is an unwritable mount point between sessions."""


def xsession_desktop(shell_command: str = SHELL_COMMAND) -> str:
    """``/usr/share/xsessions/epn-kiosk.desktop``: the session whose only program is the shell
    (no desktop, no panel; when the shell exits, the session ends)."""
    program = shell_command.split(maxsplit=1)[0]
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=EPN Kiosk\n"
        "Comment=Timed visitor session of a public computer\n"
        f"Exec={' '.join(SHELL_LOG)} {shell_command}\n"
        f"TryExec={program}\n"
    )


def launcher_entries(policy: Policy, installed: Set[str]) -> tuple[LockdownFile, ...]:
    """One desktop entry per launcher application the policy allows and the PC has."""
    entries = []
    for position, (app, program) in enumerate(launcher_apps(policy, installed), start=1):
        text = (
            "[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={program.name}\n"
            f"Exec={program.exec_line}\n"
            f"TryExec={program.command}\n"
            f"Icon={program.icon}\n"
            f"X-EPN-Kiosk-App={app.value}\n"
            f"X-EPN-Kiosk-Position={position}\n"
            f"X-EPN-Kiosk-Source=/usr/share/applications/{program.desktop_file}\n"
        )
        entries.append(LockdownFile(LAUNCHER_DIR / f"{app.value}.desktop", text))
    return tuple(entries)


def _check_user(visitor: str) -> None:
    if not _USER_NAME.fullmatch(visitor):
        raise LockdownError(f"{visitor!r} is not a valid user name for the visitor account")


def lockdown_files(
    policy: Policy,
    visitor: str,
    home: PurePosixPath,
    *,
    installed: Set[str] = frozenset(),
    shell_command: str = SHELL_COMMAND,
) -> tuple[LockdownFile, ...]:
    """Every lockdown file of a kiosk, at its path on the PC.

    ``home`` is the visitor's home (browsers save downloads in its ``Downloads``);
    ``installed`` the desktop entries found on the PC (``installed_desktop_files``): the
    launcher lists only programs that are there.
    """
    _check_user(visitor)
    files = [
        LockdownFile(XORG_CONF, xorg_conf()),
        LockdownFile(LOGIND_CONF, logind_conf()),
        LockdownFile(SYSCTL_CONF, sysctl_conf()),
        LockdownFile(DCONF_PROFILE, dconf_profile()),
        LockdownFile(DCONF_KEYFILE, dconf_keyfile()),
        LockdownFile(DCONF_LOCKS, dconf_locks()),
        LockdownFile(LIGHTDM_CONF, lightdm_conf(visitor)),
        LockdownFile(XSESSION, xsession_desktop(shell_command)),
        LockdownFile(OPENBOX_RC, openbox_rc()),
        *(LockdownFile(path, proc_dropin()) for path in PROC_DROPINS),
        LockdownFile(POLKIT_RULE, polkit_rule(visitor)),
        *browser_files(policy, home),
        *launcher_entries(policy, installed),
    ]
    return tuple(files)


def browser_files(policy: Policy, home: PurePosixPath) -> tuple[LockdownFile, ...]:
    """The browsers' policy files: the installer writes them, and the agent again whenever
    the policy changes (a block list edited at the console reaches the next browser)."""
    if not home.is_absolute():
        raise LockdownError(f"{home}: the visitor's home must be an absolute path")
    firefox = to_json(firefox_policies(policy, home))
    return (
        *(LockdownFile(path, firefox) for path in FIREFOX_POLICIES),
        LockdownFile(CHROMIUM_POLICIES, to_json(chromium_policies(policy, home))),
    )


def lockdown_actions() -> tuple[LockdownAction, ...]:
    """What the installer does after writing the files."""
    return (
        LockdownAction(
            ("systemctl", "mask", "ctrl-alt-del.target"),
            "Ctrl+Alt+Del on a text console would reboot the PC in the middle of a session",
        ),
        LockdownAction(
            ("dconf", "update"),
            "GNOME reads the compiled database, not the keyfile and locks written here",
        ),
        LockdownAction(
            ("sysctl", "--system"),
            "apply the kernel settings now, not only from the next boot",
        ),
    )
