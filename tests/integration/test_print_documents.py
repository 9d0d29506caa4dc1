"""Counting the pages of what visitors print: exact, or an explicit refusal, never a guess."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.print_documents import (
    A4,
    A4_LANDSCAPE,
    LETTER,
    nested_tree,
    truncated,
    with_object_streams,
    write_pdf,
    write_postscript,
    write_raw_pdf,
)

from kiosk.agent.printing.documents import Problem, Uncountable, count_pages
from kiosk.core.printing import JobOptions, Sides, count_job

PDF = "application/pdf"
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")


@pytest.mark.parametrize("pages", [1, 2, 57])
def test_pdf_pages_are_counted_exactly(tmp_path: Path, pages: int):
    assert count_pages(write_pdf(tmp_path / "doc.pdf", pages), PDF) == pages


@needs_qpdf
@pytest.mark.parametrize("pages", [1, 57])
def test_object_streams_and_compressed_xref_are_counted(tmp_path: Path, pages: int):
    plain = write_pdf(tmp_path / "plain.pdf", pages)
    packed = with_object_streams(plain, tmp_path / "packed.pdf")
    assert b"/ObjStm" in packed.read_bytes()
    assert b"/XRef" in packed.read_bytes()
    assert count_pages(packed, PDF) == pages


def test_landscape_and_mixed_page_sizes_count_each_page(tmp_path: Path):
    doc = write_pdf(tmp_path / "mixed.pdf", [A4, A4_LANDSCAPE, LETTER, A4_LANDSCAPE, A4])
    assert count_pages(doc, PDF) == 5


def test_a_pdf_with_only_an_owner_password_opens_and_is_counted(tmp_path: Path):
    # Such files print everywhere (the owner password only restricts editing).
    doc = write_pdf(tmp_path / "owner.pdf", 3, owner_password="s3cret")
    assert b"/Encrypt" in doc.read_bytes()
    assert count_pages(doc, PDF) == 3


def test_a_pdf_that_needs_a_password_is_refused(tmp_path: Path):
    doc = write_pdf(tmp_path / "locked.pdf", 3, user_password="u", owner_password="o")
    with pytest.raises(Uncountable) as caught:
        count_pages(doc, PDF)
    assert caught.value.problem is Problem.ENCRYPTED


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_pdf_is_refused(tmp_path: Path, keep: float):
    doc = truncated(write_pdf(tmp_path / "full.pdf", 57), tmp_path / "cut.pdf", keep)
    with pytest.raises(Uncountable) as caught:
        count_pages(doc, PDF)
    assert caught.value.problem is Problem.DAMAGED


def test_a_forged_page_count_is_not_believed(tmp_path: Path):
    # A visitor cannot pay for 1 page and print 40 by editing the page tree's /Count.
    doc = write_pdf(tmp_path / "forged.pdf", 40, forged_count=1)
    assert count_pages(doc, PDF) == 40


def test_garbage_called_pdf_is_refused(tmp_path: Path):
    doc = tmp_path / "junk.pdf"
    doc.write_bytes(b"%PDF-1.7\nthis is not a pdf\n%%EOF\n")
    with pytest.raises(Uncountable) as caught:
        count_pages(doc, PDF)
    assert caught.value.problem is Problem.DAMAGED


@pytest.mark.parametrize("pages", [1, 12])
def test_postscript_is_counted_from_its_page_comments(tmp_path: Path, pages: int):
    assert (
        count_pages(write_postscript(tmp_path / "doc.ps", pages), "application/postscript") == pages
    )


def test_postscript_that_lies_about_its_pages_is_refused(tmp_path: Path):
    doc = write_postscript(tmp_path / "liar.ps", 9, declared=1)
    with pytest.raises(Uncountable) as caught:
        count_pages(doc, "application/postscript")
    assert caught.value.problem is Problem.DAMAGED


def test_postscript_without_page_comments_is_refused(tmp_path: Path):
    doc = tmp_path / "raw.ps"
    doc.write_text("%!PS\nshowpage\nshowpage\n", encoding="ascii")
    with pytest.raises(Uncountable) as caught:
        count_pages(doc, "application/postscript")
    assert caught.value.problem is Problem.UNKNOWN_FORMAT


def test_an_unknown_format_is_refused(tmp_path: Path):
    doc = tmp_path / "letter.odt"
    doc.write_bytes(b"PK\x03\x04 not printable as is")
    with pytest.raises(Uncountable) as caught:
        count_pages(doc, "application/vnd.oasis.opendocument.text")
    assert caught.value.problem is Problem.UNKNOWN_FORMAT


def test_a_pdf_sent_as_octet_stream_is_recognised(tmp_path: Path):
    doc = write_pdf(tmp_path / "doc", 2)
    assert count_pages(doc, "application/octet-stream") == 2


def test_an_image_is_one_page(tmp_path: Path):
    doc = tmp_path / "photo.jpg"
    doc.write_bytes(b"\xff\xd8\xff\xe0 not really decoded")
    assert count_pages(doc, "image/jpeg") == 1


@needs_qpdf
def test_57_pages_two_per_side_both_sides_three_copies(tmp_path: Path):
    packed = with_object_streams(write_pdf(tmp_path / "a.pdf", 57), tmp_path / "b.pdf")
    count = count_job(
        count_pages(packed, PDF), JobOptions(3, number_up=2, sides=Sides.TWO_SIDED_LONG_EDGE)
    )
    # 57 pages, 2 per side: 29 sides, 15 sheets; three times.
    assert (count.pages, count.sheets) == (87, 45)


def test_a_deep_page_tree_is_walked_to_its_leaves(tmp_path: Path):
    doc = write_raw_pdf(tmp_path / "tree.pdf", nested_tree([10, 20, 27]))
    assert count_pages(doc, PDF) == 57


def test_page_tree_nodes_hidden_behind_name_escapes_are_still_walked(tmp_path: Path):
    # "/Type /Page /K#69ds [...]" is a node with kids to every PDF reader: a printer
    # prints all 30 pages, so they are counted.
    doc = write_raw_pdf(tmp_path / "hidden.pdf", nested_tree([10, 20], disguise=True))
    assert count_pages(doc, PDF) == 30


def test_a_page_listed_twice_or_a_looping_tree_is_refused(tmp_path: Path):
    objects = nested_tree([2])
    twice = [*objects]
    twice[2] = twice[2].replace(b"[4 0 R 5 0 R]", b"[4 0 R 5 0 R 4 0 R]")
    looped = [*objects]
    looped[2] = looped[2].replace(b"[4 0 R 5 0 R]", b"[4 0 R 5 0 R 2 0 R]")
    for name, pdf in (("twice", twice), ("loop", looped)):
        with pytest.raises(Uncountable) as caught:
            count_pages(write_raw_pdf(tmp_path / f"{name}.pdf", pdf), PDF)
        assert caught.value.problem is Problem.DAMAGED
