"""The console's apt repository: the room's EPN Kiosk packages, signed, for its PCs.

A flat repository (``deb https://console:8443/apt/ ./``) served read-only under ``/apt/``
(:mod:`admin_console.server.apt_files`). Its signature is what protects it, not a login: the
packages are free software, and a PC installs only what the console's archive key signed.

The key is made once per console (ed25519, no passphrase) and kept as an exported secret
key in ``DATA_DIR/tls/archive-key.asc`` (0600), with the other keys, so a backup carries it
and a restored console keeps signing with the key every PC trusts. gpg works in a private
``GNUPGHOME`` made for each signing in ``DATA_DIR/apt`` from that file, and removed after
(its agent stopped): nothing else of gpg's needs keeping.

Each publish builds a whole new *generation* folder (``gen-*``: ``pool/`` with the kept
``.deb`` files hard-linked, ``Packages``, ``Packages.gz``, ``Release``, ``InRelease``,
``Release.gpg``, ``archive-key.gpg``, ``ca.pem``) and then swaps the ``served`` symlink to
it in one rename: a PC sees the old repository or the new one, never a mix. A PC that read
the old ``InRelease`` just before the swap still finds the indexes it names: Release says
``Acquire-By-Hash: yes`` and each generation also holds the previous one's indexes under
``by-hash/SHA512/`` (and ``SHA256``), which is where apt fetches them from. The previous
generation stays on disk until the next publish.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from admin_console.server.errors import ConsoleError
from epn_shared.files import write_atomically

PROJECT_PACKAGES = frozenset({"epn-kiosk", "epn-console"})
"""The packages a console publishes: this project's, nothing else."""
KIOSK_PACKAGE = "epn-kiosk"
KEEP = 2
"""Versions of each package kept in the repository unless told otherwise."""
ARCHIVE_KEY_FILE = "archive-key.asc"
"""The archive's secret key, in ``DATA_DIR/tls`` (backed up with the other keys)."""
TIMEOUT = 300
_FIELD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+~:-]*$")
_INDEXES = ("Packages", "Packages.gz")
_BY_HASH = ("SHA256", "SHA512")
# What apt fetches with If-Modified-Since, whose Last-Modified (whole seconds) must change.
_RELEASES = ("InRelease", "Release", "Release.gpg")
_MAX_GNUPG_FOLDER = 70
"""Longest folder for gpg's home: its agent's sockets (``S.gpg-agent.browser``) in it must
fit a unix socket path (108 bytes)."""


class AptRepoError(ConsoleError):
    """A publish that was refused or could not be done; the repository is as it was."""


@dataclass(frozen=True)
class PackageFile:
    """One ``.deb`` in the repository."""

    name: str
    version: str
    architecture: str

    @property
    def file_name(self) -> str:
        """Its name in the pool, as Debian names it (an epoch's colon as ``%3a``)."""
        return f"{self.name}_{self.version.replace(':', '%3a')}_{self.architecture}.deb"


@dataclass(frozen=True)
class Published:
    """What a publish did: the packages it added, those it removed, those now served."""

    added: tuple[PackageFile, ...]
    removed: tuple[PackageFile, ...]
    served: tuple[PackageFile, ...]


def _run(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    data: bytes | None = None,
) -> bytes:
    try:
        done = subprocess.run(
            list(argv),
            cwd=cwd,
            env=env,
            input=data,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise AptRepoError(
            f"{argv[0]} is missing: install the apt-utils, gnupg and dpkg packages"
        ) from exc
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise AptRepoError(f"{argv[0]} failed: {' '.join(said[-3:])}")
    return done.stdout


def inspect(deb: Path) -> PackageFile:
    """The package in ``deb`` if it is a Debian package of this project, else
    :class:`AptRepoError` saying why."""
    if not deb.is_file():
        raise AptRepoError(f"{deb}: no such file")
    try:
        done = subprocess.run(
            ["dpkg-deb", "--field", str(deb), "Package", "Version", "Architecture"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise AptRepoError("dpkg-deb is missing: install the dpkg package") from exc
    fields = (
        dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
        if done.returncode == 0
        else {}
    )
    name, version, arch = (fields.get(k, "") for k in ("Package", "Version", "Architecture"))
    if not (name and version and arch) or not all(_FIELD.match(f) for f in (name, version, arch)):
        raise AptRepoError(f"{deb}: not a Debian package (dpkg-deb cannot read it): refused")
    if name not in PROJECT_PACKAGES:
        raise AptRepoError(
            f"{deb}: the package {name!r} is not one of EPN Kiosk's "
            f"({', '.join(sorted(PROJECT_PACKAGES))}): refused"
        )
    return PackageFile(name, version, arch)


def _newer_first(versions: Iterable[str]) -> list[str]:
    def compare(a: str, b: str) -> int:
        if a == b:
            return 0
        try:
            done = subprocess.run(
                ["dpkg", "--compare-versions", a, "gt", b], check=False, timeout=TIMEOUT
            )
        except OSError as exc:
            raise AptRepoError(f"cannot compare Debian versions (dpkg): {exc}") from exc
        return -1 if done.returncode == 0 else 1

    return sorted(versions, key=functools.cmp_to_key(compare))


def _dated_after(generation: Path, current: Path | None) -> None:
    """Date the new Release files a whole second after the served ones at least.

    apt asks for InRelease with If-Modified-Since, and HTTP dates count whole seconds: a
    publish within the second of the one before (or after the clock went back) would be
    answered "304 Not Modified" and its packages never seen by the PCs."""
    stamp = float(int(time.time()))
    if current is not None:
        with contextlib.suppress(OSError):
            stamp = max(stamp, int((current / "InRelease").stat().st_mtime) + 1.0)
    for name in _RELEASES:
        os.utime(generation / name, (stamp, stamp))


def parse_packages(text: str) -> tuple[PackageFile, ...]:
    """The packages a ``Packages`` index lists."""
    found = []
    for stanza in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in stanza.splitlines() if ": " in line and line[0] != " "
        )
        if {"Package", "Version", "Architecture"} <= fields.keys():
            found.append(PackageFile(fields["Package"], fields["Version"], fields["Architecture"]))
    return tuple(found)


class AptRepository:
    """The repository of the console whose data folder is ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.folder = data_dir / "apt"
        self._newest: tuple[str, str | None] | None = None

    @property
    def served(self) -> Path:
        """The symlink to the generation served now (absent: nothing published yet)."""
        return self.folder / "served"

    @property
    def _ca(self) -> Path:
        return self.data_dir / "tls" / "ca.pem"

    @property
    def key_file(self) -> Path:
        """The archive's secret key."""
        return self.data_dir / "tls" / ARCHIVE_KEY_FILE

    # -- reading ------------------------------------------------------------------------

    def packages(self) -> tuple[PackageFile, ...]:
        """The packages served now."""
        try:
            return parse_packages((self.served / "Packages").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ()

    def newest_version(self, name: str = KIOSK_PACKAGE) -> str | None:
        """The newest version of ``name`` served now (None: none published); read again
        only when a publish changed what is served."""
        try:
            generation = os.readlink(self.served)
        except OSError:
            return None
        if self._newest is None or self._newest[0] != f"{name}/{generation}":
            try:
                versions = [p.version for p in self.packages() if p.name == name]
                newest = _newer_first(versions)[0] if versions else None
            except (AptRepoError, OSError):
                return None  # the room view then compares with the console's own version
            self._newest = (f"{name}/{generation}", newest)
        return self._newest[1]

    # -- writing ------------------------------------------------------------------------

    def ensure(self) -> None:
        """Make the archive key and an empty signed index if there are none yet (a PC of a
        console that published nothing then updates without an error)."""
        with self._locked():
            self._ensure_key()
            ca_missing = self._ca.exists() and not (self.served / "ca.pem").exists()
            if not self.served.exists() or ca_missing:
                # (A publish before the console's first start had no CA to serve yet.)
                self._publish_locked([], keep=KEEP)

    def publish(self, debs: Sequence[Path], *, keep: int = KEEP) -> Published:
        """Add the packages ``debs`` (checked first: all or none), keep the newest ``keep``
        versions of each package, and serve the new signed index."""
        if keep < 1:
            raise AptRepoError("keep at least one version of each package (--keep 1 or more)")
        found = [(inspect(deb), deb) for deb in debs]
        with self._locked():
            self._ensure_key()
            return self._publish_locked(found, keep=keep)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.folder.mkdir(mode=0o755, parents=True, exist_ok=True)
            lock = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise AptRepoError(f"cannot use the repository folder {self.folder}: {exc}") from exc
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one publish at a time (the console's, a CLI's)
            yield
        finally:
            os.close(lock)

    def _publish_locked(self, found: list[tuple[PackageFile, Path]], keep: int) -> Published:
        current = self.served.resolve() if self.served.exists() else None
        before = parse_packages((current / "Packages").read_text()) if current else ()
        generation = Path(tempfile.mkdtemp(prefix="gen-", dir=self.folder))
        try:
            served = self._fill(generation, current, found, keep)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self._swap(generation)
        kept = {p.file_name for p in served}
        return Published(
            added=tuple(p for p, _ in found if p.file_name in kept),
            removed=tuple(p for p in before if p.file_name not in kept),
            served=served,
        )

    def _fill(
        self,
        generation: Path,
        current: Path | None,
        found: list[tuple[PackageFile, Path]],
        keep: int,
    ) -> tuple[PackageFile, ...]:
        pool = generation / "pool"
        pool.mkdir(mode=0o755)
        packages: dict[str, PackageFile] = {}
        if current is not None:
            for package in parse_packages((current / "Packages").read_text()):
                os.link(current / "pool" / package.file_name, pool / package.file_name)
                packages[package.file_name] = package
        for package, deb in found:
            target = pool / package.file_name
            target.unlink(missing_ok=True)  # the same version again: the new file
            shutil.copyfile(deb, target)
            os.chmod(target, 0o644)
            packages[package.file_name] = package
        by_name: dict[tuple[str, str], list[str]] = {}
        for package in packages.values():
            by_name.setdefault((package.name, package.architecture), []).append(package.version)
        for (name, arch), versions in by_name.items():
            for old in _newer_first(versions)[keep:]:
                gone = PackageFile(name, old, arch)
                (pool / gone.file_name).unlink()
                del packages[gone.file_name]
        index = _run(["apt-ftparchive", "packages", "pool"], cwd=generation)
        (generation / "Packages").write_bytes(index)
        (generation / "Packages.gz").write_bytes(gzip.compress(index, mtime=0))
        # This generation's indexes, and the previous one's: what a PC that read the old
        # Release a moment ago asks for (apt fetches by the strongest hash Release lists).
        for algorithm in _BY_HASH:
            by_hash = generation / "by-hash" / algorithm
            by_hash.mkdir(parents=True)
            for folder in (generation, current) if current is not None else (generation,):
                for name in _INDEXES:
                    path = folder / name
                    link = by_hash / hashlib.new(algorithm, path.read_bytes()).hexdigest()
                    if not link.exists():
                        os.link(path, link)
        release = _run(
            [
                "apt-ftparchive",
                "-o",
                "APT::FTPArchive::Release::Origin=EPN Kiosk console",
                "-o",
                f"APT::FTPArchive::Release::Label=EPN Kiosk ({socket.gethostname()})",
                "-o",
                "APT::FTPArchive::Release::Acquire-By-Hash=yes",
                "release",
                ".",
            ],
            cwd=generation,
        )
        (generation / "Release").write_bytes(release)
        self._sign(generation)
        _dated_after(generation, current)
        if self._ca.exists():
            shutil.copyfile(self._ca, generation / "ca.pem")
        for path in [generation, *generation.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
            # On disk before it is served: a power cut must not leave empty files.
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return tuple(sorted(packages.values(), key=lambda p: p.file_name))

    def _swap(self, generation: Path) -> None:
        previous = self.served.resolve() if self.served.exists() else None
        link = self.folder / ".served.new"
        link.unlink(missing_ok=True)
        os.symlink(generation.name, link)
        os.replace(link, self.served)
        folder = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        for old in self.folder.glob("gen-*"):
            if old not in (generation, previous):
                shutil.rmtree(old, ignore_errors=True)

    # -- the key ------------------------------------------------------------------------

    def _ensure_key(self) -> None:
        if self.key_file.exists():
            return
        with self._gnupg(import_key=False) as gpg:
            uid = f"EPN Kiosk console archive ({socket.gethostname()})"
            gpg("--quick-generate-key", uid, "ed25519", "sign", "never")
            secret = gpg("--armor", "--export-secret-keys")
        if b"PRIVATE KEY BLOCK" not in secret:
            raise AptRepoError("gpg made no archive key")
        self.key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomically(self.key_file, secret, mode=0o600)

    def _sign(self, generation: Path) -> None:
        release = str(generation / "Release")
        with self._gnupg(import_key=True) as gpg:
            gpg(
                "--digest-algo",
                "SHA512",
                "--clearsign",
                "--output",
                str(generation / "InRelease"),
                release,
            )
            gpg(
                "--digest-algo",
                "SHA512",
                "--armor",
                "--detach-sign",
                "--output",
                str(generation / "Release.gpg"),
                release,
            )
            (generation / "archive-key.gpg").write_bytes(
                gpg("--export-options", "export-minimal", "--export")
            )

    @contextlib.contextmanager
    def _gnupg(self, *, import_key: bool) -> Iterator[_Gpg]:
        folder = self.folder
        if len(os.fsencode(folder)) > _MAX_GNUPG_FOLDER:
            # gpg's agent listens on a unix socket in the home: too long a path cannot
            # be bound. A private folder of the system's temporary one then (0700).
            folder = Path(tempfile.gettempdir())
        home = Path(tempfile.mkdtemp(prefix=".gnupg-", dir=folder))
        env = {**os.environ, "GNUPGHOME": str(home)}
        gpg = _Gpg(env)
        try:
            if import_key:
                gpg("--import", data=self.key_file.read_bytes())
            yield gpg
        finally:
            with contextlib.suppress(OSError):  # no gpgconf: no gpg, so no agent either
                subprocess.run(
                    ["gpgconf", "--kill", "all"],
                    env=env,
                    capture_output=True,
                    timeout=TIMEOUT,
                    check=False,
                )
            shutil.rmtree(home, ignore_errors=True)


class _Gpg:
    """gpg in one private home, without a passphrase or a terminal."""

    def __init__(self, env: dict[str, str]) -> None:
        self._env = env

    def __call__(self, *args: str, data: bytes | None = None) -> bytes:
        base = [
            "gpg",
            "--batch",
            "--quiet",
            "--no-tty",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ]
        return _run([*base, *args], env=self._env, data=data)
