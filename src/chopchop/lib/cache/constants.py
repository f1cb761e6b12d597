"""The response cache's constants and the request-state keys its parts share."""

from __future__ import annotations

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
