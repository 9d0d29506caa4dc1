"""Writing the lockdown under a target root, finding installed applications on a real file
tree, and checking the generated settings against what this machine's programs declare."""

from __future__ import annotations

import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from kiosk.agent.policy_source import PolicySource
from kiosk.lockdown import (
    LAUNCHER_DIR,
    LockdownError,
    LockdownFile,
    installed_desktop_files,
    lockdown_files,
    write_lockdown,
)
from kiosk.lockdown.session import CHROMIUM_POLICIES, DCONF, FIREFOX_POLICIES, LOGIND
from policies import InvalidPolicy, default_policy, parse_policy

HOME = PurePosixPath("/home/epn-visitor")
SCHEMAS = Path("/usr/share/glib-2.0/schemas")
SHIPPED_LOGIND = Path("/etc/systemd/logind.conf")


@pytest.fixture
def strict_umask() -> Iterator[None]:
    # A root's umask of 077 must not make the browsers' policies unreadable to the visitor.
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_mode)
        for p in root.rglob("*")
        if p.is_file()
    }


def test_every_file_lands_under_the_root_with_its_mode(tmp_path: Path, strict_umask: None) -> None:
    files = lockdown_files(default_policy(), "epn-visitor", HOME, installed={"chromium.desktop"})
    written = write_lockdown(tmp_path, files)
    assert written == [file.path for file in files]
    for file in files:
        target = tmp_path / str(file.path).lstrip("/")
        assert target.read_text(encoding="utf-8") == file.content
        assert stat.S_IMODE(target.stat().st_mode) == file.mode == 0o644
        assert stat.S_IMODE(target.parent.stat().st_mode) == 0o755
    for path in (*FIREFOX_POLICIES, CHROMIUM_POLICIES):
        json.loads((tmp_path / str(path).lstrip("/")).read_text(encoding="utf-8"))
    assert not list(tmp_path.rglob(".*")), "no temporary file left behind"


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    files = lockdown_files(default_policy(), "epn-visitor", HOME)
    write_lockdown(tmp_path, files)
    before = snapshot(tmp_path)
    assert write_lockdown(tmp_path, files, prune=[LAUNCHER_DIR]) == []
    assert snapshot(tmp_path) == before, "same inodes, times and modes"


def test_a_changed_block_list_rewrites_only_the_browser_policies(tmp_path: Path) -> None:
    write_lockdown(tmp_path, lockdown_files(default_policy(), "epn-visitor", HOME))
    blocking = parse_policy('[web]\nblock = ["example.com"]', "toml")
    written = write_lockdown(tmp_path, lockdown_files(blocking, "epn-visitor", HOME))
    assert set(written) == {*FIREFOX_POLICIES, CHROMIUM_POLICIES}


def test_a_mode_changed_by_hand_is_put_back(tmp_path: Path) -> None:
    files = lockdown_files(default_policy(), "epn-visitor", HOME)
    write_lockdown(tmp_path, files)
    chromium = tmp_path / str(CHROMIUM_POLICIES).lstrip("/")
    chromium.chmod(0o666)
    assert write_lockdown(tmp_path, files) == [CHROMIUM_POLICIES]
    assert stat.S_IMODE(chromium.stat().st_mode) == 0o644


def test_an_application_taken_out_of_the_policy_leaves_the_launcher(tmp_path: Path) -> None:
    installed = {"chromium.desktop", "firefox-esr.desktop"}
    both = parse_policy('[launcher]\napps = ["firefox", "chromium"]', "toml")
    write_lockdown(tmp_path, lockdown_files(both, "v", HOME, installed=installed))
    launcher = tmp_path / str(LAUNCHER_DIR).lstrip("/")
    assert sorted(p.name for p in launcher.iterdir()) == ["chromium.desktop", "firefox.desktop"]

    firefox_only = parse_policy('[launcher]\napps = ["firefox"]', "toml")
    changed = write_lockdown(
        tmp_path,
        lockdown_files(firefox_only, "v", HOME, installed=installed),
        prune=[LAUNCHER_DIR],
    )
    assert LAUNCHER_DIR / "chromium.desktop" in changed
    assert sorted(p.name for p in launcher.iterdir()) == ["firefox.desktop"]


def test_a_symlink_planted_in_place_of_a_file_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    root = tmp_path / "root"
    target = root / str(CHROMIUM_POLICIES).lstrip("/")
    target.parent.mkdir(parents=True)
    target.symlink_to(outside)
    write_lockdown(root, lockdown_files(default_policy(), "epn-visitor", HOME))
    assert outside.read_text() == "keep me"
    assert not target.is_symlink()
    assert json.loads(target.read_text())["IncognitoModeAvailability"] == 1


def test_a_file_that_cannot_be_written_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "etc").write_text("a file where a folder should be")
    file = LockdownFile(PurePosixPath("/etc/sysctl.d/50-epn-kiosk.conf"), "kernel.sysrq = 0\n")
    with pytest.raises(LockdownError, match=r"/etc/sysctl\.d/50-epn-kiosk\.conf"):
        write_lockdown(tmp_path, [file])


def test_two_files_for_one_path_are_refused(tmp_path: Path) -> None:
    file = LockdownFile(PurePosixPath("/etc/x.conf"), "a\n")
    with pytest.raises(LockdownError, match="same path"):
        write_lockdown(tmp_path, [file, LockdownFile(file.path, "b\n")])
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize("path", ["etc/x.conf", "/etc/../root/.ssh/authorized_keys"])
def test_a_path_outside_the_root_is_refused(path: str) -> None:
    with pytest.raises(LockdownError):
        LockdownFile(PurePosixPath(path), "x")


# -- installed applications --------------------------------------------------------------


def install(root: Path, desktop_file: str | None, command: str | None, mode: int = 0o755) -> None:
    if desktop_file is not None:
        entry = root / "usr/share/applications" / desktop_file
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text("[Desktop Entry]\n")
    if command is not None:
        program = root / "usr/bin" / command
        program.parent.mkdir(parents=True, exist_ok=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(mode)


def test_only_programs_with_their_entry_and_command_count_as_installed(tmp_path: Path) -> None:
    install(tmp_path, "firefox-esr.desktop", "firefox-esr")
    install(tmp_path, "chromium.desktop", None)  # entry left by a removed package
    install(tmp_path, None, "evince")  # a command without its entry
    install(tmp_path, "atril.desktop", "atril", mode=0o644)  # not executable
    install(tmp_path, "libreoffice-calc.desktop", "libreoffice")
    assert installed_desktop_files(tmp_path) == {
        "firefox-esr.desktop",
        "libreoffice-calc.desktop",
    }
    files = lockdown_files(default_policy(), "v", HOME, installed=installed_desktop_files(tmp_path))
    launcher = sorted(f.path.name for f in files if f.path.parent == LAUNCHER_DIR)
    assert launcher == ["firefox.desktop", "libreoffice-calc.desktop"]


# -- against this machine's own declarations ---------------------------------------------


def schema_keys() -> dict[str, dict[str, str]]:
    """Each GSettings schema path with its keys and their GVariant types."""
    found: dict[str, dict[str, str]] = {}
    for file in SCHEMAS.glob("*.gschema.xml"):
        for schema in ET.parse(file).getroot().iter("schema"):
            path = schema.get("path")
            if path:
                keys = {k.get("name", ""): k.get("type", "") for k in schema.iter("key")}
                found[path.strip("/")] = keys
    return found


def test_every_gnome_setting_exists_in_the_installed_schemas() -> None:
    keys = schema_keys()
    if "org/gnome/desktop/lockdown" not in keys:
        pytest.skip("gsettings-desktop-schemas is not installed")
    for path, settings in DCONF.items():
        for key in settings:
            assert keys[path].get(key) == "b", f"/{path}/{key} is not a boolean of the schema"


def test_every_logind_setting_is_one_this_systemd_knows() -> None:
    if not SHIPPED_LOGIND.is_file():
        pytest.skip("no /etc/systemd/logind.conf on this machine")
    # The shipped file lists every setting, commented out: "#NAutoVTs=6".
    known = {
        match[1]
        for line in SHIPPED_LOGIND.read_text().splitlines()
        if (match := re.fullmatch(r"#?([A-Za-z]+)=.*", line))
    }
    assert set(LOGIND) <= known


# -- a bad policy keeps the last good lockdown -------------------------------------------


def test_a_bad_block_list_keeps_the_last_good_policy_and_its_lockdown(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[web]\nblock = ["casino.example"]\n')
    source = PolicySource(path)
    in_force = source.load()
    before = lockdown_files(in_force, "epn-visitor", HOME)

    path.write_text('[web]\nblock = ["casino.example", "poker.example", "https://bad/"]\n')
    assert source.changed()
    with pytest.raises(InvalidPolicy) as raised:
        in_force = source.load()
    assert [str(p) for p in raised.value.problems] == [
        "web.block[2]: 'https://bad/' is not a host name: write it as example.com, "
        "without http://, a port or a path"
    ]
    # The caller keeps the policy it had: the lockdown generated from it is unchanged.
    assert lockdown_files(in_force, "epn-visitor", HOME) == before
    chromium = json.loads(next(f.content for f in before if f.path == CHROMIUM_POLICIES))
    assert chromium["URLBlocklist"] == ["casino.example"]
