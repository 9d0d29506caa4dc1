"""The kiosk installer, rendered into a target root: every file, its mode and owner; the
units systemd would read; the browsers' policies; idempotence; dry run; uninstall."""

from __future__ import annotations

import argparse
import configparser
import json
import os
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from installer_helpers import BIN_DIR, FSTAB, OLD_DCONF_PROFILE, Run, picture, times, uid_of

from epn_shared.settings_cli import settings_from
from kiosk.agent.cli import config_from_args
from kiosk.agent.config import AgentConfig
from kiosk.agent.update import UpdateSettings
from kiosk.lockdown import opensc_module
from kiosk.shell.wm import openbox_rc

PRINTER = "ipp://192.168.1.20/ipp/print"
ARGS = ("--bin-dir", str(BIN_DIR), "--printer-uri", PRINTER, "--pc-name", "PC-07")

pytestmark = pytest.mark.root


def install(run: Run, root: Path, *extra: str) -> str:
    status, out = run("kiosk", "--root", str(root), *ARGS, *extra)
    assert status == 0, out
    return out


def mode_owner(path: Path) -> tuple[int, int, int]:
    info = path.lstat()
    return stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def test_private_folders_modes_and_owners(run: Run, target: Path) -> None:
    install(run, target)
    visitor = uid_of(target, "epn-visitor")
    assert visitor >= 1000, "a regular account: logind removes its IPC objects"
    expected = {
        "var/lib/epn-kiosk": (0o700, 0, 0),
        "var/lib/epn-kiosk/secrets": (0o700, 0, 0),
        "home/epn-visitor": (0o700, visitor, visitor),
        "usr/lib/cups/backend/epn-gate": (0o700, 0, 0),
        "etc/systemd/system/epn-kiosk-agent.service": (0o644, 0, 0),
        "etc/systemd/system/epn-kiosk-sweep.service": (0o644, 0, 0),
        "etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf": (0o644, 0, 0),
        "var/lib/epn-kiosk-installer/kiosk.json": (0o600, 0, 0),
    }
    for path, want in expected.items():
        assert mode_owner(target / path) == want, path
    passwd = (target / "etc/passwd").read_text()
    assert "epn-visitor:x:" in passwd and ":/home/epn-visitor:/bin/bash\n" in passwd
    assert "epn-visitor:!:" in (target / "etc/shadow").read_text(), "no password: autologin only"
    assert mode_owner(target / "etc/shadow")[0] == 0o640, "shadow keeps its mode"


def test_no_installed_file_is_writable_by_others_or_setuid(run: Run, target: Path) -> None:
    install(run, target)
    manifest = json.loads((target / "var/lib/epn-kiosk-installer/kiosk.json").read_text())
    assert len(manifest["files"]) >= 18
    for path in [*manifest["files"], *manifest["dirs"]]:
        mode = mode_owner(target / path.lstrip("/"))[0]
        assert not mode & 0o002, f"{path} is writable by anyone"
        assert not mode & 0o6000, f"{path} is setuid or setgid"


def test_the_gated_backend_is_the_agents(run: Run, target: Path) -> None:
    install(run, target)
    source = Path(__file__).resolve().parents[2] / "kiosk/agent/printing/gate_backend.py"
    installed = target / "usr/lib/cups/backend/epn-gate"
    assert installed.read_bytes() == source.read_bytes()
    assert installed.read_text().startswith("#!/usr/bin/python3\n"), "runs on system Python"


def test_the_wake_notifier_is_the_agents(run: Run, target: Path) -> None:
    install(run, target)
    source = Path(__file__).resolve().parents[2] / "kiosk/agent/printing/wake_notifier.py"
    installed = target / "usr/lib/cups/notifier/epn-wake"
    assert installed.read_bytes() == source.read_bytes()
    assert mode_owner(installed)[0] == 0o755, "cupsd runs notifiers as lp"
    assert installed.read_text().startswith("#!/usr/bin/python3\n"), "runs on system Python"


def test_agent_unit_restarts_and_is_watched(run: Run, target: Path) -> None:
    install(run, target)
    agent = unit(target / "etc/systemd/system/epn-kiosk-agent.service")
    service = agent["Service"]
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "always"
    assert "User" not in service, "the agent runs as root (mounts the visitor's home)"
    assert "display-manager.service" in agent["Unit"]["Before"]
    assert "epn-kiosk-sweep.service" in agent["Unit"]["After"]
    assert agent["Install"]["WantedBy"] == "multi-user.target"
    link = target / "etc/systemd/system/multi-user.target.wants/epn-kiosk-agent.service"
    assert os.readlink(link) == "/etc/systemd/system/epn-kiosk-agent.service"


def test_sweep_runs_once_before_the_login_screen(run: Run, target: Path) -> None:
    install(run, target)
    sweep = unit(target / "etc/systemd/system/epn-kiosk-sweep.service")
    assert sweep["Service"]["Type"] == "oneshot"
    assert "display-manager.service" in sweep["Unit"]["Before"].split()
    assert "epn-kiosk-agent.service" in sweep["Unit"]["Before"].split()
    assert (
        target / "etc/systemd/system/multi-user.target.wants/epn-kiosk-sweep.service"
    ).is_symlink()


def test_updates_come_every_half_hour_between_visitors(run: Run, target: Path) -> None:
    install(run, target)
    units = target / "etc/systemd/system"
    service = unit(units / "epn-kiosk-update.service")["Service"]
    assert service["Type"] == "oneshot"
    # Deferred (a visitor is using the PC) is no failure: the next run tries again.
    assert service["SuccessExitStatus"] == "75"
    timer = unit(units / "epn-kiosk-update.timer")
    assert timer["Timer"]["OnBootSec"] == "5min", "a PC that was off looks soon after boot"
    assert timer["Timer"]["OnCalendar"] == "*:00/30"
    assert timer["Timer"]["Persistent"] == "true"
    # Each PC at its own moment: a room's PCs do not all download at once.
    assert timer["Timer"]["RandomizedDelaySec"] == "10min"
    link = units / "timers.target.wants/epn-kiosk-update.timer"
    assert os.readlink(link) == "/etc/systemd/system/epn-kiosk-update.timer"


def _command_args(command: str, words: list[str]) -> argparse.Namespace:
    """Parse words the way ``epn-kiosk COMMAND`` does: a unit's options must exist."""
    from kiosk.cli import COMMANDS

    module = __import__(COMMANDS[command][0], fromlist=["add_arguments"])
    parser = argparse.ArgumentParser(exit_on_error=False)
    module.add_arguments(parser)
    return parser.parse_args(words)


def test_every_command_line_is_one_the_programs_accept(run: Run, target: Path) -> None:
    install(run, target)
    units = target / "etc/systemd/system"
    agent = shlex.split(unit(units / "epn-kiosk-agent.service")["Service"]["ExecStart"])
    assert agent[:2] == [str(BIN_DIR / "epn-kiosk"), "agent"]
    config = config_from_args(_command_args("agent", agent[2:]))
    assert (config.data_dir, config.visitor, config.pc_name) == (
        Path("/var/lib/epn-kiosk"),
        "epn-visitor",
        "PC-07",
    )
    assert not config.sandbox
    assert config.cups_socket == Path("/run/cups/cups.sock")
    assert config.lockdown_root == Path("/"), "a pushed block list reaches the browsers"
    assert config.display_manager == "lightdm.service", "the next visitor gets a new login"
    sweep = shlex.split(unit(units / "epn-kiosk-sweep.service")["Service"]["ExecStart"])
    swept = settings_from(AgentConfig, _command_args("sweep", sweep[2:]))
    assert swept.journal_path == config.journal_path, "the agent's journal"
    assert (swept.visitor, swept.skeleton_dir) == (config.visitor, config.skeleton_dir)
    assert swept.cups_socket == config.cups_socket, "the visitor's print jobs are purged"
    update = shlex.split(unit(units / "epn-kiosk-update.service")["Service"]["ExecStart"])
    assert update[:2] == [str(BIN_DIR / "epn-kiosk"), "update"]
    updater = settings_from(UpdateSettings, _command_args("update", update[2:]))
    assert updater.admin_socket_path == config.admin_socket_path, "it asks this agent"
    assert updater.apt_source == Path("/etc/apt/sources.list.d/epn-console.sources")
    session = unit(target / "usr/share/xsessions/epn-kiosk.desktop")["Desktop Entry"]
    logger, identifier, *shell = shlex.split(session["Exec"])
    assert (logger, identifier) == ("/usr/bin/systemd-cat", "--identifier=epn-kiosk-shell")
    # The session's program restarts the shell when it dies: the visitor keeps the session.
    assert shell[:2] == [str(BIN_DIR / "epn-kiosk"), "session"]
    assert _command_args("session", shell[2:]).socket == "/run/epn-kiosk/kiosk.sock"
    # With the kiosk's window manager: programs open maximised under the bar, never over it,
    # by the same rc.xml as the tests' desktops (tests/e2e/test_desktop_wm.py) and the demo's.
    session_args = _command_args("session", shell[2:])
    rc = session_args.window_manager
    assert rc == "/etc/epn-kiosk/openbox-rc.xml"
    openbox = (target / rc.lstrip("/")).read_text(encoding="utf-8")
    assert openbox == openbox_rc()
    assert 'role="epn-kiosk-shell"' in openbox and "<maximized>true</maximized>" in openbox
    assert "<fullscreen>no</fullscreen>" in openbox, "no program opens full screen"
    assert "Execute" not in openbox and "ShowMenu" not in openbox, "no command, no menu"
    # A kiosk's shell, not a window: it keeps every program under its bar (kiosk/shell/x11.py).
    assert not session_args.windowed
    # The visitors' locales are generated: programs speak the visitor's language.
    locale_gen = (target / "etc/locale.gen").read_text(encoding="utf-8")
    assert "fr_BE.UTF-8 UTF-8" in locale_gen and "ar_MA.UTF-8 UTF-8" in locale_gen
    assert session["TryExec"] == str(BIN_DIR / "epn-kiosk"), "an absolute path: LightDM's PATH"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verifies_the_units(run: Run, target: Path) -> None:
    install(run, target)
    # The kiosk's own units (display-manager.service links to LightDM's, not on this host).
    units = sorted(
        u
        for pattern in ("*.service", "*.timer")
        for u in (target / "etc/systemd/system").glob(pattern)
        if not u.is_symlink()
    )
    done = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for problem in (
        "Unknown key",
        "Failed to parse",
        "not executable",
        "Invalid",
        "nknown section",
    ):
        assert problem not in done.stderr, done.stderr


def test_lightdm_logs_the_visitor_into_the_kiosk_session(run: Run, target: Path) -> None:
    install(run, target)
    seat = unit(target / "etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf")["Seat:*"]
    assert seat["autologin-user"] == "epn-visitor"
    assert seat["autologin-session"] == "epn-kiosk"
    assert seat["autologin-user-timeout"] == "0"
    assert seat["allow-guest"] == "false"


def test_browser_policies_are_json_that_close_the_browser_down(run: Run, target: Path) -> None:
    install(run, target)
    for path in (
        "etc/firefox/policies/policies.json",
        "usr/lib/firefox-esr/distribution/policies.json",
    ):
        policies = json.loads((target / path).read_text())["policies"]
        assert policies["DisableDeveloperTools"] is True
        assert policies["DownloadDirectory"] == "/home/epn-visitor/Downloads"
    chromium = json.loads((target / "etc/chromium/policies/managed/epn-kiosk.json").read_text())
    assert chromium["IncognitoModeAvailability"] == 1
    assert chromium["DeveloperToolsAvailability"] == 2


def test_home_skeleton_is_the_agents(run: Run, target: Path) -> None:
    install(run, target)
    skeleton = target / "etc/epn-kiosk/skeleton"
    for folder in ("Desktop", "Documents", "Downloads"):
        assert (skeleton / folder).is_dir()
    packaged = Path(__file__).resolve().parents[2] / "kiosk/agent/skeleton/.config/user-dirs.dirs"
    assert (skeleton / ".config/user-dirs.dirs").read_bytes() == packaged.read_bytes()


def test_the_eid_card_module_is_registered_for_both_browsers(run: Run, target: Path) -> None:
    install(run, target)
    module = str(opensc_module())
    for path in (
        "etc/firefox/policies/policies.json",
        "usr/lib/firefox-esr/distribution/policies.json",
    ):
        devices = json.loads((target / path).read_text())["policies"]["SecurityDevices"]
        assert list(devices["Add"].values()) == [module]
    # Chromium: the NSS module list each fresh home gets from the skeleton.
    nss = target / "etc/epn-kiosk/skeleton/.pki/nssdb/pkcs11.txt"
    assert nss.read_text() == f"library={module}\nname=OpenSC smart card (eID)\n"
    assert mode_owner(nss) == (0o644, 0, 0)
    # The reader is the visitor's to use, where pcscd asks polkit.
    rule = (target / "etc/polkit-1/rules.d/50-epn-kiosk-pcscd.rules").read_text()
    assert 'subject.user == "epn-visitor"' in rule
    assert "org.debian.pcsc-lite.access_pcsc" in rule and "org.debian.pcsc-lite.access_card" in rule
    if shutil.which("dpkg") is not None and Path(module).exists():
        owner = subprocess.run(["dpkg", "-S", module], capture_output=True, text=True, check=False)
        assert owner.stdout.startswith("opensc-pkcs11"), "the path Debian's package installs"


def test_cupsd_conf_keeps_its_own_lines_and_adds_the_policy_at_the_end(
    run: Run, target: Path
) -> None:
    before = (target / "etc/cups/cupsd.conf").read_text()
    install(run, target)
    after = (target / "etc/cups/cupsd.conf").read_text()
    assert after.startswith(before), "the stock configuration is untouched"
    block = after[len(before) :]
    for line in (
        "DefaultPolicy epn-kiosk",
        "PreserveJobFiles No",
        "PreserveJobHistory No",
        "MaxHoldTime 900",
        'PageLogFormat "%p %j %T %P %C"',
        "<Policy epn-kiosk>",
    ):
        assert f"\n{line}\n" in block
    assert mode_owner(target / "etc/cups/cupsd.conf")[0] == 0o640, "its mode is kept"


def test_second_run_changes_nothing(run: Run, target: Path) -> None:
    install(run, target)
    first, stamps = picture(target), times(target)
    out = install(run, target)
    assert "\n0 change(s) made\n" in out
    assert picture(target) == first
    assert times(target) == stamps, "not even a time stamp"


def test_dry_run_writes_nothing_and_lists_the_changes(run: Run, target: Path) -> None:
    before = picture(target)
    out = install(run, target, "--dry-run")
    assert picture(target) == before
    assert "dry run: nothing written" in out
    assert "write /usr/lib/cups/backend/epn-gate (0700 root:root)" in out
    assert "create account epn-visitor" in out
    assert out.count("make folder /var/lib ") <= 1, "each folder listed once"


def test_commands_are_listed_not_run_under_a_root(run: Run, target: Path) -> None:
    out = install(run, target)
    assert (
        "not run under --root (run it on the machine itself): lpadmin -p kiosk -E "
        f"-v epn-gate:{PRINTER} -o job-hold-until-default=indefinite" in out
    )
    assert "systemctl daemon-reload" in out


def test_no_printer_no_queue_but_a_note(run: Run, target: Path) -> None:
    status, out = run("kiosk", "--root", str(target), "--bin-dir", str(BIN_DIR))
    assert status == 0
    assert "lpadmin" not in out
    assert "no printer queue yet: the PC makes it when the console chooses the room's" in out


def test_uninstall_leaves_the_root_as_it_was(run: Run, target: Path) -> None:
    before = picture(target)
    install(run, target)
    assert (target / "etc/dconf/profile/user").read_text() != OLD_DCONF_PROFILE
    status, out = run("uninstall", "kiosk", "--root", str(target))
    assert status == 0, out
    assert (target / "etc/dconf/profile/user").read_text() == OLD_DCONF_PROFILE
    assert picture(target) == before


def test_uninstall_twice_and_dry_run_uninstall(run: Run, target: Path) -> None:
    install(run, target)
    installed = picture(target)
    status, out = run("uninstall", "kiosk", "--root", str(target), "--dry-run")
    assert status == 0 and picture(target) == installed
    assert "remove /etc/systemd/system/epn-kiosk-agent.service" in out
    assert run("uninstall", "kiosk", "--root", str(target))[0] == 0
    status, out = run("uninstall", "kiosk", "--root", str(target))
    assert status == 0 and "nothing to remove" in out


def test_an_account_that_was_there_is_kept(run: Run, target: Path) -> None:
    passwd = target / "etc/passwd"
    passwd.write_text(passwd.read_text() + "epn-visitor:x:1500:1500::/home/epn-visitor:/bin/bash\n")
    (target / "etc/group").write_text((target / "etc/group").read_text() + "epn-visitor:x:1500:\n")
    before = picture(target)
    out = install(run, target)
    assert "create account epn-visitor" not in out
    assert mode_owner(target / "home/epn-visitor")[1] == 1500
    assert run("uninstall", "kiosk", "--root", str(target))[0] == 0
    assert picture(target) == before, "the account and its files stay"


def test_a_policy_file_reaches_the_agent_and_the_browsers(
    run: Run, target: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "site.toml"
    policy.write_text('[web]\nblock = ["example.com"]\n')
    install(run, target, "--policy", str(policy))
    assert (target / "etc/epn-kiosk/policy.toml").read_bytes() == policy.read_bytes()
    agent = unit(target / "etc/systemd/system/epn-kiosk-agent.service")["Service"]["ExecStart"]
    assert "--policy /etc/epn-kiosk/policy.toml" in agent
    chromium = json.loads((target / "etc/chromium/policies/managed/epn-kiosk.json").read_text())
    assert "example.com" in chromium["URLBlocklist"]
    # The same policy without its block list: the earlier file is replaced, nothing is left.
    policy.write_text("[web]\nblock = []\n")
    install(run, target, "--policy", str(policy))
    chromium = json.loads((target / "etc/chromium/policies/managed/epn-kiosk.json").read_text())
    assert "example.com" not in chromium.get("URLBlocklist", [])


def test_launcher_follows_the_programs_installed(run: Run, target: Path) -> None:
    """A program removed from the PC leaves the launcher at the next run; uninstall still
    leaves the PC as it was."""
    entry = target / "usr/share/applications/firefox-esr.desktop"
    program = target / "usr/bin/firefox-esr"
    program.parent.mkdir(parents=True)
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nName=Firefox\n")
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    before = picture(target)
    install(run, target)
    launcher = target / "etc/epn-kiosk/launcher/firefox.desktop"
    assert "Exec=firefox-esr" in launcher.read_text()
    program.unlink()
    out = install(run, target)
    assert "remove /etc/epn-kiosk/launcher/firefox.desktop (no longer installed)" in out
    assert not launcher.exists()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert run("uninstall", "kiosk", "--root", str(target))[0] == 0
    assert picture(target) == before


def test_an_empty_folder_round_trip(run: Run, tmp_path: Path) -> None:
    """No account files at all (an image being built): the installer makes them, and
    uninstall leaves the folder empty again."""
    root = tmp_path / "empty"
    root.mkdir()
    install(run, root)
    assert (root / "etc/passwd").read_text().startswith("epn-visitor:x:1000:1000:")
    assert "\n0 change(s) made\n" in install(run, root)
    assert run("uninstall", "kiosk", "--root", str(root))[0] == 0
    assert list(root.iterdir()) == []


def test_proc_hides_other_visitors_processes_from_the_next_boot(run: Run, target: Path) -> None:
    install(run, target)
    fstab = (target / "etc/fstab").read_text()
    assert fstab.startswith(FSTAB), "the PC's own lines stay as they were"
    (proc,) = [line.split() for line in fstab.splitlines() if line.split()[1:2] == ["/proc"]]
    assert proc[2] == "proc" and "hidepid=invisible" in proc[3].split(",")
    assert "gid=epn-proc" in proc[3].split(",")
    groups = (target / "etc/group").read_text().splitlines()
    group = [g for g in groups if g.startswith("epn-proc:")]
    assert len(group) == 1 and int(group[0].split(":")[2]) < 1000, "a system group"
    assert group[0].split(":")[3] == "", "nobody is in it, the visitor least of all"
    for service in ("systemd-logind", "polkit"):
        dropin = target / f"etc/systemd/system/{service}.service.d/50-epn-kiosk-proc.conf"
        assert unit(dropin)["Service"]["SupplementaryGroups"] == "epn-proc", service
    assert run("uninstall", "kiosk", "--root", str(target))[0] == 0
    assert (target / "etc/fstab").read_text() == FSTAB
    assert "epn-proc" not in (target / "etc/group").read_text()


def test_an_fstab_that_already_mounts_proc_is_left_to_the_admin(run: Run, target: Path) -> None:
    own = FSTAB + "proc /proc proc defaults 0 0\n"
    (target / "etc/fstab").write_text(own)
    out = install(run, target)
    assert (target / "etc/fstab").read_text() == own, "never a second line for /proc"
    assert "already has a line for /proc" in out and "hidepid=invisible,gid=epn-proc" in out


def test_lightdm_replaces_another_display_manager_until_uninstall(run: Run, target: Path) -> None:
    x11 = target / "etc/X11"
    x11.mkdir(parents=True)
    (x11 / "default-display-manager").write_text("/usr/sbin/gdm3\n")
    link = target / "etc/systemd/system/display-manager.service"
    link.parent.mkdir(parents=True)
    link.symlink_to("/lib/systemd/system/gdm.service")
    before = picture(target)
    install(run, target)
    assert (x11 / "default-display-manager").read_text() == "/usr/sbin/lightdm\n"
    assert os.readlink(link) == "/lib/systemd/system/lightdm.service"
    assert run("uninstall", "kiosk", "--root", str(target))[0] == 0
    assert picture(target) == before, "GDM is the display manager again"
    assert os.readlink(link) == "/lib/systemd/system/gdm.service"


@pytest.mark.parametrize(
    "printer", ["file:/etc/cron.d/epn", "file:///etc/cron.d/epn", "parallel:/x"]
)
def test_a_printer_that_is_a_file_of_the_pc_is_refused_and_nothing_installed(
    run: Run, target: Path, printer: str
) -> None:
    before = picture(target)
    with pytest.raises(SystemExit) as stopped:
        run("kiosk", "--root", str(target), "--bin-dir", str(BIN_DIR), "--printer-uri", printer)
    assert stopped.value.code == 2
    assert picture(target) == before
