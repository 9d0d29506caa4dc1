"""Each product gets its own Python dependencies (pyproject.toml's extras ``kiosk`` and
``console``, the ones its ``.deb`` installs): a public PC gets no web server or PostgreSQL
driver, the staff machine no CUPS bindings.

Checked against the real parts: pip resolves each extra against the package index as it
would for a fresh virtual environment (``--dry-run --report``); every third-party module a
product's code imports, even inside a function, must belong to a distribution of that set;
and in a fresh virtual environment holding only that set, the product's commands start and
the other product's server or CUPS bindings cannot be imported.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import venv
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two resolutions against the index, two environments

PROJECT = Path(__file__).resolve().parents[2]
SHARED = ("policies", "epn_shared", "installer")
PRODUCTS = {
    # The product's own package, the shared ones, less the installer's module for the other
    # role (each .deb runs `python -m installer ROLE` for its own role only).
    "kiosk": (("kiosk", *SHARED), {"installer/console.py", "installer/console_setup.py"}),
    "console": (("admin_console", *SHARED), {"installer/kiosk.py"}),
}
DEVELOPER_TOOLS = {
    # Run where the packages are built (with `.[test]`), never on a PC: the manual pages.
    "installer/manpages.py",
}
NOT_SHIPPED = "installer/demo/"
"""The demo: it runs with `.[test]` (installer/dev.sh demo), and neither package ships it."""
NOT_ON_A_KIOSK = {"fastapi", "starlette", "uvicorn", "psycopg", "psycopg-binary", "pyside6-addons"}
NOT_ON_A_CONSOLE = {"pycups", "pypdf", "keyring", "keyrings-alt"}


def normalised(name: str) -> str:
    """A distribution name as the index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _resolve(extra: str, report: Path) -> set[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(report),
            f"{PROJECT}[{extra}]",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"pip could not resolve .[{extra}]: {done.stderr}"
    names = {
        normalised(item["metadata"]["name"]) for item in json.loads(report.read_text())["install"]
    }
    return names - {"epn-kiosk"}


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The distributions pip installs for each extra, resolved against the real index."""
    folder = tmp_path_factory.mktemp("reports")
    with ThreadPoolExecutor(2) as pool:
        futures = {x: pool.submit(_resolve, x, folder / f"{x}.json") for x in PRODUCTS}
        return {extra: future.result() for extra, future in futures.items()}


def test_a_kiosk_gets_no_web_server_and_a_console_no_cups(
    resolved: dict[str, set[str]],
) -> None:
    kiosk, console = resolved["kiosk"], resolved["console"]
    assert kiosk & NOT_ON_A_KIOSK == set()
    assert {"pycups", "pypdf", "pyside6-essentials", "httpx", "websockets"} <= kiosk
    assert console & NOT_ON_A_CONSOLE == set()
    assert {"fastapi", "uvicorn", "psycopg", "pyside6-addons", "cryptography"} <= console


def test_the_test_command_installs_both_products() -> None:
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert "epn-kiosk[kiosk,console]" in extras["test"]
    assert "'.[test]'" in (PROJECT / "installer" / "dev.sh").read_text()


def _imports(path: Path) -> Iterator[str]:
    """Every absolute module name ``path`` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _module_owners() -> dict[str, str]:
    """Module name → the installed distribution whose files hold it."""
    owners: dict[str, str] = {}
    for dist in metadata.distributions():
        for file in dist.files or ():
            parts = file.parts
            if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] == "..":
                continue
            name = parts[-1].split(".", 1)[0]
            if not file.name.endswith((".py", ".so")) or not name.isidentifier():
                continue
            module = [*parts[:-1]] if name == "__init__" else [*parts[:-1], name]
            owners.setdefault(".".join(module), normalised(dist.metadata["Name"]))
    return owners


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_import_of_a_product_is_in_its_set(
    product: str, resolved: dict[str, set[str]]
) -> None:
    packages, other_role = PRODUCTS[product]
    owners = _module_owners()
    ours = {"kiosk", "admin_console", *SHARED}
    missing: dict[str, set[str]] = {}
    seen: set[str] = set()
    for package in packages:
        for path in sorted((PROJECT / package).rglob("*.py")):
            relative = path.relative_to(PROJECT).as_posix()
            if relative in other_role | DEVELOPER_TOOLS or relative.startswith(NOT_SHIPPED):
                continue
            for name in _imports(path):
                if name.split(".")[0] in ours or name.split(".")[0] in sys.stdlib_module_names:
                    continue
                parts = name.split(".")
                owner = next(
                    (
                        owners[".".join(parts[:n])]
                        for n in range(len(parts), 0, -1)
                        if ".".join(parts[:n]) in owners
                    ),
                    None,
                )
                assert owner is not None, f"{relative} imports {name}, which nothing installs"
                seen.add(owner)
                if owner not in resolved[product]:
                    missing.setdefault(owner, set()).add(f"{relative}: {name}")
    assert missing == {}, f"imported by the {product} but not in pyproject's .[{product}]"
    assert {"kiosk": {"pycups", "pypdf"}, "console": {"fastapi", "pyside6-addons"}}[product] <= seen


def _venv_with_only(folder: Path, names: set[str]) -> Path:
    """A fresh virtual environment whose site-packages links the files of the installed
    distributions ``names`` and of nothing else; its python."""
    venv.create(folder, with_pip=False)
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    here = Path(sysconfig.get_path("purelib"))
    installed = {normalised(dist.metadata["Name"]) for dist in metadata.distributions()}
    assert names <= installed, f"not installed here (installer/dev.sh test): {names - installed}"
    for dist in metadata.distributions():
        if normalised(dist.metadata["Name"]) not in names:
            continue
        for file in dist.files or ():
            source = Path(str(dist.locate_file(file)))
            if not source.is_relative_to(here) or not source.is_file():
                continue  # scripts in bin/, files of an editable install
            link = Path(purelib) / source.relative_to(here)
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                link.symlink_to(source)
    return python


def _run(python: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(PROJECT),
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": os.environ.get("HOME", "/root"),
    }
    return subprocess.run(
        [str(python), *args], capture_output=True, text=True, input=stdin, env=env, check=False
    )


def _cannot_import(python: Path, module: str) -> bool:
    done = _run(python, "-c", f"import {module}")
    return done.returncode != 0 and "ModuleNotFoundError: No module named" in done.stderr


def test_a_kiosk_runs_with_only_its_set(
    resolved: dict[str, set[str]], tmp_path: Path, target: Path
) -> None:
    python = _venv_with_only(tmp_path / "venv", resolved["kiosk"])
    for command in ("agent", "shell", "session", "enroll", "sweep"):
        done = _run(python, "-m", "kiosk.cli", command, "--help")
        assert done.returncode == 0, f"epn-kiosk {command}: {done.stderr}"
    # What the agent imports only when it needs it: CUPS, the page counter, the keyring.
    done = _run(python, "-c", "import cups, pypdf, keyrings.alt.file, alembic.command")
    assert done.returncode == 0, done.stderr
    done = _run(python, "-m", "installer", "kiosk", "--root", str(target), "--dry-run")
    assert done.returncode == 0, f"python -m installer kiosk: {done.stderr}"
    for module in ("fastapi", "uvicorn", "starlette", "psycopg", "PySide6.QtCharts"):
        assert _cannot_import(python, module), f"a kiosk has {module}"


def test_a_console_runs_with_only_its_set(resolved: dict[str, set[str]], tmp_path: Path) -> None:
    python = _venv_with_only(tmp_path / "venv", resolved["console"])
    data = tmp_path / "data"
    done = _run(
        python,
        "-m",
        "admin_console.cli",
        "create-admin",
        "alice",
        "--data-dir",
        str(data),
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert done.returncode == 0, f"epn-console create-admin: {done.stderr}"
    done = _run(python, "-m", "admin_console.cli", "pairing-code", "--data-dir", str(data))
    assert done.returncode == 0 and "certificate fingerprint" in done.stdout, done.stderr
    # The server and the staff window, imported as `serve` and `gui` import them.
    done = _run(python, "-c", "import admin_console.server.serve, admin_console.gui.app")
    assert done.returncode == 0, done.stderr
    for module in ("cups", "pypdf", "keyrings.alt"):
        assert _cannot_import(python, module), f"a console has {module}"
