"""The console's apt repository, from the console's side: ``epn-console publish`` signs what
it serves with the console's own key (real gpg, checked with gpgv as apt does), keeps the
newest versions, refuses what is not this project's package and changes nothing then; a PC
reading during a publish still finds what its Release names; the files are served read-only
to anyone, and nothing outside the repository ever is; the room flags a PC that runs an
older kiosk package than the one published; a backup carries the archive key."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.apt_client import build_deb
from helpers.console_server import ConsoleServer, KioskSocket

from admin_console.server.apt_repo import AptRepoError, AptRepository
from admin_console.server.backup import back_up, ensure_backup_code, restore
from epn_shared.version import installed_version

CLI = [sys.executable, "-m", "admin_console.cli"]


def publish(*args: str) -> subprocess.CompletedProcess[str]:
    """``epn-console publish ARGS`` as staff type it."""
    return subprocess.run(
        [*CLI, "publish", *args], check=False, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ConsoleServer]:
    """A console as ``epn-console serve`` starts it: its empty signed index made."""
    with ConsoleServer(tmp_path / "console", tls=True) as console:
        console.console.apt.ensure()
        yield console


@pytest.fixture
def debs(tmp_path: Path) -> Path:
    folder = tmp_path / "debs"
    folder.mkdir()
    return folder


def _get(server: ConsoleServer, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP/1.1 request: the path exactly as written (no client cleans it up)."""
    assert server.tls is not None
    context = ssl.create_default_context(cafile=str(server.tls.ca_cert))
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as plain,
        context.wrap_socket(plain, server_hostname="127.0.0.1") as raw,
    ):
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
        raw.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), fields, body


def _gpgv(folder: Path, keyring: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    ring = folder / "ring.gpg"
    ring.write_bytes(keyring)
    return subprocess.run(
        ["gpgv", "--keyring", str(ring), *args], capture_output=True, timeout=30, check=False
    )


def test_a_published_package_is_served_with_an_index_signed_by_the_console_key(
    server: ConsoleServer, debs: Path, tmp_path: Path
) -> None:
    deb = build_deb(debs, "epn-kiosk", "99.0")
    done = server.console.apt.publish([deb])
    assert [(p.name, p.version) for p in done.added] == [("epn-kiosk", "99.0")]
    with server.client() as http:
        key = http.get("/apt/archive-key.gpg")
        index = http.get("/apt/Packages")
        release = http.get("/apt/Release")
        in_release = http.get("/apt/InRelease")
        detached = http.get("/apt/Release.gpg")
        pool = http.get("/apt/pool/epn-kiosk_99.0_all.deb")
    assert key.headers["content-type"] == "application/pgp-keys"
    assert pool.headers["content-type"] == "application/vnd.debian.binary-package"
    assert pool.content == deb.read_bytes()
    assert "Package: epn-kiosk\nArchitecture: all\nVersion: 99.0\n" in index.text
    assert "Filename: pool/epn-kiosk_99.0_all.deb" in index.text
    # Both signatures hold under the key the console hands its PCs, as gpgv checks them.
    (tmp_path / "InRelease").write_bytes(in_release.content)
    (tmp_path / "Release").write_bytes(release.content)
    (tmp_path / "Release.gpg").write_bytes(detached.content)
    assert _gpgv(tmp_path, key.content, str(tmp_path / "InRelease")).returncode == 0
    checked = _gpgv(tmp_path, key.content, str(tmp_path / "Release.gpg"), str(tmp_path / "Release"))
    assert checked.returncode == 0
    # And Release vouches for this very index.
    assert hashlib.sha256(index.content).hexdigest() in release.text
    assert "Acquire-By-Hash: yes" in release.text


def test_the_newest_two_versions_stay_unless_told_otherwise(
    server: ConsoleServer, debs: Path
) -> None:
    apt = server.console.apt
    for version in ("1.0", "1.10", "1.9"):
        apt.publish([build_deb(debs, "epn-kiosk", version)])
    # Debian's order: 1.10 is newer than 1.9.
    assert [p.version for p in apt.packages()] == ["1.10", "1.9"]
    assert apt.newest_version() == "1.10"
    done = apt.publish([build_deb(debs, "epn-console", "1.10")], keep=1)
    assert [(p.name, p.version) for p in done.removed] == [("epn-kiosk", "1.9")]
    assert [(p.name, p.version) for p in apt.packages()] == [
        ("epn-console", "1.10"),
        ("epn-kiosk", "1.10"),
    ]
    with server.client() as http:
        assert http.get("/apt/pool/epn-kiosk_1.9_all.deb").status_code == 404


def _served(apt: AptRepository) -> tuple[str, bytes, bytes]:
    return (
        os.readlink(apt.served),
        (apt.served / "Packages").read_bytes(),
        (apt.served / "InRelease").read_bytes(),
    )


def test_what_is_not_a_package_of_this_project_is_refused_and_the_repository_kept(
    server: ConsoleServer, debs: Path
) -> None:
    apt = server.console.apt
    apt.publish([build_deb(debs, "epn-kiosk", "1.0")])
    before = _served(apt)
    text = debs / "epn-kiosk_2.0_all.deb"
    text.write_text("not a package\n")
    with pytest.raises(AptRepoError, match=r"epn-kiosk_2\.0_all\.deb: not a Debian package"):
        apt.publish([text])
    foreign = build_deb(debs, "firefox-esr", "999.0")
    good = build_deb(debs, "epn-kiosk", "2.0")
    with pytest.raises(AptRepoError, match="'firefox-esr' is not one of EPN Kiosk's"):
        apt.publish([good, foreign])  # all or nothing: the good one is not added either
    with pytest.raises(AptRepoError, match="no such file"):
        apt.publish([debs / "missing.deb"])
    assert _served(apt) == before
    assert sorted(p.name for p in apt.folder.iterdir() if p.name.startswith(".gnupg")) == []


def test_the_command_publishes_and_says_what_it_refused(server: ConsoleServer, debs: Path) -> None:
    data = ["--data-dir", str(server.data_dir)]
    first = build_deb(debs, "epn-kiosk", "3.0")
    done = publish(*data, str(first))
    assert done.returncode == 0, done.stderr
    assert "published: epn-kiosk 3.0 (all)" in done.stdout
    assert "the room's PCs now find: epn-kiosk 3.0" in done.stdout
    foreign = build_deb(debs, "cowsay", "1.0")
    refused = publish(*data, str(foreign))
    assert refused.returncode == 1
    assert "'cowsay' is not one of EPN Kiosk's" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert server.console.apt.newest_version() == "3.0"


def test_a_pc_that_read_the_old_release_still_finds_the_index_it_names(
    server: ConsoleServer, debs: Path
) -> None:
    apt = server.console.apt
    apt.publish([build_deb(debs, "epn-kiosk", "1.0")])
    with server.client() as http:
        old_release = http.get("/apt/InRelease").text
        # A publish lands between the PC's InRelease and its index (apt asks by hash).
        apt.publish([build_deb(debs, "epn-kiosk", "2.0")])
        [(digest, name)] = re.findall(r"^ ([0-9a-f]{128}) +\d+ (Packages)$", old_release, re.M)
        old_index = http.get(f"/apt/by-hash/SHA512/{digest}")
        new_release = http.get("/apt/InRelease").text
        new_index = http.get("/apt/Packages")
    assert old_index.status_code == 200
    assert hashlib.sha512(old_index.content).hexdigest() == digest
    assert b"Version: 1.0" in old_index.content and b"Version: 2.0" not in old_index.content
    # The new Release names the new index, and no mix is ever served.
    assert hashlib.sha512(new_index.content).hexdigest() in new_release
    assert name == "Packages"


SECRET_FILES = ("tls/ca.key", "tls/server.key", "tls/archive-key.asc", "console.db")


@pytest.mark.parametrize(
    "path",
    [
        "/apt/../tls/ca.key",
        "/apt/../../tls/server.key",
        "/apt/pool/../../../tls/archive-key.asc",
        "/apt/..%2ftls%2fca.key",
        "/apt/%2e%2e/%2e%2e/tls/ca.key",
        "/apt/%2e%2e%2f%2e%2e%2ftls%2fserver.key",
        "/apt/pool/..%2f..%2f..%2ftls%2farchive-key.asc",
        "/apt//etc/passwd",
        "/apt/%2fetc%2fpasswd",
        "/apt/..\\..\\tls\\ca.key",
        "/apt/stolen",
        "/apt/pool/stolen.deb",
        "/apt/",
        "/apt/pool/",
        "/apt/%00",
    ],
)
def test_nothing_outside_the_repository_is_ever_served(server: ConsoleServer, path: str) -> None:
    served = server.console.apt.served.resolve()
    # Links planted inside the repository, to the console's keys, are not followed out.
    (served / "stolen").symlink_to(server.data_dir / "tls" / "ca.key")
    (served / "pool" / "stolen.deb").symlink_to(server.data_dir / "tls" / "archive-key.asc")
    assert _get(server, "/apt/InRelease")[0] == 200  # the same request, to a served file
    status, _, body = _get(server, path)
    assert status in (400, 404), (path, status)
    for name in SECRET_FILES:
        secret = server.data_dir / name
        if secret.exists():
            assert secret.read_bytes()[:64] not in body
    assert b"root:x:0:0" not in body


def test_the_repository_is_read_only(server: ConsoleServer) -> None:
    with server.client() as http:
        for method in ("POST", "PUT", "DELETE"):
            answer = http.request(method, "/apt/Packages", content=b"Package: evil\n")
            assert answer.status_code == 405
        assert b"evil" not in http.get("/apt/Packages").content


def test_head_and_if_modified_since_answer_as_apt_expects(server: ConsoleServer) -> None:
    with server.client() as http:
        full = http.get("/apt/InRelease")
        head = http.head("/apt/InRelease")
        again = http.get(
            "/apt/InRelease", headers={"If-Modified-Since": full.headers["last-modified"]}
        )
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert again.status_code == 304 and again.content == b""


def test_a_publish_within_the_second_of_the_one_before_is_not_answered_not_modified(
    server: ConsoleServer, debs: Path
) -> None:
    """apt asks for InRelease with If-Modified-Since, in whole seconds."""
    with server.client() as http:
        before = http.get("/apt/InRelease")
        server.console.apt.publish([build_deb(debs, "epn-kiosk", "99.0")])
        server.console.apt.publish([build_deb(debs, "epn-kiosk", "99.1")])
        after = http.get(
            "/apt/InRelease", headers={"If-Modified-Since": before.headers["last-modified"]}
        )
        last = http.get(
            "/apt/InRelease", headers={"If-Modified-Since": after.headers["last-modified"]}
        )
    assert after.status_code == 200 and "99.1" not in before.text
    assert last.status_code == 304  # and nothing new is still answered 304
    index = server.console.apt.served / "Packages"
    assert hashlib.sha256(index.read_bytes()).hexdigest() in after.text


def test_the_repository_is_not_part_of_the_staff_api(server: ConsoleServer) -> None:
    with server.client() as http:
        paths = http.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/apt")]


def test_a_console_that_published_nothing_serves_an_empty_signed_index(
    server: ConsoleServer, tmp_path: Path
) -> None:
    with server.client() as http:
        key = http.get("/apt/archive-key.gpg").content
        (tmp_path / "InRelease").write_bytes(http.get("/apt/InRelease").content)
        assert http.get("/apt/Packages").content == b""
        assert http.get("/apt/ca.pem").text == (server.data_dir / "tls/ca.pem").read_text()
    assert _gpgv(tmp_path, key, str(tmp_path / "InRelease")).returncode == 0
    assert server.console.apt.newest_version() is None


def _left_behind(server: ConsoleServer, token: str) -> dict[str, object]:
    with server.client(token) as http:
        return {pc["name"]: pc["left_behind"] for pc in http.get("/api/kiosks").json()}


def test_a_pc_is_flagged_when_it_runs_an_older_kiosk_package_than_the_one_published(
    server: ConsoleServer, debs: Path
) -> None:
    admin, [(_, current), (_, newest)] = server.admin_and_pcs("PC-01", "PC-02")
    with KioskSocket(server, current), KioskSocket(server, newest, agent_version="99.0"):
        # Nothing published: the console's own version is the one to run.
        assert _left_behind(server, admin.token) == {"PC-01": False, "PC-02": False}
        server.console.apt.publish([build_deb(debs, "epn-kiosk", "99.0-1")])
        # Now the PCs can get 99.0 (its Debian revision aside): PC-01 did not.
        assert _left_behind(server, admin.token) == {"PC-01": True, "PC-02": False}
        # A console package published alone changes nothing for the PCs.
        server.console.apt.publish([build_deb(debs, "epn-console", "120.0")])
        assert _left_behind(server, admin.token) == {"PC-01": True, "PC-02": False}
    assert installed_version() != "99.0"


def test_a_restored_console_signs_with_the_key_its_pcs_trust(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    old = AptRepository(tmp_path / "old")
    old.ensure()
    trusted = (old.served / "archive-key.gpg").read_bytes()
    with ConsoleServer(tmp_path / "old"):  # the database a backup needs
        pass
    made = back_up(tmp_path / "old", usb)
    restore(made.path, ensure_backup_code(tmp_path / "old"), tmp_path / "new")
    new = AptRepository(tmp_path / "new")
    new.ensure()
    with tempfile.TemporaryDirectory() as folder:
        checked = _gpgv(Path(folder), trusted, str(new.served / "InRelease"))
    assert checked.returncode == 0, checked.stderr


@pytest.mark.root
def test_root_publishes_from_a_stick_only_root_reads_and_the_repository_stays_the_console_s(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # The console's own folder, where its user can reach it (pytest's folder is root's only).
    data = Path(tempfile.mkdtemp(prefix="epn-console-")) / "console"
    request.addfinalizer(lambda: shutil.rmtree(data.parent))
    data.parent.chmod(0o755)
    data.mkdir()
    os.chown(data, 65534, 65534)  # the console's own user
    stick = tmp_path / "stick"
    stick.mkdir(mode=0o700)  # a USB stick mounted for root: the console's user cannot read it
    deb = build_deb(stick, "epn-kiosk", "3.0")
    deb.chmod(0o600)
    done = publish("--data-dir", str(data), str(deb))
    assert done.returncode == 0, done.stderr
    assert "the room's PCs now find: epn-kiosk 3.0" in done.stdout
    owners = {path: path.lstat().st_uid for path in data.rglob("*")}
    assert owners and set(owners.values()) == {65534}, owners  # nothing belongs to root
    assert AptRepository(data).newest_version("epn-kiosk") == "3.0"

    refused = publish("--data-dir", str(data), str(tmp_path / "missing.deb"))
    assert refused.returncode == 1 and "cannot read" in refused.stderr
    assert AptRepository(data).newest_version("epn-kiosk") == "3.0"  # still served
