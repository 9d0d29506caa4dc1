"""The install guides (``docs/install-{fr,nl,en}.md``) say what the product does.

An animator follows them word for word: a command option that does not exist, a button
named differently on screen, a picture that is missing or an output the program never
prints leaves them stuck. These tests read the three guides and hold each against the real
parsers, the real screen texts (the i18n tables), the real pictures and the product's own
printed sentences; and they keep the three guides one guide in three languages.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from admin_console.cli import command_parser as console_parser
from admin_console.gui import i18n as staff
from admin_console.gui.first_run_view import STEPS as SETUP_STEPS
from installer.__main__ import _parser as installer_parser
from installer.console_setup import main as console_setup
from kiosk.cli import command_parser as kiosk_parser
from kiosk.shell import i18n as shell
from policies import Language

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDES = {
    Language.FR: DOCS / "install-fr.md",
    Language.NL: DOCS / "install-nl.md",
    Language.EN: DOCS / "install-en.md",
}
PICTURE_SUFFIX = {Language.FR: "", Language.NL: "-nl", Language.EN: "-en"}
"""The console window's pictures are made in each staff language (console_pictures.py
OUTDIR LANG); the visitor's screens are shown in French in all three guides."""
PENDING_COMMANDS: set[str] = set()
"""Commands the guides describe for work being merged (marked ``check after merge`` in the
guides): until the parser has them they are not checked; once it has, they are."""

FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
PICTURE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", re.MULTILINE)
INLINE = re.compile(r"`([^`\n]+)`")
PROGRAMS = {
    "epn-console": re.compile(
        r'(?:^|[\s("])(?:/opt/epn-console/venv/bin/)?epn-console ([a-z][^|;)\n]*)'
    ),
    "epn-kiosk": re.compile(r'(?:^|[\s("])(?:/opt/epn-kiosk/venv/bin/)?epn-kiosk ([a-z][^|;)\n]*)'),
    "installer": re.compile(r"-m installer ([^|;)\n]*)"),
    "console_setup": re.compile(r"-m installer\.console_setup ([^|;)\n]*)"),
}


def guide(language: Language) -> str:
    return GUIDES[language].read_text(encoding="utf-8")


def blocks(text: str) -> list[tuple[str, str]]:
    """Each fenced block as (kind, content without its indentation)."""
    found = []
    for match in FENCE.finditer(text):
        indent = len(match.group(1))
        lines = [line[indent:] for line in match.group(3).splitlines()]
        found.append((match.group(2), "\n".join(lines)))
    return found


def same_everywhere(block: tuple[str, str]) -> tuple[str, str]:
    """A block as it is in every language: the staff window's language is the guide's."""
    kind, content = block
    return kind, re.sub(r"--language (fr|nl|en)\b", "--language LANGUAGE", content)


def flat(text: str) -> str:
    """Text as a reader sees it: no-break spaces as spaces, line breaks and indentation as
    one space (a quoted sentence may run over two lines of the guide)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.mark.parametrize("language", list(GUIDES))
def test_each_guide_has_the_same_parts_as_the_english_one(language: Language) -> None:
    assert HEADING.findall(guide(language)) == HEADING.findall(guide(Language.EN))


@pytest.mark.parametrize("language", list(GUIDES))
def test_each_guide_gives_the_same_commands_and_outputs(language: Language) -> None:
    """Same commands, same printed lines, in the same order: only the prose is translated
    (the programs print English)."""

    def common(text: str) -> list[tuple[str, str]]:
        return [same_everywhere(block) for block in blocks(text)]

    assert common(guide(language)) == common(guide(Language.EN))


@pytest.mark.parametrize("language", list(GUIDES))
def test_every_picture_a_guide_shows_exists_and_matches_the_others(language: Language) -> None:
    pictures = PICTURE.findall(guide(language))
    assert pictures, "a guide for people who follow the screen shows the screen"
    for picture in pictures:
        assert (DOCS / picture).is_file(), f"{GUIDES[language].name}: {picture} is missing"
    suffix = PICTURE_SUFFIX[language]

    def common(name: str, suffix: str) -> str:
        return name.replace(f"{suffix}.png", ".png") if suffix else name

    english = [common(p, PICTURE_SUFFIX[Language.EN]) for p in PICTURE.findall(guide(Language.EN))]
    assert [common(p, suffix) for p in pictures] == english
    for picture in pictures:
        name = Path(picture).name
        if name.startswith("console-"):
            language_of = re.search(r"-(nl|en)\.png$", name)
            assert (language_of.group(1) if language_of else "fr") == language.value, (
                f"{GUIDES[language].name}: {picture} is not the staff window in its language"
            )


def commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(program, arguments) of every command the guide gives: in its command blocks and
    in its inline code."""
    pieces = [content for kind, content in blocks(text) if kind == "sh"]
    pieces += INLINE.findall(text)
    for piece in pieces:
        for line in piece.splitlines():
            for program, pattern in PROGRAMS.items():
                for match in pattern.finditer(line):
                    words = shlex.split(match.group(1).rstrip('"').replace("…", "x"))
                    if program == "installer" and match.group(0).startswith("-m installer."):
                        continue
                    yield program, words


def _parses(parser: argparse.ArgumentParser, words: list[str]) -> str:
    """'' when the parser takes the words, else what it says."""
    said = io.StringIO()
    with contextlib.redirect_stderr(said), contextlib.suppress(SystemExit):
        parser.parse_args(words)
        return ""
    return said.getvalue() or "refused"


def _console_setup_options() -> set[str]:
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), contextlib.suppress(SystemExit):
        console_setup(["--help"])
    return set(re.findall(r"--[a-z-]+", shown.getvalue()))


def _pending(parser: argparse.ArgumentParser, words: list[str]) -> bool:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return bool(words) and words[0] in PENDING_COMMANDS and words[0] not in actions[0].choices


@pytest.mark.parametrize("language", list(GUIDES))
def test_every_command_and_option_a_guide_gives_exists(language: Language) -> None:
    given = list(commands(guide(language)))
    programs = {program for program, _ in given}
    assert programs == set(PROGRAMS), f"the guide should use every program: {programs}"
    setup_options = _console_setup_options()
    wrong = []
    for program, words in given:
        if program == "console_setup":
            unknown = [w for w in words if w.startswith("--") and w not in setup_options]
            if unknown:
                wrong.append(f"python -m installer.console_setup {unknown}")
            continue
        parser: argparse.ArgumentParser
        if program == "epn-console":
            parser = console_parser()
        elif program == "epn-kiosk":
            parser = kiosk_parser(words[0] if words else None)
        else:
            parser = installer_parser()
        if program == "epn-console" and _pending(parser, words):
            continue
        said = _parses(parser, words)
        if said:
            wrong.append(f"{program} {shlex.join(words)}: {said.strip()}")
    assert not wrong, "\n".join(wrong)


STAFF_WORDS: list[tuple[str, dict[str, object]]] = [
    ("login.title", {}),
    ("login.submit", {}),
    ("login.wrong", {}),
    ("net.unreachable", {}),
    ("net.tls_mismatch", {}),
    ("setup.title", {}),
    ("setup.next", {}),
    ("setup.finish", {}),
    ("setup.later", {}),
    ("hours.closed", {}),
    ("hours.end_before_start", {}),
    ("hours.missing_time", {}),
    ("hours.title", {}),
    ("hours.closures", {}),
    ("hours.closure_add", {}),
    ("room.title", {}),
    ("room.empty", {}),
    ("state.free", {}),
    ("state.session", {}),
    ("state.wiping", {}),
    ("state.offline", {}),
    ("seen.at", {"time": "09:41"}),
    ("refusal.offline", {}),
    ("tile.left_behind", {}),
    ("tile.left_behind_why", {"version": "…"}),
    ("tab.policy", {}),
    ("tab.usage", {}),
    ("policy.read_only", {}),
    ("policy.field.printing.price_per_page_cents", {}),
    ("policy.field.printing.colour_price_per_page_cents", {}),
    ("policy.field.printing.pages_per_session", {}),
    ("policy.field.printing.pages_per_day", {}),
    ("policy.field.session.length_minutes", {}),
    ("policy.field.session.warnings_minutes", {}),
    ("policy.field.staff.language", {}),
    ("policy.save", {}),
    ("policy.saved", {}),
    ("policy.pcs", {}),
    ("policy.pcs_current", {"pcs": ""}),
    ("policy.pcs_behind", {"pcs": ""}),
    ("policy.refused", {}),
    ("admin.title", {}),
    ("admin.username", {}),
    ("admin.password", {}),
    ("admin.again", {}),
    ("admin.create", {}),
    ("admin.mismatch", {}),
    ("admin.too_short", {"n": 8}),
    ("admin.not_here", {}),
    ("printer.searching", {}),
    ("printer.list", {}),
    ("printer.search_again", {}),
    ("printer.address", {}),
    ("printer.use_address", {}),
    ("printer.test", {}),
    ("printer.test_sent", {"job": 12}),
    ("printer.none_found", {}),
    ("printer.no_queue", {}),
    ("printer.refused", {}),
    ("printer.local", {}),
    ("pairing.open", {}),
    ("pairing.again", {}),
    ("printer.network", {}),
    ("printer.clear", {}),
    ("printer.none_chosen", {}),
    ("printer.title", {}),
]
"""What the guides quote from the staff window (admin_console/gui/i18n.py)."""
VISITOR_WORDS = (
    "choose_language",
    "choose_start",
    "mode_walk_in",
    "rules_title",
    "accept",
    "help",
    "end_session",
    "end_confirm_yes",
    "print_confirm_title",
    "print",
    "closed_title",
    "wait_title",
    "not_connected",
    "members_unreachable",
    "staff",
    "pair_open",
    "staff_pin_title",
    "staff_actions",
    "pair_choose",
    "pair_searching",
    "pair_code",
    "pair_connect",
    "pair_search_again",
    "pair_address",
    "pair_none_found",
    "pair_done_detail",
    "close",
    "wrong_pin",
    "pairing_code_refused",
    "pc_name_taken",
    "console_unreachable",
    "updating",
)
"""What the guides quote from the visitor's screens (kiosk/shell/i18n.py)."""


def _words(language: Language) -> Iterator[str]:
    for key, values in STAFF_WORDS:
        yield staff.text(key, language, **values).strip()
    for n, step in enumerate(SETUP_STEPS, start=1):
        name = staff.text(f"setup.step.{step}", language)
        yield staff.text("setup.step", language, n=n, total=len(SETUP_STEPS), name=name)
    for key in VISITOR_WORDS:
        assert shell.CATALOGUE.texts[key].english_plural is None, f"{key} is counted"
        yield shell.tr(key, language) if key in shell.STRINGS else shell.error_text(key, language)


@pytest.mark.parametrize("language", list(GUIDES))
def test_the_words_a_guide_quotes_are_the_screens_words(language: Language) -> None:
    """Each button, title and message the guide names, exactly as the screen says it in
    the guide's language."""
    text = flat(guide(language))
    missing = [words for words in _words(language) if flat(words) not in text]
    assert not missing, f"{GUIDES[language].name} does not say, as the screen does: {missing}"


VALUE = r"[^ ]+(?: [0-9:]+)?"
"""An f-string's value in a printed line: one word (a name, a path, a number), or a date
and its time."""


def _printed_patterns() -> list[re.Pattern[str]]:
    """Every sentence the product can print, as a pattern: each string constant of its
    code, an f-string's values as :data:`VALUE`."""
    patterns = []
    for package in ("admin_console", "kiosk", "installer", "epn_shared"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr):
                    parts = [
                        re.escape(v.value)
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)
                        else VALUE
                        for v in node.values
                    ]
                    patterns.append(re.compile("".join(parts)))
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    patterns.append(re.compile(re.escape(node.value)))
    return patterns


PAIRING_CODE = re.compile(r"[A-Z0-9]{5}-[A-Z0-9]{5}")
REPORT_NOTE = "note: "
"""The installer's report puts this before each of its notes (installer/apply.py)."""


def test_the_lines_the_guides_show_are_printed_by_the_product() -> None:
    """A "you see" block shows lines the product prints (examples for its values, "…" for
    what is cut): each matches a sentence of the product's code."""
    patterns = _printed_patterns()
    shown = [
        line
        for kind, content in blocks(guide(Language.EN))
        if kind == "text"
        for line in content.splitlines()
    ]
    assert shown
    unknown = []
    for line in shown:
        if PAIRING_CODE.fullmatch(line):
            continue  # the code itself
        said = line.removeprefix(REPORT_NOTE).replace("…", "")
        if not any(p.fullmatch(said) for p in patterns):
            unknown.append(line)
    assert not unknown, f"lines the product does not print: {unknown}"


def test_the_guides_ship_in_both_packages() -> None:
    for package in ("epn-kiosk", "epn-console"):
        shipped = (ROOT / "debian" / f"{package}.docs").read_text().split()
        assert sorted(shipped) == sorted(f"docs/{p.name}" for p in GUIDES.values())
