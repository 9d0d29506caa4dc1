"""What a print job will use and cost: pure arithmetic over a document's page count and the
job's options, applied as CUPS's pdftopdf filter applies them: ``input-page-ranges`` selects
document pages, n-up puts several on one side, then ``page-ranges`` and ``page-set`` pick
among those *printed* sides (by their number), a blank side evens out an odd/even selection,
duplex puts two sides on a sheet, and all of it is repeated per copy.

Words, as the visitor sees them: a *page* is one printed side (what is paid for), a *sheet*
is one piece of paper. A 10-page document printed 2 per side, on both sides, twice, is
10 pages on 6 sheets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_COPIES = 999
NUMBER_UP = frozenset({1, 2, 4, 6, 9, 16})
"""The n-up values CUPS's pdftopdf accepts."""


class JobOptionError(ValueError):
    """A job option this kiosk will not guess about; ``option`` names it."""

    def __init__(self, option: str, problem: str) -> None:
        self.option = option
        super().__init__(f"{option}: {problem}")


class Sides(StrEnum):
    """IPP ``sides``."""

    ONE_SIDED = "one-sided"
    TWO_SIDED_LONG_EDGE = "two-sided-long-edge"
    TWO_SIDED_SHORT_EDGE = "two-sided-short-edge"


class PageSet(StrEnum):
    """CUPS ``page-set``: print every selected page, or only the odd or even ones."""

    ALL = "all"
    ODD = "odd"
    EVEN = "even"


@dataclass(frozen=True, slots=True)
class JobOptions:
    """The options of a job that change how much paper it uses."""

    copies: int = 1
    page_ranges: tuple[tuple[int, int], ...] = ()
    """Inclusive 1-based ranges of printed sides (after n-up); empty means all."""
    input_page_ranges: tuple[tuple[int, int], ...] = ()
    """Inclusive 1-based ranges of document pages (before n-up); empty means all."""
    number_up: int = 1
    sides: Sides = Sides.ONE_SIDED
    page_set: PageSet = PageSet.ALL

    def __post_init__(self) -> None:
        if not 1 <= self.copies <= MAX_COPIES:
            raise JobOptionError("copies", f"between 1 and {MAX_COPIES}")
        if self.number_up not in NUMBER_UP:
            raise JobOptionError("number-up", f"one of {sorted(NUMBER_UP)}")
        for name, ranges in (
            ("page-ranges", self.page_ranges),
            ("input-page-ranges", self.input_page_ranges),
        ):
            for first, last in ranges:
                if first < 1 or last < first:
                    raise JobOptionError(name, f"{first}-{last} is not a range of pages")

    @property
    def duplex(self) -> bool:
        """Two sides on each sheet."""
        return self.sides is not Sides.ONE_SIDED


@dataclass(frozen=True, slots=True)
class PrintCount:
    """What a job uses."""

    document_pages: int
    pages: int
    """Printed sides, all copies: what the visitor pays for."""
    sheets: int
    """Pieces of paper, all copies."""


def _in(ranges: tuple[tuple[int, int], ...], number: int) -> bool:
    return not ranges or any(first <= number <= last for first, last in ranges)


def count_job(document_pages: int, options: JobOptions) -> PrintCount:
    """Pages and sheets of a job over a document of ``document_pages`` pages.

    Ranges are sets (a page listed twice prints once); pages past the end are ignored."""
    if document_pages < 0:
        raise ValueError("a document has no negative pages")
    chosen = sum(_in(options.input_page_ranges, p) for p in range(1, document_pages + 1))
    sides = -(-chosen // options.number_up)
    kept = sum(
        _in(options.page_ranges, side)
        and (
            options.page_set is PageSet.ALL or (side % 2 == 1) == (options.page_set is PageSet.ODD)
        )
        for side in range(1, sides + 1)
    )
    # pdftopdf adds a blank side after an odd count of odd or even sides (for manual duplex).
    blank = 1 if options.page_set is not PageSet.ALL and kept % 2 else 0
    sheets = -(-(kept + blank) // 2) if options.duplex else kept + blank
    return PrintCount(document_pages, kept * options.copies, sheets * options.copies)


def parse_page_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """``"1-3,5,8-"`` as ranges; an open end (``8-``) runs to the last page."""
    ranges: list[tuple[int, int]] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first_text, dash, last_text = part.partition("-")
        try:
            first = int(first_text) if first_text else 1
            last = (int(last_text) if last_text else 1 << 30) if dash else first
        except ValueError:
            raise JobOptionError("page-ranges", f"{part!r} is not a page or a range") from None
        if first < 1 or last < first:
            raise JobOptionError("page-ranges", f"{part!r} is not a range of pages")
        ranges.append((first, last))
    return tuple(ranges)


@dataclass(frozen=True, slots=True)
class Allowance:
    """What a session may still print, and how much of it is free."""

    pages_left: int
    """Pages this session may still print (the session's and, for a member, the day's
    quota, plus what an animator granted)."""
    free_pages_left: int
    """Pages that cost nothing (a ticket's free pages, an animator's grant)."""


@dataclass(frozen=True, slots=True)
class Quote:
    """What the visitor is asked to confirm before anything comes out."""

    count: PrintCount
    colour: bool
    cost_cents: int
    free_pages_used: int
    pages_left_after: int
    over_quota: bool
    """True when the job needs more pages than are left: it is refused, not priced."""


def allowance(
    *,
    session_quota: int,
    day_quota: int | None,
    printed_session: int,
    printed_today: int,
    granted: int,
    free_pages: int,
    free_used: int,
) -> Allowance:
    """What is left: the smaller of the session's and the day's quota (``day_quota`` None
    when the visitor is not known across sessions), plus grants; grants and free pages
    are free of charge."""
    left = session_quota - printed_session
    if day_quota is not None:
        left = min(left, day_quota - printed_today)
    return Allowance(
        pages_left=max(0, left) + max(0, granted),
        free_pages_left=max(0, free_pages + granted - free_used),
    )


def quote(
    count: PrintCount, colour: bool, left: Allowance, price_cents: int, colour_price_cents: int
) -> Quote:
    """The price and what is left after this job, or over quota."""
    if count.pages > left.pages_left:
        return Quote(count, colour, 0, 0, left.pages_left, over_quota=True)
    free = min(count.pages, left.free_pages_left)
    unit = colour_price_cents if colour else price_cents
    return Quote(
        count,
        colour,
        cost_cents=(count.pages - free) * unit,
        free_pages_used=free,
        pages_left_after=left.pages_left - count.pages,
        over_quota=False,
    )
