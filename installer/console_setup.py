"""``python -m installer.console_setup``: the console's first-start work, run by the installer
as the console's own user: the database created or migrated to head, the TLS material made,
the first admin account (its password on stdin). Prints the certificate fingerprint the PCs
will pin.

Exit status: 0 done (an admin that already exists is left as it is), 1 it failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

DATABASE_ENV = "EPN_CONSOLE_DATABASE_URL"


def database_url(env_file: Path | None) -> str | None:
    """The database URL from the console's environment file (``KEY=value`` lines), if any."""
    if env_file is None or not env_file.exists():
        return os.environ.get(DATABASE_ENV) or None
    for line in env_file.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == DATABASE_ENV and value.strip():
            return value.strip()
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Migrate, make the TLS material, create the first admin when asked."""
    parser = argparse.ArgumentParser(prog="python -m installer.console_setup", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--env-file", type=Path, default=None, help=f"file with {DATABASE_ENV}=")
    parser.add_argument("--admin", default=None, help="first admin account (password on stdin)")
    args = parser.parse_args(argv)

    from admin_console.api.staff import Role  # noqa: PLC0415
    from admin_console.server.backup import ensure_backup_code  # noqa: PLC0415
    from admin_console.server.console import build_console  # noqa: PLC0415
    from admin_console.server.errors import ConsoleError  # noqa: PLC0415
    from admin_console.server.settings import ServerSettings  # noqa: PLC0415
    from admin_console.server.tls import ensure_tls, fingerprint  # noqa: PLC0415

    try:
        settings = ServerSettings(data_dir=args.data_dir, database_url=database_url(args.env_file))
        console = build_console(settings)
    except (ConsoleError, OSError) as exc:
        print(f"console setup: {exc}", file=sys.stderr)
        return 1
    try:
        print("database: at the newest version")
        pin = fingerprint(ensure_tls(args.data_dir).server_cert)
        print(f"certificate fingerprint (the PCs pin it): {pin}")
        print(
            f"backup code (write it down, keep it away from the backups): "
            f"{ensure_backup_code(args.data_dir)}"
        )
        if args.admin:
            if console.repos.staff.credentials(args.admin) is not None:
                print(f"admin account {args.admin!r} already exists: left as it is")
            else:
                password = sys.stdin.readline().rstrip("\n")
                console.auth.create_staff(args.admin, password, Role.ADMIN, by="installer")
                print(f"admin account {args.admin!r} created")
    except (ConsoleError, ValueError, OSError) as exc:
        print(f"console setup: {exc}", file=sys.stderr)
        return 1
    finally:
        console.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
