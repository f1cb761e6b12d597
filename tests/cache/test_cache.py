"""The response cache: hits skip the database, writes are visible at once, in one process and across two."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.factories import comment_payload, recipe_payload
from tests.helpers import Client, asgi_client, count_statements, quick_user, running

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"


@pytest.fixture
async def second_app(settings: Settings) -> AsyncIterator[tuple[Litestar, Client]]:
    """Another API process in all but name: its own engine, pools and memory, the same PostgreSQL and Redis."""
    other = create_app(settings)
    async with running(other) as http:
        yield other, http


async def _create(client: Client, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post(RECIPES, json=recipe_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _cached_get(app: Litestar, client: Client, path: str, **params: Any) -> Any:
    """GET twice; assert the second answer came from the cache (no SQL) and equals the first."""
    first = await client.get(path, params=params)
    with count_statements(app) as statements:
        second = await client.get(path, params=params)
    assert statements == [], f"{path} was not served from the cache"
    assert (first.status_code, first.content) == (second.status_code, second.content)
    return second.json()


async def test_hits_skip_the_database_and_writes_show_at_once(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "cook@example.com")
    recipe = await _create(client, headers, title="Pea soup")
    path = f"{RECIPES}/{recipe['id']}"
    assert (await _cached_get(app, client, path))["title"] == "Pea soup"
    assert [r["title"] for r in (await _cached_get(app, client, RECIPES))["items"]] == ["Pea soup"]

    patched = await client.patch(path, json={"title": "Green pea soup"}, headers=headers)
    assert patched.status_code == 200
    assert (await client.get(path)).json()["title"] == "Green pea soup"
    assert [r["title"] for r in (await client.get(RECIPES)).json()["items"]] == ["Green pea soup"]


async def test_freshness_across_two_api_processes(
    app: Litestar, client: Client, second_app: tuple[Litestar, Client]
) -> None:
    """Write through one process, read through the other, immediately: never the old answer."""
    other_app, other = second_app
    author_id, author = await quick_user(app, "author@example.com", "Author")
    _, fan = await quick_user(app, "fan@example.com", "Fan")
    recipe = await _create(client, author, title="Lentil stew")
    rid = recipe["id"]
    detail, comments = f"{RECIPES}/{rid}", f"{RECIPES}/{rid}/comments"
    profile, users = f"/api/v1/users/{author_id}", "/api/v1/users"

    # Warm the other process's view of everything.
    for path in (detail, RECIPES, comments, profile, users, f"/api/v1/users/{author_id}/recipes"):
        await _cached_get(other_app, other, path)

    # A like through this process shows in the other's detail, list and profile.
    assert (await client.put(f"{detail}/like", headers=fan)).status_code == 200
    assert (await other.get(detail)).json()["like_count"] == 1
    assert (await other.get(RECIPES)).json()["items"][0]["like_count"] == 1
    assert (await other.get(profile)).json()["likes_received"] == 1

    # A comment shows in the comment list and the counters.
    posted = await client.post(comments, json={"body": "Lovely."}, headers=fan)
    assert posted.status_code == 201
    assert [c["body"] for c in (await other.get(comments)).json()["items"]] == ["Lovely."]
    assert (await other.get(detail)).json()["comment_count"] == 1

    # A new display name shows wherever the author appears.
    assert (await client.patch("/api/v1/me", json={"display_name": "Chef"}, headers=author)).status_code == 200
    assert (await other.get(detail)).json()["author"]["display_name"] == "Chef"
    assert [u["display_name"] for u in (await other.get(users)).json()["items"]] == ["Chef", "Fan"]

    # Writes through the other process show here too.
    assert (await other.patch(detail, json={"title": "Red lentil stew"}, headers=author)).status_code == 200
    assert (await client.get(detail)).json()["title"] == "Red lentil stew"

    # Deletion: gone from the detail, the lists and the counts, in both.
    assert (await client.delete(detail, headers=author)).status_code == 204
    assert (await other.get(detail)).status_code == 404
    assert (await other.get(RECIPES)).json()["items"] == []
    assert (await other.get(comments)).status_code == 404
    assert (await other.get(profile)).json()["recipe_count"] == 0


async def test_account_deletion_refreshes_counters_of_other_recipes(
    app: Litestar, client: Client, second_app: tuple[Litestar, Client]
) -> None:
    other_app, other = second_app
    _, author = await quick_user(app, "owner@example.com")
    _, leaver = await quick_user(app, "leaver@example.com")
    rid = (await _create(client, author))["id"]
    await client.put(f"{RECIPES}/{rid}/like", headers=leaver)
    await client.post(f"{RECIPES}/{rid}/comments", json=comment_payload(), headers=leaver)
    warmed = await _cached_get(other_app, other, f"{RECIPES}/{rid}")
    assert (warmed["like_count"], warmed["comment_count"]) == (1, 1)

    deleted = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=leaver)
    assert deleted.status_code == 204
    after = (await other.get(f"{RECIPES}/{rid}")).json()
    assert (after["like_count"], after["comment_count"]) == (0, 0)
    assert (await other.get(f"{RECIPES}/{rid}/comments")).json()["items"] == []


async def test_query_strings_are_normalised_and_private_responses_never_cached(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "q@example.com")
    await _create(client, headers, title="Tomato salad", complexity="easy")
    await client.get(RECIPES, params={"complexity": "easy", "sort": "title"})
    with count_statements(app) as statements:
        reordered = await client.get(f"{RECIPES}?sort=title&complexity=easy")
    assert reordered.status_code == 200
    assert statements == []

    assert (await client.get("/api/v1/me", headers=headers)).headers["cache-control"] == "private, no-store"
    with count_statements(app) as statements:
        await client.get("/api/v1/me", headers=headers)
    assert statements, "/me must never come from the shared cache"


async def test_etag_and_304(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "etag@example.com")
    rid = (await _create(client, headers))["id"]
    first = await client.get(f"{RECIPES}/{rid}")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"] == "public, no-cache"

    not_modified = await client.get(f"{RECIPES}/{rid}", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    # The same representation from the database (cache flushed by a write elsewhere) has the same ETag.
    assert (await client.get(RECIPES)).status_code == 200
    weak = await client.get(f"{RECIPES}/{rid}", headers={"If-None-Match": f'W/{etag}, "other"'})
    assert weak.status_code == 304

    await client.patch(f"{RECIPES}/{rid}", json={"servings": 6}, headers=headers)
    changed = await client.get(f"{RECIPES}/{rid}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_if_match_prevents_lost_updates(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "match@example.com")
    rid = (await _create(client, headers, title="Bread"))["id"]
    etag = (await client.get(f"{RECIPES}/{rid}")).headers["etag"]

    first = await client.patch(f"{RECIPES}/{rid}", json={"title": "Rye bread"}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200
    # A second writer still holding the old copy is refused, and told the current ETag.
    stale = await client.patch(f"{RECIPES}/{rid}", json={"title": "Wheat"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    current = (await client.get(f"{RECIPES}/{rid}")).headers["etag"]
    assert stale.headers["etag"] == current
    assert (await client.get(f"{RECIPES}/{rid}")).json()["title"] == "Rye bread"

    stale_delete = await client.delete(f"{RECIPES}/{rid}", headers={**headers, "If-Match": etag})
    assert stale_delete.status_code == 412
    assert (await client.delete(f"{RECIPES}/{rid}", headers={**headers, "If-Match": current})).status_code == 204


async def _race_conditional_writes(http: Client, headers: dict[str, str], rid: str) -> list[int]:
    """Six writers that all read the same version send their change at once, with that version's ETag."""
    etag = (await http.get(f"{RECIPES}/{rid}")).headers["etag"]
    conditional = {**headers, "If-Match": etag}
    answers = await asyncio.gather(
        *(http.patch(f"{RECIPES}/{rid}", json={"title": f"Version {i}"}, headers=conditional) for i in range(3)),
        *(http.put(f"{RECIPES}/{rid}", json=recipe_payload(title=f"Whole {i}"), headers=conditional) for i in range(3)),
    )
    return sorted(answer.status_code for answer in answers)


async def test_concurrent_conditional_writes_with_one_etag_let_exactly_one_win(app: Litestar, client: Client) -> None:
    # Found by the attack: If-Match was compared before the row lock, so writers holding one version all won.
    _, headers = await quick_user(app, "racer@example.com")
    rid = (await _create(client, headers, title="Bread"))["id"]
    assert await _race_conditional_writes(client, headers, rid) == [200, 412, 412, 412, 412, 412]


async def test_concurrent_conditional_writes_in_the_embedded_mode(tmp_path: Path) -> None:
    embedded = create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'race.sqlite3'}",
            data_dir=str(tmp_path / "data"),
            log_level="WARNING",
        )
    )
    async with embedded.lifespan(), asgi_client(embedded) as http:
        _, headers = await quick_user(embedded, "racer@example.com")
        rid = (await _create(http, headers, title="Bread"))["id"]
        assert await _race_conditional_writes(http, headers, rid) == [200, 412, 412, 412, 412, 412]


async def test_password_hashing_does_not_block_reads(settings: Settings) -> None:
    """While 8 logins hash passwords, cached reads keep answering in well under one hash's time. At the real argon2
    cost (the suite's apps hash at the cheapest, where a hash is shorter than a read)."""
    app = create_app(settings)
    async with running(app) as client:
        await _reads_outpace_logins(app, client)


async def _reads_outpace_logins(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "reader@example.com")
    rid = (await _create(client, headers))["id"]
    await _cached_get(app, client, f"{RECIPES}/{rid}")
    body = {"email": "reader@example.com", "password": "correct horse battery"}

    started = time.perf_counter()
    assert (await client.post("/api/v1/auth/login", json=body)).status_code == 200
    one_login = time.perf_counter() - started

    async def timed_read() -> float:
        begin = time.perf_counter()
        assert (await client.get(f"{RECIPES}/{rid}")).status_code == 200
        return time.perf_counter() - begin

    logins = [asyncio.create_task(client.post("/api/v1/auth/login", json=body)) for _ in range(8)]
    await asyncio.sleep(0)
    reads = []
    while not all(task.done() for task in logins):
        reads.append(await timed_read())
    assert all(r.status_code == 200 for r in await asyncio.gather(*logins))
    assert len(reads) >= 3, "the logins finished before any read could overlap them"
    reads.sort()
    # If hashing ran on the event loop, a read would wait for at least one whole hash.
    assert reads[len(reads) // 2] < one_login / 2, (reads, one_login)


# --- Redis outages -------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_redis(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for the outage tests"
    process = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return process
        time.sleep(0.05)
    process.kill()
    msg = f"redis-server did not start on port {port}"
    raise RuntimeError(msg)


def _redis_command(port: int, *args: str) -> None:
    binary = shutil.which("redis-cli")
    assert binary, "redis-cli is needed for the outage tests"
    subprocess.run([binary, "-p", str(port), *args], check=True, capture_output=True)  # noqa: S603


def _served_for_long(port: int, settings: Settings) -> None:
    """A Redis that has served the cache for long (a new one serves no stamps for one lease time)."""
    _redis_command(port, "SET", f"{settings.redis_key_prefix}:{{gen}}:_born", "0")


def _own_redis(settings: Settings, tmp_path: Path) -> tuple[int, subprocess.Popen[bytes], Settings]:
    """A redis-server of the test's own (no persistence: a restart loses its data), that has served the cache for
    long, and the settings of an API process that uses it."""
    port = _free_port()
    server = _start_redis(port, tmp_path)
    _served_for_long(port, settings)
    return port, server, replace(settings, redis_url=f"redis://127.0.0.1:{port}/0")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


async def test_redis_outage_reads_fail_open_writes_wait_and_caching_resumes(
    app: Litestar, settings: Settings, tmp_path: Path
) -> None:
    """Redis stops under a running API: reads answer from the database; a write whose invalidation cannot be
    recorded is refused (503, Retry-After) and not applied; Redis returns: writes and caching too."""
    _, headers = await quick_user(app, "outage@example.com")
    port, server, shared = _own_redis(settings, tmp_path)
    try:
        outage_app = create_app(shared)
        async with outage_app.lifespan(), asgi_client(outage_app) as http:
            rid = (await _create(http, headers, title="Before"))["id"]
            detail = f"{RECIPES}/{rid}"
            await _cached_get(outage_app, http, detail)

            _stop(server)
            started = time.perf_counter()
            assert (await http.get(detail)).status_code == 200
            assert time.perf_counter() - started < 2, "a dead Redis must not stall reads"
            refused = await http.patch(detail, json={"title": "During"}, headers=headers)
            assert refused.status_code == 503, refused.text
            assert refused.headers["retry-after"].isdigit()
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert (await http.get(detail)).json()["title"] == "Before", "a refused write must not be applied"

            server = _start_redis(port, tmp_path)
            await asyncio.sleep(1.2)  # past the back-off after the last failure
            assert (await http.patch(detail, json={"title": "After"}, headers=headers)).status_code == 200
            assert (await http.get(detail)).json()["title"] == "After"
            await asyncio.sleep(1.1)  # a Redis that lost its data serves no stamps for one lease time
            await _cached_get(outage_app, http, detail)
            assert (await http.get(RECIPES)).json()["items"][0]["title"] == "After"
    finally:
        _stop(server)


@pytest.mark.parametrize(
    ("refuse", "accept"),
    [
        # Full memory with the default `noeviction` policy: reads still answer, writes get OOM.
        (("CONFIG", "SET", "maxmemory", "1"), ("CONFIG", "SET", "maxmemory", "0")),
        # Demoted to a replica (of a primary that is not there): reads answer, writes get READONLY.
        (("REPLICAOF", "127.0.0.1", "9"), ("REPLICAOF", "NO", "ONE")),
    ],
    ids=["out-of-memory", "read-only"],
)
async def test_a_redis_that_refuses_writes_but_answers_reads_never_serves_a_replaced_answer(
    app: Litestar, settings: Settings, tmp_path: Path, refuse: tuple[str, ...], accept: tuple[str, ...]
) -> None:
    """Found by the attack: the write's bump failed (OOM, READONLY), the write still answered 200, and the
    other process kept reading the old generations and serving the entries the write had replaced."""
    _, headers = await quick_user(app, "refused@example.com")
    port, server, shared = _own_redis(settings, tmp_path)
    reader, writer = create_app(shared), create_app(shared)
    try:
        async with reader.lifespan(), writer.lifespan(), asgi_client(reader) as a, asgi_client(writer) as b:
            rid = (await _create(b, headers, title="Before"))["id"]
            detail = f"{RECIPES}/{rid}"
            await _cached_get(reader, a, detail)
            await _cached_get(writer, b, detail)

            _redis_command(port, *refuse)
            refused = await b.patch(detail, json={"title": "During"}, headers=headers)
            assert refused.status_code == 503, refused.text
            assert refused.headers["retry-after"].isdigit()
            for http in (a, b, a, b):
                assert (await http.get(detail)).json()["title"] == "Before"

            _redis_command(port, *accept)
            await asyncio.sleep(1.2)  # past the back-off after the last failure
            assert (await b.patch(detail, json={"title": "After"}, headers=headers)).status_code == 200
            for http in (a, b, a, b):
                assert (await http.get(detail)).json()["title"] == "After"
    finally:
        _stop(server)


async def test_a_write_right_after_redis_returns_is_never_missed_by_another_process(
    app: Litestar, settings: Settings, tmp_path: Path
) -> None:
    """Found under load: a process whose breaker was still open after Redis came back skipped its generation bumps
    while another process was already caching again, so the other served what the write had replaced."""
    _, headers = await quick_user(app, "twoprocs@example.com")
    port, server, shared = _own_redis(settings, tmp_path)
    reader, writer = create_app(shared), create_app(shared)  # two API processes: a breaker each
    try:
        async with reader.lifespan(), writer.lifespan(), asgi_client(reader) as a, asgi_client(writer) as b:
            rid = (await _create(b, headers, title="Before"))["id"]
            detail = f"{RECIPES}/{rid}"
            await _cached_get(reader, a, detail)

            server.kill()  # SIGKILL: no goodbye
            server.wait(timeout=10)
            assert (await b.get(detail)).status_code == 200  # the writer finds Redis dead: its breaker opens
            server = _start_redis(port, tmp_path)  # back, empty, within the writer's back-off
            assert (await a.get(detail)).json()["title"] == "Before"  # the reader caches again at once
            assert (await b.patch(detail, json={"title": "After"}, headers=headers)).status_code == 200
            assert (await a.get(detail)).json()["title"] == "After"
            assert (await a.get(RECIPES)).json()["items"][0]["title"] == "After"
    finally:
        _stop(server)


async def test_no_stale_read_across_two_processes_through_a_redis_kill_and_restart_under_load(
    app: Litestar, settings: Settings, tmp_path: Path
) -> None:
    """A writer PATCHes through one process and reads back through the other while readers keep the cache hot;
    Redis is SIGKILLed and restarted empty in the middle. Every read-back sees its write."""
    _, headers = await quick_user(app, "load@example.com")
    port, server, shared = _own_redis(settings, tmp_path)
    first, second = create_app(shared), create_app(shared)
    stale: list[tuple[int, str]] = []
    statuses: list[int] = []
    try:
        async with first.lifespan(), second.lifespan(), asgi_client(first) as a, asgi_client(second) as b:
            rid = (await _create(b, headers, title="Version 0"))["id"]
            detail = f"{RECIPES}/{rid}"
            done = asyncio.Event()

            async def reader(http: Client) -> None:
                while not done.is_set():
                    statuses.append((await http.get(detail)).status_code)
                    await asyncio.sleep(0.005)

            async def writer() -> None:
                for n in range(1, 10_000):
                    if done.is_set():
                        return
                    write, read = (b, a) if n % 2 else (a, b)
                    patched = await write.patch(detail, json={"title": f"Version {n}"}, headers=headers)
                    statuses.append(patched.status_code)
                    if patched.status_code != 200:
                        continue
                    seen = (await read.get(detail)).json()["title"]
                    if seen != f"Version {n}":
                        stale.append((n, seen))

            async def outage() -> None:
                nonlocal server
                await asyncio.sleep(1.0)
                server.kill()
                server.wait(timeout=10)
                await asyncio.sleep(1.5)
                server = _start_redis(port, tmp_path)
                await asyncio.sleep(3.0)
                done.set()

            await asyncio.gather(reader(a), reader(b), writer(), outage())
    finally:
        _stop(server)
    assert stale == []
    assert set(statuses) <= {200, 503}, set(statuses)
    assert statuses.count(200) > 20


async def test_concurrent_misses_of_one_key_query_the_database_once(
    app: Litestar, client: Client, settings: Settings
) -> None:
    """A stampede: twenty requests miss one cold key while its query is slow; PostgreSQL is asked once."""
    _, headers = await quick_user(app, "stampede@example.com")
    for n in range(3):
        await _create(client, headers, title=f"Dish {n}")
    await client.get(f"{RECIPES}?limit=6")  # the process reads the planner's statistics once (listing.py)
    with count_statements(app) as one_miss:
        alone = await client.get(f"{RECIPES}?limit=7")
    assert one_miss, "a miss reads the database"
    # The list query waits behind a lock held here: every request misses before the first one can answer.
    locker = await asyncpg.connect(settings.database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("LOCK TABLE recipe IN ACCESS EXCLUSIVE MODE")
        with count_statements(app) as stampede:
            pending = asyncio.gather(*(client.get(f"{RECIPES}?limit=8") for _ in range(20)))
            await asyncio.sleep(0.5)
            await transaction.rollback()
            answers = await pending
    finally:
        await locker.close()
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.headers["etag"] for answer in answers}) == 1
    assert answers[0].json()["items"] == alone.json()["items"]
    assert len(stampede) == len(one_miss), (len(stampede), len(one_miss))


_SLOW_COMMITS = """
CREATE OR REPLACE FUNCTION chopchop_test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.title LIKE 'slow-%' THEN PERFORM pg_sleep(2); END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER chopchop_test_slow_commit AFTER UPDATE ON recipe
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION chopchop_test_slow_commit();
"""


async def test_a_write_whose_release_never_comes_is_never_served_stale_and_caching_comes_back(
    app: Litestar, settings: Settings, tmp_path: Path
) -> None:
    """Found by the second attack. (1) Redis restarted empty while a write committed (its lease lost) and stalled
    at the release: reads between the restart and the commit had cached the old row, and the write still
    answered 200. (2) A release that never came left a lease count that later writes kept alive: caching of the
    tag stayed off for as long as writes kept coming."""
    _, headers = await quick_user(app, "slowcommit@example.com")
    port, server, shared = _own_redis(settings, tmp_path)
    shared = replace(shared, cache_lease_seconds=4)
    reader, writer = create_app(shared), create_app(shared)
    dsn = settings.database_url.replace("postgresql+asyncpg", "postgresql")
    admin = await asyncpg.connect(dsn)
    await admin.execute(_SLOW_COMMITS)
    try:
        async with reader.lifespan(), writer.lifespan(), asgi_client(reader) as a, asgi_client(writer) as b:
            rid = (await _create(b, headers, title="Before"))["id"]
            detail = f"{RECIPES}/{rid}"
            await _cached_get(reader, a, detail)

            # (1) The lease is lost in a restart during the commit; the release meets a frozen Redis.
            patching = asyncio.create_task(b.patch(detail, json={"title": "slow-1"}, headers=headers))
            await asyncio.sleep(0.5)  # leased, now committing (2 s)
            server.kill()
            server.wait(timeout=10)
            server = _start_redis(port, tmp_path)
            for _ in range(5):  # reads while the write is not complete: either answer is right, none may stick
                await a.get(detail)
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.9)  # the commit ends about 2 s after it started
            os.kill(server.pid, signal.SIGSTOP)  # the release waits for its timeout, then gives up
            try:
                assert (await patching).status_code == 200
            finally:
                os.kill(server.pid, signal.SIGCONT)
            deadline = time.monotonic() + 6  # past the restart window of one lease time
            while time.monotonic() < deadline:
                for http in (a, b):
                    assert (await http.get(detail)).json()["title"] == "slow-1"
                await asyncio.sleep(0.1)

            # (2) A release that never comes: its lease ends at its own deadline, whatever writes follow.
            patching = asyncio.create_task(b.patch(detail, json={"title": "slow-2"}, headers=headers))
            await asyncio.sleep(0.5)
            os.kill(server.pid, signal.SIGSTOP)
            try:
                assert (await patching).status_code == 200
            finally:
                os.kill(server.pid, signal.SIGCONT)
            await asyncio.sleep(1.2)  # past the back-off after the release's failure
            for n in range(10):  # writes keep coming for longer than the lease
                title = f"Version {n}"
                assert (await b.patch(detail, json={"title": title}, headers=headers)).status_code == 200
                assert (await a.get(detail)).json()["title"] == title
                await asyncio.sleep(0.4)
            await _cached_get(reader, a, detail)
    finally:
        await admin.execute(
            "DROP TRIGGER IF EXISTS chopchop_test_slow_commit ON recipe; "
            "DROP FUNCTION IF EXISTS chopchop_test_slow_commit()"
        )
        await admin.close()
        _stop(server)
