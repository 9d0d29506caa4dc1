"""The policy tab: read by animators, edited by managers.

The form is made from the policy model's own fields (``policies.model``): each number gets
its range and description from there, each choice its values, so a field added to the model
shows up here with its limits. The console checks the whole policy again; a 422 names the
dotted field, which the form shows next to that field, keeping what staff typed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtCore import Signal

from admin_console.api.policy import PolicyState
from admin_console.gui import calls, i18n
from admin_console.gui.client import Reply
from admin_console.gui.tab_controller import Section, api_error, check_text
from policies import Language
from policies.model import Minutes, PrintRules, SessionRules, StaffRules


class FieldKind(StrEnum):
    """How a field is typed in."""

    NUMBER = "number"
    NUMBERS = "numbers"  # a list of numbers, e.g. the warnings
    TEXT = "text"
    CHOICE = "choice"  # one value of a fixed list, e.g. the staff menu's language


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of the policy."""

    path: str
    """Dotted, as the console names it in a 422 (``session.length_minutes``)."""
    kind: FieldKind
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    """A choice's values, as the policy holds them, in the model's order."""
    native_names: tuple[str, ...] = ()
    """A choice of languages: each one's own name, the same whatever staff's language."""


def _bounds(metadata: Sequence[object]) -> tuple[int | None, int | None]:
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = int(item.ge)  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Le):
            high = int(item.le)  # type: ignore[call-overload]
    return low, high


def _spec(prefix: str, name: str, info: FieldInfo) -> FieldSpec | None:
    path = f"{prefix}.{name}"
    description = info.description or name
    annotation = info.annotation
    if annotation is int:
        low, high = _bounds(info.metadata)
        return FieldSpec(path, FieldKind.NUMBER, description, low, high)
    if annotation is str:
        return FieldSpec(path, FieldKind.TEXT, description)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        members = list(annotation)
        names = tuple(str(getattr(m, "native_name", "")) for m in members)
        return FieldSpec(
            path,
            FieldKind.CHOICE,
            description,
            choices=tuple(m.value for m in members),
            native_names=names if all(names) else (),
        )
    if getattr(annotation, "__origin__", None) is tuple:
        inner = FieldInfo.from_annotation(Minutes)
        low, high = _bounds(inner.metadata)
        return FieldSpec(path, FieldKind.NUMBERS, description, low, high)
    return None


def model_specs(prefix: str, model: type[BaseModel]) -> list[FieldSpec]:
    """The editable fields of one part of the policy, in the model's order."""
    found = (_spec(prefix, name, info) for name, info in model.model_fields.items())
    return [spec for spec in found if spec is not None]


SECTIONS: Sequence[tuple[str, list[FieldSpec]]] = (
    ("policy.section.session", model_specs("session", SessionRules)),
    ("policy.section.printing", model_specs("printing", PrintRules)),
    ("policy.section.staff", model_specs("staff", StaffRules)),
)
"""The form's groups: a title key and its fields."""


def field_label(spec: FieldSpec, language: Language) -> str:
    """The field's name in staff's language (the model's English description otherwise)."""
    key = f"policy.field.{spec.path}"
    return i18n.text(key, language) if key in i18n.TEXTS else spec.description


def field_help(spec: FieldSpec, language: Language) -> str | None:
    """What the field is for, in staff's language, when the console says more than its
    label (None otherwise; the tooltip then gives the model's English description)."""
    key = f"policy.help.{spec.path}"
    return i18n.text(key, language) if key in i18n.TEXTS else None


def choice_label(spec: FieldSpec, value: str) -> str:
    """How a choice reads: a language by its own name, whatever staff's language (a Dutch
    speaker looks for "Nederlands"); anything else as the policy holds it."""
    if spec.native_names and value in spec.choices:
        return spec.native_names[spec.choices.index(value)]
    return value


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """``data["session"]["length_minutes"]`` for ``session.length_minutes``."""
    value: Any = data
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value.get(part)
        if value is None:
            return None
    return value


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path in nested dicts (made as needed)."""
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def parse_numbers(text: str) -> list[int] | None:
    """``10, 5, 1`` → [10, 5, 1]; None when it is not a list of whole numbers."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def rule_texts(policy: Mapping[str, Any], language: str) -> list[tuple[str, str, str]]:
    """Each house rule as (id, short, long) in ``language`` (empty when not written yet)."""
    rules = get_path(policy, "house_rules.rules") or []
    out = []
    for rule in rules:
        text = (rule.get("texts") or {}).get(language) or {}
        out.append((str(rule.get("id", "")), str(text.get("short", "")), str(text.get("long", ""))))
    return out


def rule_pictograms(policy: Mapping[str, Any]) -> list[str]:
    """Each house rule's pictogram name, in the rules' order."""
    return [str(rule.get("pictogram", "")) for rule in get_path(policy, "house_rules.rules") or []]


def field_for_error(name: str, specs: Sequence[FieldSpec]) -> str:
    """The form field a console error names: ``policy.session.length_minutes`` →
    ``session.length_minutes``; a rule's text keeps its full path."""
    for prefix in ("body.", "policy."):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    for spec in specs:
        if name == spec.path or name.startswith(spec.path + "."):
            return spec.path
    return name


ALL_SPECS = [spec for _, specs in SECTIONS for spec in specs]


class PolicyDesk(Section):
    """Loads the policy and sends a changed one."""

    loaded = Signal()
    saved = Signal()
    field_errors = Signal(dict)
    """A 422: {form field path: sentence}."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state: PolicyState | None = None

    def load(self) -> None:
        """``GET /api/policy``; ``loaded`` follows."""
        self.call(calls.POLICY, self._loaded)

    def _loaded(self, state: PolicyState) -> None:
        self.state = state
        self.loaded.emit()

    def edited(
        self, values: Mapping[str, Any], rules: Mapping[str, Sequence[tuple[str, str]]]
    ) -> dict[str, Any]:
        """The policy in force with staff's changes: ``values`` by dotted path, and the house
        rules' (short, long) texts per language code, in the rules' order."""
        base = copy.deepcopy(dict(self.state.policy)) if self.state else {}
        for path, value in values.items():
            set_path(base, path, value)
        for language, texts in rules.items():
            for rule, (short, long) in zip(
                get_path(base, "house_rules.rules") or [], texts, strict=False
            ):
                rule.setdefault("texts", {})[language] = {"short": short, "long": long}
        return base

    def save(self, policy: Mapping[str, Any]) -> None:
        """``PUT /api/policy``; ``saved`` or ``field_errors`` follows."""
        self.call(calls.CHANGE_POLICY, self._saved, body={"policy": policy}, refused=self._refused)

    def _saved(self, state: PolicyState) -> None:
        self.state = state
        self.loaded.emit()
        self.saved.emit()

    def _refused(self, reply: Reply) -> bool:
        if reply.status != 422:
            return False
        found: dict[str, str] = {}
        for name, message in reply.fields.items():
            found[field_for_error(name, ALL_SPECS)] = check_text(message, self.language)
        if not found:
            found[""] = api_error(reply, self.language)
        self.field_errors.emit(found)
        return True
