"""The Debian packages: built with dpkg-deb into a temporary folder, their control fields,
contents and maintainer scripts checked (never installed on this machine); and what they and
the project's wheel leave out: the demo and the tests' support."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import pytest

from installer.deb import SOURCE_FILES, SOURCE_PACKAGES, build
from installer.plan import Role

PROJECT = Path(__file__).resolve().parents[2]
EXTRAS = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["optional-dependencies"]

pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb missing")


@pytest.fixture(scope="module")
def debs(tmp_path_factory: pytest.TempPathFactory) -> dict[Role, Path]:
    out = tmp_path_factory.mktemp("debs")
    return {role: build(role, "1.2.3", out) for role in Role}


def dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True).stdout


def field(package: Path, name: str) -> str:
    return dpkg_deb("--field", str(package), name).strip()


def test_names_versions_and_what_each_needs(debs: dict[Role, Path]) -> None:
    kiosk, console = debs[Role.KIOSK], debs[Role.CONSOLE]
    assert kiosk.name == "epn-kiosk_1.2.3_all.deb"
    assert field(kiosk, "Package") == "epn-kiosk" and field(kiosk, "Version") == "1.2.3"
    assert field(kiosk, "Architecture") == "all"
    kiosk_needs = field(kiosk, "Depends")
    for package in (
        "lightdm",
        "cups",
        "python3-venv",
        "libcups2-dev",
        "openbox",
        "xdotool",
        "locales",
    ):
        assert package in kiosk_needs
    kiosk_wants = field(kiosk, "Recommends")
    for code in ("fr", "nl", "ar", "tr", "es"):  # the visitor's language in the programs
        assert f"firefox-esr-l10n-{code}" in kiosk_wants
        assert f"libreoffice-l10n-{code}" in kiosk_wants
    console_needs = field(console, "Depends")
    assert "lightdm" not in console_needs and "cups," not in console_needs, (
        "the staff machine gets no kiosk session"
    )
    assert "python3-venv" in console_needs
    for build_tool in ("gcc", "python3-dev", "libcups2-dev"):
        # Only the kiosk's extra has pycups, the one dependency pip compiles.
        assert build_tool not in console_needs.split(", "), build_tool
    for needs in (kiosk_needs, console_needs):
        # PySide6's xcb plugin: without it the shell died at once on a Debian 12 machine.
        assert "libxcb-cursor0" in needs and "libxkbcommon-x11-0" in needs


def test_contents_are_the_project_source_and_the_guides(debs: dict[Role, Path]) -> None:
    listing = dpkg_deb("--contents", str(debs[Role.KIOSK]))
    names = {line.split()[-1] for line in listing.splitlines()}
    src = "./usr/share/epn-kiosk/src/"
    for path in (
        "pyproject.toml",
        "installer/__main__.py",
        "installer/kiosk.py",
        "kiosk/agent/printing/gate_backend.py",
        "kiosk/agent/skeleton/.config/user-dirs.dirs",
        "policies/default/policy.toml",
        "epn_shared/__init__.py",  # both products import it: without it neither starts
        "admin_console/cli.py",
    ):
        assert src + path in names, path
    assert "./etc/default/epn-kiosk" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    for line in listing.splitlines():
        assert " root/root " in line, line
    guides = [n for n in names if n.startswith("./usr/share/doc/epn-kiosk/install-")]
    assert len(guides) in (0, 2)


def test_maintainer_scripts_call_the_installer(debs: dict[Role, Path], tmp_path: Path) -> None:
    for role, package in debs.items():
        control = tmp_path / role.value
        subprocess.run(["dpkg-deb", "--control", str(package), str(control)], check=True)
        for script in ("postinst", "prerm", "postrm"):
            path = control / script
            assert path.stat().st_mode & 0o111, f"{script} is executable"
            subprocess.run(["sh", "-n", str(path)], check=True)  # parses
        name = f"epn-{role.value}"
        venv = f"/opt/{name}/venv"
        postinst = (control / "postinst").read_text()
        assert f"VENV={venv}" in postinst
        assert f'"$VENV/bin/python" -m installer {role.value} --bin-dir "$VENV/bin"' in postinst
        # Only the role's own dependencies (pyproject.toml's extras): no web server on a
        # public PC, no CUPS bindings on the staff machine.
        assert f'--upgrade "/usr/share/{name}/src[{role.value}]"\n' in postinst
        assert role.value in EXTRAS, f"pyproject.toml has the extra {role.value}"
        # A virtual environment from 0.1.0 (both products' dependencies) is made anew.
        assert f'if [ "$(cat "$VENV/.epn-extra" 2>/dev/null)" != "{role.value}" ]' in postinst
        assert f'echo {role.value} > "$VENV/.epn-extra"' in postinst
        assert f". /etc/default/{name}" in postinst
        prerm = (control / "prerm").read_text()
        assert f'if [ "$1" = "remove" ] && [ -x {venv}/bin/python ]' in prerm
        assert f"-m installer uninstall {role.value}" in prerm
        assert f"rm -rf /opt/{name}\n" in (control / "postrm").read_text()
        assert (control / "conffiles").read_text() == f"/etc/default/{name}\n"


def test_an_upgrade_does_not_uninstall(debs: dict[Role, Path], tmp_path: Path) -> None:
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "--control", str(debs[Role.KIOSK]), str(control)], check=True)
    for script, argument in (("prerm", "upgrade"), ("postrm", "upgrade"), ("postrm", "remove")):
        done = subprocess.run(
            ["sh", "-x", str(control / script), argument],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0
        ran = [line for line in done.stderr.splitlines() if line.startswith("+ ")]
        assert ran == [
            "+ set -e",
            f"+ [ {argument} = {'remove' if script == 'prerm' else 'purge'} ]",
            "+ exit 0",
        ]


def test_a_kiosk_gets_what_the_eid_card_needs(debs: dict[Role, Path]) -> None:
    needs = [part.strip() for part in field(debs[Role.KIOSK], "Depends").split(",")]
    eid = ("pcscd", "libccid", "opensc-pkcs11")
    assert set(eid) <= set(needs), "the PC/SC daemon, the reader driver, the PKCS#11 module"
    assert "opensc" in field(debs[Role.KIOSK], "Recommends"), "opensc-tool, to check a reader"
    assert not set(eid) & set(field(debs[Role.CONSOLE], "Depends").split(", "))
    if shutil.which("apt-cache") is not None:
        # Real Debian package names, not guesses.
        shown = subprocess.run(
            ["apt-cache", "show", "--no-all-versions", *eid, "opensc"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr


def not_for_a_machine(names: Iterable[str]) -> list[str]:
    """The paths among ``names`` that are the demo or the tests' support: the demo's package,
    a ``testing`` module, a tests folder, the tests' helpers or a conftest."""
    found = []
    for name in names:
        parts = PurePosixPath(name).parts
        if any(part in {"demo", "tests", "helpers"} for part in parts) or any(
            part.startswith(("testing.", "conftest", "demo_", "demo.")) for part in parts
        ):
            found.append(name)
    return found


def test_neither_package_ships_the_demo_or_the_tests_support(debs: dict[Role, Path]) -> None:
    assert (PROJECT / "installer/demo/room.py").exists(), "the checkout has the demo"
    for role, package in debs.items():
        listing = dpkg_deb("--contents", str(package))
        names = [line.split()[-1] for line in listing.splitlines()]
        src = f"./usr/share/epn-{role.value}/src/"
        assert src + "installer/deb.py" in names and src + "kiosk/cli.py" in names
        assert not_for_a_machine(names) == [], role


@pytest.mark.slow  # pip builds the wheel, with the setuptools pyproject.toml asks for
def test_the_wheel_leaves_the_demo_out(tmp_path: Path) -> None:
    """The wheel pip makes of the project (on a PC, from the .deb's source), built here from
    every file of the source packages, the demo included: pyproject.toml's package list
    leaves it out."""
    source = tmp_path / "src"
    for name in SOURCE_FILES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / name, source / name)
    for package in SOURCE_PACKAGES:
        shutil.copytree(
            PROJECT / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    assert (source / "installer/demo/__main__.py").exists()
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--wheel-dir",
            str(tmp_path / "wheel"),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("epn_kiosk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for module in (
        "installer/deb.py",
        "kiosk/cli.py",
        "admin_console/cli.py",
        "epn_shared/__init__.py",
    ):
        assert module in names, module
    assert not_for_a_machine(names) == []
