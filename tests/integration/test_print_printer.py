"""The room's printer chosen at the console (``printing.printer_uri``): a real agent points
its held ``kiosk`` queue's gate at it, on a real private cupsd, between two printers: the
capture printer the queue was installed with (A) and printers on the network speaking
AppSocket through CUPS's own ``socket`` backend (B)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
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
from kiosk.agent.printing.cups_queue import HELD, CupsQueue
from kiosk.agent.printing.cupsconf import QUEUE_NAME, gate_uri
from kiosk.agent.printing.gate_backend import Approval
from kiosk.agent.printing.worker import PrinterChange
from policies import policy_from_data

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
