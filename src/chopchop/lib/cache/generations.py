"""Tag generations in Redis (or in memory): the stamps of entries, the leases and releases of writes."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence

from redis.asyncio import Redis

from chopchop.lib.cache.constants import RETRY_AFTER_SECONDS, Stamp
from chopchop.lib.outages import REDIS_UNAVAILABLE

logger = logging.getLogger("chopchop.cache")


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
