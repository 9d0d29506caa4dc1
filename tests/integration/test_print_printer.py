"""The room's printer chosen at the console (``printing.printer_uri``): a real agent points
its held ``kiosk`` queue's gate at it, on a real private cupsd, between two printers: the
capture printer the queue was installed with (A) and printers on the network speaking
AppSocket through CUPS's own ``socket`` backend (B)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest_print import cups, kiosk, lp, running_worker
from helpers.kiosk_agent import AgentThread, ShellClient, open_all_day_policy
from helpers.print_documents import write_pdf
from helpers.socket_printer import SocketPrinter

from epn_shared import protocol as wire
from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing import cupsconf
from kiosk.agent.printing.cups_queue import HELD, CupsQueue, NoQueue
from kiosk.agent.printing.cupsconf import QUEUE_NAME, gate_uri
from kiosk.agent.printing.gate_backend import Approval
from kiosk.agent.printing.worker import PrinterChange
from policies import Policy, policy_from_data

__all__ = ["cups", "kiosk"]

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/cupsd").exists(), reason="cupsd is not installed (Debian package cups)"
)

KEPT = ("job-hold-until-default", "printer-op-policy", "printer-error-policy")
"""What the queue was made with, besides its device: the hold, the policy, the error policy."""


def _push(kiosk: AgentThread, data: dict[str, Any]) -> wire.CommandResult:
    command = wire.Command(
        command_id=str(uuid.uuid4()), action=wire.CommandAction.POLICY_UPDATE, by="ada", policy=data
    )
    return kiosk.call(lambda: kiosk.agent.console.console_command(command))


def _policy(printer_uri: str | None, **printing: Any) -> dict[str, Any]:
    data = open_all_day_policy().model_dump(mode="json")
    data["printing"].update(printer_uri=printer_uri, **printing)
    return data


@contextmanager
def _visit(kiosk: AgentThread) -> Iterator[ShellClient]:
    with ShellClient(kiosk.socket_path) as shell:
        shell.hello()
        shell.start_session()
        yield shell


def _submit(cups: PrivateCups, folder: Path, pages: int) -> tuple[int, bytes]:
    doc = write_pdf(folder / f"doc-{pages}.pdf", pages)
    return lp(cups, str(doc)), doc.read_bytes()


def _asked(shell: ShellClient, job: int) -> None:
    shell.wait_view(lambda v: v.print_job is not None and v.print_job.job_id == job)


def _print(shell: ShellClient, job: int) -> None:
    _asked(shell, job)
    assert shell.request("print_answer", job_id=job, print_it=True).ok
    shell.wait_view(lambda v: v.print_job is None or v.print_job.job_id != job)


def _done(queue: CupsQueue, job: int) -> bool:
    """The job left CUPS (printed: the queue keeps no history)."""
    return job not in {found.job_id for found in queue.jobs()}


def _queue_attributes(cups: PrivateCups) -> dict[str, Any]:
    import cups as pycups

    connection = pycups.Connection(host=str(cups.socket))
    return dict(connection.getPrinterAttributes(QUEUE_NAME, requested_attributes=["all"]))


def _change(kiosk: AgentThread) -> PrinterChange:
    future = kiosk.agent.printing.printer_change
    assert future is not None, "the agent gave the worker no printer"
    return future.result(timeout=15)


def test_pages_released_after_the_policy_names_a_printer_go_there(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    installed = queue.printer().device_uri
    made_with = {name: _queue_attributes(cups).get(name) for name in KEPT}
    with SocketPrinter(tmp_path / "B") as printer_b, _visit(kiosk) as shell:
        # A policy that names no printer leaves the installed one.
        assert _push(kiosk, _policy(None, price_per_page_cents=15)).ok
        assert kiosk.agent.printing.printer_change is None
        first, _ = _submit(cups, tmp_path, 1)
        _print(shell, first)
        kiosk.wait_until(lambda: _done(queue, first), 10, "A to print")
        assert (cups.printed / f"job-{first}").exists()

        held, held_doc = _submit(cups, tmp_path, 2)
        _asked(shell, held)  # counted, shown, waiting for the visitor: on hold in CUPS
        assert _push(kiosk, _policy(printer_b.uri)).ok
        assert _change(kiosk) is PrinterChange.CHANGED
        attributes = _queue_attributes(cups)
        assert attributes["device-uri"] == gate_uri(printer_b.uri) != installed
        assert {name: attributes.get(name) for name in KEPT} == made_with
        assert made_with["job-hold-until-default"] == "indefinite"
        assert queue.details(held).state == HELD, "the held job stays held"

        _print(shell, held)
        kiosk.wait_until(lambda: len(printer_b.prints()) == 1, 15, "B to print")
        assert printer_b.prints() == [held_doc]
        third, third_doc = _submit(cups, tmp_path, 3)
        _print(shell, third)
        kiosk.wait_until(lambda: len(printer_b.prints()) == 2, 15, "B to print again")
        assert printer_b.prints() == [held_doc, third_doc]
        # The same printer again (a price changes): nothing done to the queue.
        assert _push(kiosk, _policy(printer_b.uri, price_per_page_cents=20)).ok
        assert _change(kiosk) is PrinterChange.SAME
    assert sorted(p.name for p in cups.printed.iterdir()) == [f"job-{first}"], "A: the first only"


def test_a_job_printing_when_the_printer_changes_prints_once_on_the_old_one(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    with (
        SocketPrinter(tmp_path / "A") as printer_a,
        SocketPrinter(tmp_path / "B") as printer_b,
        _visit(kiosk) as shell,
    ):
        cups.run("lpadmin", "-p", QUEUE_NAME, "-v", gate_uri(printer_a.uri))  # as installed
        printer_a.busy.set()
        job, doc = _submit(cups, tmp_path, 2)
        _print(shell, job)
        assert printer_a.receiving.wait(15), "A takes the job and keeps printing it"

        assert _push(kiosk, _policy(printer_b.uri)).ok
        assert _change(kiosk) is PrinterChange.WAITING
        assert queue.printer().device_uri == gate_uri(printer_a.uri), "not under a printing job"

        printer_a.finish()
        kiosk.wait_until(
            lambda: queue.printer().device_uri == gate_uri(printer_b.uri), 15, "the change"
        )
        assert printer_a.prints() == [doc], "printed whole, once, on the old printer"
        assert printer_b.prints() == []
        assert queue.jobs() == [], "done in CUPS: not restarted"

        after, after_doc = _submit(cups, tmp_path, 3)
        _print(shell, after)
        kiosk.wait_until(lambda: len(printer_b.prints()) == 1, 15, "B to print")
        assert printer_b.prints() == [after_doc]
        assert printer_a.prints() == [doc]


@pytest.mark.parametrize(
    ("printer_uri", "said"),
    [
        # Allowed by the policy, but this PC's CUPS has no lpd backend: CUPS would refuse it.
        ("lpd://127.0.0.1/kiosk", "no lpd backend"),
        # A staff member making the PC write the visitors' pages to one of its files.
        ("file:/etc/epn-kiosk-pages", "not a printer of the room"),
        ("file:///etc/epn-kiosk-pages", "not a printer of the room"),
        ("parallel:/etc/epn-kiosk-pages", "not a printer of the room"),
    ],
)
def test_a_printer_this_pc_cannot_use_is_refused_and_the_last_good_policy_kept(
    kiosk: AgentThread, cups: PrivateCups, tmp_path: Path, printer_uri: str, said: str
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    installed = queue.printer().device_uri
    kept = kiosk.agent.policy.version
    refused = _push(kiosk, _policy(printer_uri, price_per_page_cents=99))
    assert not refused.ok and refused.code == "bad_policy"
    assert refused.message.startswith("printing.printer_uri: ") and said in refused.message
    assert kiosk.agent.policy.version == kept, "the last good policy stays in force"
    assert kiosk.agent.policy.printing.price_per_page_cents != 99

    # The same from the policy file on the PC (read again on SIGHUP).
    kiosk.policy_path.write_text(yaml.safe_dump(_policy(printer_uri)), encoding="utf-8")
    assert not kiosk.call(kiosk.agent.reload_policy)
    assert kiosk.agent.policy.version == kept

    assert queue.printer().device_uri == installed
    assert not Path("/etc/epn-kiosk-pages").exists()
    with _visit(kiosk) as shell:
        job, _ = _submit(cups, tmp_path, 1)
        _print(shell, job)
        kiosk.wait_until(lambda: _done(queue, job), 10, "A to print")
        assert (cups.printed / f"job-{job}").exists()


def _errors(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if getattr(record, "event", None) == name and record.levelno == logging.ERROR
    ]


def test_a_policy_at_start_naming_a_printer_this_pc_lacks_starts_on_the_installed_one(
    cups: PrivateCups, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    installed = queue.printer().device_uri
    data = _policy("lpd://127.0.0.1/kiosk")
    options = {
        "cups_socket": cups.socket,
        "print_approvals": cups.approvals,
        "cups_backends": cups.backends,
        "print_user": "root",
    }
    with AgentThread(policy=policy_from_data(data, "(test)"), config_options=options) as kiosk:
        kiosk.wait_until(lambda: kiosk.agent.printing.meter is not None, 10, "printing")
        [refused] = _errors(caplog, "printer_refused")
        assert "no lpd backend" in refused.__dict__["fields"]["error"]
        assert queue.printer().device_uri == installed
        with _visit(kiosk) as shell:
            job, _ = _submit(cups, tmp_path, 1)
            _print(shell, job)
            kiosk.wait_until(lambda: _done(queue, job), 10, "A to print")
        assert (cups.printed / f"job-{job}").exists()


def test_a_printer_cups_refuses_keeps_the_queues_printer(
    cups: PrivateCups, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    installed = queue.printer().device_uri
    with SocketPrinter(tmp_path / "B") as printer_b, running_worker(queue, 5.0) as (worker, _):
        # Not a URI CUPS takes (a % not followed by two hex digits; the policy refuses it too).
        assert worker.set_printer("ipp://127.0.0.1/%zz").result(timeout=10) is PrinterChange.REFUSED
        assert queue.printer().device_uri == installed
        [refused] = _errors(caplog, "printer_refused")
        assert "client-error-not-possible" in refused.__dict__["fields"]["error"]
        assert worker.set_printer(printer_b.uri).result(timeout=10) is PrinterChange.CHANGED
        assert queue.printer().device_uri == gate_uri(printer_b.uri)


def test_the_gate_sends_nothing_to_a_file_when_the_queue_was_changed_by_other_means(
    cups: PrivateCups, tmp_path: Path
) -> None:
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    job = lp(cups, str(write_pdf(tmp_path / "cv.pdf", 2)))
    basis = queue.basis(job)
    pages = tmp_path / "pages"
    cups.run("lpadmin", "-p", QUEUE_NAME, "-v", gate_uri(f"file:{pages}"))  # accepted by CUPS
    queue.approve_and_release(Approval(job, 2, basis))
    refusal = "with a printer of the room"
    deadline = time.monotonic() + 15
    while refusal not in cups.error_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert refusal in cups.error_log(), cups.error_log()
    assert not pages.exists(), "no page written to a file of the PC"


# -- a PC installed without a printer -------------------------------------------------------

VARYING = frozenset(
    {
        "printer-up-time",
        "printer-current-time",
        "printer-state-change-time",
        "printer-state-change-date-time",
        "printer-config-change-time",
        "printer-config-change-date-time",
        "printer-uuid",
        "printer-id",
    }
)
"""What differs between two queues made the same way at different moments (clocks, ids)."""


@pytest.fixture
def bare_cups() -> Iterator[PrivateCups]:
    """A private cupsd without a ``kiosk`` queue: a PC installed without ``--printer-uri``."""
    with PrivateCups(queue=False) as private:
        yield private


@contextmanager
def _agent(cups: PrivateCups, policy: Policy | None = None) -> Iterator[AgentThread]:
    """An agent printing through ``cups``, started on ``policy`` (default: open all day)."""
    options = {
        "cups_socket": cups.socket,
        "print_approvals": cups.approvals,
        "cups_backends": cups.backends,
        "print_user": "root",
    }
    with AgentThread(policy=policy or open_all_day_policy(), config_options=options) as kiosk:
        kiosk.wait_until(lambda: kiosk.agent.printing.meter is not None, 10, "printing")
        yield kiosk


def _made_events(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", None) == "printer_queue_made"]


def _queue_as_cups_tells(cups: PrivateCups) -> dict[str, Any]:
    """The queue as a client sees it: its attributes (but the clocks and ids), what
    ``lpoptions`` lists, and CUPS's default destination."""
    attributes = {k: v for k, v in _queue_attributes(cups).items() if k not in VARYING}
    options = cups.run("lpoptions", "-p", QUEUE_NAME).stdout.split()
    return {
        "attributes": attributes,
        "lpoptions": sorted(o for o in options if o.partition("=")[0] not in VARYING),
        "lpoptions -l": cups.run("lpoptions", "-p", QUEUE_NAME, "-l").stdout,
        "default": cups.run("lpstat", "-d").stdout,
    }


def test_a_pc_installed_without_a_printer_gets_its_held_queue_from_the_policy(
    bare_cups: PrivateCups, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    cups = bare_cups
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    with SocketPrinter(tmp_path / "B") as printer_b, _agent(cups) as kiosk:
        with pytest.raises(NoQueue):
            queue.printer()
        assert _push(kiosk, _policy(printer_b.uri)).ok
        assert _change(kiosk) is PrinterChange.MADE
        [made] = _made_events(caplog)
        assert made.__dict__["fields"]["printer"] == printer_b.uri
        attributes = _queue_attributes(cups)
        assert attributes["device-uri"] == gate_uri(printer_b.uri)
        assert attributes["job-hold-until-default"] == "indefinite"
        assert attributes["printer-op-policy"] == cupsconf.POLICY_NAME
        assert attributes["printer-is-accepting-jobs"] is True
        assert "system default destination: kiosk" in cups.run("lpstat", "-d").stdout

        with _visit(kiosk) as shell:
            job, doc = _submit(cups, tmp_path, 2)
            _asked(shell, job)  # counted and shown to the visitor
            assert queue.details(job).state == HELD
            assert printer_b.prints() == [], "nothing before the visitor confirms"
            _print(shell, job)
            kiosk.wait_until(lambda: len(printer_b.prints()) == 1, 15, "B to print")
            assert printer_b.prints() == [doc]
            kiosk.wait_until(lambda: _done(queue, job), 10, "the job to leave CUPS")

            # The next policy (a price changes, the same printer): the queue is left alone.
            before = _queue_as_cups_tells(cups)
            assert _push(kiosk, _policy(printer_b.uri, price_per_page_cents=20)).ok
            assert _change(kiosk) is PrinterChange.SAME
            assert _queue_as_cups_tells(cups) == before
            assert len(_made_events(caplog)) == 1
            again, again_doc = _submit(cups, tmp_path, 1)
            _print(shell, again)
            kiosk.wait_until(lambda: len(printer_b.prints()) == 2, 15, "B to print again")
            assert printer_b.prints() == [doc, again_doc]


@pytest.fixture
def stock_cups() -> Iterator[PrivateCups]:
    """A private cupsd without a queue whose default policy is CUPS's stock one (the
    kiosk's is there too): a queue is under the kiosk's policy only if made so."""
    with PrivateCups(queue=False, policy=False) as private:
        yield private


def test_the_agent_makes_the_queue_the_installer_makes(stock_cups: PrivateCups) -> None:
    cups = stock_cups
    printer = cups.capture_uri(cups.printed)
    cups.run(*cupsconf.queue_command(printer))
    cups.run(*cupsconf.DEFAULT_COMMAND)
    installed = _queue_as_cups_tells(cups)
    cups.run("lpadmin", "-x", QUEUE_NAME)
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    with running_worker(queue, 5.0) as (worker, _):
        assert worker.set_printer(printer).result(timeout=10) is PrinterChange.MADE
    made = _queue_as_cups_tells(cups)
    assert made == installed
    assert made["attributes"]["job-hold-until-default"] == "indefinite"
    assert made["attributes"]["printer-op-policy"] == cupsconf.POLICY_NAME
    assert made["attributes"]["printer-state"] == 3, "idle: enabled"


def _without_the_gate_backend(cups: PrivateCups) -> Callable[[], None]:
    """The gate's backend missing (CUPS refuses the queue's device); what puts it back."""
    gate = cups.backends / cupsconf.GATE_SCHEME
    kept = gate.read_bytes()
    gate.unlink()

    def repair() -> None:
        gate.write_bytes(kept)
        gate.chmod(0o700)

    return repair


def _without_admin_rights(cups: PrivateCups) -> None:
    """The agent (root) not of CUPS's system group: every admin operation forbidden."""
    files = cups.root / "cups-files.conf"
    files.write_text(files.read_text().replace("SystemGroup root", "SystemGroup nogroup"))
    cups.restart()


@pytest.mark.parametrize(
    ("refusal", "said"),
    [("no gate backend", "client-error-not-possible"), ("no admin rights", "Forbidden")],
)
def test_a_cups_that_refuses_the_queue_leaves_the_policy_in_force_and_no_queue(
    bare_cups: PrivateCups,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    refusal: str,
    said: str,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    cups = bare_cups
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    repair = None
    if refusal == "no gate backend":
        repair = _without_the_gate_backend(cups)
    else:
        _without_admin_rights(cups)
    with SocketPrinter(tmp_path / "B") as printer_b, _agent(cups) as kiosk:
        pushed = _policy(printer_b.uri, price_per_page_cents=33)
        assert _push(kiosk, pushed).ok
        assert _change(kiosk) is PrinterChange.REFUSED
        assert kiosk.agent.policy.printing.price_per_page_cents == 33, "the policy is in force"
        [refused] = _errors(caplog, "printer_refused")
        error = refused.__dict__["fields"]["error"]
        assert "refused to make the kiosk queue on its epn-gate device" in error and said in error
        with pytest.raises(NoQueue):
            queue.printer()
        assert _made_events(caplog) == []
        with _visit(kiosk) as shell:  # a visitor's session runs; their programs find no queue
            document = write_pdf(tmp_path / "cv.pdf", 1)
            tried = cups.run("lp", "-d", QUEUE_NAME, str(document), user=0)  # 0: not checked
            assert tried.returncode != 0 and "does not exist" in tried.stderr
            assert shell.wait_view(lambda v: True).print_job is None
        if repair is None:
            return

        # The backend back (its package repaired): the next policy makes the queue.
        repair()
        assert _push(kiosk, _policy(printer_b.uri, price_per_page_cents=34)).ok
        assert _change(kiosk) is PrinterChange.MADE
        assert queue.printer().device_uri == gate_uri(printer_b.uri)


def test_a_policy_file_naming_a_printer_makes_the_queue_when_the_agent_starts(
    bare_cups: PrivateCups, tmp_path: Path
) -> None:
    # A PC installed with a site policy (--policy) naming the printer, without --printer-uri.
    cups = bare_cups
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    with SocketPrinter(tmp_path / "B") as printer_b:
        policy = policy_from_data(_policy(printer_b.uri), "(test)")
        with _agent(cups, policy) as kiosk:
            assert _change(kiosk) is PrinterChange.MADE
            assert queue.printer().device_uri == gate_uri(printer_b.uri)
            with _visit(kiosk) as shell:
                job, doc = _submit(cups, tmp_path, 1)
                _print(shell, job)
                kiosk.wait_until(lambda: len(printer_b.prints()) == 1, 15, "B to print")
            assert printer_b.prints() == [doc]
        # The next start, with the same policy: the queue is there, nothing made again.
        with _agent(cups, policy) as kiosk:
            assert _change(kiosk) is PrinterChange.SAME


def test_a_queue_cups_would_not_hold_under_the_kiosks_policy_is_not_left_behind(
    stock_cups: PrivateCups, caplog: pytest.LogCaptureFixture
) -> None:
    # cupsd.conf without the kiosk's policy (its installer block lost): CUPS makes the queue,
    # then refuses its op-policy; the half-made queue is deleted again.
    caplog.set_level(logging.INFO, logger="kiosk")
    cups = stock_cups
    conf = cups.root / "cupsd.conf"
    text = conf.read_text()
    start = text.index(f"<Policy {cupsconf.POLICY_NAME}>")
    end = text.index("</Policy>", start) + len("</Policy>")
    conf.write_text(text[:start] + text[end:])
    cups.restart()
    queue = CupsQueue(cups.socket, approvals=cups.approvals)
    with running_worker(queue, 5.0) as (worker, _):
        made = worker.set_printer(cups.capture_uri(cups.printed)).result(timeout=10)
    assert made is PrinterChange.REFUSED
    [refused] = _errors(caplog, "printer_refused")
    assert "refused the queue's settings" in refused.__dict__["fields"]["error"]
    with pytest.raises(NoQueue):
        queue.printer()
