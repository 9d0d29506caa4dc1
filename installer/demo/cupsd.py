"""A private cupsd: each demo PC's printer, and the one the printing tests and benchmark use.

Its files are in a short temporary folder; it listens on a unix socket with the kiosk's
hardened policy, and its ``kiosk`` queue holds every job, gated in front of a printer that
keeps what it prints. Nothing of it runs on a real PC (their CUPS is the system's).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kiosk.agent.printing import cupsconf, gate_backend, wake_notifier
from kiosk.agent.printing.worker import wake_socket_for

CUPSD = Path("/usr/sbin/cupsd")
_SERVER_BIN_LINKS = ("filter", "daemon", "cgi-bin", "monitor", "driver")
STOCK_NOTIFIERS = Path("/usr/lib/cups/notifier")
STOCK_BACKENDS = Path("/usr/lib/cups/backend")
CAPTURE_SCHEME = "capture"


DEVICE_BACKEND = """#!{python}
# A printer for tests that says what reached it: keeps what it is sent (one file per job,
# appended on each run) and writes one line per run to device.jsonl with the PDF pages it
# would print: the pages of each PDF it received, within the page-ranges it was told,
# times the copies it was told (argv[4]). Standard library and pypdf only.
import io, json, os, sys
from pathlib import Path

if len(sys.argv) == 1:
    sys.exit(0)
out = Path(os.environ["DEVICE_URI"].split(":", 1)[1])
data = Path(sys.argv[6]).read_bytes() if len(sys.argv) > 6 else sys.stdin.buffer.read()
with (out / f"job-{{sys.argv[1]}}").open("ab") as handle:
    handle.write(data)
ranges = []
for option in sys.argv[5].split():
    name, _, value = option.partition("=")
    if name == "page-ranges":
        for part in value.split(","):
            first, _, last = part.partition("-")
            ranges.append((int(first), int(last or first)))
from pypdf import PdfReader

pdf_pages = []
for chunk in data.split(b"%PDF-")[1:]:
    reader = PdfReader(io.BytesIO(b"%PDF-" + chunk), strict=False)
    pdf_pages.append(len(reader.pages))
selected = sum(
    sum(1 for n in range(1, count + 1) if not ranges or any(a <= n <= b for a, b in ranges))
    for count in pdf_pages
)
copies = int(sys.argv[4] or 1)
record = {{
    "job": int(sys.argv[1]),
    "argc": len(sys.argv),
    "copies": copies,
    "documents": pdf_pages,
    "pages": selected * copies,
}}
with (out.parent / "device.jsonl").open("a") as handle:
    handle.write(json.dumps(record) + "\\n")
"""


class PrivateCups:
    """A cupsd of its own for a demo PC, a test or a benchmark: its files in a short temp
    folder, a unix socket, the kiosk's hardened policy, and a ``kiosk`` queue that holds every
    job, gated in front of a capture printer that keeps what it prints in ``printed``.

    Use as a context manager; the cupsd is stopped by its pid and the folder removed."""

    def __init__(
        self,
        *,
        gate: bool = True,
        policy: bool = True,
        notifier: bool = True,
        queue: bool = True,
        printed: Path | None = None,
    ) -> None:
        """``queue=False``: no ``kiosk`` queue, as on a PC installed without a printer."""
        self.root = Path(tempfile.mkdtemp(prefix="epn-cups-", dir="/tmp"))
        self.socket = self.root / "cups.sock"
        self.approvals = self.root / "approved"
        self.printed = printed if printed is not None else self.root / "printed"
        """Where the printer puts what it prints (kept at the stop when given here)."""
        self._gate = gate
        self._policy = policy
        self._notifier = notifier
        self._queue = queue
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The cupsd's pid while it runs."""
        return self._process.pid if self._process else None

    @property
    def backends(self) -> Path:
        """This cupsd's backends folder (``ServerBin/backend``)."""
        return self.root / "bin/backend"

    @staticmethod
    def capture_uri(folder: Path) -> str:
        """The device URI of a capture printer that keeps what it prints in ``folder``."""
        return f"{CAPTURE_SCHEME}:{folder}"

    @property
    def wake_socket(self) -> Path:
        """Where an agent metering this cupsd listens for its events (beside its socket, as
        the service places it)."""
        return wake_socket_for(self.socket)

    def env(self) -> dict[str, str]:
        """Environment for ``lp``, ``lpstat`` & co. to talk to this cupsd."""
        return {**os.environ, "CUPS_SERVER": str(self.socket)}

    def __enter__(self) -> PrivateCups:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Write the configuration, start cupsd, wait for it, add the queue (if wanted)."""
        if not CUPSD.exists():
            raise FileNotFoundError("cupsd is not installed (Debian package cups)")
        root = self.root
        root.chmod(0o755)
        for sub in ("spool", "cache", "state", "log", "bin/backend", "bin/notifier"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "spool/tmp").mkdir(exist_ok=True)
        (root / "spool/tmp").chmod(0o1777)
        self.approvals.mkdir(mode=0o700)
        self.printed.mkdir(parents=True, exist_ok=True)
        for name in _SERVER_BIN_LINKS:
            source = Path("/usr/lib/cups") / name
            if source.exists():
                (root / "bin" / name).symlink_to(source)
        notifiers = root / "bin/notifier"
        if STOCK_NOTIFIERS.is_dir():
            for stock in STOCK_NOTIFIERS.iterdir():
                (notifiers / stock.name).symlink_to(stock)
        if self._notifier:
            wake = notifiers / wake_notifier.SCHEME
            wake.write_text(
                Path(wake_notifier.__file__).read_text(encoding="utf-8"), encoding="utf-8"
            )
            wake.chmod(0o755)  # cupsd runs notifiers as its own user (lp)
        backends = self.backends
        # CUPS's own socket backend (AppSocket, port 9100): a printer on the network as the
        # policy may name one (a test's listens on 127.0.0.1). A copy, not a link: a backend
        # written in this folder must never replace the machine's.
        stock_socket = STOCK_BACKENDS / "socket"
        if stock_socket.exists():
            shutil.copy2(stock_socket, backends / "socket")
        capture = backends / CAPTURE_SCHEME
        capture.write_text(DEVICE_BACKEND.format(python=sys.executable), encoding="utf-8")
        capture.chmod(0o700)
        gate = backends / cupsconf.GATE_SCHEME
        gate.write_text(
            Path(gate_backend.__file__).read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        gate.chmod(0o700)
        conf = cupsconf.cupsd_conf(cupsconf.CupsdSettings(listen=str(self.socket)))
        if not self._policy:
            conf = conf.replace(f"DefaultPolicy {cupsconf.POLICY_NAME}", "DefaultPolicy default")
            conf += _STOCK_POLICY
        (root / "cupsd.conf").write_text(conf, encoding="utf-8")
        env = {
            cupsconf.APPROVALS_ENV: str(self.approvals),
            cupsconf.BACKENDS_ENV: str(backends),
            # The capture printer writes into a folder: the gate forwards to it here only.
            gate_backend.EXTRA_SCHEMES_ENV: CAPTURE_SCHEME,
        }
        files = cupsconf.cups_files_conf(root, env=env)
        (root / "cups-files.conf").write_text(files, encoding="utf-8")
        self._launch()
        if not self._queue:
            return
        uri = self.capture_uri(self.printed)
        device = cupsconf.gate_uri(uri) if self._gate else uri
        self.run(
            "lpadmin",
            "-p",
            cupsconf.QUEUE_NAME,
            "-E",
            "-v",
            device,
            "-o",
            "job-hold-until-default=indefinite",
            "-o",
            "printer-error-policy=retry-current-job",
        )
        self.run("cupsenable", cupsconf.QUEUE_NAME)
        self.run("cupsaccept", cupsconf.QUEUE_NAME)

    def _launch(self) -> None:
        root = self.root
        self._process = subprocess.Popen(
            [str(CUPSD), "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_ready()

    def restart(self) -> None:
        """Stop cupsd (by its pid) and start it again on the same files, as a restarted
        CUPS service does: its queue, held jobs and saved subscriptions come back."""
        self._end_process()
        self._launch()

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"cupsd stopped at start: {error}{self.error_log()}")
            done = subprocess.run(
                ["lpstat", "-r"], env=self.env(), capture_output=True, text=True, check=False
            )
            if "is running" in done.stdout and "not" not in done.stdout:
                return
            time.sleep(0.02)
        raise TimeoutError(f"cupsd did not start: {self.error_log()}")

    def run(self, *command: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
        """A CUPS command line against this cupsd (as ``user``'s uid when given)."""
        done = subprocess.run(
            list(command),
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            user=user,
        )
        if done.returncode != 0 and user is None:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")
        return done

    def send_document(self, job: int, doc: Path, *, last: bool = True) -> None:
        """Send-Document the PDF ``doc`` to the existing ``job``, as any IPP client may
        (``last``: the job's last document)."""
        import cups as pycups  # noqa: PLC0415

        connection = pycups.Connection(host=str(self.socket))
        connection.getJobs()  # authenticates the connection (a streamed request cannot)
        connection.startDocument("kiosk", job, doc.name, "application/pdf", 1 if last else 0)
        data = doc.read_bytes()
        connection.writeRequestData(data, len(data))
        connection.finishDocument("kiosk")

    def device_runs(self, job: int | None = None) -> list[dict[str, Any]]:
        """What reached the printer, one record per run of its backend (for ``job``)."""
        log = self.root / "device.jsonl"
        lines = log.read_text().splitlines() if log.exists() else []
        runs = [json.loads(line) for line in lines]
        return [run for run in runs if job is None or run["job"] == job]

    def device_pages(self, job: int | None = None) -> int:
        """Pages the printer received to print (for ``job``, or for every job)."""
        return sum(int(run["pages"]) for run in self.device_runs(job))

    def error_log(self) -> str:
        """What cupsd logged as errors."""
        log = self.root / "log/error_log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        """Stop cupsd by its pid, remove every file."""
        self._end_process()
        shutil.rmtree(self.root, ignore_errors=True)

    def _end_process(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr:
                process.stderr.close()


_STOCK_POLICY = """<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
