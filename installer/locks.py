"""``python -m installer.locks [--check]``: the lock files of the two Debian packages.

Each package's virtual environment is built from its lock file,
``debian/<package>.requirements.txt``: every Python distribution it holds (pyproject.toml's
base dependencies plus the package's extra, and everything they pull in), pinned to one
version with the hashes of its files, resolved for CPython 3.11 on Linux x86_64 (Debian 12's
Python; the package's machine). ``debian/rules`` installs it with ``pip --require-hashes``,
so every PC gets the same libraries whatever day its package was built, and a file that
changed on the index fails the build instead of shipping.

The lock is made with ``uv pip compile`` (a test tool: ``.[test]``). Its header records a
digest of the dependency lists it was made from: when pyproject.toml's lists change, the
check (and the test suite) says the lock is stale until it is made again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from installer.plan import InstallerError

PROJECT = Path(__file__).resolve().parents[1]
PYTHON_VERSION = "3.11"
# Debian 12's C library is glibc 2.36: wheels for newer ones would not load there.
PYTHON_PLATFORM = "x86_64-manylinux_2_36"
COMMAND = "python -m installer.locks"
DIGEST_LABEL = "# pyproject.toml dependencies sha256: "
REQUIRE_HASHES = "--require-hashes"

PACKAGE_EXTRAS = {"epn-kiosk": "kiosk", "epn-console": "console"}
"""Each Debian package and the extra of pyproject.toml its virtual environment holds."""


def lock_path(package: str, project: Path = PROJECT) -> Path:
    """Where ``package``'s lock file lives."""
    return project / "debian" / f"{package}.requirements.txt"


def normalised(name: str) -> str:
    """A distribution name as the index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise InstallerError(f"pyproject.toml: cannot read the requirement {requirement!r}")
    return normalised(match.group(1))


def _project_table(project: Path) -> dict[str, object]:
    table: dict[str, object] = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    return table


def declared(extra: str, project: Path = PROJECT) -> list[str]:
    """The requirements a package's lock resolves: the base dependencies, then the extra's."""
    table = _project_table(project)
    base = table["dependencies"]
    extras = table["optional-dependencies"]
    assert isinstance(base, list) and isinstance(extras, dict)
    return [*base, *extras[extra]]


def dependencies_digest(extra: str, project: Path = PROJECT) -> str:
    """A digest of what a package's lock is made from: the Python versions and the lists.

    Only these, not the whole pyproject.toml: a change to a tool's settings there does not
    make the locks stale, a changed or added dependency does.
    """
    table = _project_table(project)
    source = {
        "requires-python": table["requires-python"],
        "extra": extra,
        "requirements": declared(extra, project),
    }
    return hashlib.sha256(json.dumps(source, sort_keys=True).encode()).hexdigest()


def header(package: str, extra: str, project: Path = PROJECT) -> str:
    """The lines above the pins: what the file is, how it is made, what it was made from."""
    return (
        f"# {package}: every Python distribution of its virtual environment, pinned with the\n"
        f"# hashes of its files (pyproject.toml's dependencies and its extra [{extra}], for\n"
        f"# CPython {PYTHON_VERSION} on {PYTHON_PLATFORM}). debian/rules installs it;"
        " made by\n"
        f"# `{COMMAND}` (uv pip compile): never edit it by hand.\n"
        f"{DIGEST_LABEL}{dependencies_digest(extra, project)}\n"
        f"{REQUIRE_HASHES}\n"
    )


def compile_lock(package: str, project: Path = PROJECT) -> str:
    """The lock file's text, resolved now against the package index (needs the network)."""
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        raise InstallerError("uv is missing (pip install -e .[test])")
    extra = PACKAGE_EXTRAS[package]
    done = subprocess.run(
        [
            uv,
            "pip",
            "compile",
            "--quiet",
            "--no-header",
            "--generate-hashes",
            "--python-version",
            PYTHON_VERSION,
            "--python-platform",
            PYTHON_PLATFORM,
            "--extra",
            extra,
            "pyproject.toml",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise InstallerError(f"uv pip compile failed: {done.stderr.strip()}")
    return header(package, extra, project) + done.stdout


@dataclass(frozen=True)
class Pin:
    """One pinned distribution of a lock file."""

    name: str
    version: str
    hashes: tuple[str, ...]


def pins(text: str) -> dict[str, Pin]:
    """The pins of a lock file, by normalised name."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = {}
    for line in joined.splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s*(.*)$", line)
        if match is None:
            continue
        hashes = tuple(re.findall(r"--hash=sha256:([0-9a-f]{64})", match.group(3)))
        found[normalised(match.group(1))] = Pin(normalised(match.group(1)), match.group(2), hashes)
    return found


def problems(package: str, project: Path = PROJECT) -> list[str]:
    """Why ``package``'s lock file does not match pyproject.toml (empty when it does).

    A lock cannot be resolved again without the network; what can be checked is that it was
    made from today's dependency lists (the digest in its header), that pip will demand
    hashes, and that every distribution pyproject.toml names is pinned with its hashes.
    """
    extra = PACKAGE_EXTRAS[package]
    path = lock_path(package, project)
    if not path.exists():
        return [f"{path.name} is missing: run `{COMMAND}`"]
    text = path.read_text()
    found = []
    digest = dependencies_digest(extra, project)
    if f"{DIGEST_LABEL}{digest}\n" not in text:
        found.append(
            f"{path.name} was made from other dependency lists than pyproject.toml's:"
            f" run `{COMMAND}`"
        )
    if f"\n{REQUIRE_HASHES}\n" not in text:
        found.append(f"{path.name} does not say {REQUIRE_HASHES}")
    pinned = pins(text)
    for requirement in declared(extra, project):
        name = _requirement_name(requirement)
        if name not in pinned:
            found.append(f"{path.name} does not pin {name}")
    for pin in pinned.values():
        if not pin.hashes:
            found.append(f"{path.name} pins {pin.name} without a hash")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Make the lock files again, or check them."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="only say whether the lock files are current"
    )
    args = parser.parse_args(argv)
    if args.check:
        found = [problem for package in PACKAGE_EXTRAS for problem in problems(package)]
        for problem in found:
            print(problem, file=sys.stderr)
        return 1 if found else 0
    # Both resolved before either is written: never one new lock beside one stale.
    try:
        texts = {package: compile_lock(package) for package in PACKAGE_EXTRAS}
    except InstallerError as exc:
        parser.exit(1, f"installer.locks: {exc}\n")
    for package, text in texts.items():
        lock_path(package).parent.mkdir(parents=True, exist_ok=True)
        lock_path(package).write_text(text)
        print(lock_path(package))
    return 0


if __name__ == "__main__":
    sys.exit(main())
