"""Read replicas for real: a private primary and a streaming replica made with `pg_basebackup -R`, whose replay the
tests pause, delay and stop, under an API configured with both.

What a client must see: public reads served by the replica while it keeps up; its own writes visible to its next
reads when it sends the consistency token back, however far behind the replica is; no cached answer filled from
a replica older than the write that bumped the cache; and a replica that stops or falls behind taken out of
rotation and brought back without a restart, never a 500.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from redis.asyncio import Redis
from sqlalchemy import event

from chopchop.app import create_app
from chopchop.db.migrate import upgrade
from chopchop.lib.replicas import Replicas, format_lsn, parse_lsn
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings, SettingsError
from tests.conftest import REDIS_URL
from tests.factories import recipe_payload
from tests.helpers import delete_keys, quick_user, running
from tests.servers import PrivatePostgres

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
TOKEN = "Chopchop-Consistency-Token"
MAX_LAG = 4.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[PrivatePostgres, PrivatePostgres]]:
    primary = PrivatePostgres.new()
    primary.init()
    primary.start()
    replica: PrivatePostgres | None = None
    try:
        upgrade(primary.url)
        replica = primary.replica()
        replica.start()
        yield primary, replica
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


@pytest.fixture(scope="module")
async def served(
    cluster: tuple[PrivatePostgres, PrivatePostgres], settings: Settings
) -> AsyncIterator[tuple[Litestar, httpx.AsyncClient]]:
    primary, replica = cluster
    own = replace(
        settings,
        database_url=primary.url,
        database_replica_urls=replica.url,
        replica_check_seconds=0.2,
        replica_max_lag_seconds=MAX_LAG,
        cache_lease_seconds=int(MAX_LAG) + 3,  # at least max lag + 2 checks + the check's time limit
        redis_key_prefix=f"{settings.redis_key_prefix}-replicas",
        queue_name=f"{settings.queue_name}-replicas",
    )
    app = create_app(own)
    redis = Redis.from_url(REDIS_URL)
    # This Redis has served the cache for long: no restart window (see lib/cache/), as in conftest.
    await redis.set(app.plugins.get(ChopchopPlugin).generations.birth_key, 0)
    await redis.aclose()
    async with running(app) as http:
        yield app, http
    await delete_keys(f"{own.redis_key_prefix}*", f"*{own.queue_name}*")


def _position(token: str) -> int:
    return parse_lsn(token.partition(".")[0])


def _replicas(app: Litestar) -> Replicas:
    replicas = app.plugins.get(ChopchopPlugin).db_config.replicas
    assert replicas is not None
    return replicas


@contextmanager
def replica_statements(app: Litestar) -> Iterator[list[str]]:
    """The SQL the app sends to the replica while the block runs (its own health checks left out)."""
    seen: list[str] = []
    engine = _replicas(app).replicas[0].engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "pg_is_in_recovery" not in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _sql(server: PrivatePostgres, query: str, *args: Any) -> Any:
    connection = await asyncpg.connect(server.dsn)
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


async def _caught_up(app: Litestar, primary: PrivatePostgres, timeout: float = 10.0) -> None:
    """Until the replica has replayed everything the primary has, and the app's checks have seen it."""
    target = parse_lsn(await _sql(primary, "SELECT pg_current_wal_lsn()::text"))
    replica = _replicas(app).replicas[0]
    deadline = time.monotonic() + timeout
    while not (replica.healthy and replica.replay_lsn >= target):
        assert time.monotonic() < deadline, replica.state()
        await asyncio.sleep(0.05)


async def _until(condition: Any, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, what
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def _set_delay(replica: PrivatePostgres, delay: str) -> None:
    await _sql(replica, f"ALTER SYSTEM SET recovery_min_apply_delay = '{delay}'")
    await _sql(replica, "SELECT pg_reload_conf()")


async def _new_recipe(http: httpx.AsyncClient, auth: dict[str, str], title: str) -> httpx.Response:
    response = await http.post(RECIPES, json=recipe_payload(title=title), headers=auth)
    assert response.status_code == 201, response.text
    return response


async def test_public_reads_go_to_the_replica_writes_and_signed_in_reads_to_the_primary(
    served: tuple[Litestar, httpx.AsyncClient], cluster: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    app, http = served
    primary, _ = cluster
    _, auth = await quick_user(app, "routing@example.com")
    created = await _new_recipe(http, auth, "Routed soup")
    token = created.headers[TOKEN]
    assert _position(token) > 0
    recipe_id = created.json()["id"]
    await _caught_up(app, primary)

    with replica_statements(app) as on_replica:
        detail = await http.get(f"{RECIPES}/{recipe_id}")
        listed = await http.get(RECIPES, params={"q": "routed"})
    assert detail.status_code == 200 and listed.status_code == 200
    assert [r["id"] for r in listed.json()["items"]] == [recipe_id]
    assert any("recipe" in sql for sql in on_replica), on_replica

    with replica_statements(app) as on_replica:
        me = await http.get("/api/v1/me", headers=auth)
        patched = await http.patch(f"{RECIPES}/{recipe_id}", json={"title": "Routed stew"}, headers=auth)
        ready = await http.get("/health/ready")
    assert me.status_code == 200 and patched.status_code == 200, patched.text
    assert on_replica == []
    assert _position(patched.headers[TOKEN]) > _position(token)
    assert ready.status_code == 200
    assert ready.json()["checks"][f"replica {_replicas(app).replicas[0].name}"].startswith("ok")
    # Reads carry no token of their own; a token that is not one is refused, whatever the cache holds.
    assert TOKEN not in detail.headers
    assert (await http.get(f"{RECIPES}/{recipe_id}")).status_code == 200  # cached now
    # Tokens are signed: one made up (a position far ahead would send every read to the primary) is refused too.
    position, _, mac = token.partition(".")
    forged = [b"FFFFFFFF/FFFFFFFF", f"FFFFFFFF/FFFFFFFF.{mac}".encode(), position.encode(), f"{position}.".encode()]
    for hostile in (b"not-a-position", b"0/1/2", b"\xff\xfe", b"1" * 300, b"G/0", *forged):
        bad = await http.get(f"{RECIPES}/{recipe_id}", headers=[(TOKEN.encode(), hostile)])
        assert bad.status_code == 400, (hostile, bad.status_code)
        assert bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["type"].endswith("/invalid-consistency-token")
    # An empty header is no token; a real one, with blanks around it, is one.
    for fine in (b"", b"  ", f" {token} ".encode()):
        assert (await http.get(f"{RECIPES}/{recipe_id}", headers=[(TOKEN.encode(), fine)])).status_code == 200


async def test_the_writer_reads_its_write_through_a_delayed_replica(
    served: tuple[Litestar, httpx.AsyncClient], cluster: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    app, http = served
    primary, replica = cluster
    _, auth = await quick_user(app, "ryw@example.com")
    await _caught_up(app, primary)
    await _set_delay(replica, "3s")
    try:
        created = await _new_recipe(http, auth, "Delayed dal")
        recipe_id, token = created.json()["id"], created.headers[TOKEN]
        assert _replicas(app).replicas[0].healthy  # behind, but within CHOPCHOP_REPLICA_MAX_LAG_SECONDS
        # The replica has not applied the write yet: a read without the token may miss it ...
        assert await _sql(replica, "SELECT count(*) FROM recipe WHERE id = $1::uuid", recipe_id) == 0
        stale = await http.get(f"{RECIPES}/{recipe_id}")
        assert stale.status_code == 404
        # ... the writer's reads with its token never do: the primary serves them while the replica is behind.
        for _ in range(3):
            mine = await http.get(f"{RECIPES}/{recipe_id}", headers={TOKEN: token})
            assert mine.status_code == 200, mine.text
            assert mine.json()["title"] == "Delayed dal"
        # Once the replica has replayed the token's position, it serves the token's reads again.
        await _until(lambda: _replicas(app).replicas[0].replay_lsn >= _position(token), 10, "replay")
        with replica_statements(app) as on_replica:
            later = await http.get(RECIPES, params={"q": "delayed"}, headers={TOKEN: token})
        assert [r["id"] for r in later.json()["items"]] == [recipe_id]
        assert on_replica
    finally:
        await _set_delay(replica, "0")


async def test_a_cache_miss_after_a_write_is_never_filled_from_a_replica_behind_it(
    served: tuple[Litestar, httpx.AsyncClient], cluster: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    app, http = served
    primary, replica = cluster
    _, auth = await quick_user(app, "fresh@example.com")
    recipe_id = (await _new_recipe(http, auth, "Cached curry")).json()["id"]
    await _caught_up(app, primary)
    path = f"{RECIPES}/{recipe_id}"
    assert (await http.get(path)).json()["title"] == "Cached curry"  # cached, from the replica
    assert (await http.get(RECIPES, params={"q": "cached"})).json()["total"] == 1

    await _sql(replica, "SELECT pg_wal_replay_pause()")
    try:
        patched = await http.patch(path, json={"title": "Cached korma"}, headers=auth)
        assert patched.status_code == 200, patched.text
        await _new_recipe(http, auth, "Cached pilau")
        # The replica still has the old title: a fill from it would keep it cached for everyone.
        assert await _sql(replica, "SELECT title FROM recipe WHERE id = $1::uuid", recipe_id) == "Cached curry"
        for _ in range(3):  # the miss, then hits of what it stored; no token sent
            assert (await http.get(path)).json()["title"] == "Cached korma"
            listed = (await http.get(RECIPES, params={"q": "cached"})).json()
            assert listed["total"] == 2, listed
    finally:
        await _sql(replica, "SELECT pg_wal_replay_resume()")
    await _caught_up(app, primary)
    assert (await http.get(path)).json()["title"] == "Cached korma"


async def test_a_write_whose_position_is_lost_after_its_commit_never_lets_a_replica_fill_the_cache(
    served: tuple[Litestar, httpx.AsyncClient], cluster: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    """The commit went through, then its connection (and every other) failed before the WAL position was read: the
    client gets no token, and the cache must not be released as if any replica could serve the new generation."""
    app, http = served
    primary, replica = cluster
    _, auth = await quick_user(app, "lost-position@example.com")
    recipe_id = (await _new_recipe(http, auth, "Lost lamb")).json()["id"]
    path = f"{RECIPES}/{recipe_id}"
    await _caught_up(app, primary)
    assert (await http.get(path)).json()["title"] == "Lost lamb"  # its position is replayed: cached from the replica
    engine = app.plugins.get(ChopchopPlugin).db_config.get_engine().sync_engine

    def lose_the_position(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "pg_current_wal_insert_lsn" in statement:
            raise ConnectionResetError("the primary went away after the commit")

    await _sql(replica, "SELECT pg_wal_replay_pause()")
    event.listen(engine, "before_cursor_execute", lose_the_position)
    try:
        patched = await http.patch(path, json={"title": "Lost mutton"}, headers=auth)
        assert patched.status_code == 200, patched.text  # committed: the client is told so
        assert TOKEN not in patched.headers
    finally:
        event.remove(engine, "before_cursor_execute", lose_the_position)
    try:
        for _ in range(3):  # while the replica is behind: not from the cache, whatever it answers
            assert (await http.get(path)).status_code == 200
    finally:
        await _sql(replica, "SELECT pg_wal_replay_resume()")
    await _caught_up(app, primary)
    for _ in range(3):
        assert (await http.get(path)).json()["title"] == "Lost mutton"


async def test_a_replica_that_falls_behind_leaves_the_rotation_and_comes_back(
    served: tuple[Litestar, httpx.AsyncClient], cluster: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    app, http = served
    primary, replica = cluster
    _, auth = await quick_user(app, "lag@example.com")
    recipe_id = (await _new_recipe(http, auth, "Lagging lasagne")).json()["id"]
    await _caught_up(app, primary)
    state = _replicas(app).replicas[0]
    await _sql(replica, "SELECT pg_wal_replay_pause()")
    try:
        await _new_recipe(http, auth, "Lagging lentils")  # the primary moves on, the replica does not
        waited = await _until(lambda: not state.healthy, MAX_LAG + 3, "out of rotation")
        assert waited > MAX_LAG - 1
        ready = (await http.get("/health/ready")).json()
        assert ready["status"] == "ok"
        assert "lagging" in ready["checks"][f"replica {state.name}"]
        with replica_statements(app) as on_replica:
            # A miss no write has bumped (the detail of a recipe no one changed) would be the replica's: not now.
            assert (await http.get(f"{RECIPES}/{recipe_id}")).status_code == 200
        assert on_replica == []
        metrics = _metric(app, "chopchop_replica_up")
        assert metrics == 0.0
    finally:
        await _sql(replica, "SELECT pg_wal_replay_resume()")
    await _caught_up(app, primary)
    assert _replicas(app).replicas[0].lag_seconds == 0.0


def _metric(app: Litestar, name: str) -> float | None:
    from prometheus_client import REGISTRY

    replica = _replicas(app).replicas[0].name
    return REGISTRY.get_sample_value(name, {"replica": replica})


async def test_a_replica_stopped_under_load_is_a_503_at_worst_and_returns_by_itself(
    served: tuple[Litestar, httpx.AsyncClient], cluster: tuple[PrivatePostgres, PrivatePostgres]
) -> None:
    app, http = served
    primary, replica = cluster
    _, auth = await quick_user(app, "failover@example.com")
    ids = [(await _new_recipe(http, auth, f"Failover {n}")).json()["id"] for n in range(5)]
    await _caught_up(app, primary)
    answers: list[tuple[float, int, httpx.Response]] = []
    stop = asyncio.Event()

    async def reader(n: int) -> None:
        page = 0
        while not stop.is_set():
            page += 1
            # Distinct pages: misses that reach a database, not hits.
            response = await http.get(RECIPES, params={"q": f"failover {n}", "limit": page % 50 + 1})
            answers.append((time.monotonic(), response.status_code, response))
            detail = await http.get(f"{RECIPES}/{ids[n]}", headers={"Cache-Control": "no-cache"})
            answers.append((time.monotonic(), detail.status_code, detail))

    readers = [asyncio.create_task(reader(n)) for n in range(5)]
    try:
        await asyncio.sleep(0.5)
        stopped_at = time.monotonic()
        await asyncio.to_thread(replica.stop, "immediate")
        await _until(lambda: not _replicas(app).replicas[0].healthy, 5, "replica out")
        out_at = time.monotonic()
        await asyncio.sleep(1.5)
        ready = (await http.get("/health/ready")).json()
        assert ready["status"] == "ok"
        assert ready["checks"][f"replica {_replicas(app).replicas[0].name}"].startswith("unavailable")
        restarted_at = time.monotonic()
        await asyncio.to_thread(replica.start)
        await _until(lambda: _replicas(app).replicas[0].healthy, 10, "replica back")
        await asyncio.sleep(0.5)
    finally:
        stop.set()
        await asyncio.gather(*readers)

    statuses = {status for _, status, _ in answers}
    assert statuses <= {200, 503}, statuses
    unavailable = [(at, response) for at, status, response in answers if status == 503]
    for _, response in unavailable:
        assert response.headers["content-type"] == "application/problem+json"
        assert "retry-after" in response.headers
    # Only the reads already on their way to the replica when it went away fail: the first failure takes it out of
    # rotation, the primary serves the rest, and the replica's return changes nothing a client sees.
    assert all(stopped_at <= at < out_at + 0.5 for at, _ in unavailable), [at - stopped_at for at, _ in unavailable]
    after_stop = [status for at, status, _ in answers if out_at + 0.5 <= at < restarted_at]
    after_return = [status for at, status, _ in answers if at >= restarted_at]
    assert after_stop and set(after_stop) == {200}
    assert after_return and set(after_return) == {200}
    with replica_statements(app) as on_replica:
        assert (await http.get(RECIPES, params={"q": "failover 0", "limit": 77})).status_code == 200
    assert on_replica


def test_wal_positions_parse_as_postgresql_writes_them() -> None:
    assert parse_lsn("0/0") == 0
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert format_lsn(parse_lsn("16/B374D848")) == "16/B374D848"
    for bad in ("", "16", "16/", "/1", "123456789/0", "0x1/2", "1/2 ", "-1/2"):
        with pytest.raises(ValueError, match=f"^{re.escape(bad)}$"):
            parse_lsn(bad)


def test_lag_is_dated_by_the_primary_samples_not_by_the_replica_clock() -> None:
    replicas = Replicas([], lambda: None, max_lag_seconds=5, check_seconds=1)  # type: ignore[arg-type, return-value]
    now = time.monotonic()
    replicas._history.extend([(now - 10, 100), (now - 4, 200), (now - 1, 300)])
    assert replicas.lag_of(300) == 0.0  # has everything: idle primary or not, no lag
    assert 0.9 < replicas.lag_of(250) < 1.5  # missing what the primary was first seen to have 1 s ago
    assert 3.9 < replicas.lag_of(150) < 4.5
    assert 9.9 < replicas.lag_of(0) < 10.5  # a stopped WAL receiver: the lag grows with the primary's clock


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"database_replica_urls": "postgresql://replica/db"}, "postgresql\\+asyncpg"),
        ({"database_url": "sqlite+aiosqlite:///x.db", "database_replica_urls": "postgresql+asyncpg://r/db"}, "SQLite"),
        (
            {
                "database_replica_urls": "postgresql+asyncpg://r/db",
                "replica_check_seconds": 0,
                "cache_lease_seconds": 90,
            },
            "CHECK_SECONDS must be positive",
        ),
        ({"database_replica_urls": "postgresql+asyncpg://r/db", "cache_lease_seconds": 8}, "CACHE_LEASE_SECONDS"),
    ],
)
def test_replica_settings_that_cannot_work_are_refused(
    settings: Settings, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        replace(settings, **changes).validate()
    assert replace(
        settings, database_replica_urls=" postgresql+asyncpg://a/db , postgresql+asyncpg://b/db "
    ).replica_urls == [
        "postgresql+asyncpg://a/db",
        "postgresql+asyncpg://b/db",
    ]


def test_the_contract_documents_the_token_where_it_applies(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    recipes, recipe = document["paths"]["/api/v1/recipes"], document["paths"]["/api/v1/recipes/{recipe_id}"]
    assert TOKEN in recipes["post"]["responses"]["201"]["headers"]
    assert TOKEN in recipe["patch"]["responses"]["200"]["headers"]
    shared = document["components"]["parameters"]

    def names(operation: dict[str, Any]) -> list[str]:  # header parameters are `$ref`s to the shared components
        parameters = operation.get("parameters", [])
        return [shared[p["$ref"].rpartition("/")[2]]["name"] if "$ref" in p else p["name"] for p in parameters]

    for read in (recipes["get"], recipe["get"]):
        assert TOKEN in names(read)
    assert TOKEN not in names(document["paths"]["/api/v1/me"]["get"])
