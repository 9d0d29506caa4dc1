"""Reading a policy from TOML or YAML text.

A policy file only says what differs from the bundled default: its tables are merged over
the default policy (a list, such as the house rules, replaces the default list whole).
"""

from __future__ import annotations

import copy
import functools
import importlib
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from epn_shared.catalogues import Catalogue, _t, sources
from policies.errors import FieldProblem, InvalidPolicy
from policies.languages import Language
from policies.model import Policy

Format = Literal["toml", "yaml"]


def _load_text(text: str, fmt: Format) -> object:
    if fmt == "toml":
        return tomllib.loads(text)
    # PyYAML is loaded only for a YAML file: the always-running agent rarely needs it.
    yaml_format = importlib.import_module("policies.yaml_format")
    return yaml_format.load(text)


def _parse(text: str, fmt: Format, source: str) -> dict[str, Any]:
    try:
        data = _load_text(text, fmt)
    except ValueError as exc:  # TOMLDecodeError, and YAML errors as raised by yaml_format
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidPolicy(
            source, (FieldProblem("(file)", f"not valid {fmt.upper()}: {reason}"),)
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidPolicy(
            source, (FieldProblem("(file)", "the top level must be a table of fields"),)
        )
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_NAMED = re.compile(
    r"(?P<field>[a-z_][a-z0-9_]*(?:\[\d+\])*(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])*)*): (?P<reason>.+)",
    re.DOTALL,
)
"""A model validator's message that names the field inside the model: ``"name: reason"``."""


def _field_name(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts) or "(policy)"


def _problems(exc: ValidationError) -> tuple[FieldProblem, ...]:
    problems = []
    for error in exc.errors(include_url=False):
        # Drop pydantic's internal step names (a model validator's "function-after", the
        # "[key]" of a bad dictionary key): the field is what the person wrote.
        loc = tuple(
            part
            for part in error["loc"]
            if not str(part).startswith("function-") and part != "[key]"
        )
        field = _field_name(loc)
        reason = error["msg"].removeprefix("Value error, ")
        # A model validator sees several fields; its message says which one is wrong.
        named = _NAMED.fullmatch(reason) if error["type"] == "value_error" else None
        if named is not None:
            field = named["field"] if not loc else f"{field}.{named['field']}"
            reason = named["reason"]
        problems.append(FieldProblem(field, reason))
    return tuple(problems)


def default_policy_data() -> dict[str, Any]:
    """The bundled default policy as plain data (house rules included, in every language of
    :class:`Language` that has them all translated)."""
    return copy.deepcopy(_default_policy_data())


@functools.cache
def _default_policy_data() -> dict[str, Any]:
    folder = resources.files("policies") / "default"
    data = tomllib.loads((folder / "policy.toml").read_text(encoding="utf-8"))
    rules = tomllib.loads((folder / "house_rules.toml").read_text(encoding="utf-8"))
    data["house_rules"] = translated_house_rules(rules)
    return data


def house_rules_catalogue(rules: dict[str, Any], folder: Path | None = None) -> Catalogue:
    """The catalogue of the default house rules' translations: each text's key is
    ``<rule id>.short`` or ``<rule id>.long``, its English the one in house_rules.toml."""
    texts = sources(
        *(
            _t(f"{rule['id']}.{part}", rule["texts"][Language.EN][part])
            for rule in rules["rules"]
            for part in ("short", "long")
        )
    )
    shipped = Path(str(resources.files("policies") / "locale"))
    return Catalogue(folder or shipped, "rules", texts)


def translated_house_rules(rules: dict[str, Any], folder: Path | None = None) -> dict[str, Any]:
    """``rules`` (house_rules.toml's data, in English) with the texts of every language
    whose catalogue (in ``folder``, else the shipped one) translates them all."""
    catalogue = house_rules_catalogue(rules, folder)
    translated = {}
    for language in Language:
        if language is Language.EN:
            continue
        # A language whose catalogue lacks a text is not offered in the default (its
        # visitors would read English words in the middle of their own).
        if all(catalogue.translated(key, language) for key in catalogue.texts):
            translated[language] = {key: catalogue.text(key, language) for key in catalogue.texts}
    for rule in rules["rules"]:
        for language, texts in translated.items():
            rule["texts"][language] = {
                part: texts[f"{rule['id']}.{part}"] for part in ("short", "long")
            }
    return rules


def policy_from_data(data: dict[str, Any], source: str = "(data)") -> Policy:
    """Validate plain data into a policy; bad fields are all named in the error."""
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise InvalidPolicy(source, _problems(exc)) from exc


def parse_policy(text: str, fmt: Format, source: str = "(text)") -> Policy:
    """Read a policy file's text, merged over the bundled default."""
    return policy_from_data(_merge(default_policy_data(), _parse(text, fmt, source)), source)


def load_policy(path: Path) -> Policy:
    """Read a ``.toml``, ``.yaml`` or ``.yml`` policy file."""
    fmt: Format
    if path.suffix == ".toml":
        fmt = "toml"
    elif path.suffix in (".yaml", ".yml"):
        fmt = "yaml"
    else:
        raise InvalidPolicy(str(path), (FieldProblem("(file)", "use a .toml, .yaml or .yml file"),))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidPolicy(str(path), (FieldProblem("(file)", f"cannot be read: {exc}"),)) from exc
    return parse_policy(text, fmt, str(path))


def default_policy() -> Policy:
    """The bundled default policy."""
    return policy_from_data(default_policy_data(), "(bundled default)")


def pictogram_svg(name: str) -> bytes:
    """The SVG of a shipped pictogram."""
    return (resources.files("policies") / "pictograms" / f"{name}.svg").read_bytes()
