"""The manual pages and ``--version``: each page lists every command and option its program
takes (they are made from the parsers), man renders it without a warning, each package ships
its own, and ``--version`` says the installed version."""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from admin_console.cli import command_parser as console_parser
from epn_shared.version import installed_version
from installer.manpages import man_page, write_man_pages
from installer.plan import Role
from kiosk.cli import command_parser as kiosk_parser


def _options(parser: argparse.ArgumentParser) -> dict[str, set[str]]:
    """Each command and the option strings it takes (not those hidden from ``--help``)."""
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {
        name: {
            flag
            for action in sub._actions
            if action.help != argparse.SUPPRESS
            for flag in action.option_strings
        }
        for name, sub in commands.choices.items()
    }


@pytest.mark.parametrize(
    ("program", "parser"), [("epn-kiosk", kiosk_parser), ("epn-console", console_parser)]
)
def test_a_page_names_every_command_and_option(
    program: str, parser: argparse.ArgumentParser
) -> None:
    page = man_page(program).replace("\\-", "-")  # groff writes a dash as \-
    every = _options(parser())
    for command, flags in every.items():
        assert f"{program} {command}" in page, f"{command} missing from the page"
        for flag in flags - {"-h", "--help"}:
            assert flag in page, f"{command} {flag} missing from the page"


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_renders_each_page_without_a_warning(tmp_path: Path) -> None:
    for path in write_man_pages(tmp_path):
        done = subprocess.run(
            ["man", "--warnings", "-l", str(path)],
            capture_output=True,
            text=True,
            env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", done.stderr
        assert path.name.removesuffix(".1.gz").upper() in done.stdout


@pytest.mark.slow  # the session builds both packages once: minutes
def test_each_package_ships_its_own_page(unpacked: dict[Role, Path]) -> None:
    for role, program in ((Role.KIOSK, "epn-kiosk"), (Role.CONSOLE, "epn-console")):
        pages = sorted(p.name for p in (unpacked[role] / "usr/share/man/man1").iterdir())
        assert pages == [f"{program}.1.gz"]
        text = gzip.decompress((unpacked[role] / "usr/share/man/man1" / pages[0]).read_bytes())
        assert text.decode() == man_page(program)


def test_version_says_the_installed_version() -> None:
    for module in ("kiosk", "admin_console.cli"):
        done = subprocess.run(
            [sys.executable, "-m", module, "--version"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert done.stdout.split()[-1] == installed_version() != "unknown"
