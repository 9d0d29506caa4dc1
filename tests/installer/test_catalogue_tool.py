"""The catalogues' tool (``python -m installer.catalogues``), on small catalogues made for each
test: the template made from the code as a translator needs it, an update that keeps the
translators' work, and a check that names every fault a translation can have (file, key,
language) before a visitor sees it. The last test checks the repository's own catalogues:
this is how the test command checks every one of them."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from helpers.plural_samples import ARABIC_MINUTES_LEFT

from installer import catalogues
from installer.catalogues import Domain, Problem, check, extract, update, write_template

CODE = """\
from epn_shared.catalogues import _t, _tn

TEXTS = (
    # Translators: the title of the waiting screen; plain words, A2 level. A note this
    # long is wrapped in the catalogue, and read back the same.
    _t("wait_title", "Please wait…"),
    _t("hello", "Hello {name}"),
    _tn("minutes_left", "{n} minute left", "{n} minutes left"),
)
"""

SHELL = Domain("shell", ("kiosk/shell/*.py",), "kiosk/shell/locale", "the screens", languages=())
FRENCH = {
    "wait_title": "Veuillez patienter…",
    "hello": "Bonjour {name}",
    "minutes_left": ("Il reste {n} minute", "Il reste {n} minutes", "Il reste {n} minutes"),
}
PO = "kiosk/shell/locale/fr/LC_MESSAGES/shell.po"


def _project(root: Path, code: str = CODE) -> Path:
    (root / "kiosk/shell").mkdir(parents=True)
    (root / "kiosk/shell/screens.py").write_text(code, encoding="utf-8")
    return root


def _translate(po: Path, language: str, texts: dict[str, object], *, fuzzy: bool = False) -> None:
    """Write translations into ``po`` as a translator's editor would."""
    with po.open("rb") as text:
        catalog = read_po(text, locale=language)
    for message in catalog:
        if message.context in texts:
            message.string = texts[message.context]
            if fuzzy:
                message.flags.add("fuzzy")
    with po.open("wb") as out:
        write_po(out, catalog, include_lineno=False)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose French catalogue of the shell is complete and correct."""
    root = _project(tmp_path)
    write_template(SHELL, root)
    update(SHELL, root, add=["fr"])
    _translate(root / PO, "fr", FRENCH)
    return root


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _problems(project: Path) -> list[Problem]:
    return check(project, [SHELL], shipped=frozenset({"fr", "en"})).problems


def test_the_template_gives_each_text_its_key_english_and_translators_note(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    path, count, written = write_template(SHELL, root)
    assert (count, written) == (3, True)
    with path.open("rb") as text:
        template = read_po(text)
    entries = {m.context: m for m in template if m.id}
    assert entries["wait_title"].id == "Please wait…"
    assert " ".join(entries["wait_title"].auto_comments) == (
        "Translators: the title of the waiting screen; plain words, A2 level. A note this "
        "long is wrapped in the catalogue, and read back the same."
    )
    assert entries["minutes_left"].id == ("{n} minute left", "{n} minutes left")
    assert entries["hello"].id == "Hello {name}"
    # The file each text is in, without the line: moving code does not change the template.
    assert entries["hello"].locations == [("kiosk/shell/screens.py", None)]
    assert "screens.py:" not in path.read_text(encoding="utf-8")


def test_the_template_changes_only_when_the_texts_do(tmp_path: Path) -> None:
    root = _project(tmp_path)
    path, _, _ = write_template(SHELL, root)
    before = path.read_bytes()
    # Moved code (other lines), the same texts: the file stays as it is, date included.
    (root / "kiosk/shell/screens.py").write_text("\n\n" + CODE, encoding="utf-8")
    assert write_template(SHELL, root)[2] is False
    assert path.read_bytes() == before
    _edit(root / "kiosk/shell/screens.py", '"Hello {name}"', '"Good morning {name}"')
    assert write_template(SHELL, root)[2] is True
    assert 'msgid "Good morning {name}"' in path.read_text(encoding="utf-8")


def test_a_key_the_code_does_not_write_out_is_named(tmp_path: Path) -> None:
    root = _project(tmp_path, CODE + 'KEY = "x"\nLOST = _t(KEY, "Lost text")\n')
    made = extract(SHELL, root)
    assert [p.path for p in made.problems] == ["kiosk/shell/screens.py"]
    assert "'Lost text'" in made.problems[0].message
    assert "line 11" in made.problems[0].message


def test_update_keeps_translations_and_marks_a_changed_english_fuzzy(project: Path) -> None:
    _edit(project / "kiosk/shell/screens.py", '"Hello {name}"', '"Good morning {name}"')
    write_template(SHELL, project)
    update(SHELL, project)
    with (project / PO).open("rb") as text:
        french = read_po(text, locale="fr")
    hello = french.get("Good morning {name}", "hello")
    assert hello is not None and hello.fuzzy and hello.string == "Bonjour {name}"
    # The English it was translated from stays beside it, for the translator to compare.
    assert '#| msgid "Hello {name}"' in (project / PO).read_text(encoding="utf-8")
    wait = french.get("Please wait…", "wait_title")
    assert wait is not None and not wait.fuzzy and wait.string == "Veuillez patienter…"
    assert [str(p) for p in _problems(project)] == [
        f"{PO}: hello (fr): fuzzy: waits to be checked (its English or its key changed); "
        "correct it if needed, then remove the fuzzy mark"
    ]
    # A second update with nothing new leaves the translator's file alone.
    assert update(SHELL, project) == [(project / PO, False)]


def test_update_brings_in_a_new_text_empty(project: Path) -> None:
    _edit(project / "kiosk/shell/screens.py", ")\n", '    _t("bye", "Goodbye"),\n)\n')
    write_template(SHELL, project)
    update(SHELL, project)
    with (project / PO).open("rb") as text:
        french = read_po(text, locale="fr")
    bye = french.get("Goodbye", "bye")
    assert bye is not None and bye.string == "" and not bye.fuzzy
    assert [str(p) for p in _problems(project)] == [f"{PO}: bye (fr): not translated"]


def test_update_add_starts_a_new_language_with_its_plural_rule(project: Path) -> None:
    assert catalogues.main(["update", "--project", str(project), "--add", "uk"]) == 0
    ukrainian = project / "kiosk/shell/locale/uk/LC_MESSAGES/shell.po"
    text = ukrainian.read_text(encoding="utf-8")
    assert "Language: uk" in text and "nplurals=3;" in text
    with ukrainian.open("rb") as po:
        catalog = read_po(po, locale="uk")
    assert {m.context for m in catalog if m.id} == {"wait_title", "hello", "minutes_left"}
    # Not shipped yet: texts still to translate are no fault, only counted.
    report = check(project, [SHELL], shipped=frozenset({"fr", "en"}))
    assert report.problems == []
    assert (
        "kiosk/shell/locale/uk/LC_MESSAGES/shell.po: 0 of 3 texts translated (not shipped yet)"
        in (report.progress)
    )


def test_update_refuses_a_language_nobody_knows(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert catalogues.main(["update", "--project", str(project), "--add", "xx"]) == 1
    assert "'xx'" in capsys.readouterr().err
    assert not (project / "kiosk/shell/locale/xx").exists()


def test_update_leaves_a_broken_catalogue_as_it_is(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(project / PO, 'msgstr "Bonjour {name}"', 'msgstr "Bonjour {name}')
    broken = (project / PO).read_bytes()
    _edit(project / "kiosk/shell/screens.py", ")\n", '    _t("bye", "Goodbye"),\n)\n')
    write_template(SHELL, project)
    assert catalogues.main(["update", "--project", str(project), "--domain", "shell"]) == 1
    assert f"msgfmt cannot read {PO}" in capsys.readouterr().err
    assert (project / PO).read_bytes() == broken


def test_compile_writes_the_catalogue_the_products_read(project: Path) -> None:
    assert catalogues.main(["compile", "--project", str(project)]) == 0
    mo = project / PO.replace(".po", ".mo")
    with mo.open("rb") as compiled:
        french = gettext.GNUTranslations(compiled)
    assert french.pgettext("wait_title", "Please wait…") == "Veuillez patienter…"
    assert french.npgettext("minutes_left", "{n} minute left", "{n} minutes left", 5) == (
        "Il reste {n} minutes"
    )


def test_a_complete_catalogue_passes(project: Path) -> None:
    assert _problems(project) == []


FAULTS = {
    "a dropped count": (
        "minutes_left",
        {"minutes_left": ("Il reste {n} minute", "Il reste minutes", "Il reste minutes")},
        "plural form 2 lacks {n}",
    ),
    "a dropped name": ("hello", {"hello": "Bonjour"}, "the translation lacks {name}"),
    "an extra placeholder": (
        "hello",
        {"hello": "Bonjour {name} {nom}"},
        "the translation has {nom}, which the English has not",
    ),
    "a missing translation": ("wait_title", {"wait_title": ""}, "not translated"),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_check_names_the_fault_the_file_the_key_and_the_language(project: Path, fault: str) -> None:
    key, texts, said = FAULTS[fault]
    _translate(project / PO, "fr", texts)
    problems = [p for p in _problems(project) if "msgfmt" not in p.message]
    assert [(p.path, p.key, p.language) for p in problems] == [(PO, key, "fr")]
    assert said in problems[0].message


PUNCTUATION = {
    "a normal space before a French question mark": (
        "fr",
        "Bonjour {name} ?",
        "French puts a no-break space (U+00A0) before '?'; here a normal space",
    ),
    "no space before a French colon": (
        "fr",
        "Bonjour: {name}",
        "French puts a no-break space (U+00A0) before ':'; here no space",
    ),
    "French quotes without their spaces": (
        "fr",
        "Bonjour «\u00a0{name}»",
        "French puts a no-break space (U+00A0) inside « »",
    ),
    "a Latin question mark in Arabic": ("ar", "مرحبًا {name}?", "Arabic script writes '؟', not '?'"),
    "a Latin comma in Pashto": ("ps", "سلام, {name}", "Arabic script writes '،', not ','"),
}


@pytest.mark.parametrize("fault", PUNCTUATION, ids=list(PUNCTUATION))
def test_check_names_punctuation_against_the_house_rules(project: Path, fault: str) -> None:
    language, hello, said = PUNCTUATION[fault]
    if language != "fr":
        update(SHELL, project, add=[language])
    po = project / f"kiosk/shell/locale/{language}/LC_MESSAGES/shell.po"
    _translate(po, language, {"hello": hello})
    problems = [p for p in _problems(project) if p.language == language and p.key == "hello"]
    assert [p.path for p in problems] == [_relative(po, project)]
    assert problems[0].message.startswith(said)


def test_times_addresses_and_decimal_commas_are_no_punctuation_fault(project: Path) -> None:
    _translate(
        project / PO,
        "fr",
        {"hello": "Bonjour {name}\u00a0! Ouvert à 10:30, voir https://epn.example\u00a0?"},
    )
    update(SHELL, project, add=["ar"])
    arabic = project / "kiosk/shell/locale/ar/LC_MESSAGES/shell.po"
    _translate(arabic, "ar", {"hello": "مرحبًا {name}، السعر 1,20 €؟"})
    assert [p for p in _problems(project) if p.key == "hello"] == []


def test_check_names_a_fuzzy_translation_in_a_shipped_language(project: Path) -> None:
    _translate(project / PO, "fr", {"wait_title": "Patientez"}, fuzzy=True)
    problems = _problems(project)
    assert [(p.path, p.key, p.language) for p in problems] == [(PO, "wait_title", "fr")]
    assert problems[0].message.startswith("fuzzy")


def test_check_accepts_plural_forms_for_one_number_without_the_count(project: Path) -> None:
    # Arabic says "one minute" and "two minutes" with no digit: right, not a fault.
    update(SHELL, project, add=["ar"])
    arabic = ARABIC_MINUTES_LEFT
    po = project / "kiosk/shell/locale/ar/LC_MESSAGES/shell.po"
    _translate(po, "ar", {"minutes_left": arabic, "hello": "مرحبًا {name}", "wait_title": "انتظر"})
    assert check(project, [SHELL], shipped=frozenset({"fr", "ar"})).problems == []


def test_check_names_a_template_older_than_the_code(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(project / "kiosk/shell/screens.py", '"Please wait…"', '"One moment, please…"')
    problems = _problems(project)
    assert [(p.path, p.key) for p in problems] == [("kiosk/shell/locale/shell.pot", "")]
    assert "(changed: wait_title)" in problems[0].message
    assert "run `python -m installer.catalogues extract`" in problems[0].message
    # The command says it and fails (the real table's shell domain, in this project).
    assert catalogues.main(["check", "--project", str(project), "--domain", "shell"]) == 1
    assert "kiosk/shell/locale/shell.pot: older than the code" in capsys.readouterr().err


def test_check_names_a_catalogue_msgfmt_refuses(project: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: install the Debian package gettext (installer/dev.sh)")
    _edit(project / PO, 'msgstr "Bonjour {name}"', 'msgstr "Bonjour {name}')
    problems = _problems(project)
    refused = [p for p in problems if p.message.startswith("msgfmt")]
    assert [(p.path, p.language) for p in refused] == [(PO, "fr")]
    # With the line, as msgfmt says it.
    assert re.search(rf"^msgfmt: {PO}:\d+: end-of-line within string$", refused[0].message)


def test_check_names_plural_forms_that_are_not_the_languages(project: Path) -> None:
    text = (project / PO).read_text(encoding="utf-8")
    start = text.index('"Plural-Forms:')
    end = text.index('\\n"\n', start) + 4
    (project / PO).write_text(
        text[:start] + '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n' + text[end:],
        encoding="utf-8",
    )
    problems = [p for p in _problems(project) if p.message.startswith("Plural-Forms")]
    assert [(p.path, p.language) for p in problems] == [(PO, "fr")]
    assert "Plural-Forms is 'nplurals=2; plural=(n != 1);'" in problems[0].message
    assert "CLDR's for this language is 'nplurals=3;" in problems[0].message


def test_a_shipped_language_without_its_catalogue_is_named(project: Path) -> None:
    domain = Domain("shell", SHELL.sources, SHELL.locale, "the screens", languages=("fr", "nl"))
    problems = check(project, [domain], shipped=frozenset({"fr", "nl"})).problems
    assert [str(p) for p in problems] == [
        "kiosk/shell/locale/nl/LC_MESSAGES/shell.po (nl): missing: run "
        "`python -m installer.catalogues update --add nl`"
    ]


def test_every_catalogue_of_the_repository_passes_the_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = catalogues.main(["check"])
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "catalogues checked: no problem" in out.out


def test_the_domains_table_names_code_that_exists() -> None:
    # A domain pointed at a moved folder would check nothing, and say so nowhere else.
    for domain in catalogues.DOMAINS:
        assert domain.files(catalogues.PROJECT), f"{domain.name}: no file matches {domain.sources}"


def test_the_notes_at_the_top_of_a_template_reach_every_new_language(tmp_path: Path) -> None:
    root = _project(tmp_path)
    path, _, _ = write_template(SHELL, root)
    note = "# French: a no-break space before : ? ! ;"
    _edit(
        path,
        "# How to translate: docs/translate.md",
        f"{note}\n# How to translate: docs/translate.md",
    )
    _edit(root / "kiosk/shell/screens.py", '"Hello {name}"', '"Good morning {name}"')
    assert write_template(SHELL, root)[2] is True
    assert note in path.read_text(encoding="utf-8")
    update(SHELL, root, add=["de"])  # a language the registry has not yet
    german = (root / "kiosk/shell/locale/de/LC_MESSAGES/shell.po").read_text(encoding="utf-8")
    assert german.startswith("# German (de).\n") and note in german


GUIDE = catalogues.PROJECT / "docs" / "translate.md"


def test_the_translators_guide_says_where_each_domains_files_are() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for domain in catalogues.DOMAINS:
        assert f"`{domain.name}`" in guide, domain.name
        assert f"{domain.locale}/<language>/LC_MESSAGES/{domain.name}.po" in guide
        assert f"{domain.locale}/{domain.name}.pot" in guide


def test_every_command_the_translators_guide_gives_exists() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    given = re.findall(r"python -m installer\.catalogues (\w+)((?: --\w+(?: [\w:]+)?)*)", guide)
    assert {"extract", "update", "check"} <= {command for command, _ in given}
    for command, options in given:
        catalogues._parser().parse_args([command, *options.split()])  # exits on a wrong one
    for script in re.findall(r"\.venv/bin/python (tests/screens/\w+\.py)", guide):
        assert (catalogues.PROJECT / script).is_file(), script


def test_each_read_aloud_voice_of_the_registry_speaks() -> None:
    # A voice espeak-ng does not have would show a read-aloud button that says nothing.
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: installer/dev.sh installs it")
    from policies.languages import Language

    for language in Language:
        voice = language.about.voice
        if voice is None:
            continue
        done = subprocess.run(
            ["espeak-ng", "-v", voice, "--stdout", language.about.endonym],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0 and len(done.stdout) > 4000, (language, done.stderr)


RULES_TOML = '''\
[[rules]]
id = "respect"
pictogram = "respect"

[rules.texts.en]
short = "Respect the other visitors and the staff"
long = """Stay calm and polite with everyone."""

[rules.texts.fr]
short = "Respectez les autres visiteurs"
'''


def test_the_house_rules_template_gives_each_rules_english_under_its_key(tmp_path: Path) -> None:
    (tmp_path / "policies/default").mkdir(parents=True)
    (tmp_path / "policies/default/house_rules.toml").write_text(RULES_TOML, encoding="utf-8")
    rules = next(domain for domain in catalogues.DOMAINS if domain.name == "rules")
    made = extract(rules, tmp_path)
    assert made.problems == []
    entries = {m.context: m for m in made.catalog if m.id}
    # The keys policies.loading asks for; only the English goes into the template.
    assert {key: m.id for key, m in entries.items()} == {
        "respect.short": "Respect the other visitors and the staff",
        "respect.long": "Stay calm and polite with everyone.",
    }
    assert "70 characters at most" in entries["respect.short"].auto_comments[0]
    assert entries["respect.long"].locations == [("policies/default/house_rules.toml", 7)]


def test_a_language_cldr_knows_under_another_code_is_added_with_it(project: Path) -> None:
    # Dari: the folder and the registry say prs, CLDR (Babel) knows it as fa_AF.
    assert catalogues.main(["update", "--project", str(project), "--add", "prs:fa_AF"]) == 0
    dari = (project / "kiosk/shell/locale/prs/LC_MESSAGES/shell.po").read_text(encoding="utf-8")
    assert "Language: fa_AF" in dari and "nplurals=2; plural=(n > 1);" in dari
    assert check(project, [SHELL], shipped=frozenset({"fr"})).problems == []


def test_the_plural_rule_is_the_one_of_the_locale_the_catalogue_declares(project: Path) -> None:
    # European Portuguese counts 0 as plural ("0 minutos"), CLDR's pt (Brazil's) as singular.
    assert catalogues.main(["update", "--project", str(project), "--add", "pt:pt_PT"]) == 0
    portuguese = project / "kiosk/shell/locale/pt/LC_MESSAGES/shell.po"
    assert "Language: pt_PT" in portuguese.read_text(encoding="utf-8")
    assert check(project, [SHELL], shipped=frozenset({"fr"})).problems == []
    # Brazil's rule in the catalogue of the registry's pt (pt_PT) is named.
    brazil = get_plural("pt_BR")
    assert brazil.plural_expr != get_plural("pt_PT").plural_expr
    text = portuguese.read_text(encoding="utf-8")
    header = re.compile(r'"Plural-Forms: .*?\\n"\n', re.DOTALL)  # wrapped over lines
    assert header.search(text)
    portuguese.write_text(
        header.sub(lambda _: f'"Plural-Forms: {brazil.plural_forms}\\n"\n', text, count=1),
        encoding="utf-8",
    )
    problems = check(project, [SHELL], shipped=frozenset({"fr"})).problems
    assert [(p.language, p.message[:12]) for p in problems] == [("pt", "Plural-Forms")]
