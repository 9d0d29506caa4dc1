"""Running the console: uvicorn on the app, with the console's own TLS certificate."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from typing import TYPE_CHECKING, Any

import uvicorn

from admin_console.server.app import create_app
from admin_console.server.apt_repo import AptRepoError
from admin_console.server.console import Console, build_console
from admin_console.server.settings import ServerSettings
from admin_console.server.tls import TlsFiles, ensure_tls, fingerprint
from epn_shared.json_log import event as log_event
from epn_shared.protocol import MAX_FRAME_BYTES

if TYPE_CHECKING:
    from admin_console.server.announce import Announcement

logger = logging.getLogger("admin_console.serve")


def uvicorn_config(console: Console, host: str, port: int, tls: TlsFiles | None) -> uvicorn.Config:
    """The uvicorn configuration of a console (logs go through our JSON handler)."""
    return uvicorn.Config(
        create_app(console),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        # The console terminates its own pinned TLS, behind no proxy: the client address is
        # the socket's, never an X-Forwarded-For header anybody can write (rate limits).
        proxy_headers=False,
        ws_max_size=MAX_FRAME_BYTES + 1024,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        ssl_certfile=str(tls.server_cert) if tls else None,
        ssl_keyfile=str(tls.server_key) if tls else None,
        timeout_graceful_shutdown=5,
    )


def serve(settings: ServerSettings) -> int:
    """Start the console and run until SIGINT or SIGTERM."""
    tls = ensure_tls(settings.data_dir) if settings.tls else None
    pin = fingerprint(tls.server_cert) if tls else None
    if settings.workers > 1:
        return _serve_workers(settings.model_copy(update={"fingerprint": pin}), tls)
    console = build_console(settings.model_copy(update={"fingerprint": pin}))
    try:
        _ensure_repository(console)
        server = uvicorn.Server(uvicorn_config(console, settings.host, settings.port, tls))
        sock = _listening_socket(settings.host, settings.port)
        port = sock.getsockname()[1]
        _listening(
            settings,
            port,
            tls=tls is not None,
            fingerprint=pin,
            database=console.engine.url.render_as_string(hide_password=True),
        )
        announced = _announce(settings.host, port) if settings.announce else None
        # uvicorn stops gracefully on SIGTERM/SIGINT, then raises the signal again for the
        # handler it found: a no-op one lets the console log its stop and exit 0.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: None)
        try:
            server.run(sockets=[sock])
        finally:
            if announced is not None:
                announced.close()
    finally:
        console.close()
    log_event(logger, "console_stopped")
    return 0


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections made as soon as the log says so wait, not fail
    return sock


def _serve_workers(settings: ServerSettings, tls: TlsFiles | None) -> int:
    """``settings.workers`` server processes on one listening socket (each connection goes
    to whichever accepts it first), each with its own hub, telling the others through
    PostgreSQL (:mod:`admin_console.server.bus`). This process only starts them (after the
    migrations, once), passes SIGTERM and SIGINT on to them by their pids, and waits."""
    console = build_console(settings)  # migrations, keys and bus settings checked once
    try:
        _ensure_repository(console)
    finally:
        console.close()
    sock = _listening_socket(settings.host, settings.port)
    port = sock.getsockname()[1]
    children: list[int] = []
    for _ in range(settings.workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which exits here
            code = 1
            try:
                code = _run_worker(settings, tls, sock)
            finally:
                os._exit(code)
        children.append(pid)
    sock.close()

    def pass_on(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, pass_on)
    _listening(
        settings,
        port,
        tls=tls is not None,
        fingerprint=settings.fingerprint,
        database=_shown_database(settings),
        workers=children,
    )
    worst = 0
    for child in children:
        _, status = os.waitpid(child, 0)
        worst = max(worst, os.waitstatus_to_exitcode(status))
    log_event(logger, "console_stopped")
    return 0 if worst <= 0 else worst


def _run_worker(settings: ServerSettings, tls: TlsFiles | None, sock: socket.socket) -> int:
    """One of the server processes: its own console (engine, hub, bus) on the shared socket."""
    console = build_console(settings)
    try:
        server = uvicorn.Server(uvicorn_config(console, settings.host, settings.port, tls))
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: None)
        log_event(logger, "console_worker_started", pid=os.getpid())
        server.run(sockets=[sock])
    finally:
        console.close()
    return 0


def _listening(settings: ServerSettings, port: int, **facts: Any) -> None:
    """Say where the console listens (what the tests and the demo wait for)."""
    log_event(logger, "console_listening", host=settings.host, port=port, **facts)


def _shown_database(settings: ServerSettings) -> str:
    """The database's URL as logs may show it (no password)."""
    import sqlalchemy as sa  # noqa: PLC0415

    url = settings.database_url or "sqlite"
    return sa.make_url(url).render_as_string(hide_password=True) if "://" in url else url


def _ensure_repository(console: Console) -> None:
    """A console that published nothing serves an empty signed index: its PCs' apt update
    then succeeds instead of failing on a missing Release. Without gpg or apt-ftparchive
    the room still runs; its PCs just get no updates from it, and the log says why."""
    try:
        console.apt.ensure()
    except AptRepoError as exc:
        log_event(logger, "apt_repository_unavailable", level=logging.WARNING, reason=str(exc))


def _announce(host: str, port: int) -> Announcement | None:
    """The console's mDNS announcement; a network that refuses it is logged, not fatal
    (PCs can still be given the address)."""
    # Only a console that announces itself loads zeroconf (some 4 MB).
    from zeroconf import Error as ZeroconfError  # noqa: PLC0415

    from admin_console.server.announce import Announcement  # noqa: PLC0415

    try:
        announced = Announcement(host, port)
    except (OSError, ZeroconfError) as exc:
        log_event(logger, "console_not_announced", level=logging.WARNING, reason=str(exc))
        return None
    log_event(logger, "console_announced", service=announced.name, port=port)
    return announced
