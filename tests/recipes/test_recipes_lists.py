"""GET /recipes and friends: every filter, the sort allow-list, pagination with Link headers, statement counts."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, count_statements, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"


def line(name: str, quantity: float | None = None, unit: str | None = None) -> dict[str, Any]:
    return {"ingredient": name, "quantity": quantity, "unit": unit}


async def create(client: Client, headers: dict[str, str], **overrides: Any) -> str:
    response = await client.post(RECIPES, json=recipe_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def titles(client: Client, **params: Any) -> list[str]:
    response = await client.get(RECIPES, params=params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def kitchen(client: Client, app: Litestar) -> dict[str, Any]:
    """Four recipes by two cooks, with distinct ingredients, tags, times and complexities."""
    ada_id, ada = await quick_user(app, "ada@example.com", "Ada")
    bob_id, bob = await quick_user(app, "bob@example.com", "Bob")
    ids = {
        "Pesto pasta": await create(
            client,
            ada,
            title="Pesto pasta",
            complexity="easy",
            prep_minutes=10,
            cook_minutes=10,
            description="Green and fragrant.",
            steps=["Blend basil with pine nuts.", "Toss with pasta."],
            ingredients=[line("Basil", 50, "g"), line("pasta", 200, "g"), line("pine nuts", 30, "g")],
            tags=["Italian", "vegetarian"],
        ),
        "Peanut noodles": await create(
            client,
            ada,
            title="Peanut noodles",
            complexity="medium",
            prep_minutes=15,
            cook_minutes=10,
            description="Nutty and spicy.",
            steps=["Whisk the sauce.", "Boil the noodles."],
            ingredients=[line("peanut butter", 3, "tbsp"), line("noodles", 200, "g"), line("chili")],
            tags=["asian", "vegetarian"],
        ),
        "Beef stew": await create(
            client,
            bob,
            title="Beef stew",
            complexity="hard",
            prep_minutes=30,
            cook_minutes=150,
            description="Slow cooked comfort.",
            steps=["Brown the beef.", "Simmer with red wine for hours."],
            ingredients=[line("beef", 1, "kg"), line("red wine", 500, "ml"), line("onion", 2, "piece")],
            tags=["comfort"],
        ),
        "Tomato pasta": await create(
            client,
            bob,
            title="Tomato pasta",
            complexity="easy",
            prep_minutes=5,
            cook_minutes=15,
            description="Weeknight classic.",
            steps=["Simmer tomatoes with garlic.", "Toss with pasta."],
            ingredients=[line("tomato", 400, "g"), line("pasta", 200, "g"), line("garlic", 2, "clove")],
            tags=["italian"],
        ),
    }
    return {"ids": ids, "ada_id": ada_id, "bob_id": bob_id, "ada": ada, "bob": bob}


async def test_list_is_newest_first_with_compact_summaries(client: Client, app: Litestar) -> None:
    k = await kitchen(client, app)
    response = await client.get(RECIPES)
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 20, 0)
    assert [i["title"] for i in page["items"]] == ["Tomato pasta", "Beef stew", "Peanut noodles", "Pesto pasta"]
    item = page["items"][3]
    assert set(item) == {
        "id",
        "title",
        "complexity",
        "servings",
        "total_minutes",
        "tags",
        "author",
        "like_count",
        "comment_count",
        "rating",
        "created_at",
        "status",
        "cover_thumbnail_url",
    }
    assert item["rating"] == {"average": None, "count": 0}
    assert item["cover_thumbnail_url"] is None  # no photo
    assert item["tags"] == ["italian", "vegetarian"]
    assert item["author"] == {"id": k["ada_id"], "display_name": "Ada"}
    assert "Link" not in response.headers


async def test_each_filter(client: Client, app: Litestar) -> None:
    k = await kitchen(client, app)
    assert await titles(client, author=k["ada_id"]) == ["Peanut noodles", "Pesto pasta"]
    assert await titles(client, author=str(uuid.uuid4())) == []
    assert await titles(client, complexity="easy") == ["Tomato pasta", "Pesto pasta"]
    assert await titles(client, tag="Italian") == ["Tomato pasta", "Pesto pasta"]
    assert await titles(client, tag=["italian", "vegetarian"]) == ["Pesto pasta"]
    assert await titles(client, max_total_minutes=20) == ["Tomato pasta", "Pesto pasta"]
    assert await titles(client, max_total_minutes=25) == ["Tomato pasta", "Peanut noodles", "Pesto pasta"]
    assert await titles(client, ingredients_all=["pasta", "basil"]) == ["Pesto pasta"]
    assert await titles(client, ingredients_all=["Pasta"]) == ["Tomato pasta", "Pesto pasta"]
    assert await titles(client, ingredients_all=["pasta", "beef"]) == []
    assert await titles(client, ingredients_any=["beef", "basil"]) == ["Beef stew", "Pesto pasta"]
    assert await titles(client, ingredients_any=["unknown thing"]) == []
    # Allergens: nothing with peanut butter or pine nuts.
    assert await titles(client, exclude_ingredients=["peanut butter", "PINE  NUTS"]) == ["Tomato pasta", "Beef stew"]
    # Filters combine.
    assert await titles(client, complexity="easy", exclude_ingredients="basil") == ["Tomato pasta"]
    assert await titles(client, author=k["bob_id"], ingredients_any=["pasta"], max_total_minutes=60) == ["Tomato pasta"]


async def test_free_text_search(client: Client, app: Litestar) -> None:
    await kitchen(client, app)
    assert await titles(client, q="pasta") == ["Tomato pasta", "Pesto pasta"]
    assert await titles(client, q="fragrant") == ["Pesto pasta"]  # description
    assert await titles(client, q="red wine") == ["Beef stew"]  # steps and ingredient names
    assert await titles(client, q="noodles peanut") == ["Peanut noodles"]  # every word
    assert await titles(client, q="garlic") == ["Tomato pasta"]  # an ingredient name only
    assert await titles(client, q="sushi") == []
    assert await titles(client, q="pasta", complexity="easy", tag="vegetarian") == ["Pesto pasta"]
    assert (await client.get(RECIPES, params={"q": "a & | ! ( \"' :*"})).status_code == 200


async def test_sort_allow_list(client: Client, app: Litestar) -> None:
    k = await kitchen(client, app)
    ids = k["ids"]
    for liker in ["carol@example.com", "dave@example.com"]:
        _, headers = await quick_user(app, liker)
        assert (await client.put(f"{RECIPES}/{ids['Beef stew']}/like", headers=headers)).status_code == 200
    _, headers = await quick_user(app, "erin@example.com")
    assert (await client.put(f"{RECIPES}/{ids['Peanut noodles']}/like", headers=headers)).status_code == 200

    assert await titles(client, sort="newest") == ["Tomato pasta", "Beef stew", "Peanut noodles", "Pesto pasta"]
    assert await titles(client, sort="title") == ["Beef stew", "Peanut noodles", "Pesto pasta", "Tomato pasta"]
    assert await titles(client, sort="quickest") == ["Pesto pasta", "Tomato pasta", "Peanut noodles", "Beef stew"]
    # Ties (no likes) keep a stable order: by id, newest id first like the rest of the order.
    assert await titles(client, sort="most_liked") == ["Beef stew", "Peanut noodles", "Tomato pasta", "Pesto pasta"]
    assert await titles(client, sort="most_commented") == [
        "Tomato pasta",
        "Beef stew",
        "Peanut noodles",
        "Pesto pasta",
    ]
    for bad in ["popular", "title desc", "created_at", "id;drop table recipe", ""]:
        response = await client.get(RECIPES, params={"sort": bad})
        assert response.status_code == 400, bad
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_invalid_filters_are_400(client: Client) -> None:
    cases: list[dict[str, Any]] = [
        {"complexity": "extreme"},
        {"max_total_minutes": -1},
        {"max_total_minutes": 10081},
        {"tag": ["t"] * 21},
        {"ingredients_any": ""},
        {"exclude_ingredients": "x\x01"},
    ]
    for params in cases:
        response = await client.get(RECIPES, params=params)
        assert response.status_code == 400, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_pagination_limits_and_link_headers(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    made = [await create(client, headers, title=f"Dish {n:02d}", complexity="easy") for n in range(25)]

    first = await client.get(RECIPES, params={"limit": 10, "complexity": "easy"})
    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (25, 10, 0, 10)
    links = dict(re.findall(r'<([^>]+)>; rel="(\w+)"', first.headers["link"])[i][::-1] for i in range(1))
    assert links == {"next": "http://testserver.local/api/v1/recipes?complexity=easy&limit=10&offset=10"}

    middle = await client.get(RECIPES, params={"limit": 10, "offset": 10, "complexity": "easy"})
    rels = {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', middle.headers["link"])}
    assert rels == {
        "next": "http://testserver.local/api/v1/recipes?complexity=easy&limit=10&offset=20",
        "prev": "http://testserver.local/api/v1/recipes?complexity=easy&limit=10&offset=0",
    }
    last = await client.get(RECIPES, params={"limit": 10, "offset": 20, "complexity": "easy"})
    assert len(last.json()["items"]) == 5
    assert re.findall(r'rel="(\w+)"', last.headers["link"]) == ["prev"]

    # Walking the pages by the links visits every recipe once, newest first.
    seen: list[str] = []
    url: str | None = f"{RECIPES}?limit=7"
    while url:
        page = await client.get(url)
        seen += [item["id"] for item in page.json()["items"]]
        nexts = [u for u, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', page.headers.get("link", "")) if rel == "next"]
        url = nexts[0] if nexts else None
    assert seen == list(reversed(made))

    assert (await client.get(RECIPES, params={"limit": 100})).status_code == 200
    for params in [{"limit": 101}, {"limit": 0}, {"limit": -5}, {"offset": -1}]:
        response = await client.get(RECIPES, params=params)
        assert response.status_code == 400, params
        assert response.headers["content-type"].startswith("application/problem+json")
    beyond = await client.get(RECIPES, params={"offset": 1000})
    assert beyond.json()["items"] == []
    assert beyond.json()["total"] == 25


async def test_statements_per_list_do_not_grow_with_the_page(client: Client, app: Litestar) -> None:
    user_id, headers = await quick_user(app, "ada@example.com")
    for n in range(50):
        await create(client, headers, title=f"Dish {n}", tags=["a", "b", f"t{n}"])
    for liker in range(3):
        _, liker_headers = await quick_user(app, f"liker{liker}@example.com")
        for recipe in (await client.get(RECIPES, params={"limit": 50})).json()["items"]:
            await client.put(f"{RECIPES}/{recipe['id']}/like", headers=liker_headers)

    async def statements_for(url: str, **params: Any) -> int:
        with count_statements(app) as statements:
            response = await client.get(url, params=params)
        assert response.status_code == 200, response.text
        return len(statements)

    for url, params in [
        (RECIPES, {}),
        (RECIPES, {"tag": "a", "ingredients_any": ["egg", "rice", "milk"]}),
        (f"/api/v1/users/{user_id}/recipes", {}),
    ]:
        small = await statements_for(url, limit=5, **params)
        large = await statements_for(url, limit=50, **params)
        assert small == large <= 4, (url, small, large)

    user = (await client.get(RECIPES, params={"limit": 1})).json()["items"][0]["author"]["id"]
    assert user == user_id
    _, liker_headers = await quick_user(app, "reader@example.com")
    liker_id = (await client.get("/api/v1/me", headers=liker_headers)).json()["id"]
    for recipe in (await client.get(RECIPES, params={"limit": 50})).json()["items"]:
        await client.put(f"{RECIPES}/{recipe['id']}/like", headers=liker_headers)
    small = await statements_for(f"/api/v1/users/{liker_id}/likes", limit=5)
    large = await statements_for(f"/api/v1/users/{liker_id}/likes", limit=50)
    assert small == large <= 4


async def test_user_recipes(client: Client, app: Litestar) -> None:
    k = await kitchen(client, app)
    response = await client.get(f"/api/v1/users/{k['bob_id']}/recipes")
    assert response.status_code == 200
    assert [i["title"] for i in response.json()["items"]] == ["Tomato pasta", "Beef stew"]
    assert response.json()["total"] == 2
    by_title = await client.get(f"/api/v1/users/{k['ada_id']}/recipes", params={"sort": "title", "limit": 1})
    assert [i["title"] for i in by_title.json()["items"]] == ["Peanut noodles"]
    assert 'rel="next"' in by_title.headers["link"]
    assert (await client.get(f"/api/v1/users/{uuid.uuid4()}/recipes")).status_code == 404
    assert (await client.get(f"/api/v1/users/{k['bob_id']}/recipes", params={"sort": "x"})).status_code == 400


async def test_search_follows_every_write_through_the_stored_search_vector(app: Litestar, client: Client) -> None:
    """?q= matches a tsvector stored by a trigger (PostgreSQL): it must follow inserts, replacements, partial
    updates and deletions, whichever way the row was written (the API, or SQL straight into the table)."""
    from sqlalchemy import text

    from chopchop.server import ChopchopPlugin
    from tests.helpers import insert_recipe

    author, headers = await quick_user(app, "vector@example.com")
    plain = {"description": "Plain.", "steps": ["Cook."], "tags": [], "ingredients": [line("water")]}
    rid = await create(client, headers, title="Saffron rice", **plain)
    assert await titles(client, q="saffron") == ["Saffron rice"]

    # A partial update of the searched text, then of something else: the vector follows the first only.
    assert (await client.patch(f"{RECIPES}/{rid}", json={"title": "Turmeric rice"}, headers=headers)).status_code == 200
    assert await titles(client, q="saffron") == []
    assert await titles(client, q="turmeric") == ["Turmeric rice"]
    assert (await client.patch(f"{RECIPES}/{rid}", json={"servings": 3}, headers=headers)).status_code == 200
    assert await titles(client, q="turmeric") == ["Turmeric rice"]

    # A whole replacement: ingredient names are searched too.
    replaced = {**recipe_payload(), **plain, "title": "Rice", "ingredients": [line("cardamom")]}
    assert (await client.put(f"{RECIPES}/{rid}", json=replaced, headers=headers)).status_code == 200
    assert (await titles(client, q="turmeric"), await titles(client, q="cardamom")) == ([], ["Rice"])

    # A row written by SQL (as the seed's COPY does) gets its vector as well.
    await insert_recipe(app, author, title="Sumac salad")
    assert await titles(client, q="sumac") == ["Sumac salad"]
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        missing = await session.execute(text("SELECT count(*) FROM recipe WHERE search_vector IS NULL"))
        assert missing.scalar_one() == 0

    assert (await client.delete(f"{RECIPES}/{rid}", headers=headers)).status_code == 204
    assert await titles(client, q="cardamom") == []
