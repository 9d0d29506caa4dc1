"""A printer on the network for tests: it speaks AppSocket (JetDirect, port 9100), the
protocol of CUPS's own ``socket`` backend, on 127.0.0.1, and keeps each job it receives
in a folder (``print-1``, ``print-2`` …, one file per connection).

It can be made busy: while :attr:`busy` is set it takes the bytes of a job but does not say
it is done (it keeps the connection open), so CUPS shows that job printing until
:meth:`finish` is called. Use as a context manager: the listening thread stops on exit.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path


class SocketPrinter:
    """An AppSocket printer on 127.0.0.1 that keeps what it prints in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self.busy = threading.Event()
        """Set: a job's connection stays open after its bytes, until :meth:`finish`."""
        self.receiving = threading.Event()
        """Set when a job's connection came (its bytes may still be arriving)."""
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._count = 0
        self._thread = threading.Thread(target=self._serve, name="socket-printer", daemon=True)

    @property
    def uri(self) -> str:
        """The printer's address as CUPS names it (SNMP off: nothing answers it here; CUPS 2.4.2
        reads options only after a path, measured)."""
        return f"socket://127.0.0.1:{self.port}/?snmp=false"

    def prints(self) -> list[bytes]:
        """What it printed, one entry per job, in order."""
        with self._lock:
            count = self._count
        return [(self.folder / f"print-{n}").read_bytes() for n in range(1, count + 1)]

    def finish(self) -> None:
        """No longer busy: a job held open completes, the next ones complete at once."""
        self.busy.clear()
        self._done.set()

    def __enter__(self) -> SocketPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()
        self._server.close()
        self._thread.join(timeout=10)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return  # closed
            with connection:
                self.receiving.set()
                data = bytearray()
                while chunk := connection.recv(65536):
                    data += chunk
                if self.busy.is_set():
                    self._done.wait()
                with self._lock:
                    self._count += 1
                    (self.folder / f"print-{self._count}").write_bytes(bytes(data))
