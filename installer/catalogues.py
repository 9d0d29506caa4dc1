"""``python -m installer.catalogues extract|update|compile|check``: the texts' catalogues.

Every text a person reads is declared in the code, in English, under a key
(``_t("key", "English")``, ``_tn("key", "one", "other")``: :mod:`epn_shared.catalogues`).
The texts of one product part make a *domain* (:data:`DOMAINS`); each domain has a template
``<locale>/<domain>.pot`` made from the code, and one ``<locale>/<lang>/LC_MESSAGES/<domain>.po``
per language, which translators edit (``docs/translate.md``).

- ``extract`` writes each template from the code. It is rewritten only when a text, a key,
  a translator's comment or the file a text is in changed: no line numbers and no new date
  on every run, so the template in git changes only when the texts do.
- ``update`` merges each template into every ``.po`` of its domain: a new text comes in
  empty, a text whose English changed keeps its old translation marked *fuzzy* (to be
  checked; the products show the English meanwhile), a text gone from the code is kept at
  the end of the file, commented out. ``--add LANG`` starts a new language's catalogues.
- ``compile`` writes each ``.mo`` beside its ``.po`` (what the packages ship).
- ``check`` is what the test command runs on every catalogue: GNU gettext's
  ``msgfmt --check --check-format``, the same ``{placeholders}`` in every translation as in
  its English, no text missing or fuzzy in a shipped language (one of
  :class:`policies.languages.Language`), each template up to date with the code, and each
  catalogue's plural rule the one CLDR gives its language, and the house rules of
  punctuation (French no-break spaces, the Arabic script's own comma and question mark).
  A template is out of date when a translator would read something else in it (a text,
  a note, a file), not when only its layout differs. Every problem names the file, the
  text's key and the language; the exit status is 1 if there is any.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import PoFileError, denormalize, read_po, write_po

from epn_shared.catalogues import EXTRACT_KEYWORDS, compile_po
from policies.languages import Language

PROJECT = Path(__file__).resolve().parents[1]
COMMAND = "python -m installer.catalogues"
COMMENT_TAG = "Translators:"
SOURCE_LANGUAGE = "en"
"""The language of the code's texts: its catalogue may leave texts empty (the English is
the text)."""
PROJECT_NAME = "EPN Kiosk"
COPYRIGHT_HOLDER = "EPN Kiosk contributors"
BUGS_ADDRESS = "https://github.com/epn-kiosk/epn-kiosk/issues"
WIDTH = 76  # as pybabel and msgmerge wrap, so a file saved by either barely changes

Strings = str | tuple[str, ...] | list[str]
"""A message's English or translation: one text, or one per plural form."""


@dataclass(frozen=True)
class Domain:
    """One product part's texts: where the code declares them, where its catalogues live."""

    name: str
    sources: tuple[str, ...]
    """Glob patterns of the source files, relative to the project."""
    locale: str
    """The folder of the template and the languages' catalogues, relative to the project."""
    about: str
    """What a translator finds there (said in the catalogues' header and by ``check``)."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of files the patterns above take in but another domain holds."""
    languages: tuple[str, ...] | None = None
    """The languages that must have a catalogue once the domain has texts (the source
    language excepted); None: every shipped language."""
    method: str = "python"
    """Babel's extraction method (``"python"``, or ``"package.module:function"``)."""

    def files(self, project: Path) -> list[Path]:
        """The source files, sorted, each once."""
        excluded = {path for pattern in self.exclude for path in project.glob(pattern)}
        found = {path for pattern in self.sources for path in project.glob(pattern)}
        return sorted(path for path in found - excluded if path.is_file())

    def folder(self, project: Path) -> Path:
        return project / self.locale

    def template(self, project: Path) -> Path:
        return self.folder(project) / f"{self.name}.pot"

    def po_file(self, project: Path, language: str) -> Path:
        return self.folder(project) / language / "LC_MESSAGES" / f"{self.name}.po"

    def po_files(self, project: Path) -> list[Path]:
        return sorted(self.folder(project).glob(f"*/LC_MESSAGES/{self.name}.po"))


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "shell",
        ("kiosk/shell/**/*.py",),
        "kiosk/shell/locale",
        "the visitor's screens on a public PC",
    ),
    Domain(
        "console",
        ("admin_console/gui/**/*.py",),
        "admin_console/gui/locale",
        "the staff console's window",
        exclude=("admin_console/gui/ticket_sheet.py",),
        languages=("fr", "nl"),
    ),
    Domain(
        "sheet",
        ("admin_console/gui/ticket_sheet.py",),
        "admin_console/gui/locale",
        "the printed sheet of visitor tickets",
    ),
    Domain(
        "rules",
        ("policies/default/house_rules.toml",),
        "policies/locale",
        "the default house rules",
        method="installer.catalogues:extract_house_rules",
    ),
)
"""The project's domains. A new one (the house rules, say) is one more entry here."""


RULE_NOTES = {
    "short": "Translators: a house rule in one plain sentence, about 70 characters at most, "
    "no final full stop.",
    "long": "Translators: the rule explained in 2 to 4 short sentences, 400 characters at most.",
}
"""What house_rules.toml asks of each text of a rule, said to its translators."""


def extract_house_rules(
    fileobj: IO[bytes],
    keywords: object,
    comment_tags: object,
    options: object,
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel's extraction method for ``house_rules.toml``: each rule's English ``short`` and
    ``long`` texts, under the keys ``<rule id>.short`` and ``<rule id>.long`` (as
    :func:`policies.loading.house_rules_catalogue` asks for them)."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for rule in tomllib.loads(text).get("rules", []):
        english = rule.get("texts", {}).get(SOURCE_LANGUAGE, {})
        for part in ("short", "long"):
            if part in english:
                key = f"{rule['id']}.{part}"
                yield (
                    _line_of(lines, rule["id"], part),
                    "_t",
                    (key, english[part]),
                    [RULE_NOTES[part]],
                )


def _line_of(lines: list[str], rule: str, part: str) -> int:
    """The line of a rule's text (Babel wants one; the catalogues do not show it)."""
    start = next((i for i, line in enumerate(lines) if re.match(rf'id\s*=\s*"{rule}"', line)), 0)
    for number in range(start, len(lines)):
        if re.match(rf"{part}\s*=", lines[number]):
            return number + 1
    return start + 1


def shipped_languages() -> frozenset[str]:
    """The languages the products offer: a catalogue of one of these must be complete."""
    return frozenset(language.value for language in Language)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a catalogue, said so that its translator can find and fix it."""

    path: str
    key: str = ""
    language: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.key:
            where += f": {self.key}"
        if self.language:
            where += f" ({self.language})"
        return f"{where}: {self.message}"


class CatalogueError(Exception):
    """A command cannot go on (an unknown language, a catalogue that cannot be read)."""


def _relative(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


def _known(locale: str | None) -> bool:
    if not locale:
        return False
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def babel_locale(language: str, declared: str | None = None) -> str:
    """The CLDR locale a catalogue folder's language follows (its plural rule, the
    ``Language`` its catalogue declares): the registry's for a shipped language (``fr_BE``),
    else the one its catalogue declares (``pt_PT``, Dari's ``fa_AF``), else the folder's."""
    if language in shipped_languages():
        return Language(language).about.locale
    for locale in (declared, language):
        if locale is not None and _known(locale):
            return locale
    raise CatalogueError(
        f"{language!r}: no such language in CLDR (Babel) nor in policies/languages.py "
        f"(a language CLDR knows under another code: --add {language}:<CLDR locale>)"
    )


def po_locale(po: Path, language: str | None = None) -> str:
    """:func:`babel_locale` of a catalogue file, with the ``Language`` it declares."""
    declared = _header_field(po.read_text(encoding="utf-8", errors="replace"), "Language")
    return babel_locale(language or po.parent.parent.name, declared or None)


def expected_plural_forms(locale: str) -> str:
    """The ``Plural-Forms`` header CLDR gives ``locale``, as Babel writes it."""
    return Catalog(locale=locale).plural_forms


def _normal(forms: str) -> str:
    return re.sub(r"\s+", "", forms).rstrip(";")


# ---------------------------------------------------------------------------- extract


@dataclass
class Extraction:
    """A domain's template as the code gives it, and what the code does wrong."""

    catalog: Catalog
    problems: list[Problem]


def extract(domain: Domain, project: Path = PROJECT) -> Extraction:
    """The domain's template, made from its source files in memory."""
    catalog = _new_template(domain)
    problems: list[Problem] = []
    english: dict[str, tuple[Strings, str]] = {}
    found_texts: list[tuple[str, Strings, str, int, list[str]]] = []
    for path in domain.files(project):
        name = _relative(path, project)
        found = extract_from_file(
            domain.method,
            str(path),
            keywords=EXTRACT_KEYWORDS,
            comment_tags=(COMMENT_TAG,),
            strip_comment_tags=False,  # "Translators: …", as pybabel writes it
        )
        for lineno, message, comments, context in found:
            if context is None:
                problems.append(
                    Problem(
                        name,
                        message=f"line {lineno}: the key of {message!r} is not written out "
                        "as a string, so the text cannot be translated",
                    )
                )
                continue
            seen = english.setdefault(context, (message, name))
            if seen[0] != message:
                problems.append(
                    Problem(
                        name,
                        context,
                        message=f"line {lineno}: this key is declared with other English "
                        f"in {seen[1]}: one key, one text",
                    )
                )
                continue
            found_texts.append((context, message, name, lineno, comments))
    # In the order of the keys, so that a text whose English changes keeps its place.
    for key, text, name, lineno, comments in sorted(found_texts, key=_by_key):
        catalog.add(text, None, [(name, lineno)], auto_comments=comments, context=key)
    return Extraction(catalog, problems)


def _by_key(entry: tuple[str, Strings, str, int, list[str]]) -> tuple[str, str, int]:
    return entry[0], entry[2], entry[3]


def _new_template(domain: Domain) -> Catalog:
    return Catalog(
        domain=domain.name,
        header_comment=(
            f"# The texts of {PROJECT_NAME}: {domain.about}.\n"
            "# How to translate: docs/translate.md\n#"
        ),
        project=PROJECT_NAME,
        version=domain.name,
        copyright_holder=COPYRIGHT_HOLDER,
        msgid_bugs_address=BUGS_ADDRESS,
        creation_date=datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0),
    )


def render(catalog: Catalog, *, header: bool = True) -> bytes:
    """A catalogue's text as every command writes it: sorted by key, files without lines."""
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=WIDTH,
        omit_header=not header,
        sort_output=False,  # the catalogues are made in the order of their keys
        include_lineno=False,
        include_previous=True,
    )
    return out.getvalue()


def _read(path: Path, language: str | None = None) -> Catalog:
    locale = po_locale(path, language) if language else None
    try:
        with path.open("rb") as text:
            # Strict: a file read in part would be written back without the rest.
            catalog = read_po(text, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogueError(
            f"{path}: cannot be read ({exc}); `{COMMAND} check` says where, fix it first"
        ) from None
    # Babel reads a fuzzy text's former English (``#| msgid "…"``) as a translator's
    # comment; it goes back where it belongs, so that the next update writes it once.
    for message in [*catalog, *catalog.obsolete.values()]:
        former = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if former:
            message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
            message.previous_id = _former_english(former)
    return catalog


def _former_english(lines: list[str]) -> list[str]:
    """The strings of ``msgid "…"`` and ``msgid_plural "…"`` lines (a long one goes on over
    the next lines, each one quoted)."""
    parts: list[list[str]] = []
    for line in lines:
        if line.startswith(("msgid ", "msgid_plural ")):
            parts.append([line.split(" ", 1)[1].strip()])
        elif parts and line.startswith('"'):
            parts[-1].append(line)
    return [denormalize("\n".join(part)) for part in parts]


def write_template(domain: Domain, project: Path = PROJECT) -> tuple[Path, int, bool]:
    """Write the domain's template when its texts changed: (path, texts, written)."""
    made = extract(domain, project)
    if made.problems:
        raise CatalogueError("\n".join(str(problem) for problem in made.problems))
    path = domain.template(project)
    count = sum(1 for message in made.catalog if message.id)
    if path.exists() and render(_read(path), header=False) == render(made.catalog, header=False):
        return path, count, False
    if count == 0 and not path.exists():
        return path, 0, False  # a domain whose code declares no text yet
    if path.exists():
        # The notes written at the top of the template stay (a domain's rules of style).
        made.catalog.header_comment = _read(path).header_comment
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(made.catalog))
    return path, count, True


def _entries(catalog: Catalog) -> dict[str, tuple[object, ...]]:
    """What a translator reads of each text, by key: its English, the notes, the files."""
    return {
        message.context or _first(message.id): (
            _ident(message.id),
            # A long note is wrapped over several lines in the file, read back as several.
            " ".join(" ".join(message.auto_comments).split()),
            tuple(sorted({name for name, _ in message.locations})),
            tuple(sorted(set(message.flags) - {"fuzzy"})),
        )
        for message in catalog
        if message.id
    }


def template_changes(template: Catalog, code: Catalog) -> str:
    """How the template differs from the code's texts ("" when it does not), in words: the
    keys new in the code, changed there, and gone from it. The layout of the file does not
    count (line numbers, order, wrapping), only what a translator reads."""
    old, new = _entries(template), _entries(code)
    said = []
    for label, keys in (
        ("new", sorted(new.keys() - old.keys())),
        ("changed", sorted(k for k in new.keys() & old.keys() if new[k] != old[k])),
        ("gone", sorted(old.keys() - new.keys())),
    ):
        if keys:
            shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
            said.append(f"{label}: {shown}")
    return "; ".join(said)


# ----------------------------------------------------------------------------- update


def _first(msgid: Strings) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else str(msgid)


def _ident(msgid: Strings) -> tuple[str, ...]:
    return tuple(msgid) if isinstance(msgid, (list, tuple)) else (msgid,)


def _has_text(string: Strings | None) -> bool:
    if isinstance(string, (list, tuple)):
        return any(string)
    return bool(string)


def _shaped(string: Strings | None, plural: bool, forms: int) -> tuple[Strings, bool]:
    """``string`` as a translation of a singular or counted text with ``forms`` forms, and
    whether it had to be changed to fit (then a translator must look again)."""
    if plural:
        strings = list(string) if isinstance(string, (list, tuple)) else [string or ""]
        fitted = (strings + [""] * forms)[:forms]
        return tuple(fitted), fitted != strings
    if isinstance(string, (list, tuple)):
        return (string[-1] if string else ""), True
    return string or "", False


def merge(
    template: Catalog, old: Catalog | None, language: str, domain: Domain, locale: str
) -> Catalog:
    """The catalogue of ``language`` (CLDR's ``locale``) for ``template``, keeping the
    translations of ``old``.

    A text is found by its key and English; one found by its key alone (its English changed)
    keeps its translation, marked fuzzy with the former English beside it. A text of
    ``old`` the template no longer has stays, commented out, should its key come back.
    """
    catalog = Catalog(
        locale=locale,
        domain=domain.name,
        header_comment=(
            old.header_comment
            if old is not None
            # A new language starts with the template's notes to translators.
            else f"# {Locale.parse(locale).english_name} ({language}).\n{template.header_comment}"
        ),
        project=PROJECT_NAME,
        version=domain.name,
        copyright_holder=COPYRIGHT_HOLDER,
        msgid_bugs_address=BUGS_ADDRESS,
        creation_date=template.creation_date,
        revision_date=old.revision_date if old is not None else None,
        last_translator=old.last_translator if old is not None else None,
        language_team=old.language_team if old is not None else None,
        fuzzy=False,
    )
    forms = catalog.num_plurals
    exact: dict[tuple[str | None, tuple[str, ...]], Message] = {}
    by_key: dict[str, Message] = {}
    by_english: dict[tuple[str, ...], Message] = {}
    if old is not None:
        for message in [*old.obsolete.values(), *old]:  # the live entry wins
            if not message.id:
                continue
            exact[message.context, _ident(message.id)] = message
            if _has_text(message.string):
                if message.context is not None:
                    by_key[message.context] = message
                by_english[_ident(message.id)] = message
    used: set[int] = set()
    for entry in sorted(template, key=lambda message: (message.context or "", _first(message.id))):
        if not entry.id:
            continue
        plural = isinstance(entry.id, (list, tuple))
        flags = set(entry.flags) - {"fuzzy"}
        string: Strings = ("",) * forms if plural else ""
        previous_id: list[str] = []
        user_comments: list[str] = []
        same = exact.get((entry.context, _ident(entry.id)))
        # Its English changed (same key), or its key did (same English): a translator
        # checks the old translation rather than starting again.
        near = (by_key.get(entry.context) if entry.context else None) or by_english.get(
            _ident(entry.id)
        )
        if same is not None and (_has_text(same.string) or near is None):
            string, reshaped = _shaped(same.string, plural, forms)
            if same.fuzzy or reshaped:
                flags.add("fuzzy")
                previous_id = list(same.previous_id)
            user_comments = list(same.user_comments)
            used.add(id(same))
        elif near is not None:
            string, _ = _shaped(near.string, plural, forms)
            flags.add("fuzzy")
            # The English the translation was made for, to compare with the new one.
            made_for = near.previous_id if near.fuzzy and near.previous_id else _ident(near.id)
            previous_id = [] if tuple(made_for) == _ident(entry.id) else list(made_for)
            user_comments = list(near.user_comments)
            used.add(id(near))
        catalog.add(
            entry.id,
            string,
            list(entry.locations),
            flags=flags,
            auto_comments=list(entry.auto_comments),
            user_comments=user_comments,
            previous_id=previous_id,
            context=entry.context,
        )
    if old is not None:
        gone = [*old, *old.obsolete.values()]
        for message in sorted(
            gone, key=lambda message: (message.context or "", _first(message.id))
        ):
            if message.id and id(message) not in used and _has_text(message.string):
                key = (_first(message.id), message.context) if message.context else message.id
                catalog.obsolete[key] = message
    return catalog


def update(
    domain: Domain, project: Path = PROJECT, add: Iterable[str] = ()
) -> list[tuple[Path, bool]]:
    """Merge the domain's template into each of its catalogues, and start one for each
    language of ``add`` that has none (``uk``, or ``prs:fa_AF`` for a language CLDR knows
    under another code): [(path, written)]."""
    template_path = domain.template(project)
    if not template_path.exists():
        return []
    template = _read(template_path)
    paths = {path.parent.parent.name: path for path in domain.po_files(project)}
    locales = {}
    for wanted in add:
        language, _, declared = wanted.partition(":")
        # An unknown language is refused before anything is written.
        locales[language] = babel_locale(language, declared or None)
        paths.setdefault(language, domain.po_file(project, language))
    done = []
    broken = [path for path in paths.values() if path.exists() and _unreadable(path)]
    if broken:
        # Babel reads some broken files in part: merged, they would lose the rest.
        raise CatalogueError(
            "msgfmt cannot read "
            + ", ".join(_relative(path, project) for path in broken)
            + f": `{COMMAND} check` says where; fix it, then update again"
        )
    for language, path in sorted(paths.items()):
        old = _read(path, language) if path.exists() else None
        locale = po_locale(path, language) if path.exists() else locales[language]
        text = render(merge(template, old, language, domain, locale))
        if path.exists() and path.read_bytes() == text:
            done.append((path, False))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text)
        done.append((path, True))
    return done


def _unreadable(po: Path) -> bool:
    """Whether GNU msgfmt refuses the file's syntax (False when msgfmt is not installed)."""
    tool = shutil.which("msgfmt")
    if tool is None:
        return False
    done = subprocess.run(
        [tool, "-o", os.devnull, str(po)], capture_output=True, text=True, check=False
    )
    return done.returncode != 0


# ---------------------------------------------------------------------------- compile


def compile_domain(domain: Domain, project: Path = PROJECT) -> list[Path]:
    """Write the ``.mo`` of each of the domain's catalogues beside it."""
    written = []
    for po in domain.po_files(project):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_po(po, po_locale(po)))
        written.append(mo)
    return written


# ------------------------------------------------------------------------------ check

_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
COUNT = "{n}"
"""The count of a counted text (``_tn``): a form for one number alone may write it out."""


def placeholders(text: str) -> set[str]:
    """The ``{…}`` fields of a text (``{{`` and ``}}`` are braces, not fields)."""
    return {
        f"{{{name}}}" for name in _PLACEHOLDER.findall(text.replace("{{", "").replace("}}", ""))
    }


def _placeholder_problems(where: str, message: Message, language: str) -> Iterator[Problem]:
    if isinstance(message.id, (list, tuple)):
        english = set().union(*(placeholders(text) for text in message.id))
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else []
        for index, string in enumerate(strings):
            if not string:
                continue
            found = placeholders(string)
            # CLDR lists "other" last; the forms before it may stand for one number only
            # ("une minute", "دقيقتان"), so they may leave the count out.
            needed = english if index == len(strings) - 1 else english - {COUNT}
            yield from _compare(
                where, message, language, needed=needed, allowed=english, found=found, form=index
            )
        return
    if isinstance(message.string, str) and message.string:
        english = placeholders(message.id)
        found = placeholders(message.string)
        yield from _compare(
            where, message, language, needed=english, allowed=english, found=found, form=None
        )


NO_BREAK = "\u00a0\u202f"  # a no-break space, or the narrow one
ARABIC_SCRIPT = frozenset({"ar", "prs", "ps", "fa", "fa_AF"})
"""Languages written in Arabic script, with its own comma, semicolon and question mark."""
_FRENCH_MARK = re.compile(r"(.?)([?!;:])")
_LATIN_MARK = re.compile(r"[,;?]")
_ARABIC_MARK = {",": "،", ";": "؛", "?": "؟"}


def _typography_problems(where: str, message: Message, language: str) -> Iterator[Problem]:
    """The house rules of punctuation: French keeps a no-break space before ``: ; ? !`` and
    inside « »; Arabic script has its own comma, semicolon and question mark."""
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    for string in strings:
        if not string:
            continue
        # What the placeholders become is written by the product, not by the translator.
        text = re.sub(r"\{[^{}]*\}", "0", string)
        if language == "fr" or language.startswith("fr_"):
            said = _french_marks(text)
        elif language in ARABIC_SCRIPT:
            said = _arabic_marks(text)
        else:
            said = []
        for fault in said:
            yield Problem(where, message.context or "", language, fault)


def _french_marks(text: str) -> list[str]:
    faults = []
    for found in _FRENCH_MARK.finditer(text):
        before, mark = found.groups()
        rest = text[found.end() :]
        if mark == ":" and (rest.startswith("//") or (before.isdigit() and rest[:1].isdigit())):
            continue  # an address (https://) or a time (10:30)
        if before in NO_BREAK or (not before and found.start() == 0):
            continue
        if mark in "?!" and before in "?!":
            continue  # "?!": one space before the first only
        space = "a normal space" if before.isspace() else "no space"
        faults.append(
            f"French puts a no-break space (U+00A0) before {mark!r}; here {space} "
            f"(in {text[max(0, found.start() - 12) : found.end() + 1]!r})"
        )
    for found in re.finditer(r"«(.?)|(.?)»", text):
        inside = found.group(1) if found.group(1) is not None else found.group(2)
        if inside not in NO_BREAK:
            faults.append("French puts a no-break space (U+00A0) inside « »")
            break
    return faults


def _arabic_marks(text: str) -> list[str]:
    faults = []
    for found in _LATIN_MARK.finditer(text):
        mark = found.group()
        around = text[max(0, found.start() - 1) : found.end() + 1]
        if mark == "," and len(around) == 3 and around[0].isdigit() and around[2].isdigit():
            continue  # a decimal comma (1,20)
        faults.append(
            f"Arabic script writes {_ARABIC_MARK[mark]!r}, not {mark!r} "
            f"(in {text[max(0, found.start() - 12) : found.end() + 1]!r})"
        )
    return faults


def _compare(
    where: str,
    message: Message,
    language: str,
    *,
    needed: set[str],
    allowed: set[str],
    found: set[str],
    form: int | None,
) -> Iterator[Problem]:
    which = "the translation" if form is None else f"plural form {form}"
    missing = sorted(needed - found)
    extra = sorted(found - allowed)
    if missing:
        yield Problem(
            where,
            message.context or "",
            language,
            f"{which} lacks {', '.join(missing)} (the English has it: keep it as it is, "
            "it is replaced by a value)",
        )
    if extra:
        yield Problem(
            where,
            message.context or "",
            language,
            f"{which} has {', '.join(extra)}, which the English has not (write the braces' "
            "name exactly as in the English)",
        )


_MSGFMT_TOTAL = re.compile(r"msgfmt: found \d+ fatal errors?$")


def _msgfmt_problems(po: Path, where: str, language: str, msgfmt: str) -> list[Problem]:
    done = subprocess.run(
        [msgfmt, "--check", "--check-format", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return []
    lines = [
        line.replace(str(po), where)
        for line in done.stderr.splitlines()
        if line.strip() and "warning:" not in line and not _MSGFMT_TOTAL.search(line)
    ]
    return [Problem(where, "", language, "msgfmt: " + ("; ".join(lines) or "refused the file"))]


@dataclass
class Report:
    """What ``check`` found: the problems, and how far each catalogue is translated."""

    problems: list[Problem] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    catalogues: int = 0


def check(
    project: Path = PROJECT,
    domains: Sequence[Domain] = DOMAINS,
    *,
    shipped: frozenset[str] | None = None,
    msgfmt: str | None = None,
) -> Report:
    """Every check of every catalogue of ``domains``."""
    shipped = shipped_languages() if shipped is None else shipped
    report = Report()
    for domain in domains:
        _check_domain(domain, project, shipped, msgfmt, report)
    report.problems.sort()
    return report


def _check_domain(
    domain: Domain,
    project: Path,
    shipped: frozenset[str],
    msgfmt: str | None,
    report: Report,
) -> None:
    template_path = domain.template(project)
    pot = _relative(template_path, project)
    made = extract(domain, project)
    report.problems.extend(made.problems)
    code_texts = sum(1 for message in made.catalog if message.id)
    if template_path.exists():
        template = _read(template_path)
        changes = template_changes(template, made.catalog)
        if changes:
            report.problems.append(
                Problem(
                    pot,
                    message=f"older than the code's texts ({changes}): run `{COMMAND} "
                    f"extract`, then `{COMMAND} update`",
                )
            )
    elif code_texts and domain.po_files(project):
        report.problems.append(
            Problem(
                pot,
                message=f"missing, the code has {code_texts} texts: run "
                f"`{COMMAND} extract`, then `{COMMAND} update`",
            )
        )
        template = made.catalog
    else:
        # No catalogue at all: the domain's texts are not translated through catalogues yet.
        if code_texts:
            report.progress.append(
                f"{pot}: not made yet ({code_texts} texts in the code; `{COMMAND} extract` "
                "starts the domain's catalogues)"
            )
        template = None
    if template is not None:
        required = shipped if domain.languages is None else frozenset(domain.languages)
        for language in sorted(required - {SOURCE_LANGUAGE}):
            path = domain.po_file(project, language)
            if not path.exists():
                report.problems.append(
                    Problem(
                        _relative(path, project),
                        language=language,
                        message=f"missing: run `{COMMAND} update --add {language}`",
                    )
                )
    for po in domain.po_files(project):
        report.catalogues += 1
        _check_po(po, project, template, shipped=shipped, msgfmt=msgfmt, report=report)


def _check_po(
    po: Path,
    project: Path,
    template: Catalog | None,
    *,
    shipped: frozenset[str],
    msgfmt: str | None,
    report: Report,
) -> None:
    where = _relative(po, project)
    language = po.parent.parent.name
    tool = msgfmt or shutil.which("msgfmt")
    if tool is None:
        report.problems.append(
            Problem(
                where,
                "",
                language,
                "cannot be checked: msgfmt is missing (Debian "
                "package gettext; installer/dev.sh installs it)",
            )
        )
    else:
        refused = _msgfmt_problems(po, where, language, tool)
        report.problems.extend(refused)
    try:
        locale = po_locale(po, language)
    except CatalogueError as exc:
        report.problems.append(Problem(where, "", language, str(exc)))
        return
    expected = expected_plural_forms(locale)
    header = _header_field(po.read_text(encoding="utf-8", errors="replace"), "Plural-Forms")
    if _normal(header) != _normal(expected):
        report.problems.append(
            Problem(
                where,
                "",
                language,
                f"Plural-Forms is {header or 'missing'!r}; CLDR's for this language is "
                f"{expected!r} (run `{COMMAND} update` to set it)",
            )
        )
    try:
        with po.open("rb") as text:
            catalog = read_po(text, locale=locale, abort_invalid=True)
    except Exception as exc:  # Babel raises several kinds on a broken file
        report.problems.append(Problem(where, "", language, f"cannot be read: {exc}"))
        return
    for message in catalog:
        if message.id and not message.fuzzy:
            report.problems.extend(_placeholder_problems(where, message, language))
            report.problems.extend(_typography_problems(where, message, language))
    if template is None:
        return
    complete = language in shipped
    texts = translated = 0
    for entry in template:
        if not entry.id:
            continue
        texts += 1
        found = catalog.get(entry.id, entry.context)
        key = entry.context or _first(entry.id)
        if found is None:
            if complete and language != SOURCE_LANGUAGE:
                report.problems.append(
                    Problem(where, key, language, f"not in this catalogue: run `{COMMAND} update`")
                )
        elif found.fuzzy:
            if complete:
                report.problems.append(
                    Problem(
                        where,
                        key,
                        language,
                        "fuzzy: waits to be checked (its English or its key changed); "
                        "correct it if needed, then remove the fuzzy mark",
                    )
                )
        elif _complete(found.string):
            translated += 1
        elif complete and language != SOURCE_LANGUAGE:
            report.problems.append(Problem(where, key, language, "not translated"))
    state = "shipped" if complete else "not shipped yet"
    report.progress.append(f"{where}: {translated} of {texts} texts translated ({state})")


def _header_field(text: str, name: str) -> str:
    """A field of a catalogue's header as the file writes it (Babel would fill in a
    missing ``Plural-Forms`` from its own rules, and hide that it is missing)."""
    header = re.search(r'^msgid ""\s*\nmsgstr ((?:"[^\n]*"\s*\n)+)', text, re.MULTILINE)
    if header is None:
        return ""
    joined = "".join(re.findall(r'"(.*)"', header.group(1))).replace("\\n", "\n")
    for line in joined.splitlines():
        label, _, value = line.partition(":")
        if label.strip().lower() == name.lower():
            return value.strip()
    return ""


def _complete(string: Strings | None) -> bool:
    if isinstance(string, (list, tuple)):
        return all(string)
    return bool(string)


# ---------------------------------------------------------------------------- command


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project", type=Path, default=PROJECT, help="the checkout (default: this one)"
    )
    common.add_argument(
        "--domain",
        action="append",
        choices=[domain.name for domain in DOMAINS],
        help="only this domain (again for more; default: all)",
    )
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=(__doc__ or "").split("\n", 1)[0].split(": ", 1)[-1]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", parents=[common], help="write each .pot from the code")
    update_parser = commands.add_parser(
        "update", parents=[common], help="merge each .pot into its languages' .po files"
    )
    update_parser.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="LANG",
        help="also start this language's catalogues (its code, as in policies/languages.py)",
    )
    commands.add_parser("compile", parents=[common], help="write a .mo beside each .po")
    check_parser = commands.add_parser(
        "check", parents=[common], help="check every catalogue (exit 1 on any problem)"
    )
    check_parser.add_argument("--msgfmt", default=None, help="GNU msgfmt to run (default: PATH)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m installer.catalogues``."""
    args = _parser().parse_args(argv)
    project: Path = args.project.resolve()
    domains = [d for d in DOMAINS if args.domain is None or d.name in args.domain]
    try:
        if args.command == "extract":
            for domain in domains:
                path, count, written = write_template(domain, project)
                if count or written:
                    state = "written" if written else "unchanged"
                    print(f"{_relative(path, project)}: {count} texts ({state})")
        elif args.command == "update":
            for domain in domains:
                for path, written in update(domain, project, args.add):
                    state = "written" if written else "unchanged"
                    print(f"{_relative(path, project)}: {state}")
        elif args.command == "compile":
            for domain in domains:
                for mo in compile_domain(domain, project):
                    print(_relative(mo, project))
        else:
            report = check(project, domains, msgfmt=args.msgfmt)
            for line in report.progress:
                print(line)
            for problem in report.problems:
                print(problem, file=sys.stderr)
            if report.problems:
                print(
                    f"{len(report.problems)} problems in the catalogues "
                    "(how to fix them: docs/translate.md)",
                    file=sys.stderr,
                )
                return 1
            print(f"{report.catalogues} catalogues checked: no problem")
    except CatalogueError as exc:
        print(f"{COMMAND}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
