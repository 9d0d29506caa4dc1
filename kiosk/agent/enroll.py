"""``epn-kiosk enroll --console URL --code CODE``: join this PC to a console with a one-time
pairing code, no fingerprint typed.

1. Fetch the console's certificate (not verified yet) and note its SHA-256 fingerprint;
   every request below trusts that certificate only.
2. Pair (:mod:`epn_shared.pairing`): ``/api/pair/start`` with the code's id and a SPAKE2
   message; the console's answer proves it knows the code *and* serves that certificate,
   or the PC stops (a wrong code, or another machine in the middle); ``/api/pair/finish``
   proves the same from the PC and gets its token. With ``--fingerprint`` (scripts that
   pin it themselves) the code is sent whole to ``/api/enroll`` instead.
3. Keep the kiosk's token with keyring on the pinned file backend in the secrets folder
   (0700, see :mod:`kiosk.agent.secrets`), then the console's WebSocket URL and the
   fingerprint in ``console.json`` in the agent's config folder; before that, the apt
   source of the console's signed package repository, its key and CA, all read over the
   pinned connection (:mod:`kiosk.agent.apt_source`), so the PC takes its updates there.
   The agent starts its link at its next start; paired from the PC's staff menu
   (:mod:`kiosk.agent.console_pairing`), at once.

``--discover`` lists the consoles that announce themselves on the local network
(:mod:`kiosk.agent.discovery`), and uses the only one found when a code is given.
"""

from __future__ import annotations

import argparse
import platform
import ssl
import sys
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, ValidationError

from epn_shared.pairing import (
    KioskExchange,
    PairingCode,
    PairingError,
    Side,
    confirmation,
    confirmed,
)
from epn_shared.protocol import (
    EnrollRequest,
    EnrollResponse,
    PairFinishRequest,
    PairStartRequest,
    PairStartResponse,
)
from epn_shared.settings_cli import add_options, settings_from
from kiosk.agent.apt_source import (
    ArchiveUnavailable,
    ConsoleArchive,
    NotVouched,
    fetch_archive,
    install,
)
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
M = TypeVar("M", bound=BaseModel)


DEFAULT_CONSOLE_PORT = 8443
"""The port ``epn-console serve`` listens on unless told otherwise."""


class EnrollFailed(AgentError):
    """Enrollment did not happen; the message says why and what to do. The subclasses say
    which kind of failure it was (the kiosk's pairing screen tells staff each in words)."""


class BadConsoleAddress(EnrollFailed):
    """What was given as the console's address is not one."""


class ConsoleUnreachable(EnrollFailed):
    """Nothing answered at the console's address (or the connection broke)."""


class CodeRefused(EnrollFailed):
    """The console refused the code: unknown, already used, or out of date."""


class NameTaken(EnrollFailed):
    """The console already has a PC of this name."""


class NotProved(EnrollFailed):
    """The console that answered did not prove the code for the certificate this PC sees:
    most likely a mistyped code (a machine in the middle can make its refusal look like one,
    but never pass)."""


class InTheMiddle(NotProved):
    """The code was right but the console proved another certificate than the one this PC
    sees, or its certificate authority does not vouch for it: another machine stands
    between this PC and the console."""


def console_url(typed: str) -> str:
    """The console's address as staff type it (``192.168.1.10``, ``console.local:8443``,
    ``https://host:port``) as ``https://host:port``; :class:`BadConsoleAddress` otherwise."""
    text = typed.strip()
    if not text:
        raise BadConsoleAddress("give the console's address")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError as exc:
        raise BadConsoleAddress(f"{typed!r}: the port is not a number") from exc
    host = parts.hostname
    if (
        parts.scheme not in ("https", "http")
        or not host
        or parts.path.strip("/")
        or parts.query
        or parts.username
        or any(ch.isspace() for ch in text)
    ):
        raise BadConsoleAddress(f"{typed!r}: give the console's address as https://host:port")
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown}:{port or DEFAULT_CONSOLE_PORT}"


def fetch_certificate(host: str, port: int) -> str:
    """The PEM certificate the server at ``host:port`` shows (not verified: TOFU)."""
    try:
        return ssl.get_server_certificate((host, port), timeout=TIMEOUT_SECONDS)
    except OSError as exc:
        raise ConsoleUnreachable(f"cannot reach the console at {host}:{port}: {exc}") from exc


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
        raise BadConsoleAddress(f"{url}: give the console's address as https://host:port")
    if parts.scheme == "http" and not allow_insecure:
        raise BadConsoleAddress(f"{url}: a console is reached over https only")
    try:
        request = EnrollRequest(code=code.strip(), name=name, location=location)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise EnrollFailed(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    try:
        pairing = None if expect_fingerprint is not None else PairingCode.parse(request.code)
    except PairingError as exc:
        raise EnrollFailed(str(exc)) from exc
    # Before anything leaves this PC: is the secrets folder usable?
    tokens = KeyringTokens(config.secrets_dir, create=True)

    pin: str | None = None
    der = b""
    verify: ssl.SSLContext | bool = False
    if parts.scheme == "https":
        pem = fetch_certificate(parts.hostname, parts.port or 443)
        der = ssl.PEM_cert_to_DER_cert(pem)
        pin = fingerprint(der)
        say(f"Console certificate SHA-256: {display_fingerprint(pin)}")
        if expect_fingerprint is not None and normalise_fingerprint(expect_fingerprint) != pin:
            raise EnrollFailed("the console's certificate is not the expected one; refused")
        verify = pinned_context(pem)

    base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    archive: ConsoleArchive | None = None
    try:
        with httpx.Client(base_url=base, verify=verify, timeout=TIMEOUT_SECONDS) as http:
            if config.apt_root is not None and der:
                # Before the code is spent: a console without a repository pairs nothing.
                archive = _archive(http, parts.hostname, parts.port or 443, der)
            if pairing is None:
                response = _post(http, "/api/enroll", request, EnrollResponse)
            else:
                response = _pair(http, pairing, request, pin)
                say("The console proved the pairing code for this certificate: pinned.")
    except httpx.HTTPError as exc:
        raise ConsoleUnreachable(f"cannot enroll at {base}: {exc}") from exc

    scheme = "wss" if parts.scheme == "https" else "ws"
    settings = ConsoleSettings(
        url=urlunsplit((scheme, parts.netloc, response.websocket_path, "", "")),
        fingerprint_sha256=pin,
        kiosk_id=response.kiosk_id,
        name=name,
    )
    # The token first: console.json is what says "enrolled".
    tokens.set(response.token)
    if archive is not None and config.apt_root is not None:
        install(archive, config.apt_root)
        say(f"Updates come from the console's repository {archive.url}")
    save_console_settings(settings, config.console_path)
    say(f"Enrolled as {name!r} (kiosk {response.kiosk_id}).")
    return settings


def _archive(http: httpx.Client, host: str, port: int, der: bytes) -> ConsoleArchive:
    try:
        return fetch_archive(http, host, port, der)
    except NotVouched as exc:
        raise InTheMiddle(
            f"refused: {exc}. Another machine may stand between this PC and the console: "
            "nothing was saved and the code is not spent; tell whoever runs the network"
        ) from exc
    except ArchiveUnavailable as exc:
        raise EnrollFailed(str(exc)) from exc


def _pair(
    http: httpx.Client, code: PairingCode, request: EnrollRequest, pin: str | None
) -> EnrollResponse:
    """The pairing exchange: the console proves the code and its certificate, then the PC."""
    exchange = KioskExchange(code)
    start = PairStartRequest(code_id=code.code_id, msg=exchange.message, tell_fingerprint=True)
    started = _post(http, "/api/pair/start", start, PairStartResponse)
    try:
        key = exchange.key(started.msg)
    except PairingError as exc:
        raise NotProved(f"{exc}; make a new code on the console") from exc
    if not confirmed(confirmation(key, Side.CONSOLE, pin), started.confirm):
        said = started.fingerprint_sha256
        if (
            said is not None
            and _plain(said) != _plain(pin)
            and confirmed(confirmation(key, Side.CONSOLE, said), started.confirm)
        ):
            # Only the holder of the right code's key could make that proof: the code was
            # right, and the console is not the machine this PC is talking to.
            raise InTheMiddle(
                "refused: the code is right, but the console proved another certificate than "
                "the one this PC sees: another machine stands between this PC and the "
                "console. Nothing was saved and the code is spent; tell whoever runs the "
                "network."
            )
        raise NotProved(
            "refused: the code does not match the one the console gave: it was probably "
            "mistyped. Nothing was saved and the code is spent: make a new one on the console "
            "and type it again. If a new code typed with care fails too, another machine may "
            "stand between this PC and the console: tell whoever runs the network."
        )
    finish = PairFinishRequest(
        pair_id=started.pair_id,
        name=request.name,
        location=request.location,
        confirm=confirmation(key, Side.KIOSK, pin),
    )
    try:
        return _post(http, "/api/pair/finish", finish, EnrollResponse)
    except CodeRefused as exc:
        # The console found the PC's proof wrong: it saw another certificate than this PC.
        raise NotProved(str(exc)) from exc


def _plain(fingerprint: str | None) -> str:
    return (fingerprint or "").replace(":", "").lower()


def _post(http: httpx.Client, path: str, body: BaseModel, answer_type: type[M]) -> M:
    answer = http.post(path, json=body.model_dump())
    if not answer.is_success:
        said = f"the console refused (HTTP {answer.status_code}): {_detail(answer)}"
        if answer.status_code == 409:
            raise NameTaken(said)
        if answer.status_code in (403, 404, 410):
            raise CodeRefused(said)
        raise EnrollFailed(said)
    try:
        return answer_type.model_validate(answer.json())
    except (ValueError, ValidationError) as exc:
        raise EnrollFailed(f"the console's answer is not what enrolling expects: {exc}") from exc


def _detail(answer: httpx.Response) -> str:
    try:
        data = answer.json()
    except ValueError:
        return answer.text[:200]
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])[:300]
    return str(data)[:300]


def main(args: argparse.Namespace) -> int:
    """Run ``epn-kiosk enroll``; 0 when enrolled (or, for ``--discover`` alone, listed)."""
    url = args.console or args.url
    code = args.code or args.code_argument
    try:
        if args.discover:
            url = _discovered(url, code is not None, args.discover_seconds)
            if code is None:
                return 0
        if url is None or code is None:
            raise EnrollFailed("give the console's address (--console) and the --code it shows")
        config = settings_from(AgentConfig, args, sandbox=args.insecure)
        enroll(
            url,
            code,
            name=args.name or (platform.node() or "PC")[:40],
            location=args.location,
            config=config,
            expect_fingerprint=args.expect_fingerprint,
            allow_insecure=args.insecure,
        )
        print("Restart the agent to connect.")
    except (EnrollFailed, StartRefused, ValidationError, ValueError) as exc:
        print(f"epn-kiosk enroll: {exc}", file=sys.stderr)
        return 1
    return 0


def _discovered(url: str | None, pairing: bool, seconds: float) -> str | None:
    """List the consoles on the network; the one to pair with when a code is given."""
    from kiosk.agent.discovery import discover  # noqa: PLC0415 (zeroconf only for --discover)

    found = discover(seconds)
    for console in found:
        print(f"{console.name}: {console.url}")
    if not found:
        raise EnrollFailed(
            f"no console answered on this network within {seconds:g} s: give its address "
            "with --console https://HOST:PORT"
        )
    if url is not None or not pairing:
        return url
    if len(found) > 1:
        raise EnrollFailed("several consoles answered: choose one with --console URL")
    return found[0].url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``enroll`` command's options and its entry point."""
    parser.add_argument("url", nargs="?", default=None, help="the console's address (or --console)")
    parser.add_argument(
        "code_argument", metavar="code", nargs="?", default=None, help="the code (or --code)"
    )
    parser.add_argument("--console", default=None, help="the console's address, https://host:port")
    parser.add_argument(
        "--code", default=None, help="the one-time pairing code the console shows, ABCDE-FGHJK"
    )
    parser.add_argument(
        "--discover",
        action="store_true",
        help="list the consoles on this network; with --code, pair with the only one found",
    )
    parser.add_argument(
        "--discover-seconds",
        type=float,
        default=3.0,
        help="how long --discover listens for consoles (3)",
    )
    parser.add_argument("--name", default=None, help="this PC's name (default: host name)")
    parser.add_argument("--location", default="", help="where the PC stands (optional)")
    add_options(parser, AgentConfig, fields=("data_dir", "config_dir"))  # as for `agent`
    parser.add_argument(
        "--fingerprint",
        "--expect-fingerprint",
        dest="expect_fingerprint",
        default=None,
        help="for scripts: the console certificate's SHA-256, checked by this PC (any other "
        "certificate is refused); the code is then sent whole, without the pairing exchange",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="accept an http:// console (sandbox demos and tests only)",
    )
    parser.set_defaults(run=main)
