"""Response cache that is never stale: generation-stamped keys, invalidation after commit, fail-open.

How it stays fresh. Every cached GET names the *tags* its body depends on (``opt={"cache_tags": [...]}``,
e.g. ``("recipes",)`` for a list or ``("recipe:{recipe_id}",)`` for a detail, formatted with the path
parameters). Each tag has a generation counter. Before the handler runs, the middleware reads the
current generations of the request's tags (one ``MGET``) and the cache key includes them. A write
names the tags it affects (:func:`invalidate`); once its transaction has committed, and before its
response is sent, the generations are incremented. So:

* a read that starts after a write completed sees the new generations and misses the old entries;
* a read that raced the write and computed old data stores it under the old generation, where no later
  read looks: invalidation cannot be undone by a slow reader, which plain key deletion would allow.

Old entries are never deleted, they expire (bounded TTL). If Redis is unreachable the cache is
bypassed (reads go to the database, writes succeed); generation bumps that could not be recorded mark
the process dirty, and the next time Redis answers, a global epoch is bumped, which invalidates every
entry cached before the outage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any, cast

from litestar import Request
from litestar.stores.base import Store
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from redis.asyncio import Redis
from redis.exceptions import RedisError

from chopchop.lib.observability import CACHE_LOOKUPS

logger = logging.getLogger("chopchop.cache")

GENERATION_STATE_KEY = "chopchop_cache_generation"
INVALIDATE_STATE_KEY = "chopchop_cache_invalidate"
EPOCH_TAG = "_epoch"
# How long to leave Redis alone after a failure before trying again (keeps requests fast in an outage).
RETRY_AFTER_SECONDS = 1.0


class _Breaker:
    """Remembers a recent Redis failure so that requests do not each wait for a dead server."""

    def __init__(self) -> None:
        self._open_until = 0.0
        self._warned_at = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, what: str, exc: BaseException) -> None:
        now = time.monotonic()
        self._open_until = now + RETRY_AFTER_SECONDS
        if now - self._warned_at > 10:
            self._warned_at = now
            logger.warning("Redis unavailable (%s: %s): serving without the cache", what, exc)


# Generations must never go back: if a counter were lost (Redis eviction, a restart that kept the cache
# entries, an operator deleting keys) and restarted from 0, old entries stamped with 0, 1, 2 ... would be
# served again. So a missing counter starts at the Redis server's clock in microseconds, and a bump moves
# it to max(value + 1, clock): always above every value it ever had.
_READ_SCRIPT = """
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local values = {}
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if not value then
    redis.call('SET', key, string.format('%.0f', now), 'NX')
    value = redis.call('GET', key)
  end
  values[i] = value
end
return values
"""
_BUMP_SCRIPT = """
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
for _, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '0')
  redis.call('SET', key, string.format('%.0f', math.max(current + 1, now)))
end
return #KEYS
"""


class Generations:
    """Generation counters of cache tags, in Redis (shared by every process) or in memory (embedded)."""

    def __init__(self, redis: Redis | None = None, prefix: str = "chopchop") -> None:
        self._prefix = f"{prefix}:gen:"
        self._memory: dict[str, int] = {}
        self._breaker = _Breaker()
        self._dirty = False
        self._read = redis.register_script(_READ_SCRIPT) if redis is not None else None
        self._bump = redis.register_script(_BUMP_SCRIPT) if redis is not None else None

    async def current(self, tags: Sequence[str]) -> str | None:
        """A stamp of the tags' generations, or None when they cannot be known (the cache is then bypassed)."""
        if self._read is None or self._bump is None:
            return ".".join(str(self._memory.get(tag, 0)) for tag in (EPOCH_TAG, *tags))
        if self._breaker.open:
            return None
        try:
            if self._dirty:
                await self._bump(keys=[self._prefix + EPOCH_TAG])
                self._dirty = False
            values = await self._read(keys=[self._prefix + tag for tag in (EPOCH_TAG, *tags)])
        except (RedisError, OSError) as exc:
            self._breaker.trip("read generations", exc)
            return None
        return ".".join(value.decode() if isinstance(value, bytes) else str(value) for value in values)

    async def bump(self, tags: Iterable[str]) -> None:
        unique = sorted(set(tags))
        if not unique:
            return
        if self._bump is None:
            for tag in unique:
                self._memory[tag] = self._memory.get(tag, 0) + 1
            return
        try:
            if self._breaker.open:
                raise ConnectionError("Redis recently unreachable")
            keys = [self._prefix + tag for tag in ([EPOCH_TAG] if self._dirty else []) + unique]
            await self._bump(keys=keys)
            self._dirty = False
        except (RedisError, OSError) as exc:
            # The entries of these tags may now be stale; bump the epoch as soon as Redis is back.
            self._dirty = True
            self._breaker.trip("bump generations", exc)


class FailOpenStore(Store):
    """Wraps the response-cache store: a Redis failure becomes a cache miss, never an error response."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self._breaker = _Breaker()

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if self._breaker.open:
            return None
        try:
            value = await self._inner.get(key, renew_for)
        except (RedisError, OSError) as exc:
            self._breaker.trip("cache get", exc)
            return None
        CACHE_LOOKUPS.labels("hit" if value is not None else "miss").inc()
        return value

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        if self._breaker.open:
            return
        try:
            await self._inner.set(key, value, expires_in)
        except (RedisError, OSError) as exc:
            self._breaker.trip("cache set", exc)

    async def delete(self, key: str) -> None:
        try:
            await self._inner.delete(key)
        except (RedisError, OSError) as exc:
            self._breaker.trip("cache delete", exc)

    async def delete_all(self) -> None:
        try:
            await self._inner.delete_all()
        except (RedisError, OSError) as exc:
            self._breaker.trip("cache delete_all", exc)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        try:
            return await self._inner.expires_in(key)
        except (RedisError, OSError):
            return None


def _state(scope: Scope | HTTPScope) -> dict[str, Any]:
    return cast("dict[str, Any]", cast("dict[str, Any]", scope).setdefault("state", {}))


def cache_key(request: Request[Any, Any, Any]) -> str:
    """``<handler>:<generations>:<path>?<sorted query>``: explicit, per resource, normalised query."""
    generation = _state(request.scope).get(GENERATION_STATE_KEY) or "nocache"
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    return f"{request.route_handler.handler_name}:{generation}:{request.url.path}?{query}"


def should_store(scope: HTTPScope, status_code: int) -> bool:
    """Store only successful GETs whose generations were known (never writes, errors or outages)."""
    return scope["method"] == "GET" and status_code == 200 and bool(_state(scope).get(GENERATION_STATE_KEY))


def invalidate(request: Request[Any, Any, Any], *tags: str) -> None:
    """Mark tags to bump once this request's transaction has committed (see :func:`bump_after_commit`)."""
    _state(request.scope).setdefault(INVALIDATE_STATE_KEY, set()).update(tags)


def bump_invalidated(generations: Callable[[Scope], Generations]) -> Callable[[Message, Scope], Awaitable[None]]:
    """Runs once the request's transaction has committed: bump the tags the handler invalidated."""

    async def handler(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
            tags = _state(scope).pop(INVALIDATE_STATE_KEY, None)
            if tags:
                await generations(scope).bump(tags)

    return handler


class CacheGenerationMiddleware:
    """Reads the generations of a cached GET's tags before the cache lookup (they are part of the key)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] == "http" and http["method"] in {"GET", "HEAD"}:
            handler: Any = http.get("route_handler")
            tags = handler.opt.get("cache_tags") if getattr(handler, "cache", False) else None
            if tags:
                params = http.get("path_params", {})
                names = [tag.format(**params) for tag in tags]
                generations: Generations = http["litestar_app"].state.cache_generations
                _state(scope)[GENERATION_STATE_KEY] = await generations.current(names)
        await self.app(scope, receive, send)


def cached_public(*tags: str) -> dict[str, Any]:
    """Route kwargs of a public GET whose response is the same for everyone and cached under ``tags``.

    Tags may name path parameters (``"recipe:{recipe_id}"``). Every write that changes what such a
    response shows must :func:`invalidate` one of its tags.
    """
    return {"cache": True, "opt": {"exclude_from_auth": True, "cache_tags": tags}, "security": [{}]}
