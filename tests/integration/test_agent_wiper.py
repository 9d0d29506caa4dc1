"""The sandbox wiper on a real folder: nothing of the visitor is left, the skeleton is back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.agent.config import packaged_skeleton
from kiosk.agent.wiper import Journal, JournalState, SandboxWiper

SKELETON = {
    "Desktop",
    "Desktop/.keep",
    "Documents",
    "Documents/.keep",
    "Downloads",
    "Downloads/.keep",
    ".config",
    ".config/user-dirs.dirs",
    ".config/libfm",
    ".config/libfm/libfm.conf",
    ".config/pcmanfm",
    ".config/pcmanfm/default",
    ".config/pcmanfm/default/pcmanfm.conf",
    ".config/libreoffice",
    ".config/libreoffice/4",
    ".config/libreoffice/4/user",
    ".config/libreoffice/4/user/registrymodifications.xcu",
}


def _tree(home: Path) -> set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*")}


@pytest.fixture
def wiper(tmp_path: Path) -> SandboxWiper:
    """A sandbox wiper on a fresh home built from the packaged skeleton."""
    return SandboxWiper(tmp_path / "home", packaged_skeleton(), tmp_path / "wipe.journal")


def test_a_fresh_install_is_clean_and_prepare_builds_the_skeleton(wiper: SandboxWiper) -> None:
    assert wiper.journal_state() is JournalState.CLEAN
    wiper.prepare()
    assert _tree(wiper.home_dir) == SKELETON
    assert wiper.journal_state() is JournalState.ACTIVE
    assert oct(wiper.home_dir.stat().st_mode & 0o777) == oct(0o700)


def test_everything_the_visitor_left_is_erased_and_counted(
    wiper: SandboxWiper, tmp_path: Path
) -> None:
    wiper.prepare()
    home = wiper.home_dir
    outside = tmp_path / "not-the-visitors.txt"
    outside.write_text("the agent's own file")
    planted = {
        "Desktop/todo.txt": b"call the CPAS",
        "Documents/cv.odt": b"x" * 1000,
        "Documents/taxes/2025/return.pdf": b"y" * 3000,
        "Downloads/payslip.pdf": b"z" * 500,
        "Downloads/.hidden-partial.crdownload": b"w" * 50,
        ".bash_history": b"ls\n",
        ".mozilla/firefox/abc.default/cookies.sqlite": b"c" * 200,
        ".mozilla/firefox/abc.default/places.sqlite": b"p" * 300,
        ".config/chromium/Default/Login Data": b"l" * 10,
        "secret.txt": b"IBAN BE00 0000",
    }
    for name, content in planted.items():
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (home / "link-out").symlink_to(outside)  # must be erased, never followed
    (home / ".config" / "user-dirs.dirs").write_text("changed by the visitor")
    locked = home / "Documents" / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("read-only folder")
    locked.chmod(0o500)

    receipt = wiper.wipe()

    assert _tree(home) == SKELETON
    assert outside.read_text() == "the agent's own file"
    assert (home / ".config" / "user-dirs.dirs").read_text() == (
        packaged_skeleton() / ".config" / "user-dirs.dirs"
    ).read_text()
    erased = dict(receipt.erased)
    # planted + the link + the changed settings file + the file in the read-only folder
    assert erased["files"] == len(planted) + 3
    assert erased["downloads"] == 2
    assert erased["browser"] == 2  # .mozilla and .config/chromium
    # taxes, 2025, .mozilla, firefox, abc.default, chromium, Default, locked
    assert erased["folders"] == 8
    # Bytes of regular files only: a link's target is not the visitor's.
    expected_bytes = sum(len(c) for c in planted.values())
    expected_bytes += len("changed by the visitor") + len("read-only folder")
    assert receipt.bytes_erased == expected_bytes
    assert wiper.journal_state() is JournalState.CLEAN


def test_an_untouched_home_erases_nothing(wiper: SandboxWiper) -> None:
    wiper.prepare()
    receipt = wiper.wipe()
    assert dict(receipt.erased) == {"files": 0, "folders": 0, "downloads": 0, "browser": 0}
    assert receipt.bytes_erased == 0


def test_the_journal_is_replaced_atomically(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "wipe.journal")
    assert journal.read(missing=JournalState.CLEAN) is JournalState.CLEAN
    for state in (JournalState.ACTIVE, JournalState.WIPING, JournalState.CLEAN):
        journal.write(state)
        assert journal.read(missing=JournalState.WIPING) is state
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wipe.journal"]
    (tmp_path / "wipe.journal").write_text("garbled")
    assert journal.read(missing=JournalState.CLEAN) is JournalState.WIPING, "unsure: wipe again"


def test_a_home_without_a_journal_is_not_trusted(wiper: SandboxWiper) -> None:
    wiper.home_dir.mkdir()
    (wiper.home_dir / "who-knows.txt").write_text("?")
    assert wiper.journal_state() is not JournalState.CLEAN
