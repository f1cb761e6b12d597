"""The benchmark API's keys in Redis: deleted before the scenarios that must miss the response cache."""

from __future__ import annotations

import time

import redis

KEPT = (b"bench:{gen}:",)


def flush_cache(redis_url: str) -> None:
    """Delete the benchmark's cache entries and rate-limit counters: the next reads are cache misses.

    ``bench:*`` and ``bench_*`` (Litestar's ``RedisStore`` joins namespaces with ``_``), except the response
    cache's generations, leases and WAL positions (``bench:{gen}:*``, the layout of ``chopchop.lib.cache.Generations``):
    deleting those is what a Redis that lost its data looks like, and the API then serves no cache for a lease time
    (90 s; see docs/architecture.md). Birth is set in the past: the benchmark measures a Redis that has served the
    cache for long.
    """
    client = redis.Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + 30
        for pattern in ("bench:*", "bench_*"):
            _delete_matching(client, pattern, deadline)
        client.set("bench:{gen}:_born", 0)  # a bare time: adopted by the current history
    finally:
        client.close()


def _delete_matching(client: redis.Redis, pattern: str, deadline: float) -> None:
    """Delete the keys matching ``pattern`` but the kept ones, 1,000 at a time, until ``deadline``."""
    batch: list[bytes] = []
    for key in client.scan_iter(match=pattern, count=1000):
        if key.startswith(KEPT):
            continue
        batch.append(key)
        if len(batch) >= 1000:
            client.delete(*batch)
            batch.clear()
        if time.monotonic() > deadline:
            break
    if batch:
        client.delete(*batch)
