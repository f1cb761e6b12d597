"""The structures that keep recipe lists fast at a million recipes must never change what they answer.

``recipe.ingredient_ids``/``recipe.tags`` (arrays with GIN indexes), the stored search vector, the two ways of
answering a list (the exact count of few matches, or a walk of a sort index with the planner's estimate of many:
``chopchop.domain.recipes.listing``) and the ingredient usage counts (stored count plus pending deltas) are all
checked here against a model of the recipes kept by the test, after creating, replacing, patching and deleting
recipes and deleting an account. The walk is forced by an app whose ``exact_total_limit`` is 0, on tables the
test analyses, as autovacuum would.
"""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.app import create_app
from chopchop.domain.recipes import listing
from chopchop.domain.recipes.jobs import fold_ingredient_usage
from chopchop.lib.pagination import MAX_SEARCH_OFFSET
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.db.test_explain_recipes import SEED_SQL
from tests.factories import recipe_payload
from tests.helpers import Client, quick_user, running

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
INGREDIENTS = ["tomato", "onion", "garlic", "basil", "butter", "tofu", "salt", "black pepper"]
LONGEST_TAG = "long-" + "x" * 35  # 40 characters, the most a tag may have
TAGS = ["vegan", "quick", "thai", "italian", "gluten-free", LONGEST_TAG]
# Words that only ever appear in titles (the descriptions and steps of the factory do not use them).
MARKERS = ["smoky", "zesty", "velvet"]


@dataclass
class Model:
    """What the test wrote: per recipe id, its author, ingredient names, tags and title words."""

    recipes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def matching(
        self,
        *,
        all_: tuple[str, ...] = (),
        any_: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        q: str | None = None,
        author: str | None = None,
    ) -> set[str]:
        found = set()
        for recipe_id, recipe in self.recipes.items():
            names, recipe_tags = recipe["ingredients"], recipe["tags"]
            if not set(all_) <= names or (any_ and not set(any_) & names) or set(exclude) & names:
                continue
            if not set(tags) <= recipe_tags or (author is not None and recipe["author"] != author):
                continue
            words = recipe["title"].lower().split()
            if q is not None and not any(alternative in words for alternative in q.split(" or ")):
                continue
            found.add(recipe_id)
        return found

    def usage(self) -> dict[str, int]:
        return {name: sum(name in r["ingredients"] for r in self.recipes.values()) for name in INGREDIENTS}


def body(rng: random.Random, index: int) -> dict[str, Any]:
    names = rng.sample(INGREDIENTS, rng.randint(1, 4))
    lines = [{"ingredient": name.title() if rng.random() < 0.3 else name, "quantity": 1, "unit": "g"} for name in names]
    if rng.random() < 0.3:
        lines.append({"ingredient": f"  {names[0].upper()} ", "quantity": 2, "unit": "g"})  # the same one twice
    tags = rng.sample(TAGS, rng.randint(0, 3))
    marker = rng.choice([*MARKERS, "plain"])
    return recipe_payload(
        title=f"{marker.title()} dish {index}",
        ingredients=lines,
        tags=[tag.upper() if rng.random() < 0.2 else tag for tag in tags],
    )


def remember(model: Model, recipe_id: str, author: str, payload: dict[str, Any]) -> None:
    model.recipes[recipe_id] = {
        "author": author,
        "title": payload["title"],
        "ingredients": {" ".join(line["ingredient"].split()).lower() for line in payload["ingredients"]},
        "tags": {tag.lower() for tag in payload["tags"]},
    }


async def every_page(client: Client, params: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The ids of every page, following the ``next`` links, and the last page's body."""
    ids: list[str] = []
    url: str | None = RECIPES
    query: dict[str, Any] | None = {**params, "limit": 4}
    last: dict[str, Any] = {}
    while url is not None:
        response = await client.get(url, params=query, headers={"Cache-Control": "no-cache"})
        assert response.status_code == 200, response.text
        last = response.json()
        ids += [item["id"] for item in last["items"]]
        found = re.search(r'<([^>]+)>; rel="next"', response.headers.get("link", ""))
        url, query = (found.group(1), None) if found else (None, None)
        assert len(ids) < 200, "the links never end"
    return ids, last


CASES: list[dict[str, Any]] = [
    {},
    {"all_": ("tomato", "onion")},
    {"all_": ("tomato", "no such thing")},
    {"any_": ("basil", "tofu")},
    {"any_": ("no such thing", "tofu")},
    {"exclude": ("garlic", "butter")},
    {"exclude": ("no such thing",)},
    {"tags": ("vegan",)},
    {"tags": ("vegan", "quick")},
    {"tags": (LONGEST_TAG,)},
    {"tags": (LONGEST_TAG + "yy",)},  # longer than any tag can be: cut to the column's 40, it would match one
    {"q": "smoky"},
    {"q": "smoky or zesty"},
    {"q": "smoky or unheardof"},
    {"q": "zesty", "all_": ("salt",)},
    {"q": "velvet", "exclude": ("garlic",), "tags": ("thai",)},
    {"tags": ("italian",), "any_": ("tomato", "black pepper"), "exclude": ("tofu",)},
]


def params_of(case: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, name in (("all_", "ingredients_all"), ("any_", "ingredients_any"), ("exclude", "exclude_ingredients")):
        if key in case:
            params[name] = list(case[key])
    if "tags" in case:
        params["tag"] = list(case["tags"])
    if "q" in case:
        params["q"] = case["q"]
    return params


async def check_lists(client: Client, model: Model, *, exact: bool) -> None:
    for case in CASES:
        expected = model.matching(**case)
        ids, last = await every_page(client, params_of(case))
        assert len(ids) == len(set(ids)), case
        assert set(ids) == expected, case
        if exact:
            assert (last["total"], last["total_exact"]) == (len(expected), True), case
        elif last["total_exact"]:
            assert last["total"] == len(expected), case
    for author in {r["author"] for r in model.recipes.values()}:
        response = await client.get(f"/api/v1/users/{author}/recipes", params={"limit": 100})
        assert {item["id"] for item in response.json()["items"]} == model.matching(author=author)


async def analyse(database_url: str) -> None:
    """What autovacuum does on a live database; the app reads the new statistics at once."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("ANALYZE recipe"))
    await engine.dispose()
    listing.forget()


async def drift(database_url: str) -> list[Any]:
    """Recipes whose arrays disagree with their lines and tag rows."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                """
                SELECT id FROM recipe r
                WHERE ingredient_ids IS DISTINCT FROM ARRAY(
                        SELECT DISTINCT ingredient_id FROM recipe_ingredient WHERE recipe_id = r.id ORDER BY 1)::uuid[]
                   OR tags IS DISTINCT FROM ARRAY(
                        SELECT tag FROM recipe_tag WHERE recipe_id = r.id ORDER BY tag COLLATE "C")::varchar[]
                """
            )
        )
        found = list(rows.scalars())
    await engine.dispose()
    return found


async def usage_counts(client: Client) -> dict[str, int]:
    response = await client.get("/api/v1/ingredients", params={"limit": 100}, headers={"Cache-Control": "no-cache"})
    assert response.status_code == 200, response.text
    return {item["name"]: item["recipe_count"] for item in response.json()["items"]}


async def pending_usage(database_url: str) -> int:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM ingredient_usage"))).scalar_one()
    await engine.dispose()
    return int(count)


async def test_filters_return_exactly_the_matching_recipes_on_both_paths_after_every_kind_of_write(
    app: Litestar, client: Client, settings: Settings, database_url: str
) -> None:
    rng = random.Random(12)  # noqa: S311 - test data, not secrets
    model = Model()
    (ada_id, ada), (bob_id, bob) = await quick_user(app, "ada@example.com"), await quick_user(app, "bob@example.com")
    for index in range(40):
        author, headers = (ada_id, ada) if index % 3 else (bob_id, bob)
        payload = body(rng, index)
        response = await client.post(RECIPES, json=payload, headers=headers)
        assert response.status_code == 201, response.text
        remember(model, response.json()["id"], author, payload)

    walking = create_app(replace(settings, exact_total_limit=0))
    # Counts at most 5 matches exactly before walking instead: the estimate's mistakes cost a detour, not answers.
    detouring = create_app(replace(settings, exact_total_limit=1))
    async with running(walking) as walker, running(detouring) as detourer:

        async def check_everything() -> None:
            assert await drift(database_url) == []
            await check_lists(client, model, exact=True)
            await analyse(database_url)
            await check_lists(walker, model, exact=False)
            await check_lists(detourer, model, exact=False)
            listing.forget()
            expected_usage = {name: n for name, n in model.usage().items() if n}
            assert {k: v for k, v in (await usage_counts(client)).items() if v} == expected_usage

        await check_everything()

        ada_recipes = [rid for rid, r in model.recipes.items() if r["author"] == ada_id]
        # PUT: everything replaced.
        replaced = body(rng, 100)
        assert (await client.put(f"{RECIPES}/{ada_recipes[0]}", json=replaced, headers=ada)).status_code == 200
        remember(model, ada_recipes[0], ada_id, replaced)
        # PATCH of the ingredients only, of the tags only, of the title only.
        lines = [
            {"ingredient": "Tofu", "quantity": 1, "unit": "g"},
            {"ingredient": "onion", "quantity": 1, "unit": "g"},
        ]
        assert (
            await client.patch(f"{RECIPES}/{ada_recipes[1]}", json={"ingredients": lines}, headers=ada)
        ).status_code == 200
        model.recipes[ada_recipes[1]]["ingredients"] = {"tofu", "onion"}
        assert (
            await client.patch(f"{RECIPES}/{ada_recipes[2]}", json={"tags": ["Thai", "vegan"]}, headers=ada)
        ).status_code == 200
        model.recipes[ada_recipes[2]]["tags"] = {"thai", "vegan"}
        patched = await client.patch(f"{RECIPES}/{ada_recipes[3]}", json={"title": "Velvet soup"}, headers=ada)
        assert patched.status_code == 200
        model.recipes[ada_recipes[3]]["title"] = "Velvet soup"
        # DELETE of one recipe, then of a whole account with its recipes.
        assert (await client.delete(f"{RECIPES}/{ada_recipes[4]}", headers=ada)).status_code == 204
        del model.recipes[ada_recipes[4]]
        gone = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=bob)
        assert gone.status_code == 204
        model.recipes = {rid: r for rid, r in model.recipes.items() if r["author"] != bob_id}

        await check_everything()

        # Folding the pending usage deltas changes no count, and leaves none pending.
        before = await usage_counts(client)
        assert await pending_usage(database_url) > 0
        await fold_ingredient_usage(app.plugins.get(ChopchopPlugin).job_context)
        assert await pending_usage(database_url) == 0
        assert await usage_counts(client) == before


async def test_usage_counts_stay_exact_under_concurrent_writes_and_folds(
    app: Litestar, client: Client, database_url: str
) -> None:
    """Twenty cooks add salt at once while the fold job runs: no count is lost or doubled, no writer waits on
    another's salt row."""
    cooks = [await quick_user(app, f"cook{i}@example.com") for i in range(20)]
    context = app.plugins.get(ChopchopPlugin).job_context
    salted = recipe_payload(ingredients=[{"ingredient": "salt", "quantity": 1, "unit": "g"}], tags=[])

    async def cook(headers: dict[str, str]) -> str:
        response = await client.post(RECIPES, json=salted, headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def folds() -> None:
        for _ in range(5):
            await fold_ingredient_usage(context)
            await asyncio.sleep(0.01)

    created, _ = await asyncio.gather(asyncio.gather(*(cook(headers) for _, headers in cooks)), folds())
    assert (await usage_counts(client))["salt"] == 20
    deletions = [client.delete(f"{RECIPES}/{rid}", headers=cooks[i][1]) for i, rid in enumerate(created[:7])]
    results, _ = await asyncio.gather(asyncio.gather(*deletions), folds())
    assert all(result.status_code == 204 for result in results)
    assert (await usage_counts(client))["salt"] == 13
    await fold_ingredient_usage(context)
    assert (await usage_counts(client))["salt"] == 13
    assert await pending_usage(database_url) == 0


async def test_large_lists_report_an_estimate_and_the_last_page_the_exact_count(
    app: Litestar, client: Client, settings: Settings, database_url: str
) -> None:
    """The counting contract: a full page of many matches says ``total_exact: false`` and links to the next page;
    a short page's total is exact; offsets stop at MAX_SEARCH_OFFSET with a 400."""
    author_id, headers = await quick_user(app, "ada@example.com")
    for index in range(11):
        response = await client.post(RECIPES, json=recipe_payload(title=f"Dish {index}"), headers=headers)
        assert response.status_code == 201
    await analyse(database_url)
    walking = create_app(replace(settings, exact_total_limit=0))
    async with running(walking) as walker:
        first = await walker.get(RECIPES, params={"limit": 5})
        assert first.status_code == 200
        page = first.json()
        assert page["total_exact"] is False
        assert page["total"] >= 6
        assert 'rel="next"' in first.headers["link"]
        last = (await walker.get(RECIPES, params={"limit": 5, "offset": 10})).json()
        assert (len(last["items"]), last["total"], last["total_exact"]) == (1, 11, True)
        # The default app counts small tables exactly on every page (read through: both apps share the cache).
        exact = (await client.get(RECIPES, params={"limit": 5}, headers={"Cache-Control": "no-cache"})).json()
        assert (exact["total"], exact["total_exact"]) == (11, True)
    for url in (RECIPES, f"/api/v1/users/{author_id}/recipes"):
        too_deep = await client.get(url, params={"offset": MAX_SEARCH_OFFSET + 1})
        assert too_deep.status_code == 400, too_deep.text
        assert too_deep.headers["content-type"].startswith("application/problem+json")
        assert (await client.get(url, params={"offset": MAX_SEARCH_OFFSET})).status_code == 200


async def test_searches_that_nest_negations_deeper_than_postgresql_allows_are_answered(
    app: Litestar, client: Client
) -> None:
    """Each ``-`` before a word is one more NOT; PostgreSQL's parser overflows at 33. Two cancel out."""
    _, headers = await quick_user(app, "ada@example.com")
    water = [{"ingredient": "water", "quantity": 1, "unit": "l"}]
    for title in ("Tomato soup", "Onion soup"):
        response = await client.post(RECIPES, json=recipe_payload(title=title, ingredients=water), headers=headers)
        assert response.status_code == 201
    for query, expected in (
        ("-" * 40 + "tomato", {"Tomato soup"}),
        ("- " * 41 + "tomato", {"Onion soup"}),
        ("soup " + "-" * 33, {"Tomato soup", "Onion soup"}),
    ):
        response = await client.get(RECIPES, params={"q": query})
        assert response.status_code == 200, (query, response.text)
        assert {item["title"] for item in response.json()["items"]} == expected, query


async def test_a_search_no_index_can_answer_is_exact_or_a_422_never_a_long_scan(
    app: Litestar, client: Client, settings: Settings, database_url: str
) -> None:
    """20,000 recipes that all say "chop": ``q=-chop`` (only a negated word) matches none, and no index can find
    that out. The walk gives up after its window; the last resort reads everything within the search timeout:
    an exact empty page by default, a 422 ``search-too-broad`` when the timeout is too short for it."""
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL session_replication_role = replica"))
        for seed_sql in SEED_SQL[:3]:  # users, the catalogue, recipes
            await connection.execute(text(seed_sql))
    await engine.dispose()
    await analyse(database_url)
    walking = create_app(replace(settings, exact_total_limit=0))
    hurried = create_app(replace(settings, exact_total_limit=0, search_timeout_ms=1))
    async with running(walking) as walker, running(hurried) as hurry:
        answer = await walker.get(RECIPES, params={"q": "-chop", "sort": "title"})
        assert answer.status_code == 200, answer.text
        assert (answer.json()["items"], answer.json()["total"], answer.json()["total_exact"]) == ([], 0, True)
        # Common matches are still found by the walk, with an estimate.
        fresh = {"Cache-Control": "no-cache"}
        found = await walker.get(RECIPES, params={"q": "chop", "sort": "title"}, headers=fresh)
        assert (len(found.json()["items"]), found.json()["total_exact"]) == (20, False)
        refused = await hurry.get(RECIPES, params={"q": "-chop", "sort": "title"}, headers=fresh)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"].endswith("/search-too-broad")
        # The refused request left nothing behind: its connection answers the next one.
        again = await hurry.get(RECIPES, params={"q": "chop"}, headers=fresh)
        assert again.status_code == 200, again.text
        # While every slot for such reads is taken, one more is a 429 after a short wait; lists a walk answers
        # are not held up.
        for _ in range(listing.EVERY_MATCH_CONCURRENCY):
            await listing.EVERY_MATCH.acquire()
        try:
            busy = await walker.get(RECIPES, params={"q": "-chop", "sort": "quickest"}, headers=fresh)
            assert busy.status_code == 429, busy.text
            assert busy.headers["retry-after"] == "1"
            assert busy.json()["type"].endswith("/too-many-searches")
            assert (await walker.get(RECIPES, params={"q": "chop"}, headers=fresh)).status_code == 200
        finally:
            for _ in range(listing.EVERY_MATCH_CONCURRENCY):
                listing.EVERY_MATCH.release()
        calm = await walker.get(RECIPES, params={"q": "-chop", "sort": "quickest"}, headers=fresh)
        assert calm.status_code == 200, calm.text
