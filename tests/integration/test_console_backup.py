"""Backups of the console: a new machine takes over from a dead one, its PCs untouched; a
backup is unreadable without its code, a damaged or cut one is refused, old ones go, and a
restore never overwrites a console."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_pg import postgres  # noqa: F401 (the session's PostgreSQL cluster)
from helpers.console_server import TEST_PASSWORD, ConsoleServer
from helpers.kiosk_agent import AgentThread, ShellClient
from helpers.postgres import PostgresCluster
from helpers.relay import Relay
from helpers.room_link import FAST, wait_linked

from admin_console.server.auth import Role
from admin_console.server.backup import (
    BackupError,
    back_up,
    ensure_backup_code,
    format_code,
    restore,
)
from admin_console.server.tls import fingerprint
from kiosk.agent.link import ConsoleSettings, save_console_settings
from kiosk.agent.secrets import KeyringTokens
from kiosk.core.model import State

NOW = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    stick = tmp_path / "usb"
    stick.mkdir()
    return stick


@pytest.fixture
def console_dir(tmp_path: Path) -> Iterator[Path]:
    """A console's data folder with an admin, a member and a PC in its database."""
    folder = tmp_path / "console"
    with ConsoleServer(folder, tls=True) as server:
        admin = server.add_staff("ada", Role.ADMIN)
        server.enroll(admin, "PC-01")
        with server.client(admin) as http:
            made = http.post(
                "/api/members",
                json={"card": "EPN-0042", "pin": "2468", "nickname": "Fatima B."},
            )
            assert made.status_code == 201, made.text
    yield folder


def test_a_console_restored_on_a_new_machine_takes_its_pcs_back_without_pairing(
    tmp_path: Path, usb: Path
) -> None:
    old = ConsoleServer(tmp_path / "old", tls=True).start()
    relay = Relay(old.port).restore()
    pc_folder = Path(tempfile.mkdtemp(prefix="epn"))  # short: unix socket paths
    new: ConsoleServer | None = None
    agent: AgentThread | None = None
    try:
        admin = old.add_staff("ada", Role.ADMIN)
        kiosk_id, token = old.enroll(admin, "PC-01")
        assert old.tls is not None
        pinned = fingerprint(old.tls.server_cert)
        KeyringTokens(pc_folder / "secrets", create=True).set(token)
        settings = ConsoleSettings(
            url=f"wss://127.0.0.1:{relay.port}/ws/kiosk",
            fingerprint_sha256=pinned,
            kiosk_id=kiosk_id,
            name="PC-01",
        )
        save_console_settings(settings, pc_folder / "console.json")
        agent = AgentThread(
            data_dir=pc_folder, pc_name="PC-01", agent_options={"link_options": FAST}
        ).start()
        wait_linked(agent)
        valid_until = (old.clock.now() + dt.timedelta(days=5)).isoformat()
        with old.client(admin) as http:
            answer = http.post(
                "/api/tickets", json={"count": 1, "minutes": 40, "valid_until": valid_until}
            )
        assert answer.status_code == 201, answer.text
        [code] = [t["code"] for t in answer.json()["tickets"]]

        # The nightly backup, taken while the console runs; then its machine dies.
        made = back_up(old.data_dir, usb, now=NOW)
        backup_code = ensure_backup_code(old.data_dir)
        old.stop()
        relay.cut()
        wait_linked(agent, up=False)

        # A new machine: the backup and its code, nothing else. The PC is not touched.
        restore(made.path, backup_code, tmp_path / "new")
        new = ConsoleServer(tmp_path / "new", tls=True).start()
        assert new.tls is not None
        assert fingerprint(new.tls.server_cert) == pinned  # what the PC pinned
        relay.target_port = new.port
        relay.restore()
        wait_linked(agent)

        login = new.console.auth.login("ada", TEST_PASSWORD)  # staff accounts came back
        with new.client(login.token) as http:
            [pc] = http.get("/api/kiosks").json()
            assert (pc["id"], pc["name"], pc["online"]) == (kiosk_id, "PC-01", True)
        # A ticket printed before the backup still lets a visitor in, online.
        with ShellClient(agent.socket_path) as shell:
            shell.hello()
            view = shell.start_session(mode="ticket", code=code)
            assert view.state is State.ACTIVE and view.seconds_left == 40 * 60
        with new.client(login.token) as http:
            [ticket] = http.get("/api/tickets").json()
        assert ticket["state"] == "used" and ticket["used_kiosk_id"] == kiosk_id
    finally:
        if agent is not None:
            agent.stop()
        relay.cut()
        if new is not None:
            new.stop()
        old.stop()
        shutil.rmtree(pc_folder, ignore_errors=True)


def test_a_backup_holds_nothing_readable_and_opens_only_with_its_code(
    console_dir: Path, usb: Path, tmp_path: Path
) -> None:
    made = back_up(console_dir, usb, now=NOW)
    assert made.path.name == "epn-console-20261204-030000.epnbackup"
    data = made.path.read_bytes()
    for secret in (b"Fatima", b"EPN-0042", b"PRIVATE KEY", b"ada", b"SQLite format"):
        assert secret not in data, f"{secret!r} readable on the stick"
    code = ensure_backup_code(console_dir)
    other = "ABCD-EFGH-JKLM-NPQR-STUV"
    assert other != code
    with pytest.raises(BackupError, match="cannot be opened with that code"):
        restore(made.path, other, tmp_path / "wrong-code")
    assert not (tmp_path / "wrong-code" / "console.db").exists()
    # The code as a person types it from paper: small letters, spaces, no dashes.
    typed = code.replace("-", " ").lower()
    restored = restore(made.path, typed, tmp_path / "typed")
    assert restored.database == "sqlite" and restored.created_at == NOW
    assert (tmp_path / "typed" / "tls" / "ca.key").stat().st_mode & 0o077 == 0
    # The restored console keeps the code: its next backups open with the paper one.
    assert ensure_backup_code(tmp_path / "typed") == code


def test_a_damaged_or_cut_backup_is_refused_and_restores_nothing(
    console_dir: Path, usb: Path, tmp_path: Path
) -> None:
    made = back_up(console_dir, usb, now=NOW)
    code = ensure_backup_code(console_dir)
    data = made.path.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    damaged = usb / "damaged.epnbackup"
    damaged.write_bytes(bytes(flipped))
    cut = usb / "cut.epnbackup"
    cut.write_bytes(data[: len(data) - 100])
    for bad in (damaged, cut):
        with pytest.raises(BackupError, match="damaged or cut short"):
            restore(bad, code, tmp_path / bad.stem)
        assert not (tmp_path / bad.stem / "console.db").exists()
    with pytest.raises(BackupError, match="not an EPN Kiosk console backup"):
        restore(console_dir / "console.db", code, tmp_path / "not-a-backup")


def test_a_restore_never_overwrites_a_console(console_dir: Path, usb: Path) -> None:
    made = back_up(console_dir, usb, now=NOW)
    before = (console_dir / "console.db").read_bytes()
    with pytest.raises(BackupError, match="already holds a console"):
        restore(made.path, ensure_backup_code(console_dir), console_dir)
    assert (console_dir / "console.db").read_bytes() == before


def test_backups_older_than_the_days_kept_are_removed_and_the_new_one_stays(
    console_dir: Path, usb: Path
) -> None:
    for days_ago in (20, 15, 13, 1):
        back_up(console_dir, usb, now=NOW - dt.timedelta(days=days_ago), keep_days=30)
    (usb / "holiday-photo.jpg").write_bytes(b"not ours")
    with pytest.raises(BackupError, match="at least one day"):
        back_up(console_dir, usb, now=NOW, keep_days=0)  # would remove every other backup
    made = back_up(console_dir, usb, now=NOW, keep_days=14)
    assert sorted(p.name for p in made.removed) == [
        "epn-console-20261114-030000.epnbackup",
        "epn-console-20261119-030000.epnbackup",
    ]
    assert sorted(p.name for p in usb.iterdir()) == [
        "epn-console-20261121-030000.epnbackup",
        "epn-console-20261203-030000.epnbackup",
        "epn-console-20261204-030000.epnbackup",
        "holiday-photo.jpg",  # never touched
    ]


def test_a_missing_usb_stick_is_said_in_words(console_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="is the USB stick plugged in"):
        back_up(console_dir, tmp_path / "not-mounted", now=NOW)


def test_a_backup_code_typed_wrong_is_said_before_anything_is_read() -> None:
    assert format_code("abcd efgh jklm npqr stuv") == ("ABCD-EFGH-JKLM-NPQR-STUV")
    for typo in ("ABCD-EFGH-JKLM-NPQR", "ABCD-EFGH-JKLM-NPQR-STU0", ""):
        with pytest.raises(BackupError, match="20 letters and digits"):
            format_code(typo)


def test_a_postgresql_console_is_backed_up_and_restored_onto_a_new_database(
    postgres: PostgresCluster,  # noqa: F811
    tmp_path: Path,
    usb: Path,
) -> None:
    old_url, new_url = postgres.create_database(), postgres.create_database()
    try:
        with ConsoleServer(tmp_path / "old", database_url=old_url, tls=True) as old:
            admin = old.add_staff("ada", Role.ADMIN)
            kiosk_id, _ = old.enroll(admin, "PC-07")
            made = back_up(old.data_dir, usb, database_url=old_url, now=NOW)
        code = ensure_backup_code(tmp_path / "old")
        with pytest.raises(BackupError, match="same kind of database"):
            restore(made.path, code, tmp_path / "on-sqlite")
        restored = restore(made.path, code, tmp_path / "new", database_url=new_url)
        assert restored.database == "postgresql"
        with ConsoleServer(tmp_path / "new", database_url=new_url, tls=True) as new:
            [pc] = new.console.repos.kiosks.all()
            assert (pc.id, pc.name) == (kiosk_id, "PC-07")
            assert new.console.auth.login("ada", TEST_PASSWORD).token
        with pytest.raises(BackupError, match="not empty"):
            restore(made.path, code, tmp_path / "again", database_url=new_url)
    finally:
        postgres.drop_database(old_url)
        postgres.drop_database(new_url)


def test_the_commands_back_up_show_the_code_and_restore(console_dir: Path, usb: Path) -> None:
    cli = [sys.executable, "-m", "admin_console.cli"]

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
        )

    done = run("backup", "--data-dir", str(console_dir), "--to", str(usb), "--keep-days", "7")
    assert done.returncode == 0, done.stderr
    [made] = usb.iterdir()
    assert str(made) in done.stdout and "epn-console backup-code" in done.stdout
    shown = run("backup-code", "--data-dir", str(console_dir))
    assert shown.returncode == 0, shown.stderr
    code = shown.stdout.strip().splitlines()[0]
    assert format_code(code) == ensure_backup_code(console_dir)
    target = usb.parent / "restored"
    wrong = run("restore", str(made), "--data-dir", str(target), "--code-stdin", stdin="x\n")
    assert wrong.returncode == 1 and "20 letters and digits" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    done = run("restore", str(made), "--data-dir", str(target), "--code-stdin", stdin=code)
    assert done.returncode == 0, done.stderr
    assert (target / "console.db").exists() and (target / "tls" / "server.pem").exists()
    missing = run("backup", "--data-dir", str(console_dir), "--to", str(usb / "nope"))
    assert missing.returncode == 1 and "USB stick" in missing.stderr
