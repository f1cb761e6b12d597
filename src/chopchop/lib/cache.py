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

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Request
from litestar.stores.base import Store
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from redis.asyncio import Redis

from chopchop.lib.conditional import buffer_ok_response, etag_of
from chopchop.lib.observability import CACHE_LOOKUPS
from chopchop.lib.outages import REDIS_UNAVAILABLE

logger = logging.getLogger("chopchop.cache")

GENERATION_STATE_KEY = "chopchop_cache_generation"
INVALIDATE_STATE_KEY = "chopchop_cache_invalidate"
EPOCH_TAG = "_epoch"
# How long to leave Redis alone after a failure before trying again (keeps requests fast in an outage).
RETRY_AFTER_SECONDS = 1.0
CACHE_TTL_SECONDS = 300


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
_GENERATIONS_LUA = """
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
"""
_READ_SCRIPT = _GENERATIONS_LUA + "return values\n"
_BUMP_SCRIPT = """
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
for _, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '0')
  redis.call('SET', key, string.format('%.0f', math.max(current + 1, now)))
end
return #KEYS
"""


# One round trip for a cached GET: the generations of its tags (as _READ_SCRIPT) and the entry stored under the
# key they make: ARGV[1] .. stamp .. ARGV[2]. The entry key is not in KEYS: fine on a single Redis server (not
# Redis Cluster, which this service does not use).
_LOOKUP_SCRIPT = (
    _GENERATIONS_LUA
    + """
local stamp = table.concat(values, '.')
if stamp == ARGV[3] then
  return {stamp, false}
end
return {stamp, redis.call('GET', ARGV[1] .. stamp .. ARGV[2])}
"""
)


class Generations:
    """Generation counters of cache tags, in Redis (shared by every process) or in memory (embedded)."""

    def __init__(self, redis: Redis | None = None, prefix: str = "chopchop") -> None:
        self._prefix = f"{prefix}:gen:"
        self._memory: dict[str, int] = {}
        self._breaker = _Breaker()
        self._dirty = False
        self._read = redis.register_script(_READ_SCRIPT) if redis is not None else None
        self._bump = redis.register_script(_BUMP_SCRIPT) if redis is not None else None
        self._lookup = redis.register_script(_LOOKUP_SCRIPT) if redis is not None else None
        self.redis = redis

    def trip(self, what: str, exc: BaseException) -> None:
        self._breaker.trip(what, exc)

    async def lookup(
        self, tags: Sequence[str], before: str, after: str, known: str = ""
    ) -> tuple[str | None, bytes | None]:
        """The tags' generation stamp and the entry stored at ``before + stamp + after`` (Redis), in one call.

        (None, None) when Redis cannot be asked (the cache is bypassed); in memory the entry is left to the caller.
        """
        if self._lookup is None or self._bump is None:
            return await self.current(tags), None
        if self._breaker.open:
            return None, None
        try:
            if self._dirty:
                await self._bump(keys=[self._prefix + EPOCH_TAG])
                self._dirty = False
            stamp, entry = await self._lookup(
                keys=[self._prefix + tag for tag in (EPOCH_TAG, *tags)], args=[before, after, known]
            )
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("read generations", exc)
            return None, None
        return (stamp.decode() if isinstance(stamp, bytes) else str(stamp)), entry

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
        except REDIS_UNAVAILABLE as exc:
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
            # Never skipped because of the breaker: Redis may be back already, and other processes caching
            # again; a bump this process did not even try would let them serve what this write replaced.
            keys = [self._prefix + tag for tag in ([EPOCH_TAG] if self._dirty else []) + unique]
            await self._bump(keys=keys)
            self._dirty = False
        except REDIS_UNAVAILABLE as exc:
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
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("cache get", exc)
            return None
        CACHE_LOOKUPS.labels("hit" if value is not None else "miss").inc()
        return value

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        if self._breaker.open:
            return
        try:
            await self._inner.set(key, value, expires_in)
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("cache set", exc)

    async def delete(self, key: str) -> None:
        try:
            await self._inner.delete(key)
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("cache delete", exc)

    async def delete_all(self) -> None:
        try:
            await self._inner.delete_all()
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("cache delete_all", exc)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        try:
            return await self._inner.expires_in(key)
        except REDIS_UNAVAILABLE:
            return None


def _canonical_query(scope: dict[str, Any]) -> str:
    """The query string sorted and re-encoded: `limit%3D87%26offset=5` (one parameter) and `limit=87&offset=5`
    (two) never meet in one key. The transport guard has made sure that it is UTF-8."""
    raw = scope.get("query_string", b"")
    return urlencode(sorted(parse_qsl(raw.decode(), keep_blank_values=True))) if raw else ""


async def _keep(litestar_app: Any, key: str, blob: bytes) -> None:
    """Store an entry: straight in Redis under ``key`` (server mode), or in the app's store (embedded), which
    adds the namespace itself."""
    generations: Generations = litestar_app.state.cache_generations
    if generations.redis is None:
        store_key = key.removeprefix(litestar_app.state.cache_namespace)
        await litestar_app.stores.get("response_cache").set(store_key, blob, expires_in=CACHE_TTL_SECONDS)
        return
    try:
        await generations.redis.set(key, blob, ex=CACHE_TTL_SECONDS)
    except REDIS_UNAVAILABLE as exc:
        generations.trip("cache set", exc)


async def _send_entry(send: Send, entry: bytes) -> None:
    status, headers, body = _DECODE_ENTRY.decode(entry)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _no_cache(scope: dict[str, Any]) -> bool:
    for name, value in scope.get("headers", []):
        if name.lower() in {b"cache-control", b"pragma"} and b"no-cache" in value.lower():
            return True
    return False


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


def cached_public(*tags: str) -> dict[str, Any]:
    """Route kwargs of a public GET whose response is the same for everyone and cached under ``tags``.

    Tags may name path parameters (``"recipe:{recipe_id}"``). Every write that changes what such a
    response shows must :func:`invalidate` one of its tags.
    """
    return {"opt": {"exclude_from_auth": True, "cache_tags": tags}, "security": [{}]}


_ENTRY = msgspec.msgpack.Encoder()
_DECODE_ENTRY = msgspec.msgpack.Decoder(tuple[int, list[tuple[bytes, bytes]], bytes])


class _LocalEntries:
    """Recently served entries of this process, by ``<handler>:<path>?<query>``: (stamp, entry). Bounded in bytes.

    Only an optimisation of the transfer: the stamp is still read from Redis on every request, and the local
    entry is used only when it was stored under that same stamp (same generations, same key).
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 4 * 1024 * 1024) -> None:
        from collections import OrderedDict

        self._entries: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._max_entry = max_entry

    def get(self, key: str) -> tuple[str, bytes] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: str, stamp: str, entry: bytes) -> None:
        if len(entry) > self._max_entry:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1])
        self._entries[key] = (stamp, entry)
        self._bytes += len(entry)
        while self._bytes > self._max_bytes and self._entries:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= len(dropped)


class CacheGenerationMiddleware:
    """The response cache of public GETs: one Redis call per hit (generations and entry), ETag stored with it.

    A hit is answered here, before routing reaches the handler (no request parsing, guards or DI). A miss runs
    the handler, and a 200 is stored with its ETag (so hits never hash the body again) under
    ``<handler>:<generations>:<path>?<sorted query>``. Concurrent misses of one key in this process run the
    handler once: the others wait for its answer, which is theirs too (same key, same generations).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.local = _LocalEntries()
        self._in_flight: dict[str, asyncio.Future[bytes | None]] = {}

    async def _answered_by_leader(self, key: str, send: Send) -> bool:
        """Whether a miss of ``key`` already running in this process answered for this request too."""
        leader = self._in_flight.get(key)
        if leader is None:
            return False
        # Shielded: a waiter that goes away must not cancel the answer the others wait for.
        blob = await asyncio.shield(leader)
        if blob is None:
            return False  # the first one had no 200 to share (an error, a 404): this request runs on its own
        CACHE_LOOKUPS.labels("coalesced").inc()
        await _send_entry(send, blob)
        return True

    def _settle(self, key: str, answer: asyncio.Future[bytes | None]) -> None:
        """The miss is over: waiters without a 200 from it run on their own; the next miss of the key leads."""
        if not answer.done():
            answer.set_result(None)
        if self._in_flight.get(key) is answer:
            del self._in_flight[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        handler: Any = http.get("route_handler") if http["type"] == "http" and http["method"] == "GET" else None
        tags = handler.opt.get("cache_tags") if handler is not None else None
        if not tags:
            await self.app(scope, receive, send)
            return
        params = http.get("path_params") or {}
        names = [tag.format(**params) for tag in tags] if params else list(tags)
        litestar_app = http["litestar_app"]
        generations: Generations = litestar_app.state.cache_generations
        before = f"{litestar_app.state.cache_namespace}{handler.handler_name}:"
        after = f":{http['path']}?{_canonical_query(http)}"
        local_key = f"{handler.handler_name}{after}"
        local = self.local.get(local_key) if generations.redis is not None else None
        stamp, entry = await generations.lookup(names, before, after, local[0] if local else "")
        if local is not None and stamp == local[0]:
            entry = local[1]
        elif entry is not None and stamp is not None:
            self.local.put(local_key, stamp, entry)
        if stamp is not None and generations.redis is None:
            entry = await litestar_app.stores.get("response_cache").get(f"{handler.handler_name}:{stamp}{after}")
        # RFC 9111 §5.2.1.4: `no-cache` wants an answer from the origin; it is stored for the next ones.
        no_cache = _no_cache(http)
        entry = None if no_cache else entry
        if stamp is not None:
            CACHE_LOOKUPS.labels("hit" if entry is not None else "miss").inc()
        if entry is not None:
            await _send_entry(send, entry)
            return
        if stamp is None:
            await self.app(scope, receive, send)
            return
        key = f"{before}{stamp}{after}"
        if not no_cache and await self._answered_by_leader(key, send):
            return
        answer: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._in_flight.setdefault(key, answer)

        async def store(start: dict[str, Any], body: bytes) -> None:
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"etag"]
            headers.append((b"etag", etag_of(body).encode("latin-1")))
            blob = _ENTRY.encode((200, headers, body))
            if not answer.done():
                answer.set_result(blob)
            self.local.put(local_key, stamp, blob)
            await _keep(litestar_app, key, blob)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        try:
            await self.app(scope, receive, buffer_ok_response(send, store))
        finally:
            self._settle(key, answer)
