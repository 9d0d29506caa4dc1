"""The default house rules are translated in catalogues (policies/locale/*/rules.po): the
bundled policy offers a language only when its catalogue translates every rule, so no
visitor reads an English sentence among the rules of their own language."""

from __future__ import annotations

import shutil
import tomllib
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from policies import Language, default_policy
from policies.loading import translated_house_rules

LOCALE = Path(str(resources.files("policies") / "locale"))


def _english_rules() -> dict:
    folder = resources.files("policies") / "default"
    return tomllib.loads((folder / "house_rules.toml").read_text(encoding="utf-8"))


def test_the_default_rules_speak_each_language_from_its_catalogue() -> None:
    policy = default_policy()
    with (LOCALE / "fr/LC_MESSAGES/rules.po").open("rb") as po:
        french = read_po(po, locale="fr")
    respect = policy.house_rules.rules[0]
    assert respect.id == "respect"
    assert (
        respect.texts[Language.FR].short
        == french.get(respect.texts[Language.EN].short, context="respect.short").string
    )
    for language in policy.languages:
        for rule in policy.house_rules.rules:
            text = rule.texts[language]
            if language is not Language.EN:
                assert text.short != rule.texts[Language.EN].short, (language, rule.id)


def test_a_language_missing_one_rule_is_left_out_rather_than_half_english(tmp_path: Path) -> None:
    shutil.copytree(LOCALE, tmp_path / "locale")
    po_file = tmp_path / "locale/tr/LC_MESSAGES/rules.po"
    with po_file.open("rb") as po:
        turkish = read_po(po, locale="tr")
    rules = _english_rules()
    lost = turkish.get(
        rules["rules"][3]["texts"]["en"]["long"], context=f"{rules['rules'][3]['id']}.long"
    )
    assert lost is not None
    lost.string = ""  # the translator has not written it yet
    with po_file.open("wb") as po:
        write_po(po, turkish)
    texts = translated_house_rules(_english_rules(), tmp_path / "locale")["rules"][0]["texts"]
    assert "tr" not in texts
    assert {"fr", "nl", "en", "ar", "es"} <= set(texts)
