"""A private cupsd as the console machine's CUPS sees a room: a queue ``salle`` on an
AppSocket printer, and a "network" with two printers on it.

The network is one backend of the cupsd's own named ``socket``: asked with no arguments
(``lpinfo``), it reports two AppSocket printers as CUPS's own backend would; given a job,
it keeps the bytes it was sent, as the printer on the network would receive them.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from installer.demo.cupsd import PrivateCups

ROOM_URI = "socket://192.0.2.10:9100"
"""The printer of the room's queue ``salle`` (also found on the network)."""
FOUND_URI = "socket://192.0.2.77:9100"
"""A printer CUPS finds on the network, with no queue on the console."""
ROOM_QUEUE_NAME = "Imprimante de la salle"

SOCKET_BACKEND = """#!{python}
# Reports two printers when CUPS looks for some; keeps what a job sends to it.
import sys
from pathlib import Path

if len(sys.argv) == 1:
    print('network {room} "Brother HL-L2350DW" "Brother HL-L2350DW (salle)" "" ""')
    print('network {found} "HP LaserJet Pro M404dn" "HP LaserJet Pro M404dn (accueil)" "" ""')
    sys.exit(0)
data = Path(sys.argv[6]).read_bytes() if len(sys.argv) > 6 else sys.stdin.buffer.read()
(Path({out!r}) / ("job-" + sys.argv[1] + ".pdf")).write_bytes(data)
"""


@dataclass(frozen=True)
class RoomCups:
    """The private cupsd, and the folder where its printers keep what they receive."""

    cups: PrivateCups
    received: Path

    @property
    def socket(self) -> str:
        """The cupsd's socket, as ``CUPS_SERVER`` names it."""
        return str(self.cups.socket)

    def printed(self, deadline_s: float = 15.0) -> list[Path]:
        """The documents received, once at least one is there (empty if none came)."""
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            found = sorted(self.received.glob("job-*.pdf"))
            if found:
                return found
            time.sleep(0.05)
        return []


@contextlib.contextmanager
def room_cups() -> Iterator[RoomCups]:
    """The room's private cupsd, stopped by its pid at the end."""
    with PrivateCups(gate=False, policy=False, notifier=False) as cups:
        received = cups.root / "received"
        received.mkdir()
        backend = cups.root / "bin/backend/socket"
        # The private cupsd links CUPS's own socket backend there: writing through the link
        # would replace the machine's backend with this one.
        backend.unlink(missing_ok=True)
        backend.write_text(
            SOCKET_BACKEND.format(
                python=sys.executable, room=ROOM_URI, found=FOUND_URI, out=str(received)
            )
        )
        backend.chmod(0o700)  # cupsd runs a backend only it may read as root
        cups.run("lpadmin", "-p", "salle", "-E", "-v", ROOM_URI, "-D", ROOM_QUEUE_NAME)
        yield RoomCups(cups, received)


def pdf_pages_and_text(path: Path) -> tuple[int, str]:
    """A PDF's page count (``pdfinfo``) and its text (``pdftotext``), as poppler reads it."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = next(
        int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:")
    )
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, text
