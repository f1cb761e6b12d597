"""What the probes read: whether the database and the queue answer, how much work waits, with bounded waits."""

from __future__ import annotations

import asyncio
import contextlib

from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from chopchop.db import OutboxStatus
from chopchop.lib import outbox
from chopchop.lib.jobs import JobQueue, SaqJobQueue
from chopchop.lib.observability import OUTBOX_BACKLOG, QUEUE_DEPTH

# A probe that waits longer than this is answered as failed: a frozen dependency must not hold the probe (or the
# scrape) for its command timeout.
CHECK_TIMEOUT_SECONDS = 2.0


class SystemService:
    """The probes of one request, on its session and the app's job queue."""

    def __init__(self, session: AsyncSession, job_queue: JobQueue) -> None:
        self.session = session
        self.job_queue = job_queue

    async def checks(self) -> dict[str, str]:
        """``ok`` or ``error: <kind>`` for the database and, in server mode, the queue's Redis."""
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.session.execute(text("SELECT 1")), CHECK_TIMEOUT_SECONDS)
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"error: {type(exc).__name__}"
        if isinstance(self.job_queue, SaqJobQueue):
            try:
                await asyncio.wait_for(self.job_queue.ping(), CHECK_TIMEOUT_SECONDS)
                checks["redis"] = "ok"
            except Exception as exc:  # noqa: BLE001
                checks["redis"] = f"error: {type(exc).__name__}"
        return checks

    async def refresh_gauges(self) -> None:
        """The outbox backlog and queue depth gauges, read now (raises if a dependency does not answer)."""
        try:
            backlog = await asyncio.wait_for(outbox.backlog(self.session), CHECK_TIMEOUT_SECONDS)
        finally:
            # A read: nothing to commit, and a database lost meanwhile must not turn the scrape into a 503.
            with contextlib.suppress(Exception):
                await self.session.rollback()
        for status in (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.DEAD):
            OUTBOX_BACKLOG.labels(status.value).set(backlog.get(status.value, 0))
        if isinstance(self.job_queue, SaqJobQueue):
            for kind in ("queued", "active"):
                depth = await asyncio.wait_for(self.job_queue.queue.count(kind), CHECK_TIMEOUT_SECONDS)
                QUEUE_DEPTH.labels(kind).set(depth)


async def provide_system_service(
    db_session: NamedDependency[AsyncSession], job_queue: NamedDependency[JobQueue]
) -> SystemService:
    return SystemService(db_session, job_queue)
