"""Accounts on a real machine are made with the distribution's ``useradd``: the command
lines the installer runs there, checked against the real tool on a copy of the files
(``--prefix``), so nothing on this machine changes."""

from __future__ import annotations

import pwd
import secrets
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import pytest

from installer.accounts import FileAccounts, SystemAccounts, processes_of
from installer.apply import run_command
from installer.plan import Account, AccountKind

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(shutil.which("useradd") is None, reason="useradd missing"),
]


def accounts_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/group").write_text("root:x:0:\n")
    (root / "etc/shadow").write_text("root:*:19700:0:99999:7:::\n")
    (root / "etc/gshadow").write_text("root:*::\n")
    return root


def with_prefix(root: Path) -> tuple[list[list[str]], object]:
    """A runner that runs the command with ``--prefix root`` (the copy, not this machine)."""
    calls: list[list[str]] = []

    def runner(argv: Sequence[str], stdin: str | None) -> int:
        calls.append(list(argv))
        command = [argv[0], "--prefix", str(root), *argv[1:]]
        return subprocess.run(command, capture_output=True, check=False).returncode

    return calls, runner


CASES = {
    "system": (AccountKind.SYSTEM, "epn-console", "/var/lib/epn-console", "/usr/sbin/nologin"),
    "regular": (AccountKind.REGULAR, "epn-visitor", "/home/epn-visitor", "/bin/bash"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_useradd_makes_the_account_and_userdel_removes_it(tmp_path: Path, case: str) -> None:
    kind, name, home, shell = CASES[case]
    system = kind is AccountKind.SYSTEM
    root = accounts_root(tmp_path)
    calls, runner = with_prefix(root)
    accounts = SystemAccounts(runner, FileAccounts(root))  # type: ignore[arg-type]
    account = Account(name, kind, PurePosixPath(home), PurePosixPath(shell), "EPN", "test")
    accounts.create(account)
    assert calls[0][0] == "useradd" and ("--system" in calls[0]) == system
    line = next(
        row for row in (root / "etc/passwd").read_text().splitlines() if row.startswith(name)
    )
    uid = int(line.split(":")[2])
    assert (uid < 1000) == system
    assert line.endswith(f":EPN:{home}:{shell}")
    assert f"\n{name}:x:{uid}:" in (root / "etc/group").read_text(), "its own group"
    assert f"\n{name}:!:" in (root / "etc/shadow").read_text(), "no password"
    assert not (root / home.lstrip("/")).exists(), "no home made by useradd"
    accounts.remove(name)
    assert [c[0] for c in calls] == ["useradd", "userdel", "groupdel"]
    assert name not in (root / "etc/passwd").read_text()
    assert name not in (root / "etc/group").read_text()


def test_a_comment_with_a_colon_still_makes_the_account(tmp_path: Path) -> None:
    """useradd refuses a comment with ``:`` ("invalid comment": seen on Debian 12 with the
    epn-proc group's "EPN Kiosk: sees every process"); the file writer would break the line."""
    root = accounts_root(tmp_path)
    _, runner = with_prefix(root)
    account = Account(
        "epn-proc",
        AccountKind.SYSTEM,
        PurePosixPath("/nonexistent"),
        PurePosixPath("/usr/sbin/nologin"),
        "EPN Kiosk: sees\nevery process",
        "test",
    )
    SystemAccounts(runner, FileAccounts(root)).create(account)  # type: ignore[arg-type]
    files_root = accounts_root(tmp_path / "files")
    FileAccounts(files_root).create(account)
    for passwd in (root / "etc/passwd", files_root / "etc/passwd"):
        line = next(r for r in passwd.read_text().splitlines() if r.startswith("epn-proc:"))
        assert line.split(":")[4] == "EPN Kiosk - sees every process"
        assert line.endswith(":/nonexistent:/usr/sbin/nologin")


def test_an_account_in_use_is_logged_out_then_removed(tmp_path: Path) -> None:
    """The kiosk's visitor is logged in by the display manager when the package is removed:
    ``userdel`` alone refused ("currently used by process"), seen on a real Debian 12."""
    name = "epnu" + secrets.token_hex(3)
    subprocess.run(["useradd", "--user-group", "--no-create-home", name], check=True)
    visitor = pwd.getpwnam(name)
    running = subprocess.Popen(
        ["sleep", "300"], user=visitor.pw_uid, group=visitor.pw_gid, extra_groups=[], cwd="/"
    )
    try:
        assert running.pid in processes_of(visitor.pw_uid)
        SystemAccounts(run_command).remove(name)
        assert running.wait(5) != 0, "its program was stopped"
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
        assert processes_of(visitor.pw_uid) == []
    finally:
        running.kill()
        running.wait()
        subprocess.run(["userdel", name], capture_output=True, check=False)
