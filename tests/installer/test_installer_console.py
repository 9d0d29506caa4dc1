"""The console installer: files, owners, the unit, the menu entry, secrets kept out of
world-readable files; its commands (run with a recording runner); the setup step for real."""

from __future__ import annotations

import configparser
import io
import shlex
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import pytest
from installer_helpers import BIN_DIR, Run, picture, times, uid_of

from admin_console.cli import command_parser
from admin_console.server.settings import ServerSettings
from epn_shared.settings_cli import settings_from
from installer.apply import Installer
from installer.console import ConsoleOptions, console_plan
from installer.plan import Role

pytestmark = pytest.mark.root

DB_URL = "postgresql+psycopg://epn:s3cret-pw@db.local/epn"


def install(run: Run, root: Path, *extra: str) -> str:
    status, out = run("console", "--root", str(root), "--bin-dir", str(BIN_DIR), *extra)
    assert status == 0, out
    return out


def test_console_files_modes_owners(run: Run, target: Path) -> None:
    install(run, target, "--database-url", DB_URL, "--admin", "alice")
    user = uid_of(target, "epn-console")
    assert user < 1000, "a system account"
    data = (target / "var/lib/epn-console").stat()
    assert (data.st_mode & 0o7777, data.st_uid, data.st_gid) == (0o700, user, user)
    env = (target / "etc/epn-console/console.env").stat()
    assert (env.st_mode & 0o7777, env.st_uid, env.st_gid) == (0o640, 0, user)
    assert ":/var/lib/epn-console:/usr/sbin/nologin\n" in (target / "etc/passwd").read_text()


def test_the_database_password_is_only_in_the_private_file(run: Run, target: Path) -> None:
    out = install(run, target, "--database-url", DB_URL, "--dry-run")
    assert "s3cret" not in out, "a dry run lists no password"
    out = install(run, target, "--database-url", DB_URL)
    assert "s3cret" not in out
    readable = [p for p in target.rglob("*") if p.is_file() and p.stat().st_mode & 0o004]
    assert not [p for p in readable if b"s3cret" in p.read_bytes()]
    assert b"s3cret" in (target / "etc/epn-console/console.env").read_bytes()


def test_console_unit(run: Run, target: Path) -> None:
    install(run, target, "--database-url", DB_URL, "--port", "9443")
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((target / "etc/systemd/system/epn-console.service").read_text())
    service = parser["Service"]
    assert service["User"] == "epn-console"
    assert service["EnvironmentFile"] == "/etc/epn-console/console.env"
    argv = shlex.split(service["ExecStart"])
    assert argv[:2] == [str(BIN_DIR / "epn-console"), "serve"]
    assert argv[argv.index("--port") + 1] == "9443"
    assert argv[argv.index("--database-url") + 1] == "${EPN_CONSOLE_DATABASE_URL}"
    # A command line the server accepts, and sets up as the installer meant.
    settings = settings_from(ServerSettings, command_parser().parse_args(argv[1:]))
    assert (settings.data_dir, settings.host, settings.port, settings.tls) == (
        Path("/var/lib/epn-console"),
        "0.0.0.0",
        9443,
        True,
    )
    assert service["ReadWritePaths"] == "/var/lib/epn-console"
    assert (target / "etc/systemd/system/multi-user.target.wants/epn-console.service").is_symlink()


def test_menu_entry_only_with_the_fingerprint(run: Run, target: Path) -> None:
    out = install(run, target)
    assert not (target / "usr/share/applications/epn-console.desktop").exists()
    assert "run this again with --fingerprint" in out
    install(run, target, "--fingerprint", "54:26:4D", "--gui-url", "https://console:8443")
    entry = (target / "usr/share/applications/epn-console.desktop").read_text()
    assert (
        f"Exec={BIN_DIR}/epn-console gui --url https://console:8443 --fingerprint 54:26:4D\n"
        in entry
    )


def test_firewall_hint_names_the_port(run: Run, target: Path) -> None:
    out = install(run, target, "--port", "9443")
    assert "TCP port 9443" in out


def test_console_idempotent_and_uninstalled(run: Run, target: Path) -> None:
    before = picture(target)
    install(run, target, "--database-url", DB_URL, "--fingerprint", "AA:BB")
    first, stamps = picture(target), times(target)
    assert "\n0 change(s) made\n" in install(
        run, target, "--database-url", DB_URL, "--fingerprint", "AA:BB"
    )
    assert picture(target) == first and times(target) == stamps
    status, out = run("uninstall", "console", "--root", str(target))
    assert status == 0, out
    assert picture(target) == before


class Recorder:
    """Records the commands the installer runs (instead of running them)."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str | None]] = []

    def __call__(self, argv: Sequence[str], stdin: str | None) -> int:
        self.calls.append((list(argv), stdin))
        return 0


def test_commands_run_once_and_undo_at_uninstall(target: Path) -> None:
    recorder = Recorder()
    said: list[str] = []
    installer = Installer(
        target,
        run_commands=True,
        runner=recorder,
        secrets={"admin password": lambda: "correct horse"},
        say=said.append,
    )
    plan = console_plan(
        ConsoleOptions(version="1.0", bin_dir=PurePosixPath(BIN_DIR), admin="alice")
    )
    report = installer.install(plan)
    ran = [argv for argv, _ in recorder.calls]
    assert ran[0] == ["systemctl", "daemon-reload"]
    assert ran[1][:4] == ["runuser", "-u", "epn-console", "--"]
    assert ran[1][-3:] == ["installer.console_setup", "--data-dir", "/var/lib/epn-console"]
    assert ran[2][-2:] == ["--admin", "alice"]
    assert recorder.calls[2][1] == "correct horse", "the password goes on stdin"
    assert ran[3] == ["systemctl", "restart", "epn-console.service"]
    assert not any("correct horse" in line for line in report.lines(False))
    # Again: nothing to run (same version); a new version runs the setup (migration) again.
    recorder.calls.clear()
    assert Installer(target, run_commands=True, runner=recorder).install(plan).changes == []
    assert recorder.calls == []
    newer = console_plan(
        ConsoleOptions(version="1.1", bin_dir=PurePosixPath(BIN_DIR), admin="alice")
    )
    Installer(
        target, run_commands=True, runner=recorder, secrets={"admin password": lambda: "x" * 9}
    ).install(newer)
    assert recorder.calls[0][0][-1] == "/var/lib/epn-console", "the migration runs again"
    recorder.calls.clear()
    Installer(target, run_commands=True, runner=recorder).uninstall(Role.CONSOLE)
    ran = [argv for argv, _ in recorder.calls]
    assert ran == [["systemctl", "stop", "epn-console.service"], ["systemctl", "daemon-reload"]]


def test_console_setup_migrates_makes_tls_and_the_first_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from admin_console.server.tls import fingerprint
    from installer.console_setup import main

    data = tmp_path / "console"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["--data-dir", str(data), "--admin", "alice"]) == 0
    out = capsys.readouterr().out
    assert f"fingerprint (the PCs pin it): {fingerprint(data / 'tls/server.pem')}" in out
    assert "admin account 'alice' created" in out
    from admin_console.server.backup import ensure_backup_code

    assert "backup code (write it down, keep it away from the backups): " in out
    assert ensure_backup_code(data) in out  # the code that opens the nightly backups
    with sqlite3.connect(data / "console.db") as db:
        names = [row[0] for row in db.execute("select username from staff")]
    assert names == ["alice"]
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert main(["--data-dir", str(data), "--admin", "alice"]) == 0
    assert "already exists: left as it is" in capsys.readouterr().out


def test_a_backup_every_night_as_the_console_user_the_database_password_kept_private(
    run: Run, target: Path
) -> None:
    install(run, target, "--database-url", DB_URL, "--backup-dir", "/media/usb/epn")
    units = target / "etc/systemd/system"
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((units / "epn-console-backup.service").read_text())
    service = parser["Service"]
    assert (service["User"], service["Type"]) == ("epn-console", "oneshot")
    assert shlex.split(service["ExecStart"])[1:] == [
        "backup",
        "--data-dir",
        "/var/lib/epn-console",
        "--to",
        "/media/usb/epn",
        "--keep-days",
        "14",
        "--database-url",
        "${EPN_CONSOLE_DATABASE_URL}",
    ]
    assert service["EnvironmentFile"] == "/etc/epn-console/console.env"
    assert parser["Unit"]["RequiresMountsFor"] == "/media/usb/epn"  # no stick: no backup
    timer = configparser.ConfigParser(interpolation=None, strict=True)
    timer.optionxform = str  # type: ignore[assignment,method-assign]
    timer.read_string((units / "epn-console-backup.timer").read_text())
    assert timer["Timer"]["Persistent"] == "true"  # a machine off at night backs up at start
    link = units / "timers.target.wants/epn-console-backup.timer"
    assert link.is_symlink()
    backups = (target / "media/usb/epn").stat()
    user = uid_of(target, "epn-console")
    assert (backups.st_mode & 0o7777, backups.st_uid) == (0o700, user)


def test_uninstall_never_deletes_the_database(run: Run, target: Path) -> None:
    install(run, target)
    database = target / "var/lib/epn-console/console.db"
    database.write_bytes(b"SQLite format 3\x00 the EPN's year of figures")
    status, out = run("uninstall", "console", "--root", str(target))
    assert status == 0, out
    assert "kept: /var/lib/epn-console (not empty: it holds data" in out
    assert database.read_bytes().startswith(b"SQLite format 3")
    assert not (target / "etc/systemd/system/epn-console.service").exists()


def test_the_plan_depends_only_on_the_options() -> None:
    options = ConsoleOptions(version="1.0", admin="alice", database_url=DB_URL, fingerprint="AA")
    assert console_plan(options) == console_plan(options)
    assert "s3cret" not in repr(console_plan(options)), "secrets stay out of the plan's repr"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verifies_the_console_unit(run: Run, target: Path) -> None:
    install(run, target, "--database-url", DB_URL)
    units = target / "etc/systemd/system"
    done = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            str(units / "epn-console.service"),
            str(units / "epn-console-backup.service"),
            str(units / "epn-console-backup.timer"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for problem in ("Unknown key", "Failed to parse", "not executable", "Invalid"):
        assert problem not in done.stderr, done.stderr
