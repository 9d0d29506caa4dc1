"""The kiosk role: what turns a Debian/Ubuntu PC into a public kiosk (pure: options in, plan
out; everything read from disk is read by the caller and passed in)."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from installer.plan import (
    Account,
    AccountKind,
    Action,
    Command,
    InstallerError,
    MakeDir,
    ManagedBlock,
    Note,
    Plan,
    Role,
    Symlink,
    When,
    WriteFile,
)
from installer.units import (
    AGENT_UNIT,
    SWEEP_UNIT,
    UNIT_DIR,
    UPDATE_TIMER,
    UPDATE_UNIT,
    agent_unit,
    sweep_unit,
    update_timer,
    update_unit,
    wants_link,
)
from kiosk.agent.printing import cupsconf
from kiosk.lockdown import (
    NSS_MODULE_LIST,
    lockdown_actions,
    lockdown_files,
    nss_module_list,
    opensc_module,
)
from kiosk.lockdown.session import (
    DCONF_KEYFILE,
    DCONF_LOCKS,
    DCONF_PROFILE,
    PROC_DROPINS,
    PROC_GROUP,
    SYSCTL_CONF,
    proc_fstab_line,
)
from kiosk.shell.locales import wanted_locales
from kiosk.shell.wm import OPENBOX_RC
from policies import Policy

CUPSD_CONF = PurePosixPath("/etc/cups/cupsd.conf")
LOCALE_GEN = PurePosixPath("/etc/locale.gen")
FSTAB = PurePosixPath("/etc/fstab")
DEFAULT_DM = PurePosixPath("/etc/X11/default-display-manager")
DM_LINK = UNIT_DIR / "display-manager.service"
LIGHTDM_UNIT = PurePosixPath("/lib/systemd/system/lightdm.service")
GATE_BACKEND = PurePosixPath("/usr/lib/cups/backend") / cupsconf.GATE_SCHEME
WAKE_NOTIFIER = PurePosixPath("/usr/lib/cups/notifier") / cupsconf.WAKE_SCHEME
CUPS_SOCKET = PurePosixPath("/run/cups/cups.sock")
AGENT_SOCKET = PurePosixPath("/run/epn-kiosk/kiosk.sock")
APPROVALS = PurePosixPath(str(cupsconf.DEFAULT_APPROVALS))
CONFIG_DIR = PurePosixPath("/etc/epn-kiosk")
SKELETON_DIR = CONFIG_DIR / "skeleton"
DEFAULT_BIN = PurePosixPath("/opt/epn-kiosk/venv/bin")
DEFAULT_DATA = PurePosixPath("/var/lib/epn-kiosk")
DEFAULT_HOME = PurePosixPath("/home/epn-visitor")


@dataclass(frozen=True)
class KioskOptions:
    """``python -m installer kiosk`` options, with what the caller read for the plan."""

    policy: Policy
    gate_backend: bytes = field(repr=False)
    wake_notifier: bytes = field(default=b"", repr=False)
    """The CUPS notifier that wakes the agent's print worker (none: it polls every 3 s)."""
    skeleton: tuple[tuple[PurePosixPath, bytes], ...] = field(default=(), repr=False)
    """The home skeleton's files, by path relative to the skeleton folder."""
    version: str = "0"
    bin_dir: PurePosixPath = DEFAULT_BIN
    data_dir: PurePosixPath = DEFAULT_DATA
    visitor: str = "epn-visitor"
    visitor_home: PurePosixPath = DEFAULT_HOME
    policy_file: tuple[str, bytes] | None = field(default=None, repr=False)
    """A site policy (file name, content), installed in /etc/epn-kiosk and given to the agent."""
    pc_name: str | None = None
    installed_apps: Set[str] = frozenset()
    printer_uri: str | None = None
    console_url: str | None = None
    pairing_code: str | None = None
    fingerprint: str | None = None
    fstab: str = ""
    """The target's ``/etc/fstab`` as it is (to see whether it already mounts ``/proc``)."""
    smartcard_module: PurePosixPath = field(default_factory=opensc_module)
    """OpenSC's PKCS#11 module (Debian package opensc-pkcs11), for the eID card."""


def block_text() -> str:
    """The lines the kiosk adds at the end of ``cupsd.conf`` (a later line wins)."""
    return (
        "# No sharing of the kiosk's printer on the network, no web pages to change it.\n"
        "Browsing No\n"
        "BrowseLocalProtocols none\n"
        "WebInterface No\n"
        f"DefaultPolicy {cupsconf.POLICY_NAME}\n"
        "# Nothing of a visitor's document stays after the job: no spool copy, no job history.\n"
        "PreserveJobFiles No\n"
        "PreserveJobHistory No\n"
        "# A job nobody confirms is cancelled by CUPS itself, even without the agent.\n"
        f"MaxHoldTime {cupsconf.MAX_HOLD_SECONDS}\n"
        "# The page log counts pages without document names or user names.\n"
        'PageLogFormat "%p %j %T %P %C"\n'
        f"{cupsconf.policy_block()}"
    )


def agent_argv(options: KioskOptions, policy_path: PurePosixPath | None) -> list[str]:
    """The agent's command line in its unit."""
    argv = [
        str(options.bin_dir / "epn-kiosk"),
        "agent",
        "--data-dir",
        str(options.data_dir),
        "--visitor",
        options.visitor,
        "--socket",
        str(AGENT_SOCKET),
        "--cups-socket",
        str(CUPS_SOCKET),
        "--print-approvals",
        str(APPROVALS),
        "--skeleton",
        str(SKELETON_DIR),
        # The browsers' policies follow each policy the console pushes.
        "--lockdown-root",
        "/",
        # LightDM logs the visitor in by itself only when it starts.
        "--display-manager",
        "lightdm.service",
    ]
    if policy_path is not None:
        argv += ["--policy", str(policy_path)]
    if options.pc_name:
        argv += ["--pc-name", options.pc_name]
    return argv


def sweep_argv(options: KioskOptions) -> list[str]:
    """The boot sweep's command line in its unit."""
    return [
        str(options.bin_dir / "epn-kiosk"),
        "sweep",
        "--data-dir",
        str(options.data_dir),
        "--visitor",
        options.visitor,
        "--skeleton",
        str(SKELETON_DIR),
        "--cups-socket",
        str(CUPS_SOCKET),
    ]


def update_argv(options: KioskOptions) -> list[str]:
    """The update runner's command line in its unit."""
    return [str(options.bin_dir / "epn-kiosk"), "update", "--data-dir", str(options.data_dir)]


def kiosk_plan(options: KioskOptions) -> Plan:
    """Everything a kiosk PC gets, in order."""
    if (options.console_url is None) != (options.pairing_code is None):
        raise InstallerError("--console-url and --pairing-code go together")
    actions: list[Action] = [
        MakeDir(
            options.data_dir,
            0o700,
            "the agent's store, wipe journal and console settings: root's only",
        ),
        MakeDir(
            options.data_dir / "secrets",
            0o700,
            "the keyring file with the console token (the agent refuses any other mode)",
        ),
        MakeDir(CONFIG_DIR, 0o755, "the kiosk's settings"),
        Account(
            options.visitor,
            AccountKind.REGULAR,
            options.visitor_home,
            PurePosixPath("/bin/bash"),
            "EPN visitor",
            "the one account every visitor's session runs as (regular, so that logind "
            "removes its IPC objects)",
        ),
        MakeDir(
            options.visitor_home,
            0o700,
            "the mount point of the visitor's fresh tmpfs home",
            options.visitor,
            options.visitor,
        ),
        *_skeleton(options),
    ]
    policy_path = None
    if options.policy_file is not None:
        name, content = options.policy_file
        policy_path = CONFIG_DIR / f"policy{PurePosixPath(name).suffix}"
        actions.append(WriteFile(policy_path, content, 0o644, "the EPN's own policy"))
    actions += _units(options, policy_path)
    actions += _lockdown(options)
    actions += _locales()
    actions += _display_manager()
    actions += _printing(options)
    actions += _enrollment(options)
    actions.append(
        Note("restart the PC: the sweep, the agent and the visitor's session start at boot")
    )
    return Plan(Role.KIOSK, options.version, tuple(actions))


def skeleton_files(options: KioskOptions) -> tuple[tuple[PurePosixPath, bytes], ...]:
    """What each fresh home holds: the packaged skeleton, and Chromium's NSS module list
    with the eID card's module (Chromium has no policy for it; it goes with the home)."""
    generated = (NSS_MODULE_LIST, nss_module_list(options.smartcard_module).encode())
    return (*(f for f in options.skeleton if f[0] != NSS_MODULE_LIST), generated)


def _skeleton(options: KioskOptions) -> list[Action]:
    actions: list[Action] = [MakeDir(SKELETON_DIR, 0o755, "what each fresh visitor home holds")]
    files = skeleton_files(options)
    folders = sorted({p.parent for p, _ in files if p.parent != PurePosixPath(".")})
    for folder in folders:
        for part in reversed(folder.parents[:-1]):
            actions.append(MakeDir(SKELETON_DIR / part, 0o755, "skeleton folder"))
        actions.append(MakeDir(SKELETON_DIR / folder, 0o755, "skeleton folder"))
    seen: set[PurePosixPath] = set()
    unique: list[Action] = []
    for action in actions:
        assert isinstance(action, MakeDir)
        if action.path not in seen:
            seen.add(action.path)
            unique.append(action)
    unique += [
        WriteFile(SKELETON_DIR / path, content, 0o644, "skeleton file")
        for path, content in sorted(files)
    ]
    return unique


def _units(options: KioskOptions, policy_path: PurePosixPath | None) -> list[Action]:
    agent = UNIT_DIR / AGENT_UNIT
    sweep = UNIT_DIR / SWEEP_UNIT
    update, timer = UNIT_DIR / UPDATE_UNIT, UNIT_DIR / UPDATE_TIMER
    return [
        WriteFile(
            agent,
            agent_unit(agent_argv(options, policy_path)).encode(),
            0o644,
            "the agent: as root, always restarted, watchdog",
        ),
        WriteFile(
            sweep,
            sweep_unit(sweep_argv(options)).encode(),
            0o644,
            "the boot sweep, before the login screen",
        ),
        WriteFile(
            update,
            update_unit(update_argv(options)).encode(),
            0o644,
            "the update from the console's repository, never during a visitor's session",
        ),
        WriteFile(timer, update_timer().encode(), 0o644, "a look for the update every 30 min"),
        Symlink(wants_link(AGENT_UNIT), agent, "start the agent at boot"),
        Symlink(wants_link(SWEEP_UNIT), sweep, "run the sweep at boot"),
        Symlink(wants_link(UPDATE_TIMER, "timers.target"), timer, "look for updates"),
        Command(
            ("systemctl", "daemon-reload"),
            "systemd reads the new units",
            When.ON_CHANGE,
            after=(agent, sweep, update, timer, *PROC_DROPINS),
            undo=("systemctl", "stop", UPDATE_TIMER, AGENT_UNIT, SWEEP_UNIT),
            on_uninstall=("systemctl", "daemon-reload"),
        ),
    ]


def _display_manager() -> list[Action]:
    """LightDM is the display manager, also where another one (Ubuntu's GDM) was: only its
    autologin runs the kiosk session. Uninstall puts the earlier one back."""
    return [
        WriteFile(
            DEFAULT_DM,
            b"/usr/sbin/lightdm\n",
            0o644,
            "LightDM is the display manager (its autologin starts the kiosk session)",
        ),
        Symlink(DM_LINK, LIGHTDM_UNIT, "systemd starts LightDM as the display manager"),
    ]


def _proc(options: KioskOptions) -> list[Action]:
    """``/proc`` hides other users' processes from the visitor, from the next boot on; logind
    and polkit, put in a group by drop-ins, still see them all."""
    account = Account(
        PROC_GROUP,
        AccountKind.SYSTEM,
        PurePosixPath("/nonexistent"),
        PurePosixPath("/usr/sbin/nologin"),
        "EPN Kiosk, sees every process",
        "the group that logind and polkit join to see every process under hidepid "
        "(the drop-ins that name it need it to exist)",
    )
    block = ManagedBlock(
        FSTAB,
        proc_fstab_line(),
        "a visitor sees only their own processes and command lines (from the next boot)",
    )
    if _mounts_proc(options.fstab, block):
        return [
            account,
            Note(
                "/etc/fstab already has a line for /proc: add "
                f"hidepid=invisible,gid={PROC_GROUP} to its options, so that a visitor "
                "cannot see other users' processes and their command lines",
            ),
        ]
    return [account, block]


def _mounts_proc(fstab: str, block: ManagedBlock) -> bool:
    """Whether ``fstab`` mounts ``/proc`` outside the installer's own block."""
    inside = False
    for raw in fstab.splitlines():
        line = raw.strip()
        if line == block.begin.strip():
            inside = True
        elif line == block.end.strip():
            inside = False
        elif not inside and line and not line.startswith("#"):
            fields = line.split()
            if len(fields) > 1 and fields[1] == "/proc":
                return True
    return False


def _lockdown(options: KioskOptions) -> list[Action]:
    # The X session's program restarts the shell when it dies (kiosk/shell/supervisor.py).
    # Openbox first (kiosk/shell/wm.py): without a window manager programs cover the bar.
    shell = (
        f"{options.bin_dir / 'epn-kiosk'} session --socket {AGENT_SOCKET}"
        f" --window-manager {OPENBOX_RC}"
    )
    files = lockdown_files(
        options.policy,
        options.visitor,
        options.visitor_home,
        installed=options.installed_apps,
        shell_command=shell,
    )
    actions: list[Action] = [
        *_proc(options),
        *(WriteFile(f.path, f.content.encode("utf-8"), f.mode, "lockdown") for f in files),
    ]
    dconf = (DCONF_PROFILE, DCONF_KEYFILE, DCONF_LOCKS)
    for action in lockdown_actions():
        argv = action.command
        if argv[0] == "dconf":
            actions.append(
                Command(argv, action.why, When.ON_CHANGE, after=dconf, on_uninstall=argv)
            )
        elif argv[0] == "sysctl":
            actions.append(
                Command(argv, action.why, When.ON_CHANGE, after=(SYSCTL_CONF,), on_uninstall=argv)
            )
        elif argv[:2] == ("systemctl", "mask"):
            actions.append(Command(argv, action.why, undo=("systemctl", "unmask", *argv[2:])))
        else:
            actions.append(Command(argv, action.why))
    return actions


def _locales() -> list[Action]:
    """The visitors' locales (fr_BE, nl_BE…): the shell starts programs in them; without
    them a program falls back to English (``kiosk/shell/locales.py``)."""
    return [
        ManagedBlock(
            LOCALE_GEN,
            "".join(f"{line}\n" for line in wanted_locales()),
            "the locales of the languages a visitor can choose",
        ),
        Command(
            ("locale-gen",),
            "make those locales",
            When.ON_CHANGE,
            after=(LOCALE_GEN,),
        ),
    ]


def _printing(options: KioskOptions) -> list[Action]:
    actions: list[Action] = [
        WriteFile(
            GATE_BACKEND,
            options.gate_backend,
            0o700,
            "the gated backend: prints only what the agent approved (0700: CUPS runs it as root)",
        ),
        *(
            [
                WriteFile(
                    WAKE_NOTIFIER,
                    options.wake_notifier,
                    0o755,
                    "the notifier that tells the agent at once when a print job comes",
                )
            ]
            if options.wake_notifier
            else []
        ),
        ManagedBlock(CUPSD_CONF, block_text(), "the hardened printing policy"),
        Command(
            ("systemctl", "restart", "cups.service"),
            "CUPS reads its new configuration",
            When.ON_CHANGE,
            after=(CUPSD_CONF,),
            on_uninstall=("systemctl", "restart", "cups.service"),
        ),
    ]
    if options.printer_uri is None:
        actions.append(
            Note(
                "no printer queue yet: the PC makes it when the console chooses the room's "
                "printer; or give --printer-uri (see `lpinfo -v` for the printer's address, "
                "e.g. ipp://192.168.1.20/ipp/print) to make it now"
            )
        )
        return actions
    actions += [
        Command(
            cupsconf.queue_command(options.printer_uri),
            "the visitors' queue: every job held until the agent approves it",
            undo=("lpadmin", "-x", cupsconf.QUEUE_NAME),
        ),
        Command(cupsconf.DEFAULT_COMMAND, "the visitors' programs print there"),
    ]
    return actions


def _enrollment(options: KioskOptions) -> list[Action]:
    if options.console_url is None or options.pairing_code is None:
        return [
            Note(
                "not enrolled with a console: on the console run `epn-console pairing-code`, "
                "then here again with --console-url and --pairing-code"
            )
        ]
    argv = [
        str(options.bin_dir / "epn-kiosk"),
        "enroll",
        options.console_url,
        options.pairing_code,
        "--data-dir",
        str(options.data_dir),
    ]
    if options.pc_name:
        argv += ["--name", options.pc_name]
    if options.fingerprint:
        argv += ["--expect-fingerprint", options.fingerprint]
    return [Command(tuple(argv), "join the console with the one-time pairing code")]
