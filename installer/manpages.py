"""``python -m installer.manpages --out DIR``: the manual pages of ``epn-kiosk`` and
``epn-console``, made from their argument parsers (argparse-manpage), so a page cannot say
an option the program does not take. The packages ship them in ``/usr/share/man/man1``."""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Sequence
from pathlib import Path

from epn_shared.version import installed_version

PROGRAMS = {
    "epn-kiosk": "a public computer of an EPN: the agent, the visitor's shell, enrollment",
    "epn-console": "the staff console of an EPN: its server, first-setup commands and window",
}
URL = "https://github.com/epn-kiosk/epn-kiosk"


def man_page(program: str) -> str:
    """The groff text of ``program``'s manual page, every command with its options."""
    from argparse_manpage.manpage import Manpage  # noqa: PLC0415 (a build tool)

    if program == "epn-kiosk":
        from kiosk.cli import command_parser  # noqa: PLC0415

        parser = command_parser()
    else:
        from admin_console.cli import command_parser as console_parser  # noqa: PLC0415

        parser = console_parser()
    data = {
        "project_name": "EPN Kiosk",
        "version": installed_version(),
        "manual_title": "EPN Kiosk",
        "description": PROGRAMS[program],
        "url": URL,
        "authors": ["EPN Kiosk contributors"],
    }
    return str(Manpage(parser, data))


def man_page_gz(program: str) -> bytes:
    """The page gzipped as Debian ships it, reproducibly (no time in the gzip header)."""
    return gzip.compress(man_page(program).encode("utf-8"), compresslevel=9, mtime=0)


def write_man_pages(folder: Path) -> list[Path]:
    """Write ``<program>.1.gz`` for each program into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for program in PROGRAMS:
        path = folder / f"{program}.1.gz"
        path.write_bytes(man_page_gz(program))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the manual pages."""
    parser = argparse.ArgumentParser(prog="python -m installer.manpages", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("dist/man"), help="where they go")
    args = parser.parse_args(argv)
    for path in write_man_pages(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
