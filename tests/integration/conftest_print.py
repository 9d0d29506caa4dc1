"""Fixtures and helpers of the printing integration tests: a private cupsd with the kiosk's
gated queue, a real agent printing through it, a print worker and what it reports, and
``lp`` to submit a job.

Test modules import what they use: ``from conftest_print import ...`` (pytest puts this
folder on ``sys.path``), as with ``conftest_pg``.
"""

from __future__ import annotations

import queue
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.kiosk_agent import AgentThread, open_all_day_policy
from helpers.print_documents import write_pdf

from installer.demo.cupsd import PrivateCups
from kiosk.agent.printing.cups_queue import CupsQueue
from kiosk.agent.printing.worker import CountedJob, PrintWorker


@pytest.fixture
def cups() -> Iterator[PrivateCups]:
    """A private cupsd, stopped by its pid after the test."""
    with PrivateCups() as private:
        yield private


@pytest.fixture
def kiosk(cups: PrivateCups) -> Iterator[AgentThread]:
    """An agent open all day whose print meter watches ``cups``, once printing has started."""
    options = {
        "cups_socket": cups.socket,
        "print_approvals": cups.approvals,
        "cups_backends": cups.backends,
        "print_user": "root",  # the tests submit as root, as the visitor would as themself
    }
    with AgentThread(policy=open_all_day_policy(), config_options=options) as harness:
        harness.wait_until(lambda: harness.agent.printing.meter is not None, 10, "printing")
        yield harness


def lp(cups: PrivateCups, *args: str) -> int:
    """``lp -d kiosk ARGS`` on ``cups`` (options, then the files): the id of the job made."""
    done = cups.run("lp", "-d", "kiosk", *args)
    found = re.search(r"kiosk-(\d+)", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


class Recorder:
    """What a print worker reports: the jobs it counted, and the ids of the jobs gone."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[CountedJob] = queue.Queue()
        self.gone: queue.Queue[int] = queue.Queue()

    def next_job(self) -> CountedJob:
        """The next job counted (waits up to 10 s)."""
        return self.jobs.get(timeout=10)


@contextmanager
def running_worker(
    cups: CupsQueue, poll_seconds: float, events: Path | None = None
) -> Iterator[tuple[PrintWorker, Recorder]]:
    """A print worker on ``cups`` reporting to a new :class:`Recorder`, stopped on leaving."""
    recorder = Recorder()
    worker = PrintWorker(
        cups, recorder.jobs.put, recorder.gone.put, poll_seconds=poll_seconds, events=events
    )
    worker.start()
    try:
        yield worker, recorder
    finally:
        worker.stop()


def released_on_an_old_quote(
    cups: PrivateCups, worker: PrintWorker, recorder: Recorder, folder: Path
) -> CountedJob:
    """A 1-page job quoted, then given a 30-page document: released on the 1-page quote,
    the worker refuses (it looks again first) and counts it again. The new count."""
    job = lp(cups, str(write_pdf(folder / "a.pdf", 1)))
    quoted = recorder.next_job()
    cups.send_document(job, write_pdf(folder / "b.pdf", 30))
    assert not worker.release(job, 1, quoted.basis).result(timeout=10)
    again = recorder.next_job()
    assert again.job_id == job and again.count is not None and again.count.pages == 31
    assert cups.device_runs() == [], "nothing printed on the old quote"
    return again
