"""The response cache: Litestar's own, made never stale by generation-stamped entries.

Handlers opt in with :func:`cached_public` (Litestar's ``cache=`` plus the *tags* the body depends on, e.g.
``("recipes",)`` for a list or ``("recipe:{recipe_id}",)`` for a detail). Litestar then does what it always
does: before the handler runs it asks the configured key builder for a key and the ``response_cache`` store
for an entry; on a miss it runs the handler and, when ``cache_response_filter`` agrees, stores the response's
ASGI messages under the same key. Chop-chop extends it at exactly those three points:

* :func:`cache_key_builder` builds the key from the route, its parsed path parameters and its *validated,
  normalised* query (converted to the declared types, defaults applied, re-encoded in one order), never from
  ``Host`` or raw bytes. A request whose query is not valid is not cached at all (the handler answers its 400).
  The key starts with the tags of the route, formatted with the path parameters.
* :class:`GenerationStore` (a :class:`RedisStore`) and :class:`MemoryGenerationStore` (the embedded
  :class:`BoundedMemoryStore`) store each entry under ``<key>@<stamp>``, the stamp being the current
  *generations* of the key's tags. A write names the tags it affects (:func:`invalidate`); the tags are
  *leased* before its transaction commits and *released* after, before its response is sent (both bump the
  generations; while a lease is live no stamp of the tag is given out). A read that starts after a write
  completed reads the new generations and cannot find the old entries; a slow read that raced the write stores
  under an old stamp, where no later read looks.
* :func:`cache_response_filter` stores only 200s of GETs (Litestar asks it for every method of a cached path).

Costs of a hit in server mode: one Redis round trip per *burst* (a generation read sent after a request
arrived answers every request with the same tags that arrived before it was sent) and none for the entry
itself when this process holds a copy stored under the same stamp. Concurrent misses of one key in a process
run the handler once: the others wait for its answer. If Redis is unreachable the cache is bypassed (reads go
to the database); a write whose lease cannot be recorded is rolled back and answers 503 (see
:class:`CacheInvalidation`), so no acknowledged write can leave any process serving what it replaced. A release
that never comes ends at its lease's deadline; a Redis that lost its data (leases included), or may have lost
its last writes (a restart, a replica promoted by Sentinel), gives out no stamp for one lease time
(``CHOPCHOP_CACHE_LEASE_SECONDS``), longer than any commit that leased before the loss, and then stamps of a new
*epoch*, under which none of the entries it kept is found.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
import typing
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import msgspec
from litestar import Litestar, Request
from litestar.stores.redis import RedisStore
from litestar.types import Empty, HTTPScope, Scope
from redis.asyncio import Redis

from chopchop.lib.conditional import STORED_ETAG, etag_of
from chopchop.lib.observability import CACHE_LOOKUPS, REQUEST_ARRIVED
from chopchop.lib.outages import REDIS_UNAVAILABLE
from chopchop.lib.replicas import CONSISTENCY_HEADER_BYTES, UNKNOWN_POSITION, is_token
from chopchop.lib.stores import BoundedMemoryStore
from chopchop.lib.transactions import Transaction

logger = logging.getLogger("chopchop.cache")

INVALIDATE_STATE_KEY = "chopchop_cache_invalidate"
LEASE_STATE_KEY = "chopchop_cache_lease"
CACHED_ROUTES_STATE_KEY = "chopchop_cached_routes"
TOKEN_KEY_STATE_KEY = "chopchop_token_key"  # noqa: S105 - a state key; the MAC key of consistency tokens
# How long to leave Redis alone after a failure before trying again (keeps requests fast in an outage).
RETRY_AFTER_SECONDS = 1.0
# A response-cache stamp: the generations of a key's tags, and the WAL position a fill of it needs.
Stamp = tuple[str, int]
# Entries are invalidated by generation bumps; the TTL only bounds how long dead entries occupy the store.
CACHE_TTL_SECONDS = 300
# The key of a request that must not be cached (its query is not valid: the handler answers the 400).
UNCACHED = ""
# Prefix of the key of a request that asked for `Cache-Control: no-cache`: read through, store the answer.
RELOAD = "!"
# How long a miss waits for the same miss already running in this process before running on its own.
COALESCE_WAIT_SECONDS = 15.0
# Keys longer than this keep their tags and hash the rest (a 200-character search stays one short key).
MAX_KEY_CHARS = 200
# How many spellings of requests per cached route keep their computed key (then the memo starts over).
KEY_MEMO_SIZE = 4096
MEMO_SPELLING_CHARS = 512


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
#
# KEYS: the *birth* key, then the generation counters of the tags, their leases, then their WAL positions (1 + 3 x n
# keys). A tag's WAL position is the primary's, after the commit of the last write that released it (0 without read
# replicas): a read returns the largest of its tags' with the generations, and a miss is filled only by a database
# that has replayed it (``lib/replicas.py``), never by a replica behind the write that made the generation. A lease
# is a sorted set of the writes of a tag between their lease and their release, each scored by its own
# deadline (ms): while one is live, the tag's stamp is not given out (reads bypass the cache, store nothing),
# and one whose release never came stops counting at its deadline.
#
# The *birth* key says which history of this Redis's data the cache is served from: `<replication id> <ms>`, the
# server's `master_replid` and the time it first served the cache. The replication id changes whenever the data
# may have lost writes it had acknowledged: a restart (even one that reloads a file: its last second may be gone),
# a replica promoted by Sentinel or Cluster (it replicated the birth key, but perhaps not the last generation
# bumps, leases and entries), a master whose first replica attaches (a needless but harmless new history). A
# birth key that is missing (a restart without data, eviction) or of another history starts a new one, born now:
# for one lease time no stamp is given out (a write that leased before the loss has committed or failed before
# anything is cached again), and the birth time is the first part of every stamp, so that entries stored under
# the old history (counters that went back may give their stamps again) are never found. A bare `<ms>` (set by
# hand or by tests: "this Redis has served the cache for long") is adopted by the current history.
# All KEYS share the `{gen}` hash tag (one Redis Cluster slot). ARGV[1]: the lease time in ms.
_CLOCK = """
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local now_ms = math.floor(now / 1000)
local info = redis.pcall('INFO', 'replication')
local history = type(info) == 'string' and string.match(info, 'master_replid:(%w+)') or '?'
local birth = redis.call('GET', KEYS[1]) or ''
local of, born = string.match(birth, '^(%S+) (%d+)$')
if not of and string.match(birth, '^%d+$') then
  of, born = history, birth
  redis.call('SET', KEYS[1], history .. ' ' .. born)
end
if of ~= history then
  born = string.format('%.0f', now_ms)
  redis.call('SET', KEYS[1], history .. ' ' .. born)
end
local n = (#KEYS - 1) / 3
"""
_READ_SCRIPT = (
    _CLOCK
    + """
if now_ms - tonumber(born) < tonumber(ARGV[1]) then
  return false
end
for i = n + 2, 2 * n + 1 do
  if redis.call('ZCOUNT', KEYS[i], now_ms, '+inf') > 0 then
    return false
  end
end
local values = {}
local needed = 0
for i = 1, n do
  local value = redis.call('GET', KEYS[i + 1])
  if not value then
    redis.call('SET', KEYS[i + 1], string.format('%.0f', now), 'NX')
    value = redis.call('GET', KEYS[i + 1])
  end
  values[i] = value
  needed = math.max(needed, tonumber(redis.call('GET', KEYS[i + 1 + 2 * n]) or '0'))
end
values[n + 1] = string.format('%.0f', needed)
table.insert(values, 1, born)
return values
"""
)
# ARGV[2]: 'lease' (before the commit) or 'release' (after it); ARGV[3]: the write's lease id; ARGV[4]: the WAL
# position of its commit (release only; 0: unknown or no replicas).
_BUMP_SCRIPT = (
    _CLOCK
    + """
local lease_ms = tonumber(ARGV[1])
for i = 1, n do
  local current = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  redis.call('SET', KEYS[i + 1], string.format('%.0f', math.max(current + 1, now)))
  local lease = KEYS[i + 1 + n]
  if ARGV[2] == 'lease' then
    redis.call('ZREMRANGEBYSCORE', lease, '-inf', '(' .. now_ms)
    redis.call('ZADD', lease, now_ms + lease_ms, ARGV[3])
    redis.call('PEXPIRE', lease, lease_ms)
  else
    redis.call('ZREM', lease, ARGV[3])
    local lsn = tonumber(ARGV[4])
    if lsn > 0 then
      local position = KEYS[i + 1 + 2 * n]
      redis.call('SET', position, string.format('%.0f', math.max(lsn, tonumber(redis.call('GET', position) or '0'))))
    end
  end
end
return n
"""
)


class Generations:
    """Generation counters of cache tags, in Redis (shared by every process) or in memory (embedded).

    A write *leases* its tags before its transaction commits and *releases* them after; both bump the tags'
    generations. A lease that cannot be recorded fails the write (the caller rolls back and answers 503): a
    write is never acknowledged unless its invalidation is recorded, so no process can serve what it replaced.
    """

    def __init__(self, redis: Redis | None = None, prefix: str = "chopchop", *, lease_seconds: int = 90) -> None:
        # One Redis Cluster hash tag for every key a script touches: `<prefix>:{gen}:_born`, `<prefix>:{gen}:<tag>`,
        # `<prefix>:{gen}:lease:<tag>`, `<prefix>:{gen}:lsn:<tag>` (tags never start with `lease:`, `lsn:` or `_`).
        self._prefix = f"{prefix}:{{gen}}:"
        self._lease_prefix = f"{prefix}:{{gen}}:lease:"
        self._position_prefix = f"{prefix}:{{gen}}:lsn:"
        self._lease_ms = lease_seconds * 1000
        self._memory: dict[str, int] = {}
        self._breaker = _Breaker()
        self._read = redis.register_script(_READ_SCRIPT) if redis is not None else None
        self._bump = redis.register_script(_BUMP_SCRIPT) if redis is not None else None
        self.redis = redis
        self.birth_key = f"{self._prefix}_born"

    def trip(self, what: str, exc: BaseException) -> None:
        self._breaker.trip(what, exc)

    def in_memory(self, tags: Sequence[str]) -> Stamp:
        return ".".join(str(self._memory.get(tag, 0)) for tag in tags), 0

    def _keys(self, tags: Sequence[str]) -> list[str]:
        return [
            self.birth_key,
            *(self._prefix + tag for tag in tags),
            *(self._lease_prefix + tag for tag in tags),
            *(self._position_prefix + tag for tag in tags),
        ]

    async def current(self, tags: Sequence[str]) -> Stamp | None:
        """A stamp of the tags' generations and the WAL position a fill needs, or None when the cache must be
        bypassed (Redis unavailable, or a write of one of the tags under way)."""
        if self._read is None:
            return self.in_memory(tags)
        if self._breaker.open:
            return None
        try:
            values = await self._read(keys=self._keys(tags), args=[self._lease_ms])
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("read generations", exc)
            return None
        if not values:
            return None  # leased
        texts = [value.decode() if isinstance(value, bytes) else str(value) for value in values]
        return ".".join(texts[:-1]), int(texts[-1])

    async def lease(self, tags: Iterable[str], lease_id: str) -> None:
        """Before the commit of a write of ``tags``. Raises what Redis raised if it cannot be recorded."""
        unique = sorted(set(tags))
        if unique and self._bump is not None:
            # Never skipped because of the breaker: Redis may be back already.
            await self._bump(keys=self._keys(unique), args=[self._lease_ms, "lease", lease_id, 0])

    async def release(self, tags: Iterable[str], lease_id: str, position: int = 0) -> None:
        """After the commit (or the rollback) of a write of ``tags``: bump again, record the commit's WAL
        ``position`` (with read replicas) and end the lease. If this fails the lease expires by itself, and the
        tags are not cached until then (a lease outlasts any replica in rotation's lag: see ``settings``)."""
        unique = sorted(set(tags))
        if not unique:
            return
        if self._bump is None:
            for tag in unique:
                self._memory[tag] = self._memory.get(tag, 0) + 1
            return
        try:
            await self._bump(keys=self._keys(unique), args=[self._lease_ms, "release", lease_id, position])
        except REDIS_UNAVAILABLE as exc:
            self._breaker.trip("release generations", exc)
            logger.warning("cache release failed (%s): %s stay uncached until their lease ends", exc, unique)


# ---------------------------------------------------------------------------------------------------------
# Keys


class _Refused(Exception):
    """The query is not one the operation declares: not a key (the handler or a hook answers the 400)."""


@dataclass(frozen=True, slots=True)
class CachedRoute:
    """What the key builder needs of a cached handler, computed once at start-up."""

    name: str
    tags: tuple[str, ...]
    fields: dict[str, str]  # query parameter name (alias) -> field of ``query``
    repeatable: frozenset[str]
    query: type[msgspec.Struct]
    defaults: dict[str, Any] = field(default_factory=dict)  # field -> default (fields without one are absent)
    keys: dict[tuple[str, bytes], str] = field(default_factory=dict)  # memo: (path, raw query) -> key

    def parsed_query(self, items: Iterable[tuple[str, Any]]) -> msgspec.Struct:
        """The query as the handler sees it (declared types, defaults applied); _Refused if Litestar would refuse it."""
        values: dict[str, Any] = {}
        for alias, value in items:
            name = self.fields.get(alias)
            if name is None:
                raise _Refused(alias)
            if alias in self.repeatable:
                values.setdefault(name, []).append(value)
            elif name in values:
                raise _Refused(alias)
            else:
                values[name] = value
        try:
            return msgspec.convert(values, self.query, strict=False)
        except msgspec.ValidationError as exc:
            raise _Refused(str(exc)) from exc

    def normalised_query(self, items: Iterable[tuple[str, Any]]) -> str:
        return _ENCODE_QUERY(self.parsed_query(items)).decode()

    def canonical_items(self, items: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
        """The query in one spelling: parameters by name, values in their canonical form, defaults left out."""
        parsed = self.parsed_query(items)
        defaults = self.defaults
        canonical: list[tuple[str, str]] = []
        for alias, name in sorted(self.fields.items()):
            value = getattr(parsed, name)
            if value == defaults.get(name, msgspec.NODEFAULT):
                continue
            builtin = msgspec.to_builtins(value)
            canonical.extend((alias, str(item)) for item in (builtin if isinstance(builtin, list) else [builtin]))
        return canonical


_ENCODE_QUERY = msgspec.json.Encoder().encode


def index_cached_routes(app: Litestar) -> dict[int, CachedRoute]:
    """The cached handlers of ``app``, by handler identity, each with a Struct of its query parameters whose
    fields are the types (and constraints and defaults) Litestar validates them with."""
    index: dict[int, CachedRoute] = {}
    for route in app.routes:
        for handler, kwargs_model in getattr(route, "route_handler_map", {}).values():
            tags = handler.opt.get("cache_tags")
            if not handler.cache or not tags:
                continue
            hints = typing.get_type_hints(handler.signature_model, include_extras=True)
            fields: list[tuple[str, Any, Any]] = []
            for parameter in kwargs_model.expected_query_params:
                fallback = list[str] if parameter.is_sequence else str
                annotation = hints.get(parameter.field_name, fallback)
                default = parameter.default
                if default is Empty or parameter.is_required:
                    fields.append((parameter.field_name, annotation, msgspec.NODEFAULT))
                elif isinstance(default, list):
                    fields.append((parameter.field_name, annotation, msgspec.field(default_factory=default.copy)))
                else:
                    fields.append((parameter.field_name, annotation, default))
            query = msgspec.defstruct(f"{handler.handler_name}_query", fields, kw_only=True, forbid_unknown_fields=True)
            index[id(handler)] = CachedRoute(
                name=handler.handler_name,
                tags=tuple(tags),
                fields={p.field_alias: p.field_name for p in kwargs_model.expected_query_params},
                repeatable=frozenset(p.field_alias for p in kwargs_model.expected_query_params if p.is_sequence),
                query=query,
                defaults={info.name: info.default for info in msgspec.structs.fields(query)},
            )
    return index


def _cached_route(request: Request[Any, Any, Any]) -> CachedRoute | None:
    routes: dict[int, CachedRoute] | None = request.app.state.get(CACHED_ROUTES_STATE_KEY)
    return routes.get(id(request.scope["route_handler"])) if routes else None


def canonical_query(request: Request[Any, Any, Any]) -> list[tuple[str, str]] | None:
    """The canonical query items of a cached route's request (for links), or None (not cached, or not valid)."""
    route = _cached_route(request)
    if route is None:
        return None
    try:
        return route.canonical_items(request.query_params.multi_items())
    except _Refused:
        return None


def _asks_no_cache(scope: HTTPScope, token_key: bytes) -> bool | None:
    """True: ``Cache-Control: no-cache``; None: a malformed consistency token (not cached: the handler's 400)."""
    no_cache = False
    for name, value in scope["headers"]:
        lowered = name.lower()
        if lowered in {b"cache-control", b"pragma"} and b"no-cache" in value.lower():
            no_cache = True
        elif lowered == CONSISTENCY_HEADER_BYTES and not is_token(value, token_key):
            return None
    return no_cache


def cache_key_builder(request: Request[Any, Any, Any]) -> str:
    """``<tags>|<handler>|<path parameters>|<query>``, where the query is the validated, normalised one.

    ``GET /recipes?sort=title&complexity=easy`` and ``GET /recipes?complexity=easy&sort=title&limit=20`` share a
    key; ``GET /recipes?limit%3D87%26offset=5`` has none (an unknown parameter: a 400 that is never stored).
    """
    scope = request.scope
    route = _cached_route(request)
    if route is None or scope["method"] != "GET":
        return UNCACHED
    # The key is a function of the path and the raw query: work it out once per spelling (bounded memo).
    spelling = (scope["path"], scope["query_string"])
    key = route.keys.get(spelling)
    if key is None:
        key = _key(route, request)
        # Only valid, short spellings are remembered: the memo is at most KEY_MEMO_SIZE x ~1 KiB per route.
        if key and len(spelling[0]) + len(spelling[1]) <= MEMO_SPELLING_CHARS:
            if len(route.keys) >= KEY_MEMO_SIZE:
                route.keys.clear()
            route.keys[spelling] = key
    asks = _asks_no_cache(scope, request.app.state.get(TOKEN_KEY_STATE_KEY, b""))
    if asks is None:
        return UNCACHED
    return RELOAD + key if key and asks else key


def _key(route: CachedRoute, request: Request[Any, Any, Any]) -> str:
    try:
        query = route.normalised_query(request.query_params.multi_items())
    except _Refused:
        return UNCACHED
    params = request.scope["path_params"]
    tags = ",".join(tag.format(**params) for tag in route.tags) if params else ",".join(route.tags)
    rest = f"{route.name}|{','.join(f'{k}={v}' for k, v in sorted(params.items()))}|{query}"
    if len(rest) > MAX_KEY_CHARS:
        rest = f"{route.name}|#{hashlib.sha256(rest.encode()).hexdigest()}"
    return f"{tags}|{rest}"


def cache_response_filter(scope: HTTPScope, status_code: int) -> bool:
    """Store 200 answers to GETs only (never writes of a cached path, errors, or what a dependency failure gave)."""
    if scope["method"] == "GET" and status_code == 200:
        return True
    fill = _FILL.get()
    if fill is not None:
        # A miss that leads others: they wait for an answer that will not come; let them run on their own.
        _FILL.set(None)
        fill.settle(None)
    return False


# ---------------------------------------------------------------------------------------------------------
# Stores


@dataclass(slots=True)
class _Fill:
    """A miss in progress in this request: where its answer goes, and who else waits for it."""

    key: str
    store_key: str
    answer: asyncio.Future[bytes | None]
    in_flight: dict[str, asyncio.Future[bytes | None]]
    needed_lsn: int = 0  # the WAL position the database that fills it must have replayed

    def settle(self, blob: bytes | None) -> None:
        if not self.answer.done():
            self.answer.set_result(blob)
        if self.in_flight.get(self.store_key) is self.answer:
            del self.in_flight[self.store_key]


# The miss of the current request, from the store's ``get`` to its ``set`` (Litestar calls both in the request's
# task, and builds the key twice: the stamp read by ``get`` must be the one ``set`` stores under).
_FILL: ContextVar[_Fill | None] = ContextVar("chopchop_cache_fill", default=None)


def needed_lsn() -> int:
    """The WAL position that the database filling this request's cache miss must have replayed (0: any)."""
    fill = _FILL.get()
    return fill.needed_lsn if fill is not None else 0


_ENCODE_ENTRY = msgspec.msgpack.Encoder()
_DECODE_ENTRY = msgspec.msgpack.Decoder(list[dict[str, Any]])


def _with_etag(value: bytes) -> bytes:
    """The stored messages with their ETag: a hit never hashes the body again (nor does this miss's response:
    the ETag is handed to the conditional-GET middleware)."""
    messages = _DECODE_ENTRY.decode(value)
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    start = messages[0]
    etag = etag_of(body)
    STORED_ETAG.set((len(body), etag))
    headers = [(k, v) for k, v in start.get("headers", []) if bytes(k).lower() != b"etag"]
    headers.append((b"etag", etag.encode("latin-1")))
    start["headers"] = headers
    return _ENCODE_ENTRY.encode(messages)


class _LocalEntries:
    """Entries this process served recently, by key: (stamp, entry), bounded in bytes.

    Only an optimisation of the transfer: the stamp is still read from Redis for every request, and a local
    entry is used only when it was stored under that same stamp.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 4 * 1024 * 1024) -> None:
        self._entries: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._max_entry = max_entry

    def get(self, key: str, stamp: str) -> bytes | None:
        found = self._entries.get(key)
        if found is None or found[0] != stamp:
            return None
        self._entries.move_to_end(key)
        return found[1]

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


@dataclass(slots=True)
class _Reads:
    """The generation reads of one set of tags: the one on its way to Redis, and the next one, gathering requests."""

    sent: asyncio.Future[Stamp | None] | None = None
    sent_at: float = 0.0
    next: asyncio.Future[Stamp | None] | None = None


class _GenerationCache:
    """What both stores do around their storage: stamps, the local copy, coalesced reads and misses."""

    def __init__(
        self,
        generations: Generations,
        fetch: Callable[[str], Awaitable[bytes | None]],
        keep: Callable[[str, bytes, int | timedelta | None], Awaitable[None]],
        *,
        local: bool,
    ) -> None:
        self.generations = generations
        self._fetch = fetch
        self._keep = keep
        self._local = _LocalEntries() if local else None
        self._in_flight: dict[str, asyncio.Future[bytes | None]] = {}
        self._reads: dict[str, _Reads] = {}

    async def _stamp(self, tags: str) -> Stamp | None:
        """The tags' generations, read by a Redis call sent after this request arrived (perhaps for others too).

        One read per burst: while a read of these tags is on its way, the requests that arrive wait for it to
        come back, then one of them sends the next read for all of them. A read sent after a request arrived
        reflects every write that completed before it, which is all the freshness rule asks.
        """
        names = tags.split(",")
        if self.generations.redis is None:
            return self.generations.in_memory(names)
        arrived = REQUEST_ARRIVED.get() or time.perf_counter()
        reads = self._reads.get(tags)
        if reads is None:
            reads = self._reads[tags] = _Reads()
        if reads.sent is not None and reads.sent_at >= arrived:
            return await asyncio.shield(reads.sent)
        if reads.next is not None:
            return await asyncio.shield(reads.next)
        read: asyncio.Future[Stamp | None] = asyncio.get_running_loop().create_future()
        reads.next = read
        try:
            if reads.sent is not None:
                # Wait for the read on its way (its answer may be older than this request), then send ours.
                await asyncio.wait([reads.sent])
            reads.next = None
            reads.sent, reads.sent_at = read, time.perf_counter()
            stamp = await self.generations.current(names)
            read.set_result(stamp)
            return stamp
        finally:
            if not read.done():
                read.set_result(None)
            if reads.next is read:
                reads.next = None
            if reads.sent is read:
                reads.sent = None
            if reads.sent is None and reads.next is None and self._reads.get(tags) is reads:
                del self._reads[tags]  # one entry per tag set being read, not per tag set ever read

    async def get(self, key: str) -> bytes | None:
        _FILL.set(None)
        if key == UNCACHED:
            return None
        reload = key.startswith(RELOAD)
        key = key.removeprefix(RELOAD)
        stamped = await self._stamp(key.partition("|")[0])
        if stamped is None:
            CACHE_LOOKUPS.labels("bypass").inc()
            return None
        stamp, needed = stamped
        store_key = f"{key}@{stamp}"
        if not reload:
            entry = self._local.get(key, stamp) if self._local is not None else None
            if entry is None:
                entry = await self._fetch(store_key)
                if entry is not None and self._local is not None:
                    self._local.put(key, stamp, entry)
            if entry is not None:
                CACHE_LOOKUPS.labels("hit").inc()
                return entry
            leader = self._in_flight.get(store_key)
            if leader is not None:
                with contextlib.suppress(TimeoutError):
                    # Shielded: a waiter that goes away must not cancel the answer the others wait for.
                    blob = await asyncio.wait_for(asyncio.shield(leader), COALESCE_WAIT_SECONDS)
                    if blob is not None:
                        CACHE_LOOKUPS.labels("coalesced").inc()
                        return blob
        CACHE_LOOKUPS.labels("bypass" if reload else "miss").inc()
        fill = _Fill(key, store_key, asyncio.get_running_loop().create_future(), self._in_flight, needed)
        self._in_flight.setdefault(store_key, fill.answer)
        _FILL.set(fill)
        task = asyncio.current_task()
        if task is not None:
            # Whatever ends this request (an error, a cancellation), the ones waiting for it are released.
            task.add_done_callback(lambda _: fill.settle(None))
        return None

    async def set(self, key: str, value: bytes, expires_in: int | timedelta | None) -> None:
        fill = _FILL.get()
        if fill is None or fill.key != key.removeprefix(RELOAD):
            return  # no stamp was read for this answer (Redis unavailable, or not a cacheable request)
        _FILL.set(None)
        blob = _with_etag(value)
        fill.settle(blob)
        stamp = fill.store_key.rpartition("@")[2]
        if self._local is not None:
            self._local.put(fill.key, stamp, blob)
        await self._keep(fill.store_key, blob, expires_in)


class GenerationStore(RedisStore):
    """Litestar's :class:`RedisStore` whose entries are stamped with the generations of their keys' tags.

    Only for the response cache: ``get``/``set`` follow the protocol of Litestar's cache (a ``set`` stores the
    answer of the request whose ``get`` missed, under the stamp that ``get`` read). A Redis failure is a miss.
    """

    __slots__ = ("cache",)

    def __init__(self, redis: Redis, namespace: str, generations: Generations) -> None:
        super().__init__(redis, namespace=namespace)
        self.cache = _GenerationCache(generations, self._fetch, self._keep, local=True)

    async def _fetch(self, store_key: str) -> bytes | None:
        try:
            return cast("bytes | None", await self._redis.get(self._make_key(store_key)))
        except REDIS_UNAVAILABLE as exc:
            self.cache.generations.trip("cache get", exc)
            return None

    async def _keep(self, store_key: str, blob: bytes, expires_in: int | timedelta | None) -> None:
        try:
            await super().set(store_key, blob, expires_in)
        except REDIS_UNAVAILABLE as exc:
            self.cache.generations.trip("cache set", exc)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self.cache.get(key)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await self.cache.set(key, value.encode() if isinstance(value, str) else value, expires_in)


class MemoryGenerationStore(BoundedMemoryStore):
    """The embedded mode's response cache: the same protocol as :class:`GenerationStore`, bounded in bytes."""

    __slots__ = ("cache",)

    def __init__(self, max_bytes: int, generations: Generations) -> None:
        super().__init__(max_bytes)
        self.cache = _GenerationCache(generations, self._fetch, self._keep, local=False)

    async def _fetch(self, store_key: str) -> bytes | None:
        return await super().get(store_key)

    async def _keep(self, store_key: str, blob: bytes, expires_in: int | timedelta | None) -> None:
        await super().set(store_key, blob, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self.cache.get(key)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await self.cache.set(key, value.encode() if isinstance(value, str) else value, expires_in)


# ---------------------------------------------------------------------------------------------------------
# Invalidation


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


def cached_public(*tags: str) -> dict[str, Any]:
    """Route kwargs of a public GET whose response is the same for everyone, cached by Litestar under ``tags``.

    Tags may name path parameters (``"recipe:{recipe_id}"``). Every write that changes what such a
    response shows must :func:`invalidate` one of its tags.
    """
    # Public and the same for everyone: a read replica may serve it (``lib/replicas.py``).
    return {
        "cache": True,
        "opt": {"exclude_from_auth": True, "cache_tags": tags, "replica_reads": True},
        "security": [{}],
    }
