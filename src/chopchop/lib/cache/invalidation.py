"""The write side: the tags a write changes, leased before its commit and released after."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, cast

from litestar import Request
from litestar.types import Scope

from chopchop.lib.cache.constants import INVALIDATE_STATE_KEY, LEASE_STATE_KEY
from chopchop.lib.cache.generations import Generations
from chopchop.lib.negotiation import MEDIA_TYPES_OPT
from chopchop.lib.replicas import UNKNOWN_POSITION
from chopchop.lib.transactions import Transaction

logger = logging.getLogger("chopchop.cache")


def _state(scope: Scope) -> dict[str, Any]:
    return cast("dict[str, Any]", cast("dict[str, Any]", scope).setdefault("state", {}))


def invalidate(request: Request[Any, Any, Any], *tags: str) -> None:
    """Mark tags whose cached reads this request's write changes (see :class:`CacheInvalidation`)."""
    _state(request.scope).setdefault(INVALIDATE_STATE_KEY, set()).update(tags)


class CacheInvalidation:
    """The write side of the cache, a participant of the request transaction (``lib/transactions.py``): lease the
    tags the handler invalidated before the commit, release them after."""

    def __init__(self, generations: Generations) -> None:
        self._generations = generations

    async def before_commit(self, transaction: Transaction) -> bool:
        """Lease; True if there was something to lease. Raises (Redis unavailable) if it could not be recorded."""
        state = _state(transaction.scope)
        tags = state.get(INVALIDATE_STATE_KEY)
        if not tags:
            return False
        state[LEASE_STATE_KEY] = lease_id = os.urandom(12).hex()
        await self._generations.lease(tags, lease_id)
        return True

    async def after_commit(self, transaction: Transaction) -> None:
        state = _state(transaction.scope)
        tags = state.pop(INVALIDATE_STATE_KEY, None)
        lease_id = state.pop(LEASE_STATE_KEY, "")
        if tags and transaction.position == UNKNOWN_POSITION:
            # A write whose WAL position is unknown (committed, or in doubt): a release would let a replica that has
            # not replayed it fill the new generation. Its lease ends by itself; until then the tags are not cached.
            logger.warning(
                "cache release skipped (WAL position unknown): %s stay uncached until their lease ends", tags
            )
        elif tags:
            await self._generations.release(tags, lease_id, transaction.position)


def cached_public(*tags: str, media_types: Sequence[str] = ()) -> dict[str, Any]:
    """Route kwargs of a public GET whose response is the same for everyone, cached by Litestar under ``tags``.

    Tags may name path parameters (``"recipe:{recipe_id}"``). Every write that changes what such a
    response shows must :func:`invalidate` one of its tags. ``media_types``: the representations the handler
    offers (``Accept``), its default first; the key names the negotiated one, and the answer must say
    ``Vary: Accept``.
    """
    # Public and the same for everyone: a read replica may serve it (``lib/replicas.py``).
    opt: dict[str, Any] = {"exclude_from_auth": True, "cache_tags": tags, "replica_reads": True}
    if media_types:
        opt[MEDIA_TYPES_OPT] = tuple(media_types)
    return {"cache": True, "opt": opt, "security": [{}]}


async def commit_invalidating(
    generations: Generations | None,
    tags: Iterable[str],
    commit: Callable[[], Awaitable[None]],
    *,
    release: bool = True,
) -> None:
    """A write outside a request (a job) that changes what cached reads of ``tags`` show: lease them, ``commit``,
    release them, as :class:`CacheInvalidation` does for a request. ``release=False`` (read replicas configured,
    whose replay of the commit is not known) leaves the lease to end by itself: the tags are not cached until
    then. Raises, and does not commit, if the lease cannot be recorded."""
    tags = sorted(set(tags))
    if generations is None or not tags:
        await commit()
        return
    lease_id = os.urandom(12).hex()
    await generations.lease(tags, lease_id)
    try:
        await commit()
    finally:
        if release:
            await generations.release(tags, lease_id)
