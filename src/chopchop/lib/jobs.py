"""Background jobs: one interface, backed by SAQ on Redis (server mode) or by the API process (embedded)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from saq import Queue

logger = logging.getLogger("chopchop.jobs")

JobContext = dict[str, Any]
JobFunction = Callable[..., Awaitable[Any]]

# Email delivery may meet a slow or briefly unavailable SMTP server: retry with exponential backoff.
DEFAULT_JOB_OPTIONS: dict[str, Any] = {"timeout": 60, "retries": 5, "retry_delay": 2.0, "retry_backoff": True}


@runtime_checkable
class JobQueue(Protocol):
    """Where request handlers hand work that must not happen inside the request."""

    async def enqueue(self, task: str, /, **kwargs: Any) -> None: ...


class SaqJobQueue:
    """Enqueues onto a SAQ queue; separate worker processes (``chopchop worker``) run the jobs."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue

    async def enqueue(self, task: str, /, **kwargs: Any) -> None:
        await self.queue.enqueue(task, **DEFAULT_JOB_OPTIONS, **kwargs)


class InProcessJobQueue:
    """Embedded mode: runs each job as a task of the API's own event loop, with the same retries."""

    def __init__(self, functions: Mapping[str, JobFunction], context: JobContext) -> None:
        self.functions = dict(functions)
        self.context = context
        self._tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, task: str, /, **kwargs: Any) -> None:
        function = self.functions[task]
        job = asyncio.create_task(self._run(task, function, kwargs))
        self._tasks.add(job)
        job.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, function: JobFunction, kwargs: dict[str, Any]) -> None:
        retries: int = DEFAULT_JOB_OPTIONS["retries"]
        delay: float = DEFAULT_JOB_OPTIONS["retry_delay"]
        for attempt in range(1, retries + 1):
            try:
                await asyncio.wait_for(function(self.context, **kwargs), timeout=DEFAULT_JOB_OPTIONS["timeout"])
            except Exception:
                logger.exception("job %s failed (attempt %d of %d)", name, attempt, retries)
                if attempt == retries:
                    return
                await asyncio.sleep(delay * 2 ** (attempt - 1))
            else:
                return

    async def drain(self) -> None:
        """Wait for the jobs that are still running (at shutdown, and in tests)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
