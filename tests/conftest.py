"""Test fixtures: a real PostgreSQL database, Redis, SMTP server and SAQ worker per test run.

Every run gets its own database (``chopchop_test_<run>``), Redis key prefix and SAQ queue name, so runs are
isolated from each other and from development data, and the suite can run twice in a row.

Layout: ``tests/<area>/`` mirrors ``src/chopchop/domain/<area>/`` (accounts, users, recipes, comments, system),
and the platform's parts have folders of their own (cache, db, http, openapi, jobs, resilience, settings, cli).
A folder holds both kinds of tests: what makes a test an integration test is its module's
``pytestmark = pytest.mark.integration``, never where it lives.

Lanes: ``pytest -m "not integration and not slow"`` runs the tests that need no service and start no process
(seconds, nothing to start; ``slow`` marks tests that start processes or wait for schedules). An integration
test runs with the run's SAQ worker and starts on empty tables, an empty cache and an empty mailbox
(``integration_state``). A test that uses a service fixture without the marker is a collection error, so that a
unit test cannot become an integration test (or the reverse) unnoticed. Without PostgreSQL or Redis the
integration tests are skipped, saying which is missing, unless ``CHOPCHOP_TEST_REQUIRE_SERVICES=1`` (CI sets
it: there a missing service is a failure, not a skip).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from litestar import Litestar
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from chopchop.app import create_app
from chopchop.db.migrate import upgrade
from chopchop.domain.recipes import listing
from chopchop.settings import RATE_SETTINGS, Settings
from tests.helpers import FAST_HASHER, Mailbox, delete_keys, running, saq_worker, start_smtp_server

PG_HOST = os.environ.get("CHOPCHOP_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CHOPCHOP_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CHOPCHOP_TEST_PG_USER", "postgres")
REDIS_URL = os.environ.get("CHOPCHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-and-hs512-0123456789abcdefghij"
# Fixtures that reach a service: a test that uses one (directly or not) must be marked ``integration``.
SERVICE_FIXTURES = frozenset({"database_url", "settings", "app", "client", "mailbox", "worker", "clean_state"})


def _reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _missing_services() -> list[str]:
    redis = urlsplit(REDIS_URL)
    services = {
        f"PostgreSQL at {PG_HOST}:{PG_PORT}": (PG_HOST, PG_PORT),
        f"Redis at {redis.hostname}:{redis.port or 6379}": (redis.hostname or "127.0.0.1", redis.port or 6379),
    }
    return [name for name, (host, port) in services.items() if not _reachable(host, port)]


def _services_used(item: pytest.Item) -> frozenset[str]:
    """The service fixtures a test uses (a parameter that merely shares a fixture's name is not one)."""
    callspec = getattr(item, "callspec", None)
    parametrized = set(callspec.params) if callspec is not None else set()
    return SERVICE_FIXTURES & (set(getattr(item, "fixturenames", ())) - parametrized)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    integration = [item for item in items if item.get_closest_marker("integration") is not None]
    unmarked = sorted(
        {
            f"{item.nodeid.partition('::')[0]} ({', '.join(sorted(uses))})"
            for item in items
            if item.get_closest_marker("integration") is None and (uses := _services_used(item))
        }
    )
    if unmarked:
        msg = (
            "these tests use service fixtures but are not marked integration: add "
            "`pytestmark = pytest.mark.integration` to their module (or stop using the services):\n  "
            + "\n  ".join(unmarked)
        )
        raise pytest.UsageError(msg)
    selected = config.getoption("-m") or ""
    if not integration or selected.replace(" ", "") == "notintegration":
        return
    missing = _missing_services()
    if missing and os.environ.get("CHOPCHOP_TEST_REQUIRE_SERVICES") != "1":
        skip = pytest.mark.skip(reason=f"needs {' and '.join(missing)} (unreachable); see README, Tests")
        for item in integration:
            item.add_marker(skip)


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
        # A short lease: tests that restart Redis wait for the cache to come back (see lib/cache/).
        cache_lease_seconds=1,
        # Generous limits: every test goes through the limiter, only test_rate_limits hits its limits.
        **generous,
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings, hasher=FAST_HASHER)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP through the ASGI app, in the tests' own event loop (so tests may share the app's engine)."""
    async with running(app) as http:
        yield http


@pytest.fixture(autouse=True)
def integration_state(request: pytest.FixtureRequest) -> None:
    """What every test marked ``integration`` gets, wherever its module is: the run's SAQ worker and a clean
    state (``worker``, ``clean_state``). Unit tests get nothing, and so reach no service."""
    if request.node.get_closest_marker("integration") is not None:
        request.getfixturevalue("worker")
        request.getfixturevalue("clean_state")


@pytest.fixture(scope="session")
async def worker(app: Litestar, client: httpx.AsyncClient, settings: Settings) -> AsyncIterator[None]:
    """A real SAQ worker consuming the run's queue on Redis, as `chopchop worker` would."""
    async with saq_worker(app):
        yield
    await delete_keys(f"*{settings.queue_name}*", f"{settings.redis_key_prefix}*")


@pytest.fixture
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
                await _empty_tables(connection)
            break
        except DBAPIError as exc:
            # A job of the test's still finishing in the worker (an email, a purge) may hold a table the TRUNCATE
            # also locks: PostgreSQL breaks the deadlock by failing one side. Try again once it is done.
            if getattr(exc.orig, "sqlstate", None) != "40P01" or attempt == 4:
                raise
            await asyncio.sleep(0.2)
    await engine.dispose()
    mailbox.clear()


async def _empty_tables(connection: AsyncConnection) -> None:
    """Every table emptied, in a few milliseconds rather than a TRUNCATE's quarter second.

    ``DELETE`` with triggers and foreign-key checks off (``session_replication_role = replica``) is the fast way on
    small tables. A table PostgreSQL holds statistics of (``reltuples >= 0``: a test analysed it, or autovacuum did)
    is truncated instead: the listing estimates totals from ``reltuples``, and a ``DELETE`` would leave the last
    test's count there. The triggers marked ``ENABLE ALWAYS`` (the change feed's) still fire under ``replica`` and
    write as the others are emptied: a second pass empties what they wrote."""
    await connection.execute(text("SET LOCAL session_replication_role = replica"))
    tables = (
        await connection.execute(
            text(
                "SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version'"
            )
        )
    ).all()
    analysed = [f'"{name}"' for name, tuples in tables if tuples >= 0]
    if analysed:
        await connection.execute(text(f"TRUNCATE {', '.join(analysed)} CASCADE"))
    for _ in range(2):
        for name, tuples in tables:
            if tuples < 0:
                await connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names from the catalogue
