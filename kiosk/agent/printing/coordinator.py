"""Printing during sessions: the agent's side of the CUPS worker and the print meter,
started only when there is a cupsd to meter (otherwise no printing code is loaded)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import os
import pwd
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from epn_shared.json_log import event
from kiosk.agent.clock import Clock
from kiosk.agent.config import AgentConfig
from kiosk.agent.session_keeper import SessionKeeper
from kiosk.core.engine import IN_SESSION
from kiosk.core.model import Instant
from kiosk.core.protocol import PrintView
from policies import LoginMode, Policy

if TYPE_CHECKING:
    from kiosk.agent.printing.meter import PrintJobFact, PrintMeter
    from kiosk.agent.printing.worker import CountedJob, PrinterChange, PrintWorker

log = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class PrintCoordinator:
    """Starts the worker and the meter, tells the meter about sessions, shows its state;
    ``on_changed()`` when what the visitor or the console sees of printing changed."""

    config: AgentConfig
    clock: Clock
    keeper: SessionKeeper
    on_changed: Callable[[], None]
    meter: PrintMeter | None = dataclasses.field(default=None, init=False)
    worker: PrintWorker | None = dataclasses.field(default=None, init=False)
    printed_at_end: tuple[int, int] | None = dataclasses.field(default=None, init=False)
    """Pages and cents the last session printed, for its receipt (the meter forgets)."""
    printer_change: Future[PrinterChange] | None = dataclasses.field(default=None, init=False)
    """What the worker did with the last printer a policy named (changed, the same, waiting
    for the job printing, the queue made on a PC installed without one, refused by CUPS)."""

    def start(self) -> None:
        """With a cupsd to meter: the worker thread and the meter (nothing otherwise)."""
        config = self.config
        if config.cups_socket is None:
            return
        from kiosk.agent.printing.cups_queue import CupsQueue  # noqa: PLC0415
        from kiosk.agent.printing.meter import PrintMeter  # noqa: PLC0415
        from kiosk.agent.printing.worker import PrintWorker, wake_socket_for  # noqa: PLC0415

        loop = asyncio.get_running_loop()
        cups = CupsQueue(config.cups_socket, approvals=config.print_approvals)
        cups.clear_approvals()
        worker = PrintWorker(
            cups,
            lambda job: loop.call_soon_threadsafe(self._counted, job),
            lambda job_id: loop.call_soon_threadsafe(self._gone, job_id),
            events=wake_socket_for(config.cups_socket),
        )
        user = config.print_user or (
            pwd.getpwuid(os.geteuid()).pw_name if config.sandbox else config.visitor
        )
        self.meter = PrintMeter(worker, user, self._fact, self.on_changed)
        if self.keeper.engine.state in IN_SESSION:
            self.session_started()  # resumed after a restart: its quota starts again
        worker.start()
        self.worker = worker
        event(log, "printing_metered", cups=str(config.cups_socket), user=user)
        self._set_printer(self.keeper.engine.policy)

    async def stop(self) -> None:
        """Stop the worker thread (the meter's held jobs stay in CUPS)."""
        worker, self.worker = self.worker, None
        if worker is not None:
            await asyncio.to_thread(worker.stop)

    def session_started(self) -> None:
        """The session's quota and free pages apply from now."""
        session = self.keeper.engine.session
        if self.meter is None or session is None or session.started_wall is None:
            return
        self.meter.session_started(
            self.keeper.engine.policy,
            self.keeper.session_id or "local",
            # Jobs CUPS received before this are the last visitor's. (The agent's clock is
            # the system's in production; a test's clock may not be, CUPS's always is.)
            min(time.time(), session.started_wall.timestamp()),
            free_pages=session.visitor.free_pages,
            member=session.visitor.mode is LoginMode.MEMBER,
            printed_today=session.visitor.pages_printed_today,
        )

    def session_ended(self, now: Instant) -> None:
        """Keep what the session printed for its receipt; the meter ends its session."""
        if self.meter is not None:
            self.printed_at_end = (self.meter.printed, self.meter.cost_cents)
            self.meter.session_ended(now.mono)

    def set_policy(self, policy: Policy) -> None:
        """Prices and quotas of a new policy apply to the next job; its printer, if it names
        one, to the next job released once none is printing."""
        if self.meter is not None:
            self.meter.set_policy(policy)
        self._set_printer(policy)

    def printer_problem(self, policy: Policy) -> str | None:
        """Why this PC cannot send its pages to the policy's printer (the field named), or
        None: no printer named, printing not metered here, or its backend is there."""
        uri = policy.printing.printer_uri
        if uri is None or self.config.cups_socket is None:
            return None
        from kiosk.agent.printing.gate_backend import PRINTER_SCHEMES  # noqa: PLC0415

        scheme = uri.partition(":")[0]
        backend = self.config.cups_backends / scheme
        if scheme not in PRINTER_SCHEMES:
            return f"printing.printer_uri: the kiosk's gate sends no pages to {scheme}:"
        if not (backend.is_file() and os.access(backend, os.X_OK)):
            return (
                f"printing.printer_uri: this PC's CUPS has no {scheme} backend ({backend}); "
                "it keeps its printer"
            )
        return None

    def _set_printer(self, policy: Policy) -> None:
        """Point the queue at the policy's printer (no queue: the worker makes it as the
        installer does); none named: the queue keeps its own. A printer this PC cannot reach
        is logged and the queue keeps the one it has."""
        uri = policy.printing.printer_uri
        if self.worker is None or uri is None:
            return
        problem = self.printer_problem(policy)
        if problem is not None:
            event(log, "printer_refused", logging.ERROR, version=policy.version, error=problem)
            return
        self.printer_change = self.worker.set_printer(uri)

    def tick(self, now: Instant) -> None:
        """Cancel what waited too long."""
        if self.meter is not None:
            self.meter.tick(now.mono)

    def answer(self, job_id: int, *, print_it: bool) -> bool:
        """The visitor's answer about a waiting job; False if it is not waiting."""
        return self.meter is not None and self.meter.answer(job_id, print_it=print_it)

    def view(self, now: Instant) -> PrintView | None:
        """The job waiting for the visitor, as the shell shows it."""
        meter = self.meter
        pending = meter.pending() if meter is not None else None
        left = meter.allowance() if meter is not None else None
        if pending is None:
            return None
        offer = pending.quote
        return PrintView(
            job_id=pending.job_id,
            waiting=pending.waiting.value,
            pages=offer.count.pages if offer else 0,
            sheets=offer.count.sheets if offer else 0,
            colour=offer.colour if offer else False,
            cost_cents=offer.cost_cents if offer else 0,
            free_pages_used=offer.free_pages_used if offer else 0,
            currency=pending.currency,
            pages_left=left.pages_left if left else 0,
            problem=pending.problem,
            seconds_left=max(0, math.ceil(pending.deadline - now.mono)),
        )

    def _counted(self, job: CountedJob) -> None:
        if self.meter is not None:
            self.meter.job_counted(job, self.clock.now().mono)

    def _gone(self, job_id: int) -> None:
        if self.meter is not None:
            self.meter.job_gone(job_id)

    def _fact(self, fact: PrintJobFact) -> None:
        """A print outcome for the console: into the outbox, in its own transaction."""
        if self.keeper.console_events is None:
            return
        from kiosk.agent.outbox import print_job_event  # noqa: PLC0415

        now = self.clock.now()
        self.keeper.send(now, print_job_event(fact, at=now.wall))
