"""Cursor (keyset) paging through HTTP: every list walked to its end by ``next_cursor`` and back by ``prev_cursor``
matches the offset order; walks stay exact while rows come and go; bad cursors are 400 problems."""

from __future__ import annotations

import asyncio
import base64
import itertools
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar import Litestar
from sqlalchemy import delete

from chopchop.app import create_app
from chopchop.db import Recipe
from chopchop.db.recipes import UNRATED_SCORE
from chopchop.lib import cursors
from chopchop.lib.cursors import CursorScope, cursor_key, encode_cursor
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import Client, asgi_client, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
BASE = "http://testserver.local"
SORTS = ["newest", "most_liked", "most_commented", "title", "quickest", "rating"]
NO_CACHE = {"Cache-Control": "no-cache"}
T0 = datetime(2026, 1, 1, tzinfo=UTC)
_serial = itertools.count()


def rels(value: str | None) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', value or "")}


async def add_recipes(app: Litestar, author_id: str, count: int, **fixed: Any) -> list[str]:
    """Recipe rows straight in the database, with many ties: titles, counts, minutes and creation times repeat."""
    ids: list[str] = []
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        for _ in range(count):
            i = next(_serial)
            values: dict[str, Any] = {
                "title": f"{['Soup', 'Stew', 'Pie'][i % 3]} {i % 4}",
                "created_at": T0 + timedelta(minutes=i % 5),
                "like_count": i % 3,
                "comment_count": i % 2,
                "total_minutes": 10 + i % 4,
                "rating_score": UNRATED_SCORE + 100_000 * (i % 3),
                **fixed,
            }
            recipe = Recipe(
                author_id=uuid.UUID(author_id),
                description="",
                complexity="easy" if i % 2 else "hard",
                servings=2,
                prep_minutes=5,
                cook_minutes=values["total_minutes"] - 5,
                steps=["Cook."],
                search_text=values["title"],
                updated_at=values["created_at"],
                **values,
            )
            session.add(recipe)
            await session.flush()
            ids.append(str(recipe.id))
        await session.commit()
    return ids


def item_id(item: dict[str, Any]) -> str:
    return str(item["recipe"]["id"] if "recipe" in item else item["id"])


async def get_page(client: Client, path: str, params: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    links = rels(response.headers.get("link"))
    for rel in ("next", "prev"):
        assert all(url.startswith(BASE) for url in links.values())
        if params.get("cursor"):
            # A cursor page links by cursor, the same cursors as its body.
            cursor = body[f"{rel}_cursor"]
            if cursor is None:
                assert rel not in links
            else:
                query = parse_qs(urlsplit(links[rel]).query)
                assert query["cursor"] == [cursor]
                assert "offset" not in query
    return body


async def walk(client: Client, path: str, params: dict[str, Any], limit: int) -> tuple[list[str], list[str]]:
    """The ids walked forward from the first page by next_cursor, then backward from the last page by prev_cursor
    (in list order)."""
    body = await get_page(client, path, {**params, "limit": limit}, **NO_CACHE)
    forward = [item_id(item) for item in body["items"]]
    total = body["total"]
    while body["next_cursor"]:
        body = await get_page(client, path, {**params, "limit": limit, "cursor": body["next_cursor"]}, **NO_CACHE)
        assert body["offset"] == 0
        assert body["total"] == total, "a cursor page reports the list's total, as the first page does"
        assert len(body["items"]) <= limit
        forward += [item_id(item) for item in body["items"]]
    backward: list[str] = []
    while body["prev_cursor"]:
        body = await get_page(client, path, {**params, "limit": limit, "cursor": body["prev_cursor"]}, **NO_CACHE)
        backward = [item_id(item) for item in body["items"]] + backward
    return forward, backward


async def offset_order(client: Client, path: str, params: dict[str, Any]) -> list[str]:
    body = await get_page(client, path, {**params, "limit": 100}, **NO_CACHE)
    assert body["next_cursor"] is None
    return [item_id(item) for item in body["items"]]


async def check_walk(client: Client, path: str, params: dict[str, Any], limit: int = 4) -> list[str]:
    expected = await offset_order(client, path, params)
    forward, backward = await walk(client, path, params, limit)
    assert forward == expected
    assert len(set(forward)) == len(forward)
    last_page = len(expected) % limit or limit
    assert backward == expected[:-last_page]
    return expected


async def test_every_recipe_sort_walks_by_cursor_like_the_offset_order(client: Client, app: Litestar) -> None:
    author, _ = await quick_user(app, "ada@example.com", "Ada")
    other, _ = await quick_user(app, "bob@example.com", "Bob")
    await add_recipes(app, author, 19)
    await add_recipes(app, other, 6)
    for sort in SORTS:
        assert len(await check_walk(client, RECIPES, {"sort": sort})) == 25
        # With filters (the author's, a complexity, full-text search): the same order, from their own cursors.
        assert len(await check_walk(client, RECIPES, {"sort": sort, "author": author}, limit=3)) == 19
        await check_walk(client, RECIPES, {"sort": sort, "complexity": "hard", "q": "soup"}, limit=2)
        await check_walk(client, f"/api/v1/users/{author}/recipes", {"sort": sort}, limit=5)


async def test_comments_users_and_likes_walk_by_cursor(client: Client, app: Litestar) -> None:
    cooks = [await quick_user(app, f"cook{i}@example.com", f"Cook {i % 3}") for i in range(11)]
    # Upper and lower case names: the order (and the cursor) is the database's lower-casing.
    cooks.append(await quick_user(app, "upper@example.com", "COOK 1"))
    author, author_headers = cooks[0]
    recipes = await add_recipes(app, author, 9)
    for i, (_, headers) in enumerate(cooks):
        comment = await client.post(f"{RECIPES}/{recipes[0]}/comments", json={"body": f"Nice {i}"}, headers=headers)
        assert comment.status_code == 201, comment.text
    for recipe in recipes:
        liked = await client.put(f"{RECIPES}/{recipe}/like", headers=author_headers)
        assert liked.status_code == 200, liked.text
    assert len(await check_walk(client, f"{RECIPES}/{recipes[0]}/comments", {})) == 12
    assert len(await check_walk(client, "/api/v1/users", {}, limit=5)) == 12
    assert len(await check_walk(client, "/api/v1/users", {"q": "cook 1"}, limit=2)) == 5
    assert len(await check_walk(client, f"/api/v1/users/{author}/likes", {}, limit=2)) == 9
    # Cursor pages keep the list's total.
    first = await get_page(client, "/api/v1/users", {"limit": 5})
    second = await get_page(client, "/api/v1/users", {"limit": 5, "cursor": first["next_cursor"]})
    assert second["total"] == first["total"] == 12


@pytest.mark.parametrize("sort", ["newest", "title"])
async def test_walks_are_stable_while_recipes_come_and_go(client: Client, app: Litestar, sort: str) -> None:
    """Rows inserted before and after the position and rows deleted, between pages and during them: nothing is
    returned twice, nothing that existed for the whole walk is skipped, and the order is kept."""
    author, _ = await quick_user(app, "ada@example.com", "Ada")
    initial = set(await add_recipes(app, author, 30))
    deleted: set[str] = set()
    db = app.plugins.get(ChopchopPlugin).db_config

    async def churn(step: int) -> None:
        # Newer and older rows, titles at both ends, and one row that was there from the start goes.
        await add_recipes(app, author, 1, created_at=T0 + timedelta(days=1), title=f"Aaa {step}")
        await add_recipes(app, author, 1, created_at=T0 - timedelta(days=1), title=f"Zzz {step}")
        victim = sorted(initial - deleted)[step % 7]
        deleted.add(victim)
        async with db.get_session() as session:
            await session.execute(delete(Recipe).where(Recipe.id == uuid.UUID(victim)))
            await session.commit()

    seen: list[str] = []
    body = await get_page(client, RECIPES, {"sort": sort, "limit": 4}, **NO_CACHE)
    seen += [item["id"] for item in body["items"]]
    step = 0
    while body["next_cursor"]:
        step += 1
        await churn(step)
        params = {"sort": sort, "limit": 4, "cursor": body["next_cursor"]}
        # The next page is read while rows change under it.
        body, _ = await asyncio.gather(get_page(client, RECIPES, params, **NO_CACHE), churn(100 + step))
        seen += [item["id"] for item in body["items"]]
    assert len(seen) == len(set(seen)), "a row came back twice"
    assert (initial - deleted) <= set(seen), "a row that existed for the whole walk was skipped"
    # What was seen is in the list's order (the current order, restricted to the survivors seen).
    current = await offset_order(client, RECIPES, {"sort": sort})
    survivors = [i for i in seen if i in set(current)]
    assert survivors == [i for i in current if i in set(survivors)]


def cursor_of(settings: Settings, scope: CursorScope, keys: tuple[Any, ...], *, backward: bool = False) -> str:
    return encode_cursor(cursor_key(settings.jwt_secret or ""), scope, keys, backward=backward)


async def test_bad_cursors_are_400_problems(client: Client, app: Litestar, settings: Settings) -> None:
    author, _ = await quick_user(app, "ada@example.com", "Ada")
    await quick_user(app, "bob@example.com", "Bob")
    await add_recipes(app, author, 5)
    first = await get_page(client, RECIPES, {"limit": 2})
    good: str = first["next_cursor"]
    raw = base64.urlsafe_b64decode(good + "=" * (-len(good) % 4))
    flipped = bytearray(raw)
    flipped[len(flipped) // 2] ^= 1
    other_key = encode_cursor(b"k" * 32, CursorScope.of("recipes", Any), (T0, uuid.uuid4()), backward=False)
    old_version = cursors.CURSOR_VERSION
    cursors.CURSOR_VERSION = 0
    try:
        wrong_version = cursor_of(settings, CursorScope.of("recipes", Any), (T0, uuid.uuid4()))
    finally:
        cursors.CURSOR_VERSION = old_version
    bad = {
        "garbage": "not a cursor!",
        "empty": "",
        "truncated": good[:-3],
        "one more character": good + "A",
        "non-ASCII": good[:-1] + "é",
        "too long": "A" * 5000,
        "tampered": base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("="),
        "padded": good + "=" * (-len(good) % 4 or 4),
        "NUL": good + "\x00",
        "another deployment's key": other_key,
        "an older version": wrong_version,
        "random bytes": base64.urlsafe_b64encode(bytes(range(40))).decode().rstrip("="),
    }
    for name, cursor in bad.items():
        response = await client.get(RECIPES, params={"limit": 2, "cursor": cursor})
        assert response.status_code == 400, (name, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), name
    mismatched = {
        "another sort": {"sort": "title"},
        "other filters": {"complexity": "easy"},
        "another search": {"q": "soup"},
    }
    for name, params in mismatched.items():
        response = await client.get(RECIPES, params={"limit": 2, "cursor": good, **params})
        assert response.status_code == 400, (name, response.text)
        assert response.json()["type"].endswith("cursor-mismatch"), name
        assert "start again without `cursor`" in response.json()["detail"]
    # Another list's cursor, well signed: refused too.
    users = await get_page(client, "/api/v1/users", {"limit": 1})
    assert users["next_cursor"]
    for path, cursor in [(RECIPES, users["next_cursor"]), (f"/api/v1/users/{author}/recipes", good)]:
        response = await client.get(path, params={"cursor": cursor})
        assert response.status_code == 400, response.text
        assert response.json()["type"].endswith("cursor-mismatch")
    # Keys that do not fit the sort (a signed cursor with a title where a time belongs).
    odd = cursor_of(settings, CursorScope.of("recipes", Any, "newest", _filters()), ("Soup", uuid.uuid4()))
    response = await client.get(RECIPES, params={"cursor": odd})
    assert response.status_code == 400, response.text
    response = await client.get(RECIPES, params={"cursor": good, "offset": 2})
    assert response.status_code == 400
    assert response.json()["type"].endswith("cursor-with-offset")


def _filters() -> Any:
    from chopchop.domain.recipes.schemas import RecipeFilters

    return RecipeFilters()


async def test_cursor_pages_are_cached_by_cursor_with_public_links(client: Client, app: Litestar) -> None:
    """Each cursor is its own cache entry (page 2 is never served as page 3), a write shows on cached cursor pages
    at once, and links never follow the Host."""
    author, _ = await quick_user(app, "ada@example.com", "Ada")
    for i in range(7):
        await add_recipes(app, author, 1, title=f"Dish {i:02}")
    params: dict[str, Any] = {"limit": 2, "sort": "title"}
    first = await get_page(client, RECIPES, params)
    hostile = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    pages = []
    cursor = first["next_cursor"]
    while cursor:
        response = await client.get(RECIPES, params={**params, "cursor": cursor}, headers=hostile)
        assert response.status_code == 200
        assert "evil" not in response.headers.get("link", "")
        assert all(url.startswith(BASE) for url in rels(response.headers.get("link")).values())
        body = response.json()
        pages.append([item["title"] for item in body["items"]])
        cursor = body["next_cursor"]
    assert pages == [["Dish 02", "Dish 03"], ["Dish 04", "Dish 05"], ["Dish 06"]]
    # Read again (now from the cache): the same pages, each its own.
    cursor, again = first["next_cursor"], []
    while cursor:
        body = await get_page(client, RECIPES, {**params, "cursor": cursor})
        again.append([item["title"] for item in body["items"]])
        cursor = body["next_cursor"]
    assert again == pages
    # A recipe created through the API shows on the cached cursor page it belongs to.
    _, headers = await quick_user(app, "bob@example.com", "Bob")
    created = await client.post(RECIPES, json=recipe_payload(title="Dish 01a"), headers=headers)
    assert created.status_code == 201, created.text
    body = await get_page(client, RECIPES, {**params, "cursor": first["next_cursor"]})
    assert [item["title"] for item in body["items"]] == ["Dish 01a", "Dish 02"]


async def test_embedded_mode_walks_every_sort_by_cursor(tmp_path: Path) -> None:
    """SQLite (the embedded mode) answers cursor pages with its own statements: the same walks, both ways."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        mail_outbox_dir=str(tmp_path / "outbox"),
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
        public_base_url=BASE,
    )
    app = create_app(settings)
    async with app.lifespan(), asgi_client(app) as http:
        author, _ = await quick_user(app, "ada@example.com", "Ada")
        for i in range(4):
            await quick_user(app, f"cook{i}@example.com", f"Cook {i % 2}")
        await add_recipes(app, author, 13)
        for sort in SORTS:
            assert len(await check_walk(http, RECIPES, {"sort": sort})) == 13
            await check_walk(http, RECIPES, {"sort": sort, "q": "soup", "complexity": "hard"}, limit=2)
            await check_walk(http, f"/api/v1/users/{author}/recipes", {"sort": sort}, limit=5)
        assert len(await check_walk(http, "/api/v1/users", {}, limit=2)) == 5
