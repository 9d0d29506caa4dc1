#!/usr/bin/python3
"""The gated CUPS backend: prints only what the kiosk agent approved, as it was quoted.

Installed as ``/usr/lib/cups/backend/epn-gate`` (mode 0700, so CUPS runs it as root), with
the queue's device URI ``epn-gate:<real device URI>``. CUPS starts it once per job that
leaves the hold, however it left (a visitor can ask for ``job-hold-until=no-hold``).

The agent's approval of a job binds what the visitor was quoted: the owner, the copies,
the options that change the paper used, and each document (its SHA-256). On each run the
gate consumes the approval, then checks the job CUPS hands it against it: the owner
(argv[2]), the copies (argv[4]), those options (argv[5]), the documents in the spool, and
the very bytes it is given to print (the single document named in argv[6], or on stdin the
documents one after the other, each repeated per copy, as CUPS's ``gziptoany`` sends a job
of several documents on a raw queue). Anything missing, different or more — a document
sent after the quote, other copies or ranges, someone else's job under a reused job id —
and it exits 3 (``CUPS_BACKEND_HOLD``): the job goes back on hold and nothing was sent to
the printer. Otherwise it runs the real device's backend on exactly those bytes and tells
CUPS the page count the agent charged (``PAGE: total N``) — if that device is a printer of
the room (:data:`PRINTER_SCHEMES`): never a file or a port of the PC, even when the queue was
changed by other means than the agent's.

Standard library only: CUPS runs it with the system Python, outside the agent's venv.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shlex
import stat
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SCHEME = "epn-gate"
APPROVALS_ENV = "EPN_GATE_APPROVALS"
DEFAULT_APPROVALS = "/run/epn-kiosk/print-approved"
BACKEND_DIR_ENV = "EPN_GATE_BACKENDS"
EXTRA_SCHEMES_ENV = "EPN_GATE_EXTRA_SCHEMES"
"""Schemes the gate forwards to besides :data:`PRINTER_SCHEMES` (space-separated): the
demo's and the tests' private cupsd, whose printer keeps pages in a folder, sets it through
``SetEnv`` in its ``cups-files.conf``, which only root writes (as for the backends folder)."""
PRINTER_SCHEMES = frozenset({"ipp", "ipps", "http", "https", "socket", "lpd", "usb", "dnssd"})
"""The real printers the gate forwards to, as the policy allows them (``policies``'
``PRINTER_SCHEMES``): never ``file``, ``parallel``, ``serial`` or ``cups-brf``, which write to
a path on the PC, nor a wrapper such as ``beh``."""
NEVER_SCHEMES = frozenset({"file", SCHEME})
"""Refused whatever the environment says: pages written to a file of the PC, or the gate
in front of itself."""
CUPS_BACKEND_OK = 0
CUPS_BACKEND_FAILED = 1
CUPS_BACKEND_HOLD = 3
CUPS_BACKEND_CANCEL = 5

PAPER_OPTIONS = (
    "page-ranges",
    "input-page-ranges",
    "number-up",
    "sides",
    "page-set",
    "print-color-mode",
)
"""Options that change the pages printed or their price: the approval binds their values."""
EXTRA_SHEET_OPTIONS = (
    "job-sheets",
    "cover-front",
    "cover-back",
    "insert-sheet",
    "separator-sheets",
    "job-error-sheet",
)
"""Options that make a printer add sheets: never approved (except ``job-sheets`` none)."""
NO_SHEETS = "none,none"
_CHUNK = 65536
_MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Basis:
    """What a quote was made on; the job prints only while it is still exactly this."""

    user: str
    copies: int
    options: tuple[tuple[str, str], ...]
    """The :data:`PAPER_OPTIONS` the job has, canonical, sorted by name."""
    documents: tuple[str, ...]
    """SHA-256 (hex) of each document, in order."""


@dataclass(frozen=True, slots=True)
class Approval:
    """The agent's approval of one job: print it once, as :attr:`basis`, as ``pages``."""

    job: int
    pages: int
    basis: Basis

    def to_text(self) -> str:
        """The approval file's content."""
        return json.dumps(
            {
                "job": self.job,
                "pages": self.pages,
                "user": self.basis.user,
                "copies": self.basis.copies,
                "options": dict(self.basis.options),
                "documents": list(self.basis.documents),
            },
            sort_keys=True,
        )

    @classmethod
    def from_text(cls, text: str) -> Approval | None:
        """The approval in ``text``; None when it is not one, in every detail."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        job, pages, user = data.get("job"), data.get("pages"), data.get("user")
        copies, options, documents = data.get("copies"), data.get("options"), data.get("documents")
        if not (
            isinstance(job, int)
            and isinstance(pages, int)
            and isinstance(copies, int)
            and all(_is_count(n) for n in (job, pages, copies))
            and isinstance(user, str)
            and isinstance(options, dict)
            and all(k in PAPER_OPTIONS and isinstance(v, str) for k, v in options.items())
            and isinstance(documents, list)
            and documents
            and all(isinstance(d, str) and _HEX.fullmatch(d) for d in documents)
        ):
            return None
        basis = Basis(user, copies, tuple(sorted(options.items())), tuple(documents))
        return cls(job, pages, basis)


def _is_count(value: int) -> bool:
    return not isinstance(value, bool) and value >= 0


def canonical_option(name: str, value: str) -> str:
    """One spelling for an option's value: ranges as ``a-b`` joined by commas."""
    value = value.strip()
    if name not in ("page-ranges", "input-page-ranges"):
        return value
    parts = []
    for part in value.split(","):
        first, dash, last = part.strip().partition("-")
        parts.append(f"{first}-{last if dash else first}")
    return ",".join(parts)


def options_from_argv(text: str) -> dict[str, str] | None:
    """The paper and extra-sheet options in CUPS's option string (argv[5]); None when it
    cannot be read for sure (bad quoting, an option given twice)."""
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        return None
    found: dict[str, str] = {}
    for word in words:
        name, _, value = word.partition("=")
        if name not in PAPER_OPTIONS and name not in EXTRA_SHEET_OPTIONS:
            continue
        if name in found:
            return None
        found[name] = canonical_option(name, value)
    return found


def approval_path(approvals: Path, job_id: str) -> Path:
    """Where the agent puts the approval of a job."""
    return approvals / f"job-{job_id}"


def released_mark_path(approvals: Path, job_id: str) -> Path:
    """Where the agent marks a job it released, until the gate has run it: the end of the
    session does not purge a job so marked that is printing or waits for the printer."""
    return approvals / f"released-{job_id}"


def read_approval(approvals: Path, job_id: str) -> Approval | None:
    """The approval of this job, consumed; None when there is none that the agent wrote in
    its own private folder (owned by the user this backend runs as: root on a kiosk, where
    CUPS runs a 0700 backend as root)."""
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
        approval = Approval.from_text(taken.read_text(encoding="ascii"))
        return approval if approval is not None and str(approval.job) == job_id else None
    except (OSError, ValueError):
        return None
    finally:
        taken.unlink(missing_ok=True)


def spool_documents(request_root: Path, job_id: int) -> list[Path]:
    """The job's documents in CUPS's spool (``d<job>-<n>``), in order."""
    pattern = re.compile(rf"d{job_id:05d}-(\d{{3,}})")
    try:
        names = [name for name in os.listdir(request_root) if pattern.fullmatch(name)]
    except OSError:
        return []
    names.sort(key=lambda name: int(name.rsplit("-", 1)[1]))
    return [request_root / name for name in names]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def mismatch(approval: Approval, argv: list[str], documents: list[Path]) -> str | None:
    """Why this run is not the approved job (None when it is)."""
    basis = approval.basis
    if argv[2] != basis.user:
        return "another owner"
    if argv[4].strip() != str(basis.copies or 1):
        return "other copies"
    options = options_from_argv(argv[5])
    if options is None:
        return "options that cannot be read"
    if options.pop("job-sheets", NO_SHEETS) != NO_SHEETS or set(options) & set(EXTRA_SHEET_OPTIONS):
        return "extra sheets"
    if options != dict(basis.options):
        return "other options"
    if len(documents) != len(basis.documents):
        return "other documents"
    for path, expected in zip(documents, basis.documents, strict=True):
        try:
            if sha256_of(path) != expected:
                return "other documents"
        except OSError:
            return "a document that cannot be read"
    return None


def _content(path: Path) -> bytes:
    """A spooled document as CUPS's gziptoany sends it (uncompressed)."""
    with path.open("rb") as handle:
        data = handle.read(_MAX_DOCUMENT_BYTES + 1)
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) > _MAX_DOCUMENT_BYTES:
        raise OSError("document too large")
    return data


def verified_stream(source: IO[bytes], documents: list[Path], copies: int) -> IO[bytes] | None:
    """What CUPS sends on stdin, in a private temporary file, when it is exactly each
    approved document repeated per copy and nothing more; None otherwise."""
    buffer = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    try:
        for path in documents:
            content = _content(path)
            for _ in range(max(1, copies)):
                offset = 0
                while offset < len(content):
                    chunk = source.read(min(_CHUNK, len(content) - offset))
                    if not chunk or chunk != content[offset : offset + len(chunk)]:
                        buffer.close()
                        return None
                    buffer.write(chunk)
                    offset += len(chunk)
        if source.read(1):
            # More than was approved: a document added while the job was being sent.
            buffer.close()
            return None
    except (OSError, gzip.BadGzipFile, EOFError):
        buffer.close()
        return None
    buffer.seek(0)
    return buffer


def allowed_schemes(environ: Mapping[str, str]) -> frozenset[str]:
    """The schemes the gate forwards to: :data:`PRINTER_SCHEMES`, and those the cupsd's own
    configuration adds (:data:`EXTRA_SCHEMES_ENV`), never :data:`NEVER_SCHEMES`."""
    extra = frozenset(environ.get(EXTRA_SCHEMES_ENV, "").split())
    return (PRINTER_SCHEMES | extra) - NEVER_SCHEMES


def real_backend(
    device_uri: str, backend_dir: Path, allowed: frozenset[str] = PRINTER_SCHEMES
) -> tuple[Path, str] | None:
    """The real backend program and its URI, from ``epn-gate:<real URI>``; None when that
    is not a printer the gate may send pages to (a file of the PC, a port, an unknown
    scheme: the queue was changed by other means than the agent's)."""
    prefix = f"{SCHEME}:"
    if not device_uri.startswith(prefix):
        return None
    real = device_uri[len(prefix) :]
    scheme = real.split(":", 1)[0]
    if scheme not in allowed or scheme in NEVER_SCHEMES:
        return None
    return backend_dir / scheme, real


def _hold(job_id: str, why: str) -> int:
    print(f"INFO: job {job_id} waits for the visitor's confirmation ({why})", file=sys.stderr)
    return CUPS_BACKEND_HOLD


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
    approval = read_approval(approvals, job_id)
    if approval is None:
        return _hold(job_id, "not approved")
    try:
        return _run_approved(approval, argv, job_id)
    finally:
        # Spent: printed, or held again (the agent marks it again if it releases it again).
        with suppress(OSError):
            released_mark_path(approvals, job_id).unlink(missing_ok=True)


def _run_approved(approval: Approval, argv: list[str], job_id: str) -> int:
    request_root = Path(os.environ.get("CUPS_REQUESTROOT", "/var/spool/cups"))
    documents = spool_documents(request_root, approval.job)
    why = mismatch(approval, argv, documents)
    if why is not None:
        return _hold(job_id, f"changed since the quote: {why}")
    backend_dir = Path(os.environ.get(BACKEND_DIR_ENV, "/usr/lib/cups/backend"))
    target = real_backend(
        os.environ.get("DEVICE_URI", ""), backend_dir, allowed_schemes(os.environ)
    )
    if target is None:
        print(
            "ERROR: the queue's device URI is not epn-gate:<printer URI> with a printer of the "
            f"room ({', '.join(sorted(allowed_schemes(os.environ)))}): nothing sent",
            file=sys.stderr,
        )
        return CUPS_BACKEND_FAILED
    program, real_uri = target
    env = {**os.environ, "DEVICE_URI": real_uri}
    args = [real_uri, *argv[1:]]  # argv[0] is the device URI, as CUPS gives every backend
    stream: IO[bytes] | None = None
    if len(argv) == 7:
        # One document, named: it must be the approved one (the printer makes the copies).
        named = Path(argv[6])
        if len(documents) != 1 or named.resolve() != documents[0].resolve():
            return _hold(job_id, "changed since the quote: other documents")
    else:
        stream = verified_stream(sys.stdin.buffer, documents, approval.basis.copies)
        if stream is None:
            return _hold(job_id, "changed since the quote: other data")
        # The copies are in the stream already (gziptoany made them): the printer makes none.
        args[4] = "1"
    try:
        status = subprocess.call(args, executable=program, env=env, stdin=stream)
    except OSError as exc:
        print(f"ERROR: cannot run the printer's backend {program}: {exc}", file=sys.stderr)
        return CUPS_BACKEND_FAILED
    finally:
        if stream is not None:
            stream.close()
    if status == CUPS_BACKEND_OK:
        print(f"PAGE: total {approval.pages}", file=sys.stderr, flush=True)
    elif status == CUPS_BACKEND_HOLD:
        # The printer may have printed part of it: never hold (and so print again) a job
        # whose approval is spent.
        return CUPS_BACKEND_CANCEL
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
