"""Integration tests: every test here runs against the real services of the run (PostgreSQL, Redis, an SMTP server
and a SAQ worker), starts on empty tables and an empty cache, and is marked ``integration`` (tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.domain.recipes import listing
from chopchop.settings import Settings
from tests.conftest import REDIS_URL
from tests.helpers import Mailbox, delete_keys, saq_worker


@pytest.fixture(scope="session", autouse=True)
async def worker(app: Litestar, client: httpx.AsyncClient, settings: Settings) -> AsyncIterator[None]:
    """A real SAQ worker consuming the run's queue on Redis, as `chopchop worker` would."""
    async with saq_worker(app):
        yield
    await delete_keys(f"*{settings.queue_name}*", f"{settings.redis_key_prefix}*")


@pytest.fixture(autouse=True)
async def clean_state(database_url: str, mailbox: Mailbox, settings: Settings) -> AsyncIterator[None]:
    """Each test starts with empty tables, no cache entries or rate-limit counters, and an empty mailbox."""
    listing.forget()  # the planner statistics the app read describe the last test's tables
    redis = Redis.from_url(REDIS_URL)
    # The run's Redis has served the cache for long: no restart window (a deleted birth key would open one).
    await redis.set(f"{settings.redis_key_prefix}:{{gen}}:_born", 0)
    await redis.aclose()
    yield
    redis = Redis.from_url(REDIS_URL)
    keys = [key async for key in redis.scan_iter(match=f"{settings.redis_key_prefix}[:_]*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()
    engine = create_async_engine(database_url)
    for attempt in range(5):
        try:
            async with engine.begin() as connection:
                names = (
                    await connection.execute(
                        text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                            "AND tablename <> 'alembic_version'"
                        )
                    )
                ).scalars()
                tables = ", ".join(f'"{name}"' for name in names)
                if tables:
                    await connection.execute(text(f"TRUNCATE {tables} CASCADE"))
            break
        except DBAPIError as exc:
            # A job of the test's still finishing in the worker (an email, a purge) may hold a table the TRUNCATE
            # also locks: PostgreSQL breaks the deadlock by failing one side. Try again once it is done.
            if getattr(exc.orig, "sqlstate", None) != "40P01" or attempt == 4:
                raise
            await asyncio.sleep(0.2)
    await engine.dispose()
    mailbox.clear()
