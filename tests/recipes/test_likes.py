"""Likes: idempotent per user, an exact counter under concurrent requests, and a user's liked recipes."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"


async def new_recipe(client: Client, headers: dict[str, str], title: str = "Soup") -> str:
    response = await client.post(RECIPES, json=recipe_payload(title=title), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def like_count(client: Client, recipe_id: str) -> int:
    return int((await client.get(f"{RECIPES}/{recipe_id}")).json()["like_count"])


async def test_like_and_unlike_are_idempotent(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com")
    _, fan = await quick_user(app, "bob@example.com")
    recipe_id = await new_recipe(client, author)
    url = f"{RECIPES}/{recipe_id}/like"

    for _ in range(3):
        response = await client.put(url, headers=fan)
        assert response.status_code == 200
        assert response.json() == {"recipe_id": recipe_id, "liked": True, "like_count": 1}
    assert await like_count(client, recipe_id) == 1

    for _ in range(2):
        response = await client.delete(url, headers=fan)
        assert response.status_code == 200
        assert response.json() == {"recipe_id": recipe_id, "liked": False, "like_count": 0}
    assert await like_count(client, recipe_id) == 0


async def test_like_needs_a_token_and_a_recipe(client: Client, app: Litestar) -> None:
    _, fan = await quick_user(app, "bob@example.com")
    missing = f"{RECIPES}/{uuid.uuid4()}/like"
    assert (await client.put(missing, headers=fan)).status_code == 404
    assert (await client.delete(missing, headers=fan)).status_code == 404
    recipe_id = await new_recipe(client, fan)
    assert (await client.put(f"{RECIPES}/{recipe_id}/like")).status_code == 401
    assert (await client.delete(f"{RECIPES}/{recipe_id}/like")).status_code == 401


async def test_concurrent_likes_keep_the_counter_exact(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com")
    recipe_id = await new_recipe(client, author)
    url = f"{RECIPES}/{recipe_id}/like"
    fans = [(await quick_user(app, f"fan{n}@example.com"))[1] for n in range(10)]

    # Every fan likes it five times at once: 50 concurrent requests, 10 likes.
    responses = await asyncio.gather(*(client.put(url, headers=fan) for fan in fans for _ in range(5)))
    assert {r.status_code for r in responses} == {200}
    assert await like_count(client, recipe_id) == 10

    # Half of them take it back (five times each) while the others like it again: 50 concurrent requests.
    leaving, staying = fans[:5], fans[5:]
    responses = await asyncio.gather(
        *(client.delete(url, headers=fan) for fan in leaving for _ in range(5)),
        *(client.put(url, headers=fan) for fan in staying for _ in range(5)),
    )
    assert {r.status_code for r in responses} == {200}
    assert await like_count(client, recipe_id) == 5

    # Each user flips like/unlike concurrently: whatever wins, the counter equals the rows that remain.
    await asyncio.gather(
        *(client.put(url, headers=fan) for fan in fans),
        *(client.delete(url, headers=fan) for fan in fans),
        *(client.put(url, headers=fan) for fan in fans),
    )
    liked = 0
    for n in range(10):
        me = (await client.get("/api/v1/me", headers=fans[n])).json()["id"]
        likes = (await client.get(f"/api/v1/users/{me}/likes")).json()
        liked += likes["total"]
    assert await like_count(client, recipe_id) == liked


async def test_a_users_liked_recipes(client: Client, app: Litestar) -> None:
    _, author = await quick_user(app, "ada@example.com", "Ada")
    fan_id, fan = await quick_user(app, "bob@example.com")
    first = await new_recipe(client, author, "First")
    second = await new_recipe(client, author, "Second")
    third = await new_recipe(client, author, "Third")
    for recipe_id in [second, first, third]:
        assert (await client.put(f"{RECIPES}/{recipe_id}/like", headers=fan)).status_code == 200
    await client.delete(f"{RECIPES}/{third}/like", headers=fan)

    response = await client.get(f"/api/v1/users/{fan_id}/likes")
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2
    assert [item["recipe"]["title"] for item in page["items"]] == ["First", "Second"]  # most recently liked first
    assert page["items"][0]["recipe"]["like_count"] == 1
    assert page["items"][0]["recipe"]["author"]["display_name"] == "Ada"
    assert page["items"][0]["liked_at"] >= page["items"][1]["liked_at"]

    limited = await client.get(f"/api/v1/users/{fan_id}/likes", params={"limit": 1})
    assert 'rel="next"' in limited.headers["link"]
    assert (await client.get(f"/api/v1/users/{uuid.uuid4()}/likes")).status_code == 404
    assert (await client.get(f"/api/v1/users/{fan_id}/likes", params={"limit": 101})).status_code == 400

    # A deleted recipe leaves the list with its likes.
    await client.delete(f"{RECIPES}/{first}", headers=author)
    assert [i["recipe"]["title"] for i in (await client.get(f"/api/v1/users/{fan_id}/likes")).json()["items"]] == [
        "Second"
    ]
