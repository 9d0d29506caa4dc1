"""``python -m installer.deb kiosk|console --out DIR``: the Debian packages, built with
``dpkg-deb`` from a staged tree.

Two packages, not one: a public PC and the staff machine need different Debian packages
(the kiosk needs LightDM and CUPS), and installing the kiosk on the staff machine by
mistake would lock it into a visitor session. Each ships the project's source; its
``postinst`` makes a virtual environment in ``/opt/<package>/venv``, installs the project
there with pip, with its role's extra only (``.[kiosk]`` or ``.[console]``: a public PC gets
no web server, the staff machine no CUPS bindings; PySide6 and the other Python dependencies
come from PyPI: the machine needs the Internet while it installs), then runs
``python -m installer ROLE`` with the options kept in ``/etc/default/<package>``. ``prerm``
runs ``python -m installer uninstall ROLE`` when the package is removed (not on an upgrade);
``postrm purge`` removes the virtual environment. The data folders stay unless removed by
hand (see the install guide).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from epn_shared.version import installed_version
from installer.manpages import man_page_gz
from installer.plan import InstallerError, Role

PROJECT = Path(__file__).resolve().parents[1]
SOURCE_PACKAGES = ("kiosk", "admin_console", "policies", "epn_shared", "installer")
SOURCE_FILES = ("pyproject.toml", "README.md")
NOT_SHIPPED = (Path("installer/demo"),)
"""Folders of the source packages that no package ships: the demo runs from a checkout."""
MAINTAINER = "EPN Kiosk <epn-kiosk@users.noreply.github.com>"

# Python for the virtual environment, and the system tools the installer's commands call.
_COMMON_DEPENDS = (
    "python3 (>= 3.11)",
    "python3-venv",
    "util-linux",
    "ca-certificates",
)
# What pip needs to build pycups (no wheel on PyPI): only the kiosk's extra has it.
_PYCUPS_BUILD_DEPENDS = ("python3-dev", "gcc", "libcups2-dev")
# What the Qt wheels from PyPI (PySide6) load and do not bring: the xcb platform plugin's
# libraries (Qt 6.5+ needs libxcb-cursor0) and OpenGL. Without them the kiosk shell (and the
# staff window) exits at once: "could not load the Qt platform plugin xcb".
_QT_XCB_DEPENDS = (
    "libegl1",
    "libgl1",
    "libopengl0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
)


_LANGUAGE_PACKS = ("fr", "nl", "ar", "tr", "es")
"""The visitor languages other than English, as Debian's language packs name them."""


@dataclass(frozen=True)
class Flavour:
    """What differs between the two packages."""

    role: Role
    package: str
    extra: str
    """The project's optional dependencies (pyproject.toml) this package installs."""
    depends: tuple[str, ...]
    recommends: tuple[str, ...]
    description: str


FLAVOURS = {
    Role.KIOSK: Flavour(
        Role.KIOSK,
        "epn-kiosk",
        "kiosk",
        (
            *_COMMON_DEPENDS,
            *_PYCUPS_BUILD_DEPENDS,
            *_QT_XCB_DEPENDS,
            "cups",
            "cups-client",
            "cups-bsd",
            "lightdm",
            # The visitor's window manager: programs open maximised under the session bar.
            "openbox",
            # Tapping an open program's tile brings its window back (kiosk/shell/launcher.py).
            "xdotool",
            "dconf-cli",
            "procps",
            # locale-gen: the visitor's locales (fr_BE, nl_BE…) are made at install.
            "locales",
            # The Belgian eID card: the PC/SC daemon, the USB card reader driver, and
            # OpenSC's PKCS#11 module that both browsers load (it reads BELPIC cards).
            "pcscd",
            "libccid",
            "opensc-pkcs11",
        ),
        # Versioned: on Ubuntu, "chromium" is provided (unversioned) by chromium-browser, a
        # transitional package whose preinst installs snapd and waits 30 minutes for the
        # snap store; a versioned relation takes only Debian's real chromium.
        # opensc: opensc-tool, to see that a card reader is found (install guide, eID).
        # The language packs: Firefox and LibreOffice speak the visitor's language (the shell
        # starts them with it) in the languages the shell offers; English is built in.
        (
            "firefox-esr | chromium (>= 100)",
            "fonts-dejavu-core",
            "espeak-ng",
            "opensc",
            *(f"firefox-esr-l10n-{code}" for code in _LANGUAGE_PACKS),
            *(f"libreoffice-l10n-{code}" for code in _LANGUAGE_PACKS),
        ),
        "public computer of an EPN: timed sessions, house rules, metered printing, wipe\n"
        " Turns this PC into a public kiosk: the agent and its boot sweep as systemd\n"
        " services, the visitor's automatic session with the EPN Kiosk shell, the\n"
        " locked-down desktop and browsers, a CUPS queue that prints only what the\n"
        " visitor confirmed. Removing the package takes all of it away again.",
    ),
    Role.CONSOLE: Flavour(
        Role.CONSOLE,
        "epn-console",
        "console",
        (*_COMMON_DEPENDS, *_QT_XCB_DEPENDS),
        ("sqlite3", "postgresql-client"),
        "staff console of an EPN: the room live, tickets, members, usage, policy\n"
        " The console server (as its own system user, SQLite or PostgreSQL) that the\n"
        " public PCs report to, and the staff window in the desktop's menu.",
    ),
}


EXTRA_STAMP = ".epn-extra"
"""In the virtual environment: the name of the extra its packages were installed for."""


def venv_dir(flavour: Flavour) -> str:
    """Where the package's virtual environment lives."""
    return f"/opt/{flavour.package}/venv"


def control(flavour: Flavour, version: str) -> str:
    """``DEBIAN/control``."""
    return (
        f"Package: {flavour.package}\n"
        f"Version: {version}\n"
        "Architecture: all\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Depends: {', '.join(flavour.depends)}\n"
        f"Recommends: {', '.join(flavour.recommends)}\n"
        "Section: admin\n"
        "Priority: optional\n"
        "Homepage: https://github.com/epn-kiosk/epn-kiosk\n"
        f"Description: {flavour.description}\n"
    )


def postinst(flavour: Flavour) -> str:
    """``DEBIAN/postinst``: the virtual environment, then the installer (configure step).

    The environment holds the project with its role's extra only. One made for another set
    (0.1.0 put both products' dependencies on every machine; ``pip install --upgrade`` never
    removes a package) is made anew, so that an upgraded PC ends up with what a new one has.
    """
    venv = venv_dir(flavour)
    role = flavour.role.value
    return f"""#!/bin/sh
# {flavour.package}: set the machine up as a {role} (python -m installer {role}).
set -e
if [ "$1" = "configure" ]; then
    VENV={venv}
    if [ "$(cat "$VENV/{EXTRA_STAMP}" 2>/dev/null)" != "{flavour.extra}" ]; then
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \\
        --upgrade "/usr/share/{flavour.package}/src[{flavour.extra}]"
    echo {flavour.extra} > "$VENV/{EXTRA_STAMP}"
    # The EPN's own options (printer, console address...): see the install guide.
    INSTALLER_ARGS=""
    if [ -f /etc/default/{flavour.package} ]; then
        . /etc/default/{flavour.package}
    fi
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m installer {role} --bin-dir "$VENV/bin" $INSTALLER_ARGS
fi
exit 0
"""


def prerm(flavour: Flavour) -> str:
    """``DEBIAN/prerm``: take the installation away when the package is removed."""
    venv = venv_dir(flavour)
    role = flavour.role.value
    return f"""#!/bin/sh
# {flavour.package}: remove what python -m installer {role} installed (not on an upgrade).
set -e
if [ "$1" = "remove" ] && [ -x {venv}/bin/python ]; then
    {venv}/bin/python -m installer uninstall {role}
fi
exit 0
"""


def postrm(flavour: Flavour) -> str:
    """``DEBIAN/postrm``: on purge, the virtual environment goes too."""
    return f"""#!/bin/sh
# {flavour.package}: on purge, remove the virtual environment the postinst made.
set -e
if [ "$1" = "purge" ]; then
    rm -rf /opt/{flavour.package}
fi
exit 0
"""


def _source_files(project: Path) -> Iterator[Path]:
    for name in SOURCE_FILES:
        yield project / name
    for package in SOURCE_PACKAGES:
        for path in sorted((project / package).rglob("*")):
            if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.is_file():
                continue
            if any(path.relative_to(project).is_relative_to(away) for away in NOT_SHIPPED):
                continue
            yield path


def stage(flavour: Flavour, version: str, tree: Path, project: Path = PROJECT) -> None:
    """Lay the package's files out under ``tree``, as they will be on the machine."""
    source = tree / "usr/share" / flavour.package / "src"
    for path in _source_files(project):
        destination = source / path.relative_to(project)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        destination.chmod(0o755 if os.access(path, os.X_OK) else 0o644)
    docs = tree / "usr/share/doc" / flavour.package
    docs.mkdir(parents=True)
    for guide in ("install-en.md", "install-fr.md"):
        if (project / "docs" / guide).exists():
            shutil.copyfile(project / "docs" / guide, docs / guide)
    man = tree / "usr/share/man/man1"
    man.mkdir(parents=True)
    (man / f"{flavour.package}.1.gz").write_bytes(man_page_gz(flavour.package))
    (tree / "etc/default").mkdir(parents=True)
    (tree / "etc/default" / flavour.package).write_text(
        f"# Options for `python -m installer {flavour.role.value}`, used when the package is\n"
        "# installed or upgraded; e.g. for a kiosk:\n"
        '# INSTALLER_ARGS="--printer-uri ipp://192.168.1.20/ipp/print --pc-name PC-07"\n'
        'INSTALLER_ARGS=""\n'
    )
    debian = tree / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(control(flavour, version))
    (debian / "conffiles").write_text(f"/etc/default/{flavour.package}\n")
    for name, text in (
        ("postinst", postinst(flavour)),
        ("prerm", prerm(flavour)),
        ("postrm", postrm(flavour)),
    ):
        (debian / name).write_text(text)
        (debian / name).chmod(0o755)
    for folder in [tree, *(p for p in tree.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)


def build(role: Role, version: str, out: Path, project: Path = PROJECT) -> Path:
    """Build the role's ``.deb`` into ``out``; its path."""
    dpkg_deb = shutil.which("dpkg-deb")
    if dpkg_deb is None:
        raise InstallerError("dpkg-deb is missing (Debian package dpkg)")
    flavour = FLAVOURS[role]
    out.mkdir(parents=True, exist_ok=True)
    package = out / f"{flavour.package}_{version}_all.deb"
    with tempfile.TemporaryDirectory(prefix="epn-deb-") as staging:
        tree = Path(staging) / flavour.package
        tree.mkdir()
        stage(flavour, version, tree, project)
        done = subprocess.run(
            [dpkg_deb, "--root-owner-group", "-Zxz", "--build", str(tree), str(package)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise InstallerError(f"dpkg-deb failed: {done.stderr.strip()}")
    return package


def main(argv: Sequence[str] | None = None) -> int:
    """Build one or both packages."""
    parser = argparse.ArgumentParser(prog="python -m installer.deb", description=__doc__)
    parser.add_argument("roles", nargs="+", choices=[r.value for r in Role])
    parser.add_argument("--out", type=Path, default=Path("dist"), help="where the .deb go")
    parser.add_argument("--version", default=None, help="package version (the project's)")
    args = parser.parse_args(argv)
    try:
        for role in args.roles:
            print(build(Role(role), args.version or installed_version(), args.out))
    except InstallerError as exc:
        print(f"installer.deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
