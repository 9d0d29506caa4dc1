"""The visitor's shell and the console window start no Python thread.

A Python thread in a process with Qt windows can run the cyclic collector, which then
finalises Qt objects off the GUI thread and crashes the process in PySide's deferred
deletion (docs/architecture.md, "No Python thread in a process with Qt windows"). Work that
must not block a window goes to another process or to Qt's asynchronous classes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_PACKAGES = ("kiosk/shell", "admin_console/gui")
THREADS = {"threading", "_thread", "concurrent.futures", "multiprocessing.pool"}
THREAD_CALLS = {"to_thread", "run_in_executor", "QThread", "QThreadPool", "QRunnable"}


def _thread_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            names += [alias.name for alias in node.names if alias.name in THREAD_CALLS]
        elif isinstance(node, ast.Attribute) and node.attr in THREAD_CALLS:
            names = [node.attr]
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} {name}"
            for name in names
            if name in THREADS or name in THREAD_CALLS
        ]
    return found


@pytest.mark.parametrize("package", QT_PACKAGES)
def test_a_qt_window_process_starts_no_python_thread(package: str) -> None:
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"no module found in {package}"
    uses = [use for module in modules for use in _thread_uses(module)]
    assert uses == [], "threads in a Qt process:\n" + "\n".join(uses)
