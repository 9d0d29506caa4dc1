"""The printers CUPS knows on the console machine, through CUPS's own command-line tools.

The console has no CUPS bindings (a console installs no compiler for pycups): it runs
``lpstat -v`` (the queues), ``lpoptions -p QUEUE`` (each queue's exact device address,
description and make and model: ``lpstat -v`` shows a ``file:`` address without its
scheme), ``lpinfo -l -v`` (the printers CUPS finds on the network or a cable, which can
take seconds: bounded by a timeout) and ``lp`` (a test page, read from stdin). Never
through a shell; always in the C locale, whose messages the parsers read; ``CUPS_SERVER``
from the console's settings when given, else from its environment. Command lines are
built and outputs parsed by the pure functions here.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from admin_console.api.printers import NetworkSearch, Printer, PrinterKind, PrinterList
from admin_console.server.errors import ConsoleError

QUICK_TIMEOUT = 3.0
"""Seconds for ``lpstat``, ``lpoptions`` and ``lp``: the local scheduler answers at once."""
SEARCH_SECONDS = 4
"""How long ``lpinfo`` waits for CUPS's backends to find printers; with the queues, the
whole list stays within the window's 10 s wait for an answer."""
NETWORK_SCHEMES = frozenset({"ipp", "ipps", "http", "https", "socket", "lpd", "dnssd"})
"""Addresses another machine can print to (the PCs' gate prints to these); ``hp:/net/``
and ``hpfax:/net/`` too. Any other (``usb:``, ``parallel:``, ``serial:``, ``hp:/usb/``,
``file:``, ``cups-pdf:``...) is on the console machine only."""
RAW_MODELS = {"", "unknown", "local raw printer", "local system queue"}
"""Make-and-model texts that say nothing about the printer."""


class PrintSystemError(ConsoleError):
    """CUPS on the console machine did not answer, or refused (the environment failed)."""


class NoQueue(ConsoleError):
    """No queue of the console prints to this printer: no test page can go through CUPS."""


@dataclass(frozen=True)
class Ran:
    """What a command answered."""

    returncode: int
    stdout: str
    stderr: str


# -- parsing (pure) ------------------------------------------------------------------------

_DEVICE_FOR = re.compile(r"^device for ([^:\s]+): ", re.MULTILINE)
_REQUEST_ID = re.compile(r"request id is (\S+)-(\d+)\b")


def queue_names(lpstat_v: str) -> list[str]:
    """The queue names of ``lpstat -v``'s answer, in its order."""
    return _DEVICE_FOR.findall(lpstat_v)


def queue_options(lpoptions: str) -> dict[str, str]:
    """``lpoptions -p QUEUE``'s answer (``key=value``, quoted as a shell would) as a dict."""
    found: dict[str, str] = {}
    try:
        words = shlex.split(lpoptions)
    except ValueError:
        return found
    for word in words:
        key, _, value = word.partition("=")
        found[key] = value
    return found


def found_devices(lpinfo: str) -> list[dict[str, str]]:
    """The devices of ``lpinfo -l -v``'s answer, each a dict of its attributes (``uri``,
    ``class``, ``info``, ``make-and-model``, ...), in its order."""
    devices: list[dict[str, str]] = []
    for line in lpinfo.splitlines():
        key, sep, value = line.strip().partition(" = ")
        if not sep:
            continue
        if line.startswith("Device:"):
            devices.append({"uri": value.strip()})
        elif devices:
            devices[-1][key] = value.strip()
    return devices


def on_this_machine(uri: str) -> bool:
    """True for a printer only the console machine reaches (plugged into it, or a local
    backend): the PCs cannot print to it."""
    scheme, _, rest = uri.partition(":")
    scheme = scheme.casefold()
    if scheme in ("hp", "hpfax"):
        return not rest.startswith("/net/")
    return scheme not in NETWORK_SCHEMES


def _model(text: str) -> str:
    return "" if text.strip().casefold() in RAW_MODELS else text.strip()


def queue_printer(name: str, options: Mapping[str, str]) -> Printer | None:
    """A queue as staff see it: its description (else its name), and its make and model."""
    uri = options.get("device-uri", "")
    if not uri:
        return None
    info = options.get("printer-info", "").strip()
    return Printer(
        uri=uri,
        name=info or name,
        detail=_model(options.get("printer-make-and-model", "")),
        queue=name,
        kind=PrinterKind.QUEUE,
        local=on_this_machine(uri),
    )


def device_printer(device: Mapping[str, str]) -> Printer | None:
    """A found device as staff see it, or None for a kind of connection with no printer
    behind it (``lpinfo`` lists every backend, e.g. a bare ``socket``)."""
    uri = device.get("uri", "")
    if ":" not in uri:
        return None
    model = _model(device.get("make-and-model", ""))
    info = device.get("info", "").strip()
    name = info if info and _model(info) else model or uri
    return Printer(
        uri=uri,
        name=name,
        detail=model if model and model != name else "",
        queue=None,
        kind=PrinterKind.NETWORK,
        local=on_this_machine(uri),
    )


def job_id(lp_stdout: str) -> int | None:
    """The job number in ``lp``'s ``request id is QUEUE-N (1 file(s))``."""
    found = _REQUEST_ID.search(lp_stdout)
    return int(found.group(2)) if found else None


def printer_list(
    queues: Sequence[Printer], devices: Sequence[Printer], search: NetworkSearch
) -> PrinterList:
    """Queues first, then the found printers no queue already prints to."""
    known = {q.uri for q in queues}
    fresh: list[Printer] = []
    for device in devices:
        if device.uri not in known:
            known.add(device.uri)
            fresh.append(device)
    return PrinterList(printers=[*queues, *fresh], network_search=search)


# -- the real CUPS ---------------------------------------------------------------------------


class CupsTools:
    """CUPS on the console machine, through ``lpstat``, ``lpoptions``, ``lpinfo``, ``lp``."""

    def __init__(self, cups_server: str | None = None, search_seconds: int = SEARCH_SECONDS):
        self._env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        if cups_server:
            self._env["CUPS_SERVER"] = cups_server
        self._search_seconds = search_seconds

    def _run(self, argv: Sequence[str], timeout: float, data: bytes | None = None) -> Ran:
        try:
            done = subprocess.run(
                list(argv),
                input=data,
                env=self._env,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise PrintSystemError(f"{argv[0]} is not installed (Debian: cups-client)") from exc
        except subprocess.TimeoutExpired as exc:
            raise PrintSystemError(f"CUPS did not answer {argv[0]} within {timeout:g} s") from exc
        return Ran(
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace").strip(),
        )

    def _unreachable(self, ran: Ran, tool: str) -> PrintSystemError:
        return PrintSystemError(f"CUPS on the console does not answer ({tool}: {ran.stderr})")

    def queues(self) -> list[Printer]:
        """The console's queues with their exact device addresses; :class:`PrintSystemError`
        when CUPS does not answer."""
        listed = self._run(["lpstat", "-v"], QUICK_TIMEOUT)
        if listed.returncode != 0 and "No destinations" not in listed.stderr:
            raise self._unreachable(listed, "lpstat")
        printers: list[Printer] = []
        for name in queue_names(listed.stdout):
            options = self._run(["lpoptions", "-p", name], QUICK_TIMEOUT)
            if options.returncode != 0:
                raise self._unreachable(options, "lpoptions")
            found = queue_printer(name, queue_options(options.stdout))
            if found is not None:
                printers.append(found)
        return printers

    def search(self) -> tuple[list[Printer], NetworkSearch]:
        """The printers CUPS finds (``lpinfo``), within the search's time."""
        argv = ["lpinfo", "--timeout", str(self._search_seconds), "-l", "-v"]
        try:
            ran = self._run(argv, self._search_seconds + 2.0)
        except PrintSystemError:
            return [], NetworkSearch.TIMED_OUT
        if ran.returncode != 0:
            return [], NetworkSearch.FAILED
        found = (device_printer(d) for d in found_devices(ran.stdout))
        return [p for p in found if p is not None], NetworkSearch.DONE

    def printers(self) -> PrinterList:
        """Every printer CUPS knows here: the queues, then the printers it finds."""
        queues = self.queues()
        devices, search = self.search()
        return printer_list(queues, devices, search)

    def queue_for(self, uri: str) -> str:
        """The console's queue that prints to ``uri`` (or is named so); :class:`NoQueue`."""
        for printer in self.queues():
            if uri in (printer.uri, printer.queue):
                assert printer.queue is not None
                return printer.queue
        raise NoQueue("no print queue on the console prints to this printer")

    def print_pdf(self, queue: str, pdf: bytes, title: str) -> int:
        """Send ``pdf`` to ``queue`` (``lp``, the document on stdin); the job's number."""
        argv = ["lp", "-d", queue, "-t", title, "-o", "document-format=application/pdf"]
        ran = self._run(argv, QUICK_TIMEOUT, pdf)
        number = job_id(ran.stdout)
        if ran.returncode != 0 or number is None:
            raise PrintSystemError(f"CUPS refused the test page (lp: {ran.stderr or ran.stdout})")
        return number
