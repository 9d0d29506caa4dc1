"""The packages' lock files: each current with pyproject.toml (made from today's dependency
lists, every distribution pyproject.toml names pinned with its hashes, pip told to demand
them), and a change to pyproject.toml's lists shows as a stale lock, not as a package built
from other versions than the ones declared."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from installer.locks import PACKAGE_EXTRAS, declared, lock_path, normalised, pins, problems

PROJECT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return normalised(re.split(r"[\s\[<>=~!;]", requirement, maxsplit=1)[0])


def test_each_lock_is_current_with_pyproject() -> None:
    for package in PACKAGE_EXTRAS:
        assert problems(package) == [], "run `python -m installer.locks` and commit the files"


def test_every_pin_has_a_hash_and_the_extras_differ() -> None:
    kiosk = pins(lock_path("epn-kiosk").read_text())
    console = pins(lock_path("epn-console").read_text())
    assert all(pin.hashes for pin in (*kiosk.values(), *console.values()))
    assert {"pycups", "pypdf", "keyring"} <= kiosk.keys()
    assert not {"fastapi", "uvicorn", "psycopg-binary", "pyside6-addons"} & kiosk.keys()
    assert {"fastapi", "uvicorn", "psycopg-binary", "pyside6-addons"} <= console.keys()
    assert "pycups" not in console, "the staff machine gets no CUPS bindings"
    # Both run the same base (pyproject.toml's dependencies) at the same versions.
    base = {_name(requirement) for requirement in declared("kiosk")} & {
        _name(requirement) for requirement in declared("console")
    }
    assert {"pyside6-essentials", "sqlalchemy", "pydantic", "alembic"} <= base
    assert {name: kiosk[name].version for name in base} == {
        name: console[name].version for name in base
    }
    assert kiosk["pyside6-essentials"].version == "6.11.3", "the pin pyproject.toml explains"


def _project_copy(tmp_path: Path) -> Path:
    shutil.copyfile(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "debian").mkdir()
    for package in PACKAGE_EXTRAS:
        shutil.copyfile(lock_path(package), lock_path(package, tmp_path))
    return tmp_path


def test_a_new_dependency_makes_the_lock_stale(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("kiosk = [\n", 'kiosk = [\n    "qrcode>=8",\n', 1))
    assert "qrcode>=8" in declared("kiosk", project)
    found = problems("epn-kiosk", project)
    assert any("other dependency lists" in problem for problem in found), found
    assert "epn-kiosk.requirements.txt does not pin qrcode" in found
    assert problems("epn-console", project) == [], "the console's extra did not change"


def test_a_tool_setting_leaves_the_locks_current(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("line-length = 100", "line-length = 99"))
    assert [problems(package, project) for package in PACKAGE_EXTRAS] == [[], []]


def test_a_lock_without_hashes_is_refused(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    lock = lock_path("epn-console", project)
    lines = lock.read_text().splitlines(keepends=True)
    lock.write_text(
        "".join(line for line in lines if "--hash=" not in line and line != "--require-hashes\n")
    )
    found = problems("epn-console", project)
    assert "epn-console.requirements.txt does not say --require-hashes" in found
    assert "epn-console.requirements.txt pins fastapi without a hash" in found
