"""The console role: the staff server and, on the staff machine, the console window in the
menu (pure: options in, plan out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from installer.console_setup import DATABASE_ENV
from installer.plan import (
    Account,
    AccountKind,
    Action,
    Command,
    MakeDir,
    Note,
    Plan,
    Role,
    Symlink,
    When,
    WriteFile,
)
from installer.units import (
    BACKUP_TIMER,
    BACKUP_UNIT,
    CONSOLE_UNIT,
    UNIT_DIR,
    backup_timer,
    backup_unit,
    console_unit,
    wants_link,
)

CONSOLE_USER = "epn-console"
CONFIG_DIR = PurePosixPath("/etc/epn-console")
ENV_FILE = CONFIG_DIR / "console.env"
DESKTOP_ENTRY = PurePosixPath("/usr/share/applications/epn-console.desktop")
ADMIN_SECRET = "admin password"
DEFAULT_BIN = PurePosixPath("/opt/epn-console/venv/bin")
DEFAULT_DATA = PurePosixPath("/var/lib/epn-console")
DEFAULT_BACKUPS = PurePosixPath("/var/backups/epn-console")


@dataclass(frozen=True)
class ConsoleOptions:
    """``python -m installer console`` options."""

    version: str = "0"
    bin_dir: PurePosixPath = DEFAULT_BIN
    data_dir: PurePosixPath = DEFAULT_DATA
    host: str = "0.0.0.0"
    port: int = 8443
    database_url: str | None = field(default=None, repr=False)
    admin: str | None = None
    gui_url: str | None = None
    fingerprint: str | None = None
    backup_dir: PurePosixPath = DEFAULT_BACKUPS
    backup_keep_days: int = 14


def backup_argv(options: ConsoleOptions) -> list[str]:
    """The nightly backup's command line (the database URL from the environment file)."""
    argv = [str(options.bin_dir / "epn-console"), "backup", "--data-dir", str(options.data_dir)]
    argv += ["--to", str(options.backup_dir), "--keep-days", str(options.backup_keep_days)]
    if options.database_url:
        argv += ["--database-url", f"${{{DATABASE_ENV}}}"]
    return argv


def server_argv(options: ConsoleOptions) -> list[str]:
    """The server's command line in its unit (the database URL from the environment file:
    it may hold a password, the unit is readable by everyone)."""
    argv = [
        str(options.bin_dir / "epn-console"),
        "serve",
        "--data-dir",
        str(options.data_dir),
        "--host",
        options.host,
        "--port",
        str(options.port),
    ]
    if options.database_url:
        argv += ["--database-url", f"${{{DATABASE_ENV}}}"]
    return argv


def desktop_entry(bin_dir: PurePosixPath, url: str, fingerprint: str) -> str:
    """The staff window in the desktop's menu."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=EPN Console\n"
        "Name[fr]=Console EPN\n"
        "Name[nl]=EPN-console\n"
        "Comment=The public computer room: sessions, help calls, tickets, printing\n"
        "Comment[fr]=La salle publique : sessions, appels à l'aide, tickets, impressions\n"
        f"Exec={bin_dir / 'epn-console'} gui --url {url} --fingerprint {fingerprint}\n"
        f"TryExec={bin_dir / 'epn-console'}\n"
        "Icon=computer\n"
        "Terminal=false\n"
        "Categories=Office;Network;\n"
    )


def console_plan(options: ConsoleOptions) -> Plan:
    """Everything the console machine gets, in order."""
    unit = UNIT_DIR / CONSOLE_UNIT
    unit_text = console_unit(server_argv(options), CONSOLE_USER, options.data_dir)
    backup_text = backup_unit(
        backup_argv(options), CONSOLE_USER, options.data_dir, options.backup_dir
    )
    if options.database_url:
        with_env = f"[Service]\nEnvironmentFile={ENV_FILE}\n"
        unit_text = unit_text.replace("[Service]\n", with_env, 1)
        backup_text = backup_text.replace("[Service]\n", with_env, 1)
    actions: list[Action] = [
        Account(
            CONSOLE_USER,
            AccountKind.SYSTEM,
            options.data_dir,
            PurePosixPath("/usr/sbin/nologin"),
            "EPN Kiosk console",
            "the console server runs as its own user, not root",
        ),
        MakeDir(
            options.data_dir,
            0o700,
            "database (SQLite), TLS keys, ticket key: the console's only",
            CONSOLE_USER,
            CONSOLE_USER,
        ),
        MakeDir(CONFIG_DIR, 0o755, "the console's settings"),
        MakeDir(
            options.backup_dir,
            0o700,
            "the nightly backups (encrypted: they open only with the backup code)",
            CONSOLE_USER,
            CONSOLE_USER,
        ),
    ]
    setup = [
        "runuser",
        "-u",
        CONSOLE_USER,
        "--",
        str(options.bin_dir / "python"),
        "-m",
        "installer.console_setup",
        "--data-dir",
        str(options.data_dir),
    ]
    if options.database_url:
        actions.append(
            WriteFile(
                ENV_FILE,
                f"{DATABASE_ENV}={options.database_url}\n".encode(),
                0o640,
                "the database address (may hold a password: root and the console only)",
                "root",
                CONSOLE_USER,
            )
        )
        setup += ["--env-file", str(ENV_FILE)]
    actions += [
        WriteFile(unit, unit_text.encode(), 0o644, "the console server, as its own user"),
        Symlink(wants_link(CONSOLE_UNIT), unit, "start the console at boot"),
        WriteFile(UNIT_DIR / BACKUP_UNIT, backup_text.encode(), 0o644, "one backup"),
        WriteFile(UNIT_DIR / BACKUP_TIMER, backup_timer().encode(), 0o644, "a backup a night"),
        Symlink(
            wants_link(BACKUP_TIMER, "timers.target"),
            UNIT_DIR / BACKUP_TIMER,
            "the nightly backup",
        ),
        Command(
            ("systemctl", "daemon-reload"),
            "systemd reads the new units",
            When.ON_CHANGE,
            after=(unit, UNIT_DIR / BACKUP_UNIT, UNIT_DIR / BACKUP_TIMER),
            undo=("systemctl", "stop", CONSOLE_UNIT),
            on_uninstall=("systemctl", "daemon-reload"),
        ),
        Command(
            tuple(setup),
            "database created or migrated to the newest version; TLS certificate made",
        ),
    ]
    if options.admin:
        actions.append(
            Command(
                (*setup, "--admin", options.admin),
                "the first admin account",
                secret=ADMIN_SECRET,
            )
        )
    else:
        actions.append(
            Note("no admin account made: give --admin NAME (or run `epn-console create-admin`)")
        )
    actions += [
        Command(("systemctl", "restart", CONSOLE_UNIT), "start the console (new version)"),
        Note(
            f"firewall: let the PCs and the staff machine reach TCP port {options.port} of "
            f"this machine, and nobody else (e.g. `ufw allow from 192.168.1.0/24 to any port "
            f"{options.port} proto tcp`)"
        ),
    ]
    if options.fingerprint:
        url = options.gui_url or f"https://localhost:{options.port}"
        actions.append(
            WriteFile(
                DESKTOP_ENTRY,
                desktop_entry(options.bin_dir, url, options.fingerprint).encode(),
                0o644,
                "the staff window in the menu",
            )
        )
    else:
        actions.append(
            Note(
                "the staff window is not in the menu yet: run this again with --fingerprint "
                "(printed above by the setup) to add it"
            )
        )
    return Plan(Role.CONSOLE, options.version, tuple(actions))
