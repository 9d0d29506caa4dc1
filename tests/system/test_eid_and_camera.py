"""The eID card's parts and the camera permissions in a real visitor session, as root,
without a card or a camera: what the kiosk installs is what the visitor's browsers load,
pcscd answers the visitor, and the wipe takes everything a session made with them.

The visitor, its tmpfs home and the real wiper are those of ``test_system_wiper``; the
home's skeleton and the browsers' policies are the kiosk installer's plan for that visitor.
The browsers and pcscd run in a private mount namespace (``eid_session.py``), so that the
machine's own files and its pcscd socket are never touched.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from test_system_wiper import (
    SEARCHED,
    TERM_GRACE,
    Visitor,
    _files_with,
    visitor,
)

from installer.kiosk import SKELETON_DIR, KioskOptions, kiosk_plan
from installer.plan import WriteFile
from kiosk.agent.config import packaged_skeleton
from kiosk.agent.system.mounts import SystemMounts, mounts_at
from kiosk.agent.system.processes import ProcProcesses, processes_of
from kiosk.agent.system_wiper import SystemParts, SystemWiper
from kiosk.core.model import ErasedKind
from kiosk.lockdown.session import CHROMIUM_POLICIES, FIREFOX_POLICIES
from kiosk.lockdown.smartcard import OPENSC_MODULE_NAME, opensc_module
from policies import parse_policy

__all__ = ["visitor"]  # the fixture, shared with the wipe's own tests

NEEDED = ("pcscd", "opensc-tool", "modutil", "firefox-esr", "chromium", "unshare", "setpriv")
NEEDED += ("openssl",)
MISSING = [name for name in NEEDED if shutil.which(name) is None]
NAMESPACE = ("unshare", "--mount", "--propagation", "slave")
SESSION = Path(__file__).with_name("eid_session.py")
MODULE_LOADED = re.compile(r"^P:(\d+);.*C_Initialize\(\) = CKR_OK", re.MULTILINE)

pytestmark = pytest.mark.root


def _wiper(visitor: Visitor, skeleton: Path) -> SystemWiper:
    parts = dataclasses.replace(SystemParts.real(), processes=ProcProcesses(term_grace=TERM_GRACE))
    return SystemWiper(
        visitor.account.name, visitor.home, skeleton, visitor.journal_path, parts=parts
    )


def _installed_kiosk(visitor: Visitor, root: Path, policy_text: str = "") -> Path:
    """Write, under ``root``, the home skeleton and browser policies the kiosk installer's
    plan holds for this visitor; the skeleton's folder."""
    packaged = packaged_skeleton()
    options = KioskOptions(
        policy=parse_policy(policy_text, "toml"),
        gate_backend=b"",
        skeleton=tuple(
            (PurePosixPath(p.relative_to(packaged).as_posix()), p.read_bytes())
            for p in sorted(packaged.rglob("*"))
            if p.is_file()
        ),
        visitor=visitor.account.name,
        visitor_home=PurePosixPath(str(visitor.home)),
    )
    wanted = {FIREFOX_POLICIES[1], CHROMIUM_POLICIES}
    for action in kiosk_plan(options).actions:
        if isinstance(action, WriteFile) and (
            action.path in wanted or SKELETON_DIR in action.path.parents
        ):
            target = root.joinpath(*action.path.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(action.content)
            target.chmod(action.mode)
    skeleton = root.joinpath(*SKELETON_DIR.parts[1:])
    for path in (root, *root.rglob("*")):
        if path.is_dir():
            path.chmod(0o755)
    return skeleton


def _pcscd_dir() -> Path:
    # The namespace mounts a tmpfs on it; the folder must exist (empty, as pcscd leaves it).
    folder = Path("/run/pcscd")
    folder.mkdir(mode=0o755, exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.skipif(bool(MISSING), reason=f"needs {', '.join(MISSING)}")
def test_the_visitors_browsers_load_the_eid_module_and_reach_pcscd(
    visitor: Visitor, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    # A policy that fills Firefox's Permissions and WebsiteFilter too, for Firefox to check.
    policy = '[web]\nblock = ["casino.example"]\ncamera_and_microphone_sites = ["meet.jit.si"]\n'
    skeleton = _installed_kiosk(visitor, tmp_path / "root", policy)
    wiper = _wiper(visitor, skeleton)
    wiper.prepare()
    nss = visitor.home / ".pki/nssdb/pkcs11.txt"
    assert nss.stat().st_uid == visitor.account.uid, "the visitor's browser may write it"

    spec = {
        "work": str(work),
        "home": str(visitor.home),
        "uid": visitor.account.uid,
        "gid": visitor.account.gid,
        "firefox_policies": str(tmp_path / "root" / str(FIREFOX_POLICIES[1]).lstrip("/")),
        "chromium_policies": str(tmp_path / "root" / str(CHROMIUM_POLICIES).lstrip("/")),
    }
    # Headless Chromium's --dump-dom goes through its developer tools, which the kiosk
    # forbids: the test's copy allows them, every other policy stays.
    chromium_policies = json.loads(Path(spec["chromium_policies"]).read_text())
    assert chromium_policies.pop("DeveloperToolsAvailability") == 2
    spec["chromium_policies"] = str(work / "chromium-policies.json")
    Path(spec["chromium_policies"]).write_text(json.dumps(chromium_policies))
    (work / "spec.json").write_text(json.dumps(spec))
    made_pcscd_dir = not Path("/run/pcscd").exists()
    _pcscd_dir()
    try:
        done = subprocess.run(
            [*NAMESPACE, sys.executable, str(SESSION), str(work / "spec.json")],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        if made_pcscd_dir:
            Path("/run/pcscd").rmdir()
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout)

    # pcscd answers a process of the visitor: no reader, but a PC/SC context. Its socket is
    # open to every local user, as Debian's pcscd.socket makes it (SocketMode=0666).
    assert seen["pcscd_socket_mode"] == "0o666"
    readers = str(seen["opensc_tool"]["out"])
    assert "No smart card readers found" in readers, readers
    assert "Service not available" not in readers and "SCardEstablishContext" not in readers

    # Firefox read the kiosk's policies, found no error in them, and loaded the module
    # into the visitor's profile.
    firefox = str(seen["firefox"]["out"])
    assert seen["firefox"]["status"] == 0, firefox
    assert "policies.json path = /usr/lib/firefox-esr/distribution/policies.json" in firefox
    assert "console.error: Enterprise Policies" not in firefox, firefox
    assert '"Permissions"' in firefox and '"https://meet.jit.si"' in firefox, "ours were read"
    assert f"library={opensc_module()}\nname={OPENSC_MODULE_NAME}" in str(seen["firefox_modules"])

    # Chromium opened the home's NSS database and loaded the module listed in the skeleton.
    chromium = str(seen["chromium"]["out"])
    assert seen["chromium"]["status"] == 0 and "<p>eID</p>" in chromium, chromium[-3000:]
    listing = str(seen["modutil"]["out"])
    assert re.search(rf"\d\. {re.escape(OPENSC_MODULE_NAME)}\n.*{opensc_module()}", listing)
    assert listing.count("status: loaded") == 2, listing  # NSS's own and OpenSC

    # OpenSC's log: both browsers initialised the module, each reached pcscd.
    log = str(seen["opensc_log"])
    assert len(set(MODULE_LOADED.findall(log))) >= 2, log[-3000:]
    assert "SCardEstablishContext failed" not in log

    # The wipe takes it all: the profile with its module, the NSS database, the logs.
    shutil.rmtree(work)
    assert _files_with(OPENSC_MODULE_NAME, (visitor.home,)), "found before the wipe"
    wiper.wipe()
    assert processes_of(Path("/proc"), visitor.account.uid) == []
    assert not mounts_at(SystemMounts().table(), visitor.home)
    assert not any(visitor.home.iterdir())
    assert (
        _files_with(OPENSC_MODULE_NAME, (Path("/home"), Path("/var/tmp"), Path("/dev/shm"))) == []
    )


# As the visitor: what a browser keeps after "Allow" on a video-call site's camera request.
GRANTS = r"""
import json, os, sqlite3, sys
marker, home = sys.argv[1], sys.argv[2]
site = f"https://interview-{marker}.example"
profile = f"{home}/.mozilla/firefox/abcd.default-release"
os.makedirs(profile)
with sqlite3.connect(f"{profile}/permissions.sqlite") as db:
    db.execute("create table moz_perms (id integer primary key, origin text, type text, "
               "permission integer, expireType integer, expireTime integer, "
               "modificationTime integer)")
    for kind in ("camera", "microphone"):
        db.execute("insert into moz_perms (origin, type, permission, expireType, expireTime, "
                   "modificationTime) values (?, ?, 1, 0, 0, 0)", (site, kind))
chromium = f"{home}/.config/chromium/Default"
os.makedirs(chromium)
granted = {f"{site}:443,*": {"setting": 1, "last_modified": "13370000000000000"}}
with open(f"{chromium}/Preferences", "w") as f:
    json.dump({"profile": {"content_settings": {"exceptions": {
        "media_stream_camera": granted, "media_stream_mic": granted}}}}, f)
"""


def test_camera_and_microphone_grants_of_a_session_go_with_the_wipe(
    visitor: Visitor, tmp_path: Path
) -> None:
    wiper = visitor.wiper()
    wiper.prepare()
    done = subprocess.run(
        visitor.python(GRANTS),
        **visitor.as_visitor(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = _files_with(visitor.marker, SEARCHED)
    assert {Path(p).name for p in found} == {"permissions.sqlite", "Preferences"}

    receipt = wiper.wipe()

    assert _files_with(visitor.marker, (*SEARCHED, tmp_path)) == []
    assert dict(receipt.erased)[ErasedKind.BROWSER.value] == 2
    wiper.prepare()  # the next visitor's fresh home holds no grant
    assert not (visitor.home / ".mozilla").exists()
    assert not (visitor.home / ".config/chromium").exists()
