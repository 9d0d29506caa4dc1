"""Carrying a plan out under a root, and taking it away again.

Every change is written in a manifest (``/var/lib/epn-kiosk-installer/<role>.json`` under
the root) as it is made: the folders, files, links, accounts and blocks the installer made,
the files it replaced (kept aside, put back by ``uninstall``), the commands it ran and how
to undo them. A second run with the same options finds everything in place and changes
nothing, not even a time stamp. ``uninstall`` reads only the manifest: it removes what was
installed and nothing else (a folder that now holds data, such as the console's database,
is kept and named).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from epn_shared.files import write_atomically
from installer.accounts import Accounts, FileAccounts, Runner, SystemAccounts
from installer.plan import (
    Account,
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

MANIFEST_DIR = PurePosixPath("/var/lib/epn-kiosk-installer")


def manifest_path(role: Role) -> PurePosixPath:
    """Where the manifest of a role lives on the target."""
    return MANIFEST_DIR / f"{role.value}.json"


def run_command(argv: Sequence[str], stdin: str | None) -> int:
    """The real runner: the command's output goes to the terminal."""
    return subprocess.run(list(argv), input=stdin, text=True, check=False).returncode


@dataclass
class Report:
    """What a run changed (or, with ``--dry-run``, would change), and what the person
    installing must read."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        """The report as printed."""
        verb = "would change" if dry_run else "changed"
        out = [f"  {change}" for change in self.changes]
        out.append(f"{len(self.changes)} change(s) {'to make' if dry_run else 'made'}")
        if not self.changes:
            out.append(f"nothing {verb}: everything is already in place")
        out += [f"kept: {kept}" for kept in self.kept]
        out += [f"note: {note}" for note in self.notes]
        return out


@dataclass
class Manifest:
    """What the installer made under a root, for one role."""

    role: str
    version: str = ""
    dirs: list[str] = field(default_factory=list)
    dir_modes: dict[str, list[int]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    link_backups: dict[str, str] = field(default_factory=dict)
    """Where a link the installer replaced pointed before (put back at uninstall)."""
    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: list[str] = field(default_factory=list)
    account_files: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    undo: list[list[str]] = field(default_factory=list)
    after_uninstall: list[list[str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path, role: Role) -> Manifest:
        """The manifest at ``path``, or an empty one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(role.value)
        except (OSError, ValueError) as exc:
            raise InstallerError(f"{path}: the installer's manifest cannot be read: {exc}") from exc
        return cls(**data)

    def to_json(self) -> str:
        """The manifest's text."""
        return json.dumps(self.__dict__, indent=1, sort_keys=True) + "\n"


class Installer:
    """Applies plans under ``root`` and undoes them.

    Commands run only when ``run_commands`` is true, which it is by default only when
    ``root`` is ``/``: a target folder is not a running system.
    """

    def __init__(
        self,
        root: Path,
        *,
        dry_run: bool = False,
        run_commands: bool | None = None,
        runner: Runner = run_command,
        accounts: Accounts | None = None,
        secrets: Mapping[str, Callable[[], str]] | None = None,
        say: Callable[[str], None] = print,
    ) -> None:
        self.root = root
        self.real = root.resolve() == Path("/")
        self.dry_run = dry_run
        self.run_commands = self.real if run_commands is None else run_commands
        self.runner = runner
        self.accounts: Accounts = accounts or (
            SystemAccounts(runner) if self.real else FileAccounts(root)
        )
        self.secrets = secrets or {}
        self.say = say
        self._planned: set[Path] = set()
        """What a dry run would have made so far (so its parents are not listed twice)."""

    # -- paths and owners ---------------------------------------------------------------

    def target(self, path: PurePosixPath | str) -> Path:
        """``path`` of the machine, under the root."""
        return self.root.joinpath(*PurePosixPath(path).parts[1:])

    def _ids(self, user: str, group: str) -> tuple[int, int] | None:
        uid, gid = self.accounts.uid(user), self.accounts.gid(group)
        if uid is None or gid is None:
            if self.dry_run:
                return None  # an account this plan makes
            raise InstallerError(f"no user {user!r} or group {group!r} under {self.root}")
        return uid, gid

    # -- install ------------------------------------------------------------------------

    def install(self, plan: Plan) -> Report:
        """Make the machine what ``plan`` says; the report of what changed."""
        report = Report()
        path = self.target(manifest_path(plan.role))
        manifest = Manifest.load(path, plan.role)
        manifest.version = plan.version
        changed: set[PurePosixPath] = set()
        if not self.dry_run:
            self._make_parents(path.parent, manifest, report)
            # Saved at once: a run stopped by an error can still be uninstalled.
            self._save(path, manifest)
        for action in plan.actions:
            before = len(report.changes)
            self._install_one(action, plan, manifest, report, changed)
            if len(report.changes) > before and not self.dry_run:
                self._save(path, manifest)
        self._drop_stale(plan, manifest, report)
        if not self.dry_run and report.changes:
            self._save(path, manifest)
        return report

    def _install_one(
        self,
        action: Action,
        plan: Plan,
        manifest: Manifest,
        report: Report,
        changed: set[PurePosixPath],
    ) -> None:
        if isinstance(action, MakeDir):
            self._make_dir(action, manifest, report)
        elif isinstance(action, WriteFile):
            if self._write_file(action, manifest, report):
                changed.add(action.path)
        elif isinstance(action, Symlink):
            if self._symlink(action, manifest, report):
                changed.add(action.path)
        elif isinstance(action, ManagedBlock):
            if self._block(action, manifest, report):
                changed.add(action.path)
        elif isinstance(action, Account):
            self._account(action, manifest, report)
        elif isinstance(action, Command):
            self._command(action, plan, manifest, report, changed)
        elif isinstance(action, Note):
            report.notes.append(action.text)

    def _make_parents(self, folder: Path, manifest: Manifest, report: Report) -> None:
        missing = []
        while not (folder.exists() or folder in self._planned):
            missing.append(folder)
            folder = folder.parent
        for new in reversed(missing):
            report.changes.append(f"make folder /{new.relative_to(self.root)} (0755)")
            self._planned.add(new)
            if not self.dry_run:
                new.mkdir()
                new.chmod(0o755)
                manifest.dirs.append(f"/{new.relative_to(self.root)}")

    def _make_dir(self, action: MakeDir, manifest: Manifest, report: Report) -> None:
        target = self.target(action.path)
        ids = self._ids(action.user, action.group)
        try:
            if target in self._planned:
                return
            info = target.lstat()
        except FileNotFoundError:
            self._make_parents(target.parent, manifest, report)
            report.changes.append(
                f"make folder {action.path} ({action.mode:04o} {action.user}:{action.group})"
            )
            self._planned.add(target)
            if not self.dry_run:
                assert ids is not None
                target.mkdir()
                os.chown(target, *ids)
                target.chmod(action.mode)
                manifest.dirs.append(str(action.path))
            return
        if not stat.S_ISDIR(info.st_mode):
            raise InstallerError(f"{action.path} exists and is not a folder")
        now = (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)
        if ids is not None and now == (action.mode, *ids):
            return
        report.changes.append(
            f"set folder {action.path} to {action.mode:04o} {action.user}:{action.group}"
        )
        if not self.dry_run:
            assert ids is not None
            if str(action.path) not in manifest.dirs:
                manifest.dir_modes.setdefault(str(action.path), list(now))
            os.chown(target, *ids)
            target.chmod(action.mode)

    def _write_file(self, action: WriteFile, manifest: Manifest, report: Report) -> bool:
        target = self.target(action.path)
        ids = self._ids(action.user, action.group)
        key = str(action.path)
        try:
            info = target.lstat()
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode) and ids is not None:
            same = (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (action.mode, *ids)
            if same and target.read_bytes() == action.content:
                # Identical already: a file the installer did not make is not its to remove.
                return False
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise InstallerError(f"{action.path} is a folder, not a file")
        self._make_parents(target.parent, manifest, report)
        verb = "write" if info is None else "replace"
        report.changes.append(
            f"{verb} {action.path} ({action.mode:04o} {action.user}:{action.group}): {action.why}"
        )
        if self.dry_run:
            return True
        assert ids is not None
        entry = manifest.files.get(key)
        if entry is None:
            entry = {"backup": None}
            if info is not None:
                entry["backup"] = self._keep_aside(target, info, manifest)
            manifest.files[key] = entry
        write_atomically(target, action.content, mode=action.mode, owner=ids)
        return True

    def _keep_aside(self, target: Path, info: os.stat_result, manifest: Manifest) -> dict[str, Any]:
        """Copy a file the installer replaces, to put it back at uninstall."""
        folder = self.target(MANIFEST_DIR) / f"{manifest.role}-backup"
        if not folder.exists():
            folder.mkdir(mode=0o700)
            manifest.dirs.append(f"/{folder.relative_to(self.root)}")
        name = hashlib.sha256(str(target).encode()).hexdigest()[:16]
        if stat.S_ISLNK(info.st_mode):
            return {"link": os.readlink(target)}
        write_atomically(folder / name, target.read_bytes(), owner=(0, 0))
        return {
            "copy": f"{folder.name}/{name}",
            "mode": stat.S_IMODE(info.st_mode),
            "uid": info.st_uid,
            "gid": info.st_gid,
        }

    def _symlink(self, action: Symlink, manifest: Manifest, report: Report) -> bool:
        target = self.target(action.path)
        if target.is_symlink() and os.readlink(target) == str(action.target):
            return False
        if target.exists() and not target.is_symlink():
            raise InstallerError(f"{action.path} exists and is not a link")
        self._make_parents(target.parent, manifest, report)
        report.changes.append(f"link {action.path} -> {action.target}: {action.why}")
        if self.dry_run:
            return True
        if target.is_symlink():
            if str(action.path) not in manifest.links:
                manifest.link_backups[str(action.path)] = os.readlink(target)
            target.unlink()
        target.symlink_to(str(action.target))
        if str(action.path) not in manifest.links:
            manifest.links.append(str(action.path))
        return True

    def _block(self, action: ManagedBlock, manifest: Manifest, report: Report) -> bool:
        target = self.target(action.path)
        try:
            text = target.read_text(encoding="utf-8")
            exists = True
        except FileNotFoundError:
            text, exists = "", False
        new = with_block(text, action)
        if exists and new == text:
            return False
        report.changes.append(
            f"{'update' if exists else 'write'} the block in {action.path}: {action.why}"
        )
        self._make_parents(target.parent, manifest, report)
        if self.dry_run:
            return True
        if exists:
            info = target.stat()
            mode, ids = stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)
        else:
            mode, ids = 0o644, (0, 0)
        manifest.blocks.setdefault(
            str(action.path),
            {
                "created_file": not exists,
                "marker": action.marker,
                "added_newline": bool(text) and not text.endswith("\n"),
            },
        )
        write_atomically(target, new, mode=mode, owner=ids)
        return True

    def _account(self, action: Account, manifest: Manifest, report: Report) -> None:
        if self.accounts.uid(action.name) is not None:
            return
        report.changes.append(f"create account {action.name} ({action.kind.value}): {action.why}")
        if self.dry_run:
            return
        created = self.accounts.create(action)
        manifest.accounts.append(action.name)
        manifest.account_files += [f for f in created if f not in manifest.account_files]

    def _command(
        self,
        action: Command,
        plan: Plan,
        manifest: Manifest,
        report: Report,
        changed: set[PurePosixPath],
    ) -> None:
        if action.on_uninstall is not None and not self.dry_run:
            again = list(action.on_uninstall)
            if again not in manifest.after_uninstall:
                manifest.after_uninstall.append(again)
        if action.when is When.ON_CHANGE and not changed.intersection(action.after):
            return
        key = f"{plan.version} {action.key}"
        if action.when is When.ONCE and key in manifest.commands:
            return
        if not self.run_commands:
            report.notes.append(
                f"not run under --root (run it on the machine itself): {action.shown()}"
            )
            return
        report.changes.append(f"run {action.shown()}: {action.why}")
        if self.dry_run:
            return
        stdin = self.secrets[action.secret]() if action.secret else None
        argv = list(action.argv)
        if action.env:
            argv = ["env", *(f"{k}={v}" for k, v in action.env), *argv]
        status = self.runner(argv, stdin)
        if status != 0:
            raise InstallerError(f"{action.shown()} failed (exit status {status})")
        if action.when is When.ONCE:
            manifest.commands.append(key)
        if action.undo is not None and list(action.undo) not in manifest.undo:
            manifest.undo.append(list(action.undo))

    def _drop_stale(self, plan: Plan, manifest: Manifest, report: Report) -> None:
        """Files and links of an earlier run that this plan no longer has (an application
        taken out of the launcher) go, as ``uninstall`` would take them."""
        wanted = {str(a.path) for a in plan.actions if isinstance(a, WriteFile | Symlink)}
        for key in [k for k in manifest.files if k not in wanted]:
            report.changes.append(f"remove {key} (no longer installed)")
            if not self.dry_run:
                self._remove_file(key, manifest.files.pop(key), report)
        for key in [k for k in manifest.links if k not in wanted]:
            report.changes.append(f"remove link {key} (no longer installed)")
            if not self.dry_run:
                self.target(key).unlink(missing_ok=True)
                manifest.links.remove(key)

    def _save(self, path: Path, manifest: Manifest) -> None:
        data = manifest.to_json().encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            return  # a run that changes nothing leaves even the manifest's time alone
        write_atomically(path, data, owner=(0, 0))

    # -- uninstall ----------------------------------------------------------------------

    def uninstall(self, role: Role) -> Report:
        """Take away what the manifest says was installed for ``role``."""
        report = Report()
        path = self.target(manifest_path(role))
        if not path.exists():
            report.notes.append(f"nothing to remove: no manifest at {manifest_path(role)}")
            return report
        manifest = Manifest.load(path, role)
        for argv in reversed(manifest.undo):
            self._uninstall_command(argv, report)
        for key in reversed(manifest.links):
            earlier = manifest.link_backups.get(key)
            report.changes.append(
                f"put back link {key} -> {earlier}" if earlier else f"remove link {key}"
            )
            if not self.dry_run:
                self.target(key).unlink(missing_ok=True)
                if earlier:
                    self.target(key).symlink_to(earlier)
        for key, entry in reversed(list(manifest.files.items())):
            report.changes.append(
                f"{'put back the earlier' if entry['backup'] else 'remove'} {key}"
            )
            if not self.dry_run:
                self._remove_file(key, entry, report)
        for key, entry in manifest.blocks.items():
            report.changes.append(f"remove the block from {key}")
            if not self.dry_run:
                self._remove_block(key, entry)
        for name in reversed(manifest.accounts):
            report.changes.append(f"remove account {name}")
            if not self.dry_run:
                self.accounts.remove(name)
        for name in manifest.account_files:
            target = self.root / name
            if not self.dry_run and target.exists() and target.stat().st_size == 0:
                target.unlink()
        for key, (mode, uid, gid) in manifest.dir_modes.items():
            report.changes.append(f"set folder {key} back to {mode:04o}")
            if not self.dry_run:
                os.chown(self.target(key), uid, gid)
                self.target(key).chmod(mode)
        for argv in manifest.after_uninstall:
            self._uninstall_command(argv, report)
        if self.dry_run:
            report.changes.append(f"remove {manifest_path(role)}")
            return report
        path.unlink()
        report.changes.append(f"remove {manifest_path(role)}")
        for key in reversed(manifest.dirs):
            folder = self.target(key)
            try:
                folder.rmdir()
                report.changes.append(f"remove folder {key}")
            except FileNotFoundError:
                pass
            except OSError:
                report.kept.append(f"{key} (not empty: it holds data; remove it yourself)")
        return report

    def _uninstall_command(self, argv: list[str], report: Report) -> None:
        shown = " ".join(argv)
        if not self.run_commands:
            report.notes.append(f"not run under --root (run it on the machine itself): {shown}")
            return
        report.changes.append(f"run {shown}")
        if not self.dry_run and self.runner(argv, None) != 0:
            report.notes.append(f"{shown} failed; carrying on")

    def _remove_file(self, key: str, entry: dict[str, Any], report: Report) -> None:
        target = self.target(key)
        backup = entry.get("backup")
        if backup is None:
            target.unlink(missing_ok=True)
            return
        if "link" in backup:
            target.unlink(missing_ok=True)
            target.symlink_to(backup["link"])
            return
        source = self.target(MANIFEST_DIR) / backup["copy"]
        owner = (backup["uid"], backup["gid"])
        write_atomically(target, source.read_bytes(), mode=backup["mode"], owner=owner)
        source.unlink()

    def _remove_block(self, key: str, entry: dict[str, Any]) -> None:
        target = self.target(key)
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        block = ManagedBlock(PurePosixPath(key), "", "", entry.get("marker", "EPN Kiosk"))
        rest = without_block(text, block)
        if entry.get("added_newline") and rest.endswith("\n"):
            rest = rest[:-1]
        if entry.get("created_file") and not rest.strip():
            target.unlink()
            return
        info = target.stat()
        mode, ids = stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)
        write_atomically(target, rest, mode=mode, owner=ids)


def with_block(text: str, block: ManagedBlock) -> str:
    """``text`` with ``block`` in place of its earlier version, or added at the end (the
    end, because in ``cupsd.conf`` a later line wins over an earlier one)."""
    rest = without_block(text, block)
    if rest and not rest.endswith("\n"):
        rest += "\n"
    body = block.text if block.text.endswith("\n") else block.text + "\n"
    return f"{rest}{block.begin}{body}{block.end}"


def without_block(text: str, block: ManagedBlock) -> str:
    """``text`` without the managed block (exactly as it was before it was added)."""
    start = text.find(block.begin)
    if start < 0:
        return text
    end = text.find(block.end, start)
    if end < 0:
        raise InstallerError(f"{block.path}: the end marker of the installer's block is missing")
    return text[:start] + text[end + len(block.end) :]
