"""Test fixtures: a real PostgreSQL database, Redis, SMTP server and SAQ worker per test run.

Every run gets its own database (``chopchop_test_<run>``), Redis key prefix and SAQ queue name, so runs are
isolated from each other and from development data, and the suite can run twice in a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.app import ChopchopPlugin, create_app
from chopchop.db.migrate import upgrade
from chopchop.domain.recipes import listing
from chopchop.settings import RATE_SETTINGS, Settings
from tests.helpers import Mailbox, running, start_smtp_server

PG_HOST = os.environ.get("CHOPCHOP_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CHOPCHOP_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CHOPCHOP_TEST_PG_USER", "postgres")
REDIS_URL = os.environ.get("CHOPCHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-and-hs512-0123456789abcdefghij"


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


def _pg_url(database: str) -> str:
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def database_url(run_id: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database migrated with alembic (not ``create_all``) to head."""
    name = f"chopchop_test_{run_id}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = _pg_url(name)
    await asyncio.to_thread(upgrade, url)
    yield url
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""
    box = Mailbox()
    controller = start_smtp_server(box)
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def settings(database_url: str, mailbox: Mailbox, run_id: str) -> Settings:
    generous: dict[str, Any] = dict.fromkeys(RATE_SETTINGS, "100000/minute")
    return Settings(
        database_url=database_url,
        redis_url=REDIS_URL,
        redis_key_prefix=f"chopchop-test-{run_id}",
        queue_name=f"chopchop-test-{run_id}",
        jwt_secret=TEST_JWT_SECRET,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        public_base_url="http://testserver.local",
        log_level="WARNING",
        # A short lease: tests that restart Redis wait for the cache to come back (see lib/cache.py).
        cache_lease_seconds=1,
        # Generous limits: every test goes through the limiter, only test_rate_limits hits its limits.
        **generous,
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP through the ASGI app, in the tests' own event loop (so tests may share the app's engine)."""
    async with running(app) as http:
        yield http


@pytest.fixture(scope="session", autouse=True)
async def worker(app: Litestar, client: httpx.AsyncClient, settings: Settings) -> AsyncIterator[None]:
    """A real SAQ worker consuming the run's queue on Redis, as `chopchop worker` would."""
    plugin = app.plugins.get(ChopchopPlugin)
    assert plugin.saq is not None
    saq_worker = plugin.saq.get_workers()[settings.queue_name]
    saq_worker.SIGNALS = []
    task = asyncio.create_task(saq_worker.start())
    yield
    await saq_worker.stop()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    redis = Redis.from_url(REDIS_URL)
    keys = [key async for key in redis.scan_iter(match=f"*{settings.queue_name}*")]
    keys += [key async for key in redis.scan_iter(match=f"{settings.redis_key_prefix}*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


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
