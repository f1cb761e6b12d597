"""The ``response_cache`` stores: entries under ``<key>@<stamp>``, single-flight misses, a local copy."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import msgspec
from litestar.stores.redis import RedisStore
from litestar.types import HTTPScope
from redis.asyncio import Redis

from chopchop.lib.cache.constants import COALESCE_WAIT_SECONDS, RELOAD, UNCACHED, Stamp
from chopchop.lib.cache.generations import Generations
from chopchop.lib.conditional import STORED_ETAG, etag_of, is_caller_dependent
from chopchop.lib.observability import CACHE_LOOKUPS, REQUEST_ARRIVED
from chopchop.lib.outages import REDIS_UNAVAILABLE
from chopchop.lib.stores import BoundedMemoryStore

logger = logging.getLogger("chopchop.cache")


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


def cache_response_filter(scope: HTTPScope, status_code: int) -> bool:
    """Store 200 answers to GETs only (never writes of a cached path, errors, or what a dependency failure gave),
    and never an answer its handler marked as made for its caller (``mark_caller_dependent``)."""
    if scope["method"] == "GET" and status_code == 200 and not is_caller_dependent(scope):
        return True
    fill = _FILL.get()
    if fill is not None:
        # A miss that leads others: they wait for an answer that will not come; let them run on their own.
        _FILL.set(None)
        fill.settle(None)
    return False


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
