"""A private PostgreSQL cluster for the console's tests and benchmark: everything that runs
on SQLite must run on PostgreSQL, tested."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PostgresUnavailable(Exception):
    """PostgreSQL cannot be started here; ``str()`` says why (a skip reason)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary folder, run as the ``postgres`` user.

    Needs root (``initdb`` refuses root, so it runs through ``runuser -u postgres``). Each
    test database is made with :meth:`create_database` and dropped with
    :meth:`drop_database`; :meth:`stop` stops the server by ``pg_ctl`` and removes the folder.
    """

    def __init__(self) -> None:
        if os.geteuid() != 0:
            raise PostgresUnavailable("needs root to run PostgreSQL as the postgres user")
        if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
            raise PostgresUnavailable(f"PostgreSQL 15 is not installed in {PG_BIN}")
        self.folder = Path(tempfile.mkdtemp(prefix="epn-pg-"))
        self.port = _free_port()
        self._count = 0
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self._started = False

    def _as_postgres(self, *args: str) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {done.stderr[-800:]}")

    def start(self) -> PostgresCluster:
        """initdb and start; returns when the server accepts connections."""
        try:
            self._as_postgres(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            options = (
                f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            self._as_postgres(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.folder / "log"),
                "-w",
                "-o",
                options,
                "start",
            )
            self._started = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (pg_ctl, fast mode) and remove its folder."""
        if self._started:
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                check=False,
                timeout=60,
            )
            self._started = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database of this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run_sql(self, statement: str) -> None:
        """Run one statement on the ``postgres`` database, outside a transaction (CREATE
        DATABASE cannot run in one)."""
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(statement)
        finally:
            engine.dispose()

    def _new_name(self) -> str:
        self._count += 1
        return f"console_{os.getpid()}_{self._count}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = self._new_name()
        self._run_sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`create_database` (closing its connections)."""
        name = sa.make_url(url).database
        self._run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create_schema(self) -> str:
        """A new empty schema in the ``postgres`` database, as the URL of a database whose
        search path is that schema: as good as a fresh database for the console, and made
        in a millisecond instead of a quarter of a second."""
        name = self._new_name()
        self._run_sql(f'CREATE SCHEMA "{name}"')
        return f"{self.url()}?options=-csearch_path%3D{name}"

    def drop_schema(self, url: str) -> None:
        """Drop a schema made by :meth:`create_schema`, with everything in it."""
        options = sa.make_url(url).query.get("options", "")
        name = str(options).rpartition("=")[2]
        self._run_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@dataclass
class _Shared:
    cluster: PostgresCluster | None = None
    users: int = 0
    error: str | None = None


_shared = _Shared()


def shared_postgres() -> Generator[PostgresCluster, None, None]:
    """One cluster for the whole test session, however many modules ask for it.

    A generator for a session-scoped fixture: the cluster stops when the last user is done.
    Raises :class:`PostgresUnavailable` (a skip reason) when it cannot start.
    """
    if _shared.error is not None:
        raise PostgresUnavailable(_shared.error)
    if _shared.cluster is None:
        try:
            _shared.cluster = PostgresCluster().start()
        except PostgresUnavailable as exc:
            _shared.error = str(exc)
            raise
    _shared.users += 1
    try:
        yield _shared.cluster
    finally:
        _shared.users -= 1
        if _shared.users == 0 and _shared.cluster is not None:
            _shared.cluster.stop()
            _shared.cluster = None
