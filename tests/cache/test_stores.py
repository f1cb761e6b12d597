"""The embedded response cache's store: bounded in bytes, least recently used out first, expired entries dropped."""

from __future__ import annotations

import asyncio

from chopchop.lib.stores import ENTRY_OVERHEAD_BYTES, BoundedMemoryStore

ENTRY = 1000 + ENTRY_OVERHEAD_BYTES + len("key-000")


async def test_a_stream_of_distinct_keys_stays_within_the_bound() -> None:
    store = BoundedMemoryStore(max_bytes=10 * ENTRY)
    for n in range(1000):
        await store.set(f"key-{n:03d}", b"x" * 1000, expires_in=300)
        assert store.size_bytes <= 10 * ENTRY
    assert await store.get("key-999") == b"x" * 1000
    assert await store.get("key-000") is None


async def test_the_least_recently_used_entry_goes_first() -> None:
    store = BoundedMemoryStore(max_bytes=3 * ENTRY)
    for name in ("key-aaa", "key-bbb", "key-ccc"):
        await store.set(name, b"x" * 1000)
    assert await store.get("key-aaa") is not None  # read: now the youngest
    await store.set("key-ddd", b"x" * 1000)
    assert await store.get("key-bbb") is None
    assert await store.get("key-aaa") is not None


async def test_expired_entries_are_dropped_by_later_writes_and_counted_out() -> None:
    store = BoundedMemoryStore(max_bytes=100 * ENTRY)
    for n in range(5):
        await store.set(f"old-{n:03d}", b"x" * 1000, expires_in=1)
    await asyncio.sleep(1.1)
    await store.set("key-new", b"x" * 1000)
    assert not [key for key in store._store if key.startswith("old-")]
    assert store.size_bytes == ENTRY


async def test_a_value_larger_than_the_bound_is_not_kept_and_deletes_keep_the_count() -> None:
    store = BoundedMemoryStore(max_bytes=ENTRY)
    await store.set("key-big", b"x" * 5000)
    assert await store.get("key-big") is None
    assert store.size_bytes == 0
    await store.set("key-one", b"x" * 1000)
    await store.set("key-one", b"y" * 1000)  # replaced, not counted twice
    assert store.size_bytes == ENTRY
    await store.delete("key-one")
    assert store.size_bytes == 0
