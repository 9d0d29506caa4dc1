"""Reading YAML policy text (imported only when a policy file is YAML)."""

from __future__ import annotations

import re

import yaml


class _YamlLoader(yaml.SafeLoader):
    """The safe loader, except that ``10:00`` is the text "10:00" (a time of day for the
    policy), not the base-60 number 600 of YAML 1.1."""


_TIME_OF_DAY = re.compile(r"^[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$")
_YamlLoader.yaml_implicit_resolvers = {
    first: ([("tag:yaml.org,2002:str", _TIME_OF_DAY)] if first.isdigit() else []) + list(resolvers)
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> object:
    """Parse YAML text; raises ValueError with the parser's message when it is not YAML."""
    try:
        return yaml.load(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc
