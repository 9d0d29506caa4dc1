"""The packages' relations name packages Debian has: a name apt does not know is silently
skipped from Recommends (a Spanish visitor's Firefox stays in English) and breaks Depends."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CONTROL = Path(__file__).resolve().parents[2] / "debian" / "control"


def _stanzas() -> list[dict[str, str]]:
    """The control file's paragraphs, comments dropped, continuation lines joined."""
    text = "\n".join(line for line in CONTROL.read_text().splitlines() if not line.startswith("#"))
    stanzas = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        name = ""
        for line in block.splitlines():
            if line[:1].isspace() and name:
                fields[name] += " " + line.strip()
            elif ":" in line:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        if fields:
            stanzas.append(fields)
    return stanzas


def _known(packages: set[str]) -> set[str]:
    """Those of ``packages`` apt knows (one apt-cache call: it exits 100 if any is unknown,
    and still shows the others)."""
    done = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", *sorted(packages)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return {line.removeprefix("Package: ") for line in done.stdout.splitlines()} & packages


@pytest.mark.skipif(shutil.which("apt-cache") is None, reason="apt-cache missing (not Debian)")
def test_every_package_the_debs_depend_on_or_recommend_is_known_to_apt() -> None:
    if not _known({"dpkg"}):
        pytest.skip("apt has no package lists here (apt-get update never ran)")
    relations = []
    for stanza in _stanzas():
        if "Package" not in stanza:
            continue  # the source paragraph: build tools
        for field in ("Depends", "Recommends"):
            for relation in stanza.get(field, "").split(","):
                names = [
                    re.split(r"[\s(]", alternative.strip())[0]
                    for alternative in relation.split("|")
                ]
                names = [n for n in names if n and not n.startswith("${")]
                if names:
                    relations.append((f"{stanza['Package']} {field}: {relation.strip()}", names))
    known = _known({name for _, names in relations for name in names})
    unknown = [where for where, names in relations if not known.intersection(names)]
    assert len(relations) > 40, "the packages' relations were not read"
    assert unknown == [], "names apt does not know"
