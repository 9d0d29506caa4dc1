"""Documents for the printing tests and benchmark, made here with known page counts, and a
plain capture printer. (The private cupsd they print on is the demo's:
:mod:`installer.demo.cupsd`.)"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject

A4 = (595.0, 842.0)
A4_LANDSCAPE = (842.0, 595.0)
LETTER = (612.0, 792.0)


def write_pdf(
    path: Path,
    pages: int | Sequence[tuple[float, float]],
    *,
    owner_password: str | None = None,
    user_password: str | None = None,
    forged_count: int | None = None,
) -> Path:
    """A PDF of blank pages (``pages`` sizes, or that many A4 pages), optionally encrypted,
    or with a root ``/Count`` that lies."""
    sizes = [A4] * pages if isinstance(pages, int) else list(pages)
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width, height)
    if owner_password is not None or user_password is not None:
        writer.encrypt(
            user_password=user_password or "",
            owner_password=owner_password,
            algorithm="AES-256",
        )
    if forged_count is not None:
        pages_node = writer.root_object["/Pages"].get_object()
        assert isinstance(pages_node, DictionaryObject)
        pages_node[NameObject("/Count")] = NumberObject(forged_count)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def with_object_streams(source: Path, path: Path) -> Path:
    """The same PDF rewritten by qpdf with object streams and a compressed cross-reference
    table (PDF 1.5), as modern office suites write them."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        raise FileNotFoundError("qpdf is not installed")
    subprocess.run(
        [qpdf, "--object-streams=generate", "--compress-streams=y", str(source), str(path)],
        check=True,
        capture_output=True,
    )
    return path


def truncated(source: Path, path: Path, keep: float = 0.6) -> Path:
    """The first part of a file, as a download cut short leaves it."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def write_postscript(path: Path, pages: int, *, declared: int | None = None) -> Path:
    """A DSC-conforming PostScript file of ``pages`` pages (``declared`` may lie)."""
    lines = [
        "%!PS-Adobe-3.0",
        "%%Creator: epn-kiosk tests",
        f"%%Pages: {pages if declared is None else declared}",
        "%%EndComments",
    ]
    for number in range(1, pages + 1):
        lines += [f"%%Page: {number} {number}", "showpage"]
    lines += ["%%Trailer", "%%EOF", ""]
    path.write_text("\n".join(lines), encoding="ascii")
    return path


CAPTURE_BACKEND = """#!/bin/sh
# A printer for tests: keeps what it is sent, one file per job.
if [ $# -eq 0 ]; then exit 0; fi
out="${DEVICE_URI#capture:}"
if [ $# -ge 6 ]; then cat "$6" > "$out/job-$1"; else cat > "$out/job-$1"; fi
exit 0
"""


def write_raw_pdf(path: Path, objects: Sequence[bytes]) -> Path:
    """A PDF made of these objects (object 1 is the catalog), numbered from 1, with a
    correct cross-reference table: for page trees pypdf would not write."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


def nested_tree(leaves_per_node: Sequence[int], *, disguise: bool = False) -> list[bytes]:
    """Objects of a PDF whose root has one intermediate node per entry, each with that many
    pages; ``disguise`` makes each intermediate node claim to be a page and writes its
    ``/Kids`` with a ``#`` escape (``/K#69ds``), as a visitor hiding pages would."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    nodes: list[int] = []
    total = 0
    for leaves in leaves_per_node:
        node = len(objects) + 1
        nodes.append(node)
        objects.append(b"")
        kids = []
        for _ in range(leaves):
            kids.append(len(objects) + 1)
            objects.append(f"<< /Type /Page /Parent {node} 0 R /MediaBox [0 0 595 842] >>".encode())
        names = (
            (b"/Type /Page /K#69ds", b"/Count") if disguise else (b"/Type /Pages /Kids", b"/Count")
        )
        refs = " ".join(f"{kid} 0 R" for kid in kids).encode()
        objects[node - 1] = (
            b"<< "
            + names[0]
            + b" ["
            + refs
            + b"] "
            + names[1]
            + f" {leaves} /Parent 2 0 R >>".encode()
        )
        total += leaves
    root_kids = " ".join(f"{node} 0 R" for node in nodes)
    objects[1] = f"<< /Type /Pages /Kids [{root_kids}] /Count {total} >>".encode()
    return objects
