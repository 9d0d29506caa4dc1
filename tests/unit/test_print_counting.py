"""Pages and sheets of a print job: what the visitor will pay for and the paper it takes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.printing import (
    JobOptionError,
    JobOptions,
    PageSet,
    Sides,
    allowance,
    count_job,
    parse_page_ranges,
    quote,
)

DUPLEX = Sides.TWO_SIDED_LONG_EDGE


@pytest.mark.parametrize(
    ("document", "options", "pages", "sheets"),
    [
        (1, JobOptions(), 1, 1),
        (2, JobOptions(), 2, 2),
        (10, JobOptions(sides=DUPLEX), 10, 5),
        (11, JobOptions(sides=Sides.TWO_SIDED_SHORT_EDGE), 11, 6),
        (10, JobOptions(number_up=2), 5, 5),
        (10, JobOptions(number_up=2, sides=DUPLEX), 5, 3),
        (10, JobOptions(number_up=2, sides=DUPLEX, copies=2), 10, 6),
        (57, JobOptions(), 57, 57),
        (57, JobOptions(number_up=4, sides=DUPLEX), 15, 8),
        (57, JobOptions(number_up=16), 4, 4),
        (57, JobOptions(copies=3, sides=DUPLEX), 171, 87),
        (1, JobOptions(copies=3, sides=DUPLEX), 3, 3),
        # page-ranges pick printed sides; pages past the end are ignored; overlaps count once.
        (57, JobOptions(page_ranges=((1, 3), (10, 10))), 4, 4),
        (3, JobOptions(page_ranges=((2, 10),)), 2, 2),
        (10, JobOptions(page_ranges=((1, 3), (2, 4))), 4, 4),
        (10, JobOptions(page_ranges=((20, 30),)), 0, 0),
        (10, JobOptions(number_up=2, page_ranges=((2, 2),)), 1, 1),
        # input-page-ranges pick document pages before n-up.
        (10, JobOptions(number_up=2, input_page_ranges=((1, 4),)), 2, 2),
        # odd/even sides, with the blank side pdftopdf adds after an odd count.
        (5, JobOptions(page_set=PageSet.ODD), 3, 4),
        (5, JobOptions(page_set=PageSet.EVEN), 2, 2),
        (6, JobOptions(page_set=PageSet.ODD, sides=DUPLEX), 3, 2),
        (0, JobOptions(), 0, 0),
    ],
)
def test_pages_and_sheets(document: int, options: JobOptions, pages: int, sheets: int):
    count = count_job(document, options)
    assert (count.pages, count.sheets) == (pages, sheets)
    assert count.document_pages == document


@given(
    document=st.integers(0, 300),
    copies=st.integers(1, 20),
    number_up=st.sampled_from([1, 2, 4, 6, 9, 16]),
    sides=st.sampled_from(list(Sides)),
)
def test_never_more_pages_than_asked_nor_fewer_sheets_than_possible(
    document: int, copies: int, number_up: int, sides: Sides
):
    count = count_job(document, JobOptions(copies, number_up=number_up, sides=sides))
    assert count.pages <= document * copies
    assert count.pages == -(-document // number_up) * copies
    per_copy_sides = count.pages // copies
    assert (
        count.sheets
        == (-(-per_copy_sides // 2) if sides is not Sides.ONE_SIDED else per_copy_sides) * copies
    )
    assert count.sheets <= count.pages


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("1-3,5", ((1, 3), (5, 5))),
        (" 2 - 4 ", ((2, 4),)),
        ("7-", ((7, 1 << 30),)),
        ("-3", ((1, 3),)),
    ],
)
def test_page_ranges_as_typed_in_a_print_dialog(text: str, ranges: tuple[tuple[int, int], ...]):
    assert parse_page_ranges(text) == ranges


@pytest.mark.parametrize("text", ["0-3", "5-2", "a", "1-b", "1--3"])
def test_impossible_ranges_are_refused_by_name(text: str):
    with pytest.raises(JobOptionError) as caught:
        parse_page_ranges(text)
    assert caught.value.option == "page-ranges"


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"copies": 0}, "copies"),
        ({"copies": 1000}, "copies"),
        ({"number_up": 3}, "number-up"),
        ({"page_ranges": ((0, 2),)}, "page-ranges"),
        ({"input_page_ranges": ((4, 2),)}, "input-page-ranges"),
    ],
)
def test_options_the_kiosk_will_not_guess_about(options: dict, option: str):
    with pytest.raises(JobOptionError) as caught:
        JobOptions(**options)
    assert caught.value.option == option


def _left(**changes: int):
    values = {
        "session_quota": 20,
        "day_quota": None,
        "printed_session": 0,
        "printed_today": 0,
        "granted": 0,
        "free_pages": 0,
        "free_used": 0,
    }
    return allowance(**{**values, **changes})


def test_price_is_per_printed_page_in_black_and_white_or_colour():
    count = count_job(10, JobOptions(number_up=2, sides=DUPLEX, copies=2))  # 10 pages
    assert quote(count, False, _left(), 10, 50).cost_cents == 100
    assert quote(count, True, _left(), 10, 50).cost_cents == 500


def test_what_is_left_after_a_job_is_shown_before_it_prints():
    job = quote(count_job(6, JobOptions()), False, _left(printed_session=4), 10, 50)
    assert (job.over_quota, job.pages_left_after, job.cost_cents) == (False, 10, 60)


def test_a_job_over_the_quota_is_refused_not_cut():
    job = quote(count_job(21, JobOptions()), False, _left(), 10, 50)
    assert job.over_quota and job.pages_left_after == 20 and job.cost_cents == 0


def test_a_members_day_quota_counts_pages_printed_on_other_pcs():
    left = _left(day_quota=50, printed_today=45)
    assert left.pages_left == 5
    assert quote(count_job(6, JobOptions()), False, left, 10, 50).over_quota


def test_free_pages_of_a_ticket_are_used_first():
    left = _left(free_pages=5)
    job = quote(count_job(8, JobOptions()), False, left, 10, 50)
    assert (job.free_pages_used, job.cost_cents) == (5, 30)


def test_an_animators_grant_raises_the_quota_and_costs_nothing():
    left = _left(printed_session=20, granted=10)
    assert left.pages_left == 10
    job = quote(count_job(10, JobOptions()), False, left, 10, 50)
    assert (job.over_quota, job.cost_cents, job.pages_left_after) == (False, 0, 0)
