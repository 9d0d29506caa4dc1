"""Settings shared by every test level."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

# Qt must never try a real display in tests; tests that want a real window start Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A console a test serves stays off the network unless the test asks (mDNS announcement).
os.environ.setdefault("EPN_CONSOLE_ANNOUNCE", "false")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``root`` need real users, mounts or other uids: skip them, saying why."""
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root: creates users, mounts or switches uid")
    for item in items:
        if "root" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _main_thread_gc() -> Iterator[None]:
    """Python's cyclic collector runs only here, on the main thread, between tests.

    Left automatic, it runs in whichever thread passes the allocation threshold. A test
    process holds Qt windows on its main thread and agents or console servers in threads
    of their own; a collection in one of those threads finalises the Qt objects of an
    earlier test's garbage cycle there, PySide queues their C++ deletion for the main
    thread, and the main thread crashed running that queue (SIGSEGV in shiboken's
    ``BindingManager::runDeletionInMainThread``, every time after the fit cases' hundreds
    of windows). The products never meet this: the shell and the console window run no
    Python thread (docs/architecture.md).
    """
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture(autouse=True)
def _collect_between_tests(_main_thread_gc: None) -> Iterator[None]:
    """After each test, on the main thread, the collection Python would have made by now:
    the oldest generation past its threshold, as Python picks it (so 2,600 tests do not
    each pay for a full collection)."""
    yield
    threshold, count = gc.get_threshold(), gc.get_count()
    for generation in (2, 1, 0):
        if count[generation] > threshold[generation]:
            gc.collect(generation)
            return
