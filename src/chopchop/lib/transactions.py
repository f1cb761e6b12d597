"""Request transactions: commit a 2xx response's work before it is sent, or fail the request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from litestar.types import HTTPResponseStartEvent, Message, Scope
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from chopchop.lib.outages import classify
from chopchop.lib.problems import PROBLEM_JSON, fault_problem, problem_bytes
from chopchop.lib.replicas import (
    CONSISTENCY_HEADER_BYTES,
    ROUTED_STATE_KEY,
    SAFE_METHODS,
    UNKNOWN_POSITION,
    parse_lsn,
    request_session,
    token_for,
)

logger = logging.getLogger("chopchop.db")

BeforeSend = Callable[[Message, Scope], Awaitable[None]]


@dataclass(slots=True)
class Transaction:
    """One request's transaction, as the work tied to its commit sees it."""

    scope: Scope
    session: AsyncSession | None
    committed: bool = False
    # The primary's WAL position after the commit (read replicas configured): 0 when none is needed,
    # UNKNOWN_POSITION when the commit's position could not be read.
    position: int = 0


class Participant(Protocol):
    """Work tied to the commit of a successful write: the response cache's invalidation, the outbox's dispatch.

    Registered once, when the app is built (``server/database.py``); each finds in the transaction (its scope's
    state, its session's ``info``) what the request asked of it, and does nothing when it asked nothing."""

    async def before_commit(self, transaction: Transaction) -> bool:
        """Before the commit; raising fails the write (it is rolled back). True if ``after_commit`` must run."""
        ...

    async def after_commit(self, transaction: Transaction) -> None:
        """After the commit (``transaction.committed``), or after the rollback of a write whose ``before_commit``
        had run; never raises into the response (it is sent)."""
        ...


def commit_before_send(participants: Sequence[Participant] = (), *, token_key: bytes | None = None) -> BeforeSend:
    """The unit of work of a request, as a before-send hook: on 2xx run the participants' ``before_commit``,
    commit, and run their ``after_commit``; otherwise roll back.

    Unlike advanced-alchemy's stock autocommit hook, a failed commit is not logged and forgotten: the 2xx
    about to start becomes a problem (503 with Retry-After when the database is unavailable or the
    transaction lost a race, 500 otherwise), so the client never gets a success for lost data. The same holds
    when a ``before_commit`` fails (the cache's invalidation could not be recorded): the transaction is rolled
    back and the client told to retry. Litestar deems the response started once this hook runs, so no exception
    handler could answer for it: the hook rewrites the response's messages itself.

    ``token_key`` (read replicas are configured): a committed write's answer carries the primary's WAL position
    after its commit as its consistency token (``Chopchop-Consistency-Token``, signed with this key), and the
    response cache records the position with the generations the write bumps (``lib/replicas.py``).
    """

    async def handler(message: Message, scope: Scope) -> None:
        state = cast("dict[str, Any]", scope).setdefault("state", {})
        if message["type"] == "http.response.body":
            replacement = state.get(_REPLACED_BODY_KEY)
            if replacement is not None:
                # The problem goes out with the first body message; whatever the handler had streamed is dropped.
                cast("dict[str, Any]", message)["body"], state[_REPLACED_BODY_KEY] = replacement, b""
            return
        if message["type"] == "http.response.start":
            await _settle_transaction(message, scope, participants, token_key=token_key)

    return handler


_REPLACED_BODY_KEY = "chopchop_replaced_body"


async def _settle_transaction(
    message: HTTPResponseStartEvent,
    scope: Scope,
    participants: Sequence[Participant],
    *,
    token_key: bytes | None = None,
) -> None:
    """Commit a 2xx's transaction (between the participants' two steps) or roll it back; a failure rewrites
    ``message``."""
    session = request_session(scope, forget=True)
    transaction = Transaction(scope, session)
    success = 200 <= message["status"] < 300
    prepared: list[Participant] = []
    try:
        if success:
            for participant in participants:
                if await participant.before_commit(transaction):
                    prepared.append(participant)
        if session is not None:
            if success:
                await _commit(message, transaction, token_key)
            else:
                await _quietly(session.rollback())
        transaction.committed = success
    except Exception as exc:  # noqa: BLE001 - any failed commit: the client must not see a success
        if session is not None:
            await _quietly(session.rollback())
        _replace_with_problem(message, scope, exc)
    finally:
        if session is not None:
            await _quietly(session.close())
        for participant in prepared:
            await participant.after_commit(transaction)


async def _commit(message: HTTPResponseStartEvent, transaction: Transaction, token_key: bytes | None) -> None:
    session = cast("AsyncSession", transaction.session)
    tokens = token_key is not None and transaction.scope.get("method") not in SAFE_METHODS
    if tokens:
        # Until the position is known, the cache must not record the write as replayable anywhere.
        transaction.position = UNKNOWN_POSITION
    await session.commit()
    if tokens and token_key is not None:
        await _hand_out_token(message, transaction, token_key)


async def _hand_out_token(message: HTTPResponseStartEvent, transaction: Transaction, key: bytes) -> None:
    """The committed write's WAL position: a response header, and what the cache's release records.

    ``pg_current_wal_insert_lsn()``, not ``pg_current_wal_lsn()``: with ``synchronous_commit = off`` the commit
    record may not be written yet, but it is inserted. If the session's connection died after the commit, any
    other connection to the primary gives a position past it; if none answers, the position stays unknown: the
    client gets no token and the cache's release is skipped (the tags stay uncached until their lease ends)."""
    session = cast("AsyncSession", transaction.session)
    if ROUTED_STATE_KEY in cast("dict[str, Any]", transaction.scope)["state"]:
        transaction.position = 0  # served by a replica: nothing was written
        return
    position: str
    try:
        position = (await session.execute(_POSITION)).scalar_one()
    except Exception as exc:  # noqa: BLE001 - the write is committed; try another connection
        logger.info("WAL position after a commit unavailable on its connection (%s)", type(exc).__name__)
        try:
            async with cast("AsyncEngine", session.bind).connect() as connection:
                position = (await connection.execute(_POSITION)).scalar_one()
        except Exception as again:  # noqa: BLE001
            logger.warning("no consistency token for a committed write (%s)", type(again).__name__)
            return
    transaction.position = parse_lsn(position)
    headers = cast("list[tuple[bytes, bytes]]", message.setdefault("headers", []))
    headers.append((CONSISTENCY_HEADER_BYTES, token_for(position, key).encode()))


_POSITION = text("SELECT pg_current_wal_insert_lsn()::text")


async def _quietly(step: Awaitable[None]) -> None:
    """Roll back or close a session whose connection may be gone: nothing more can go wrong for the client."""
    try:
        await step
    except Exception as exc:  # noqa: BLE001
        logger.info("session cleanup failed (%s)", type(exc).__name__)


def _replace_with_problem(message: Message, scope: Scope, exc: Exception) -> None:
    where = f"{scope.get('method')} {scope.get('path')}"
    fault = classify(exc)
    if fault is not None:
        slug, detail, extra = fault_problem(fault, where)
        status: int = 503
    else:
        logger.error("commit failed on %s; the request fails instead of reporting success", where, exc_info=exc)
        slug, detail, extra, status = None, "Internal Server Error", {}, 500
    body = problem_bytes(status, slug=slug, detail=detail, scope=scope)
    cast("dict[str, Any]", scope)["state"][_REPLACED_BODY_KEY] = body
    kept = [
        (name, value)
        for name, value in cast("list[tuple[bytes, bytes]]", message.get("headers", []))
        if name.lower() in _KEPT_HEADERS
    ]
    start = cast("dict[str, Any]", message)
    start["status"] = status
    start["headers"] = [
        *kept,
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *((name.lower().encode(), value.encode()) for name, value in extra.items()),
    ]


# What a replaced response keeps of the original: nothing that described the body that is no longer sent.
_KEPT_HEADERS = frozenset({b"x-request-id", b"vary"})
