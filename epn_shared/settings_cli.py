"""Command lines derived from a pydantic-settings model: each field is the option
``--field-name`` (or as an :class:`Option` in its ``Annotated`` metadata says; never, with a
:class:`NotAnOption`), its description the help. Values reach the model as typed, so a bad one
is refused by the field's name whether it came from an option or from the environment."""

from __future__ import annotations

import argparse
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings, SettingsError

S = TypeVar("S", bound=BaseSettings)


@dataclass(frozen=True)
class Option:
    """How a field is written on the command line, when not ``--field-name``."""

    flag: str | None = None
    group: str | None = None
    """The title of the argument group the option is listed under in ``--help``."""


@dataclass(frozen=True)
class NotAnOption:
    """A field no command line sets: ``why`` says who does."""

    why: str


class BadSettings(ValueError):
    """An option or an environment value the model refuses; the message names each field."""


def _mark(field: FieldInfo) -> Option | NotAnOption:
    return next((m for m in field.metadata if isinstance(m, Option | NotAnOption)), Option())


def option_flags(model: type[BaseSettings]) -> dict[str, str]:
    """Each field given on the command line, with its option (``{"socket_path": "--socket"}``)."""
    return {
        name: mark.flag or "--" + name.replace("_", "-")
        for name, field in model.model_fields.items()
        if isinstance(mark := _mark(field), Option)
    }


def add_options(
    parser: argparse.ArgumentParser, model: type[BaseSettings], fields: Collection[str] = ()
) -> None:
    """Declare ``model``'s fields (or only ``fields``) as options of ``parser``."""
    groups: dict[str, argparse._ArgumentGroup] = {}
    for name, flag in option_flags(model).items():
        field = model.model_fields[name]
        if fields and name not in fields:
            continue
        where: argparse._ActionsContainer = parser
        if (group := cast(Option, _mark(field)).group) and not fields:  # a few need no groups
            where = groups.setdefault(group, parser.add_argument_group(group))
        help_text = (field.description or "").replace("%", "%%")
        # Not given: absent, so the environment or the field's default decides.
        kwargs: dict[str, Any] = {"dest": name, "default": argparse.SUPPRESS}
        if field.annotation is bool:
            kwargs["action"] = "store_false" if field.default is True else "store_true"
        else:
            kwargs["metavar"] = flag.lstrip("-").replace("-", "_").upper()
            if field.is_required():
                help_text = f"{help_text.rstrip('.')} (required)."
            elif field.default not in (None, PydanticUndefined):
                help_text = f"{help_text.rstrip('.')} (default: {field.default})."
        where.add_argument(flag, help=help_text, **kwargs)
    if (prefix := model.model_config.get("env_prefix")) and not fields:
        name, flag = next(iter(option_flags(model).items()))
        parser.epilog = f"An option not given is read from the environment: {prefix} and the "
        parser.epilog += f"setting's name ({prefix}{name.upper()} for {flag})."


def settings_from(model: type[S], args: argparse.Namespace, **fixed: Any) -> S:
    """The settings the options in ``args`` (then the environment, then the defaults) give,
    with ``fixed`` values set by the caller; :class:`BadSettings` names each field refused."""
    given = {name: value for name, value in vars(args).items() if name in model.model_fields}
    try:
        return model(**given, **fixed)
    except ValidationError as exc:
        raise BadSettings(
            "; ".join(
                # A check across fields has no place: its message starts with the field's name.
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                if e["loc"]
                else e["msg"].removeprefix("Value error, ")
                for e in exc.errors(include_url=False)
                if e["type"] != "default_factory_not_called"  # a consequence, not a cause
            )
        ) from exc
    except SettingsError as exc:  # an environment value that is not JSON where JSON is due
        raise BadSettings(str(exc)) from exc
