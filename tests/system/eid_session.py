"""What a visitor's session does with the eID card's parts, without a card: run as root in a
private mount namespace (``unshare --mount --propagation slave``), so that nothing of the
machine changes.

In the namespace: the kiosk's generated browser policies are where Firefox and Chromium read
them, a private pcscd runs with its socket on a tmpfs over ``/run/pcscd``; then, as the
visitor (uid, gid, no other group, HOME the session's home): ``opensc-tool -l``, Firefox
ESR headless, Chromium headless opening a local https page (NSS starts with the first
certificate), ``modutil -list`` on the home's NSS database. OpenSC's own debug log (in the
home) says which process loaded its module and whether it reached pcscd. Prints one JSON
object with every output, then stops pcscd by its pid.

Usage: eid_session.py SPEC.json (see ``test_eid.py``).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
FIREFOX_DISTRIBUTION = Path("/usr/lib/firefox-esr/distribution")
FIREFOX_DEFAULT_PREFS = Path("/usr/lib/firefox-esr/defaults/pref")
CHROMIUM_ETC = Path("/etc/chromium")
FIREFOX = ("firefox-esr", "--headless", "--no-remote")
# The test's page has a self-signed certificate.
CHROMIUM = (
    "chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--ignore-certificate-errors",
)
SELF_SIGNED = ("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj")
SELF_SIGNED += ("/CN=localhost",)
# Firefox prints the policy engine's messages, its schema errors included, on stdout.
LOG_PREFS = (
    'pref("browser.policies.loglevel", "debug");\n'
    'pref("devtools.console.stdout.chrome", true);\n'
    'pref("browser.dom.window.dump.enabled", true);\n'
)


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def as_visitor(spec: dict[str, object], argv: list[str], timeout: float = 60) -> dict[str, object]:
    """Run ``argv`` as the visitor; its exit status and output."""
    home = str(spec["home"])
    env = {
        "HOME": home,
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OPENSC_CONF": f"{home}/opensc.conf",
        "TMPDIR": home,
    }
    visitor_ids = ["setpriv", f"--reuid={spec['uid']}", f"--regid={spec['gid']}", "--clear-groups"]
    try:
        done = subprocess.run(
            [*visitor_ids, *argv],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as late:
        # What it said until then; the wipe stops what it left running.
        said = [
            x.decode(errors="replace") if isinstance(x, bytes) else x or ""
            for x in (late.stdout, late.stderr)
        ]
        return {"status": "timeout", "out": "".join(said)}
    return {"status": done.returncode, "out": done.stdout + done.stderr}


def https_server(work: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    """A local https page on a free port (a self-signed certificate: Chromium is told to
    accept it)."""
    subprocess.run(
        [*SELF_SIGNED, "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
        check=True,
        capture_output=True,
    )
    site = work / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>eID</p>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(work / "cert.pem", work / "key.pem")
    # The handshake in the connection's own thread: a browser's idle preconnection must not
    # hold the accepting loop.
    server.socket = context.wrap_socket(
        server.socket, server_side=True, do_handshake_on_connect=False
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    work = Path(spec["work"])
    home = Path(spec["home"])

    # The kiosk's policies where the browsers read them, in this namespace only.
    distribution = work / "distribution"
    distribution.mkdir()
    shutil.copyfile(spec["firefox_policies"], distribution / "policies.json")
    mount("--bind", str(distribution), str(FIREFOX_DISTRIBUTION))
    prefs = work / "prefs"
    shutil.copytree(FIREFOX_DEFAULT_PREFS, prefs)
    (prefs / "epn-test-log.js").write_text(LOG_PREFS)
    mount("--bind", str(prefs), str(FIREFOX_DEFAULT_PREFS))
    chromium_etc = work / "chromium-etc"
    shutil.copytree(CHROMIUM_ETC, chromium_etc)
    (chromium_etc / "policies/managed").mkdir(parents=True)
    shutil.copyfile(spec["chromium_policies"], chromium_etc / "policies/managed/epn-kiosk.json")
    mount("--bind", str(chromium_etc), str(CHROMIUM_ETC))
    for folder in (distribution, prefs, chromium_etc):
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)

    # OpenSC writes a debug log in the home: which process loaded it, whether pcscd answered.
    opensc_conf = home / "opensc.conf"
    opensc_conf.write_text(f"app default {{\n  debug = 3;\n  debug_file = {home}/opensc.log;\n}}\n")
    os.chown(opensc_conf, spec["uid"], spec["gid"])

    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", str(PCSCD_SOCKET.parent))
    pcscd = subprocess.Popen(
        ["pcscd", "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    results: dict[str, object] = {}
    server = None
    try:
        deadline = time.monotonic() + 30
        while not PCSCD_SOCKET.is_socket():
            if pcscd.poll() is not None or time.monotonic() > deadline:
                print(json.dumps({"error": "pcscd did not open its socket"}))
                return 1
            time.sleep(0.02)
        results["pcscd_socket_mode"] = oct(PCSCD_SOCKET.stat().st_mode & 0o777)
        results["opensc_tool"] = as_visitor(spec, ["opensc-tool", "--list-readers"])
        profile = home / ".mozilla/firefox/kiosk"
        profile.mkdir(parents=True)
        for folder in (profile, profile.parent, profile.parent.parent):
            os.chown(folder, spec["uid"], spec["gid"])
        results["firefox"] = as_visitor(
            spec,
            [
                *FIREFOX,
                "--profile",
                str(profile),
                "--screenshot",
                str(home / "ff.png"),
                "about:blank",
            ],
        )
        results["firefox_modules"] = _read(profile / "pkcs11.txt")
        server, port = https_server(work)
        results["chromium"] = as_visitor(
            spec,
            [*CHROMIUM, "--dump-dom", f"https://127.0.0.1:{port}/"],
        )
        results["modutil"] = as_visitor(
            spec, ["modutil", "-list", "-dbdir", f"sql:{home}/.pki/nssdb"]
        )
        results["opensc_log"] = _read(home / "opensc.log")
    finally:
        if server is not None:
            server.shutdown()
        pcscd.terminate()
        try:
            pcscd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pcscd.kill()
            pcscd.wait(timeout=10)
    print(json.dumps(results))
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
