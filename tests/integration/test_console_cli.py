"""``epn-console`` as an administrator runs it: create the first admin, start the server
(HTTPS with its own certificate, JSON logs on stderr, announced on the network), print a
pairing code that enrolls a PC, stop cleanly on SIGTERM."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.console_process import CLI, ServeProcess

from admin_console.server.tls import TlsFiles
from kiosk.agent.discovery import discover
from kiosk.agent.link import load_console_settings, normalise_fingerprint

KIOSK_CLI = [sys.executable, "-m", "kiosk.cli", "enroll"]
PASSWORD = "a long enough password"


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )


class Served(ServeProcess):
    """``epn-console serve`` on a data folder, on a free port."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        super().__init__(["--data-dir", str(data_dir), "--port", "0"], env)

    def wait_event(self, name: str, timeout: float = 20.0) -> dict[str, Any]:
        """The first log line of event ``name`` (within 20 s by default)."""
        return super().wait_event(name, timeout)

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM by its pid; its exit code."""
        return super().stop(timeout)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    done = run(
        "create-admin", "ada", "--password-stdin", "--data-dir", str(tmp_path), stdin=PASSWORD
    )
    assert done.returncode == 0, done.stderr
    server = Served(tmp_path)
    yield server
    server.stop()


def test_a_first_setup_from_the_command_line(served: Served, tmp_path: Path) -> None:
    listening = served.wait_event("console_listening")
    assert listening["tls"] is True
    assert listening["host"] == "127.0.0.1"
    base = f"https://127.0.0.1:{listening['port']}"
    verify = ssl.create_default_context(cafile=str(TlsFiles(tmp_path / "tls").ca_cert))
    with httpx.Client(base_url=base, verify=verify, timeout=10) as http:
        login = http.post("/api/login", json={"username": "ada", "password": PASSWORD})
        assert login.status_code == 200
        assert login.json()["role"] == "admin"
        printed = run("pairing-code", "--data-dir", str(tmp_path))
        assert printed.returncode == 0, printed.stderr
        code, detail = printed.stdout.splitlines()
        assert listening["fingerprint"] in detail
        enrolled = http.post("/api/enroll", json={"code": code, "name": "PC-01"})
        assert enrolled.status_code == 201
        # Its PCs' apt repository is there from the start, signed, empty.
        assert http.get("/apt/InRelease").text.startswith("-----BEGIN PGP SIGNED MESSAGE-----")
        assert http.get("/apt/Packages").content == b""
    assert served.stop() == 0
    assert served.wait_event("console_stopped")


def test_create_admin_refuses_a_short_password_and_a_taken_name(tmp_path: Path) -> None:
    short = run("create-admin", "ada", "--password-stdin", "--data-dir", str(tmp_path), stdin="abc")
    assert short.returncode == 1
    assert "at least 8 characters" in short.stderr
    ok = run("create-admin", "ada", "--password-stdin", "--data-dir", str(tmp_path), stdin=PASSWORD)
    assert ok.returncode == 0
    again = run(
        "create-admin", "ada", "--password-stdin", "--data-dir", str(tmp_path), stdin=PASSWORD
    )
    assert again.returncode == 1
    assert "taken" in again.stderr


def test_create_staff_makes_an_animator_once_and_if_missing_keeps_the_first_password(
    tmp_path: Path,
) -> None:
    def create(password: str, *options: str) -> subprocess.CompletedProcess[str]:
        return run(
            "create-staff", "--role", "animator", "--password-stdin", *options,
            "--data-dir", str(tmp_path), "ana", stdin=password,
        )  # fmt: skip

    assert create(PASSWORD).returncode == 0
    taken = create("another long password")
    assert (taken.returncode, "taken" in taken.stderr) == (1, True)
    kept = create("another long password", "--if-missing")
    assert kept.returncode == 0 and "exists" in kept.stdout
    bad_role = run("create-staff", "--role", "root", "ana", "--data-dir", str(tmp_path))
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    served = Served(tmp_path)
    try:
        base = f"https://127.0.0.1:{served.wait_event('console_listening')['port']}"
        verify = ssl.create_default_context(cafile=str(TlsFiles(tmp_path / "tls").ca_cert))
        with httpx.Client(base_url=base, verify=verify, timeout=10) as http:
            first = http.post("/api/login", json={"username": "ana", "password": PASSWORD})
            second = http.post(
                "/api/login", json={"username": "ana", "password": "another long password"}
            )
    finally:
        served.stop()
    assert (first.status_code, second.status_code) == (200, 401)
    assert first.json()["role"] == "animator"


def test_an_unreachable_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    done = run(
        "pairing-code",
        "--data-dir",
        str(tmp_path),
        "--database-url",
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    )
    assert done.returncode == 1
    assert "cannot upgrade the console database" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_data_folder_and_the_database_can_come_from_the_environment(tmp_path: Path) -> None:
    env = {"EPN_CONSOLE_DATA_DIR": str(tmp_path / "from-env")}
    made = run("create-admin", "ada", "--password-stdin", stdin=PASSWORD, env=env)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "from-env" / "console.db").is_file()
    # The same account, in the same folder: it is taken.
    again = run("create-admin", "ada", "--password-stdin", stdin=PASSWORD, env=env)
    assert again.returncode == 1 and "taken" in again.stderr
    # An option wins over the environment: another folder, no account there yet.
    other = tmp_path / "from-option"
    elsewhere = run(
        "create-admin", "ada", "--password-stdin", "--data-dir", str(other), stdin=PASSWORD, env=env
    )
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert (other / "console.db").is_file()


@pytest.mark.parametrize(
    ("words", "env", "field"),
    [
        (["--port", "many"], {}, "port"),
        ([], {"EPN_CONSOLE_PORT": "70000"}, "port"),
    ],
)
def test_a_bad_setting_refuses_to_serve_naming_it(
    tmp_path: Path, words: list[str], env: dict[str, str], field: str
) -> None:
    data = tmp_path / "data"
    done = run("serve", "--data-dir", str(data), *words, env=env)
    assert done.returncode == 2
    assert f"epn-console: bad configuration: {field}: " in done.stderr
    assert "Traceback" not in done.stderr
    assert not data.exists(), "nothing is made before refusing"


def test_a_served_console_is_found_on_the_network_and_a_pc_pairs_with_the_code_alone(
    tmp_path: Path,
) -> None:
    # Announced, as outside the tests (tests/conftest.py keeps consoles quiet).
    served = Served(tmp_path / "console", env={"EPN_CONSOLE_ANNOUNCE": "true"})
    try:
        listening = served.wait_event("console_listening")
        announced = served.wait_event("console_announced")
        assert announced["port"] == listening["port"]
        # Real multicast DNS, on the loopback interface the console listens on.
        found = discover(20, interfaces=["127.0.0.1"], enough=1)
        assert [(c.url, c.version) for c in found] == [
            (f"https://127.0.0.1:{listening['port']}", 1)
        ]
        printed = run("pairing-code", "--data-dir", str(tmp_path / "console"))
        code = printed.stdout.splitlines()[0]
        pc = tmp_path / "pc"
        pairing = ["--console", found[0].url, "--code", code.lower(), "--name", "PC-07"]
        enrolled = subprocess.run(
            [*KIOSK_CLI, *pairing, "--data-dir", str(pc), "--insecure"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert enrolled.returncode == 0, enrolled.stderr
        assert "Enrolled as 'PC-07'" in enrolled.stdout
        saved = load_console_settings(pc / "console.json")
        assert saved is not None
        assert saved.fingerprint_sha256 == normalise_fingerprint(listening["fingerprint"])
    finally:
        assert served.stop() == 0


def test_a_console_without_gpg_still_serves_its_room_and_says_why_pcs_get_no_updates(
    tmp_path: Path,
) -> None:
    served = Served(tmp_path, env={"PATH": str(tmp_path / "no-programs")})
    try:
        missing = served.wait_event("apt_repository_unavailable")
        assert "gpg is missing" in missing["reason"]
        listening = served.wait_event("console_listening")
        verify = ssl.create_default_context(cafile=str(TlsFiles(tmp_path / "tls").ca_cert))
        base = f"https://127.0.0.1:{listening['port']}"
        with httpx.Client(base_url=base, verify=verify, timeout=10) as http:
            assert http.get("/openapi.json").status_code == 200  # the console answers
            assert http.get("/apt/InRelease").status_code == 404
    finally:
        assert served.stop() == 0
