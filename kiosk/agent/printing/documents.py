"""Counting the pages of a held document, without trusting what the client claimed.

PDF is read with pypdf, walking the page tree (a forged ``/Count`` is not believed);
PostScript by its DSC comments; an image is one page. Anything else, or a document that is
damaged, needs a password to open, or says two different things, is :class:`Uncountable`:
it is never printed silently.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

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

    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL_BYTES))
        if b"%%EOF" not in handle.read():
            # A truncated file: pypdf could guess at it, a printer might print part of it.
            raise Uncountable(Problem.DAMAGED, "the file is cut short (no end-of-file mark)")
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pypdf warns about every repairable oddity
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Uncountable(Problem.ENCRYPTED, "the document needs a password to open")
        # Walk the page tree (len() alone would trust the root's /Count).
        return sum(1 for _ in _walk(reader))
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


def _walk(reader: PdfReader) -> list[DictionaryObject]:
    from pypdf.generic import DictionaryObject  # noqa: PLC0415

    def node_of(value: object) -> DictionaryObject:
        target = value.get_object() if hasattr(value, "get_object") else value
        if not isinstance(target, DictionaryObject):
            raise Uncountable(Problem.DAMAGED, "the page tree holds something that is not a page")
        return target

    catalog = node_of(reader.trailer["/Root"])
    pages: list[DictionaryObject] = []
    seen: set[int] = set()
    stack = [node_of(catalog.get("/Pages"))]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise Uncountable(Problem.DAMAGED, "the page tree loops")
        seen.add(id(node))
        kind = node.get("/Type")
        kids = node.get("/Kids")
        if kind == "/Pages" or (kind is None and kids is not None):
            listed = kids.get_object() if kids is not None else None
            if not isinstance(listed, list):
                raise Uncountable(Problem.DAMAGED, "a page tree node lists no pages")
            stack.extend(node_of(kid) for kid in reversed(listed))
        elif kind == "/Page" or kind is None:
            pages.append(node)
        else:
            raise Uncountable(Problem.DAMAGED, f"unexpected object {kind} in the page tree")
    return pages


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
