"""Faults injected for real: PostgreSQL and Redis servers of the test's own are stopped, killed and restarted under
the API, while concurrent clients keep calling it. A fault of a dependency is a 503 (or, where the design says so,
no error at all), never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from advanced_alchemy.exceptions import IntegrityError, wrap_sqlalchemy_exception
from litestar.exceptions import LitestarException
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import BusyLoadingError, MasterDownError, OutOfMemoryError, ReadOnlyError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.app import create_app
from chopchop.db import Recipe, RecipeLike, User
from chopchop.db.migrate import upgrade
from chopchop.lib.outages import REDIS_UNAVAILABLE, Dependency, Fault, FaultKind, classify
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import asgi_client, quick_user
from tests.load import Answer, Call, Hammer, _answer
from tests.servers import PrivatePostgres, free_port, pg_bin

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
RECIPES = "/api/v1/recipes"


_pg_bin = pg_bin
_free_port = free_port


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres.new()
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.remove()


class PrivateRedis:
    """A redis-server of the test's own on a spare port, with an append-only file so that a restart reloads data."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *options: str) -> None:
        """Start and wait until it accepts connections (not until it has loaded its data: that is the point)."""
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root)]
        command += ["--appendonly", "yes", "--save", "", *options]
        with (self.root / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log)  # noqa: S603 - our binary, fixed args
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.02)
        msg = f"redis-server did not start on port {self.port}"
        raise RuntimeError(msg)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class ErrorLog(logging.Handler):
    """What the problem+json handlers log (each 503 names the dependency and the SQLSTATE or exception class)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self._logger = logging.getLogger("chopchop.errors")

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def listen(self) -> None:
        """Call once the app is up: configuring its logging drops the handlers that were there before."""
        self._logger.addHandler(self)

    def stop(self) -> None:
        self._logger.removeHandler(self)

    def __contains__(self, text: object) -> bool:
        return any(str(text) in message for message in self.messages)


@pytest.fixture
def error_log() -> Iterator[ErrorLog]:
    log = ErrorLog()
    try:
        yield log
    finally:
        log.stop()


# --- load -------------------------------------------------------------------------------------------------------


def _assert_unavailable(answer: Answer, dependency: str) -> None:
    """The one shape of a dependency outage: 503 problem+json, Retry-After, which dependency in words."""
    assert answer.status == 503, answer
    assert answer.content_type.startswith(PROBLEM), answer
    assert answer.retry_after == "5", answer
    assert answer.problem_type is not None, answer
    assert answer.problem_type.endswith("/service-unavailable"), answer
    assert answer.detail is not None, answer
    assert dependency in answer.detail, answer


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def _asyncpg_dsn(server: PrivatePostgres) -> str:
    return server.url.replace("postgresql+asyncpg://", "postgresql://")


async def _accepting(dsn: str, timeout: float) -> None:
    """Wait until the server accepts connections (pg_ctl -w returns earlier, while a standby is still recovering)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(0.01)
        else:
            await connection.close()
            return
    msg = f"PostgreSQL did not accept connections within {timeout}s"
    raise AssertionError(msg)


async def test_postgres_outage_is_a_quick_503_and_recovers_alone(
    settings: Settings, private_postgres: PrivatePostgres
) -> None:
    await asyncio.to_thread(upgrade, private_postgres.url)
    metrics_token = secrets.token_urlsafe(32)
    app = create_app(replace(settings, database_url=private_postgres.url, metrics_token=metrics_token))
    async with app.lifespan(), asgi_client(app) as http:
        _, headers = await quick_user(app, "faults@example.com")
        created = await http.post(RECIPES, json=recipe_payload(title="Before"), headers=headers)
        assert created.status_code == 201

        await asyncio.to_thread(private_postgres.stop)
        started = time.perf_counter()
        write = await http.post(RECIPES, json=recipe_payload(title="During"), headers=headers)
        uncached = await http.get(RECIPES, params={"q": "never cached"})
        ready = await http.get("/health/ready")
        elapsed = time.perf_counter() - started
        # The scrape still answers (the outbox gauges keep their last values): the outage must be seen.
        scrape = await http.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
        assert scrape.status_code == 200, scrape.text
        assert "chopchop_requests_total" in scrape.text
        for response in (write, uncached):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.headers["retry-after"] == "5"
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"].startswith("error")
        assert elapsed < 20, f"requests hung for {elapsed:.1f}s while the database was down"

        await asyncio.to_thread(private_postgres.start)
        deadline = time.monotonic() + 15
        while True:
            after = await http.post(RECIPES, json=recipe_payload(title="After"), headers=headers)
            if after.status_code == 201 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert after.status_code == 201, after.text
        titles = {r["title"] for r in (await http.get(RECIPES, params={"sort": "title"})).json()["items"]}
        assert titles == {"Before", "After"}
        assert (await http.get("/health/ready")).status_code == 200


async def test_a_database_that_turns_new_sessions_away_is_a_503_and_recovers_alone(
    settings: Settings, private_postgres: PrivatePostgres
) -> None:
    """The server is up but refuses sessions to our database (``ALLOW_CONNECTIONS false``: SQLSTATE 55000 at
    connect; a dropped database, rotated credentials and a revoked CONNECT are refused the same way): 503 with
    Retry-After on every route, not a 500, and back to normal once the database takes sessions again."""
    await asyncio.to_thread(upgrade, private_postgres.url)
    app = create_app(replace(settings, database_url=private_postgres.url))
    admin = await asyncpg.connect(_asyncpg_dsn(private_postgres).rsplit("/", 1)[0] + "/template1")
    try:
        async with app.lifespan(), asgi_client(app) as http:
            _, headers = await quick_user(app, "turned-away@example.com")
            assert (await http.post(RECIPES, json=recipe_payload(title="Before"), headers=headers)).status_code == 201

            await admin.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS false")
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres'")
            answers = [
                await http.post(RECIPES, json=recipe_payload(title="During"), headers=headers),
                await http.get(RECIPES, params={"q": "never cached"}),
                await http.get("/api/v1/me", headers=headers),
                await http.head(RECIPES, params={"q": "never cached either"}),
            ]
            for answer in answers:
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"] == "5"
                assert answer.headers["content-type"].startswith(PROBLEM)
            assert "database" in answers[0].json()["detail"]

            await admin.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS true")
            after = await http.post(RECIPES, json=recipe_payload(title="After"), headers=headers)
            assert after.status_code == 201, after.text
            titles = {r["title"] for r in (await http.get(RECIPES, params={"sort": "title"})).json()["items"]}
            assert titles == {"Before", "After"}
    finally:
        await admin.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS true")
        await admin.close()


async def test_postgres_stopped_and_restarted_under_load_never_answers_500(
    settings: Settings, private_postgres: PrivatePostgres, error_log: ErrorLog
) -> None:
    """Smart, fast and immediate shutdowns and slow restarts (57P01, 08003, 57P03 ...) while clients read and write.

    Every answer is a success or the outage 503; everything acknowledged survives; no app restart is needed.
    """
    await asyncio.to_thread(upgrade, private_postgres.url)
    app = create_app(replace(settings, database_url=private_postgres.url))
    async with app.lifespan(), asgi_client(app) as http:
        error_log.listen()
        _, headers = await quick_user(app, "load@example.com")
        seeded = await http.post(RECIPES, json=recipe_payload(title="Seed"), headers=headers)
        detail = f"{RECIPES}/{seeded.json()['id']}"
        calls: dict[str, Call] = {
            "search": lambda h: h.get(RECIPES, params={"q": uuid4().hex}),  # a new query: never a cache hit
            "detail": lambda h: h.get(detail),
            "me": lambda h: h.get("/api/v1/me", headers=headers),  # authentication reads the user
            "create": lambda h: h.post(RECIPES, json=recipe_payload(), headers=headers),
            "ready": lambda h: h.get("/health/ready"),
        }
        allowed = {"search": {200}, "detail": {200}, "me": {200}, "create": {201}, "ready": {200}}
        recoveries: list[float] = []
        # More clients than the pool keeps (10): some requests always need a new connection.
        async with Hammer(http, calls, clients=12) as load:
            # Under way before the first fault: a write sent and answered while the server is up (on a loaded
            # machine the first answers may take longer than any fixed pause).
            await load.until("create", {201}, timeout=10, since=time.perf_counter())
            await asyncio.sleep(0.5)
            for mode in ("fast", "immediate"):
                load.phase = f"{mode}: stopping"
                if mode == "fast":
                    # Smart first: sessions go on, new connections are refused ("shutting down", 57P03).
                    await asyncio.to_thread(private_postgres.stop, "smart", wait=False)
                    await asyncio.sleep(0.7)
                # Fast ends every session (57P01, 08003); immediate is a crash: connections just die.
                await asyncio.to_thread(private_postgres.stop, mode)
                load.phase = f"{mode}: down"
                await asyncio.sleep(0.5)
                # Up, but refusing connections while it recovers ("starting up", "not accepting connections").
                load.phase = f"{mode}: starting"
                await asyncio.to_thread(private_postgres.start, slow_recovery=True)
                await _accepting(_asyncpg_dsn(private_postgres), timeout=10)
                recoveries.append(await load.until("create", {201}, timeout=10))
                load.phase = f"{mode}: restarted"
                await asyncio.sleep(0.5)

        report = load.summary()
        # Nothing escapes the app: a commit or rollback that fails in the before-send hook (lib/transactions.py) is
        # answered there, as the handlers would (test_a_commit_cut_off_is_a_503_not_a_bare_500).
        escaped = [a for a in load.answers if a.status == 0]
        assert not escaped, [str(a) for a in escaped]
        wrong = [a for a in load.answers if a.status not in allowed[a.name] | {503}]
        assert not wrong, f"{[str(a) for a in wrong[:10]]}\n{report}"
        for answer in load.answers:
            if answer.status == 503 and answer.name != "ready":
                _assert_unavailable(answer, "database")
        # Once the server is back, everything sent and answered before the next fault succeeds.
        for phase in ("up", "fast: restarted", "immediate: restarted"):
            settled = [a for a in load.answers if a.phase == a.answered_in == phase]
            assert settled, phase
            failed = [str(a) for a in settled if a.status not in allowed[a.name]]
            assert not failed, (phase, failed[:10])
        outages = {a.phase for a in load.answers if a.status == 503 and a.name != "ready"}
        assert outages >= {"fast: down", "fast: starting", "immediate: down", "immediate: starting"}, report
        # The restarts went through the windows this test is about, and the app saw them.
        assert "57P03" in error_log, error_log.messages[:20]
        assert "57P01" in error_log or "08003" in error_log, error_log.messages[:20]

        # No app restart: every kind of request works again, and every acknowledged write is there.
        for name, call in calls.items():
            response = await call(http)
            assert response.status_code in allowed[name], (name, response.text)
        acknowledged = {UUID(a.created) for a in load.answers if a.created}
        assert acknowledged
        async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
            kept = await session.scalar(select(func.count()).select_from(Recipe).where(Recipe.id.in_(acknowledged)))
        assert kept == len(acknowledged)
        print(
            f"\n{report}\nescaped: {len(escaped)}; first success after the server accepted connections: "
            f"{[f'{s:.2f}s' for s in recoveries]}"
        )


# --- Redis ------------------------------------------------------------------------------------------------------


async def _command(redis: Redis, *args: Any) -> Any:
    return await redis.execute_command(*args)  # type: ignore[no-untyped-call]


async def _fill(redis: Redis, keys: int) -> None:
    """A dataset that takes Redis a moment to load (with ``--key-load-delay``): it answers LOADING meanwhile."""
    async with redis.pipeline(transaction=False) as pipe:
        for start in range(0, keys, 1000):
            pipe.mset({f"filler:{n}": b"x" * 64 for n in range(start, start + 1000)})
        await pipe.execute()
    # Into the append-only file's RDB base: the key-load delay applies to RDB loading.
    await _command(redis, "BGREWRITEAOF")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        info = await redis.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return
        await asyncio.sleep(0.05)
    msg = "the append-only file was not rewritten"
    raise AssertionError(msg)


async def _wait_loaded(redis: Redis, timeout: float) -> int:
    """Wait until Redis answers PING; how many LOADING replies it gave meanwhile."""
    loading, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            await _command(redis, "PING")
        except BusyLoadingError:
            loading += 1
        except (RedisConnectionError, RedisTimeoutError, OSError):
            pass  # not listening yet, or too busy starting to accept in time (a loaded machine)
        else:
            return loading
        await asyncio.sleep(0.02)
    msg = f"Redis did not finish loading within {timeout}s"
    raise AssertionError(msg)


async def test_redis_killed_and_reloading_under_load_never_answers_500(
    settings: Settings, private_redis: PrivateRedis, error_log: ErrorLog
) -> None:
    """SIGKILL, then a restart that answers LOADING while it reads its data back, under concurrent clients.

    Reads, authentication and email requests fail open (2xx throughout); a recipe creation cannot record its
    cache invalidation and logout cannot record the revocation, so they fail closed with the outage 503 (and
    succeed again once Redis is back); the readiness probe says 503. Never a 500.
    """
    app = create_app(replace(settings, redis_url=private_redis.url))
    # Our own view of Redis, without client-side retries: LOADING is seen as it is answered.
    probe = Redis.from_url(private_redis.url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=0.5)
    async with app.lifespan(), asgi_client(app) as http:
        error_log.listen()
        user_id, headers = await quick_user(app, "redis-load@example.com")
        plugin = app.plugins.get(ChopchopPlugin)
        async with plugin.db_config.get_session() as session:
            user = await session.get(User, UUID(user_id))
            assert user is not None

        def fresh_token() -> dict[str, str]:
            token, _ = plugin.token_issuer.issue(user.id, user.token_version)
            return {"Authorization": f"Bearer {token}"}

        seeded = await http.post(RECIPES, json=recipe_payload(title="Seed"), headers=headers)
        detail = f"{RECIPES}/{seeded.json()['id']}"
        await _fill(probe, 20_000)
        calls: dict[str, Call] = {
            "list": lambda h: h.get(RECIPES),  # the response cache
            "detail": lambda h: h.get(detail),
            "me": lambda h: h.get("/api/v1/me", headers=headers),  # the revocation check
            "create": lambda h: h.post(RECIPES, json=recipe_payload(), headers=headers),  # rate limit, cache bump
            "resend": lambda h: h.post(  # rate limits, then the outbox and the job queue
                "/api/v1/auth/resend-confirmation", json={"email": f"{uuid4().hex[:12]}@example.com"}
            ),
            "logout": lambda h: h.post("/api/v1/me/logout", headers=fresh_token()),  # writes the revocation
            "ready": lambda h: h.get("/health/ready"),
        }
        allowed = {
            "list": {200},
            "detail": {200},
            "me": {200},
            "create": {201, 503},
            "resend": {202},
            "logout": {204, 503},
            "ready": {200, 503},
        }
        async with Hammer(http, calls, clients=8) as load:
            await asyncio.sleep(0.5)
            load.phase = "killed"
            private_redis.kill()
            await asyncio.sleep(1.0)
            load.phase = "loading"
            private_redis.start("--key-load-delay", "50", "--loading-process-events-interval-bytes", "1024")
            loading_replies = await _wait_loaded(probe, timeout=15)
            load.phase = "loaded"
            recovery = await load.until("logout", {204}, timeout=15)
            await load.until("create", {201}, timeout=15)
            await asyncio.sleep(0.5)
        await probe.aclose()

        report = load.summary()
        wrong = [a for a in load.answers if a.status not in allowed[a.name]]
        assert not wrong, f"{[str(a) for a in wrong[:10]]}\n{report}"
        for answer in load.answers:
            if answer.status == 503 and answer.name in {"logout", "create"}:
                _assert_unavailable(answer, "cache")
        assert loading_replies > 0, "Redis never answered LOADING: the restart window was not exercised"
        assert any(a.status == 503 for a in load.answers if a.name == "logout"), report
        assert "BusyLoadingError" in error_log, error_log.messages[:20]

        # Revocation works again: a logged-out token is refused.
        token = fresh_token()
        assert (await http.post("/api/v1/me/logout", headers=token)).status_code == 204
        assert (await http.get("/api/v1/me", headers=token)).status_code == 401
        slowest = max(a.seconds for a in load.answers)
        print(f"\n{report}\nLOADING replies: {loading_replies}, recovery {recovery:.2f}s, slowest {slowest:.2f}s")


# --- one request, one fault, deterministically ------------------------------------------------------------------


async def _waiting(connection: asyncpg.Connection, wait: str, timeout: float = 10) -> int:
    """The pid of the (one) other backend that waits for ``wait`` (a wait event or its type, e.g. ``Lock``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = await connection.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE $1 IN (wait_event_type, wait_event) AND pid <> pg_backend_pid()",
            wait,
        )
        if pid is not None:
            return int(pid)
        await asyncio.sleep(0.02)
    msg = f"no backend waits for {wait}"
    raise AssertionError(msg)


async def test_a_session_cut_off_inside_a_repository_call_is_503_not_409(
    settings: Settings, private_postgres: PrivatePostgres, error_log: ErrorLog
) -> None:
    """advanced-alchemy re-raises every DBAPIError of a repository call as its IntegrityError: not a 409 conflict."""
    await asyncio.to_thread(upgrade, private_postgres.url)
    app = create_app(replace(settings, database_url=private_postgres.url))
    async with app.lifespan(), asgi_client(app) as http:
        error_log.listen()
        user_id, headers = await quick_user(app, "cut-off@example.com")
        blocker = await asyncpg.connect(_asyncpg_dsn(private_postgres))
        try:
            async with blocker.transaction():
                await blocker.execute(
                    f"SELECT 1 FROM {User.__tablename__} WHERE id = $1 FOR UPDATE",  # noqa: S608 - our table name
                    UUID(user_id),
                )
                rename = asyncio.create_task(
                    http.patch("/api/v1/me", json={"display_name": "Renamed"}, headers=headers)
                )
                # The update of the repository waits for the row; its session is ended as a shutdown would.
                await blocker.execute("SELECT pg_terminate_backend($1)", await _waiting(blocker, "Lock"))
                response = await rename
        finally:
            await blocker.close()
        _assert_unavailable(_answer("cut off", "rename", response, 0), "database")
        assert "57P01" in error_log or "08003" in error_log, error_log.messages
        again = await http.patch("/api/v1/me", json={"display_name": "Renamed"}, headers=headers)
        assert again.status_code == 200, again.text


async def test_a_deadlock_victim_is_told_to_retry_at_once(
    settings: Settings, private_postgres: PrivatePostgres, error_log: ErrorLog
) -> None:
    """40P01 is no outage and no client error: 503 transaction-conflict, Retry-After 1, and the retry succeeds."""
    await asyncio.to_thread(upgrade, private_postgres.url)
    app = create_app(replace(settings, database_url=private_postgres.url))
    async with app.lifespan(), asgi_client(app) as http:
        error_log.listen()
        _, headers = await quick_user(app, "deadlock@example.com")
        recipe_id = (await http.post(RECIPES, json=recipe_payload(), headers=headers)).json()["id"]
        blocker = await asyncpg.connect(_asyncpg_dsn(private_postgres))
        try:
            # The request's backend (1 s, the default) looks for the deadlock first, so the request is the victim.
            await blocker.execute("SET deadlock_timeout = '10s'")
            async with blocker.transaction():
                await blocker.execute(
                    f"SELECT 1 FROM {Recipe.__tablename__} WHERE id = $1 FOR UPDATE",  # noqa: S608 - our table name
                    UUID(recipe_id),
                )
                like = asyncio.create_task(http.put(f"{RECIPES}/{recipe_id}/like", headers=headers))
                # The like's insert holds its table and waits for the recipe row (its foreign key); now the cycle.
                await _waiting(blocker, "Lock")
                await blocker.execute(f"LOCK TABLE {RecipeLike.__tablename__} IN SHARE MODE")
                response = await like
        finally:
            await blocker.close()
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.headers["retry-after"] == "1"
        assert response.json()["type"].endswith("/transaction-conflict")
        assert "40P01" in error_log, error_log.messages
        retried = await http.put(f"{RECIPES}/{recipe_id}/like", headers=headers)
        assert retried.status_code == 200, retried.text
        assert retried.json()["like_count"] == 1


async def test_a_commit_cut_off_is_a_503_not_a_bare_500(
    settings: Settings, private_postgres: PrivatePostgres, error_log: ErrorLog
) -> None:
    await asyncio.to_thread(upgrade, private_postgres.url)
    app = create_app(replace(settings, database_url=private_postgres.url))
    escaped: LitestarException | None = None
    async with app.lifespan(), asgi_client(app) as http:
        error_log.listen()
        _, headers = await quick_user(app, "commit@example.com")
        admin = await asyncpg.connect(_asyncpg_dsn(private_postgres))
        try:
            # COMMIT waits for a synchronous standby that does not exist: the request is held inside its commit.
            await admin.execute("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
            await admin.execute("SELECT pg_reload_conf()")
            await asyncio.sleep(0.2)
            create = asyncio.create_task(http.post(RECIPES, json=recipe_payload(), headers=headers))
            await admin.execute("SELECT pg_terminate_backend($1)", await _waiting(admin, "SyncRep"))
            try:
                response = await create
            except LitestarException as exc:  # what a server turns into a bare 500
                escaped = exc
        finally:
            await admin.execute("ALTER SYSTEM RESET synchronous_standby_names")
            await admin.execute("SELECT pg_reload_conf()")
            await admin.close()
    if escaped is not None:
        raise escaped  # out here, not wrapped in the lifespan's exception group
    # The outcome of a cut-off commit is unknown to the client (here it committed locally): still a 503.
    _assert_unavailable(_answer("commit", "create", response, 0), "database")


# --- the classifier, on what real servers raise -----------------------------------------------------------------


def _raised(exc_info: pytest.ExceptionInfo[BaseException]) -> BaseException:
    return exc_info.value


async def _refused_connection(dsn: str, timeout: float = 5) -> BaseException:
    """The error of the first new connection the server refuses."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = await asyncpg.connect(dsn)
        except Exception as exc:  # noqa: BLE001 - the caller checks what it is
            return exc
        await connection.close()
        await asyncio.sleep(0.02)
    msg = "the server kept accepting connections"
    raise AssertionError(msg)


async def test_postgres_and_sqlite_errors_are_classified_by_sqlstate_and_code(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    dsn = _asyncpg_dsn(private_postgres)
    engine = create_async_engine(private_postgres.url, pool_size=2)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute("CREATE TABLE t (id int PRIMARY KEY, n int)")
        await admin.execute("INSERT INTO t VALUES (1, 0)")
        await admin.execute("CREATE ROLE nobody LOGIN CONNECTION LIMIT 0")

        async def statement(sql: str, *args: Any) -> None:
            async with engine.begin() as connection:
                await connection.exec_driver_sql(sql, args)

        # Errors of the request: never an outage.
        for sql, args in [
            ("SELECT * FROM missing", ()),
            ("INSERT INTO t VALUES (1, 0)", ()),
            ("SELECT $1::int", ("x",)),
        ]:
            with pytest.raises(Exception) as bug:  # noqa: PT011 - whatever it is, it is not an outage
                await statement(sql, *args)
            assert classify(_raised(bug)) is None, repr(_raised(bug))

        # A session ended by the server (what a fast shutdown does to every session), seen through SQLAlchemy and
        # through advanced-alchemy's wrapper (which files it under IntegrityError).
        async with engine.connect() as connection:
            pid = (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
            await asyncio.sleep(0.1)
            with pytest.raises(IntegrityError) as cut, wrap_sqlalchemy_exception():
                await connection.exec_driver_sql("SELECT 1")
        fault = classify(_raised(cut))
        assert fault is not None
        assert (fault.dependency, fault.kind) == (Dependency.DATABASE, FaultKind.OUTAGE)

        # 53300: no connection slot.
        with pytest.raises(asyncpg.TooManyConnectionsError) as full:
            await asyncpg.connect(dsn, user="nobody")
        assert classify(_raised(full)) == Fault(Dependency.DATABASE, FaultKind.OUTAGE, "SQLSTATE 53300")

        # 40001: a concurrent update under REPEATABLE READ; retryable, not an outage.
        other = await asyncpg.connect(dsn)
        try:
            async with other.transaction(isolation="repeatable_read"):
                await other.fetchval("SELECT n FROM t WHERE id = 1")
                await admin.execute("UPDATE t SET n = n + 1 WHERE id = 1")
                with pytest.raises(asyncpg.SerializationError) as lost:
                    await other.execute("UPDATE t SET n = n + 1 WHERE id = 1")
        except asyncpg.SerializationError:
            pass
        finally:
            await other.close()
        assert classify(_raised(lost)) == Fault(Dependency.DATABASE, FaultKind.CONFLICT, "SQLSTATE 40001")

        # 57P03 "shutting down": a smart shutdown waits for the open sessions and refuses new ones.
        await asyncio.to_thread(private_postgres.stop, "smart", wait=False)
        closing = await _refused_connection(dsn)
        assert isinstance(closing, asyncpg.CannotConnectNowError), repr(closing)
        assert classify(closing) == Fault(Dependency.DATABASE, FaultKind.OUTAGE, "SQLSTATE 57P03")
    finally:
        await admin.close()
        await engine.dispose()

    # Down: the socket error of the driver, unwrapped by SQLAlchemy, is the database's.
    await asyncio.to_thread(private_postgres.ensure_stopped)
    refused_engine = create_async_engine(private_postgres.url)
    with pytest.raises(ConnectionRefusedError) as refused:
        async with refused_engine.connect():
            pass
    await refused_engine.dispose()
    assert classify(_raised(refused)) == Fault(Dependency.DATABASE, FaultKind.OUTAGE, "ConnectionRefusedError")
    # ... while our own file error is a bug.
    with pytest.raises(FileNotFoundError) as ours:
        (tmp_path / "missing").read_text()
    assert classify(_raised(ours)) is None

    # SQLite (embedded mode): locked past the busy timeout is an outage, a missing table is not.
    path = str(tmp_path / "embedded.db")
    holder, waiter = sqlite3.connect(path), sqlite3.connect(path, timeout=0)
    try:
        holder.execute("CREATE TABLE t (n int)")
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as locked:
            waiter.execute("INSERT INTO t VALUES (1)")
        assert classify(_raised(locked)) == Fault(Dependency.DATABASE, FaultKind.OUTAGE, "SQLite 5")
        with pytest.raises(sqlite3.OperationalError) as missing:
            waiter.execute("SELECT * FROM missing")
        assert classify(_raised(missing)) is None
    finally:
        holder.close()
        waiter.close()


async def test_redis_errors_are_classified_by_class(private_redis: PrivateRedis) -> None:
    redis = Redis.from_url(private_redis.url, retry=Retry(NoBackoff(), 0), socket_timeout=0.3)
    admin = Redis.from_url(private_redis.url)
    try:
        await redis.set("text", "x")
        with pytest.raises(ResponseError) as wrong_type:
            await _command(redis, "LPUSH", "text", "y")
        assert classify(_raised(wrong_type)) is None  # WRONGTYPE: our bug, not Redis's outage

        # A replica after a failover: READONLY; cut off from its master with stale reads refused: MASTERDOWN.
        await admin.replicaof("127.0.0.1", str(_free_port()))
        with pytest.raises(ReadOnlyError) as read_only:
            await redis.set("text", "z")
        await admin.config_set("replica-serve-stale-data", "no")
        with pytest.raises(MasterDownError) as master_down:
            await redis.get("text")
        await admin.replicaof("NO", "ONE")
        # Out of memory with nothing to evict.
        await admin.config_set("maxmemory", "1")
        with pytest.raises(OutOfMemoryError) as oom:
            await redis.set("more", "x")
        await admin.config_set("maxmemory", "0")
        # Too slow to answer.
        await admin.client_pause(1000)
        with pytest.raises(RedisTimeoutError) as slow:
            await redis.get("text")
        for exc_info in (read_only, master_down, oom, slow):
            fault = classify(_raised(exc_info))
            assert fault is not None, repr(_raised(exc_info))
            assert (fault.dependency, fault.kind) == (Dependency.REDIS, FaultKind.OUTAGE)
            assert isinstance(_raised(exc_info), REDIS_UNAVAILABLE)  # what the fail-open paths catch
        await admin.client_unpause()
    finally:
        await redis.aclose()
        await admin.aclose()

    private_redis.kill()
    gone = Redis.from_url(private_redis.url, retry=Retry(NoBackoff(), 0))
    with pytest.raises(RedisConnectionError) as refused:
        await gone.get("text")
    await gone.aclose()
    assert classify(_raised(refused)) == Fault(Dependency.REDIS, FaultKind.OUTAGE, "ConnectionError")
    assert isinstance(_raised(refused), REDIS_UNAVAILABLE)
