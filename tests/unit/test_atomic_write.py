"""``write_atomically``: a reader (or the next boot) finds the old file or the new one, never a
torn one, even when the writer is killed in the middle; a failed write leaves no litter."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from epn_shared.files import write_atomically

SIZE = 4 * 1024 * 1024
# Writes a file of SIZE bytes, all "a" then all "b" and so on, forever; says when the first
# one is there, so that the kill lands while it rewrites it.
WRITER = f"""
import sys
from pathlib import Path
from epn_shared.files import write_atomically
target = Path(sys.argv[1])
write_atomically(target, b"a" * {SIZE})
print("ready", flush=True)
while True:
    for letter in b"bcdefghij":
        write_atomically(target, bytes([letter]) * {SIZE})
"""


def test_the_file_is_replaced_with_its_mode_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")
    write_atomically(target, "nouveau réglage", mode=0o644)
    assert target.read_text(encoding="utf-8") == "nouveau réglage"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_new_file_is_private_unless_told_otherwise(tmp_path: Path) -> None:
    target = tmp_path / "journal"
    write_atomically(target, b"CLEAN\n")
    assert target.read_bytes() == b"CLEAN\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_the_owner_is_set_before_the_file_appears(tmp_path: Path) -> None:
    target = tmp_path / "passwd"
    write_atomically(target, "nobody:x:65534:65534::/:/bin/false\n", mode=0o644, owner=(1, 2))
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1, 2, 0o644)


def test_a_symlink_in_the_way_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not to be touched", encoding="utf-8")
    target = tmp_path / "policy.json"
    target.symlink_to(elsewhere)
    write_atomically(target, "{}")
    assert not target.is_symlink() and target.read_text(encoding="utf-8") == "{}"
    assert elsewhere.read_text(encoding="utf-8") == "not to be touched"


def test_a_failed_replacement_keeps_what_was_there_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "inside").write_text("kept", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomically(target, "a file cannot replace a folder that holds files")
    assert (target / "inside").read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["busy"]


def test_a_writer_killed_in_the_middle_leaves_a_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "state"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    data = target.read_bytes()
    assert len(data) == SIZE
    assert data == data[:1] * SIZE, "the file holds pieces of two writes"
