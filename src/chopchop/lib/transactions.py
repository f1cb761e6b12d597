"""Request transactions: commit a 2xx response's work before it is sent, or fail the request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, cast

from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from litestar import Request
from litestar.types import HTTPResponseStartEvent, Message, Scope
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from chopchop.lib.outages import classify
from chopchop.lib.problems import PROBLEM_JSON, fault_problem, problem_bytes
from chopchop.lib.replicas import (
    COMMIT_LSN_STATE_KEY,
    CONSISTENCY_HEADER_BYTES,
    ROUTED_STATE_KEY,
    SAFE_METHODS,
    UNKNOWN_POSITION,
    parse_lsn,
    token_for,
)

logger = logging.getLogger("chopchop.db")

BeforeSend = Callable[[Message, Scope], Awaitable[None]]
AFTER_COMMIT_STATE_KEY = "chopchop_after_commit"


class AroundCommit(Protocol):
    """Work tied to the commit of a successful write (the response cache's invalidation)."""

    async def before_commit(self, scope: Scope) -> bool:
        """Before the commit; raising fails the write (it is rolled back). True if ``after_commit`` must run."""
        ...

    async def after_commit(self, scope: Scope) -> None:
        """After the commit, or after the rollback of a write whose ``before_commit`` had run."""
        ...


def after_commit(request: Request[Any, Any, Any], callback: Callable[[], Awaitable[None]]) -> None:
    """Run ``callback`` once this request's transaction has committed (never if it rolled back)."""
    state = cast("dict[str, Any]", request.scope).setdefault("state", {})
    state.setdefault(AFTER_COMMIT_STATE_KEY, []).append(callback)


def commit_before_send(
    session_scope_key: str, around: AroundCommit | None = None, *, token_key: bytes | None = None
) -> BeforeSend:
    """A before-send hook: on 2xx run ``around.before_commit``, commit and run ``around.after_commit``; otherwise
    roll back.

    Unlike advanced-alchemy's stock autocommit hook, a failed commit is not logged and forgotten: the 2xx
    about to start becomes a problem (503 with Retry-After when the database is unavailable or the
    transaction lost a race, 500 otherwise), so the client never gets a success for lost data. The same holds
    when ``before_commit`` fails (the cache's invalidation could not be recorded): the transaction is rolled
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
        if message["type"] != "http.response.start":
            return
        await _settle_transaction(message, scope, session_scope_key, around, token_key=token_key)
        if 200 <= message["status"] < 300:
            callbacks = state.pop(AFTER_COMMIT_STATE_KEY, [])
            for callback in callbacks:
                await callback()

    return handler


_REPLACED_BODY_KEY = "chopchop_replaced_body"


async def _settle_transaction(
    message: HTTPResponseStartEvent,
    scope: Scope,
    session_scope_key: str,
    around: AroundCommit | None,
    *,
    token_key: bytes | None = None,
) -> None:
    """Commit a 2xx's transaction (between ``around``'s two steps) or roll it back; a failure rewrites ``message``."""
    session = cast("AsyncSession | None", get_aa_scope_state(scope, session_scope_key))
    success = 200 <= message["status"] < 300
    prepared = False
    try:
        if success and around is not None:
            prepared = await around.before_commit(scope)
        if session is not None:
            if success:
                tokens = token_key is not None and scope.get("method") not in SAFE_METHODS
                if tokens:
                    # Until the position is known, the cache must not record the write as replayable anywhere.
                    cast("dict[str, Any]", scope).setdefault("state", {})[COMMIT_LSN_STATE_KEY] = UNKNOWN_POSITION
                await session.commit()
                if tokens and token_key is not None:
                    await _hand_out_token(message, scope, session, token_key)
            else:
                await _quietly(session.rollback())
    except Exception as exc:  # noqa: BLE001 - any failed commit: the client must not see a success
        if session is not None:
            await _quietly(session.rollback())
        _replace_with_problem(message, scope, exc)
    finally:
        if session is not None:
            await _quietly(session.close())
            delete_aa_scope_state(scope, session_scope_key)
        if prepared and around is not None:
            await around.after_commit(scope)


async def _hand_out_token(message: HTTPResponseStartEvent, scope: Scope, session: AsyncSession, key: bytes) -> None:
    """The committed write's WAL position: a response header, and what the cache's release records.

    ``pg_current_wal_insert_lsn()``, not ``pg_current_wal_lsn()``: with ``synchronous_commit = off`` the commit
    record may not be written yet, but it is inserted. If the session's connection died after the commit, any
    other connection to the primary gives a position past it; if none answers, the position stays unknown: the
    client gets no token and the cache's release is skipped (the tags stay uncached until their lease ends)."""
    state = cast("dict[str, Any]", scope)["state"]
    if ROUTED_STATE_KEY in state:
        state[COMMIT_LSN_STATE_KEY] = 0  # served by a replica: nothing was written
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
    state[COMMIT_LSN_STATE_KEY] = parse_lsn(position)
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
