"""``epn-kiosk enroll URL CODE``: join this PC to a console with a one-time pairing code.

1. Fetch the console's certificate and print its SHA-256 fingerprint (trust on first use:
   the installer shows it, staff compare it with the one the console shows; or pass
   ``--expect-fingerprint`` and a different certificate is refused).
2. ``POST /api/enroll`` over TLS that trusts that certificate only.
3. Keep the kiosk's token with keyring on the pinned file backend in the secrets folder
   (0700, see :mod:`kiosk.agent.secrets`), then the console's WebSocket URL and the
   fingerprint in ``console.json`` in the agent's config folder. The agent starts its link
   at its next start.
"""

from __future__ import annotations

import argparse
import platform
import ssl
import sys
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import ValidationError

from epn_shared.protocol import EnrollRequest, EnrollResponse
from epn_shared.settings_cli import add_options, settings_from
from kiosk.agent.config import AgentConfig
from kiosk.agent.errors import AgentError, StartRefused
from kiosk.agent.link import (
    ConsoleSettings,
    display_fingerprint,
    fingerprint,
    normalise_fingerprint,
    save_console_settings,
)
from kiosk.agent.secrets import KeyringTokens

TIMEOUT_SECONDS = 15.0


class EnrollFailed(AgentError):
    """Enrollment did not happen; the message says why and what to do."""


def fetch_certificate(host: str, port: int) -> str:
    """The PEM certificate the server at ``host:port`` shows (not verified: TOFU)."""
    try:
        return ssl.get_server_certificate((host, port), timeout=TIMEOUT_SECONDS)
    except OSError as exc:
        raise EnrollFailed(f"cannot reach the console at {host}:{port}: {exc}") from exc


def pinned_context(pem: str) -> ssl.SSLContext:
    """TLS that trusts exactly this certificate (as its own trust anchor), nothing else."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # the certificate itself is pinned, whatever its names
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.load_verify_locations(cadata=pem)
    return context


def enroll(
    url: str,
    code: str,
    *,
    name: str,
    location: str,
    config: AgentConfig,
    expect_fingerprint: str | None = None,
    allow_insecure: bool = False,
    say: Callable[[str], None] = print,
) -> ConsoleSettings:
    """Enroll with the console at ``url`` (https://host:port); returns what was saved."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise EnrollFailed(f"{url}: give the console's address as https://host:port")
    if parts.scheme == "http" and not allow_insecure:
        raise EnrollFailed(f"{url}: a console is reached over https only")
    try:
        request = EnrollRequest(code=code.strip(), name=name, location=location)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise EnrollFailed(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    # Before anything leaves this PC: is the secrets folder usable?
    tokens = KeyringTokens(config.secrets_dir, create=True)

    pin: str | None = None
    verify: ssl.SSLContext | bool = False
    if parts.scheme == "https":
        pem = fetch_certificate(parts.hostname, parts.port or 443)
        pin = fingerprint(ssl.PEM_cert_to_DER_cert(pem))
        say(f"Console certificate SHA-256: {display_fingerprint(pin)}")
        if expect_fingerprint is not None and normalise_fingerprint(expect_fingerprint) != pin:
            raise EnrollFailed("the console's certificate is not the expected one; refused")
        verify = pinned_context(pem)

    base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    try:
        with httpx.Client(base_url=base, verify=verify, timeout=TIMEOUT_SECONDS) as http:
            answer = http.post("/api/enroll", json=request.model_dump())
    except httpx.HTTPError as exc:
        raise EnrollFailed(f"cannot enroll at {base}: {exc}") from exc
    if not answer.is_success:
        raise EnrollFailed(f"the console refused (HTTP {answer.status_code}): {_detail(answer)}")
    try:
        response = EnrollResponse.model_validate(answer.json())
    except (ValueError, ValidationError) as exc:
        raise EnrollFailed(f"the console's answer is not an enrollment: {exc}") from exc

    scheme = "wss" if parts.scheme == "https" else "ws"
    settings = ConsoleSettings(
        url=urlunsplit((scheme, parts.netloc, response.websocket_path, "", "")),
        fingerprint_sha256=pin,
        kiosk_id=response.kiosk_id,
        name=name,
    )
    # The token first: console.json is what says "enrolled".
    tokens.set(response.token)
    save_console_settings(settings, config.console_path)
    say(f"Enrolled as {name!r} (kiosk {response.kiosk_id}); restart the agent to connect.")
    return settings


def _detail(answer: httpx.Response) -> str:
    try:
        data = answer.json()
    except ValueError:
        return answer.text[:200]
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])[:300]
    return str(data)[:300]


def main(args: argparse.Namespace) -> int:
    """Run ``epn-kiosk enroll``; 0 when enrolled."""
    try:
        config = settings_from(AgentConfig, args, sandbox=args.insecure)
        enroll(
            args.url,
            args.code,
            name=args.name or (platform.node() or "PC")[:40],
            location=args.location,
            config=config,
            expect_fingerprint=args.expect_fingerprint,
            allow_insecure=args.insecure,
        )
    except (EnrollFailed, StartRefused, ValidationError, ValueError) as exc:
        print(f"epn-kiosk enroll: {exc}", file=sys.stderr)
        return 1
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``enroll`` command's options and its entry point."""
    parser.add_argument("url", help="the console's address, https://host:port")
    parser.add_argument("code", help="the one-time pairing code the console gave")
    parser.add_argument("--name", default=None, help="this PC's name (default: host name)")
    parser.add_argument("--location", default="", help="where the PC stands (optional)")
    add_options(parser, AgentConfig, fields=("data_dir", "config_dir"))  # as for `agent`
    parser.add_argument(
        "--expect-fingerprint",
        default=None,
        help="the console certificate's SHA-256; any other certificate is refused",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="accept an http:// console (sandbox demos and tests only)",
    )
    parser.set_defaults(run=main)
