"""The kiosk's CUPS queue, through pycups over cupsd's unix socket.

pycups connections must not be shared between threads (pycups issue #43): each thread that
calls this class gets its own connection. Job names and document names are never read
into the agent's records; documents fetched to be counted are deleted at once.
Every call authenticates as the agent's own user (root on a kiosk) by its uid over the
socket, which the kiosk's policy requires and which lets the agent see jobs' owners.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from epn_shared.files import write_atomically
from epn_shared.json_log import event
from kiosk.agent.printing.cupsconf import (
    DEFAULT_APPROVALS,
    POLICY_NAME,
    QUEUE_DEFAULTS,
    QUEUE_NAME,
)
from kiosk.agent.printing.gate_backend import (
    EXTRA_SHEET_OPTIONS,
    NO_SHEETS,
    PAPER_OPTIONS,
    Approval,
    Basis,
    approval_path,
    canonical_option,
    released_mark_path,
)
from kiosk.core.printing import JobOptionError, JobOptions, PageSet, Sides, parse_page_ranges

HELD = 4
PRINTER_STOPPED = 5
NOT_DONE_STATES = frozenset({3, 4, 5, 6})
"""pending, held, processing, stopped."""
RELEASED_STATES = frozenset({3, 5, 6})
"""Off hold and not done: a job the agent released is printing or waits for the printer."""
_APPROVAL_FILE = re.compile(r"^\.?(?:job|released)-(\d+)")
_LIST_ATTRIBUTES = [
    "job-id",
    "job-state",
    "job-originating-user-name",
    "job-printer-uri",
    "time-at-creation",
    "number-of-documents",
]


_SERVER_URI = "ipp://localhost/"


class PrintSystemError(Exception):
    """CUPS could not be reached or refused the agent (the environment failed)."""


class PrinterRefused(PrintSystemError):
    """CUPS refused the printer given to the queue (its address, or its backend), or refused
    to make the queue (no right to, the gate's backend missing)."""


class NoQueue(PrintSystemError):
    """This PC's CUPS has no kiosk queue (installed without a printer)."""


@dataclass(frozen=True, slots=True)
class QueuePrinter:
    """Where the queue sends what it prints, and whether it may start a job now."""

    device_uri: str
    stopped: bool
    """Paused (by an admin, or by CUPS after its printer failed): no job starts."""


@dataclass(frozen=True, slots=True)
class QueuedJob:
    """A job on the kiosk's queue, as the print meter needs it (no title, no file name)."""

    job_id: int
    user: str
    state: int
    created: int
    """When CUPS received it (epoch seconds)."""
    documents: int = 1
    """How many documents it has now (more may be sent to a held job)."""

    @property
    def held(self) -> bool:
        """Waiting on hold (for the visitor's confirmation)."""
        return self.state == HELD


@dataclass(frozen=True, slots=True)
class JobDetails:
    """How a job asks to be printed, and what binds a quote of it (see the gate)."""

    attributes: Mapping[str, Any]
    colour: bool
    document_format: str
    user: str
    state: int
    documents: int
    copies: int
    paper: tuple[tuple[str, str], ...]
    """The paper options, canonical (as the gate reads them from CUPS's option string)."""
    extra_sheets: bool
    """It asks the printer for banner, cover, separator or error sheets."""

    @property
    def options(self) -> JobOptions:
        """The options counted; raises :class:`JobOptionError` for options the kiosk will
        not guess about."""
        if self.extra_sheets:
            raise JobOptionError("job-sheets", "banner, cover or separator sheets")
        return options_from_attributes(self.attributes)


def _option_text(name: str, value: Any) -> str:
    """An IPP attribute's value as CUPS writes it in a backend's option string."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        value = [value]
    if isinstance(value, list):
        parts = [f"{v[0]}-{v[1]}" if isinstance(v, tuple) else str(v) for v in value]
        return canonical_option(name, ",".join(parts))
    return canonical_option(name, str(value))


def paper_options(attributes: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The job's :data:`PAPER_OPTIONS`, canonical, sorted by name."""
    return tuple(
        sorted(
            (name, _option_text(name, attributes[name]))
            for name in PAPER_OPTIONS
            if attributes.get(name) is not None
        )
    )


def asks_extra_sheets(attributes: Mapping[str, Any]) -> bool:
    """True when the job asks for sheets beyond its documents' pages."""
    for name in EXTRA_SHEET_OPTIONS:
        value = attributes.get(name)
        if value is None:
            continue
        if name == "job-sheets" and _option_text(name, value) in (NO_SHEETS, "none"):
            continue
        return True
    return False


def options_from_attributes(attributes: Mapping[str, Any]) -> JobOptions:
    """The paper-relevant options of a job, from its IPP attributes as pycups gives them."""

    def ranges(name: str) -> tuple[tuple[int, int], ...]:
        value = attributes.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            return parse_page_ranges(value)
        if isinstance(value, tuple):
            value = [value]
        try:
            return tuple((int(first), int(last)) for first, last in value)
        except (TypeError, ValueError):
            raise JobOptionError(name, f"{value!r} is not a list of ranges") from None

    try:
        sides = Sides(str(attributes.get("sides", Sides.ONE_SIDED.value)))
    except ValueError:
        raise JobOptionError("sides", f"{attributes.get('sides')!r} is unknown") from None
    try:
        page_set = PageSet(str(attributes.get("page-set", PageSet.ALL.value)))
    except ValueError:
        raise JobOptionError("page-set", f"{attributes.get('page-set')!r} is unknown") from None
    return JobOptions(
        copies=int(attributes.get("copies", 1)),
        page_ranges=ranges("page-ranges"),
        input_page_ranges=ranges("input-page-ranges"),
        number_up=int(attributes.get("number-up", 1)),
        sides=sides,
        page_set=page_set,
    )


class CupsQueue:
    """The kiosk's queue: list, inspect, fetch, approve and release, cancel and purge."""

    def __init__(
        self,
        server: Path | str,
        queue: str = QUEUE_NAME,
        approvals: Path = DEFAULT_APPROVALS,
    ) -> None:
        self.server = str(server)
        self.queue = queue
        self.approvals = approvals
        self._local = threading.local()

    # -- reading -------------------------------------------------------------------------

    def jobs(self, *, which: str = "not-completed") -> list[QueuedJob]:
        """Jobs of the kiosk's queue (``which``: not-completed, completed or all)."""
        with self._cups() as connection:
            found = connection.getJobs(
                which_jobs=which, my_jobs=False, requested_attributes=_LIST_ATTRIBUTES
            )
        suffix = f"/printers/{self.queue}"
        return sorted(
            (
                QueuedJob(
                    job_id=int(job_id),
                    user=str(attrs.get("job-originating-user-name", "")),
                    state=int(attrs.get("job-state", 0)),
                    created=int(attrs.get("time-at-creation") or 0),
                    documents=int(attrs.get("number-of-documents") or 0),
                )
                for job_id, attrs in found.items()
                if str(attrs.get("job-printer-uri", "")).endswith(suffix)
            ),
            key=lambda job: job.job_id,
        )

    def details(self, job_id: int) -> JobDetails:
        """How the job asks to be printed, as it is now."""
        with self._cups() as connection:
            attributes = connection.getJobAttributes(job_id)
        return JobDetails(
            attributes=attributes,
            colour=str(attributes.get("print-color-mode", "monochrome")) == "color",
            document_format=str(attributes.get("document-format", "application/octet-stream")),
            user=str(attributes.get("job-originating-user-name", "")),
            state=int(attributes.get("job-state", 0)),
            documents=int(attributes.get("number-of-documents", 0)),
            copies=int(attributes.get("copies") or 1),
            paper=paper_options(attributes),
            extra_sheets=asks_extra_sheets(attributes),
        )

    @contextmanager
    def document(self, job_id: int, number: int = 1) -> Iterator[tuple[Path, str]]:
        """One of the job's documents (1-based) in a private temporary file, deleted on
        exit."""
        with self._cups() as connection:
            fetched = connection.getDocument(self._printer_uri(), job_id, number)
        path = Path(fetched["file"])
        try:
            yield path, str(fetched.get("document-format", "application/octet-stream"))
        finally:
            path.unlink(missing_ok=True)

    def basis(self, job_id: int) -> Basis:
        """What the job is now, as a quote binds it (every document fetched and hashed)."""
        details = self.details(job_id)
        digests = []
        for number in range(1, details.documents + 1):
            with self.document(job_id, number) as (path, _format):
                digests.append(self.digest(path))
        return Basis(details.user, details.copies, details.paper, tuple(digests))

    @staticmethod
    def digest(path: Path) -> str:
        """A document's SHA-256, as the gate checks it in the spool."""
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                digest.update(chunk)
        return digest.hexdigest()

    # -- acting --------------------------------------------------------------------------

    def approve_and_release(self, approval: Approval) -> None:
        """Let the gate print this job (once, as approved), then take it off hold."""
        self.approvals.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = approval_path(self.approvals, str(approval.job))
        write_atomically(path, approval.to_text())
        # The gate consumes the approval; this mark stays until the job is gone, so that the
        # end of the session lets a job the visitor confirmed print (see purge_visitor_jobs).
        self._released_mark(approval.job).touch(mode=0o600)
        with self._cups() as connection:
            connection.setJobHoldUntil(approval.job, "no-hold")

    def cancel(self, job_id: int) -> None:
        """Cancel the job and purge its document and history."""
        self._forget_approval(job_id)
        with self._cups() as connection:
            connection.cancelJob(job_id, purge_job=True)

    def purge_visitor_jobs(self, user: str, *, keep_released: bool = True) -> int:
        """Cancel and purge every job of ``user`` on this cupsd, held or done (documents and
        history with document names); how many. Harmless to call again.

        Jobs the agent released that are printing or waiting for the printer are kept (the
        visitor confirmed and was charged: they print to the end, then CUPS keeps no history
        of them); :meth:`released_jobs` says which, and the print meter cancels and purges
        any of them the printer did not take in time. ``keep_released=False`` purges them too."""
        purged = 0
        kept: set[int] = set()
        with self._cups() as connection:
            found = connection.getJobs(
                which_jobs="all", my_jobs=False, requested_attributes=_LIST_ATTRIBUTES
            )
            for job_id, attrs in found.items():
                if attrs.get("job-originating-user-name") != user:
                    continue
                state = int(attrs.get("job-state", 0))
                if (
                    keep_released
                    and state in RELEASED_STATES
                    and self._released_mark(int(job_id)).exists()
                ):
                    kept.add(int(job_id))
                    continue
                self._forget_approval(int(job_id))
                connection.cancelJob(int(job_id), purge_job=True)
                purged += 1
        self._clear_approvals(keep=kept)
        return purged

    def released_jobs(self, user: str) -> list[int]:
        """Jobs of ``user`` the agent released that have not printed yet."""
        return [
            job.job_id
            for job in self.jobs()
            if job.user == user
            and job.state in RELEASED_STATES
            and self._released_mark(job.job_id).exists()
        ]

    def clear_approvals(self) -> None:
        """Forget every approval (at start: jobs released before are purged by the wipe)."""
        self._clear_approvals(keep=set())

    def _clear_approvals(self, keep: set[int]) -> None:
        if not self.approvals.is_dir():
            return
        for path in self.approvals.iterdir():
            named = _APPROVAL_FILE.match(path.name)
            if named is None or int(named.group(1)) not in keep:
                path.unlink(missing_ok=True)

    # -- the printer ---------------------------------------------------------------------

    def printer(self) -> QueuePrinter:
        """The queue's device URI (the gate in front of the printer) and state;
        :class:`NoQueue` when CUPS has no such queue."""
        import cups  # noqa: PLC0415

        with self._cups() as connection:
            try:
                found = connection.getPrinterAttributes(
                    self.queue, requested_attributes=["device-uri", "printer-state"]
                )
            except cups.IPPError as exc:
                if exc.args and exc.args[0] == cups.IPP_NOT_FOUND:
                    raise NoQueue(f"CUPS has no {self.queue} queue") from exc
                raise
        return QueuePrinter(
            str(found.get("device-uri", "")), int(found.get("printer-state", 0)) == PRINTER_STOPPED
        )

    def make(self, device_uri: str) -> None:
        """Make the kiosk's queue sending to ``device_uri`` as the installer's
        :func:`~kiosk.agent.printing.cupsconf.queue_command` does: a raw queue holding every
        job, under the kiosk's policy, then accepting and enabled, and CUPS's default
        destination (``lpadmin -d``). It takes no job before it holds them all: a queue CUPS
        makes accepts none until told to. If CUPS refuses a step, the queue is deleted
        again (:class:`PrinterRefused`): never a queue that prints without the agent."""
        import cups  # noqa: PLC0415

        with self._cups() as connection:
            try:
                connection.addPrinter(self.queue, device=device_uri)
            except cups.IPPError as exc:
                # CUPS says only "not possible" (a backend missing) or "forbidden" (rights).
                scheme = device_uri.partition(":")[0]
                raise PrinterRefused(
                    f"CUPS refused to make the {self.queue} queue on its {scheme} device (is "
                    f"the {scheme} backend installed, may the agent administer CUPS?): {exc}"
                ) from exc
            try:
                for name, value in QUEUE_DEFAULTS:
                    connection.addPrinterOptionDefault(self.queue, name, value)
                # Asked only of a CUPS that has the policy: pycups 2.0.4 frees CUPS's answer
                # twice when it refuses an unknown one (the process aborts).
                known = connection.getPrinterAttributes(
                    self.queue, requested_attributes=["printer-op-policy-supported"]
                ).get("printer-op-policy-supported", ())
                if POLICY_NAME not in (known if isinstance(known, list) else [known]):
                    raise cups.IPPError(
                        cups.IPP_NOT_POSSIBLE, f"CUPS has no {POLICY_NAME!r} operation policy"
                    )
                connection.setPrinterOpPolicy(self.queue, POLICY_NAME)
                connection.acceptJobs(self.queue)
                connection.enablePrinter(self.queue)
                connection.setDefault(self.queue)
            except cups.IPPError as exc:
                with suppress(cups.IPPError):
                    connection.deletePrinter(self.queue)
                raise PrinterRefused(f"CUPS refused the queue's settings: {exc}") from exc

    def set_device(self, device_uri: str) -> None:
        """Send the queue's jobs to ``device_uri`` from now on (CUPS-Add-Modify-Printer with
        that one attribute: the hold, the policy and every job stay). CUPS stops a job that is
        printing and starts it again from the start on the new device, even for the same URI
        (measured): the caller waits until none is. :class:`PrinterRefused` when CUPS says no."""
        import cups  # noqa: PLC0415

        with self._cups() as connection:
            try:
                connection.setPrinterDevice(self.queue, device_uri)
            except cups.IPPError as exc:
                raise PrinterRefused(f"CUPS refused the printer: {exc}") from exc

    # -- events --------------------------------------------------------------------------

    def subscribe(self, recipient: str, events: Sequence[str], lease: int) -> int:
        """Subscribe the push notifier ``recipient`` (its URI) to the server's ``events``
        for ``lease`` seconds, cancelling any earlier subscription of the same recipient
        (left by an agent that stopped without cancelling it); the subscription's id.

        Server-wide, not the queue's: CUPS 2.4 raises a held job's events without its
        printer (only a printing job has one), so a queue's subscription never hears that
        a held job was cancelled (measured)."""
        uri = _SERVER_URI
        with self._cups() as connection:
            for found in self._subscriptions(connection):
                if found.get("notify-recipient-uri") == recipient:
                    connection.cancelSubscription(int(found["notify-subscription-id"]))
            return int(
                connection.createSubscription(
                    uri, events=list(events), recipient_uri=recipient, lease_duration=lease
                )
            )

    def subscribed(self, subscription: int) -> bool:
        """True while CUPS has this subscription (a restarted cupsd may have lost it)."""
        with self._cups() as connection:
            found = self._subscriptions(connection)
        return any(int(sub.get("notify-subscription-id", 0)) == subscription for sub in found)

    def renew(self, subscription: int, lease: int) -> None:
        """Extend the subscription's lease to ``lease`` seconds from now."""
        with self._cups() as connection:
            connection.renewSubscription(subscription, lease_duration=lease)

    def unsubscribe(self, subscription: int) -> None:
        """Cancel the subscription (its notifier stops)."""
        with self._cups() as connection:
            connection.cancelSubscription(subscription)

    # -- internals -----------------------------------------------------------------------

    def _subscriptions(self, connection: Any) -> list[dict[str, Any]]:
        import cups  # noqa: PLC0415

        try:
            return list(connection.getSubscriptions(_SERVER_URI))
        except cups.IPPError as exc:
            if exc.args and exc.args[0] == cups.IPP_NOT_FOUND:
                return []  # CUPS says "not found" for an empty list
            raise

    def _forget_approval(self, job_id: int) -> None:
        with suppress(OSError):
            (self.approvals / f"job-{job_id}").unlink(missing_ok=True)
            self._released_mark(job_id).unlink(missing_ok=True)

    def _released_mark(self, job_id: int) -> Path:
        return released_mark_path(self.approvals, str(job_id))

    def _printer_uri(self) -> str:
        return f"ipp://localhost/printers/{self.queue}"

    @contextmanager
    def _cups(self) -> Iterator[Any]:
        import cups  # noqa: PLC0415

        connection = getattr(self._local, "connection", None)
        try:
            if connection is None:
                connection = cups.Connection(host=self.server)
                self._local.connection = connection
            yield connection
        except (cups.IPPError, cups.HTTPError, RuntimeError) as exc:
            self._local.connection = None
            raise PrintSystemError(f"CUPS: {exc}") from exc


class TolerantPurger:
    """The wipe's print step: purge the visitor's jobs, and when CUPS cannot be reached say
    so in the log instead of holding the PC. (Jobs stay in the root-only spool; the print
    meter cancels any job it finds outside a session as soon as CUPS answers, and CUPS
    cancels held jobs after ``MaxHoldTime`` on its own.)

    The agent's wipe keeps the jobs the visitor confirmed (its print meter purges any the
    printer does not take in time); the boot sweep, with no meter watching them any more,
    purges them too (``keep_released=False``)."""

    def __init__(self, queue: CupsQueue, *, keep_released: bool = True) -> None:
        self.queue = queue
        self.keep_released = keep_released

    def purge_visitor_jobs(self, user: str) -> int:
        """Cancel and purge every job of ``user`` (but confirmed ones, when kept); 0 when
        CUPS is not there."""
        try:
            return self.queue.purge_visitor_jobs(user, keep_released=self.keep_released)
        except PrintSystemError as exc:
            event(logging.getLogger(__name__), "print_purge_failed", logging.ERROR, error=str(exc))
            return 0
