"""Fixtures of the console's integration tests: each database (SQLite, and a private
PostgreSQL cluster started for the session) and a real console server on 127.0.0.1.

Test modules import what they use: ``from conftest_pg import ...`` (pytest puts this folder
on ``sys.path``). The PostgreSQL cluster is shared by every module and stopped after the last.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.console_server import ConsoleServer, KioskSocket, StaffLogin
from helpers.postgres import PostgresCluster, PostgresUnavailable, shared_postgres

from admin_console.api.staff import Role
from admin_console.server.db.engine import make_engine, sqlite_url, upgrade
from admin_console.server.db.repositories import Repositories
from admin_console.server.sessions import SessionFolding

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster for the test session (skipped, with the reason, when it
    cannot run here)."""
    cluster = shared_postgres()
    try:
        started = next(cluster)
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL: {exc}")
    yield started
    cluster.close()


def _database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.create_schema()
    yield url
    cluster.drop_schema(url)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None (SQLite in the server's data folder) or the URL of a fresh PostgreSQL database
    (a schema of its own in the session's cluster)."""
    yield from _database(request)


@pytest.fixture(scope="module", params=DATABASES)
def module_database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """As ``database_url``, one per test module (for read-mostly tests like the role matrix)."""
    yield from _database(request)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """An empty data folder for a console."""
    folder = Path(tempfile.mkdtemp(prefix="epn-console-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server(data_dir: Path, database_url: str | None) -> Iterator[ConsoleServer]:
    """A fresh console server on each database, with a fake clock; stopped after the test."""
    with ConsoleServer(data_dir, database_url=database_url) as running:
        yield running


@pytest.fixture(scope="module")
def module_server(module_database_url: str | None) -> Iterator[ConsoleServer]:
    """One console server per database for a whole module (tests that only read, or that
    do not mind each other's rows); commands to an absent PC give up after 0.2 s."""
    folder = Path(tempfile.mkdtemp(prefix="epn-console-"))
    try:
        with ConsoleServer(folder, database_url=module_database_url, command_wait=0.2) as running:
            yield running
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def admin(server: ConsoleServer) -> StaffLogin:
    """An admin of ``server``."""
    return server.add_staff("ada", Role.ADMIN)


@pytest.fixture
def pc(server: ConsoleServer, admin: StaffLogin) -> Iterator[tuple[int, KioskSocket]]:
    """An enrolled PC connected to the console (hello sent, welcome read)."""
    kiosk_id, token = server.enroll(admin, "PC-01")
    with KioskSocket(server, token) as socket:
        yield kiosk_id, socket


@pytest.fixture
def repos(database_url: str | None, tmp_path: Path) -> Iterator[Repositories]:
    """The console's repositories on each database, migrated, without a server."""
    engine = make_engine(database_url or sqlite_url(tmp_path))
    upgrade(engine)
    yield Repositories.on(engine, SessionFolding(b"k" * 32))
    engine.dispose()
