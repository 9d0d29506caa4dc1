#!/usr/bin/python3
"""The gated CUPS backend: prints only a job the kiosk agent approved.

Installed as ``/usr/lib/cups/backend/epn-gate`` (mode 0700, so CUPS runs it as root), with
the queue's device URI ``epn-gate:<real device URI>``. CUPS starts it for each job that
leaves the hold, however it left (a visitor can ask for ``job-hold-until=no-hold``).
Unless the agent wrote an approval for this job id, it exits with status 3
(``CUPS_BACKEND_HOLD``): the job goes back on hold, nothing is printed. With an approval it
consumes it, runs the real device's backend, and tells CUPS the page count the agent
measured (``PAGE: total N``), which is the count the page log keeps.

Standard library only: CUPS runs it with the system Python, outside the agent's venv.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

SCHEME = "epn-gate"
APPROVALS_ENV = "EPN_GATE_APPROVALS"
DEFAULT_APPROVALS = "/run/epn-kiosk/print-approved"
BACKEND_DIR_ENV = "EPN_GATE_BACKENDS"
CUPS_BACKEND_OK = 0
CUPS_BACKEND_FAILED = 1
CUPS_BACKEND_HOLD = 3


def approval_path(approvals: Path, job_id: str) -> Path:
    """Where the agent puts the approval of a job."""
    return approvals / f"job-{job_id}"


def read_approval(approvals: Path, job_id: str) -> int | None:
    """The approved page count, consuming the approval; None when there is none that the
    agent wrote in its own private folder (owned by the user this backend runs as: root on
    a kiosk, where CUPS runs a 0700 backend as root)."""
    if not job_id.isdigit():
        return None
    me = os.geteuid()
    try:
        folder = os.lstat(approvals)
        if not stat.S_ISDIR(folder.st_mode) or folder.st_uid != me or folder.st_mode & 0o077:
            return None
        path = approval_path(approvals, job_id)
        # Take it first, then read it: an approval is good for one run only.
        taken = path.with_name(f"{path.name}.{os.getpid()}")
        os.rename(path, taken)
    except OSError:
        return None
    try:
        info = os.lstat(taken)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != me:
            return None
        text = taken.read_text(encoding="ascii").strip()
        return int(text) if text.isdigit() else None
    except (OSError, ValueError):
        return None
    finally:
        taken.unlink(missing_ok=True)


def real_backend(device_uri: str, backend_dir: Path) -> tuple[Path, str] | None:
    """The real backend program and its URI, from ``epn-gate:<real URI>``."""
    prefix = f"{SCHEME}:"
    if not device_uri.startswith(prefix):
        return None
    real = device_uri[len(prefix) :]
    scheme = real.split(":", 1)[0]
    if not scheme or scheme == SCHEME or not scheme.replace("-", "").isalnum():
        return None
    return backend_dir / scheme, real


def main(argv: list[str]) -> int:
    """Run as CUPS runs a backend."""
    if len(argv) == 1:
        # Device discovery: nothing to offer, the installer sets the URI.
        return CUPS_BACKEND_OK
    if len(argv) not in (6, 7):
        print(f"Usage: {SCHEME} job-id user title copies options [file]", file=sys.stderr)
        return CUPS_BACKEND_FAILED
    job_id = argv[1]
    approvals = Path(os.environ.get(APPROVALS_ENV, DEFAULT_APPROVALS))
    pages = read_approval(approvals, job_id)
    if pages is None:
        print(f"INFO: job {job_id} waits for the visitor's confirmation", file=sys.stderr)
        return CUPS_BACKEND_HOLD
    backend_dir = Path(os.environ.get(BACKEND_DIR_ENV, "/usr/lib/cups/backend"))
    target = real_backend(os.environ.get("DEVICE_URI", ""), backend_dir)
    if target is None:
        print("ERROR: the queue's device URI is not epn-gate:<printer URI>", file=sys.stderr)
        return CUPS_BACKEND_FAILED
    program, real_uri = target
    env = {**os.environ, "DEVICE_URI": real_uri}
    try:
        # argv[0] is the device URI, as CUPS gives it to every backend.
        status = subprocess.call([real_uri, *argv[1:]], executable=program, env=env)
    except OSError as exc:
        print(f"ERROR: cannot run the printer's backend {program}: {exc}", file=sys.stderr)
        return CUPS_BACKEND_FAILED
    if status == CUPS_BACKEND_OK:
        print(f"PAGE: total {pages}", file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
