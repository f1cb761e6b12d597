"""Recipes over HTTP: create/read/replace/patch/delete, ownership, validation, scaling and the catalogue."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"

SOUP: dict[str, Any] = {
    "title": "  Tomato soup ",
    "description": "Quick and warming.",
    "complexity": "easy",
    "servings": 4,
    "prep_minutes": 10,
    "cook_minutes": 25,
    "steps": ["Chop the onion.", "Fry it in the oil.", "Add tomatoes and simmer."],
    "ingredients": [
        {"ingredient": "  Tomato  ", "quantity": 800, "unit": "g", "note": "tinned"},
        {"ingredient": "Red   ONION", "quantity": 1, "unit": "piece"},
        {"ingredient": "olive oil", "quantity": 2, "unit": "tbsp"},
        {"ingredient": "salt"},
    ],
    "tags": ["Vegetarian", "soup", "vegetarian"],
}


async def create(client: Client, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post(RECIPES, json=recipe_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_returns_201_location_and_the_normalised_recipe(client: Client, app: Litestar) -> None:
    user_id, headers = await quick_user(app, "ada@example.com", "Ada")
    response = await client.post(RECIPES, json=SOUP, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{RECIPES}/{body['id']}"
    assert body["title"] == "Tomato soup"
    assert body["author"] == {"id": user_id, "display_name": "Ada"}
    assert body["total_minutes"] == 35
    assert body["like_count"] == 0
    assert body["comment_count"] == 0
    assert body["steps"] == SOUP["steps"]
    assert [line["ingredient"]["name"] for line in body["ingredients"]] == ["tomato", "red onion", "olive oil", "salt"]
    assert [line["position"] for line in body["ingredients"]] == [1, 2, 3, 4]
    assert body["ingredients"][0]["quantity"] == 800
    assert body["ingredients"][0]["note"] == "tinned"
    assert body["ingredients"][3] | {"ingredient": None} == {
        "position": 4,
        "ingredient": None,
        "quantity": None,
        "unit": None,
        "note": None,
    }
    assert body["tags"] == ["soup", "vegetarian"]

    fetched = await client.get(body["id"].join([f"{RECIPES}/", ""]))
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_catalogue_names_are_shared_whatever_the_case(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    first = await create(client, headers, ingredients=[{"ingredient": "Tomato"}])
    second = await create(client, headers, ingredients=[{"ingredient": " TOMATO "}, {"ingredient": "toffee"}])
    assert first["ingredients"][0]["ingredient"] == second["ingredients"][0]["ingredient"]

    response = await client.get("/api/v1/ingredients", params={"prefix": "To"})
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2
    assert [(i["name"], i["recipe_count"]) for i in page["items"]] == [("toffee", 1), ("tomato", 2)]
    assert (await client.get("/api/v1/ingredients", params={"prefix": "%"})).json()["total"] == 0
    assert (await client.get("/api/v1/ingredients", params={"prefix": "x\x00"})).status_code == 400


async def test_create_needs_a_token(client: Client) -> None:
    response = await client.post(RECIPES, json=SOUP)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_server_managed_fields_are_refused(client: Client, app: Litestar) -> None:
    other_id, _ = await quick_user(app, "bob@example.com")
    _, headers = await quick_user(app, "ada@example.com")
    for field, value in [
        ("author_id", other_id),
        ("author", {"id": other_id}),
        ("like_count", 1000),
        ("comment_count", 5),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("total_minutes", 1),
        ("id", str(uuid.uuid4())),
    ]:
        response = await client.post(RECIPES, json=recipe_payload(**{field: value}), headers=headers)
        assert response.status_code == 400, (field, response.text)
        assert response.json()["type"].endswith("validation-error")


async def test_invalid_input_is_a_400_never_a_500(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    line = {"ingredient": "tomato"}
    cases: list[dict[str, Any]] = [
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "nul\x00byte"},
        {"title": "bell\x07"},
        {"description": "d" * 5001},
        {"description": "nul\x00"},
        {"complexity": "extreme"},
        {"servings": 0},
        {"servings": 1001},
        {"servings": 2.5},
        {"prep_minutes": -1},
        {"cook_minutes": 10081},
        {"steps": []},
        {"steps": ["ok", ""]},
        {"steps": ["s"] * 101},
        {"steps": ["x" * 2001]},
        {"ingredients": [line] * 101},
        {"ingredients": [{"ingredient": ""}]},
        {"ingredients": [{"ingredient": "x" * 101}]},
        {"ingredients": [{"ingredient": "to\x00mato"}]},
        {"ingredients": [{"ingredient": "tomato", "quantity": 0}]},
        {"ingredients": [{"ingredient": "tomato", "quantity": -1}]},
        {"ingredients": [{"ingredient": "tomato", "quantity": 1e12}]},
        {"ingredients": [{"ingredient": "tomato", "unit": "bucket"}]},
        {"ingredients": [{"ingredient": "tomato", "note": "n" * 201}]},
        {"ingredients": [{"ingredient": "tomato", "colour": "red"}]},
        {"tags": [f"t{i}" for i in range(21)]},
        {"tags": ["x" * 41]},
        {"tags": ["bad/tag"]},
        {"title": None},
    ]
    for overrides in cases:
        response = await client.post(RECIPES, json=recipe_payload(**overrides), headers=headers)
        assert response.status_code == 400, (overrides, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.post(RECIPES, content=b"{not json", headers=headers)).status_code == 400
    assert (await client.get(f"{RECIPES}?limit=abc")).status_code == 400
    assert (await client.get(f"{RECIPES}", params={"q": "x" * 201})).status_code == 400
    assert (await client.get(f"{RECIPES}", params={"q": "a\x00b"})).status_code == 400
    assert (await client.get(f"{RECIPES}", params={"ingredients_all": "x" * 101})).status_code == 400
    assert (await client.get(f"{RECIPES}", params={"author": "not-a-uuid"})).status_code == 400


async def test_missing_recipe_is_404(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    missing = f"{RECIPES}/{uuid.uuid4()}"
    assert (await client.get(missing)).status_code == 404
    assert (await client.put(missing, json=recipe_payload(), headers=headers)).status_code == 404
    assert (await client.patch(missing, json={"title": "x"}, headers=headers)).status_code == 404
    assert (await client.delete(missing, headers=headers)).status_code == 404
    response = await client.get(missing)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"{RECIPES}/not-a-uuid")).status_code == 404


async def test_only_the_author_changes_or_deletes(client: Client, app: Litestar) -> None:
    _, ada = await quick_user(app, "ada@example.com")
    _, bob = await quick_user(app, "bob@example.com")
    recipe = await create(client, ada, title="Ada's soup")
    url = f"{RECIPES}/{recipe['id']}"
    for response in [
        await client.put(url, json=recipe_payload(title="Bob's soup"), headers=bob),
        await client.patch(url, json={"title": "Bob's soup"}, headers=bob),
        await client.delete(url, headers=bob),
    ]:
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 403
    assert (await client.patch(url, json={"title": "x"})).status_code == 401
    assert (await client.get(url)).json()["title"] == "Ada's soup"


async def test_put_replaces_the_whole_recipe(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    recipe = await create(client, headers, **SOUP)
    url = f"{RECIPES}/{recipe['id']}"
    replacement = {
        "title": "Garlic bread",
        "complexity": "medium",
        "servings": 2,
        "prep_minutes": 5,
        "cook_minutes": 10,
        "steps": ["Mix butter and garlic.", "Bake."],
        "ingredients": [{"ingredient": "Garlic", "quantity": 3, "unit": "clove"}, {"ingredient": "bread"}],
    }
    response = await client.put(url, json=replacement, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Garlic bread"
    assert body["description"] == ""  # left out: back to its default
    assert body["tags"] == []
    assert body["total_minutes"] == 15
    assert [(i["ingredient"]["name"], i["quantity"], i["unit"]) for i in body["ingredients"]] == [
        ("garlic", 3, "clove"),
        ("bread", None, None),
    ]
    assert body["created_at"] == recipe["created_at"]
    assert body["updated_at"] > recipe["updated_at"]
    assert (await client.get(url)).json() == body
    # PUT needs the whole recipe.
    assert (await client.put(url, json={"title": "Only a title"}, headers=headers)).status_code == 400


async def test_patch_changes_only_the_fields_sent(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    recipe = await create(client, headers, **SOUP)
    url = f"{RECIPES}/{recipe['id']}"

    response = await client.patch(url, json={"title": "Better tomato soup"}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    unchanged = {k: v for k, v in recipe.items() if k not in {"title", "updated_at"}}
    assert {k: v for k, v in body.items() if k not in {"title", "updated_at"}} == unchanged
    assert body["title"] == "Better tomato soup"

    # An empty PATCH changes nothing (no field is nulled).
    empty = await client.patch(url, json={}, headers=headers)
    assert empty.status_code == 200
    assert {k: v for k, v in empty.json().items() if k != "updated_at"} == {
        k: v for k, v in body.items() if k != "updated_at"
    }

    # The derived total follows either part.
    response = await client.patch(url, json={"cook_minutes": 5}, headers=headers)
    assert (response.json()["prep_minutes"], response.json()["total_minutes"]) == (10, 15)

    response = await client.patch(
        url, json={"tags": ["Winter"], "ingredients": [{"ingredient": "leek"}]}, headers=headers
    )
    assert response.json()["tags"] == ["winter"]
    assert [i["ingredient"]["name"] for i in response.json()["ingredients"]] == ["leek"]
    assert response.json()["steps"] == SOUP["steps"]

    # null is not a value of any recipe field; counters are not client-settable.
    for patch_body in [{"title": None}, {"servings": None}, {"steps": None}, {"like_count": 5}, {"author_id": None}]:
        refused = await client.patch(url, json=patch_body, headers=headers)
        assert refused.status_code == 400, (patch_body, refused.text)

    # The search text follows a PATCH too.
    found = await client.get(RECIPES, params={"q": "leek"})
    assert [r["id"] for r in found.json()["items"]] == [recipe["id"]]


async def test_delete_is_204_then_404(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    recipe = await create(client, headers)
    url = f"{RECIPES}/{recipe['id']}"
    response = await client.delete(url, headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(url)).status_code == 404
    assert (await client.delete(url, headers=headers)).status_code == 404


async def test_servings_scales_quantities(client: Client, app: Litestar) -> None:
    _, headers = await quick_user(app, "ada@example.com")
    recipe = await create(client, headers, **SOUP)
    url = f"{RECIPES}/{recipe['id']}"

    doubled = (await client.get(url, params={"servings": 8})).json()
    assert doubled["servings"] == 8
    assert doubled["original_servings"] == 4
    assert [i["quantity"] for i in doubled["ingredients"]] == [1600, 2, 4, None]

    third = (await client.get(url, params={"servings": 3})).json()
    assert [i["quantity"] for i in third["ingredients"]] == [600, 0.75, 1.5, None]

    same = (await client.get(url)).json()
    assert same["servings"] == same["original_servings"] == 4
    assert [i["quantity"] for i in same["ingredients"]] == [800, 1, 2, None]

    for bad in ["0", "-1", "1001", "two"]:
        response = await client.get(url, params={"servings": bad})
        assert response.status_code == 400, bad
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_openapi_documents_the_recipe_endpoints(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]: (method, path, op) for path, item in schema["paths"].items() for method, op in item.items()
    }
    for operation_id in [
        "listRecipes",
        "getRecipe",
        "createRecipe",
        "replaceRecipe",
        "updateRecipe",
        "deleteRecipe",
        "likeRecipe",
        "unlikeRecipe",
        "listIngredients",
        "listUserRecipes",
        "listUserLikes",
    ]:
        assert operation_id in operations, operation_id
    assert operations["listRecipes"][2]["security"] == []
    assert operations["getRecipe"][2]["security"] == []
    assert "security" not in operations["createRecipe"][2] or operations["createRecipe"][2]["security"] != []
    assert {"403", "404"} <= set(operations["updateRecipe"][2]["responses"])
    assert "Link" in operations["listRecipes"][2]["responses"]["200"]["headers"]
