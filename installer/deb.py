"""``python -m installer.deb --out DIR``: both Debian packages, ``epn-kiosk`` and
``epn-console``, built with Debian's tooling (dpkg-buildpackage, debhelper, dh-virtualenv)
from ``debian/``.

Two packages, not one: a public PC and the staff machine need different Debian packages
(the kiosk needs LightDM and CUPS), and installing the kiosk on the staff machine by
mistake would lock it into a visitor session. Each ships its own virtual environment in
``/opt/<package>/venv``, built here from its lock file (``debian/<package>.requirements.txt``,
every version pinned with its hashes: ``installer/locks.py``) with its role's extra only (a
public PC gets no web server, the staff machine no CUPS bindings). Installing a package
needs no network, no compiler and no PyPI, and every PC runs the same versions. Its
``postinst`` runs ``python -m installer ROLE`` with the options kept in
``/etc/default/<package>``; ``prerm`` runs ``python -m installer uninstall ROLE`` when the
package is removed (not on an upgrade). The data folders stay unless removed by hand (see
the install guide).

The build runs on a copy of the source holding only what ships (the packages' code, the
guides, ``debian/``; never the tests or the demo room), with the manual pages made from the
argument parsers (``installer/manpages.py``) in ``debian/man``. It needs Debian 12 with the
packages of ``Build-Depends`` (``debian/control``) and PyPI, where pip fetches the locked
files.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from installer.catalogues import DOMAINS, compile_domain
from installer.locks import problems
from installer.manpages import man_page
from installer.plan import InstallerError, Role

PROJECT = Path(__file__).resolve().parents[1]
SOURCE_PACKAGES = ("kiosk", "admin_console", "policies", "epn_shared", "installer")
SOURCE_FILES = (
    "pyproject.toml",
    "README.md",
    "docs/install-en.md",
    "docs/install-fr.md",
    "docs/install-nl.md",
)
NOT_SHIPPED = (
    "installer/demo",
    *(f"debian/{left}" for left in (".debhelper", "epn-kiosk", "epn-console", "man")),
)
"""Folders that stay out of the build: the demo room, and what a build run in the checkout
itself left in ``debian/`` (the packages' trees; the manual pages are made anew)."""

PACKAGES = {Role.KIOSK: "epn-kiosk", Role.CONSOLE: "epn-console"}


def venv_dir(package: str) -> str:
    """Where a package's virtual environment lives on the machine."""
    return f"/opt/{package}/venv"


def changelog_version(project: Path = PROJECT) -> str:
    """The packages' version: the newest entry of ``debian/changelog``."""
    first = (project / "debian/changelog").read_text().splitlines()[0]
    match = re.match(r"\S+ \(([^)]+)\)", first)
    if match is None:
        raise InstallerError(f"debian/changelog: cannot read the version in {first!r}")
    return match.group(1)


def control_paragraphs(project: Path = PROJECT) -> list[dict[str, str]]:
    """``debian/control``'s paragraphs, comments dropped, each field's lines joined."""
    paragraphs: list[dict[str, str]] = []
    current: dict[str, str] = {}
    name = ""
    for line in [*(project / "debian/control").read_text().splitlines(), ""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                paragraphs.append(current)
            current, name = {}, ""
        elif line[0].isspace():
            current[name] += "\n" + line.strip()
        else:
            name, _, value = line.partition(":")
            current[name] = value.strip()
    return paragraphs


def relations(value: str) -> list[str]:
    """The relations of a field such as Depends, without the substitution variables."""
    parts = (part.strip() for part in value.replace("\n", " ").split(","))
    return [part for part in parts if part and not part.startswith("${")]


def binary_fields(package: str, project: Path = PROJECT) -> dict[str, str]:
    """The fields of ``package``'s paragraph in ``debian/control``."""
    for paragraph in control_paragraphs(project):
        if paragraph.get("Package") == package:
            return paragraph
    raise InstallerError(f"debian/control has no package {package}")


def _shipped_files(project: Path) -> Iterator[Path]:
    for name in SOURCE_FILES:
        if (project / name).exists():
            yield project / name
    for folder in ("debian", *SOURCE_PACKAGES):
        for path in sorted((project / folder).rglob("*")):
            relative = path.relative_to(project).as_posix()
            if (
                "__pycache__" in path.parts
                or path.suffix == ".pyc"
                or not path.is_file()
                or any(relative.startswith(f"{skipped}/") for skipped in NOT_SHIPPED)
            ):
                continue
            yield path


def stage(source: Path, project: Path = PROJECT) -> None:
    """Lay out under ``source`` what the packages are built from, with the manual pages."""
    for path in _shipped_files(project):
        destination = source / path.relative_to(project)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    # The texts' catalogues compiled (.mo), as the products read them fastest.
    for domain in DOMAINS:
        compile_domain(domain, source)
    man = source / "debian/man"
    man.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES.values():
        (man / f"{package}.1").write_text(man_page(package))


def _build_environment() -> dict[str, str]:
    """This environment, less what would make the build use another Python's packages."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"}
    }
    here = str(Path(sys.prefix) / "bin")
    environment["PATH"] = os.pathsep.join(
        part for part in environment.get("PATH", os.defpath).split(os.pathsep) if part != here
    )
    return environment


def build(out: Path, project: Path = PROJECT) -> dict[Role, Path]:
    """Build both packages into ``out``; each role's ``.deb``."""
    if shutil.which("dpkg-buildpackage") is None:
        raise InstallerError("dpkg-buildpackage is missing (Debian package dpkg-dev)")
    stale = [problem for package in PACKAGES.values() for problem in problems(package, project)]
    if stale:
        raise InstallerError("; ".join(stale))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="epn-deb-") as staging:
        source = Path(staging) / "epn-kiosk"
        stage(source, project)
        done = subprocess.run(
            ["dpkg-buildpackage", "--build=binary", "--no-sign"],
            cwd=source,
            env=_build_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            tail = "\n".join(done.stdout.splitlines()[-40:])
            raise InstallerError(f"dpkg-buildpackage failed:\n{tail}")
        built = {}
        for role, package in PACKAGES.items():
            [deb] = Path(staging).glob(f"{package}_*.deb")
            built[role] = Path(shutil.move(deb, out / deb.name))
    return built


def main(argv: Sequence[str] | None = None) -> int:
    """Build both packages."""
    parser = argparse.ArgumentParser(
        prog="python -m installer.deb",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=Path("dist"), help="where the .deb go")
    args = parser.parse_args(argv)
    try:
        for deb in build(args.out).values():
            print(deb)
    except InstallerError as exc:
        print(f"installer.deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
