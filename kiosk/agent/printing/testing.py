"""Documents for the printing tests and benchmark: made here, with known page counts."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

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
    from pypdf import PdfWriter  # noqa: PLC0415
    from pypdf.generic import DictionaryObject, NameObject, NumberObject  # noqa: PLC0415

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
