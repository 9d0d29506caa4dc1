"""Counting the pages of a held document, without trusting what the client claimed.

PDF is read with pypdf, walking the page tree (a forged ``/Count`` is not believed);
PostScript by its DSC comments; an image is one page. Anything else, or a document that is
damaged, needs a password to open, or says two different things, is :class:`Uncountable`:
it is never printed silently.
"""

from __future__ import annotations

import io
import logging
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject

PDF_TYPES = frozenset({"application/pdf"})
POSTSCRIPT_TYPES = frozenset({"application/postscript"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/tiff", "image/pwg-raster"})
_TAIL_BYTES = 2048
_DSC_PAGES = re.compile(rb"^%%Pages:\s*(\d+|\(atend\))", re.MULTILINE)
_DSC_PAGE = re.compile(rb"^%%Page:", re.MULTILINE)


class Problem(StrEnum):
    """Why a document could not be counted (the shell and the console have words for each)."""

    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    UNKNOWN_FORMAT = "unknown_format"
    EMPTY = "empty"


class Uncountable(Exception):
    """This document's pages cannot be known for sure."""

    def __init__(self, problem: Problem, detail: str) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"{problem.value}: {detail}")


def count_pages(path: Path, document_format: str) -> int:
    """The number of pages of the document at ``path``, in the given MIME type."""
    kind = document_format.split(";", maxsplit=1)[0].strip().lower()
    if kind in ("application/octet-stream", ""):
        kind = _sniff(path)
    if kind in PDF_TYPES:
        pages = _pdf_pages(path)
    elif kind in POSTSCRIPT_TYPES:
        pages = _postscript_pages(path)
    elif kind in IMAGE_TYPES:
        pages = 1
    else:
        raise Uncountable(Problem.UNKNOWN_FORMAT, f"cannot count the pages of {kind or '?'}")
    if pages < 1:
        raise Uncountable(Problem.EMPTY, "the document has no page")
    return pages


def _sniff(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"%!PS"):
        return "application/postscript"
    return ""


def _pdf_pages(path: Path) -> int:
    # pypdf is imported here so that an agent that never prints never loads it.
    from pypdf import PdfReader  # noqa: PLC0415
    from pypdf.errors import FileNotDecryptedError, PdfReadError  # noqa: PLC0415

    data = path.read_bytes()
    if b"%%EOF" not in data[-_TAIL_BYTES:]:
        # A truncated file: pypdf could guess at it, a printer might print part of it.
        raise Uncountable(Problem.DAMAGED, "the file is cut short (no end-of-file mark)")
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pypdf warns about every repairable oddity
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Uncountable(Problem.ENCRYPTED, "the document needs a password to open")
        # Walk the page tree (len() alone would trust the root's /Count).
        return _count_tree(reader, data)
    except Uncountable:
        raise
    except FileNotDecryptedError as exc:
        raise Uncountable(Problem.ENCRYPTED, str(exc)) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise Uncountable(Problem.DAMAGED, f"the PDF cannot be read: {exc}") from exc
    except NotImplementedError as exc:
        raise Uncountable(Problem.ENCRYPTED, f"unsupported encryption: {exc}") from exc
    finally:
        quiet.setLevel(level)


_LEAF_TYPE = re.compile(rb"/Type\s*/Page(?=[\s/<>\[\]()%])")
_RAW_LIMIT = 65536


def _count_tree(reader: PdfReader, data: bytes) -> int:
    """The number of page objects in the page tree, walked to its leaves."""
    return _PageTree(reader, data).count()


class _PageTree:
    """Walks a PDF's page tree to its leaves, without trusting any ``/Count``.

    A leaf written plainly (no ``/Kids``, no ``#`` name escapes, ``/Type /Page``) is
    recognised from its bytes, and an object in an object stream is parsed alone (pypdf
    would parse its whole stream); anything else is parsed by pypdf. That is what makes
    counting a long document as fast as ``pdfinfo``, which only reads the root's
    ``/Count``."""

    def __init__(self, reader: PdfReader, data: bytes) -> None:
        self.reader = reader
        self.data = data
        self.offsets: dict[int, dict[int, int]] = {} if reader.is_encrypted else reader.xref
        self.in_streams: dict[int, tuple[int, int]] = (
            {} if reader.is_encrypted else reader.xref_objStm
        )
        self.unpacked: dict[int, tuple[bytes, dict[int, tuple[int, int]]]] = {}

    def count(self) -> int:
        from pypdf.generic import IndirectObject  # noqa: PLC0415

        catalog = self.node(self.reader.trailer.raw_get("/Root"))
        pages = 0
        listed: set[tuple[int, int]] = set()
        stack = [self.node(catalog.raw_get("/Pages") if "/Pages" in catalog else None)]
        while stack:
            node = stack.pop()
            kind = self.resolve(node.raw_get("/Type")) if "/Type" in node else None
            kids = node.raw_get("/Kids") if "/Kids" in node else None
            # A node with /Kids is walked whatever its /Type says, as qpdf (CUPS's pdftopdf)
            # walks it: a "/Type /Page" node with kids must not hide its pages.
            if kids is not None:
                kid_list = self.resolve(kids) if kids is not None else None
                if not isinstance(kid_list, list):
                    raise Uncountable(Problem.DAMAGED, "a page tree node's /Kids is not a list")
                for kid in kid_list:
                    if isinstance(kid, IndirectObject):
                        key = (kid.idnum, kid.generation)
                        if key in listed:
                            raise Uncountable(Problem.DAMAGED, "the page tree lists a node twice")
                        listed.add(key)
                        if self.plain_leaf(kid):
                            pages += 1
                            continue
                    stack.append(self.node(kid))
            elif kind in ("/Page", None):
                pages += 1
            else:
                raise Uncountable(Problem.DAMAGED, f"unexpected object {kind} in the page tree")
        return pages

    def resolve(self, value: object) -> object:
        """The object a reference points to (one in an object stream parsed alone)."""
        from pypdf.generic import IndirectObject, read_object  # noqa: PLC0415

        if isinstance(value, IndirectObject) and value.idnum in self.in_streams:
            return read_object(io.BytesIO(self.streamed(value.idnum)), self.reader)
        return value.get_object() if hasattr(value, "get_object") else value

    def node(self, value: object) -> DictionaryObject:
        """A page tree node, parsed."""
        from pypdf.generic import DictionaryObject  # noqa: PLC0415

        target = self.resolve(value)
        if not isinstance(target, DictionaryObject):
            raise Uncountable(Problem.DAMAGED, "the page tree holds something that is not a page")
        return target

    def plain_leaf(self, kid: IndirectObject) -> bool:
        """True when the kid's own bytes show a page and nothing under it."""
        if kid.idnum in self.in_streams:
            raw = self.streamed(kid.idnum)
        else:
            offset = self.offsets.get(kid.generation, {}).get(kid.idnum)
            if offset is None:
                return False
            end = self.data.find(b"endobj", offset, offset + _RAW_LIMIT)
            raw = self.data[offset:end] if end > 0 else b""
            if not raw.startswith(f"{kid.idnum} {kid.generation} obj".encode()):
                return False
        return (
            0 < len(raw) < _RAW_LIMIT
            and b"/Kids" not in raw
            and b"#" not in raw
            and _LEAF_TYPE.search(raw) is not None
        )

    def streamed(self, idnum: int) -> bytes:
        """An object's bytes inside its object stream (each stream decoded once)."""
        from pypdf.generic import DictionaryObject, StreamObject  # noqa: PLC0415

        number = self.in_streams[idnum][0]
        if number not in self.unpacked:
            stream = self.reader.get_object(number)
            if not isinstance(stream, StreamObject) or not isinstance(stream, DictionaryObject):
                raise Uncountable(Problem.DAMAGED, "an object stream is not a stream")
            body = stream.get_data()
            first = int(stream.get("/First", 0))
            numbers = [int(n) for n in body[:first].split()]
            starts = [(numbers[i], first + numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
            ends = [start for _, start in starts[1:]] + [len(body)]
            spans = {num: (start, end) for (num, start), end in zip(starts, ends, strict=True)}
            self.unpacked[number] = (body, spans)
        body, spans = self.unpacked[number]
        start, end = spans.get(idnum, (0, 0))
        return body[start:end]


def _postscript_pages(path: Path) -> int:
    data = path.read_bytes()
    if not data.startswith(b"%!PS"):
        raise Uncountable(Problem.DAMAGED, "not a PostScript file")
    declared = [m.group(1) for m in _DSC_PAGES.finditer(data)]
    numbers = [int(d) for d in declared if d != b"(atend)"]
    marks = len(_DSC_PAGE.findall(data))
    if not numbers and not marks:
        raise Uncountable(Problem.UNKNOWN_FORMAT, "PostScript without page comments (DSC)")
    if numbers and marks and numbers[-1] != marks:
        raise Uncountable(
            Problem.DAMAGED, f"says {numbers[-1]} pages but marks {marks}: not counted"
        )
    return numbers[-1] if numbers else marks
