"""The gate backend run as CUPS runs it (a process, its argv, env and stdin, a spool folder):
it passes on exactly the approved bytes, and holds a job that carries anything more."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.agent.printing import gate_backend
from kiosk.agent.printing.gate_backend import Approval, Basis

GATE = Path(gate_backend.__file__)
JOB = 42
RECORDER = """#!/bin/sh
# The printer's backend: says how it was run and keeps what it got.
echo "$4" > "$(dirname "$0")/copies"
if [ $# -ge 6 ]; then cat "$6"; else cat; fi > "$(dirname "$0")/received"
"""


@pytest.fixture
def place(tmp_path: Path) -> Path:
    for sub in ("spool", "approved", "backends"):
        (tmp_path / sub).mkdir(mode=0o700)
    recorder = tmp_path / "backends/rec"
    recorder.write_text(RECORDER)
    recorder.chmod(0o700)
    return tmp_path


def _spool(place: Path, *documents: bytes) -> Basis:
    for number, data in enumerate(documents, start=1):
        (place / "spool" / f"d{JOB:05d}-{number:03d}").write_bytes(data)
    digests = tuple(hashlib.sha256(d).hexdigest() for d in documents)
    return Basis("visitor", 2, (("page-ranges", "1-3"),), digests)


def _run(
    place: Path,
    stdin: bytes,
    *,
    copies: str = "2",
    options: str = "page-ranges=1-3",
    device: str = "epn-gate:rec:/printer",
    extra_schemes: str = "rec",
):
    env = {
        **os.environ,
        "DEVICE_URI": device,
        "CUPS_REQUESTROOT": str(place / "spool"),
        gate_backend.APPROVALS_ENV: str(place / "approved"),
        gate_backend.BACKEND_DIR_ENV: str(place / "backends"),
        gate_backend.EXTRA_SCHEMES_ENV: extra_schemes,
    }
    argv = [sys.executable, str(GATE), str(JOB), "visitor", "title", copies, options]
    return subprocess.run(argv, input=stdin, env=env, capture_output=True, check=False)


def _approve(place: Path, basis: Basis, pages: int) -> None:
    (place / "approved" / f"job-{JOB}").write_text(Approval(JOB, pages, basis).to_text())


def test_the_approved_stream_reaches_the_printer_once_with_the_charged_count(place: Path):
    a, b = b"%PDF-1.4 first\n%%EOF\n", b"%PDF-1.4 second\n%%EOF\n"
    _approve(place, _spool(place, a, b), 6)
    done = _run(place, a + a + b + b)  # each document repeated per copy, as gziptoany sends
    assert done.returncode == 0, done.stderr
    assert (place / "backends/received").read_bytes() == a + a + b + b
    assert (place / "backends/copies").read_text().strip() == "1", "copies are in the stream"
    assert b"PAGE: total 6" in done.stderr
    again = _run(place, a + a + b + b)
    assert again.returncode == gate_backend.CUPS_BACKEND_HOLD, "an approval is used once"


@pytest.mark.parametrize(
    ("device", "extra_schemes"),
    [
        pytest.param("epn-gate:file:/etc/epn-pages", "rec", id="file"),
        pytest.param("epn-gate:file:/etc/epn-pages", "rec file", id="file-even-if-listed"),
        pytest.param("epn-gate:parallel:/etc/epn-pages", "rec", id="a-port-path"),
        pytest.param("epn-gate:cups-brf:/etc/epn-pages", "rec", id="braille-files"),
        pytest.param("epn-gate:rec:/printer", "", id="a-scheme-not-listed"),
        pytest.param("epn-gate:epn-gate:rec:/printer", "rec epn-gate", id="the-gate-again"),
    ],
)
def test_a_queue_changed_to_a_file_or_a_port_sends_nothing(
    place: Path, device: str, extra_schemes: str
):
    # The queue's device changed by other means than the agent's (lpadmin -v as root): a
    # backend of that name sits in the folder, and would write wherever its URI says.
    for scheme in ("file", "parallel", "cups-brf", "epn-gate"):
        (place / "backends" / scheme).symlink_to(place / "backends/rec")
    _approve(place, _spool(place, b"A" * 10, b"B" * 10), 4)
    done = _run(place, b"A" * 20 + b"B" * 20, device=device, extra_schemes=extra_schemes)
    assert done.returncode == gate_backend.CUPS_BACKEND_FAILED, done.stderr
    assert b"with a printer of the room" in done.stderr
    assert not (place / "backends/received").exists(), "nothing reached any backend"
    assert b"PAGE:" not in done.stderr


def test_the_gate_forwards_to_the_printers_the_policy_allows_and_those_only():
    from policies import PRINTER_SCHEMES

    assert frozenset(PRINTER_SCHEMES) == gate_backend.PRINTER_SCHEMES
    assert not {"file", "parallel", "serial", "cups-brf", "beh"} & gate_backend.PRINTER_SCHEMES


@pytest.mark.parametrize(
    ("stdin", "copies", "options"),
    [
        pytest.param(
            b"A" * 20 + b"B" * 20 + b"%PDF-1.4 sent late\n",
            "2",
            "page-ranges=1-3",
            id="document-added-while-sending",
        ),
        pytest.param(b"A" * 20 + b"B" * 20, "3", "page-ranges=1-3", id="other-copies"),
        pytest.param(b"A" * 20 + b"B" * 20, "2", "page-ranges=1-30", id="other-ranges"),
        pytest.param(
            b"A" * 20 + b"B" * 20, "2", "page-ranges=1-3 page-ranges=1-9", id="options-twice"
        ),
        pytest.param(
            b"A" * 20 + b"B" * 20,
            "2",
            "page-ranges=1-3 job-sheets=standard,none",
            id="banner-sheets",
        ),
        pytest.param(b"A" * 20 + b"C" * 20, "2", "page-ranges=1-3", id="other-bytes"),
    ],
)
def test_anything_else_is_held_and_nothing_reaches_the_printer(
    place: Path, stdin: bytes, copies: str, options: str
):
    _approve(place, _spool(place, b"A" * 10, b"B" * 10), 4)
    done = _run(place, stdin, copies=copies, options=options)
    assert done.returncode == gate_backend.CUPS_BACKEND_HOLD, done.stderr
    assert not (place / "backends/received").exists()
    assert b"PAGE:" not in done.stderr


def test_a_document_in_the_spool_beyond_the_approved_ones_holds_the_job(place: Path):
    basis = _spool(place, b"A" * 10)
    (place / "spool" / f"d{JOB:05d}-002").write_bytes(b"%PDF-1.4 late\n")
    _approve(place, basis, 2)
    done = _run(place, b"A" * 20)
    assert done.returncode == gate_backend.CUPS_BACKEND_HOLD
    assert not (place / "backends/received").exists()


@pytest.mark.parametrize(
    "text",
    [
        "7\n",  # the old format: a page count alone binds nothing
        json.dumps({"job": JOB, "pages": 1, "user": "visitor", "copies": 1}),
        json.dumps(
            {
                "job": JOB + 1,
                "pages": 1,
                "user": "visitor",
                "copies": 2,
                "options": {},
                "documents": ["0" * 64],
            }
        ),
    ],
)
def test_an_approval_that_binds_nothing_or_another_job_is_no_approval(place: Path, text: str):
    _spool(place, b"A" * 10)
    (place / "approved" / f"job-{JOB}").write_text(text)
    done = _run(place, b"A" * 20)
    assert done.returncode == gate_backend.CUPS_BACKEND_HOLD
    assert not (place / "backends/received").exists()
