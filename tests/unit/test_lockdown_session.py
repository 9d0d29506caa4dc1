"""The graphical session's lockdown files: each parses as its program reads it, uses only
documented settings, and closes a way out of the session or a place where data would stay."""

from __future__ import annotations

import configparser
import shlex
from pathlib import PurePosixPath

import pytest

from kiosk.lockdown import LAUNCHER_DIR, LockdownError, lockdown_actions, lockdown_files
from kiosk.lockdown.session import (
    CHROMIUM_POLICIES,
    DCONF,
    DCONF_KEYFILE,
    DCONF_LOCKS,
    FIREFOX_POLICIES,
    LIGHTDM_CONF,
    LOGIND_CONF,
    PROC_DROPINS,
    PROC_GROUP,
    SYSCTL_CONF,
    XORG_CONF,
    XSESSION,
    dconf_keyfile,
    dconf_locks,
    dconf_profile,
    launcher_entries,
    lightdm_conf,
    logind_conf,
    proc_fstab_line,
    sysctl_conf,
    xorg_conf,
    xsession_desktop,
)
from policies import default_policy, parse_policy

HOME = PurePosixPath("/home/epn-visitor")
DEFAULT = default_policy()
EVERYTHING = frozenset(
    {
        "firefox-esr.desktop",
        "chromium.desktop",
        "libreoffice-writer.desktop",
        "libreoffice-calc.desktop",
        "libreoffice-impress.desktop",
        "org.gnome.Evince.desktop",
        "atril.desktop",
        "org.gnome.eog.desktop",
    }
)

# xorg.conf(5), section SERVERFLAGS SECTION: the options the ServerFlags section accepts.
XORG_SERVER_FLAGS = frozenset(
    {"DefaultServerLayout", "NoTrapSignals", "UseSIGIO", "DontVTSwitch", "DontZap"}
    | {"DontZoom", "DisableVidModeExtension", "AllowNonLocalXvidtune", "AllowMouseOpenFail"}
    | {"BlankTime", "StandbyTime", "SuspendTime", "OffTime", "Pixmap", "NoPM", "Xinerama"}
    | {"IndirectGLX", "AIGLX", "DRI2", "GlxVisuals", "UseDefaultFontPath", "IgnoreABI"}
    | {"AutoAddDevices", "AutoEnableDevices", "AutoAddGPU", "AutoBindGPU", "Log"}
    | {"HandleSpecialKeys", "MaxClients", "AllowDeactivateGrabs", "AllowClosedownGrabs"}
)

# logind.conf(5) of systemd 252 (Debian 12): every [Login] setting, as its shipped
# /etc/systemd/logind.conf lists them.
LOGIND_SETTINGS = frozenset(
    {"NAutoVTs", "ReserveVT", "KillUserProcesses", "KillOnlyUsers", "KillExcludeUsers"}
    | {"InhibitDelayMaxSec", "UserStopDelaySec", "HandlePowerKey", "HandlePowerKeyLongPress"}
    | {"HandleRebootKey", "HandleRebootKeyLongPress", "HandleSuspendKey"}
    | {"HandleSuspendKeyLongPress", "HandleHibernateKey", "HandleHibernateKeyLongPress"}
    | {"HandleLidSwitch", "HandleLidSwitchExternalPower", "HandleLidSwitchDocked"}
    | {"PowerKeyIgnoreInhibited", "SuspendKeyIgnoreInhibited", "HibernateKeyIgnoreInhibited"}
    | {"LidSwitchIgnoreInhibited", "RebootKeyIgnoreInhibited", "HoldoffTimeoutSec"}
    | {"IdleAction", "IdleActionSec", "RuntimeDirectorySize", "RuntimeDirectoryInodesMax"}
    | {"RemoveIPC", "InhibitorsMax", "SessionsMax", "StopIdleSessionSec"}
)

# The kernel's Documentation/admin-guide/sysctl/kernel.rst and fs.rst.
SYSCTL_SETTINGS = frozenset({"kernel.sysrq", "kernel.core_pattern", "fs.suid_dumpable"})


def ini(text: str) -> configparser.ConfigParser:
    """Parse a systemd, LightDM or desktop-entry file strictly, keys as written."""
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


def xorg_sections(text: str) -> list[tuple[str, dict[str, str]]]:
    """Xorg's config syntax: Section/EndSection blocks of Option lines; # starts a comment."""
    sections: list[tuple[str, dict[str, str]]] = []
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        words = shlex.split(raw, comments=True)
        if not words:
            continue
        if words[0] == "Section":
            assert current is None, "a Section inside a Section"
            assert len(words) == 2
            current = {}
            sections.append((words[1], current))
        elif words[0] == "EndSection":
            assert current is not None, "EndSection without Section"
            current = None
        else:
            assert current is not None, f"{raw!r} outside a section"
            assert words[0] == "Option" and len(words) == 3, raw
            assert words[1] not in current, f"{words[1]} set twice"
            current[words[1]] = words[2]
    assert current is None, "a Section is not closed"
    return sections


# -- X server ----------------------------------------------------------------------------


def test_the_x_server_ignores_the_keys_that_leave_the_session() -> None:
    sections = xorg_sections(xorg_conf())
    assert [name for name, _ in sections] == ["ServerFlags"]
    flags = sections[0][1]
    assert set(flags) <= XORG_SERVER_FLAGS
    # Ctrl+Alt+F1..F12 to a text console, Ctrl+Alt+Backspace to kill X, the zoom keys.
    assert flags["DontVTSwitch"] == flags["DontZap"] == flags["DontZoom"] == "true"
    # The Keypad keys that would break the shell's grabs or kill their holders.
    assert flags["AllowDeactivateGrabs"] == flags["AllowClosedownGrabs"] == "false"


# -- logind and the kernel ---------------------------------------------------------------


def test_logind_starts_no_spare_console_and_leaves_nothing_of_a_session() -> None:
    parser = ini(logind_conf())
    assert parser.sections() == ["Login"]
    login = dict(parser["Login"])
    assert set(login) <= LOGIND_SETTINGS
    assert login["NAutoVTs"] == login["ReserveVT"] == "0", "no getty on Ctrl+Alt+Fn"
    assert login["KillUserProcesses"] == "yes"
    assert login["RemoveIPC"] == "yes"
    assert login["KillExcludeUsers"] == "root", "the agent is never killed with a session"
    # A suspended PC would hand the last visitor's open session to whoever wakes it.
    for key in ("HandleSuspendKey", "HandleHibernateKey", "HandleLidSwitch"):
        assert login[key] == "ignore", key


def sysctl_settings(text: str) -> dict[str, str]:
    settings = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        assert sep, line
        assert key.strip() not in settings
        settings[key.strip()] = value.strip()
    return settings


def test_no_sysrq_key_and_no_core_dump_left_on_disk() -> None:
    settings = sysctl_settings(sysctl_conf())
    assert set(settings) <= SYSCTL_SETTINGS
    assert settings["kernel.sysrq"] == "0"
    # A pipe to a program that reads nothing: no core file anywhere, none kept by
    # systemd-coredump in /var/lib/systemd/coredump.
    assert settings["kernel.core_pattern"] == "|/bin/false"
    assert settings["fs.suid_dumpable"] == "0"


# -- GNOME -------------------------------------------------------------------------------


def test_every_gnome_setting_is_locked_and_every_lock_has_a_setting() -> None:
    keyfile = ini(dconf_keyfile())
    settings = {f"/{section}/{key}" for section in keyfile.sections() for key in keyfile[section]}
    locks = dconf_locks().splitlines()
    assert len(locks) == len(set(locks))
    assert set(locks) == settings
    for section in keyfile.sections():
        assert not section.startswith("/") and not section.endswith("/"), section
        for value in keyfile[section].values():
            assert value in {"true", "false"}, "GVariant text of a boolean"


def test_the_visitor_gets_no_terminal_no_logout_and_no_recent_files() -> None:
    lockdown = ini(dconf_keyfile())["org/gnome/desktop/lockdown"]
    assert lockdown["disable-command-line"] == "true"
    assert lockdown["disable-log-out"] == "true", "the session ends through the kiosk"
    assert lockdown["disable-user-switching"] == "true"
    assert lockdown["disable-lock-screen"] == "true"
    privacy = ini(dconf_keyfile())["org/gnome/desktop/privacy"]
    assert privacy["remember-recent-files"] == "false"


def test_printing_stays_possible() -> None:
    # The kiosk meters printing; a locked disable-printing would forbid it.
    assert "disable-printing" not in DCONF["org/gnome/desktop/lockdown"]
    assert "disable-printing" not in dconf_locks()


def test_the_system_database_is_read_under_the_users_own() -> None:
    assert dconf_profile().splitlines() == ["user-db:user", "system-db:local"]
    assert DCONF_KEYFILE.parent.name == "local.d"
    assert DCONF_LOCKS.parent == DCONF_KEYFILE.parent / "locks"


# -- display manager and session ---------------------------------------------------------


def test_the_visitor_is_logged_into_the_kiosk_session_without_a_greeter() -> None:
    conf = ini(lightdm_conf("epn-visitor"))
    seat = conf["Seat:*"]
    assert seat["autologin-user"] == "epn-visitor"
    assert seat["autologin-user-timeout"] == "0"
    assert seat["autologin-session"] == XSESSION.stem == "epn-kiosk"
    assert seat["allow-guest"] == "false"
    assert seat["allow-user-switching"] == "false"
    # Between sessions the home is an unwritable mount point: .Xauthority cannot go there
    # (a daemon setting: LightDM reads it only in its own section).
    assert conf["LightDM"]["user-authority-in-system-dir"] == "true"
    assert "user-authority-in-system-dir" not in seat


@pytest.mark.parametrize("name", ["", "Root", "epn visitor", "a\nautologin-user=root", "x" * 40])
def test_a_bad_visitor_name_cannot_slip_into_the_autologin(name: str) -> None:
    with pytest.raises(LockdownError, match="user name"):
        lightdm_conf(name)
    with pytest.raises(LockdownError):
        lockdown_files(DEFAULT, name, HOME)


def test_the_kiosk_session_runs_the_shell_and_nothing_else() -> None:
    entry = ini(xsession_desktop())["Desktop Entry"]
    assert shlex.split(entry["Exec"]) == [
        "/usr/bin/systemd-cat",
        "--identifier=epn-kiosk-shell",
        "epn-kiosk",
        "shell",
    ], "the shell's errors reach the journal: the home is no place for a log"
    assert entry["TryExec"] == "epn-kiosk"
    assert entry["Type"] == "Application"
    assert ini(xsession_desktop("/opt/epn/bin/epn-kiosk shell"))["Desktop Entry"]["TryExec"] == (
        "/opt/epn/bin/epn-kiosk"
    )


# -- launcher ----------------------------------------------------------------------------


def entries(policy_text: str, installed: frozenset[str]) -> dict[str, dict[str, str]]:
    policy = parse_policy(policy_text, "toml")
    found = {}
    for file in launcher_entries(policy, installed):
        assert file.path.parent == LAUNCHER_DIR
        found[file.path.name] = dict(ini(file.content)["Desktop Entry"])
    return found


def test_the_launcher_offers_the_allowed_applications_in_the_policys_order() -> None:
    found = entries("", EVERYTHING)
    order = sorted(found, key=lambda name: int(found[name]["X-EPN-Kiosk-Position"]))
    assert order == [
        "firefox.desktop",
        "libreoffice-writer.desktop",
        "libreoffice-calc.desktop",
        "libreoffice-impress.desktop",
        "pdf-viewer.desktop",
        "image-viewer.desktop",
    ]
    assert "chromium.desktop" not in found, "installed but not allowed by the policy"
    assert found["firefox.desktop"]["Exec"] == "firefox-esr"
    assert found["libreoffice-calc.desktop"]["Exec"] == "libreoffice --calc"
    # Evince and Atril are both there: the catalogue's first choice is taken.
    assert found["pdf-viewer.desktop"]["X-EPN-Kiosk-Source"] == (
        "/usr/share/applications/org.gnome.Evince.desktop"
    )


def test_an_application_missing_on_the_pc_is_not_offered() -> None:
    found = entries('[launcher]\napps = ["chromium", "pdf-viewer"]', frozenset({"atril.desktop"}))
    assert list(found) == ["pdf-viewer.desktop"]
    assert found["pdf-viewer.desktop"]["Exec"] == "atril"
    assert found["pdf-viewer.desktop"]["X-EPN-Kiosk-Position"] == "1"
    assert entries("[launcher]\napps = []", EVERYTHING) == {}


# -- everything together -----------------------------------------------------------------


def test_every_file_has_one_absolute_path_and_is_readable_not_writable_by_visitors() -> None:
    files = lockdown_files(DEFAULT, "epn-visitor", HOME, installed=EVERYTHING)
    paths = [file.path for file in files]
    assert len(paths) == len(set(paths))
    assert all(path.is_absolute() for path in paths)
    # Browsers and GNOME run as the visitor: they must read every file; root owns them.
    assert {file.mode for file in files} == {0o644}
    expected = {
        XORG_CONF,
        LOGIND_CONF,
        SYSCTL_CONF,
        DCONF_KEYFILE,
        DCONF_LOCKS,
        LIGHTDM_CONF,
        XSESSION,
        CHROMIUM_POLICIES,
        *FIREFOX_POLICIES,
    }
    assert expected <= set(paths)
    assert len([p for p in paths if p.parent == LAUNCHER_DIR]) == len(DEFAULT.launcher.apps)


def test_firefox_esr_and_firefox_read_the_same_policies() -> None:
    files = {f.path: f.content for f in lockdown_files(DEFAULT, "epn-visitor", HOME)}
    first, second = FIREFOX_POLICIES
    assert files[first] == files[second]
    assert str(HOME / "Downloads") in files[first]


def test_the_home_must_be_an_absolute_path() -> None:
    with pytest.raises(LockdownError, match="absolute"):
        lockdown_files(DEFAULT, "epn-visitor", PurePosixPath("home/epn-visitor"))


def test_ctrl_alt_del_is_masked_and_the_settings_apply_at_once() -> None:
    commands = [action.command for action in lockdown_actions()]
    assert ("systemctl", "mask", "ctrl-alt-del.target") in commands
    assert ("dconf", "update") in commands, "GNOME reads only the compiled database"
    assert ("sysctl", "--system") in commands
    assert all(action.why for action in lockdown_actions())


def test_logind_and_polkit_still_see_every_process_when_proc_hides_them() -> None:
    files = {f.path: f.content for f in lockdown_files(DEFAULT, "epn-visitor", HOME)}
    for path in PROC_DROPINS:
        assert f"[Service]\nSupplementaryGroups={PROC_GROUP}\n" in files[path], path
    options = proc_fstab_line().split()[3].split(",")
    assert "hidepid=invisible" in options and f"gid={PROC_GROUP}" in options
