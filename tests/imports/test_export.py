"""The schema.org export: content negotiation on GET /recipes/{id}, one cache entry and one ETag per representation,
the document's shape checked against schema.org's Recipe vocabulary, and a round trip through the import."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from litestar import Litestar

from tests.helpers import Client, count_statements, quick_user
from tests.imports.pages import Answer, PageServer, html_page, json_ld

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
LD = "application/ld+json"
#: schema.org's Recipe properties (its own, HowTo's, CreativeWork's and Thing's) that an export may carry. `image`
#: and `aggregateRating` are there for when photos and ratings land.
RECIPE_PROPERTIES = {
    "@context", "@type", "@id",
    "name", "description", "url", "image", "identifier", "sameAs",
    "author", "datePublished", "dateModified", "dateCreated", "keywords", "inLanguage", "aggregateRating",
    "recipeIngredient", "recipeInstructions", "recipeYield", "recipeCategory", "recipeCuisine",
    "prepTime", "cookTime", "totalTime", "performTime", "nutrition", "suitableForDiet", "cookingMethod",
    "estimatedCost", "supply", "tool", "step", "yield", "comment", "commentCount", "interactionStatistic",
}  # fmt: skip
PERSON_PROPERTIES = {"@type", "@id", "name", "url"}
HOW_TO_STEP_PROPERTIES = {"@type", "@id", "position", "text", "name", "url", "image"}
ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

SOUP = {
    "title": "Tomato soup",
    "description": "Quick & warming.\nGood with bread.",
    "complexity": "easy",
    "servings": 4,
    "prep_minutes": 10,
    "cook_minutes": 95,
    "steps": ["Chop the onion.", "Simmer everything for 1 h 30."],
    "ingredients": [
        {"ingredient": "tomato", "quantity": 800, "unit": "g", "note": "ripe"},
        {"ingredient": "olive oil", "quantity": 1.5, "unit": "tbsp"},
        {"ingredient": "onion", "quantity": 1},
        {"ingredient": "salt", "quantity": 1, "unit": "pinch"},
        {"ingredient": "basil"},
    ],
    "tags": ["soup", "vegetarian"],
}


async def _recipe(http: Client, auth: dict[str, str]) -> dict[str, Any]:
    response = await http.post(RECIPES, json=SOUP, headers=auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


def check_schema_org(document: dict[str, Any]) -> None:
    """What schema.org and search engines require of a Recipe, and nothing outside its vocabulary."""
    assert document["@context"] == "https://schema.org" and document["@type"] == "Recipe"
    assert set(document) <= RECIPE_PROPERTIES, set(document) - RECIPE_PROPERTIES
    assert isinstance(document["name"], str) and document["name"]
    assert all(isinstance(line, str) and line for line in document["recipeIngredient"])
    for position, step in enumerate(document["recipeInstructions"], start=1):
        assert set(step) <= HOW_TO_STEP_PROPERTIES and step["@type"] == "HowToStep"
        assert step["position"] == position and isinstance(step["text"], str) and step["text"]
    for duration in ("prepTime", "cookTime", "totalTime"):
        assert ISO_DURATION.match(document[duration]), document[duration]
    assert set(document["author"]) <= PERSON_PROPERTIES and document["author"]["@type"] == "Person"
    assert document["author"]["url"].startswith("http://testserver.local/api/v1/users/")
    assert ISO_DATE_TIME.match(document["datePublished"]) and ISO_DATE_TIME.match(document["dateModified"])
    assert isinstance(document["recipeYield"], str | int)
    assert isinstance(document.get("keywords", ""), str)


async def test_negotiation_and_the_document(importer: tuple[Litestar, Client]) -> None:
    app, http = importer
    user_id, auth = await quick_user(app, "export@example.com", name="Ada")
    recipe = await _recipe(http, auth)
    url = f"{RECIPES}/{recipe['id']}"
    plain = await http.get(url)
    assert plain.headers["content-type"].startswith("application/json") and plain.headers["vary"] == "Accept"
    linked = await http.get(url, headers={"accept": LD})
    assert linked.status_code == 200 and linked.headers["content-type"].startswith(LD)
    assert linked.headers["vary"] == "Accept" and linked.headers["etag"] != plain.headers["etag"]
    document = linked.json()
    check_schema_org(document)
    assert document["name"] == "Tomato soup" and document["description"] == SOUP["description"]
    assert document["url"] == document["@id"] == f"http://testserver.local{url}"
    assert document["author"] == {
        "@type": "Person",
        "name": "Ada",
        "url": f"http://testserver.local/api/v1/users/{user_id}",
    }
    assert (document["prepTime"], document["cookTime"], document["totalTime"]) == ("PT10M", "PT1H35M", "PT1H45M")
    assert document["recipeYield"] == "4 servings" and document["keywords"] == "soup, vegetarian"
    assert document["recipeIngredient"] == [
        "800 g tomato, ripe",
        "1.5 tbsp olive oil",
        "1 onion",
        "1 pinch salt",
        "basil",
    ]
    assert [s["text"] for s in document["recipeInstructions"]] == SOUP["steps"]
    # Quality values are honoured; wildcards match; the server's order breaks ties.
    cases = {
        f"{LD};q=0.5, application/json": "application/json",
        f"application/json;q=0.4, {LD};q=0.8": LD,
        "application/json;q=0, */*": LD,
        "application/*": "application/json",
        "*/*": "application/json",
        f"text/html, {LD};q=0.1": LD,
        "garbage": "application/json",
    }
    for accept, expected in cases.items():
        response = await http.get(url, headers={"accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(expected), accept
    for accept in ("text/html", "application/xml, text/*;q=0.9", f"{LD};q=0, application/json;q=0"):
        refused = await http.get(url, headers={"accept": accept})
        assert refused.status_code == 406, accept
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"] == "https://chopchop.dev/problems/not-acceptable"
    assert (
        await http.get(f"{RECIPES}/00000000-0000-7000-8000-000000000000", headers={"accept": LD})
    ).status_code == 404


async def test_one_cache_entry_per_representation(importer: tuple[Litestar, Client]) -> None:
    app, http = importer
    _, auth = await quick_user(app, "cache@example.com")
    recipe = await _recipe(http, auth)
    url = f"{RECIPES}/{recipe['id']}"
    plain = await http.get(url)  # cached as JSON
    with count_statements(app) as statements:
        linked = await http.get(url, headers={"accept": LD})
    assert statements, "the JSON-LD answer came from the JSON entry"
    assert linked.json()["@type"] == "Recipe"
    with count_statements(app) as statements:
        again = await http.get(url, headers={"accept": f"{LD}, application/json;q=0.1"})  # another spelling
        json_again = await http.get(url, headers={"accept": "*/*"})
    assert not statements, "a second spelling of the same choice misses the cache"
    assert again.content == linked.content and json_again.content == plain.content
    assert again.headers["vary"] == json_again.headers["vary"] == "Accept"
    # Validators are per representation: the JSON-LD ETag does not revalidate the JSON.
    ld_etag = linked.headers["etag"]
    assert (await http.get(url, headers={"accept": LD, "if-none-match": ld_etag})).status_code == 304
    assert (await http.get(url, headers={"if-none-match": ld_etag})).status_code == 200
    # Ratings reach it as schema.org's AggregateRating (absent while nobody rated: it needs a count above zero).
    assert "aggregateRating" not in (await http.get(url, headers={"accept": LD})).json()
    for n, stars in enumerate((5, 4)):
        _, rater = await quick_user(app, f"rater{n}@example.com")
        assert (await http.put(f"{url}/rating", json={"stars": stars}, headers=rater)).status_code == 201
    rating = (await http.get(url, headers={"accept": LD})).json()["aggregateRating"]
    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": 4.5,
        "ratingCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    # A change reaches both representations.
    changed = await http.patch(url, json={"title": "Better soup"}, headers=auth)
    assert changed.status_code == 200
    assert (await http.get(url, headers={"accept": LD})).json()["name"] == "Better soup"
    assert (await http.get(url)).json()["title"] == "Better soup"


async def test_round_trip(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "trip@example.com")
    recipe = await _recipe(http, auth)
    document = (await http.get(f"{RECIPES}/{recipe['id']}", headers={"accept": LD})).json()
    pages.pages["/exported"] = Answer(body=html_page(head=json_ld(document)))
    started = await http.post("/api/v1/recipes/imports", json={"url": pages.url("/exported")}, headers=auth)
    assert started.status_code == 202
    for _ in range(400):
        state = (await http.get(started.headers["location"], headers=auth)).json()
        if state["status"] in {"done", "failed"}:
            break
        await asyncio.sleep(0.05)
    assert state["status"] == "done", state
    copy = (await http.get(f"{RECIPES}/{state['recipe_id']}", headers=auth)).json()  # a draft: its importer's
    same = ("title", "description", "servings", "prep_minutes", "cook_minutes", "steps", "tags")
    assert {k: copy[k] for k in same} == {k: recipe[k] for k in same}

    def lines(r: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(i["ingredient"]["name"], i["quantity"], i["unit"], i["note"]) for i in r["ingredients"]]

    assert lines(copy) == lines(recipe)
