"""Litestar stores of our own: an in-memory one with a size bound (the embedded mode's response cache cannot grow
without end), and a Redis one whose writes a replica has acknowledged (the logout denylist under Sentinel)."""

from __future__ import annotations

from datetime import timedelta

from litestar.stores.base import StorageObject
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

# What one entry costs besides its key and value (the dict slot, the StorageObject, the bytes objects).
ENTRY_OVERHEAD_BYTES = 200
# How many of the oldest entries a write looks at for expired ones: expiry is paid for as entries come in.
EXPIRED_SCAN = 8


class BoundedMemoryStore(MemoryStore):
    """A :class:`MemoryStore` that holds at most ``max_bytes`` (keys, values and overhead) and drops expired entries.

    Litestar's ``MemoryStore`` forgets an expired entry only when that key is read again, so a stream of
    distinct keys (every page of every search) grows it forever. Here every write first drops expired entries
    among the oldest few, then, past the bound, the least recently used ones. A value larger than the whole
    bound is not stored. Meant for caches: an entry that is evicted is only a miss. Never for data whose loss
    changes an answer (a revocation list).
    """

    __slots__ = ("_bytes", "_max_bytes")

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self._max_bytes = max_bytes
        self._bytes = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    @staticmethod
    def _cost(key: str, item: StorageObject) -> int:
        return len(key) + len(item.data) + ENTRY_OVERHEAD_BYTES

    def _pop(self, key: str) -> None:
        item = self._store.pop(key, None)
        if item is not None:
            self._bytes -= self._cost(key, item)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        item = StorageObject.new(data=data, expires_in=expires_in)
        cost = self._cost(key, item)
        async with self._lock:
            self._pop(key)
            if cost > self._max_bytes:
                return
            for old in list(self._store)[:EXPIRED_SCAN]:
                if self._store[old].expired:
                    self._pop(old)
            while self._store and self._bytes + cost > self._max_bytes:
                self._pop(next(iter(self._store)))  # the least recently used: dicts keep insertion order
            self._store[key] = item
            self._bytes += cost

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        async with self._lock:
            item = self._store.get(key)
            if item is None:
                return None
            if item.expired:
                self._pop(key)
                return None
            # Used: to the young end of the order.
            del self._store[key]
            if renew_for and item.expires_at:
                item = StorageObject.new(data=item.data, expires_in=renew_for)
            self._store[key] = item
            return item.data

    async def delete(self, key: str) -> None:
        async with self._lock:
            self._pop(key)

    async def delete_all(self) -> None:
        async with self._lock:
            self._store.clear()
            self._bytes = 0

    async def delete_expired(self) -> None:
        async with self._lock:
            for key in [key for key, item in self._store.items() if item.expired]:
                self._pop(key)


class ReplicatedRedisStore(RedisStore):
    """A :class:`RedisStore` whose ``set`` returns once ``replicas`` replicas have the write (``WAIT``), and fails
    as an outage (a 503 to the client) if they do not within ``wait_ms`` (the write stays on the primary: Redis has
    no rollback; a retry writes it again).

    For data whose loss changes an answer (the logout denylist): under Redis Sentinel a failover promotes a
    replica, and replication is asynchronous; a revocation acknowledged before the primary died but not yet copied
    would be lost with it, and the logged-out token would work again. ``replicas=0`` is a plain RedisStore.
    """

    __slots__ = ("replicas", "wait_ms")

    def __init__(self, redis: Redis, namespace: str, *, replicas: int, wait_ms: int = 1000) -> None:
        super().__init__(redis, namespace=namespace)
        self.replicas = replicas
        self.wait_ms = wait_ms

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await super().set(key, value, expires_in)
        if not self.replicas or await self._redis.wait(self.replicas, self.wait_ms) >= self.replicas:
            return
        pool = self._redis.connection_pool
        before = getattr(pool, "master_address", None)
        # Ask the sentinels: a primary being replaced in a planned failover still takes writes (which its demotion
        # discards); this also sends the pool's idle connections to the new one.
        if hasattr(pool, "get_master_address") and await pool.get_master_address() != before:
            msg = "the write went to a primary that is being replaced"
            raise RedisConnectionError(msg)
        replication = await self._redis.info("replication")
        if int(replication.get("connected_slaves", 0)) > 0:
            # A replica is there but did not take it (stopped, lagging): a failover now would lose it. Not durable,
            # so not done: the caller answers 503 and the client tries again.
            msg = f"no replica acknowledged the write within {self.wait_ms} ms"
            raise RedisConnectionError(msg)
        # A primary without replicas (its replica was promoted away, or is being rebuilt): nothing a failover could
        # promote lacks this write; a replica that joins later copies it.
