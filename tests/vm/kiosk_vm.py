"""The kiosk package on a real Debian 12 (or Ubuntu 24.04) with systemd, in a QEMU machine.

What it proves: ``apt install ./epn-kiosk_*_amd64.deb`` on a fresh Debian 12, with PyPI
closed to the machine, sets the PC up (the virtual environment the package carries, and
the postinst's ``python -m installer kiosk``), and after a reboot:
the agent and the boot sweep run under systemd (the sweep done before LightDM starts), the
watchdog restarts a stopped or killed agent, LightDM logs ``epn-visitor`` into the kiosk
session with the shell connected to the agent, CUPS holds the ``kiosk`` queue's jobs behind
the gated backend, the lockdown is in place, a visitor session that ends is wiped and
LightDM logs the next visitor in again; ``apt remove epn-kiosk`` takes it away again.

Run as root on a Debian 12 host with the packages' build tools (``installer/dev.sh``; it
downloads Debian packages, and PyPI wheels for the build; minutes); keep
``--work`` out of /tmp and /var/tmp, which the wipe tests search::

    .venv/bin/python tests/vm/kiosk_vm.py --work /srv/epn-vm
    .venv/bin/python tests/vm/kiosk_vm.py --distro ubuntu-24.04 --work /srv/epn-vm-noble

The base image (debootstrap: a Debian 12 with X, Firefox and CUPS, plus the package's Debian
dependencies unless ``--bare``, and the host's local CA certificates when it has any) is
kept in ``--work`` for the next runs; each run boots a fresh copy-on-write overlay of it.
Inside the machine, PyPI's names lead nowhere (``/etc/hosts``): the package must install
with what it carries. Without a
usable KVM (a nested machine), QEMU emulates: about half an hour. The package is built from
the repository's ``HEAD`` (``--worktree`` for the files as they are; ``EPN_KIOSK_PROJECT``
names the repository when this file is a copy outside it). It prints one
``check: ok|FAILED`` line per check, saves a screenshot of the booted kiosk, and exits 1 when
a check failed. The whole guest log is kept in ``--work``/driver.log, the boot console in
console.log.

The same file runs inside the machine (``--guest``, started by a unit of the base image).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

PROJECT = Path(os.environ.get("EPN_KIOSK_PROJECT") or Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Distro:
    """What differs between the distributions the check runs on."""

    suite: str
    mirror: str
    security: str  # the security updates' archive line, without "deb "
    components: str
    kernel: str  # the kernel's package
    browsers: tuple[str, ...]  # in the base image (the kiosk package only recommends them)
    absent: tuple[str, ...]  # the package's alternatives the archive does not have
    keyring: str | None = None  # debootstrap's --keyring on a Debian host


DISTROS = {
    "debian-12": Distro(
        suite="bookworm",
        mirror="http://deb.debian.org/debian",
        security="http://deb.debian.org/debian-security bookworm-security main",
        components="main",
        kernel="linux-image-amd64",
        browsers=("firefox-esr",),
        absent=(),
    ),
    # Firefox and Chromium are snaps there (no firefox-esr, chromium): no browser.
    "ubuntu-24.04": Distro(
        suite="noble",
        mirror="http://archive.ubuntu.com/ubuntu",
        security="http://archive.ubuntu.com/ubuntu noble-security main universe",
        components="main universe",
        kernel="linux-image-extra-virtual",  # with the bochs DRM driver (-vga std)
        browsers=(),
        absent=("firefox-esr", "chromium"),
        keyring="/usr/share/keyrings/ubuntu-archive-keyring.gpg",
    ),
}


def guest_distro() -> Distro:
    """The distribution this machine runs (by /etc/os-release's codename)."""
    release = Path("/etc/os-release").read_text()
    codename = re.search(r"^VERSION_CODENAME=\"?(\w+)", release, re.MULTILINE)
    for distro in DISTROS.values():
        if codename and distro.suite == codename[1]:
            return distro
    return DISTROS["debian-12"]


# A desktop PC as an EPN has one (X server, a browser, CUPS; the kernel and the browser per
# distribution); what the kiosk package needs on top of it (LightDM, compilers, dconf...)
# comes from its Depends.
BASE_PACKAGES = (
    "systemd-sysv",
    "udev",
    "dbus",
    "libpam-systemd",
    "dbus-user-session",
    "ca-certificates",
    "iproute2",
    "python3",
    "xserver-xorg-core",
    "xserver-xorg-input-libinput",
    "x11-xserver-utils",
    "xauth",
    "cups",
    "fonts-dejavu-core",
    "procps",
    "less",
)
PRINTER_URI = "socket://127.0.0.1:9100"
# Open all day every day: a walk-in session starts whatever the day and hour of the run.
POLICY_PATH = "/root/epn-vm-policy.yaml"
POLICY = "opening_hours:\n" + "".join(
    f"  {day}: [{{opens: '00:00', closes: '23:59:59'}}]\n"
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
INSTALLER_ARGS = f"--printer-uri {PRINTER_URI} --pc-name VM-01 --policy {POLICY_PATH}"
AGENT_UNIT = "epn-kiosk-agent.service"
SWEEP_UNIT = "epn-kiosk-sweep.service"
VISITOR = "epn-visitor"
SHELL_LOG_ID = "epn-kiosk-shell"  # the session's systemd-cat --identifier
QUEUE = "kiosk"
GUEST_DIR = "/mnt/epn"
PYPI_NAMES = ("pypi.org", "files.pythonhosted.org")
"""What pip would reach: closed in the machine, the package installs with what it carries."""
DRIVER_UNIT = """[Unit]
Description=EPN Kiosk VM check (tests/vm/kiosk_vm.py --guest)
After=multi-user.target network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStartPre=/bin/mkdir -p /mnt/epn
ExecStartPre=/bin/mount -o ro /dev/vdb /mnt/epn
ExecStart=/usr/bin/python3 /mnt/epn/kiosk_vm.py --guest
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
"""
NETWORK = "[Match]\nName=en*\n\n[Network]\nDHCP=yes\n"
MARK = "@@"


def _lightdm_writes_home_authority() -> bool:
    """Whether the kiosk's LightDM file leaves the X authority in the home (the option is
    read in the ``[LightDM]`` section only)."""
    conf = Path("/etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf")
    section = ""
    for raw in conf.read_text().splitlines() if conf.exists() else []:
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif (
            section == "[LightDM]" and line.replace(" ", "") == "user-authority-in-system-dir=true"
        ):
            return False
    return True


WORKAROUNDS = {
    # At login the visitor's home is the empty mount point, root's and 0755 (the agent mounts
    # the tmpfs home later): LightDM cannot write ~/.Xauthority there and ends the session.
    "/etc/lightdm/lightdm.conf.d/60-epn-vm-workaround.conf": (
        _lightdm_writes_home_authority,
        "[LightDM]\nuser-authority-in-system-dir=true\n",
        "50-epn-kiosk.conf has no user-authority-in-system-dir=true in [LightDM]: the "
        "autologin session fails (cannot write /home/epn-visitor/.Xauthority)",
    ),
}


# ---------------------------------------------------------------------------------------
# Inside the machine
# ---------------------------------------------------------------------------------------


class Guest:
    """Runs the install (first boot) and the checks (second boot), reporting on ttyS1."""

    def __init__(self) -> None:
        self.tty: IO[str] = open("/dev/ttyS1", "w", buffering=1)  # noqa: SIM115
        self.log: IO[str] = open("/var/log/epn-vm.log", "a", buffering=1)  # noqa: SIM115

    def say(self, line: str) -> None:
        for stream in (self.tty, self.log):
            stream.write(line + "\n")

    def mark(self, kind: str, *words: object) -> None:
        self.say(" ".join([MARK + kind, *(str(w) for w in words)]))

    def result(self, name: str, ok: bool, detail: str) -> None:
        self.mark("RESULT", name, "ok" if ok else "FAILED", detail.replace("\n", " | "))

    def sh(self, command: str, timeout: float = 600, show: bool = True) -> tuple[int, str]:
        """Run a shell command; its output goes to the log (``show``) and is returned."""
        try:
            done = subprocess.run(
                command,
                shell=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive", "SYSTEMD_PAGER": ""},
            )
            code, output = done.returncode, (done.stdout + done.stderr).rstrip()
        except subprocess.TimeoutExpired as exc:
            code, output = 124, f"timed out after {exc.timeout} s"
        if show:
            self.say(f"$ {command}   [exit {code}]")
            for line in output.splitlines():
                self.say(f"  {line}")
        return code, output

    def value(self, command: str) -> str:
        return self.sh(command, show=False)[1].strip()

    def run(self) -> None:
        stage_file = Path("/var/lib/epn-vm/stage")
        stage = stage_file.read_text().strip() if stage_file.exists() else ""
        self.mark("STAGE", stage or "first-boot")
        if stage == "":
            ok = self.install()
            stage_file.parent.mkdir(parents=True, exist_ok=True)
            if not ok:
                stage_file.write_text("failed\n")
                self.mark("DONE")
                self.sh("systemctl poweroff --no-block")
                return
            stage_file.write_text("installed\n")
            self.mark("REBOOT")
            self.sh("systemctl reboot --no-block")
        elif stage == "installed":
            stage_file.write_text("checked\n")
            try:
                self.checks()
            except Exception:
                self.say(traceback.format_exc())
                self.result("checks", False, "the checks stopped: see the guest log")
                raise
            finally:
                self.mark("DONE")
                self.sh("systemctl poweroff --no-block")

    def install(self) -> bool:
        self.sh("uname -a; cat /etc/debian_version; ps -p 1 -o comm=")
        mirror = guest_distro().mirror.split("/")[2]
        code, _ = self.sh(f"getent hosts {mirror}")
        self.result("network", code == 0, "guest resolves the Debian mirror")
        # PyPI closed: its names lead to an address where nothing answers, so an install
        # that still reached for it would fail here.
        with open("/etc/hosts", "a") as hosts:
            hosts.write("".join(f"127.0.0.9 {name}\n" for name in PYPI_NAMES))
        code, output = self.sh(f"getent hosts {' '.join(PYPI_NAMES)}")
        self.result("pypi-closed", code == 0 and "127.0.0.9" in output, output.strip())
        debs = sorted(Path(GUEST_DIR).glob("epn-kiosk_*_amd64.deb"))
        if not debs:
            self.result("install", False, "no epn-kiosk_*_amd64.deb on the payload disk")
            return False
        deb = Path("/root") / debs[-1].name
        shutil.copyfile(debs[-1], deb)
        self.sh("apt-get update -q", timeout=600)
        started = time.monotonic()
        code, output = self.sh(f"cd /root && apt-get install -y -q ./{deb.name}", timeout=2400)
        seconds = time.monotonic() - started
        self.mark("FIGURE", "apt_install_seconds", f"{seconds:.0f}")
        tail = " | ".join(output.splitlines()[-4:])
        self.result("apt-install", code == 0, f"apt-get install ./{deb.name}: exit {code}: {tail}")
        if code != 0:
            return False
        # The EPN's options, as the install guide says, then the package once more (what an
        # update does: the postinst runs the installer with /etc/default/epn-kiosk).
        Path(POLICY_PATH).write_text(POLICY)
        self.sh(
            "sed -i 's|^INSTALLER_ARGS=.*|INSTALLER_ARGS=\"" + INSTALLER_ARGS + "\"|' "
            "/etc/default/epn-kiosk && grep ^INSTALLER_ARGS /etc/default/epn-kiosk"
        )
        code, output = self.sh(
            f"cd /root && apt-get install -y -q --reinstall ./{deb.name}", timeout=1200
        )
        queue = self.value(f"lpstat -v {QUEUE} 2>&1")
        self.result(
            "apt-reinstall-with-options",
            code == 0 and "epn-gate" in queue,
            f"exit {code}; lpstat -v: {queue}",
        )
        self.sh(
            "/opt/epn-kiosk/venv/bin/python -m installer kiosk --bin-dir "
            f"/opt/epn-kiosk/venv/bin {INSTALLER_ARGS} | tail -3"
        )
        for path, (needed, text, why) in WORKAROUNDS.items():
            if needed():
                Path(path).write_text(text)
                self.mark("WORKAROUND", path, why)
        # Only for the figure: the shell prints when it first painted its window.
        Path("/etc/X11/Xsession.d/01epn-vm-marker").write_text(
            "export EPN_KIOSK_FIRST_SCREEN_MARKER=1\n"
        )
        self.sh("cat /etc/X11/default-display-manager; systemctl get-default")
        return code == 0

    def wait_for_shell(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.value(
                f"pgrep -u {VISITOR} -f 'python[0-9.]* [^ ]*epn-kiosk shell' | head -1"
            )
            if pid:
                return pid
            time.sleep(1)
        return ""

    def first_screen(self, timeout: float) -> str:
        """The shell's ``first-screen <monotonic>`` line of this boot (its session's output
        goes to the journal), waited for up to ``timeout`` seconds; "" if none came."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            marker = self.value(
                f"journalctl -b -t {SHELL_LOG_ID} -o cat --no-pager "
                "| grep -o 'first-screen [0-9.]*' | head -1"
            )
            if marker:
                return marker
            time.sleep(1)
        return ""

    def checks(self) -> None:
        shell_pid = self.wait_for_shell(240)
        self.sh("systemd-analyze; systemd-analyze critical-chain graphical.target | head -20")
        self.sh("systemctl --failed --no-legend")
        # The screenshot once the shell says its first screen is painted (it takes a while
        # in an emulated machine); a shell that dies at once is not the shell.
        marker = self.first_screen(240) if shell_pid else ""
        first = shell_pid
        shell_pid = self.wait_for_shell(30)
        if shell_pid and shell_pid == first:
            try:
                ticks = os.sysconf("SC_CLK_TCK")
                stat = Path(f"/proc/{shell_pid}/stat").read_text()
                start = int(stat.rsplit(")", 1)[1].split()[19])
                self.mark(
                    "FIGURE", "shell_process_started_s_after_kernel_start", f"{start / ticks:.1f}"
                )
                if marker:
                    self.mark(
                        "FIGURE",
                        "shell_first_painted_s_after_kernel_start",
                        f"{float(marker.split()[1]):.1f}",
                    )
            except (OSError, ValueError, IndexError) as exc:
                self.say(f"  no figure for the shell's start: {exc!r}")
        if shell_pid != first or not shell_pid or not marker:
            self.say(
                f"  shell pid first {first or '-'}, then {shell_pid or '-'}; "
                f"{marker or 'no first-screen line'}"
            )
            self.sh(
                "journalctl -b --no-pager -o short-monotonic | grep -v -E 'kernel:|audit' "
                "| sed -n '/Starting lightdm/,$p' | head -150; "
                "tail -50 /var/log/lightdm/lightdm.log; "
                "tail -50 /var/log/lightdm/x-0.log; "
                f"journalctl -b -t {SHELL_LOG_ID} --no-pager | tail -n 50"
            )
        self.mark("SCREENSHOT")
        time.sleep(6)
        for name, check in (
            ("1-version", self.check_version),
            ("1-units", self.check_units),
            ("3-autologin", lambda: self.check_session(shell_pid)),
            ("5-cups", self.check_cups),
            ("6-lockdown", self.check_lockdown),
            ("4-relogin-after-session", self.check_relogin),
            ("2-watchdog", self.check_watchdog),
            ("7-remove", self.check_remove),
        ):
            try:
                check()
            except Exception as exc:
                self.result(name, False, f"the check itself failed: {exc!r}")

    def check_version(self) -> None:
        """The installed command says the version of the package that installed it."""
        package = self.value("dpkg-query -W -f='${Version}' epn-kiosk")
        code, said = self.sh("/opt/epn-kiosk/venv/bin/epn-kiosk --version")
        self.result(
            "1-version",
            code == 0 and bool(package) and said.strip() == f"epn-kiosk {package}",
            f"epn-kiosk --version: {said.strip()!r} (exit {code}); dpkg: epn-kiosk {package}",
        )

    def check_units(self) -> None:
        self.sh(f"systemctl status --no-pager {AGENT_UNIT} {SWEEP_UNIT} | head -40")
        agent = self.value(f"systemctl is-active {AGENT_UNIT}")
        sweep = self.value(f"systemctl is-active {SWEEP_UNIT}")
        sweep_result = self.value(f"systemctl show -p Result,ExecMainStatus --value {SWEEP_UNIT}")
        self.result(
            "1-units-active",
            agent == "active" and sweep == "active" and sweep_result.split() == ["success", "0"],
            f"agent {agent}, sweep {sweep} ({' '.join(sweep_result.split())})",
        )
        props = (
            "ExecMainStartTimestampMonotonic,ExecMainExitTimestampMonotonic,"
            "ActiveEnterTimestampMonotonic"
        )
        self.sh(f"systemctl show -p {props} {SWEEP_UNIT} lightdm.service {AGENT_UNIT}")
        sweep_exit = int(
            self.value(f"systemctl show -p ExecMainExitTimestampMonotonic --value {SWEEP_UNIT}")
            or 0
        )
        dm_start = int(
            self.value("systemctl show -p ExecMainStartTimestampMonotonic --value lightdm.service")
            or 0
        )
        agent_ready = int(
            self.value(f"systemctl show -p ActiveEnterTimestampMonotonic --value {AGENT_UNIT}") or 0
        )
        self.result(
            "1-sweep-before-lightdm",
            0 < sweep_exit < dm_start,
            f"sweep exited at {sweep_exit / 1e6:.3f} s, lightdm started at {dm_start / 1e6:.3f} s, "
            f"agent ready at {agent_ready / 1e6:.3f} s (monotonic)",
        )
        self.result(
            "1-agent-ready-before-lightdm",
            0 < agent_ready <= dm_start,
            f"agent READY {agent_ready / 1e6:.3f} s, lightdm {dm_start / 1e6:.3f} s",
        )

    def check_session(self, shell_pid: str) -> None:
        self.sh("loginctl list-sessions --no-legend")
        session = self.value(
            f"loginctl list-sessions --no-legend | awk '$3 == \"{VISITOR}\" {{print $1}}' | head -1"
        )
        info = {}
        if session:
            _, text = self.sh(f"loginctl show-session {session}")
            info = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        self.sh(f"ps -o pid,user,etimes,args -u {VISITOR}")
        self.sh("grep -i -E 'autologin|session' /var/log/lightdm/lightdm.log | tail -15")
        self.sh(f"journalctl -b -u {AGENT_UNIT} --no-pager | tail -40")
        self.sh(
            f"ls -la /home/{VISITOR}; findmnt /home/{VISITOR}; "
            f"journalctl -b -t {SHELL_LOG_ID} --no-pager | tail -n 20"
        )
        user = self.value(f"ps -o user= -p {shell_pid}") if shell_pid else ""
        args = self.value(f"ps -o args= -p {shell_pid}") if shell_pid else ""
        ok = (
            bool(shell_pid)
            and user == VISITOR
            and info.get("Type") == "x11"
            and info.get("Service") == "lightdm-autologin"
            and info.get("State") == "active"
        )
        self.result(
            "3-autologin",
            ok,
            f"session {session or '-'} Type={info.get('Type')} Service={info.get('Service')} "
            f"State={info.get('State')} Desktop={info.get('Desktop')}; shell pid "
            f"{shell_pid or '-'} as {user or '-'}: {args}",
        )
        peers = str(self.connections(shell_pid))
        self.result(
            "3-shell-connected",
            peers not in ("", "0"),
            f"unix connections of the shell to /run/epn-kiosk/kiosk.sock: {peers}",
        )

    def visitor_sessions(self) -> list[str]:
        """The visitor's logind sessions still active."""
        listed = self.value(
            f"loginctl list-sessions --no-legend | awk '$3 == \"{VISITOR}\" {{print $1}}'"
        )
        return [
            session
            for session in listed.split()
            if self.value(f"loginctl show-session -p State --value {session}") == "active"
        ]

    def check_relogin(self) -> None:
        """As the visitor, a walk-in session started and ended on the agent's socket: the
        wipe stops the visitor's X session, the agent restarts LightDM, LightDM logs the
        visitor in again and a new shell connects."""
        old_pid = self.wait_for_shell(30)
        old_sessions = self.visitor_sessions()
        since = self.value("date '+%Y-%m-%d %H:%M:%S'")
        script = (
            "import time; from pathlib import Path; "
            f"import sys; sys.path.insert(0, '{GUEST_DIR}'); "
            "from kiosk_agent import ShellClient; "
            "c = ShellClient(Path('/run/epn-kiosk/kiosk.sock'), timeout=60); "
            "print('hello', c.hello().state.value, flush=True); "
            "print('active', c.start_session().state.value, flush=True); "
            "print('ending_at', time.monotonic(), flush=True); "
            "print('end_session', c.request('end_session').ok, flush=True)"
        )
        before = time.monotonic()
        code, output = self.sh(
            f'cd / && runuser -u {VISITOR} -- /opt/epn-kiosk/venv/bin/python -c "{script}"',
            timeout=180,
        )
        ending = re.search(r"^ending_at ([0-9.]+)$", output, re.MULTILINE)
        ended_at = float(ending[1]) if ending else before
        new_pid, connected_at = "", 0.0
        while time.monotonic() - ended_at < 240:
            pid = self.wait_for_shell(1)
            if pid and pid != old_pid and self.connections(pid) > 0:
                new_pid, connected_at = pid, time.monotonic()
                break
            time.sleep(1)
        seconds = connected_at - ended_at if new_pid else time.monotonic() - ended_at
        new_sessions = self.visitor_sessions()
        self.sh(
            f"journalctl -u {AGENT_UNIT} --since '{since}' --no-pager -o short-monotonic "
            "| grep -E 'session|wipe|display_manager|shell_' | cut -c1-300 | head -40; "
            f"journalctl -u lightdm.service --since '{since}' --no-pager | tail -15; "
            f"loginctl list-sessions --no-legend; ps -o pid,user,etimes,args -u {VISITOR}"
        )
        restarted = self.value(
            f"journalctl -u {AGENT_UNIT} --since '{since}' --no-pager -o cat "
            "| grep -c display_manager_restarted"
        )
        fresh = [s for s in new_sessions if s not in old_sessions]
        if new_pid:
            self.mark("FIGURE", "relogin_end_session_to_new_shell_connected_s", f"{seconds:.1f}")
            time.sleep(10)  # let it paint
            self.mark("SCREENSHOT", "relogin")
            time.sleep(6)
        self.result(
            "4-relogin-after-session",
            "active active" in output
            and ending is not None
            and bool(new_pid)
            and bool(fresh)
            and restarted not in ("", "0"),
            f"client exit {code} ({' '.join(output.split()[-6:])}); shell {old_pid or '-'} -> "
            f"{new_pid or '-'} connected {seconds:.1f} s after end_session; sessions "
            f"{old_sessions} -> {new_sessions}; display_manager_restarted x{restarted or 0}",
        )

    def connections(self, pid: str) -> int:
        """The shell's connections to the agent's socket (``ss``: the agent's end shows the
        socket's path, the shell's end is its peer)."""
        if not pid:
            return 0
        _, text = self.sh("ss -xpn", show=False)
        agent_peers: set[str] = set()
        shell_ends: set[str] = set()
        for line in text.splitlines():
            fields = line.split()
            if len(fields) < 8 or fields[0] != "u_str":
                continue
            if fields[4] == "/run/epn-kiosk/kiosk.sock" and fields[1] == "ESTAB":
                agent_peers.add(fields[7])
            if f"pid={pid}," in line:
                shell_ends.add(fields[5])
        self.say(f"  shell {pid}: agent peers {sorted(agent_peers)}, shell {sorted(shell_ends)}")
        return len(agent_peers & shell_ends)

    def check_cups(self) -> None:
        self.sh("lpstat -t")
        _, options = self.sh(f"lpoptions -p {QUEUE}")
        _, attrs = self.sh(
            f"ipptool -tv ipp://localhost/printers/{QUEUE} get-printer-attributes.test "
            "| grep -E 'job-hold-until-default|printer-op-policy|device-uri' "
            "|| lpstat -l -p kiosk"
        )
        code, test = self.sh("cupsd -t")
        backend = self.value("stat -c '%a %U:%G %n' /usr/lib/cups/backend/epn-gate")
        self.sh("sed -n '/BEGIN EPN Kiosk/,/END EPN Kiosk/p' /etc/cups/cupsd.conf | head -30")
        uri = self.value(f"lpstat -v {QUEUE}")
        hold = re.search(r"job-hold-until(-default)?=indefinite", options) is not None or (
            "job-hold-until-default" in attrs and "indefinite" in attrs
        )
        ok = hold and code == 0 and backend.startswith("700 root:") and "epn-gate:" in uri
        self.result(
            "5-cups",
            ok,
            f"{uri}; hold-by-default {hold}; cupsd -t exit {code} ({test[-60:]}); "
            f"backend {backend}",
        )
        # A job is held, never sent to the printer on its own; outside a visitor's session
        # the agent cancels it at once ("no session").
        _, sent = self.sh(f"echo 'epn vm test page' | lp -d {QUEUE} -t vm-check")
        job = sent.split()[3] if sent.startswith("request id is") else "?"
        number = job.rsplit("-", 1)[-1]
        outcome = ""
        for _ in range(20):
            time.sleep(1)
            held = self.value(f"lpstat -o {QUEUE} -l | grep -A3 '^{job} ' | grep -i held")
            cancelled = self.value(
                f"journalctl -b -u {AGENT_UNIT} --no-pager -o cat | grep print_cancelled "
                f"| grep '\"job\": {number},'"
            )
            if held or cancelled:
                outcome = held or cancelled
                break
        state = self.value(f"lpstat -p {QUEUE}")
        completed = self.value(f"lpstat -W completed -o {QUEUE} | grep -c '^{job} '")
        self.result(
            "5-job-held",
            bool(outcome) and completed in ("", "0"),
            f"{job}: {outcome or 'neither held nor cancelled'}; printed: {completed}; {state}",
        )
        self.sh(f"cancel -a {QUEUE}")

    def check_lockdown(self) -> None:
        proc = self.value("findmnt -no OPTIONS /proc")
        self.sh("findmnt /proc; grep -E '^[^#]*[[:space:]]/proc[[:space:]]' /etc/fstab")
        self.result(
            "6-proc-hidepid",
            "hidepid=" in proc and "hidepid=0" not in proc,
            f"findmnt /proc: {proc}",
        )
        sysrq = self.value("sysctl -n kernel.sysrq")
        core = self.value("sysctl -n kernel.core_pattern")
        self.result("6-sysrq", sysrq == "0", f"kernel.sysrq = {sysrq}; core_pattern = {core}")
        cad = self.value("systemctl is-enabled ctrl-alt-del.target")
        self.result("6-ctrl-alt-del", cad == "masked", f"ctrl-alt-del.target: {cad}")
        self.sh("ls -l /etc/dconf/db/; cat /etc/dconf/profile/user")
        dconf = self.value(
            "test -s /etc/dconf/db/local && "
            "runuser -u nobody -- env HOME=/tmp DCONF_PROFILE=/etc/dconf/profile/user "
            "dconf read /org/gnome/desktop/lockdown/disable-command-line 2>/dev/null"
        )
        self.result(
            "6-dconf",
            dconf == "true",
            f"/etc/dconf/db/local compiled; disable-command-line read back: {dconf}",
        )
        policies = [
            "/etc/firefox/policies/policies.json",
            "/usr/lib/firefox-esr/distribution/policies.json",
            "/etc/chromium/policies/managed/epn-kiosk.json",
        ]
        found = []
        for path in policies:
            try:
                data = json.loads(Path(path).read_text())
                found.append(f"{path} ({len(data.get('policies', data))} keys)")
            except (OSError, ValueError) as exc:
                found.append(f"{path}: {exc}")
        self.result("6-browser-policies", all("keys)" in f for f in found), "; ".join(found))
        self.sh(
            "cat /etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf; "
            "cat /usr/share/xsessions/epn-kiosk.desktop; "
            "cat /etc/systemd/logind.conf.d/epn-kiosk.conf | grep -v '^#'"
        )

    def _restarted(self, old: str, timeout: float) -> tuple[str, float]:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            pid = self.value(f"systemctl show -p MainPID --value {AGENT_UNIT}")
            state = self.value(f"systemctl is-active {AGENT_UNIT}")
            if pid not in ("", "0", old) and state == "active":
                return pid, time.monotonic() - started
            time.sleep(0.5)
        return "", time.monotonic() - started

    def _kill_and_wait(
        self, signal_name: str, pid: str, timeout: float, *, check: str, figure: str, lines: int
    ) -> str:
        """Send ``signal_name`` to the agent's ``pid``; the pid systemd started instead, or
        "" when none came within ``timeout``."""
        since = self.value("date '+%Y-%m-%d %H:%M:%S'")
        self.sh(f"kill -{signal_name} {pid}")
        new, waited = self._restarted(pid, timeout)
        self.sh(
            f"journalctl -u {AGENT_UNIT} --since '{since}' --no-pager -o short-monotonic "
            f"| grep -v -E 'INFO' | head -{lines}"
        )
        self.mark("FIGURE", figure, f"{waited:.1f}")
        self.result(
            check,
            bool(new),
            f"kill -{signal_name} {pid}: new main pid {new or '-'} active after {waited:.1f} s",
        )
        return new

    def check_watchdog(self) -> None:
        self.sh(f"systemctl show -p WatchdogUSec,Restart,RestartUSec,NRestarts {AGENT_UNIT}")
        old = self.value(f"systemctl show -p MainPID --value {AGENT_UNIT}")
        new = self._kill_and_wait(
            "STOP",
            old,
            180,
            check="2-watchdog-stop",
            figure="watchdog_stop_to_active_again_s",
            lines=20,
        )
        if not new:
            self.sh(f"kill -CONT {old}")
            return
        self._kill_and_wait(
            "9", new, 60, check="2-watchdog-kill9", figure="kill9_to_active_again_s", lines=12
        )
        time.sleep(8)
        shell = self.wait_for_shell(60)
        peers = str(self.connections(shell))
        self.sh(f"systemctl show -p NRestarts {AGENT_UNIT}; ps -o pid,user,args -u {VISITOR}")
        self.result(
            "2-shell-after-restarts",
            peers not in ("", "0"),
            f"shell pid {shell or '-'} connected again: {peers}",
        )

    def check_remove(self) -> None:
        code, output = self.sh("apt-get remove -y -q epn-kiosk", timeout=900)
        self.result(
            "7-apt-remove", code == 0, f"exit {code}: {' | '.join(output.splitlines()[-3:])}"
        )
        gone = {
            "agent unit": f"/etc/systemd/system/{AGENT_UNIT}",
            "sweep unit": f"/etc/systemd/system/{SWEEP_UNIT}",
            "agent link": f"/etc/systemd/system/multi-user.target.wants/{AGENT_UNIT}",
            "sweep link": f"/etc/systemd/system/multi-user.target.wants/{SWEEP_UNIT}",
            "lightdm conf": "/etc/lightdm/lightdm.conf.d/50-epn-kiosk.conf",
            "xsession": "/usr/share/xsessions/epn-kiosk.desktop",
            "sysctl conf": "/etc/sysctl.d/50-epn-kiosk.conf",
            "gate backend": "/usr/lib/cups/backend/epn-gate",
            "firefox policies": "/etc/firefox/policies/policies.json",
            "logind drop-in": "/etc/systemd/logind.conf.d/epn-kiosk.conf",
            "installer manifest": "/var/lib/epn-kiosk-installer/kiosk.json",
            "python environment": "/opt/epn-kiosk/venv",
        }
        left = [name for name, path in gone.items() if os.path.lexists(path)]
        queue_code, _queue = self.sh(f"lpstat -v {QUEUE}")
        block = self.value("grep -c 'EPN Kiosk' /etc/cups/cupsd.conf")
        cad = self.value("systemctl is-enabled ctrl-alt-del.target")
        agent = self.value(f"systemctl is-active {AGENT_UNIT}")
        if queue_code == 0:
            left.append("cups queue")
        if block not in ("", "0"):
            left.append("cupsd.conf block")
        if cad == "masked":
            left.append("ctrl-alt-del mask")
        if agent == "active":
            left.append("agent running")
        for account in (VISITOR, "epn-proc"):
            if self.value(f"getent passwd {account}"):
                left.append(f"account {account}")
        if self.value("grep -c 'EPN Kiosk' /etc/fstab") not in ("", "0"):
            left.append("fstab block")
        self.sh(
            "cupsd -t; findmnt -no OPTIONS /proc; sysctl kernel.sysrq; "
            "ls -la /var/lib/epn-kiosk-installer /var/lib/epn-kiosk /opt/epn-kiosk 2>&1; "
            f"getent passwd {VISITOR}; grep -n proc /etc/fstab; "
            "ls /etc/epn-kiosk /etc/dconf/db 2>&1; dpkg -l epn-kiosk | tail -1"
        )
        self.result(
            "7-removed",
            not left,
            "left after remove: " + (", ".join(left) if left else "none of the checked"),
        )


# ---------------------------------------------------------------------------------------
# On the host
# ---------------------------------------------------------------------------------------


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), check=True, text=True, **kwargs)


def ensure_tools() -> None:
    needed = {
        "debootstrap": "debootstrap",
        "qemu-system-x86_64": "qemu-system-x86",
        "qemu-img": "qemu-utils",
        "mkfs.ext4": "e2fsprogs",
        "dpkg-deb": "dpkg",
    }
    missing = sorted({pkg for tool, pkg in needed.items() if shutil.which(tool) is None})
    if missing:
        log(f"apt-get install {' '.join(missing)}")
        run(["apt-get", "install", "-y", "-q", *missing], stdout=subprocess.DEVNULL)


def chroot_install(rootfs: Path, packages: Sequence[str]) -> None:
    """apt-get install in the root file system, services kept from starting."""
    policy = rootfs / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    resolv = rootfs / "etc/resolv.conf"
    resolv.unlink(missing_ok=True)
    shutil.copyfile("/etc/resolv.conf", resolv)
    mounted: list[Path] = []
    try:
        for name in ("proc", "sys", "dev"):
            target = rootfs / name
            run(["mount", "--bind", f"/{name}", str(target)])
            mounted.append(target)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["chroot", str(rootfs), "apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        run(
            ["chroot", str(rootfs), "apt-get", "install", "-y", "-q", *packages],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        run(["chroot", str(rootfs), "apt-get", "clean"], env=env)
    finally:
        for target in reversed(mounted):
            subprocess.run(["umount", "-l", str(target)], check=False)
        policy.unlink()


def trust_like_host(rootfs: Path) -> None:
    """The host's own CA certificates, if it has any: behind a TLS-inspecting proxy, the
    machine reaches the Debian mirror only the way the host does."""
    local = Path("/usr/local/share/ca-certificates")
    certificates = sorted(local.glob("*.crt")) if local.is_dir() else []
    for certificate in certificates:
        target = rootfs / "usr/local/share/ca-certificates" / certificate.name
        shutil.copyfile(certificate, target)
    if certificates:
        run(["chroot", str(rootfs), "update-ca-certificates"], stdout=subprocess.DEVNULL)


def kiosk_depends(distro: Distro) -> list[str]:
    """The Debian packages the kiosk package depends on and recommends (first choices the
    archive has)."""
    sys.path.insert(0, str(PROJECT))
    from installer.deb import binary_fields, relations

    fields = binary_fields("epn-kiosk", PROJECT)
    chosen = []
    for dep in (*relations(fields["Depends"]), *relations(fields["Recommends"])):
        names = [choice.split("(")[0].strip() for choice in dep.split("|")]
        chosen += [name for name in names if name not in distro.absent][:1]
    return chosen


def base_image(work: Path, size: str, with_depends: bool, distro: Distro) -> Path:
    """The disk image every run starts from (made once)."""
    image = work / ("base.img" if with_depends else "base-bare.img")
    if image.exists():
        return image
    rootfs = work / ("rootfs" if with_depends else "rootfs-bare")
    if not (rootfs / "etc/debian_version").exists():
        log("debootstrap (once; a few minutes)")
        shutil.rmtree(rootfs, ignore_errors=True)
        packages = (distro.kernel, *BASE_PACKAGES, *distro.browsers)
        keyring = [f"--keyring={distro.keyring}"] if distro.keyring else []
        components = f"--components={distro.components.replace(' ', ',')}"
        include = f"--include={','.join(packages)}"
        run(
            ["debootstrap", include, components, *keyring, distro.suite, str(rootfs), distro.mirror]
        )
    (rootfs / "etc/apt/sources.list").write_text(
        f"deb {distro.mirror} {distro.suite} {distro.components}\n"
        f"deb {distro.mirror} {distro.suite}-updates {distro.components}\n"
        f"deb {distro.security}\n"
    )
    if with_depends:
        # Without KVM, unpacking them in the machine takes long; apt then only checks them.
        log("the kiosk package's Debian dependencies in the base image")
        chroot_install(rootfs, [distro.kernel, *kiosk_depends(distro)])
    trust_like_host(rootfs)
    (rootfs / "etc/hostname").write_text("epn-vm\n")
    (rootfs / "etc/hosts").write_text("127.0.0.1 localhost\n127.0.1.1 epn-vm\n")
    (rootfs / "etc/fstab").write_text("/dev/vda / ext4 defaults 0 1\n")
    resolv = rootfs / "etc/resolv.conf"
    resolv.unlink(missing_ok=True)
    resolv.write_text("nameserver 10.0.2.3\n")
    (rootfs / "etc/systemd/network/20-wired.network").write_text(NETWORK)
    system = rootfs / "etc/systemd/system"
    (system / "epn-vm-driver.service").write_text(DRIVER_UNIT)
    wants = system / "multi-user.target.wants"
    wants.mkdir(exist_ok=True)
    for unit, target in (
        ("epn-vm-driver.service", "/etc/systemd/system/epn-vm-driver.service"),
        ("systemd-networkd.service", "/lib/systemd/system/systemd-networkd.service"),
    ):
        link = wants / unit
        if not link.is_symlink():
            link.symlink_to(target)
    online = system / "network-online.target.wants"
    online.mkdir(exist_ok=True)
    link = online / "systemd-networkd-wait-online.service"
    if not link.is_symlink():
        link.symlink_to("/lib/systemd/system/systemd-networkd-wait-online.service")
    run(["chroot", str(rootfs), "passwd", "-d", "root"], stdout=subprocess.DEVNULL)
    for pattern, name in (("vmlinuz-*", "vmlinuz"), ("initrd.img-*", "initrd.img")):
        shutil.copyfile(sorted((rootfs / "boot").glob(pattern))[-1], work / name)
    log(f"mkfs.ext4 -d rootfs base.img ({size})")
    partial = work / "base.img.partial"
    partial.unlink(missing_ok=True)
    run(["mkfs.ext4", "-q", "-L", "epn-root", "-d", str(rootfs), str(partial), size])
    partial.rename(image)
    return image


def build_deb(work: Path, worktree: bool) -> Path:
    """The kiosk's package, from ``python -m installer.deb`` on HEAD (or the working tree)."""
    out = work / "dist"
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="epn-vm-src-") as tmp:
        source = PROJECT
        if not worktree:
            source = Path(tmp)
            subprocess.run(
                f"git -C {PROJECT} archive HEAD | tar -x -C {source}", shell=True, check=True
            )
        commit = subprocess.run(
            ["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        log(f"building the .deb from {'the working tree' if worktree else 'HEAD ' + commit}")
        done = run(
            [sys.executable, "-m", "installer.deb", "--out", str(out)],
            cwd=source,
            capture_output=True,
        )
    [deb] = [Path(line) for line in done.stdout.split() if Path(line).name.startswith("epn-kiosk_")]
    log(f"package {deb.name} ({deb.stat().st_size // 1024} KiB)")
    return deb


def payload_image(work: Path, deb: Path) -> Path:
    """A small disk with the package, this script and the tests' shell client (/dev/vdb in
    the machine)."""
    folder = work / "payload"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copyfile(deb, folder / deb.name)
    shutil.copyfile(Path(__file__), folder / "kiosk_vm.py")
    # The tests' shell client, to speak to the installed agent as a shell does.
    shutil.copyfile(PROJECT / "tests/helpers/kiosk_agent.py", folder / "kiosk_agent.py")
    image = work / "payload.img"
    image.unlink(missing_ok=True)
    run(["mkfs.ext4", "-q", "-d", str(folder), str(image), "256M"])
    return image


class Qmp:
    """A minimal QMP client (screendump, quit)."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(path))
        self.file = self.sock.makefile("rw", encoding="utf-8")
        self.file.readline()
        self.command("qmp_capabilities")

    def command(self, name: str, **arguments: object) -> dict[str, Any]:
        self.file.write(json.dumps({"execute": name, "arguments": arguments}) + "\n")
        self.file.flush()
        while True:
            reply: dict[str, Any] = json.loads(self.file.readline())
            if "return" in reply or "error" in reply:
                return reply

    def close(self) -> None:
        self.sock.close()


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if fields is None:
        raise ValueError(f"{path}: not a binary PPM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[fields.end() : fields.end() + width * height * 3]


def write_png(path: Path, width: int, height: int, rgb: bytes) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    stride = width * 3
    raw = b"".join(b"\0" + rgb[y * stride : (y + 1) * stride] for y in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


class Machine:
    """One QEMU process; its serial logs and QMP socket in ``work``."""

    def __init__(
        self, work: Path, disk: Path, payload: Path, memory: int, kvm: bool = True
    ) -> None:
        self.work = work
        self.qmp_path = work / "qmp.sock"
        self.qmp_path.unlink(missing_ok=True)
        self.console = work / "console.log"
        self.driver = work / "driver.log"
        for path in (self.console, self.driver):
            path.write_text("")
        argv = [
            "qemu-system-x86_64",
            "-m", str(memory),
            "-smp", "2",
            "-kernel", str(work / "vmlinuz"),
            "-initrd", str(work / "initrd.img"),
            "-append", "root=/dev/vda rw console=ttyS0",
            "-drive", f"file={disk},if=virtio,format=qcow2",
            "-drive", f"file={payload},if=virtio,format=raw,readonly=on",
            "-netdev", "user,id=n",
            "-device", "virtio-net-pci,netdev=n",
            "-vga", "std",
            "-display", "none",
            "-serial", f"file:{self.console}",
            "-serial", f"file:{self.driver}",
            "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
        ]  # fmt: skip
        # /dev/kvm without the CPU's virtualisation flag (a nested machine) hangs the guest.
        flags = Path("/proc/cpuinfo").read_text()
        self.accel = "kvm" if re.search(r"\b(vmx|svm)\b", flags) and kvm else "tcg"
        if self.accel == "kvm":
            self.proc = subprocess.Popen([*argv, "-enable-kvm", "-cpu", "host"])
            time.sleep(3)
        if self.accel == "tcg" or self.proc.poll() is not None:
            log("no usable KVM: TCG emulation (slow)")
            self.accel = "tcg"
            self.proc = subprocess.Popen([*argv, "-accel", "tcg,thread=multi", "-cpu", "max"])
            time.sleep(3)
        self.started = time.monotonic()
        log(f"qemu pid {self.proc.pid} ({self.accel})")
        self.qmp = Qmp(self.qmp_path)

    def screendump(self, png: Path | None = None) -> tuple[int, int, bytes]:
        ppm = self.work / "screen.ppm"
        reply = self.qmp.command("screendump", filename=str(ppm))
        if "error" in reply:
            raise RuntimeError(f"screendump: {reply['error']}")
        width, height, rgb = read_ppm(ppm)
        if png is not None:
            write_png(png, width, height, rgb)
        return width, height, rgb

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.qmp.command("quit")
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.qmp.close()


def drive(machine: Machine, screenshot: Path, timeout: float) -> tuple[list[str], list[str]]:
    """Follow the guest's report until it is done; the results and figures it gave."""
    results: list[str] = []
    figures: list[str] = []
    seen = 0
    boot2_at: float | None = None
    frames: list[tuple[float, bytes]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and machine.proc.poll() is None:
        lines = machine.driver.read_text(errors="replace").splitlines()
        for line in lines[seen:]:
            if not line.startswith(MARK):
                continue
            kind, _, rest = line[len(MARK) :].partition(" ")
            log(f"guest: {kind} {rest}")
            if kind == "RESULT":
                results.append(rest)
            elif kind == "FIGURE":
                figures.append(rest)
            elif kind == "SCREENSHOT" and rest.strip():
                named = screenshot.with_name(f"vm-kiosk-{rest.strip()}.png")
                width, height, _ = machine.screendump(named)
                log(f"screenshot {width}x{height} saved to {named}")
            elif kind == "SCREENSHOT":
                width, height, rgb = machine.screendump(screenshot)
                log(f"screenshot {width}x{height} saved to {screenshot}")
                shown = first_frame_like(frames, sample(rgb))
                if boot2_at is not None and shown is not None:
                    figures.append(
                        f"host_second_boot_kernel_to_shell_screen_s {shown - boot2_at:.0f}"
                    )
                frames = []
                boot2_at = None
            elif kind == "DONE":
                deadline = time.monotonic() + 120
        seen = len(lines)
        # Host side figure: the screen every second from the second boot's kernel on; the
        # first one that looks like the screenshot is when the shell's window showed.
        if boot2_at is None and not frames:
            console = machine.console.read_text(errors="replace")
            if console.count("Linux version") >= 2:
                boot2_at = time.monotonic()
        if boot2_at is not None:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                frames.append((time.monotonic(), sample(machine.screendump()[2])))
        time.sleep(1)
    if machine.proc.poll() is None and time.monotonic() >= deadline:
        results.append("driver FAILED the machine did not finish in time")
    return results, figures


def sample(rgb: bytes, step: int = 61) -> bytes:
    """Every ``step``-th pixel of a screen."""
    return b"".join(rgb[i : i + 3] for i in range(0, len(rgb) - 2, 3 * step))


def first_frame_like(frames: list[tuple[float, bytes]], final: bytes) -> float | None:
    """When the first frame with 95 % of its sampled pixels as in ``final`` was taken."""
    for taken, frame in frames:
        if len(frame) != len(final):
            continue
        same = sum(frame[i : i + 3] == final[i : i + 3] for i in range(0, len(final), 3))
        if same * 3 >= 0.95 * len(final):
            return taken
    return None


def host_main(args: argparse.Namespace) -> int:
    if os.geteuid() != 0:
        print("kiosk_vm: run it as root (debootstrap, mkfs, qemu with KVM)", file=sys.stderr)
        return 2
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    ensure_tools()
    base = base_image(work, args.disk_size, not args.bare, DISTROS[args.distro])
    deb = build_deb(work, args.worktree)
    payload = payload_image(work, deb)
    overlay = work / "run.qcow2"
    overlay.unlink(missing_ok=True)
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", str(base), "-F", "raw", str(overlay)])
    started = time.monotonic()
    machine = Machine(work, overlay, payload, args.memory, kvm=not args.no_kvm)
    try:
        results, figures = drive(machine, args.screenshot, args.timeout)
    finally:
        machine.stop()
    figures.append(f"whole_run_s {time.monotonic() - started:.0f} ({machine.accel})")
    failed = 0
    for line in results:
        name, _, rest = line.partition(" ")
        state, _, detail = rest.partition(" ")
        failed += state != "ok"
        print(f"check: {state} {name}: {detail}")
    expected = (
        "1-version",
        "1-units-active",
        "2-watchdog-stop",
        "3-autologin",
        "4-relogin-after-session",
        "5-cups",
        "6-sysrq",
        "7-removed",
    )
    names = {line.split(" ", 1)[0] for line in results}
    for name in expected:
        if name not in names:
            failed += 1
            print(f"check: FAILED {name}: not reached (see {machine.driver})")
    for figure in figures:
        print(f"figure: {figure}")
    print(f"screenshot: {args.screenshot}; guest log: {machine.driver}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/epn-vm"))
    parser.add_argument("--distro", choices=sorted(DISTROS), default="debian-12")
    parser.add_argument(
        "--worktree", action="store_true", help="package the working tree as it is, not HEAD"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=PROJECT / "docs/screenshots/vm-kiosk-boot.png",
        help="the booted kiosk (vm-kiosk-relogin.png beside it: after a session's end)",
    )
    parser.add_argument("--memory", type=int, default=3072, help="MiB")
    parser.add_argument("--disk-size", default="12G")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds for the run")
    parser.add_argument("--no-kvm", action="store_true", help="emulate (TCG) even with KVM")
    parser.add_argument(
        "--bare",
        action="store_true",
        help="leave the package's Debian dependencies out of the base image (apt in the "
        "machine then installs them: slow without KVM)",
    )
    parser.add_argument("--guest", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.guest:
        Guest().run()
        return 0
    return host_main(args)


if __name__ == "__main__":
    sys.exit(main())
