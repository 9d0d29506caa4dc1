"""``python -m installer``: turn this machine (or a folder) into a kiosk or a console.

    python -m installer kiosk   [--root DIR] [--dry-run] [options]
    python -m installer console [--root DIR] [--dry-run] [options]
    python -m installer uninstall kiosk|console [--root DIR] [--dry-run]

Exit status: 0 done, 1 a change failed (what was done so far is in the manifest, and
running again carries on), 2 bad options or not root.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path, PurePosixPath

from epn_shared.version import installed_version
from installer.apply import Installer, Report
from installer.plan import InstallerError, Plan, Role

DEFAULT_BIN = PurePosixPath(sys.prefix) / "bin"


def _printer_uri(value: str) -> str:
    """The policy's rule for the room's printer: the gate prints to no other."""
    from policies import check_printer_uri  # noqa: PLC0415

    try:
        return check_printer_uri(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m installer", description=(__doc__ or "").split("\n")[0]
    )
    roles = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--root",
            type=Path,
            default=Path("/"),
            help="write under this folder instead of / (commands are then listed, not run)",
        )
        p.add_argument("--dry-run", action="store_true", help="list the changes, make none")

    kiosk = roles.add_parser("kiosk", help="a public PC")
    common(kiosk)
    kiosk.add_argument(
        "--bin-dir",
        type=PurePosixPath,
        default=DEFAULT_BIN,
        help=f"where epn-kiosk is installed (default {DEFAULT_BIN})",
    )
    kiosk.add_argument(
        "--data-dir", type=PurePosixPath, default=PurePosixPath("/var/lib/epn-kiosk")
    )
    kiosk.add_argument("--visitor", default="epn-visitor", help="the visitor account")
    kiosk.add_argument(
        "--policy", type=Path, default=None, help="the EPN's policy file (.toml/.yaml)"
    )
    kiosk.add_argument("--pc-name", default=None, help="this PC's name (default: host name)")
    kiosk.add_argument(
        "--printer-uri",
        default=None,
        type=_printer_uri,
        help="the real printer, on the network or USB (e.g. ipp://192.168.1.20/ipp/print; "
        "`lpinfo -v`); never a file",
    )
    kiosk.add_argument("--console-url", default=None, help="https://console:8443")
    kiosk.add_argument("--pairing-code", default=None, help="from `epn-console pairing-code`")
    kiosk.add_argument(
        "--fingerprint",
        default=None,
        help="optional: the console certificate's SHA-256 (the pairing code alone proves it)",
    )

    console = roles.add_parser("console", help="the staff server (and its window in the menu)")
    common(console)
    console.add_argument(
        "--bin-dir",
        type=PurePosixPath,
        default=DEFAULT_BIN,
        help=f"where epn-console is installed (default {DEFAULT_BIN})",
    )
    console.add_argument(
        "--data-dir", type=PurePosixPath, default=PurePosixPath("/var/lib/epn-console")
    )
    console.add_argument("--host", default="0.0.0.0", help="address to listen on (all)")
    console.add_argument("--port", type=int, default=8443)
    console.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL for many EPNs (default SQLite in --data-dir)",
    )
    console.add_argument("--admin", default=None, help="make this first admin account")
    console.add_argument(
        "--admin-password-stdin",
        action="store_true",
        help="read its password on stdin (otherwise one is made and printed)",
    )
    console.add_argument(
        "--gui-url",
        default=None,
        help="the console's address for the staff window (https://localhost:PORT)",
    )
    console.add_argument(
        "--fingerprint",
        default=None,
        help="the certificate fingerprint: puts the staff window in the menu",
    )
    console.add_argument(
        "--backup-dir",
        type=PurePosixPath,
        default=PurePosixPath("/var/backups/epn-console"),
        help="where the nightly encrypted backup goes (a USB stick's mount point)",
    )
    console.add_argument(
        "--backup-keep-days", type=int, default=14, help="days of backups kept there (14)"
    )

    uninstall = roles.add_parser("uninstall", help="remove what the installer installed")
    uninstall.add_argument("role", choices=[r.value for r in Role])
    common(uninstall)
    return parser


def kiosk_plan_from_args(args: argparse.Namespace) -> Plan:
    """Read what the kiosk's plan needs (policy, backend, skeleton, installed programs)."""
    from installer.kiosk import KioskOptions, kiosk_plan  # noqa: PLC0415
    from kiosk.agent.config import packaged_skeleton  # noqa: PLC0415
    from kiosk.lockdown import installed_desktop_files  # noqa: PLC0415
    from policies import default_policy, load_policy  # noqa: PLC0415

    policy = load_policy(args.policy) if args.policy else default_policy()
    gate = (resources.files("kiosk.agent.printing") / "gate_backend.py").read_bytes()
    wake = (resources.files("kiosk.agent.printing") / "wake_notifier.py").read_bytes()
    skeleton_root = packaged_skeleton()
    skeleton = tuple(
        (PurePosixPath(path.relative_to(skeleton_root).as_posix()), path.read_bytes())
        for path in sorted(skeleton_root.rglob("*"))
        if path.is_file()
    )
    return kiosk_plan(
        KioskOptions(
            policy=policy,
            gate_backend=gate,
            wake_notifier=wake,
            skeleton=skeleton,
            version=installed_version(),
            bin_dir=args.bin_dir,
            data_dir=args.data_dir,
            visitor=args.visitor,
            visitor_home=PurePosixPath("/home") / args.visitor,
            policy_file=(args.policy.name, args.policy.read_bytes()) if args.policy else None,
            pc_name=args.pc_name,
            installed_apps=installed_desktop_files(args.root),
            printer_uri=args.printer_uri,
            console_url=args.console_url,
            pairing_code=args.pairing_code,
            fingerprint=args.fingerprint,
            fstab=_read_text(args.root / "etc/fstab"),
        )
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def console_plan_from_args(args: argparse.Namespace) -> Plan:
    """The console's plan from the command line."""
    from installer.console import ConsoleOptions, console_plan  # noqa: PLC0415

    return console_plan(
        ConsoleOptions(
            version=installed_version(),
            bin_dir=args.bin_dir,
            data_dir=args.data_dir,
            host=args.host,
            port=args.port,
            database_url=args.database_url,
            admin=args.admin,
            gui_url=args.gui_url,
            fingerprint=args.fingerprint,
            backup_dir=args.backup_dir,
            backup_keep_days=args.backup_keep_days,
        )
    )


def _admin_password(args: argparse.Namespace) -> Callable[[], str]:
    def read() -> str:
        if getattr(args, "admin_password_stdin", False):
            return sys.stdin.readline().rstrip("\n")
        password = secrets.token_urlsafe(12)
        print(f"one-time password of the admin account {args.admin!r}: {password}")
        print("  write it down now: it is shown only this once")
        return password

    return read


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m installer``."""
    args = _parser().parse_args(argv)
    root: Path = args.root
    if not root.is_dir():
        print(f"installer: {root} is not a folder", file=sys.stderr)
        return 2
    if root.resolve() == Path("/") and os.geteuid() != 0 and not args.dry_run:
        print("installer: run it as root (sudo), or try --dry-run first", file=sys.stderr)
        return 2
    installer = Installer(
        root,
        dry_run=args.dry_run,
        secrets={"admin password": _admin_password(args)},
    )
    try:
        if args.command == "uninstall":
            report = installer.uninstall(Role(args.role))
            title = f"uninstall {args.role}"
        else:
            plan = (
                kiosk_plan_from_args(args)
                if args.command == "kiosk"
                else console_plan_from_args(args)
            )
            title = f"{plan.role.value} {plan.version}"
            report = installer.install(plan)
    except (InstallerError, OSError, ValueError) as exc:
        print(f"installer: {exc}", file=sys.stderr)
        return 1
    _print(title, root, args.dry_run, report)
    return 0


def _print(title: str, root: Path, dry_run: bool, report: Report) -> None:
    where = "" if root.resolve() == Path("/") else f" under {root}"
    print(f"{title}{where}{' (dry run: nothing written)' if dry_run else ''}")
    for line in report.lines(dry_run):
        print(line)


if __name__ == "__main__":
    sys.exit(main())
