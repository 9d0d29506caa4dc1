"""Helpers of the installer's tests: a target root that looks like a fresh Debian machine's
``/etc``, running the installer's command line on it, and a full picture of a tree."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from installer.__main__ import main
from installer.deb import build
from installer.plan import Role

BIN_DIR = Path(__file__).resolve().parents[2] / ".venv" / "bin"
"""The project's own programs, so that unit files point at commands that exist."""

PASSWD = (
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
)
GROUP = "root:x:0:\ndaemon:x:1:\nlp:x:7:\nshadow:x:42:\nnogroup:x:65534:\nalice:x:1000:\n"
SHADOW = "root:*:19700:0:99999:7:::\nalice:$y$j9T$abc:19700:0:99999:7:::\n"
GSHADOW = "root:*::\nalice:!::\n"
FSTAB = (
    "# <file system> <mount point> <type> <options> <dump> <pass>\n"
    "UUID=4f1c-9a2e / ext4 errors=remount-ro 0 1\n"
)
STOCK_CUPSD = Path("/etc/cups/cupsd.conf")
OLD_DCONF_PROFILE = "user-db:user\nsystem-db:site\n"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A root with account files, an fstab, CUPS's stock configuration and an earlier dconf
    profile (a file the installer must put back at uninstall)."""
    root = tmp_path / "root"
    (root / "etc/cups").mkdir(parents=True)
    for name, text, mode in (
        ("passwd", PASSWD, 0o644),
        ("group", GROUP, 0o644),
        ("shadow", SHADOW, 0o640),
        ("gshadow", GSHADOW, 0o640),
    ):
        (root / "etc" / name).write_text(text)
        (root / "etc" / name).chmod(mode)
    (root / "etc/fstab").write_text(FSTAB)
    cupsd = root / "etc/cups/cupsd.conf"
    if STOCK_CUPSD.exists():
        shutil.copyfile(STOCK_CUPSD, cupsd)
    else:
        cupsd.write_text("LogLevel warn\nListen localhost:631\n")
    cupsd.chmod(0o640)
    (root / "etc/dconf/profile").mkdir(parents=True)
    (root / "etc/dconf/profile/user").write_text(OLD_DCONF_PROFILE)
    return root


Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run() -> Run:
    """``python -m installer ARGS`` in this process: (exit status, what it printed)."""

    def call(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = main(list(args))
        return status, out.getvalue()

    return call


def picture(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``root``: kind, mode, owner, and content hash or link target."""
    seen: dict[str, tuple[object, ...]] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            info = path.lstat()
            key = "/" + str(path.relative_to(root))
            if path.is_symlink():
                seen[key] = ("link", os.readlink(path))
            elif path.is_dir():
                seen[key] = ("dir", oct(info.st_mode & 0o7777), info.st_uid, info.st_gid)
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                seen[key] = ("file", oct(info.st_mode & 0o7777), info.st_uid, info.st_gid, digest)
    return seen


def times(root: Path) -> dict[str, int]:
    """The modification time of every file (a second run must not touch them)."""
    return {str(path): path.lstat().st_mtime_ns for path in root.rglob("*") if not path.is_dir()}


def uid_of(root: Path, name: str) -> int:
    """A user's id from the target's passwd."""
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return int(fields[2])
    raise KeyError(name)


@pytest.fixture(scope="session")
def debs(tmp_path_factory: pytest.TempPathFactory) -> dict[Role, Path]:
    """Both Debian packages, built once for the session with the build command's own code
    (``python -m installer.deb``): minutes, most of them pip and dpkg-deb on Qt's files."""
    missing = [tool for tool in ("dpkg-buildpackage", "dh_virtualenv") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"cannot build the packages without {', '.join(missing)}")
    return build(tmp_path_factory.mktemp("debs"))


@pytest.fixture(scope="session")
def unpacked(debs: dict[Role, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[Role, Path]:
    """Each package's files extracted as ``dpkg`` would lay them out, under a folder each."""
    trees = {}
    for role, deb in debs.items():
        tree = tmp_path_factory.mktemp(f"unpacked-{role.value}")
        subprocess.run(["dpkg-deb", "--extract", str(deb), str(tree)], check=True)
        trees[role] = tree
    return trees
