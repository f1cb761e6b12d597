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

from chopchop.lib.cache.constants import CACHE_TTL_SECONDS, CACHED_ROUTES_STATE_KEY, KEY_MEMO_SIZE, TOKEN_KEY_STATE_KEY
from chopchop.lib.cache.generations import Generations
from chopchop.lib.cache.invalidation import CacheInvalidation, cached_public, invalidate
from chopchop.lib.cache.keys import cache_key_builder, canonical_query, index_cached_routes
from chopchop.lib.cache.stores import GenerationStore, MemoryGenerationStore, cache_response_filter, needed_lsn

__all__ = [
    "CACHED_ROUTES_STATE_KEY",
    "CACHE_TTL_SECONDS",
    "KEY_MEMO_SIZE",
    "TOKEN_KEY_STATE_KEY",
    "CacheInvalidation",
    "GenerationStore",
    "Generations",
    "MemoryGenerationStore",
    "cache_key_builder",
    "cache_response_filter",
    "cached_public",
    "canonical_query",
    "index_cached_routes",
    "invalidate",
    "needed_lsn",
]
