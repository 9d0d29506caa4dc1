"""A machine in the middle on 127.0.0.1: it ends the PC's TLS with its own certificate,
opens its own TLS to the real console, and relays the plain HTTP between the two, keeping
a copy of every byte it saw (a test then shows what an eavesdropper learnt)."""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
from pathlib import Path

from admin_console.server.tls import ensure_tls


class TlsInterceptor:
    """Listens on :attr:`port` with a certificate of its own (made in ``folder``) and
    forwards each connection to the console at ``target_port``."""

    def __init__(self, folder: Path, target_port: int) -> None:
        files = ensure_tls(folder)
        self._inbound = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._inbound.load_cert_chain(files.server_cert, files.server_key)
        self._outbound = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._outbound.check_hostname = False
        self._outbound.verify_mode = ssl.CERT_NONE
        self.target_port = target_port
        self.seen = bytearray()
        """Every plain byte relayed, both ways."""
        self.connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """Where the PC is sent instead of the console."""
        return f"https://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(raw,), daemon=True).start()

    def _relay(self, raw: socket.socket) -> None:
        try:
            client = self._inbound.wrap_socket(raw, server_side=True)
            upstream = self._outbound.wrap_socket(
                socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
            )
        except (OSError, ssl.SSLError):
            raw.close()  # a bare certificate fetch ends its handshake early: nothing to relay
            return
        with self._lock:
            self.connections += 1
            self._open += [client, upstream]
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: ssl.SSLSocket, upstream: ssl.SSLSocket) -> None:
        """Relay both ways from one thread: an SSL socket must not be read in one thread
        while another writes it (OpenSSL's objects are not shared between threads; doing
        so lost a reply now and then)."""
        peers = {client: upstream, upstream: client}
        for sock in peers:
            sock.setblocking(False)
        try:
            while True:
                # Bytes already decrypted wait inside the SSL object, unseen by select.
                ready = [sock for sock in peers if sock.pending()]
                if not ready:
                    ready, _, _ = select.select(list(peers), [], [])
                for source in ready:
                    try:
                        data = source.recv(65536)
                    except ssl.SSLWantReadError:
                        continue  # a TLS record not whole yet, or no application data in it
                    if not data:
                        return
                    with self._lock:
                        self.seen += data
                    _send_all(peers[source], data)
        except (OSError, ValueError):
            pass  # closed by stop(), or by either side
        finally:
            for sock in peers:
                with contextlib.suppress(OSError):
                    sock.close()

    def stop(self) -> None:
        """Stop listening and drop every relayed connection."""
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.close()


def _send_all(sink: ssl.SSLSocket, data: bytes) -> None:
    """Write all of ``data`` to a non-blocking SSL socket, waiting while it is full."""
    view = memoryview(data)
    while view:
        try:
            sent = sink.send(view)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            select.select([], [sink], [])
            continue
        view = view[sent:]
