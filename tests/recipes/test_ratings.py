"""Ratings through HTTP: 1 to 5 stars per user and recipe, exact counters under concurrent writers, the rating sort
with offset and cursor paging, and cached lists and details that show a new rating at once."""

from __future__ import annotations

import asyncio
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from chopchop.app import create_app
from chopchop.db import Recipe, RecipeChange, RecipeRating
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import Client, asgi_client, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
NO_CACHE = {"Cache-Control": "no-cache"}


async def new_recipe(client: Client, headers: dict[str, str], title: str = "Soup") -> str:
    response = await client.post(RECIPES, json=recipe_payload(title=title), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def rating_url(recipe_id: str) -> str:
    return f"{RECIPES}/{recipe_id}/rating"


async def shown_rating(client: Client, recipe_id: str) -> dict[str, Any]:
    """The recipe's rating as everyone sees it: in its details and in the list (both the cached answers)."""
    details = (await client.get(f"{RECIPES}/{recipe_id}")).json()["rating"]
    listed = [item["rating"] for item in (await client.get(RECIPES)).json()["items"] if item["id"] == recipe_id]
    assert listed == [details]
    return dict(details)


async def counters_and_truth(app: Litestar) -> tuple[dict[str, tuple[int, int, int]], dict[str, tuple[int, int]]]:
    """Every recipe's stored counters (count, sum, score) and what its rating rows add up to (count, sum)."""
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        stored = {
            str(row.id): (row.rating_count, row.rating_sum, row.rating_score)
            for row in await session.execute(
                select(Recipe.id, Recipe.rating_count, Recipe.rating_sum, Recipe.rating_score)
            )
        }
        rows = await session.execute(
            select(RecipeRating.recipe_id, func.count(), func.sum(RecipeRating.stars)).group_by(RecipeRating.recipe_id)
        )
        truth = {str(recipe_id): (int(count), int(total)) for recipe_id, count, total in rows.tuples()}
    return stored, truth


def score(count: int, total: int) -> int:
    """The rating sort's key, as migration 0013 computes it (prior: 5 ratings of 3 stars; millionths of a star)."""
    return (total + 15) * 1_000_000 // (count + 5)


async def test_rate_change_read_and_remove(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com")
    _, cy = await quick_user(app, "cy@example.com")
    recipe_id = await new_recipe(client, author)
    url = rating_url(recipe_id)
    assert await shown_rating(client, recipe_id) == {"average": None, "count": 0}

    mine = await client.get(url, headers=bob)
    assert mine.status_code == 200
    assert mine.json() == {"recipe_id": recipe_id, "stars": None, "rating": {"average": None, "count": 0}}
    assert mine.headers["cache-control"] == "private, no-store"

    first = await client.put(url, json={"stars": 4}, headers=bob)
    assert first.status_code == 201, first.text
    assert first.headers["location"] == url
    assert first.json() == {"recipe_id": recipe_id, "stars": 4, "rating": {"average": 4.0, "count": 1}}
    assert first.headers["cache-control"] == "no-store"

    again = await client.put(url, json={"stars": 4}, headers=bob)
    assert again.status_code == 200
    assert again.json()["rating"] == {"average": 4.0, "count": 1}

    changed = await client.put(url, json={"stars": 1}, headers=bob)
    assert changed.status_code == 200
    assert changed.json() == {"recipe_id": recipe_id, "stars": 1, "rating": {"average": 1.0, "count": 1}}
    assert (await client.put(url, json={"stars": 2}, headers=cy)).status_code == 201
    assert await shown_rating(client, recipe_id) == {"average": 1.5, "count": 2}
    assert (await client.get(url, headers=bob)).json()["stars"] == 1
    assert (await client.get(url, headers=cy)).json()["stars"] == 2

    # Removing is idempotent: the second time there is nothing to take back, still 204.
    for _ in range(2):
        removed = await client.delete(url, headers=bob)
        assert removed.status_code == 204
        assert removed.content == b""
    assert await shown_rating(client, recipe_id) == {"average": 2.0, "count": 1}
    assert (await client.get(url, headers=bob)).json()["stars"] is None

    # Averages are rounded to 2 decimals: 2 + 5 + 5 = 12 stars over 3 ratings... then 2 + 5 + 4 = 11 / 3 = 3.67.
    _, dee = await quick_user(app, "dee@example.com")
    await client.put(url, json={"stars": 5}, headers=bob)
    await client.put(url, json={"stars": 4}, headers=dee)
    assert await shown_rating(client, recipe_id) == {"average": 3.67, "count": 3}


@pytest.mark.parametrize(
    "body",
    [
        {"stars": 0},
        {"stars": 6},
        {"stars": -1},
        {"stars": 2.5},
        {"stars": "5"},
        {"stars": True},
        {"stars": None},
        {"stars": 10**30},
        {},
        {"stars": 3, "user_id": "00000000-0000-0000-0000-000000000000"},
        [5],
        "5",
    ],
)
async def test_invalid_stars_are_400_problems(client: Client, app: Litestar, body: Any) -> None:
    _, author = await quick_user(app, "ada@example.com")
    _, bob = await quick_user(app, "bob@example.com")
    recipe_id = await new_recipe(client, author)
    response = await client.put(rating_url(recipe_id), json=body, headers=bob)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await shown_rating(client, recipe_id) == {"average": None, "count": 0}


async def test_hostile_bodies_are_400_problems(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com")
    _, bob = await quick_user(app, "bob@example.com")
    recipe_id = await new_recipe(client, author)
    for raw in [b"", b"{", b'{"stars": 5', b"\xff\xfe", b'{"stars": 5, "stars": 1e999}', b"[" * 10_000]:
        response = await client.put(
            rating_url(recipe_id), content=raw, headers={**bob, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, (raw[:20], response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_recipe_anonymous_and_author(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com")
    _, bob = await quick_user(app, "bob@example.com")
    missing = rating_url(str(uuid.uuid4()))
    for response in [
        await client.get(missing, headers=bob),
        await client.put(missing, json={"stars": 3}, headers=bob),
        await client.delete(missing, headers=bob),
    ]:
        assert response.status_code == 404, response.text
        assert response.headers["content-type"].startswith("application/problem+json")

    recipe_id = await new_recipe(client, author)
    url = rating_url(recipe_id)
    assert (await client.get(url)).status_code == 401
    assert (await client.put(url, json={"stars": 3})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    assert (await client.put(url, json={"stars": 3}, headers={"Authorization": "Bearer nonsense"})).status_code == 401

    # Authors cannot rate their own recipes: their stars would only raise its average.
    refused = await client.put(url, json={"stars": 5}, headers=author)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("own-recipe")
    assert await shown_rating(client, recipe_id) == {"average": None, "count": 0}
    assert (await client.delete(url, headers=author)).status_code == 204  # nothing to take back


async def test_counters_stay_exact_under_concurrent_rating(client: Client, app: Litestar) -> None:
    authors = [(await quick_user(app, f"author{n}@example.com"))[1] for n in range(2)]
    recipes = [await new_recipe(client, authors[n % 2], f"Dish {n}") for n in range(3)]
    raters = [(await quick_user(app, f"rater{n}@example.com"))[1] for n in range(10)]
    rng = random.Random(16)  # noqa: S311 (a reproducible mix of calls, not a secret)

    async def busy(headers: dict[str, str]) -> None:
        """One user's burst: rate, re-rate and unrate the same few recipes, several requests in flight at once."""
        calls = []
        for _ in range(5):  # 50 requests in flight per round, as the likes' test (the pool's waits stay short)
            url = rating_url(rng.choice(recipes))
            if rng.random() < 0.3:
                calls.append(client.delete(url, headers=headers))
            else:
                calls.append(client.put(url, json={"stars": rng.randint(1, 5)}, headers=headers))
        responses = await asyncio.gather(*calls)
        assert {r.status_code for r in responses} <= {200, 201, 204}, [r.text for r in responses]

    for _ in range(3):
        await asyncio.gather(*(busy(headers) for headers in raters))
        stored, truth = await counters_and_truth(app)
        for recipe_id in recipes:
            count, total = truth.get(recipe_id, (0, 0))
            assert stored[recipe_id] == (count, total, score(count, total))
    # Someone's ratings are left: the run did exercise the counters.
    assert sum(stored[recipe_id][0] for recipe_id in recipes) > 0
    for recipe_id in recipes:
        count, total = truth.get(recipe_id, (0, 0))
        expected = {"average": round(total / count, 2) if count else None, "count": count}
        assert (await client.get(f"{RECIPES}/{recipe_id}", headers=NO_CACHE)).json()["rating"] == expected


async def test_deleting_an_account_takes_its_ratings_back(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com")
    _, cy = await quick_user(app, "cy@example.com")
    first = await new_recipe(client, author, "First")
    second = await new_recipe(client, author, "Second")
    bobs = await new_recipe(client, bob, "Bob's")
    await client.put(rating_url(first), json={"stars": 5}, headers=bob)
    await client.put(rating_url(second), json={"stars": 1}, headers=bob)
    await client.put(rating_url(first), json={"stars": 3}, headers=cy)
    await client.put(rating_url(bobs), json={"stars": 2}, headers=cy)
    assert await shown_rating(client, first) == {"average": 4.0, "count": 2}

    gone = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=bob)
    assert gone.status_code == 204, gone.text
    assert await shown_rating(client, first) == {"average": 3.0, "count": 1}
    assert await shown_rating(client, second) == {"average": None, "count": 0}
    stored, truth = await counters_and_truth(app)
    assert set(stored) == {first, second}  # Bob's recipe went with him, and Cy's rating of it
    assert truth == {first: (1, 3)}
    assert stored[first] == (1, 3, score(1, 3))
    assert stored[second] == (0, 0, score(0, 0))


async def test_ratings_are_not_changes_of_the_recipe(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com")
    raters = [(await quick_user(app, f"rater{n}@example.com"))[1] for n in range(3)]
    recipe_id = await new_recipe(client, author)
    before = (await client.get(f"{RECIPES}/{recipe_id}")).json()

    async def feed() -> list[tuple[int, int]]:
        async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
            return [tuple(row) for row in await session.execute(select(RecipeChange.xid, RecipeChange.seq))]

    entries = await feed()
    for stars, headers in enumerate(raters, start=2):
        await client.put(rating_url(recipe_id), json={"stars": stars}, headers=headers)
        await client.put(rating_url(recipe_id), json={"stars": 1}, headers=headers)
    await client.delete(rating_url(recipe_id), headers=raters[0])
    assert await feed() == entries  # the change feed did not move
    after = (await client.get(f"{RECIPES}/{recipe_id}")).json()
    assert after["updated_at"] == before["updated_at"]  # nor did the recipe's edit time
    assert after["rating"] == {"average": 1.0, "count": 2}


async def test_sort_by_rating_with_offset_and_cursor_paging(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com", "Ada")
    raters = [(await quick_user(app, f"rater{n}@example.com"))[1] for n in range(6)]
    titles = ["Unrated", "One five", "Many fours", "Poor", "Mixed", "Also unrated", "Two fives"]
    ids = {title: await new_recipe(client, author, title) for title in titles}
    given = {
        "One five": [5],
        "Many fours": [4, 4, 4, 5, 4, 4],
        "Poor": [1, 2],
        "Mixed": [5, 1, 2],
        "Two fives": [5, 5],
    }
    for title, stars in given.items():
        for headers, value in zip(raters, stars, strict=False):
            assert (await client.put(rating_url(ids[title]), json={"stars": value}, headers=headers)).status_code == 201

    # Best first by the Bayesian average (5 phantom ratings of 3 stars): many good ratings beat one perfect one; an
    # unrated recipe sits at 3.0, above poorly rated ones; equal scores: the newest first.
    expected = ["Many fours", "Two fives", "One five", "Also unrated", "Unrated", "Mixed", "Poor"]
    body = (await client.get(RECIPES, params={"sort": "rating", "limit": 100})).json()
    assert [item["title"] for item in body["items"]] == expected
    assert body["items"][0]["rating"] == {"average": 4.17, "count": 6}

    by_offset = []
    for offset in range(0, len(titles), 3):
        page = (await client.get(RECIPES, params={"sort": "rating", "limit": 3, "offset": offset})).json()
        by_offset += [item["title"] for item in page["items"]]
    assert by_offset == expected

    page = (await client.get(RECIPES, params={"sort": "rating", "limit": 2})).json()
    by_cursor = [item["title"] for item in page["items"]]
    while page["next_cursor"]:
        page = (await client.get(RECIPES, params={"sort": "rating", "limit": 2, "cursor": page["next_cursor"]})).json()
        by_cursor += [item["title"] for item in page["items"]]
    assert by_cursor == expected
    backward = [item["title"] for item in page["items"]]
    while page["prev_cursor"]:
        page = (await client.get(RECIPES, params={"sort": "rating", "limit": 2, "cursor": page["prev_cursor"]})).json()
        backward = [item["title"] for item in page["items"]] + backward
    assert backward == expected

    # A cursor of another sort is refused, not misread.
    newest = (await client.get(RECIPES, params={"limit": 2})).json()["next_cursor"]
    refused = await client.get(RECIPES, params={"sort": "rating", "limit": 2, "cursor": newest})
    assert refused.status_code == 400

    # The sort combines with filters (here: one author's recipes, the index walk then checks each row).
    mine = await client.get(RECIPES, params={"sort": "rating", "author": body["items"][0]["author"]["id"]})
    assert [item["title"] for item in mine.json()["items"]] == expected


async def test_cached_lists_and_details_show_a_new_rating_at_once(client: Client, app: Litestar) -> None:
    author_id, author = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com")
    _, cy = await quick_user(app, "cy@example.com")
    soup = await new_recipe(client, author, "Soup")
    stew = await new_recipe(client, author, "Stew")
    lists = [
        (RECIPES, {}),
        (RECIPES, {"sort": "rating"}),
        (f"/api/v1/users/{author_id}/recipes", {}),
    ]

    async def everywhere() -> list[Any]:
        """What each cached read shows of the soup's rating, and the rating order."""
        shown: list[Any] = [(await client.get(f"{RECIPES}/{soup}")).json()["rating"]]
        for path, params in lists:
            items = (await client.get(path, params=params)).json()["items"]
            shown.append([(item["title"], item["rating"]) for item in items])
        return shown

    await everywhere()
    assert await everywhere() == await everywhere()  # served from the cache by now
    hit = await client.get(f"{RECIPES}/{soup}")
    assert hit.headers["cache-control"].startswith("public")

    await client.put(rating_url(soup), json={"stars": 2}, headers=bob)
    shown = await everywhere()
    assert shown[0] == {"average": 2.0, "count": 1}
    assert ("Soup", {"average": 2.0, "count": 1}) in shown[1]
    assert shown[2] == [("Stew", {"average": None, "count": 0}), ("Soup", {"average": 2.0, "count": 1})]
    assert ("Soup", {"average": 2.0, "count": 1}) in shown[3]

    await client.put(rating_url(soup), json={"stars": 5}, headers=bob)
    await client.put(rating_url(soup), json={"stars": 5}, headers=cy)
    shown = await everywhere()
    assert shown[0] == {"average": 5.0, "count": 2}
    assert [title for title, _ in shown[2]] == ["Soup", "Stew"]

    await client.delete(rating_url(soup), headers=cy)
    assert (await everywhere())[0] == {"average": 5.0, "count": 1}

    # Your own rating is never served from the shared cache: each caller sees theirs.
    assert (await client.get(rating_url(soup), headers=bob)).json()["stars"] == 5
    assert (await client.get(rating_url(soup), headers=cy)).json()["stars"] is None
    assert (await client.get(rating_url(stew), headers=bob)).json()["stars"] is None


async def test_embedded_mode_rates_counts_and_sorts(tmp_path: Path) -> None:
    """SQLite (the embedded mode): the same rules, counters kept by its own triggers, the sort by its own statements."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        mail_outbox_dir=str(tmp_path / "outbox"),
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
        public_base_url="http://testserver.local",
    )
    app = create_app(settings)
    async with app.lifespan(), asgi_client(app) as http:
        _, author = await quick_user(app, "ada@example.com", "Ada")
        raters = [(await quick_user(app, f"rater{n}@example.com"))[1] for n in range(3)]
        low, high, unrated = [await new_recipe(http, author, title) for title in ("Low", "High", "Unrated")]
        for headers in raters:
            assert (await http.put(rating_url(high), json={"stars": 5}, headers=headers)).status_code == 201
            assert (await http.put(rating_url(low), json={"stars": 4}, headers=headers)).status_code == 201
            assert (await http.put(rating_url(low), json={"stars": 1}, headers=headers)).status_code == 200
        assert (await http.put(rating_url(high), json={"stars": 5}, headers=author)).status_code == 403
        assert (await http.delete(rating_url(high), headers=raters[0])).status_code == 204
        assert (await http.get(rating_url(high), headers=raters[1])).json()["stars"] == 5
        assert (await http.put(rating_url(str(uuid.uuid4())), json={"stars": 3}, headers=raters[0])).status_code == 404
        assert (await http.get(f"{RECIPES}/{low}")).json()["rating"] == {"average": 1.0, "count": 3}

        page = (await http.get(RECIPES, params={"sort": "rating", "limit": 2})).json()
        titles = [item["title"] for item in page["items"]]
        page = (await http.get(RECIPES, params={"sort": "rating", "limit": 2, "cursor": page["next_cursor"]})).json()
        titles += [item["title"] for item in page["items"]]
        assert titles == ["High", "Unrated", "Low"]
        assert page["next_cursor"] is None
        stored, truth = await counters_and_truth(app)
        assert truth == {high: (2, 10), low: (3, 3)}
        assert stored == {
            high: (2, 10, score(2, 10)),
            low: (3, 3, score(3, 3)),
            unrated: (0, 0, score(0, 0)),
        }
