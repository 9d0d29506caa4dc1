"""The bundled house rules: a pictogram per rule, a text per language, a version per content."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from importlib import resources

import pytest

from policies import (
    PICTOGRAMS,
    HouseRules,
    InvalidPolicy,
    Language,
    default_policy,
    pictogram_svg,
    policy_from_data,
)
from policies.loading import default_policy_data

SVG = "{http://www.w3.org/2000/svg}"
RULES = default_policy().house_rules
RULE_IDS = [rule.id for rule in RULES.rules]
TEXTS = [
    (rule.id, language, field)
    for rule in RULES.rules
    for language in Language
    for field in ("short", "long")
]


def text(rule_id: str, language: Language, field: str) -> str:
    rule = next(r for r in RULES.rules if r.id == rule_id)
    return str(getattr(rule.texts[language], field))


def test_eight_rules_in_six_languages() -> None:
    assert len(RULES.rules) == 8
    assert len(set(RULE_IDS)) == 8
    for rule in RULES.rules:
        assert set(rule.texts) == set(Language), rule.id
    for language in Language:
        assert len(RULES.in_language(language)) == 8


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_a_shipped_pictogram(rule_id: str) -> None:
    rule = next(r for r in RULES.rules if r.id == rule_id)
    assert rule.pictogram in PICTOGRAMS
    assert pictogram_svg(rule.pictogram).startswith(b"<svg")


def test_every_shipped_pictogram_has_a_file_and_no_other_file() -> None:
    folder = resources.files("policies") / "pictograms"
    files = {entry.name.removesuffix(".svg") for entry in folder.iterdir()}
    assert files == set(PICTOGRAMS)


@pytest.mark.parametrize("name", sorted(PICTOGRAMS))
def test_a_pictogram_is_a_plain_svg(name: str) -> None:
    root = ET.fromstring(pictogram_svg(name))
    assert root.tag == f"{SVG}svg"
    box = [float(n) for n in root.attrib["viewBox"].replace(",", " ").split()]
    assert len(box) == 4
    assert box[2] > 0
    assert box[3] > 0
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        # A pictogram is read by people who may not read: no words, no scripts, nothing fetched.
        assert tag not in {"script", "text", "tspan", "foreignObject", "image", "use"}, tag
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), attribute
            assert "javascript:" not in value.lower()
            assert "url(http" not in value.replace(" ", "").lower()
            if attribute.endswith("href"):
                assert value.startswith("#"), value


@pytest.mark.parametrize(("rule_id", "language", "field"), TEXTS)
def test_texts_are_there_and_fit(rule_id: str, language: Language, field: str) -> None:
    value = text(rule_id, language, field)
    assert value == value.strip()
    assert len(value) >= 10
    if field == "short":
        assert len(value) <= 140
        assert "\n" not in value
        assert not value.endswith(".")


SCRIPTS = {
    Language.AR: "ARABIC",
    Language.PRS: "ARABIC",
    Language.PS: "ARABIC",
    Language.UK: "CYRILLIC",
    Language.RU: "CYRILLIC",
    Language.BG: "CYRILLIC",
    Language.TI: "ETHIOPIC",
}
"""Each language's script; the others are written in Latin letters."""


@pytest.mark.parametrize("language", list(Language))
def test_each_language_is_written_in_its_own_script(language: Language) -> None:
    script = SCRIPTS.get(language, "LATIN")
    for rule_id in RULE_IDS:
        for field in ("short", "long"):
            value = text(rule_id, language, field)
            letters = [c for c in value if c.isalpha()]
            own = [c for c in letters if unicodedata.name(c, "").startswith(script)]
            if script == "LATIN":
                assert own == letters, (rule_id, field)
                continue
            # A technical word in Latin letters (USB) is fine; a sentence is not.
            assert len(own) >= 0.9 * len(letters), (rule_id, field)
            latin_words = re.findall(r"[A-Za-z]+", value)
            assert all(word.isupper() for word in latin_words), latin_words


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_language_has_its_own_text(rule_id: str) -> None:
    for field in ("short", "long"):
        values = [text(rule_id, language, field) for language in Language]
        assert len(set(values)) == len(values), f"{rule_id}.{field}: a text copied across languages"


def test_french_punctuation_does_not_break_a_line_before_a_colon() -> None:
    for rule_id in RULE_IDS:
        for field in ("short", "long"):
            value = text(rule_id, Language.FR, field)
            for match in re.finditer(r"(.)[:?!;]", value):
                assert match.group(1) in "\u00a0\u202f", f"{rule_id}.{field}: {match.group(0)!r}"


def test_the_arabic_script_languages_are_written_right_to_left() -> None:
    rtl = {lang for lang in Language if lang.right_to_left}
    assert rtl == {Language.AR, Language.PRS, Language.PS}
    assert Language.AR.native_name == "العربية"


# -- the version -------------------------------------------------------------------------


def rules_data() -> dict:
    return default_policy_data()["house_rules"]


def test_the_version_does_not_change_when_nothing_changes() -> None:
    assert HouseRules.model_validate(rules_data()).version == RULES.version
    assert default_policy().house_rules.version == RULES.version
    assert re.fullmatch(r"[0-9a-f]{12}", RULES.version)


@pytest.mark.parametrize(("rule_id", "language", "field"), TEXTS)
def test_the_version_changes_when_any_text_changes(
    rule_id: str, language: Language, field: str
) -> None:
    data = rules_data()
    rule = next(r for r in data["rules"] if r["id"] == rule_id)
    rule["texts"][language.value][field] += "!"
    assert HouseRules.model_validate(data).version != RULES.version


def test_the_version_changes_when_a_pictogram_or_the_order_changes() -> None:
    data = rules_data()
    data["rules"][0]["pictogram"] = "help"
    assert HouseRules.model_validate(data).version != RULES.version
    data = rules_data()
    data["rules"].reverse()
    assert HouseRules.model_validate(data).version != RULES.version


def test_the_version_ignores_surrounding_spaces() -> None:
    data = rules_data()
    data["rules"][0]["texts"]["fr"]["short"] = "  " + data["rules"][0]["texts"]["fr"]["short"]
    assert HouseRules.model_validate(data).version == RULES.version


def test_all_versions_of_single_changes_differ() -> None:
    versions = {RULES.version}
    for rule_id, language, field in TEXTS:
        data = rules_data()
        rule = next(r for r in data["rules"] if r["id"] == rule_id)
        rule["texts"][language.value][field] += " (2)"
        versions.add(HouseRules.model_validate(data).version)
    assert len(versions) == len(TEXTS) + 1


# -- rules a site writes -----------------------------------------------------------------


def site_rules(**texts: dict[str, str]) -> dict:
    return {"rules": [{"id": "silence", "pictogram": "respect", "texts": texts}]}


def test_a_site_may_offer_fewer_languages_with_fewer_texts() -> None:
    data = default_policy_data()
    data["languages"] = ["nl", "fr"]
    data["house_rules"] = site_rules(
        fr={"short": "Silence s'il vous plaît", "long": "On travaille ici."},
        nl={"short": "Stilte alstublieft", "long": "Hier wordt gewerkt."},
    )
    policy = policy_from_data(data)
    assert [rule.id for rule, _ in policy.house_rules.in_language(Language.NL)] == ["silence"]


def test_a_rule_without_a_text_in_an_offered_language_is_refused() -> None:
    data = default_policy_data()
    data["languages"] = ["fr", "nl"]
    data["house_rules"] = site_rules(fr={"short": "Silence s'il vous plaît", "long": "Ici."})
    with pytest.raises(InvalidPolicy) as raised:
        policy_from_data(data)
    [problem] = raised.value.problems
    assert problem.field == "house_rules.rules[0].texts"
    assert "nl" in problem.reason


def test_a_short_text_over_140_characters_is_refused() -> None:
    data = default_policy_data()
    data["house_rules"]["rules"][2]["texts"]["tr"]["short"] = "a" * 141
    with pytest.raises(InvalidPolicy) as raised:
        policy_from_data(data)
    assert [p.field for p in raised.value.problems] == ["house_rules.rules[2].texts.tr.short"]
    assert "140" in raised.value.problems[0].reason
