"""A PC paired with its console takes its updates from the console's signed repository: real
pairing writes the apt source, key and CA; real ``apt-get update`` (on private state, never
the machine's) finds the packages the console published, over TLS trusting the console's CA
for that host only. And apt refuses: an index signed by another key, an index altered after
signing, an unsigned repository, a machine in the middle with its own certificate."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import ssl
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.apt_client import PrivateApt, build_deb
from helpers.console_server import ConsoleServer, StaffLogin
from helpers.tls_intercept import TlsInterceptor

from admin_console.server.auth import Role
from admin_console.server.tls import ensure_tls
from kiosk.agent.apt_source import APT_CONF, CA, KEYRING, SOURCES
from kiosk.agent.config import AgentConfig
from kiosk.agent.enroll import enroll

pytestmark = pytest.mark.root  # apt downloads as its _apt user


@pytest.fixture
def folder() -> Iterator[Path]:
    """Short, and open to apt's _apt user on the way down (pytest's tmp_path is 0700)."""
    made = Path(tempfile.mkdtemp(prefix="epna"))
    os.chmod(made, 0o755)
    yield made
    shutil.rmtree(made, ignore_errors=True)


def _console(folder: Path, names: list[str] | None = None) -> ConsoleServer:
    if names is not None:  # a certificate made for these names only
        ensure_tls(folder, names)
    server = ConsoleServer(folder, tls=True).start()
    server.console.apt.ensure()  # as `epn-console serve` does
    return server


@pytest.fixture
def server(folder: Path) -> Iterator[ConsoleServer]:
    server = _console(folder / "console")
    yield server
    server.stop()


def _pair(server: ConsoleServer, pc: Path) -> None:
    """Pair the PC ``pc`` with ``server`` as staff do: a code, then ``epn-kiosk enroll``'s
    work, its apt files under ``pc/root``."""
    code = _code(server, server.add_staff("ada", Role.ADMIN))
    (pc / "agent").mkdir(parents=True, exist_ok=True)
    config = AgentConfig(data_dir=pc / "agent", sandbox=True, apt_root=pc / "root")
    enroll(server.url, code, name="PC-01", location="", config=config, say=lambda _: None)


def _code(server: ConsoleServer, admin: StaffLogin) -> str:
    assert server.tls is not None
    trust = ssl.create_default_context(cafile=str(server.tls.ca_cert))
    trust.check_hostname = False  # some consoles here are named "localhost" only
    with server.client(admin, verify=trust) as http:
        return str(http.post("/api/pairing-codes").json()["code"])


def _apt(folder: Path) -> PrivateApt:
    return PrivateApt(folder / "apt-state", folder / "pc" / "root")


def test_a_paired_pc_updates_from_its_console_and_sees_the_published_package(
    server: ConsoleServer, folder: Path
) -> None:
    _pair(server, folder / "pc")
    root = folder / "pc" / "root"
    sources = (root / SOURCES).read_text()
    assert f"URIs: https://127.0.0.1:{server.port}/apt/\n" in sources
    assert f"Signed-By: {root / KEYRING}\n" in sources
    assert (root / CA).read_text() == (server.data_dir / "tls/ca.pem").read_text()
    conf = (root / APT_CONF).read_text()
    assert f'Acquire::https::127.0.0.1::CaInfo "{root / CA}";' in conf
    assert "Verify-Host" not in conf  # the certificate names 127.0.0.1: apt checks it too
    apt = _apt(folder)
    # Nothing published yet: apt updates without an error, and offers nothing.
    empty = apt.update()
    assert empty.returncode == 0, empty.output
    assert "E:" not in empty.output and "W:" not in empty.output
    assert apt.candidate("epn-kiosk") is None
    server.console.apt.publish([build_deb(folder, "epn-kiosk", "99.0")])
    done = apt.update()
    assert done.returncode == 0, done.output
    assert "W:" not in done.output
    assert apt.candidate("epn-kiosk") == "99.0"
    policy = apt.run("apt-cache", "policy", "epn-kiosk").output
    assert f"https://127.0.0.1:{server.port}/apt ./ Packages" in policy
    # A second publish at once (the same second, on a fast machine) is seen too.
    server.console.apt.publish([build_deb(folder, "epn-kiosk", "99.1")])
    again = apt.update()
    assert again.returncode == 0, again.output
    assert apt.candidate("epn-kiosk") == "99.1"


def _resign(served: Path, folder: Path) -> None:
    """Sign the served Release again with a key of another machine."""
    home = Path(tempfile.mkdtemp(prefix="g", dir=folder))
    env = {**os.environ, "GNUPGHOME": str(home)}
    gpg = ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""]
    try:
        subprocess.run(
            [*gpg, "--quick-generate-key", "Someone else", "ed25519", "sign", "never"],
            env=env,
            check=True,
            capture_output=True,
        )
        for name in ("InRelease", "Release.gpg"):
            (served / name).unlink()
        release = str(served / "Release")
        subprocess.run(
            [*gpg, "--clearsign", "--output", str(served / "InRelease"), release],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*gpg, "--armor", "--detach-sign", "--output", str(served / "Release.gpg"), release],
            env=env,
            check=True,
            capture_output=True,
        )
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=env, check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def _forge_index(served: Path, version: str, *, new_release: bool) -> None:
    """Serve an index that lists ``version`` instead; with ``new_release``, a Release that
    names it (unsigned), else under the names the signed Release gave the genuine one."""
    genuine = {name: (served / name).read_bytes() for name in ("Packages", "Packages.gz")}
    index = genuine["Packages"].replace(b"Version: 99.0\n", f"Version: {version}\n".encode())
    assert index != genuine["Packages"]
    forged = {"Packages": index, "Packages.gz": gzip.compress(index, mtime=0)}
    for name, data in forged.items():
        (served / name).unlink()  # hard links: the genuine file elsewhere stays as it was
        (served / name).write_bytes(data)
    for algorithm in ("SHA256", "SHA512"):
        by_hash = served / "by-hash" / algorithm
        shutil.rmtree(by_hash)
        by_hash.mkdir()
        if new_release:
            for data in forged.values():
                (by_hash / hashlib.new(algorithm, data).hexdigest()).write_bytes(data)
        else:
            # apt asks by the hash it trusts, and gets the forgery.
            for name, data in genuine.items():
                (by_hash / hashlib.new(algorithm, data).hexdigest()).write_bytes(forged[name])
    if new_release:
        release = subprocess.run(
            [
                "apt-ftparchive",
                "-o",
                "APT::FTPArchive::Release::Acquire-By-Hash=yes",
                "release",
                ".",
            ],
            cwd=served,
            check=True,
            capture_output=True,
        ).stdout
        (served / "Release").unlink()
        (served / "Release").write_bytes(release)


@pytest.mark.parametrize("attack", ["another key", "altered index", "unsigned"])
def test_apt_refuses_a_repository_that_the_console_key_does_not_vouch_for(
    server: ConsoleServer, folder: Path, attack: str
) -> None:
    _pair(server, folder / "pc")
    server.console.apt.publish([build_deb(folder, "epn-kiosk", "99.0")])
    apt = _apt(folder)
    assert apt.update().returncode == 0
    served = server.console.apt.served.resolve()
    if attack == "another key":
        _forge_index(served, "99.9", new_release=True)
        _resign(served, folder)
        refusal = "NO_PUBKEY"
    elif attack == "altered index":
        _forge_index(served, "99.9", new_release=False)
        refusal = "Hashes of expected file"  # its size or its hash: what Release signed
    else:
        _forge_index(served, "99.9", new_release=True)
        for name in ("InRelease", "Release.gpg"):
            (served / name).unlink()
        refusal = "is not signed"
    # (99.9: as long as 99.0, so that only the hashes can tell.)
    # The PC that updated before keeps what it had: the forgery is never a candidate.
    # (apt keeps the old index and says so: for a bad signature only with a warning.)
    again = apt.update()
    assert "99.9" not in again.output
    assert apt.candidate("epn-kiosk") == "99.0"
    # A PC that never updated gets nothing, and apt says why.
    fresh = PrivateApt(folder / "fresh-state", folder / "pc" / "root")
    done = fresh.update()
    assert refusal in done.output, done.output
    assert fresh.candidate("epn-kiosk") is None


def test_a_machine_in_the_middle_is_refused_even_where_the_host_name_is_not_checked(
    folder: Path,
) -> None:
    # The console's certificate names "localhost" only, and the PC reaches it by address:
    # apt cannot check the host name, so the CA alone must refuse anyone else.
    server = _console(folder / "console", names=["localhost"])
    middle: TlsInterceptor | None = None
    try:
        _pair(server, folder / "pc")
        root = folder / "pc" / "root"
        assert 'Acquire::https::127.0.0.1::Verify-Host "false";' in (root / APT_CONF).read_text()
        server.console.apt.publish([build_deb(folder, "epn-kiosk", "99.0")])
        apt = _apt(folder)
        done = apt.update()
        assert done.returncode == 0, done.output
        assert apt.candidate("epn-kiosk") == "99.0"
        # Now the network sends the PC to a machine in the middle (its own certificate).
        middle = TlsInterceptor(folder / "impostor", server.port)
        sources = (root / SOURCES).read_text()
        (root / SOURCES).write_text(sources.replace(f":{server.port}/", f":{middle.port}/"))
        shutil.rmtree(folder / "apt-state")
        fresh = _apt(folder)
        refused = fresh.update()
        assert "Certificate verification failed" in refused.output, refused.output
        assert fresh.candidate("epn-kiosk") is None
        assert b"GET /apt" not in bytes(middle.seen)  # no request ever left the PC
    finally:
        if middle is not None:
            middle.stop()
        server.stop()


def test_pairing_with_another_console_replaces_the_source_and_its_key(
    server: ConsoleServer, folder: Path
) -> None:
    _pair(server, folder / "pc")
    root = folder / "pc" / "root"
    first_key = (root / KEYRING).read_bytes()
    other = _console(folder / "other")
    try:
        other.console.apt.publish([build_deb(folder, "epn-kiosk", "101.0")])
        server.console.apt.publish([build_deb(folder / "pc", "epn-kiosk", "99.0")])
        _pair(other, folder / "pc")
        assert f":{other.port}/apt/" in (root / SOURCES).read_text()
        assert (root / KEYRING).read_bytes() != first_key
        assert (root / CA).read_text() == (other.data_dir / "tls/ca.pem").read_text()
        apt = _apt(folder)
        assert apt.update().returncode == 0
        assert apt.candidate("epn-kiosk") == "101.0"
    finally:
        other.stop()
