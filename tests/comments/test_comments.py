"""Comments on recipes: who may write, edit and delete them, the public list, and the recipe's comment count."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from chopchop.db import Recipe
from chopchop.domain.comments.services import CommentService
from chopchop.server import ChopchopPlugin
from tests.factories import comment_payload
from tests.helpers import count_statements, insert_recipe, quick_user

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]


async def comment_count(app: Litestar, recipe_id: str) -> int:
    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        return int(
            (await session.execute(select(Recipe.comment_count).where(Recipe.id == UUID(recipe_id)))).scalar_one()
        )


async def post_comment(client: Client, recipe_id: str, headers: dict[str, str], body: str) -> dict[str, Any]:
    response = await client.post(f"/api/v1/recipes/{recipe_id}/comments", json={"body": body}, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_comment_on_a_recipe(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    ada_id, ada = await quick_user(app, "ada@example.com", "Ada")
    recipe_id = await insert_recipe(app, chef_id)

    response = await client.post(
        f"/api/v1/recipes/{recipe_id}/comments", json={"body": "Lovely!\n\tWould cook again."}, headers=ada
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["body"] == "Lovely!\n\tWould cook again."
    assert created["recipe_id"] == recipe_id
    assert created["author"] == {"id": ada_id, "display_name": "Ada"}
    assert created["created_at"] == created["updated_at"]
    assert "email" not in response.text
    assert response.headers["location"] == f"/api/v1/comments/{created['id']}"
    fetched = await client.get(response.headers["location"])  # public: no Authorization header
    assert fetched.status_code == 200
    assert fetched.json() == created
    assert await comment_count(app, recipe_id) == 1


async def test_commenting_needs_an_access_token(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    recipe_id = await insert_recipe(app, chef_id)

    response = await client.post(f"/api/v1/recipes/{recipe_id}/comments", json=comment_payload())

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await comment_count(app, recipe_id) == 0


async def test_comment_on_a_missing_recipe_is_404(app: Litestar, client: Client) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")

    response = await client.post(f"/api/v1/recipes/{uuid4()}/comments", json=comment_payload(), headers=ada)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


async def test_comment_body_rules(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    recipe_id = await insert_recipe(app, chef_id)
    url = f"/api/v1/recipes/{recipe_id}/comments"

    refused: list[Any] = [
        {"body": ""},
        {"body": "   \n\t "},
        {"body": "x" * 5001},
        {"body": "nul \x00 inside"},
        {"body": "bell \x07"},
        {"body": "carriage\rreturn"},
        {"body": "delete \x7f"},
        {"body": 42},
        {},
        {"body": "fine", "author_id": chef_id},  # unknown fields are refused, not ignored
        {"body": "fine", "recipe_id": str(uuid4())},
    ]
    for payload in refused:
        response = await client.post(url, json=payload, headers=ada)
        assert response.status_code == 400, (payload, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")

    for body in ("x", "x" * 5000, "line one\nline two\ttabbed", "Crème brûlée 🍮"):
        created = await post_comment(client, recipe_id, ada, body)
        assert created["body"] == body
    assert await comment_count(app, recipe_id) == 4


async def test_list_a_recipes_comments_oldest_first_with_pages(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    recipe_id = await insert_recipe(app, chef_id)
    other_recipe = await insert_recipe(app, chef_id, title="Other")
    await post_comment(client, other_recipe, ada, "elsewhere")
    bodies = [f"comment {i}" for i in range(7)]
    for i, body in enumerate(bodies):
        await post_comment(client, recipe_id, ada if i % 2 == 0 else bob, body)
    url = f"/api/v1/recipes/{recipe_id}/comments"

    everything = await client.get(url)  # public
    assert everything.status_code == 200
    page = everything.json()
    assert [c["body"] for c in page["items"]] == bodies
    assert [c["author"]["display_name"] for c in page["items"]] == ["Ada", "Bob", "Ada", "Bob", "Ada", "Bob", "Ada"]
    assert (page["total"], page["limit"], page["offset"]) == (7, 20, 0)
    assert "link" not in everything.headers

    first = await client.get(url, params={"limit": 3})
    assert [c["body"] for c in first.json()["items"]] == bodies[:3]
    assert 'rel="next"' in first.headers["link"]
    assert "offset=3" in first.headers["link"]
    second = await client.get(url, params={"limit": 3, "offset": 3})
    assert [c["body"] for c in second.json()["items"]] == bodies[3:6]
    assert 'rel="prev"' in second.headers["link"]
    last = await client.get(url, params={"limit": 3, "offset": 6})
    assert [c["body"] for c in last.json()["items"]] == bodies[6:]
    past_the_end = await client.get(url, params={"offset": 50})
    assert past_the_end.json()["items"] == []
    assert past_the_end.json()["total"] == 7

    for params in ({"limit": 101}, {"limit": 0}, {"offset": -1}):
        refused = await client.get(url, params=params)
        assert refused.status_code == 400, params

    missing = await client.get(f"/api/v1/recipes/{uuid4()}/comments")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_listing_comments_costs_the_same_statements_whatever_the_page_size(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    recipe_id = await insert_recipe(app, chef_id)
    authors = [(await quick_user(app, f"cook{i}@example.com", f"Cook {i}"))[1] for i in range(6)]
    for i in range(24):
        await post_comment(client, recipe_id, authors[i % len(authors)], f"comment {i}")
    url = f"/api/v1/recipes/{recipe_id}/comments"

    with count_statements(app) as small:
        assert len((await client.get(url, params={"limit": 2})).json()["items"]) == 2
    with count_statements(app) as large:
        assert len((await client.get(url, params={"limit": 24})).json()["items"]) == 24

    assert len(small) == len(large) <= 3, large


async def test_only_the_author_edits_a_comment(app: Litestar, client: Client) -> None:
    chef_id, chef = await quick_user(app, "chef@example.com", "Chef")
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    recipe_id = await insert_recipe(app, chef_id)
    created = await post_comment(client, recipe_id, ada, "Too salty")
    url = f"/api/v1/comments/{created['id']}"

    for someone_else in (bob, chef):  # the recipe's author may delete, not rewrite
        refused = await client.patch(url, json={"body": "Perfect"}, headers=someone_else)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await client.patch(url, json={"body": "Perfect"})).status_code == 401
    assert (await client.get(url)).json()["body"] == "Too salty"

    unchanged = await client.patch(url, json={}, headers=ada)  # absent fields stay as they are
    assert unchanged.status_code == 200
    assert unchanged.json() == created

    for payload in ({"body": ""}, {"body": "a\x00"}, {"body": None}, {"body": "ok", "recipe_id": recipe_id}):
        assert (await client.patch(url, json=payload, headers=ada)).status_code == 400, payload

    edited = await client.patch(url, json={"body": "Just right after all"}, headers=ada)
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "Just right after all"
    assert edited.json()["created_at"] == created["created_at"]
    assert edited.json()["updated_at"] > created["updated_at"]
    assert (await client.get(url)).json() == edited.json()

    missing = await client.patch(f"/api/v1/comments/{uuid4()}", json={"body": "x"}, headers=ada)
    assert missing.status_code == 404
    assert (await client.get(f"/api/v1/comments/{uuid4()}")).status_code == 404
    assert await comment_count(app, recipe_id) == 1


async def test_the_comment_author_or_the_recipe_author_deletes_a_comment(app: Litestar, client: Client) -> None:
    chef_id, chef = await quick_user(app, "chef@example.com", "Chef")
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    recipe_id = await insert_recipe(app, chef_id)
    by_ada = await post_comment(client, recipe_id, ada, "mine")
    also_by_ada = await post_comment(client, recipe_id, ada, "mine too")
    assert await comment_count(app, recipe_id) == 2

    refused = await client.delete(f"/api/v1/comments/{by_ada['id']}", headers=bob)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await client.delete(f"/api/v1/comments/{by_ada['id']}")).status_code == 401
    assert await comment_count(app, recipe_id) == 2

    assert (await client.delete(f"/api/v1/comments/{by_ada['id']}", headers=ada)).status_code == 204
    assert (await client.get(f"/api/v1/comments/{by_ada['id']}")).status_code == 404
    assert await comment_count(app, recipe_id) == 1
    # Moderation: the recipe's author removes a comment under their recipe.
    assert (await client.delete(f"/api/v1/comments/{also_by_ada['id']}", headers=chef)).status_code == 204
    assert await comment_count(app, recipe_id) == 0

    again = await client.delete(f"/api/v1/comments/{by_ada['id']}", headers=ada)
    assert again.status_code == 404
    assert await comment_count(app, recipe_id) == 0
    assert (await client.get(f"/api/v1/recipes/{recipe_id}/comments")).json()["total"] == 0


async def test_comment_count_is_exact_under_concurrent_comments_and_deletes(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    recipe_id = await insert_recipe(app, chef_id)
    cooks = [(await quick_user(app, f"cook{i}@example.com", f"Cook {i}"))[1] for i in range(5)]
    url = f"/api/v1/recipes/{recipe_id}/comments"

    responses = await asyncio.gather(
        *(client.post(url, json={"body": f"comment {i}"}, headers=cooks[i % 5]) for i in range(50))
    )

    assert [r.status_code for r in responses] == [201] * 50
    assert await comment_count(app, recipe_id) == 50
    assert (await client.get(url)).json()["total"] == 50

    # Each comment deleted twice at once: only one delete of each succeeds, and each counts once.
    doomed = [r.json() for r in responses[:12]]
    deletes = await asyncio.gather(
        *(
            client.delete(f"/api/v1/comments/{c['id']}", headers=cooks[int(c["body"].split()[1]) % 5])
            for c in doomed + doomed
        )
    )
    assert sorted(r.status_code for r in deletes) == [204] * 12 + [404] * 12
    assert await comment_count(app, recipe_id) == 38
    assert (await client.get(url)).json()["total"] == 38


async def test_a_recipes_comments_go_with_it(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    recipe_id = await insert_recipe(app, chef_id)
    created = await post_comment(client, recipe_id, ada, "Nice")

    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        await session.delete(await session.get_one(Recipe, UUID(recipe_id)))
        await session.commit()

    assert (await client.get(f"/api/v1/comments/{created['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/recipes/{recipe_id}/comments")).status_code == 404


async def test_comments_are_in_the_openapi_document(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    operations = {
        "createComment": paths["/api/v1/recipes/{recipe_id}/comments"]["post"],
        "listRecipeComments": paths["/api/v1/recipes/{recipe_id}/comments"]["get"],
        "getComment": paths["/api/v1/comments/{comment_id}"]["get"],
        "updateComment": paths["/api/v1/comments/{comment_id}"]["patch"],
        "deleteComment": paths["/api/v1/comments/{comment_id}"]["delete"],
    }
    for operation_id, operation in operations.items():
        assert operation["operationId"] == operation_id
        assert operation["tags"] == ["comments"]
        assert operation["description"]
        assert "404" in operation["responses"]
    assert operations["listRecipeComments"]["security"] == []
    assert operations["getComment"]["security"] == []
    assert "security" not in operations["createComment"] or operations["createComment"]["security"] != []
    assert "403" in operations["deleteComment"]["responses"]


async def test_removing_all_of_a_users_comments_uncounts_them(app: Litestar, client: Client) -> None:
    chef_id, chef = await quick_user(app, "chef@example.com", "Chef")
    ada_id, ada = await quick_user(app, "ada@example.com", "Ada")
    soup, stew = await insert_recipe(app, chef_id, title="Soup"), await insert_recipe(app, chef_id, title="Stew")
    for recipe_id, body in ((soup, "a"), (soup, "b"), (stew, "c")):
        await post_comment(client, recipe_id, ada, body)
    kept = await post_comment(client, soup, chef, "thanks")

    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        removed = await CommentService(session=session).remove_all_by_author(UUID(ada_id))
        await session.commit()

    assert removed == 3
    assert (await comment_count(app, soup), await comment_count(app, stew)) == (1, 0)
    assert [c["id"] for c in (await client.get(f"/api/v1/recipes/{soup}/comments")).json()["items"]] == [kept["id"]]


async def test_deleting_an_account_uncounts_its_comments(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    recipe_id = await insert_recipe(app, chef_id)
    await post_comment(client, recipe_id, ada, "bye soon")

    deleted = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=ada)
    assert deleted.status_code == 204

    assert (await client.get(f"/api/v1/recipes/{recipe_id}/comments")).json()["total"] == 0
    assert await comment_count(app, recipe_id) == 0
