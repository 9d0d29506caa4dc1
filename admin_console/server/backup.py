"""Backups of the console: its database, certificate authority and keys, in one encrypted file.

A backup holds what a new machine needs to take over from a dead one without pairing any PC
again: the database (PCs and their tokens' digests, staff, members, tickets, history), the
certificate authority and the server's certificate and key (the fingerprint every PC pinned),
the ticket key (the codes already printed stay good) and the apt archive key (the PCs keep
trusting the restored console's updates; the packages themselves are not in it: publish them
again). It is written to a folder, often a USB stick, so it is encrypted: AES-256-GCM in
chunks, under a key derived from the *backup code*, 20 letters and digits made at the first
backup and kept in ``DATA_DIR/tls/backup.key``. Without that code a backup is unreadable:
``epn-console backup-code`` shows it, to be written down and kept apart from the stick (in the
EPN's safe).

File: ``epn-console-YYYYMMDD-HHMMSS.epnbackup`` = :data:`MAGIC`, a 4-byte nonce prefix, then
chunks of at most :data:`CHUNK` bytes of a tar file, each sealed with its index and whether
it is the last in the associated data (a cut or reordered file is refused, not half read).
The tar holds ``manifest.json`` (format, time, database kind, schema revision, SHA-256 of
each file), ``database.sqlite`` or ``database.pgdump`` (``pg_dump -Fc``) and ``tls/*``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from admin_console.server.apt_repo import ARCHIVE_KEY_FILE
from admin_console.server.db.engine import DATABASE_FILE, MIGRATIONS, sqlite_url
from admin_console.server.errors import ConsoleError
from admin_console.server.tls import TICKET_KEY_FILE, TlsFiles
from epn_shared.files import write_atomically
from epn_shared.pairing import READABLE_ALPHABET

MAGIC = b"EPN-CONSOLE-BACKUP 1\n"
CHUNK = 1 << 20
SUFFIX = ".epnbackup"
BACKUP_KEY_FILE = "backup.key"
FORMAT = 1
_NAME = re.compile(r"^epn-console-(\d{8}-\d{6})\.epnbackup$")
_TLS_FILES = (
    "ca.pem",
    "ca.key",
    "server.pem",
    "server.key",
    TICKET_KEY_FILE,
    "backup.key",
    ARCHIVE_KEY_FILE,
)
_CODE_LENGTH = 20  # 100 bits


class BackupError(ConsoleError):
    """A backup or a restore that could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """A backup just written, and the old ones removed to keep ``keep_days``."""

    path: Path
    size: int
    removed: tuple[Path, ...]


@dataclass(frozen=True)
class Restored:
    """What a restore put back."""

    created_at: dt.datetime
    database: str
    revision: str | None


# -- the backup code -----------------------------------------------------------------------


def ensure_backup_code(data_dir: Path) -> str:
    """The console's backup code (``ABCD-EFGH-JKLM-NPQR-STUV``), made the first time."""
    path = data_dir / "tls" / BACKUP_KEY_FILE
    try:
        return format_code(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"cannot read the backup code {path}: {exc}") from exc
    code = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(_CODE_LENGTH))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, (code + "\n").encode("ascii"), mode=0o600)
    return format_code(code)


def format_code(typed: str) -> str:
    """``typed`` as the code is shown (groups of four), or :class:`BackupError`."""
    plain = typed.upper().replace("-", "").replace(" ", "").strip()
    if len(plain) != _CODE_LENGTH or any(c not in READABLE_ALPHABET for c in plain):
        raise BackupError(
            f"a backup code is {_CODE_LENGTH} letters and digits in groups of four "
            "(ABCD-EFGH-JKLM-NPQR-STUV): check what was typed"
        )
    return "-".join(plain[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def _key(code: str) -> bytes:
    """The AES-256 key of a code (HKDF: the code is random, not a password)."""
    plain = format_code(code).replace("-", "").encode("ascii")
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"epn-console backup 1")
    return kdf.derive(plain)


# -- making one ----------------------------------------------------------------------------


def back_up(
    data_dir: Path,
    to: Path,
    *,
    database_url: str | None = None,
    now: dt.datetime | None = None,
    keep_days: int = 14,
) -> Backup:
    """Write a backup of the console in ``data_dir`` (its database at ``database_url``,
    default SQLite there) into the folder ``to``, then remove the backups there older than
    ``keep_days`` (never the one just made)."""
    now = now or dt.datetime.now(dt.UTC)
    if keep_days < 1:
        raise BackupError("backups are kept at least one day (--keep-days 1 or more)")
    if not to.is_dir():
        raise BackupError(
            f"the backup folder {to} does not exist: is the USB stick plugged in and mounted?"
        )
    code = ensure_backup_code(data_dir)
    url = database_url or sqlite_url(data_dir)
    with tempfile.TemporaryDirectory(prefix="epn-backup-") as staging:
        stage = Path(staging)
        kind, db_file = _snapshot(url, stage)
        files = {db_file.name: db_file}
        tls = TlsFiles(data_dir / "tls").folder
        for name in _TLS_FILES:
            if (tls / name).exists():
                files[f"tls/{name}"] = tls / name
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": kind,
            "revision": _revision(url),
            "files": {name: _sha256(path) for name, path in files.items()},
        }
        plain = stage / "backup.tar"
        with tarfile.open(plain, "w") as tar:
            _add(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
            for name, path in files.items():
                _add(tar, name, path.read_bytes())
        final = to / f"epn-console-{now.astimezone(dt.UTC):%Y%m%d-%H%M%S}{SUFFIX}"
        partial = to / f".{final.name}.part"
        try:
            with plain.open("rb") as source, partial.open("wb") as out:
                _seal(source, out, _key(code))
                out.flush()
                os.fsync(out.fileno())
            partial.replace(final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"cannot write the backup in {to}: {exc}") from exc
    return Backup(final, final.stat().st_size, _prune(to, final, now, keep_days))


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _snapshot(url: str, stage: Path) -> tuple[str, Path]:
    """A consistent copy of the database, taken while the console runs."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(parsed.database or "")
        if not source.exists():
            raise BackupError(f"no console database at {source}")
        target = stage / "database.sqlite"
        # SQLite's online backup: a consistent copy, even with the server writing (WAL).
        with (
            sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
            sqlite3.connect(target) as dst,
        ):
            src.backup(dst)
        return "sqlite", target
    if parsed.get_backend_name() == "postgresql":
        target = stage / "database.pgdump"
        _pg("pg_dump", "--format=custom", "--no-owner", "--file", str(target), url=url)
        return "postgresql", target
    raise BackupError(f"cannot back up a {parsed.get_backend_name()} database")


def _revision(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        return MIGRATIONS.revision(engine)
    finally:
        engine.dispose()


def _prune(folder: Path, kept: Path, now: dt.datetime, keep_days: int) -> tuple[Path, ...]:
    """Remove the backups in ``folder`` made more than ``keep_days`` before ``now``."""
    oldest = now.astimezone(dt.UTC) - dt.timedelta(days=keep_days)
    removed = []
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if path == kept or match is None:
            continue
        made = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)
        if made < oldest:
            path.unlink(missing_ok=True)
            removed.append(path)
    return tuple(removed)


# -- putting one back ----------------------------------------------------------------------


def restore(
    backup: Path, code: str, data_dir: Path, *, database_url: str | None = None
) -> Restored:
    """Put the console of ``backup`` into the empty ``data_dir`` (and its empty database at
    ``database_url``, default SQLite there). The console's next start upgrades the schema if
    the backup comes from an older version."""
    url = database_url or sqlite_url(data_dir)
    for existing in (data_dir / DATABASE_FILE, data_dir / "tls" / "ca.pem"):
        if existing.exists():
            raise BackupError(
                f"{data_dir} already holds a console ({existing.name}): restore into an "
                "empty folder, or move that one aside first"
            )
    key = _key(code)
    with tempfile.TemporaryDirectory(prefix="epn-restore-") as staging:
        stage = Path(staging)
        plain = stage / "backup.tar"
        try:
            with backup.open("rb") as source, plain.open("wb") as out:
                _open(source, out, key)
        except OSError as exc:
            raise BackupError(f"cannot read the backup {backup}: {exc}") from exc
        files = _members(plain)
        manifest = json.loads(files.pop("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{backup.name} is a backup of another format: cannot read it")
        expected = dict(manifest["files"])
        if set(expected) != set(files) or any(
            hashlib.sha256(data).hexdigest() != expected[name] for name, data in files.items()
        ):
            raise BackupError(f"{backup.name} is damaged: its files do not match its manifest")
        revision = manifest.get("revision")
        if revision is not None and not MIGRATIONS.knows(revision):
            raise BackupError(
                f"{backup.name} comes from a newer EPN Kiosk console (schema {revision}): "
                "install that version (or a newer one) before restoring"
            )
        _put_database(manifest["database"], files, url, stage)
        tls = data_dir / "tls"
        tls.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name, data in files.items():
            if name.startswith("tls/"):
                write_atomically(tls / name.removeprefix("tls/"), data, mode=0o600)
    return Restored(
        dt.datetime.fromisoformat(manifest["created_at"]), manifest["database"], revision
    )


def _members(tar_path: Path) -> dict[str, bytes]:
    """The tar's regular files by name: only the names a backup has, nothing else."""
    allowed = {"manifest.json", "database.sqlite", "database.pgdump"} | {
        f"tls/{n}" for n in _TLS_FILES
    }
    found: dict[str, bytes] = {}
    with tarfile.open(tar_path, "r") as tar:
        for info in tar:
            extracted = tar.extractfile(info) if info.isfile() else None
            if info.name not in allowed or extracted is None:
                raise BackupError(f"a backup holds no {info.name!r}: not a console backup")
            found[info.name] = extracted.read()
    if "manifest.json" not in found:
        raise BackupError("no manifest in the backup: not a console backup")
    return found


def _put_database(kind: str, files: dict[str, bytes], url: str, stage: Path) -> None:
    backend = sa.make_url(url).get_backend_name()
    if kind != backend:
        raise BackupError(
            f"this backup holds a {kind} database and the console is set up on {backend}: "
            "restore it onto the same kind of database"
        )
    if kind == "sqlite":
        target = Path(sa.make_url(url).database or "")
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomically(target, files["database.sqlite"], mode=0o600)
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if sa.inspect(connection).get_table_names():
                raise BackupError("the database to restore into is not empty: use a new one")
    finally:
        engine.dispose()
    dump = stage / "database.pgdump"
    dump.write_bytes(files["database.pgdump"])
    _pg("pg_restore", "--no-owner", "--exit-on-error", "--dbname", "{url}", str(dump), url=url)


def _pg(program: str, *args: str, url: str) -> None:
    """Run a PostgreSQL client program on the database at ``url``."""
    found = shutil.which(program) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))), None
    )
    if found is None:
        raise BackupError(f"{program} is missing: install the postgresql-client package")
    libpq = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    argv = [found, *(libpq if a == "{url}" else a for a in args)]
    if program == "pg_dump":
        argv.append(libpq)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-500:]}")


# -- the file format -----------------------------------------------------------------------


def _seal(source: IO[bytes], out: IO[bytes], key: bytes) -> None:
    prefix = secrets.token_bytes(4)
    out.write(MAGIC + prefix)
    aead = AESGCM(key)
    for index, chunk, last in _chunks(source, CHUNK):
        out.write(aead.encrypt(prefix + struct.pack(">Q", index), chunk, _aad(index, last)))


def _open(source: IO[bytes], out: IO[bytes], key: bytes) -> None:
    head = source.read(len(MAGIC) + 4)
    if not head.startswith(MAGIC):
        raise BackupError("not an EPN Kiosk console backup (or of a newer format)")
    prefix = head[len(MAGIC) :]
    aead = AESGCM(key)
    ended = False
    for index, sealed, last in _chunks(source, CHUNK + 16):
        try:
            out.write(aead.decrypt(prefix + struct.pack(">Q", index), sealed, _aad(index, last)))
        except InvalidTag:
            raise BackupError(
                "this backup cannot be opened with that code: check the code, or the file "
                "is damaged or cut short"
            ) from None
        ended = last
    if not ended:
        raise BackupError("the backup is empty or cut short")


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">Q?", index, last)


def _chunks(source: IO[bytes], size: int) -> Iterator[tuple[int, bytes, bool]]:
    """``(index, chunk, is_last)``: the last chunk known by reading one ahead."""
    index, chunk = 0, source.read(size)
    while True:
        following = source.read(size)
        yield index, chunk, not following
        if not following:
            return
        index, chunk = index + 1, following


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
