"""Collections through HTTP: CRUD, order (insert, move, remove, concurrent adds), limits, privacy, cache freshness."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import insert

from chopchop.domain.collections.schemas import MAX_COLLECTIONS_PER_USER, MAX_RECIPES_PER_COLLECTION
from tests.helpers import Client, count_statements, insert_recipe, quick_user

pytestmark = pytest.mark.integration

MINE = "/api/v1/me/collections"
COLLECTIONS = "/api/v1/collections"


async def new_collection(client: Client, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await client.post(MINE, json={"name": "Weeknight", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def titles(client: Client, collection_id: str, headers: dict[str, str] | None = None) -> list[str]:
    url = f"{MINE}/{collection_id}/recipes" if headers else f"{COLLECTIONS}/{collection_id}/recipes"
    response = await client.get(url, params={"limit": 100}, headers=headers or {})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["position"] for item in body["items"]] == list(range(len(body["items"])))
    return [item["recipe"]["title"] for item in body["items"]]


async def put(
    client: Client, headers: dict[str, str], collection_id: str, recipe_id: str, position: int | None = None
) -> Any:
    body = {} if position is None else {"position": position}
    return await client.put(f"{COLLECTIONS}/{collection_id}/recipes/{recipe_id}", json=body, headers=headers)


async def test_create_read_update_delete(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com", name="Ada")
    created = await new_collection(client, owner, name="  Soups  ", description="Warm ones", visibility="public")
    assert created["name"] == "Soups"
    assert created["owner"] == {"id": owner_id, "display_name": "Ada"}
    assert created["recipe_count"] == 0
    cid = created["id"]

    public = await client.get(f"{COLLECTIONS}/{cid}")
    assert public.status_code == 200
    assert public.json() == created
    assert public.headers["cache-control"] == "public, no-cache"

    patched = await client.patch(f"{COLLECTIONS}/{cid}", json={"description": ""}, headers=owner)
    assert patched.status_code == 200, patched.text
    assert patched.json()["description"] == ""
    assert patched.json()["name"] == "Soups"
    assert (await client.get(f"{COLLECTIONS}/{cid}")).json()["description"] == ""

    mine = await client.get(MINE, headers=owner)
    assert [c["id"] for c in mine.json()["items"]] == [cid]
    assert mine.headers["cache-control"] == "private, no-store"

    assert (await client.delete(f"{COLLECTIONS}/{cid}", headers=owner)).status_code == 204
    assert (await client.get(f"{COLLECTIONS}/{cid}")).status_code == 404
    assert (await client.get(f"{MINE}/{cid}", headers=owner)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "a\nb"},
        {"name": "a\u202eb"},
        {"name": "ok", "visibility": "friends"},
        {"name": "ok", "owner_id": str(uuid.uuid4())},
        {"name": "ok", "description": "x" * 2001},
        {"name": "ok", "description": "a\x00b"},
    ],
)
async def test_invalid_bodies_are_400(client: Client, app: Litestar, body: dict[str, Any]) -> None:
    _, owner = await quick_user(app, "ada@example.com")
    response = await client.post(MINE, json=body, headers=owner)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_writes_need_a_token_and_the_owner(client: Client, app: Litestar) -> None:
    _, owner = await quick_user(app, "ada@example.com")
    _, other = await quick_user(app, "bob@example.com")
    cid = (await new_collection(client, owner, visibility="public"))["id"]
    recipe_id = await insert_recipe(app, (await client.get("/api/v1/me", headers=owner)).json()["id"])
    assert (await client.post(MINE, json={"name": "x"})).status_code == 401
    assert (await client.patch(f"{COLLECTIONS}/{cid}", json={"name": "y"})).status_code == 401
    for response in (
        await client.patch(f"{COLLECTIONS}/{cid}", json={"name": "mine now"}, headers=other),
        await client.delete(f"{COLLECTIONS}/{cid}", headers=other),
        await put(client, other, cid, recipe_id),
        await client.delete(f"{COLLECTIONS}/{cid}/recipes/{recipe_id}", headers=other),
        await client.get(f"{MINE}/{cid}", headers=other),
    ):
        assert response.status_code == 404, response.text
    assert (await client.get(f"{COLLECTIONS}/{cid}")).json()["name"] == "Weeknight"
    assert (await put(client, owner, cid, str(uuid.uuid4()))).status_code == 404


async def test_order_insert_move_remove(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com")
    cid = (await new_collection(client, owner, visibility="public"))["id"]
    ids = {name: await insert_recipe(app, owner_id, title=name) for name in "ABCDE"}

    assert (await put(client, owner, cid, ids["A"])).status_code == 201
    assert (await put(client, owner, cid, ids["B"])).status_code == 201
    added = await put(client, owner, cid, ids["C"], position=0)
    assert added.status_code == 201
    assert added.json() == {"collection_id": cid, "recipe_id": ids["C"], "position": 0, "recipe_count": 3}
    assert (await put(client, owner, cid, ids["D"], position=1)).status_code == 201
    assert (await put(client, owner, cid, ids["E"], position=99)).status_code == 201
    assert await titles(client, cid) == ["C", "D", "A", "B", "E"]

    # Already there: no position keeps it where it is (idempotent), a position moves it.
    again = await put(client, owner, cid, ids["A"])
    assert again.status_code == 200
    assert again.json()["position"] == 2
    moved = await put(client, owner, cid, ids["E"], position=0)
    assert moved.status_code == 200
    assert moved.json() == {"collection_id": cid, "recipe_id": ids["E"], "position": 0, "recipe_count": 5}
    assert (await put(client, owner, cid, ids["C"], position=4)).status_code == 200
    assert await titles(client, cid) == ["E", "D", "A", "B", "C"]

    assert (await client.delete(f"{COLLECTIONS}/{cid}/recipes/{ids['D']}", headers=owner)).status_code == 204
    assert (await client.delete(f"{COLLECTIONS}/{cid}/recipes/{ids['D']}", headers=owner)).status_code == 204
    assert await titles(client, cid) == ["E", "A", "B", "C"]
    assert (await client.get(f"{COLLECTIONS}/{cid}")).json()["recipe_count"] == 4

    page = await client.get(f"{COLLECTIONS}/{cid}/recipes", params={"limit": 2, "offset": 2})
    assert [(i["position"], i["recipe"]["title"]) for i in page.json()["items"]] == [(2, "B"), (3, "C")]
    assert page.json()["total"] == 4


async def test_inserting_at_the_same_place_many_times_renumbers_and_keeps_the_order(
    client: Client, app: Litestar
) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com")
    cid = (await new_collection(client, owner))["id"]
    names = [f"R{k:02}" for k in range(30)]
    ids = [await insert_recipe(app, owner_id, title=name) for name in names]
    await put(client, owner, cid, ids[0])
    await put(client, owner, cid, ids[1])
    expected = [names[0], names[1]]
    # Always between the first two: the gap halves until there is none, then the collection is renumbered.
    for recipe_id, name in zip(ids[2:], names[2:], strict=True):
        assert (await put(client, owner, cid, recipe_id, position=1)).status_code == 201
        expected.insert(1, name)
    assert await titles(client, cid, owner) == expected


async def test_concurrent_adds_get_distinct_places_and_none_is_lost(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com")
    cid = (await new_collection(client, owner))["id"]
    ids = [await insert_recipe(app, owner_id, title=f"R{k:02}") for k in range(16)]
    await put(client, owner, cid, ids[0])
    await put(client, owner, cid, ids[1])
    responses = await asyncio.gather(*(put(client, owner, cid, rid, position=1) for rid in ids[2:]))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    listed = await titles(client, cid, owner)
    assert sorted(listed) == sorted(f"R{k:02}" for k in range(16))
    assert listed[0] == "R00"
    assert listed[-1] == "R01"
    # Concurrent puts of one recipe: it is in once.
    cid2 = (await new_collection(client, owner, name="Twice"))["id"]
    same = await asyncio.gather(*(put(client, owner, cid2, ids[3]) for _ in range(6)))
    assert sorted(r.status_code for r in same) == [200] * 5 + [201]
    assert await titles(client, cid2, owner) == ["R03"]


async def test_limits_are_409_and_hold_under_concurrency(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com")
    for k in range(MAX_COLLECTIONS_PER_USER - 3):
        await new_collection(client, owner, name=f"C{k}")
    made = await asyncio.gather(*(client.post(MINE, json={"name": "last"}, headers=owner) for _ in range(8)))
    assert sorted(r.status_code for r in made) == [201] * 3 + [409] * 5
    refused = next(r for r in made if r.status_code == 409)
    assert refused.json()["type"].endswith("too-many-collections")
    assert (await client.get(MINE, headers=owner)).json()["total"] == MAX_COLLECTIONS_PER_USER

    cid = (await client.get(MINE, headers=owner)).json()["items"][0]["id"]
    await _fill(app, owner_id, cid, MAX_RECIPES_PER_COLLECTION - 2)
    extra = [await insert_recipe(app, owner_id, title=f"X{k}") for k in range(6)]
    added = await asyncio.gather(*(put(client, owner, cid, rid) for rid in extra))
    assert sorted(r.status_code for r in added) == [201] * 2 + [409] * 4
    assert next(r for r in added if r.status_code == 409).json()["type"].endswith("collection-full")
    assert (await client.get(f"{MINE}/{cid}", headers=owner)).json()["recipe_count"] == MAX_RECIPES_PER_COLLECTION
    # Moving a recipe that is in it, in a full collection, is not adding one.
    inside = next(rid for rid, r in zip(extra, added, strict=True) if r.status_code == 201)
    moved = await put(client, owner, cid, inside, position=0)
    assert moved.status_code == 200, moved.text
    assert moved.json()["position"] == 0


async def _fill(app: Litestar, owner_id: str, collection_id: str, count: int) -> None:
    """``count`` recipes straight in the collection (the limit test needs many; adding them is tested above)."""
    from datetime import UTC, datetime

    from chopchop.db import CollectionRecipe, Recipe
    from chopchop.server import ChopchopPlugin

    now = datetime.now(UTC)
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        recipe_ids = [uuid.uuid4() for _ in range(count)]
        await session.execute(
            insert(Recipe),
            [
                {
                    "id": rid,
                    "author_id": uuid.UUID(owner_id),
                    "title": f"Filler {k}",
                    "description": "",
                    "complexity": "easy",
                    "servings": 1,
                    "prep_minutes": 1,
                    "cook_minutes": 1,
                    "total_minutes": 2,
                    "steps": ["x"],
                    "search_text": "x",
                    "created_at": now,
                    "updated_at": now,
                }
                for k, rid in enumerate(recipe_ids)
            ],
        )
        await session.execute(
            insert(CollectionRecipe),
            [
                {"collection_id": uuid.UUID(collection_id), "recipe_id": rid, "position": k * 1024, "added_at": now}
                for k, rid in enumerate(recipe_ids)
            ],
        )
        await session.commit()


async def test_private_collections_are_404_to_others_and_never_cached_for_them(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com")
    _, other = await quick_user(app, "bob@example.com")
    cid = (await new_collection(client, owner, name="Secret"))["id"]
    recipe_id = await insert_recipe(app, owner_id, title="Hidden soup")
    assert (await put(client, owner, cid, recipe_id)).status_code == 201

    # The owner reads it (twice: a second read would be a hit if anything had been stored) ...
    for _ in range(2):
        mine = await client.get(f"{MINE}/{cid}", headers=owner)
        assert mine.status_code == 200
        assert mine.headers["cache-control"] == "private, no-store"
        assert await titles(client, cid, owner) == ["Hidden soup"]
    # ... and nobody else ever sees it, signed in or not, at any address.
    for headers in ({}, other, owner):
        assert (await client.get(f"{COLLECTIONS}/{cid}", headers=headers)).status_code == 404
        assert (await client.get(f"{COLLECTIONS}/{cid}/recipes", headers=headers)).status_code == 404
        assert (await client.get(f"/api/v1/users/{owner_id}/collections", headers=headers)).json()["items"] == []
    assert (await client.get(f"{MINE}/{cid}", headers=other)).status_code == 404

    # Made public, it shows at once; made private again, it is gone at once (no cached copy outlives it).
    assert (await client.patch(f"{COLLECTIONS}/{cid}", json={"visibility": "public"}, headers=owner)).status_code == 200
    assert (await client.get(f"{COLLECTIONS}/{cid}")).status_code == 200
    assert await titles(client, cid) == ["Hidden soup"]
    listed = await client.get(f"/api/v1/users/{owner_id}/collections")
    assert [c["id"] for c in listed.json()["items"]] == [cid]
    assert (
        await client.patch(f"{COLLECTIONS}/{cid}", json={"visibility": "private"}, headers=owner)
    ).status_code == 200
    assert (await client.get(f"{COLLECTIONS}/{cid}")).status_code == 404
    assert (await client.get(f"{COLLECTIONS}/{cid}/recipes")).status_code == 404
    assert (await client.get(f"/api/v1/users/{owner_id}/collections")).json()["items"] == []


async def test_public_reads_are_cached_and_fresh_after_every_change(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com", name="Ada")
    _, fan = await quick_user(app, "bob@example.com")
    cid = (await new_collection(client, owner, visibility="public"))["id"]
    recipe_id = await insert_recipe(app, owner_id, title="Soup")
    await put(client, owner, cid, recipe_id)
    url = f"{COLLECTIONS}/{cid}/recipes"
    first = await client.get(url)
    with count_statements(app) as statements:
        again = await client.get(url)
    assert again.json() == first.json()
    assert statements == []  # a hit

    # A change of a recipe's summary (a like) shows at once.
    assert (await client.put(f"/api/v1/recipes/{recipe_id}/like", headers=fan)).status_code == 200
    assert (await client.get(url)).json()["items"][0]["recipe"]["like_count"] == 1
    # A rename of the collection, of its owner.
    await client.patch(f"{COLLECTIONS}/{cid}", json={"name": "Renamed"}, headers=owner)
    assert (await client.get(f"{COLLECTIONS}/{cid}")).json()["name"] == "Renamed"
    await client.patch("/api/v1/me", json={"display_name": "Ada L."}, headers=owner)
    assert (await client.get(f"{COLLECTIONS}/{cid}")).json()["owner"]["display_name"] == "Ada L."
    assert (await client.get(url)).json()["items"][0]["recipe"]["author"]["display_name"] == "Ada L."
    # A recipe deleted leaves the collection (and its count).
    assert (await client.delete(f"/api/v1/recipes/{recipe_id}", headers=owner)).status_code == 204
    assert (await client.get(url)).json()["items"] == []
    assert (await client.get(f"{COLLECTIONS}/{cid}")).json()["recipe_count"] == 0
    listed = await client.get(f"/api/v1/users/{owner_id}/collections")
    assert listed.json()["items"][0]["recipe_count"] == 0


async def test_account_deletion_removes_its_collections(client: Client, app: Litestar) -> None:
    owner_id, owner = await quick_user(app, "ada@example.com")
    _, other = await quick_user(app, "bob@example.com")
    other_id = (await client.get("/api/v1/me", headers=other)).json()["id"]
    cid = (await new_collection(client, owner, visibility="public"))["id"]
    theirs = (await new_collection(client, other, visibility="public"))["id"]
    recipe_id = await insert_recipe(app, owner_id, title="Soup")
    await put(client, other, theirs, recipe_id)
    assert (await client.get(f"{COLLECTIONS}/{cid}")).status_code == 200
    deleted = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=owner)
    assert deleted.status_code == 204, deleted.text
    assert (await client.get(f"{COLLECTIONS}/{cid}")).status_code == 404
    # Their recipe left the other user's collection.
    assert (await client.get(f"{COLLECTIONS}/{theirs}")).json()["recipe_count"] == 0
    assert (await client.get(f"/api/v1/users/{other_id}/collections")).json()["total"] == 1
