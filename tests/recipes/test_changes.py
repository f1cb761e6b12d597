"""The recipe change feed over HTTP: order, tombstones, resuming, transactions that commit out of order, retention,
hostile cursors and page bounds."""

from __future__ import annotations

import asyncio
import base64
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from sqlalchemy import update

from chopchop.app import create_app
from chopchop.db import RecipeChange as RecipeChangeRow
from chopchop.domain.recipes.jobs import prune_recipe_changes
from chopchop.lib.keys import derive_key
from chopchop.lib.signed_positions import CursorCodec
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import Client, asgi_client, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
CHANGES = "/api/v1/recipes/changes"
PROBLEM = "application/problem+json"


async def create(client: Client, headers: dict[str, str], title: str) -> str:
    response = await client.post(RECIPES, json=recipe_payload(title=title), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def poll(client: Client, since: str | None = None, limit: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if since is not None:
        params["since"] = since
    if limit is not None:
        params["limit"] = limit
    response = await client.get(CHANGES, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["link"].endswith(f'since={body["next_cursor"]}>; rel="next"')
    assert response.headers["cache-control"] == "private, no-store"
    return body


def seen(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["kind"], item["recipe_id"]) for item in body["items"]]


async def drain(client: Client, since: str | None, *, limit: int = 100) -> tuple[list[dict[str, Any]], str]:
    """Every entry after ``since``, page after page, and the cursor to poll again."""
    items: list[dict[str, Any]] = []
    while True:
        body = await poll(client, since, limit)
        items += body["items"]
        since = body["next_cursor"]
        if not body["has_more"]:
            return items, since


async def settle(client: Client, since: str | None, count: int, *, limit: int = 100) -> list[dict[str, Any]]:
    """Every entry after ``since`` once there are ``count`` of them. The feed shows a transaction's changes once
    every transaction that started before it (on the whole server: other databases' too) has ended, usually at
    once; tests on a shared server wait for it."""
    for _ in range(600):
        items, _cursor = await drain(client, since, limit=limit)
        if len(items) >= count:
            return items
        await asyncio.sleep(0.05)
    msg = f"{count} entries never came after {since}"
    raise AssertionError(msg)


async def test_creates_updates_and_deletes_come_in_order_each_recipe_once_with_tombstones(
    client: Client, app: Litestar
) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    soup = await create(client, ada, "Soup")
    stew = await create(client, ada, "Stew")

    await settle(client, None, 2)
    first = await poll(client)
    assert seen(first) == [("created", soup), ("created", stew)]
    assert first["has_more"] is False
    assert first["items"][0]["recipe"]["title"] == "Soup"
    assert first["items"][0]["recipe"]["author"]["display_name"] == "Ada"
    cursor = first["next_cursor"]
    assert cursor == first["items"][-1]["cursor"]

    # Nothing new: says so, and gives the same cursor back.
    idle = await poll(client, cursor)
    assert idle == {"items": [], "next_cursor": cursor, "has_more": False}

    # Likes and comments move counters: not changes (they would come before the PATCH that follows).
    assert (await client.put(f"{RECIPES}/{stew}/like", headers=bob)).status_code == 200
    comment = await client.post(f"{RECIPES}/{stew}/comments", json={"body": "Lovely."}, headers=bob)
    assert comment.status_code == 201, comment.text
    assert (await client.put(f"{RECIPES}/{soup}/like", headers=bob)).status_code == 200
    patched = await client.patch(f"{RECIPES}/{soup}", json={"title": "Better soup"}, headers=ada)
    assert patched.status_code == 200, patched.text
    assert [(i["kind"], i["recipe_id"]) for i in await settle(client, cursor, 1)] == [("updated", soup)]

    assert (await client.delete(f"{RECIPES}/{stew}", headers=ada)).status_code == 204
    curry = await create(client, ada, "Curry")

    await settle(client, cursor, 3)
    after = await poll(client, cursor)
    assert seen(after) == [("updated", soup), ("deleted", stew), ("created", curry)]
    updated, tombstone, _ = after["items"]
    assert updated["recipe"]["title"] == "Better soup"
    assert updated["recipe"]["like_count"] == 1  # the counters as they are now
    assert "recipe" not in tombstone  # only the id
    assert datetime.fromisoformat(tombstone["changed_at"]) > datetime.fromisoformat(updated["changed_at"])

    # From the start: each recipe once, in its latest state, the deleted one as its tombstone.
    whole = await poll(client)
    assert seen(whole) == [("updated", soup), ("deleted", stew), ("created", curry)]

    # Resuming from an entry's own cursor gives only what came after it.
    assert seen(await poll(client, updated["cursor"])) == [("deleted", stew), ("created", curry)]


async def test_a_replaced_recipe_is_updated_and_the_client_ends_with_its_final_state(
    client: Client, app: Litestar
) -> None:
    _, ada = await quick_user(app, "ada@example.com")
    soup = await create(client, ada, "Soup")
    cursor = (await settle(client, None, 1))[-1]["cursor"]
    for title in ("Soup 2", "Soup 3"):
        body = recipe_payload(title=title)
        assert (await client.put(f"{RECIPES}/{soup}", json=body, headers=ada)).status_code == 200
    await settle(client, cursor, 1)
    body = await poll(client, cursor)
    assert seen(body) == [("updated", soup)]
    assert body["items"][0]["recipe"]["title"] == "Soup 3"


async def test_deleting_an_account_leaves_a_tombstone_for_each_of_its_recipes(client: Client, app: Litestar) -> None:
    _, ada = await quick_user(app, "ada@example.com")
    _, bob = await quick_user(app, "bob@example.com")
    mine = [await create(client, ada, f"Ada's {n}") for n in range(3)]
    kept = await create(client, bob, "Bob's")
    cursor = (await settle(client, None, 4))[-1]["cursor"]

    deleted = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=ada)
    assert deleted.status_code == 204, deleted.text

    await settle(client, cursor, 3)
    body = await poll(client, cursor)
    assert sorted(seen(body)) == sorted(("deleted", recipe_id) for recipe_id in mine)
    assert kept not in {recipe_id for _, recipe_id in seen(await poll(client)) if _ == "deleted"}


async def test_pages_follow_one_another_and_limits_are_bounded(
    client: Client, app: Litestar, settings: Settings
) -> None:
    _, ada = await quick_user(app, "ada@example.com")
    ids = [await create(client, ada, f"Dish {n}") for n in range(5)]
    await settle(client, None, 5)
    first = await poll(client, limit=2)
    assert [item["recipe_id"] for item in first["items"]] == ids[:2]
    assert first["has_more"] is True
    link = (await client.get(CHANGES, params={"limit": 2})).headers["link"]
    base = settings.public_base_url.rstrip("/")
    assert link == f'<{base}{CHANGES}?limit=2&since={first["next_cursor"]}>; rel="next"'
    items, _ = await drain(client, first["next_cursor"], limit=2)
    assert [item["recipe_id"] for item in items] == ids[2:]

    for limit in ("0", "-1", "1001", "99999999999999999999", "ten", ""):
        response = await client.get(CHANGES, params={"limit": limit})
        assert response.status_code == 400, (limit, response.text)
        assert response.headers["content-type"] == PROBLEM
    assert len((await poll(client, limit=1000))["items"]) == 5


async def test_hostile_cursors_are_400_problems(client: Client, app: Litestar, settings: Settings) -> None:
    _, ada = await quick_user(app, "ada@example.com")
    await create(client, ada, "Soup")
    good = (await settle(client, None, 1))[-1]["cursor"]
    raw = base64.urlsafe_b64decode(good + "=" * (-len(good) % 4))
    tampered = bytearray(raw)
    tampered[8] ^= 1  # another position, same MAC
    other_purpose = CursorCodec(derive_key(settings.jwt_secret, "something-else"), version=1, fields=2)
    other_secret = CursorCodec(derive_key("another secret entirely", "recipe-changes"), version=1, fields=2)
    hostile = [
        "",
        "x",
        "garbage!",
        good[:-1],
        good + "A",
        good + "=",
        good[:-1] + ("B" if good[-1] == "A" else "A"),  # the last character's unused bits differ
        base64.urlsafe_b64encode(bytes(tampered)).decode().rstrip("="),
        other_purpose.encode(0, 1),
        other_secret.encode(0, 1),
        "é" * 44,
        "\x00" * 44,
        "A" * 44,
        "%" * 44,
        "A" * 10_000,
    ]
    for since in hostile:
        response = await client.get(CHANGES, params={"since": since})
        assert response.status_code == 400, (since[:50], response.text)
        assert response.headers["content-type"] == PROBLEM
    forged = await client.get(CHANGES, params={"since": other_secret.encode(0, 1)})
    assert forged.json()["type"].endswith("/invalid-cursor")
    repeated = await client.get(f"{CHANGES}?since={good}&since={good}")
    assert repeated.status_code == 400
    assert (await client.get(CHANGES, params={"since": good})).status_code == 200


async def test_a_change_whose_transaction_commits_late_is_never_skipped(
    client: Client, app: Litestar, database_url: str
) -> None:
    """A transaction that took its sequence number first but commits last: the naive ``seq > since`` poller reads
    the later one, moves its cursor past the held one's number and never sees it."""
    author_id, ada = await quick_user(app, "ada@example.com")
    await create(client, ada, "Before")
    cursor = (await settle(client, None, 1))[-1]["cursor"]

    held = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        transaction = held.transaction()
        await transaction.start()
        late = await insert_raw(held, author_id, "Held")
        quick = await create(client, ada, "Quick")  # numbered after the held one, committed first

        # While the held transaction runs, the poller is shown nothing after it (not even the committed one).
        await asyncio.sleep(0.2)
        body = await poll(client, cursor)
        assert body["items"] == []
        assert body["next_cursor"] == cursor

        await transaction.commit()
    finally:
        await held.close()
    items = await eventually(client, cursor, {late, quick})
    assert [(item["kind"], item["recipe_id"]) for item in items] == [("created", late), ("created", quick)]


async def test_many_writers_committing_out_of_order_lose_nothing(
    client: Client, app: Litestar, database_url: str
) -> None:
    author_id, _ = await quick_user(app, "ada@example.com")
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    rng = random.Random(15)  # noqa: S311 - commit delays, not secrets
    written: set[str] = set()
    collected: list[dict[str, Any]] = []
    cursor: str | None = None
    done = asyncio.Event()

    async def writer(n: int) -> None:
        connection = await asyncpg.connect(dsn)
        try:
            for round_ in range(4):
                async with connection.transaction():
                    recipe_id = await insert_raw(connection, author_id, f"W{n}.{round_}")
                    await asyncio.sleep(rng.random() * 0.15)  # commit after others that numbered later
                written.add(recipe_id)
        finally:
            await connection.close()

    async def poller() -> None:
        nonlocal cursor
        while not done.is_set():
            items, cursor = await drain(client, cursor, limit=7)
            collected.extend(items)
            await asyncio.sleep(0.01)

    polling = asyncio.create_task(poller())
    await asyncio.gather(*(writer(n) for n in range(8)))
    done.set()
    await polling
    collected += await eventually(client, cursor, written - {item["recipe_id"] for item in collected})
    ids = [item["recipe_id"] for item in collected]
    assert len(ids) == len(set(ids)) == 32  # every change once: none lost, none repeated
    assert set(ids) == written


async def test_pruned_tombstones_make_older_cursors_gone(client: Client, app: Litestar, database_url: str) -> None:
    _, ada = await quick_user(app, "ada@example.com")
    soup = await create(client, ada, "Soup")
    stew = await create(client, ada, "Stew")
    old_cursor = (await settle(client, None, 2))[-1]["cursor"]
    assert (await client.delete(f"{RECIPES}/{stew}", headers=ada)).status_code == 204
    current = (await settle(client, old_cursor, 1))[-1]["cursor"]

    plugin = app.plugins.get(ChopchopPlugin)
    await prune_recipe_changes(plugin.job_context)  # a fresh tombstone is kept
    assert seen(await poll(client, old_cursor)) == [("deleted", stew)]

    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:  # the tombstone ages past the window
        await connection.execute(
            "UPDATE recipe_change SET changed_at = now() - interval '31 days' WHERE kind = 'deleted'"
        )
    finally:
        await connection.close()
    await prune_recipe_changes(plugin.job_context)

    gone = await client.get(CHANGES, params={"since": old_cursor})
    assert gone.status_code == 410, gone.text
    assert gone.headers["content-type"] == PROBLEM
    assert gone.json()["type"].endswith("/cursor-expired")
    # A client that had seen the deletion goes on; one that starts afresh gets every live recipe.
    assert (await poll(client, current))["items"] == []
    assert seen(await poll(client)) == [("created", soup)]


async def test_the_embedded_sqlite_feed_orders_and_tombstones_cascades(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
    )
    app = create_app(settings)
    async with app.lifespan(), asgi_client(app) as http:
        _, ada = await quick_user(app, "ada@example.com")
        _, bob = await quick_user(app, "bob@example.com")
        soup = await create(http, ada, "Soup")
        stew = await create(http, bob, "Stew")
        cursor = (await poll(http))["next_cursor"]
        # The newest entry is replaced by a newer one: its number must not come back (AUTOINCREMENT).
        assert (await http.patch(f"{RECIPES}/{stew}", json={"title": "Stew 2"}, headers=bob)).status_code == 200
        assert seen(await poll(http, cursor)) == [("updated", stew)]
        gone = await http.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=ada)
        assert gone.status_code == 204, gone.text
        body = await poll(http, cursor)
        assert seen(body) == [("updated", stew), ("deleted", soup)]
        assert datetime.fromisoformat(body["items"][1]["changed_at"]) > datetime.now(UTC) - timedelta(minutes=1)

        # Retention: the tombstone ages past the window and is pruned; the cursor before it is gone.
        plugin = app.plugins.get(ChopchopPlugin)
        async with plugin.db_config.get_session() as session:
            aged = datetime.now(UTC) - timedelta(days=settings.change_retention_days + 1)
            await session.execute(
                update(RecipeChangeRow).where(RecipeChangeRow.kind == "deleted").values(changed_at=aged)
            )
            await session.commit()
        await prune_recipe_changes(plugin.job_context)
        gone = await http.get(CHANGES, params={"since": cursor})
        assert gone.status_code == 410, gone.text
        assert gone.headers["content-type"] == PROBLEM
        assert seen(await poll(http, body["next_cursor"])) == []
        assert seen(await poll(http)) == [("updated", stew)]


async def insert_raw(connection: asyncpg.Connection, author_id: str, title: str) -> str:
    """A recipe written by another client in its own transaction (the trigger records it whoever writes)."""
    recipe_id = uuid.uuid4()
    await connection.execute(
        """INSERT INTO recipe (id, author_id, title, description, complexity, servings, prep_minutes, cook_minutes,
                               total_minutes, steps, like_count, comment_count, search_text, created_at, updated_at)
           VALUES ($1, $2, $3, '', 'easy', 2, 5, 10, 15, '["Cook."]', 0, 0, $4, now(), now())""",
        recipe_id,
        uuid.UUID(author_id),
        title,
        title,
    )
    return str(recipe_id)


async def eventually(client: Client, cursor: str | None, wanted: set[str]) -> list[dict[str, Any]]:
    """Poll until ``wanted`` came (transactions of other databases on the server may hold the horizon a while)."""
    items: list[dict[str, Any]] = []
    for _ in range(300):
        more, cursor = await drain(client, cursor)
        items += more
        if wanted <= {item["recipe_id"] for item in items}:
            return items
        await asyncio.sleep(0.1)
    msg = f"still missing {wanted - {item['recipe_id'] for item in items}}"
    raise AssertionError(msg)
