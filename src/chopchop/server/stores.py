"""Redis and the stores on it: the response cache, the logout denylist (in memory in the embedded mode)."""

from __future__ import annotations

import logging

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import NoPermissionError

from chopchop.domain.accounts.auth import REVOKED_TOKENS_STORE
from chopchop.lib.cache import Generations, GenerationStore, MemoryGenerationStore
from chopchop.lib.redis_client import connect, is_sentinel_url
from chopchop.lib.stores import ReplicatedRedisStore
from chopchop.settings import Settings, SettingsError

logger = logging.getLogger("chopchop")


def connect_redis(settings: Settings) -> Redis | None:
    """One Redis server or, with a redis+sentinel:// URL, the master the sentinels name (lib/redis_client.py)."""
    if not settings.redis_url:
        return None
    return connect(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=2.0, health_check_interval=30)


def build_stores(settings: Settings, redis: Redis | None, generations: Generations) -> dict[str, Store]:
    if redis is None:
        return {
            "response_cache": MemoryGenerationStore(settings.memory_cache_max_bytes, generations),
            # Not bounded: evicting a revocation would bring a logged-out token back to life.
            REVOKED_TOKENS_STORE: MemoryStore(),
        }
    root = RedisStore(redis, namespace=settings.redis_key_prefix)
    return {
        "response_cache": GenerationStore(
            redis, namespace=f"{settings.redis_key_prefix}:cache", generations=generations
        ),
        # Under Sentinel a logout returns once a replica has it: a failover must not revive the token.
        REVOKED_TOKENS_STORE: ReplicatedRedisStore(
            redis,
            namespace=f"{root.namespace}_revoked",
            replicas=1 if is_sentinel_url(settings.redis_url or "") else 0,
        ),
    }


async def check_redis_permissions(redis: Redis | None) -> None:
    """The cache tells a Redis that lost writes (a restart, a failover) by its replication id: a user that may not
    run ``INFO`` would turn that guard off without a word. Refuse to start; a Redis that is down is fine."""
    if redis is None:
        return
    try:
        await redis.info("replication")
    except NoPermissionError as exc:
        msg = (
            f"the Redis user of CHOPCHOP_REDIS_URL may not run INFO ({exc}): the response cache needs it to "
            "notice a Redis that lost writes; allow it (ACL: +info)."
        )
        raise SettingsError(msg) from exc
    except Exception as exc:  # noqa: BLE001 - unreachable now: the cache checks again at every read
        logger.info("Redis not checked at start (%s)", type(exc).__name__)
