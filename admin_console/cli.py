"""``epn-console``: the admin console server and its first-setup commands.

    epn-console serve [--data-dir D] [--database-url URL] [--host H] [--port P] [--no-tls]
                      [--no-announce] [--workers N] [--shared]
    epn-console create-admin USERNAME [--password-stdin]
    epn-console create-staff USERNAME --role animator|manager|admin [--password-stdin]
    epn-console staff list
    epn-console staff create USERNAME --role R [--name N] [--language fr|nl|en] [--password-stdin]
    epn-console staff disable|enable USERNAME
    epn-console staff reset-password USERNAME [--password-stdin]
    epn-console staff set-role USERNAME animator|manager|admin
    epn-console staff set-language USERNAME fr|nl|en
    epn-console staff set-name USERNAME NAME
    epn-console pairing-code
    epn-console backup --to DIR [--keep-days N]    epn-console backup-code
    epn-console restore FILE [--data-dir D] [--database-url URL] [--code-stdin]
    epn-console publish FILE.deb... [--keep N]
    epn-console gui --url https://HOST:PORT --fingerprint FP [--language fr|nl|en]

The server's options are the fields of its settings (:mod:`admin_console.server.settings`),
read from the ``EPN_CONSOLE_*`` environment when not given (``EPN_CONSOLE_DATA_DIR``). Logs go
to stderr as JSON lines. The server's modules are imported only by the command that needs them.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import pwd
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from admin_console.server.settings import ServerSettings
from epn_shared.settings_cli import BadSettings, add_options, settings_from
from epn_shared.version import installed_version

SETUP_OPTIONS = ("data_dir", "database_url")
"""The settings the setup commands take: where the database is."""
LOGGER_NAMES = ("admin_console", "uvicorn", "uvicorn.error", "uvicorn.access")
"""The loggers whose lines the console writes as JSON: the server's and uvicorn's."""


def command_parser() -> argparse.ArgumentParser:
    """The ``epn-console`` command line: its commands and their options."""
    parser = argparse.ArgumentParser(
        prog="epn-console",
        description="The admin console server, its first-setup commands and the staff window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    add_options(sub.add_parser("serve", help="run the console server"), ServerSettings)

    admin = sub.add_parser("create-admin", help="create an admin account")
    staff = sub.add_parser("create-staff", help="create a staff account of any role")
    staff.add_argument("--role", choices=["animator", "manager", "admin"], required=True)
    for account in (admin, staff):
        add_options(account, ServerSettings, fields=SETUP_OPTIONS)
        account.add_argument("username")
        account.add_argument(
            "--password-stdin", action="store_true", help="read the password on stdin"
        )
        account.add_argument(
            "--if-missing", action="store_true", help="do nothing if the account exists"
        )

    _staff_parser(sub)

    code = sub.add_parser("pairing-code", help="print a one-time code to enroll one PC")
    add_options(code, ServerSettings, fields=SETUP_OPTIONS)

    backup = sub.add_parser("backup", help="write an encrypted backup (database, keys)")
    add_options(backup, ServerSettings, fields=SETUP_OPTIONS)
    backup.add_argument("--to", type=Path, required=True, help="folder (a USB stick) to write to")
    backup.add_argument(
        "--keep-days", type=int, default=14, help="remove backups there older than this (14)"
    )
    shown = sub.add_parser("backup-code", help="show the code that opens this console's backups")
    add_options(shown, ServerSettings, fields=SETUP_OPTIONS)
    put_back = sub.add_parser("restore", help="put a backup into an empty data folder")
    add_options(put_back, ServerSettings, fields=SETUP_OPTIONS)
    put_back.add_argument("backup", type=Path, help="the .epnbackup file")
    put_back.add_argument("--code-stdin", action="store_true", help="read the backup code on stdin")

    publish = sub.add_parser(
        "publish", help="serve EPN Kiosk packages to the room's PCs (signed apt repository)"
    )
    add_options(publish, ServerSettings, fields=("data_dir",))
    publish.add_argument("debs", nargs="+", type=Path, metavar="FILE.deb", help="the packages")
    publish.add_argument(
        "--keep", type=int, default=2, help="versions of each package kept, newest first (2)"
    )

    gui = sub.add_parser("gui", help="open the staff console (room view and actions)")
    gui.add_argument("--url", required=True, help="the console server, https://HOST:PORT")
    trust = gui.add_mutually_exclusive_group()
    trust.add_argument("--fingerprint", help="SHA-256 of the console's certificate (pinned)")
    trust.add_argument(
        "--insecure-http", action="store_true", help="allow a plain http:// URL (tests only)"
    )
    gui.add_argument(
        "--language",
        choices=STAFF_LANGUAGES,
        default=None,
        help="the window's language (default: the desktop's, when it is one of these; else fr)",
    )
    return parser


STAFF_LANGUAGES = ("fr", "nl", "en")
ROLES = ("animator", "manager", "admin")


def _staff_parser(sub: Any) -> None:
    """``epn-console staff ...``: the team, from the console machine's terminal (as an admin;
    the audit names ``epn-console``)."""
    team = sub.add_parser("staff", help="the staff accounts: list, create, disable, reset...")
    what = team.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    what.add_parser("list", help="every account, its role, language, PIN and whether enabled")
    create = what.add_parser("create", help="create an account")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--name", default="", help="how the PCs greet them (a first name)")
    create.add_argument("--language", choices=STAFF_LANGUAGES, default="fr")
    reset = what.add_parser("reset-password", help="give an account a new password")
    reset.add_argument("username")
    for made in (create, reset):
        made.add_argument(
            "--password-stdin", action="store_true", help="read the password on stdin"
        )
    for name, text in (
        ("disable", "disable an account: logged out everywhere, its PIN revoked at the PCs"),
        ("enable", "enable a disabled account again"),
    ):
        what.add_parser(name, help=text).add_argument("username")
    role = what.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    language = what.add_parser("set-language", help="change an account's language")
    language.add_argument("username")
    language.add_argument("language", choices=STAFF_LANGUAGES)
    name = what.add_parser("set-name", help="change how the PCs greet an account")
    name.add_argument("username")
    name.add_argument("name")
    for action in what.choices.values():
        add_options(action, ServerSettings, fields=SETUP_OPTIONS)


def staff_language(environ: Mapping[str, str]) -> str:
    """The window's language from the desktop's locale, as gettext reads it (``LANGUAGE``'s
    list, then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``): a Flemish animator's desktop in
    ``nl_BE`` opens the window in Dutch; a language the window does not speak, in French."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        for wanted in value.split(":") if name == "LANGUAGE" else [value]:
            code = wanted.split("_")[0].split(".")[0].lower()
            if code in STAFF_LANGUAGES:
                return code
        if name != "LANGUAGE":
            return "fr"
    return "fr"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``epn-console`` console script."""
    args = command_parser().parse_args(argv)
    if args.command == "gui":
        return _gui(args)
    from admin_console.server.errors import ConsoleError  # noqa: PLC0415
    from epn_shared import json_log  # noqa: PLC0415 (only what the command needs)

    json_log.install(LOGGER_NAMES, level=logging.INFO)
    try:
        settings = settings_from(ServerSettings, args)
    except BadSettings as exc:
        print(f"epn-console: bad configuration: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            from admin_console.server.serve import serve  # noqa: PLC0415

            return serve(settings)
        if args.command in ("backup", "backup-code", "restore"):
            return _backup_command(args, settings)
        if args.command == "publish":
            return _publish(args, settings)
        if args.command == "staff":
            return _staff_command(args, settings)
        return _setup_command(args, settings)
    except (ConsoleError, ValueError, OSError) as exc:
        print(f"epn-console: {exc}", file=sys.stderr)
        return 1


def _gui(args: argparse.Namespace) -> int:
    from admin_console.gui.app import run  # noqa: PLC0415 (Qt only for this command)
    from admin_console.gui.client import Endpoint, EndpointError  # noqa: PLC0415
    from policies import Language  # noqa: PLC0415

    try:
        endpoint = Endpoint.parse(args.url, args.fingerprint, args.insecure_http)
    except EndpointError as exc:
        print(f"epn-console: {exc}", file=sys.stderr)
        return 2
    return run(endpoint, Language(args.language or staff_language(os.environ)))


def _backup_command(args: argparse.Namespace, settings: ServerSettings) -> int:
    from admin_console.server import backup  # noqa: PLC0415

    if args.command == "backup-code":
        print(backup.ensure_backup_code(settings.data_dir))
        print("Write it down and keep it apart from the backups: without it they cannot be read.")
        return 0
    if args.command == "backup":
        made = backup.back_up(
            settings.data_dir, args.to, database_url=settings.database_url, keep_days=args.keep_days
        )
        print(f"backup written: {made.path} ({made.size // 1024 + 1} KiB)")
        for old in made.removed:
            print(f"removed, older than {args.keep_days} days: {old.name}")
        print("It opens only with this console's backup code: epn-console backup-code")
        return 0
    typed = sys.stdin.readline() if args.code_stdin else getpass.getpass("Backup code: ")
    done = backup.restore(args.backup, typed, settings.data_dir, database_url=settings.database_url)
    print(f"restored the backup of {done.created_at.astimezone():%Y-%m-%d %H:%M} ({done.database})")
    print(f"start the console on {settings.data_dir}: its PCs connect again by themselves")
    return 0


def _publish(args: argparse.Namespace, settings: ServerSettings) -> int:
    # Imported before any change of user: the code of a Python installed in root's home
    # could not be read after it.
    from admin_console.server import apt_repo  # noqa: F401, PLC0415
    from admin_console.server.errors import ConsoleError  # noqa: PLC0415

    owner = settings.data_dir.stat().st_uid if settings.data_dir.exists() else os.geteuid()
    if owner == os.geteuid():
        return _publish_as_owner(args, settings, args.debs)
    if os.geteuid() != 0:
        try:
            user = pwd.getpwuid(owner).pw_name
        except KeyError:
            user = str(owner)
        print(
            f"epn-console: {settings.data_dir} belongs to another user: publish as that user "
            f"(runuser -u {user} -- epn-console publish ...)",
            file=sys.stderr,
        )
        return 1
    # Root (the guides' way, with the packages on a USB stick only root may read): the
    # packages are copied where the console's user can read them, then the work is done as
    # that user, so nothing in the repository belongs to root and the console can publish
    # there later.
    group = settings.data_dir.stat().st_gid
    with tempfile.TemporaryDirectory(prefix="epn-publish-") as folder:
        staged = Path(folder)
        copies = []
        for deb in args.debs:
            copy = staged / Path(deb).name
            try:
                shutil.copyfile(deb, copy)
            except OSError as exc:
                print(f"epn-console: cannot read {deb}: {exc.strerror}", file=sys.stderr)
                return 1
            os.chown(copy, owner, group)
            copies.append(copy)
        os.chown(staged, owner, group)
        pid = os.fork()
        if pid == 0:  # the child drops to the console's user and publishes
            code = 1
            try:
                os.setgroups([])
                os.setgid(group)
                os.setuid(owner)
                code = _publish_as_owner(args, settings, copies)
            except (ConsoleError, ValueError, OSError) as exc:
                print(f"epn-console: {exc}", file=sys.stderr)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


def _publish_as_owner(
    args: argparse.Namespace, settings: ServerSettings, debs: Sequence[Path]
) -> int:
    from admin_console.server.apt_repo import AptRepository  # noqa: PLC0415

    done = AptRepository(settings.data_dir).publish(debs, keep=args.keep)
    for package in done.added:
        print(f"published: {package.name} {package.version} ({package.architecture})")
    for package in done.removed:
        print(f"removed, older than the {args.keep} kept: {package.name} {package.version}")
    served = ", ".join(f"{p.name} {p.version}" for p in done.served) or "nothing"
    print(f"the room's PCs now find: {served}")
    return 0


def _setup_command(args: argparse.Namespace, settings: ServerSettings) -> int:
    from admin_console.api.staff import Role  # noqa: PLC0415
    from admin_console.server.console import build_console  # noqa: PLC0415
    from admin_console.server.tls import ensure_tls, fingerprint  # noqa: PLC0415

    console = build_console(settings)
    try:
        if args.command in ("create-admin", "create-staff"):
            role = Role.ADMIN if args.command == "create-admin" else Role(args.role)
            if args.if_missing and console.repos.staff.credentials(args.username) is not None:
                print(f"account {args.username!r} exists: left as it is")
                return 0
            password = _read_password(args.password_stdin)
            console.auth.create_staff(args.username, password, role, by="epn-console")
            print(f"{role.value} account {args.username!r} created")
            return 0
        code, expires_at = console.pairing.create("epn-console")
        console.auth.audit("epn-console", "pairing_code_created", detail=code.code_id)
        pin = fingerprint(ensure_tls(settings.data_dir).server_cert)
        print(code.text)
        print(
            f"valid until {expires_at.astimezone():%H:%M}; on the PC type only this code"
            f" (scripts that pin the certificate fingerprint: {pin})"
        )
        return 0
    finally:
        console.close()


def _staff_command(args: argparse.Namespace, settings: ServerSettings) -> int:
    from admin_console.api.staff import Role  # noqa: PLC0415
    from admin_console.server.console import build_console  # noqa: PLC0415
    from admin_console.server.errors import NotFound  # noqa: PLC0415
    from admin_console.server.team import Actor  # noqa: PLC0415

    console = build_console(settings)
    actor = Actor.command_line()
    team = console.team
    try:
        command = args.staff_command
        if command == "list":
            for member in team.team(actor):
                state = "disabled" if member.disabled else "enabled"
                pin = "PIN" if member.has_pin else "no PIN"
                shown = f" ({member.display_name})" if member.display_name else ""
                print(f"{member.username}{shown}\t{member.role}\t{member.language}\t{pin}\t{state}")
            return 0
        if command == "create":
            password = _read_password(args.password_stdin)
            team.create(
                actor,
                args.username,
                password,
                Role(args.role),
                display_name=args.name,
                language=args.language,
            )
            print(f"{args.role} account {args.username!r} created")
            return 0
        staff = console.repos.staff.find(args.username)
        if staff is None:
            raise NotFound(f"no staff account {args.username!r}")
        if command == "reset-password":
            team.reset_password(actor, staff.id, _read_password(args.password_stdin))
            print(f"new password set for {staff.username!r}: logged out everywhere")
            return 0
        changes: dict[str, dict[str, Any]] = {
            "disable": {"disabled": True},
            "enable": {"disabled": False},
            "set-role": {"role": Role(getattr(args, "role", "animator"))},
            "set-language": {"language": getattr(args, "language", None)},
            "set-name": {"display_name": getattr(args, "name", None)},
        }
        changed = team.change(actor, staff.id, **changes[command])
        print(f"{staff.username!r}: {command.replace('-', ' ')} done")
        if changed.roster_changed or changed.logged_out:
            print("the console tells its PCs and open windows within a few seconds")
        return 0
    finally:
        console.close()


if __name__ == "__main__":
    sys.exit(main())
