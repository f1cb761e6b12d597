"""Request transactions: commit a 2xx response's work before it is sent, or fail the request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from litestar import Request
from litestar.types import Message, Scope
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger("chopchop.db")

BeforeSend = Callable[[Message, Scope], Awaitable[None]]
AFTER_COMMIT_STATE_KEY = "chopchop_after_commit"


def after_commit(request: Request[Any, Any, Any], callback: Callable[[], Awaitable[None]]) -> None:
    """Run ``callback`` once this request's transaction has committed (never if it rolled back)."""
    state = cast("dict[str, Any]", request.scope).setdefault("state", {})
    state.setdefault(AFTER_COMMIT_STATE_KEY, []).append(callback)


def commit_before_send(session_scope_key: str, after_commit: BeforeSend | None = None) -> BeforeSend:
    """A before-send hook: commit on 2xx, roll back otherwise, then run ``after_commit``.

    Unlike advanced-alchemy's stock autocommit hook, a failed commit is not logged and forgotten: it
    raises before the response starts, so the client gets an error instead of a success for lost data.
    """

    async def handler(message: Message, scope: Scope) -> None:
        session = cast("AsyncSession | None", get_aa_scope_state(scope, session_scope_key))
        if message["type"] != "http.response.start":
            return
        try:
            if session is not None:
                if 200 <= message["status"] < 300:
                    await session.commit()
                else:
                    await session.rollback()
        except Exception:
            logger.exception("commit failed; the request fails instead of reporting success")
            await session.rollback()  # type: ignore[union-attr]
            raise
        finally:
            if session is not None:
                await session.close()
                delete_aa_scope_state(scope, session_scope_key)
        if after_commit is not None:
            await after_commit(message, scope)
        if 200 <= message["status"] < 300:
            callbacks = cast("dict[str, Any]", scope).get("state", {}).pop(AFTER_COMMIT_STATE_KEY, [])
            for callback in callbacks:
                await callback()

    return handler
