"""The kiosk's ``/proc`` line, mounted for real: a visitor sees none of another user's
processes (nor their command lines), while a member of the group that logind and polkit join
still sees them all."""

from __future__ import annotations

import grp
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.lockdown.session import PROC_GROUP, proc_fstab_line

pytestmark = pytest.mark.root

NOBODY = 65534


@pytest.fixture
def proc_group() -> Iterator[int]:
    """The group of the fstab line, made for the test when the machine has none."""
    try:
        yield grp.getgrnam(PROC_GROUP).gr_gid
        return
    except KeyError:
        pass
    subprocess.run(["groupadd", "--system", PROC_GROUP], check=True)
    try:
        yield grp.getgrnam(PROC_GROUP).gr_gid
    finally:
        subprocess.run(["groupdel", PROC_GROUP], check=True)


def _visible(options: str, mount_point: Path, *groups: int) -> set[int]:
    """The pids that a process of uid ``nobody`` (in ``groups``) lists in a procfs mounted
    with ``options``, in a private mount namespace that ends with the command."""
    supplementary = f"--groups={','.join(map(str, groups))}" if groups else "--clear-groups"
    # The test's folder is root's only: the listing runs from inside the mount.
    script = (
        'mount -t proc -o "$1" proc "$2" && cd "$2" && '
        f"setpriv --reuid={NOBODY} --regid={NOBODY} {supplementary} ls ."
    )
    unshare = ("unshare", "--mount", "--propagation", "private")
    done = subprocess.run(
        [*unshare, "sh", "-c", script, "sh", options, str(mount_point)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {int(name) for name in done.stdout.split() if name.isdigit()}


def test_a_visitor_sees_no_process_of_another_user(proc_group: int, tmp_path: Path) -> None:
    fields = proc_fstab_line().split()
    assert fields[1:3] == ["/proc", "proc"]
    options = fields[3]
    mount_point = tmp_path / "proc"
    mount_point.mkdir()
    staff = subprocess.Popen(["sleep", "60"])  # root's, like the agent or a staff program
    try:
        as_visitor = _visible(options, mount_point)
        as_member = _visible(options, mount_point, proc_group)
        unhidden = _visible("defaults", mount_point)
    finally:
        staff.kill()
        staff.wait()
    assert staff.pid in unhidden, "without the line, anyone lists root's processes"
    assert staff.pid not in as_visitor, "the visitor must not see root's process"
    assert as_visitor, "the visitor still sees their own processes"
    assert staff.pid in as_member, "logind and polkit, in the group, see every process"
    assert not list(mount_point.iterdir()), "the mount ended with its namespace"
