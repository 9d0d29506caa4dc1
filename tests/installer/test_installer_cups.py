"""The CUPS configuration the kiosk installer writes, read by a real cupsd of the test's own:
Debian's stock ``cupsd.conf`` with the installer's block, the installed gated backend, and
the queue made by the installer's own ``lpadmin`` command line."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.print_documents import CAPTURE_BACKEND, write_pdf
from installer_helpers import BIN_DIR, Run

from installer.demo.cupsd import CUPSD
from kiosk.agent.printing import cupsconf

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(not CUPSD.exists(), reason="cupsd is not installed (Debian package cups)"),
]

SERVER_BIN = ("filter", "daemon", "notifier", "cgi-bin", "monitor", "driver")


class InstalledCups:
    """A cupsd started on an installed target's ``etc/cups/cupsd.conf`` (its ``Listen``
    lines replaced by a private socket), backends from the target; stopped by its pid."""

    def __init__(self, target: Path) -> None:
        # A short folder: a unix socket path must stay under 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="epn-icups-", dir="/tmp"))
        self.socket = self.root / "cups.sock"
        self.printed = self.root / "printed"
        self.approvals = self.root / "approved"
        self.target = target
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        return {"CUPS_SERVER": str(self.socket), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}

    def start(self) -> None:
        root = self.root
        root.chmod(0o755)
        for sub in ("spool/tmp", "cache", "state", "log", "bin/backend", "printed"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "spool/tmp").chmod(0o1777)
        self.approvals.mkdir(mode=0o700)
        for name in SERVER_BIN:
            if (Path("/usr/lib/cups") / name).exists():
                (root / "bin" / name).symlink_to(Path("/usr/lib/cups") / name)
        backends = root / "bin/backend"
        shutil.copy2(self.target / "usr/lib/cups/backend/epn-gate", backends / "epn-gate")
        (backends / "capture").write_text(CAPTURE_BACKEND)
        (backends / "capture").chmod(0o700)
        conf = (self.target / "etc/cups/cupsd.conf").read_text()
        conf = re.sub(r"(?m)^Listen .*$", f"Listen {self.socket}", conf, count=1)
        conf = re.sub(r"(?m)^Listen (?!/tmp/epn-icups-).*\n", "", conf)
        (root / "cupsd.conf").write_text(conf)
        env = {cupsconf.APPROVALS_ENV: str(self.approvals), cupsconf.BACKENDS_ENV: str(backends)}
        (root / "cups-files.conf").write_text(cupsconf.cups_files_conf(root, env=env))
        check = subprocess.run(
            [str(CUPSD), "-t", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        self.process = subprocess.Popen(
            [str(CUPSD), "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.error_log()
            done = self.run("lpstat", "-r", check=False)
            if "is running" in done.stdout and "not" not in done.stdout:
                return
            time.sleep(0.05)
        raise TimeoutError(self.error_log())

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(argv), env=self.env(), capture_output=True, text=True, check=False
        )
        if check:
            assert done.returncode == 0, f"{argv}: {done.stderr}"
        return done

    def error_log(self) -> str:
        log = self.root / "log/error_log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cups(run: Run, target: Path) -> Iterator[InstalledCups]:
    status, out = run("kiosk", "--root", str(target), "--bin-dir", str(BIN_DIR))
    assert status == 0, out
    server = InstalledCups(target)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_cupsd_runs_on_the_installed_configuration(cups: InstalledCups) -> None:
    assert cups.process is not None and cups.process.poll() is None
    assert "Unknown directive" not in cups.error_log()


def test_the_installers_queue_holds_every_job_behind_the_gate(
    cups: InstalledCups, tmp_path: Path
) -> None:
    import cups as pycups

    cups.run(*cupsconf.queue_command(f"capture:{cups.printed}"))
    connection = pycups.Connection(host=str(cups.socket))
    attributes = connection.getPrinterAttributes(cupsconf.QUEUE_NAME)
    assert attributes["device-uri"] == f"epn-gate:capture:{cups.printed}"
    assert attributes["job-hold-until-default"] == "indefinite"
    assert attributes["printer-op-policy"] == "epn-kiosk"
    document = write_pdf(tmp_path / "cv.pdf", 2)
    # A visitor asking to skip the hold: the gate sends it back on hold, nothing prints.
    submitted = cups.run(
        "lp", "-d", cupsconf.QUEUE_NAME, "-o", "job-hold-until=no-hold", str(document)
    )
    job = re.search(r"request id is \S+-(\d+)", submitted.stdout)
    assert job is not None, submitted.stdout
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "returned status 3" not in cups.error_log():
        time.sleep(0.05)
    assert "returned status 3 (hold job)" in cups.error_log()
    jobs = connection.getJobs(which_jobs="all", requested_attributes=["job-id", "job-state"])
    assert jobs[int(job.group(1))]["job-state"] == 4, "held again"
    assert not any(cups.printed.iterdir()), "nothing printed without the agent's approval"
