"""Background jobs: one interface, backed by SAQ on Redis (server mode) or by the API process (embedded)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol, runtime_checkable

from croniter import croniter  # type: ignore[import-untyped]
from saq import Queue

logger = logging.getLogger("chopchop.jobs")

JobContext = dict[str, Any]
JobFunction = Callable[..., Awaitable[Any]]

# One attempt per job: what must be retried (email delivery) keeps its own count and schedule in the outbox
# (``chopchop.lib.outbox``), and re-enqueues itself for later; SAQ retrying it too multiplied the attempts.
DEFAULT_JOB_OPTIONS: dict[str, Any] = {"timeout": 60, "retries": 1}


@runtime_checkable
class JobQueue(Protocol):
    """Where request handlers hand work that must not happen inside the request."""

    async def enqueue(self, task: str, /, *, after: float = 0.0, **kwargs: Any) -> None:
        """Run ``task(ctx, **kwargs)`` once, not before ``after`` seconds from now."""
        ...


class SaqJobQueue:
    """Enqueues onto a SAQ queue; separate worker processes (``chopchop worker``) run the jobs."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue

    async def enqueue(self, task: str, /, *, after: float = 0.0, **kwargs: Any) -> None:
        # SAQ: whole epoch seconds, 0 = now; rounded up, never sooner than asked.
        scheduled = math.ceil(time.time() + after) if after > 0 else 0
        await self.queue.enqueue(task, scheduled=scheduled, **DEFAULT_JOB_OPTIONS, **kwargs)


class Scheduled(NamedTuple):
    """A periodic job: its cron expression (5 fields, or 6 with seconds last), function and time limit."""

    cron: str
    function: JobFunction
    timeout: float | None = None


class InProcessJobQueue:
    """Embedded mode: runs each job as a task of the API's own event loop, with the same retries, and the periodic
    jobs on their schedule (what the SAQ worker's cron does in server mode)."""

    def __init__(self, functions: Mapping[str, JobFunction], context: JobContext) -> None:
        self.functions = dict(functions)
        self.context = context
        self._tasks: set[asyncio.Task[None]] = set()
        self._schedule: asyncio.Task[None] | None = None
        self.scheduled: list[str] = []

    def start_schedule(self, jobs: Sequence[Scheduled]) -> None:
        """Run ``jobs`` at their times until :meth:`stop_schedule`; a failing run is logged, the next one runs."""
        self.scheduled = [job.function.__name__ for job in jobs]
        if jobs:
            self._schedule = asyncio.create_task(self._run_schedule(list(jobs)))

    async def stop_schedule(self) -> None:
        if self._schedule is not None:
            self._schedule.cancel()
            await asyncio.gather(self._schedule, return_exceptions=True)
            self._schedule = None

    async def _run_schedule(self, jobs: list[Scheduled]) -> None:
        now = datetime.now(UTC)
        times = [croniter(job.cron, now) for job in jobs]
        due = [moment.get_next(datetime) for moment in times]
        while True:
            index = min(range(len(jobs)), key=due.__getitem__)
            await asyncio.sleep(max(0.0, (due[index] - datetime.now(UTC)).total_seconds()))
            job = jobs[index]
            due[index] = times[index].get_next(datetime)
            run = asyncio.create_task(self._once(job))
            self._tasks.add(run)
            run.add_done_callback(self._tasks.discard)

    async def _once(self, job: Scheduled) -> None:
        try:
            await asyncio.wait_for(job.function(self.context), timeout=job.timeout)
        except Exception:
            logger.exception("scheduled job %s failed", job.function.__name__)

    async def enqueue(self, task: str, /, *, after: float = 0.0, **kwargs: Any) -> None:
        function = self.functions[task]
        job = asyncio.create_task(self._run(task, function, kwargs, after))
        self._tasks.add(job)
        job.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, function: JobFunction, kwargs: dict[str, Any], after: float) -> None:
        if after > 0:
            await asyncio.sleep(after)
        try:
            await asyncio.wait_for(function(self.context, **kwargs), timeout=DEFAULT_JOB_OPTIONS["timeout"])
        except Exception:
            logger.exception("job %s failed", name)

    async def drain(self) -> None:
        """Wait for the jobs that are still running (at shutdown, and in tests)."""
        await self.stop_schedule()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
