"""Transactional outbox: background tasks that must not be lost, even when Redis (the queue) is down.

A request records the task in the ``outbox_message`` table, in its own transaction, next to the change
that calls for it (an account, a reset request). Only after the commit is a ``deliver_outbox`` job put
on the queue. If that fails, the row waits: a periodic sweep (``sweep_outbox``) puts every pending row
back on the queue once Redis answers again. A worker first *claims* the row (a lease, so that one
killed mid-task is retaken after ``LEASE``), runs the task, and marks it sent; a failure sends it back to
pending with its error and queues the next attempt after :func:`retry_delay` (2 s, doubling, at most 5
minutes), and after ``MAX_ATTEMPTS`` it is ``dead``: logged and queryable, never silent. This is the one retry
policy of a task: the queue runs each job once.
Duplicates are bounded by the claim; each email carries a Message-ID derived from the row's id.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from chopchop.db import OutboxMessage, OutboxStatus
from chopchop.lib.email import UndeliverableError
from chopchop.lib.jobs import JobFunction, JobQueue
from chopchop.lib.outages import is_outage
from chopchop.lib.transactions import Transaction

logger = logging.getLogger("chopchop.outbox")

MAX_ATTEMPTS = 8
RETRY_FIRST = timedelta(seconds=2)
RETRY_LONGEST = timedelta(minutes=5)
LEASE = timedelta(minutes=2)
SWEEP_AFTER = timedelta(seconds=30)  # a pending row untouched this long lost its queue job: enqueue it again
KEEP_SENT = timedelta(days=7)
DELIVER_TASK = "deliver_outbox"
#: A task function's attribute: the share (0-1] of a worker's job slots its attempts may hold at once. A task that
#: calls out to hosts its users choose (webhooks) can take each slot for its whole timeout, so a user pointing
#: endpoints at a receiver that never answers would otherwise hold every slot and stall the emails (confirmations,
#: password resets) queued behind. Past its share an attempt is put back, not counted, and tried again shortly.
SLOT_SHARE_ATTRIBUTE = "outbox_slot_share"
DEFERRED_DELAY_SECONDS = (1.0, 4.0)  # jittered: deferred attempts do not come back all at once
_Task = TypeVar("_Task", bound=Callable[..., Any])
_running: Counter[str] = Counter()  # attempts of each task running in this process


def slot_share(share: float) -> Callable[[_Task], _Task]:
    """Declare the share of a worker's job slots an outbox task may hold at once (see ``SLOT_SHARE_ATTRIBUTE``)."""
    if not 0 < share <= 1:
        msg = "a share of the job slots is in (0, 1]"
        raise ValueError(msg)

    def mark(task: _Task) -> _Task:
        setattr(task, SLOT_SHARE_ATTRIBUTE, share)
        return task

    return mark


def _slots(ctx: dict[str, Any], share: float) -> int:
    worker = ctx.get("worker")
    concurrency = getattr(worker, "concurrency", None) or getattr(ctx.get("settings"), "worker_concurrency", None)
    return max(1, int((concurrency or 10) * share))


def message_id_for(outbox_id: UUID | str) -> str:
    """A stable Message-ID: a retried email is recognisably the same email."""
    return f"<{outbox_id}@chopchop.local>"


def record(session: AsyncSession, task: str, **payload: Any) -> OutboxMessage:
    """Add a task to the outbox in the caller's transaction. A request's :class:`OutboxDispatch` queues it once
    the transaction has committed; the sweep queues what nobody did (a session outside a request, a Redis away)."""
    message = OutboxMessage(id=uuid7(), task=task, payload=payload, status=OutboxStatus.PENDING.value, attempts=0)
    session.add(message)
    session.info.setdefault(_RECORDED_INFO_KEY, []).append(message.id)
    return message


_RECORDED_INFO_KEY = "chopchop_outbox_recorded"


class OutboxDispatch:
    """A participant of the request transaction (``lib/transactions.py``): after the commit, hand the rows the
    request recorded to the queue (a rollback leaves nothing to hand)."""

    def __init__(self, job_queue: JobQueue) -> None:
        self._job_queue = job_queue

    async def before_commit(self, transaction: Transaction) -> bool:
        return transaction.session is not None and bool(transaction.session.info.get(_RECORDED_INFO_KEY))

    async def after_commit(self, transaction: Transaction) -> None:
        recorded: list[UUID] = cast("AsyncSession", transaction.session).info.pop(_RECORDED_INFO_KEY, [])
        if transaction.committed:
            await dispatch(self._job_queue, recorded)


async def dispatch(job_queue: JobQueue, outbox_ids: list[UUID]) -> None:
    """Hand committed outbox rows to the queue. A failure is not an error: the sweep retries later."""
    for outbox_id in outbox_ids:
        try:
            await job_queue.enqueue(DELIVER_TASK, outbox_id=str(outbox_id))
        except Exception as exc:  # after the commit nothing may fail the request; the row is safe
            if is_outage(exc):
                logger.warning("queue unavailable, email %s waits in the outbox: %s", outbox_id, exc)
            else:  # not Redis being away: a bug, to be seen, though the sweep still retries the row
                logger.exception("could not queue email %s; it waits in the outbox", outbox_id)


def retry_delay(attempts: int) -> timedelta:
    """How long a row waits after its ``attempts``-th failed attempt: 2, 4, 8, ... seconds, at most 5 minutes
    (the 8 attempts span about 4 minutes)."""
    if attempts <= 0:
        return timedelta(0)  # never tried: due at once
    factor: int = 2 ** (attempts - 1)
    return min(RETRY_FIRST * factor, RETRY_LONGEST)


def _lease(ctx: dict[str, Any]) -> timedelta:
    seconds = getattr(ctx.get("settings"), "outbox_lease_seconds", None)
    return LEASE if seconds is None else timedelta(seconds=seconds)


async def _claim(db: SQLAlchemyAsyncConfig, outbox_id: UUID, lease: timedelta) -> OutboxMessage | None:
    now = datetime.now(UTC)
    async with db.get_session() as session:
        claimed = (
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == outbox_id,
                    or_(
                        OutboxMessage.status == OutboxStatus.PENDING.value,
                        (OutboxMessage.status == OutboxStatus.SENDING.value) & (OutboxMessage.claimed_at < now - lease),
                    ),
                )
                .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage)
            )
        ).scalar_one_or_none()
        await session.commit()
        return claimed


async def _finish(db: SQLAlchemyAsyncConfig, outbox_id: UUID, **values: Any) -> None:
    async with db.get_session() as session:
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values))
        await session.commit()


def make_deliver(tasks: Callable[[], Mapping[str, JobFunction]]) -> JobFunction:
    """The ``deliver_outbox`` job, over the registry of tasks an outbox row may name."""

    async def deliver_outbox(ctx: dict[str, Any], *, outbox_id: str) -> str:
        db: SQLAlchemyAsyncConfig = ctx["db_config"]
        message = await _claim(db, UUID(outbox_id), _lease(ctx))
        if message is None:
            return "already handled"
        task = tasks()[message.task]
        share = getattr(task, SLOT_SHARE_ATTRIBUTE, None)
        if share is not None and _running[message.task] >= _slots(ctx, share):
            return await _defer(ctx, message)
        _running[message.task] += 1
        try:
            await task(ctx, **message.payload, message_id=message_id_for(message.id))
        except UndeliverableError as exc:
            # Retrying cannot help (the server refused the recipient for good): dead at once, and said so.
            logger.warning("outbox %s (%s) is undeliverable: %s", message.id, message.task, exc)
            await _finish(db, message.id, status=OutboxStatus.DEAD.value, last_error=f"undeliverable: {exc}"[:2000])
            return "undeliverable"
        except Exception as exc:  # noqa: BLE001 - any failure of the task is a failed attempt: counted, retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                logger.error(
                    "outbox %s (%s) is dead after %d attempts: %s", message.id, message.task, message.attempts, error
                )
                await _finish(db, message.id, status=OutboxStatus.DEAD.value, last_error=error)
                return "dead"
            await _finish(db, message.id, status=OutboxStatus.PENDING.value, last_error=error)
            delay = retry_delay(message.attempts)
            logger.warning(
                "outbox %s (%s) attempt %d failed, next in %.0f s: %s",
                message.id,
                message.task,
                message.attempts,
                delay.total_seconds(),
                error,
            )
            try:
                await ctx["job_queue"].enqueue(DELIVER_TASK, after=delay.total_seconds(), outbox_id=str(message.id))
            except Exception as queue_error:  # noqa: BLE001 - the sweep queues the row once it is due
                logger.warning("could not queue the next attempt of outbox %s: %s", message.id, queue_error)
            return "retry"
        finally:
            if share is not None:
                _running[message.task] -= 1
        await _finish(db, message.id, status=OutboxStatus.SENT.value, sent_at=datetime.now(UTC), last_error=None)
        return "sent"

    deliver_outbox.__name__ = deliver_outbox.__qualname__ = DELIVER_TASK  # SAQ finds tasks by name
    return deliver_outbox


async def _defer(ctx: dict[str, Any], message: OutboxMessage) -> str:
    """Give a claimed row back (pending, its attempt not counted) and queue it again after a short, jittered
    while: its task holds its share of this worker's slots. The sweep queues it if the queue is away."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    await _finish(db, message.id, status=OutboxStatus.PENDING.value, attempts=message.attempts - 1, claimed_at=None)
    try:
        await ctx["job_queue"].enqueue(
            DELIVER_TASK,
            after=random.uniform(*DEFERRED_DELAY_SECONDS),  # noqa: S311 - jitter, not a secret
            outbox_id=str(message.id),
        )
    except Exception as queue_error:  # noqa: BLE001 - the sweep queues the row once it is due
        logger.warning("could not queue deferred outbox %s again: %s", message.id, queue_error)
    return "deferred"


async def sweep_outbox(ctx: dict[str, Any], *, older_than_seconds: float | None = None) -> int:
    """Cron: put pending rows that lost their queue job (and expired leases) back on the queue."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    now = datetime.now(UTC)
    age = SWEEP_AFTER if older_than_seconds is None else timedelta(seconds=older_than_seconds)
    async with db.get_session() as session:
        ids = list(
            (
                await session.execute(
                    select(OutboxMessage.id)
                    .where(
                        or_(
                            # A pending row whose next attempt is due and seems to have lost its queue job.
                            *(
                                (OutboxMessage.status == OutboxStatus.PENDING.value)
                                & (OutboxMessage.attempts == attempts)
                                & (OutboxMessage.updated_at <= now - max(age, retry_delay(attempts)))
                                for attempts in range(MAX_ATTEMPTS)
                            ),
                            (OutboxMessage.status == OutboxStatus.SENDING.value)
                            & (OutboxMessage.claimed_at < now - _lease(ctx)),
                        )
                    )
                    .order_by(OutboxMessage.created_at)
                    .limit(500)
                )
            ).scalars()
        )
    await dispatch(ctx["job_queue"], ids)
    return len(ids)


async def purge_outbox(ctx: dict[str, Any]) -> int:
    """Cron: forget sent messages after a week (dead ones stay until someone looks at them)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    async with db.get_session() as session:
        result = await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.SENT.value, OutboxMessage.sent_at < datetime.now(UTC) - KEEP_SENT
            )
        )
        await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


async def backlog(session: AsyncSession) -> dict[str, int]:
    """How many messages wait, are in flight, or are dead (for /metrics and operators)."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status != OutboxStatus.SENT.value)
        .group_by(OutboxMessage.status)
    )
    return {status: int(count) for status, count in rows.tuples()}
