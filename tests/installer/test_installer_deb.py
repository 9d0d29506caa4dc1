"""The Debian packages, built once per session by the build command's own code (dpkg-buildpackage,
debhelper, dh-virtualenv): their control fields, what they ship (a virtual environment
holding exactly the lock file's versions, no compiler needed, no tests, no demo), that this
environment runs with the network closed, their maintainer scripts, and lintian's verdict;
and what they and the project's wheel leave out: the demo and the tests' support. Never
installed on this machine: that is the VM check's work (tests/vm/kiosk_vm.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import pytest

from installer.deb import PACKAGES, SOURCE_FILES, SOURCE_PACKAGES, changelog_version, venv_dir
from installer.locks import lock_path, normalised, pins
from installer.plan import Role

PROJECT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["version"]
SITE = "lib/python3.11/site-packages"

pytestmark = pytest.mark.slow  # the session builds both packages once: minutes


def field(package: Path, name: str) -> str:
    done = subprocess.run(
        ["dpkg-deb", "--field", str(package), name], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def names_in(relations: str) -> set[str]:
    """The package names of a Depends-like field, alternatives and versions dropped."""
    return {
        re.split(r"[\s(]", alternative.strip())[0]
        for relation in relations.split(",")
        for alternative in relation.split("|")
    }


def listing(deb: Path) -> set[str]:
    done = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    )
    return {line.split()[5].removeprefix(".") for line in done.stdout.splitlines()}


def test_the_version_is_the_projects() -> None:
    assert changelog_version() == VERSION, "debian/changelog and pyproject.toml agree"


def test_names_versions_and_what_each_needs(debs: dict[Role, Path]) -> None:
    kiosk, console = debs[Role.KIOSK], debs[Role.CONSOLE]
    assert kiosk.name == f"epn-kiosk_{VERSION}_amd64.deb"
    assert console.name == f"epn-console_{VERSION}_amd64.deb"
    assert field(kiosk, "Package") == "epn-kiosk" and field(kiosk, "Version") == VERSION
    # amd64: the environment holds x86_64 extensions (Qt, pycups) built for Python 3.11.
    assert field(kiosk, "Architecture") == field(console, "Architecture") == "amd64"
    kiosk_needs, console_needs = (
        names_in(field(kiosk, "Depends")),
        names_in(field(console, "Depends")),
    )
    assert {"lightdm", "cups", "openbox", "xdotool", "locales", "python3.11"} <= kiosk_needs
    assert "libcups2" in kiosk_needs, "pycups's library, found by dpkg-shlibdeps"
    assert not {"lightdm", "cups", "libcups2"} & console_needs, "no kiosk session on staff PCs"
    for needs in (kiosk_needs, console_needs):
        # Nothing is compiled or made on the machine any more: no compiler, no venv module.
        assert not {"gcc", "python3-dev", "libcups2-dev", "python3-venv"} & needs
        # PySide6's xcb plugin: without it the shell died at once on a Debian 12 machine.
        assert {"libxcb-cursor0", "libxkbcommon-x11-0", "python3.11"} <= needs
    kiosk_wants = names_in(field(kiosk, "Recommends"))
    assert "fonts-noto-core" in kiosk_wants, "Tigrinya's Ge'ez letters"
    # The visitor's language in the programs; Firefox names Spanish by country.
    for firefox, office in (
        ("fr", "fr"),
        ("nl", "nl"),
        ("ar", "ar"),
        ("tr", "tr"),
        ("es-es", "es"),
        ("uk", "uk"),
        ("ru", "ru"),
        ("ro", "ro"),
        ("pt-pt", "pt"),
        ("pl", "pl"),
        ("bg", "bg"),
        ("fa", "fa"),  # Dari's
    ):
        assert {f"firefox-esr-l10n-{firefox}", f"libreoffice-l10n-{office}"} <= kiosk_wants


def test_a_kiosk_gets_what_the_eid_card_needs(debs: dict[Role, Path]) -> None:
    eid = {"pcscd", "libccid", "opensc-pkcs11"}
    assert eid <= names_in(field(debs[Role.KIOSK], "Depends"))
    assert "opensc" in names_in(field(debs[Role.KIOSK], "Recommends")), "opensc-tool"
    assert not eid & names_in(field(debs[Role.CONSOLE], "Depends"))


def test_each_environment_holds_exactly_its_locked_versions(unpacked: dict[Role, Path]) -> None:
    for role, package in PACKAGES.items():
        site = unpacked[role] / venv_dir(package).lstrip("/") / SITE
        installed = {}
        # pycups has no wheel: pip installs it from its sdist, with an .egg-info.
        for info in (*site.glob("*.dist-info"), *site.glob("*.egg-info")):
            name, version = re.sub(r"(-py\d\.\d+)?\.(dist|egg)-info$", "", info.name).split("-")
            installed[normalised(name)] = version
        # The project itself, and the pip and setuptools that Python's venv module puts in
        # every environment (Debian's python3.11-venv), are not in the lock.
        assert installed.pop("epn-kiosk") == VERSION
        assert {"pip", "setuptools"} <= installed.keys()
        del installed["pip"], installed["setuptools"]
        locked = {pin.name: pin.version for pin in pins(lock_path(package).read_text()).values()}
        assert installed == locked, f"{package}: the environment is the lock file, no more"
    kiosk_site = unpacked[Role.KIOSK] / "opt/epn-kiosk/venv" / SITE
    console_site = unpacked[Role.CONSOLE] / "opt/epn-console/venv" / SITE
    assert list(kiosk_site.glob("cups*.so")), "pycups compiled at build time"
    assert not list(kiosk_site.glob("fastapi-*.dist-info")), "no web server on a public PC"
    assert not list(console_site.glob("cups*.so")), "no CUPS bindings on the staff machine"


def test_what_ships_and_what_does_not(debs: dict[Role, Path]) -> None:
    assert (PROJECT / "installer/demo/room.py").exists(), "the checkout has the demo"
    for role, package in PACKAGES.items():
        names = listing(debs[role])
        site = f"{venv_dir(package)}/{SITE}"
        for path in (
            "installer/__main__.py",
            "installer/kiosk.py",
            "kiosk/agent/printing/gate_backend.py",
            "kiosk/agent/skeleton/.config/user-dirs.dirs",
            "policies/default/policy.toml",
            "epn_shared/__init__.py",  # both products import it: without it neither starts
            "admin_console/cli.py",
        ):
            assert f"{site}/{path}" in names, path
        assert f"{venv_dir(package)}/bin/{package}" in names, "the program's command"
        assert f"/usr/bin/{package}" in names, "on PATH, as the guides and its manual type it"
        assert f"/usr/share/man/man1/{package}.1.gz" in names
        assert f"/etc/default/{package}" in names
        assert f"/usr/share/doc/{package}/copyright" in names
        ours = [n.removeprefix(f"{site}/") for n in names if n.startswith(f"{site}/")]
        ours = [n for n in ours if n.split("/")[0] in (*SOURCE_PACKAGES, "tests")]
        assert not_for_a_machine(ours) == [], package
        # The postinst byte-compiles on the machine; dpkg ships no build's compiled files.
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert not [n for n in names if n.startswith("/usr/share/") and "/src/" in n], (
            "no copy of the source for pip to install from"
        )


def test_nothing_names_the_build_folder(unpacked: dict[Role, Path]) -> None:
    for role, package in PACKAGES.items():
        venv = unpacked[role] / venv_dir(package).lstrip("/")
        done = subprocess.run(
            ["grep", "-rlI", "-e", "/debian/epn-kiosk/opt", "-e", "/debian/epn-console/opt", venv],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.stdout == "", f"{package}: files naming the build's folder: {done.stdout}"
        script = (venv / "bin" / package).read_text().splitlines()[0]
        assert script == f"#!{venv_dir(package)}/bin/python"


def _offline(command: list[str]) -> subprocess.CompletedProcess[str]:
    """``command`` in a network namespace of its own (no interface but a down loopback),
    with no environment that could lend it this checkout's packages."""
    return subprocess.run(
        ["unshare", "--net", *command],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"},
        cwd="/",
        check=False,
        timeout=120,
    )


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="a network namespace needs root (unshare --net)")
def test_the_environment_runs_with_the_network_closed(unpacked: dict[Role, Path]) -> None:
    kiosk = unpacked[Role.KIOSK] / "opt/epn-kiosk/venv/bin/python"
    console = unpacked[Role.CONSOLE] / "opt/epn-console/venv/bin/python"
    # -I: only the environment's own packages, never this checkout's.
    imports = (
        "import kiosk.agent.printing.gate_backend, kiosk.shell, cups, pypdf, keyring, httpx;"
        "from PySide6.QtWidgets import QApplication; import kiosk;"
        "print(kiosk.__file__)"
    )
    done = _offline([str(kiosk), "-I", "-c", imports])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(unpacked[Role.KIOSK] / "opt/epn-kiosk/venv"))
    for role, package in PACKAGES.items():  # the command on PATH is the environment's
        on_path = unpacked[role] / f"usr/bin/{package}"
        assert on_path.is_symlink(), package
        target = f"/opt/{package}/venv/bin/{package}"
        assert os.readlink(on_path) == target  # absolute: /usr and /opt, as Debian's policy says
        assert (unpacked[role] / target.lstrip("/")).is_file()
    done = _offline([str(kiosk), "-I", "-m", "kiosk", "--version"])
    assert done.returncode == 0 and done.stdout.split()[-1] == VERSION, done.stderr
    refused = _offline([str(kiosk), "-I", "-c", "import fastapi"])
    assert "No module named 'fastapi'" in refused.stderr
    imports = (
        "import admin_console.server, fastapi, uvicorn, psycopg, cryptography;"
        "from PySide6.QtWebSockets import QWebSocket; from PySide6.QtCharts import QChart"
    )
    done = _offline([str(console), "-I", "-c", imports])
    assert done.returncode == 0, done.stderr
    done = _offline([str(console), "-I", "-m", "admin_console.cli", "--version"])
    assert done.returncode == 0 and done.stdout.split()[-1] == VERSION, done.stderr
    assert "No module named 'cups'" in _offline([str(console), "-I", "-c", "import cups"]).stderr


def _control(deb: Path, folder: Path) -> Path:
    subprocess.run(["dpkg-deb", "--control", str(deb), str(folder)], check=True)
    return folder


def test_maintainer_scripts_call_the_installer(debs: dict[Role, Path], tmp_path: Path) -> None:
    for role, package in PACKAGES.items():
        control = _control(debs[role], tmp_path / role.value)
        for script in ("preinst", "postinst", "prerm", "postrm"):
            path = control / script
            assert path.stat().st_mode & 0o111, f"{script} is executable"
            subprocess.run(["sh", "-n", str(path)], check=True)  # parses
        venv = venv_dir(package)
        postinst = (control / "postinst").read_text()
        assert "pip" not in postinst, "nothing is installed from an index"
        assert f"{venv}/bin/python -m installer {role.value} --bin-dir {venv}/bin" in postinst
        assert f". /etc/default/{package}" in postinst
        assert f"{venv}/bin/python -m compileall" in postinst
        prerm = (control / "prerm").read_text()
        assert f'if [ "$1" = "remove" ] && [ -x {venv}/bin/python ]' in prerm
        assert f"{venv}/bin/python -m installer uninstall {role.value}" in prerm
        # The environment of an earlier package, made by pip on the machine, goes first.
        assert (
            f"if [ -f {venv}/.epn-extra ]; then\n        rm -rf {venv}\n"
            in (control / "preinst").read_text()
        )
        assert (control / "conffiles").read_text() == f"/etc/default/{package}\n"


def test_an_upgrade_neither_uninstalls_nor_deletes(debs: dict[Role, Path], tmp_path: Path) -> None:
    control = _control(debs[Role.KIOSK], tmp_path / "control")
    for script, argument in (("prerm", "upgrade"), ("postrm", "upgrade")):
        done = subprocess.run(
            ["sh", "-x", str(control / script), argument],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        ran = [line for line in done.stderr.splitlines() if line.startswith("+ ")]
        assert ran, "sh -x traced the script"
        assert not [line for line in ran if "-m installer" in line or "+ rm " in line], ran


@pytest.mark.skipif(shutil.which("lintian") is None, reason="lintian is not installed")
def test_lintian_finds_no_error_or_warning(debs: dict[Role, Path]) -> None:
    # Each override in debian/*.lintian-overrides says why; an unused one is reported too.
    done = subprocess.run(
        ["lintian", "--jobs", "2", "--display-info", *map(str, debs.values())],
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    found = [line for line in done.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert found == [], "\n".join(found[:40])
    assert "unused-override" not in done.stdout and "mismatched-override" not in done.stdout


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


def test_the_wheel_leaves_the_demo_out(tmp_path: Path) -> None:
    """The wheel pip makes of the project (each package's environment gets the project so),
    built here from every file of the source packages, the demo included: pyproject.toml's
    package list leaves it out."""
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
