"""The public user directory and profiles: active users only, public fields only, the same for everyone."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from chopchop.server import ChopchopPlugin
from tests.factories import comment_payload
from tests.helpers import count_statements, insert_recipe, quick_user, register

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]


def names(response: Any) -> list[str]:
    return [user["display_name"] for user in response.json()["items"]]


async def test_directory_lists_active_users_by_name_without_private_fields(app: Litestar, client: Client) -> None:
    for email, name in [
        ("c@example.com", "carol"),
        ("a@example.com", "Ada"),
        ("b@example.com", "Bob"),
        ("z@example.com", "Zoë"),
    ]:
        await quick_user(app, email, name)
    await register(client, "pending@example.com", name="Pending Person")  # not confirmed: not listed

    response = await client.get("/api/v1/users")  # public: no Authorization header

    assert response.status_code == 200
    body = response.json()
    # Case is ignored in the order: "carol" sorts between "Bob" and "Zoë".
    assert names(response) == ["Ada", "Bob", "carol", "Zoë"]
    assert (body["total"], body["limit"], body["offset"]) == (4, 20, 0)
    assert set(body["items"][0]) == {"id", "display_name", "created_at"}
    assert "@example.com" not in response.text
    assert "Pending" not in response.text


async def test_same_name_ties_are_broken_by_id_and_pages_do_not_overlap(app: Litestar, client: Client) -> None:
    ids = sorted([(await quick_user(app, f"sam{i}@example.com", "Sam"))[0] for i in range(5)], key=UUID)
    await quick_user(app, "al@example.com", "Al")

    first = await client.get("/api/v1/users", params={"limit": 3})
    second = await client.get("/api/v1/users", params={"limit": 3, "offset": 3})

    assert names(first) == ["Al", "Sam", "Sam"]
    seen = [u["id"] for u in first.json()["items"][1:]] + [u["id"] for u in second.json()["items"]]
    assert seen == ids
    assert first.json()["total"] == 6
    assert 'rel="next"' in first.headers["link"]
    assert "offset=3" in first.headers["link"]
    assert 'rel="prev"' in second.headers["link"]
    assert 'rel="next"' not in second.headers["link"]
    for params in ({"limit": 101}, {"limit": 0}, {"offset": -1}, {"q": "x" * 101}, {"q": "a\x00"}):
        assert (await client.get("/api/v1/users", params=params)).status_code == 400, params
    # An empty search box searches nothing out.
    assert (await client.get("/api/v1/users", params={"q": ""})).json()["total"] == 6


async def test_search_users_by_name_ignoring_case(app: Litestar, client: Client) -> None:
    for i, name in enumerate(["Ada Lovelace", "ada byron", "Grace Hopper", "Adam", "50% Baker", "Under_score"]):
        await quick_user(app, f"u{i}@example.com", name)
    await register(client, "hidden@example.com", name="Ada Hidden")  # unconfirmed

    found = await client.get("/api/v1/users", params={"q": "ADA"})
    assert names(found) == ["ada byron", "Ada Lovelace", "Adam"]
    assert found.json()["total"] == 3
    assert names(await client.get("/api/v1/users", params={"q": "hopp"})) == ["Grace Hopper"]
    # LIKE wildcards in the query are plain characters ("o_e" as a pattern would match "Lovelace").
    assert names(await client.get("/api/v1/users", params={"q": "%"})) == ["50% Baker"]
    assert names(await client.get("/api/v1/users", params={"q": "o_e"})) == []
    assert names(await client.get("/api/v1/users", params={"q": "_"})) == ["Under_score"]
    paged = await client.get("/api/v1/users", params={"q": "ada", "limit": 1, "offset": 1})
    assert names(paged) == ["Ada Lovelace"]
    assert "q=ada" in paged.headers["link"]  # the links keep the search


async def test_listing_users_costs_the_same_statements_whatever_the_page_size(app: Litestar, client: Client) -> None:
    for i in range(25):
        await quick_user(app, f"cook{i}@example.com", f"Cook {i}")

    with count_statements(app) as small:
        assert len(names(await client.get("/api/v1/users", params={"limit": 2}))) == 2
    with count_statements(app) as large:
        assert len(names(await client.get("/api/v1/users", params={"limit": 25}))) == 25

    assert len(small) == len(large) <= 2, large


async def test_public_profile_with_counts(app: Litestar, client: Client) -> None:
    chef_id, _ = await quick_user(app, "chef@example.com", "Chef")
    ada_id, ada = await quick_user(app, "ada@example.com", "Ada")
    soup = await insert_recipe(app, chef_id, like_count=3)
    await insert_recipe(app, chef_id, like_count=4)
    await insert_recipe(app, ada_id, like_count=10)
    for _ in range(2):
        response = await client.post(f"/api/v1/recipes/{soup}/comments", json=comment_payload(), headers=ada)
        assert response.status_code == 201

    chef = await client.get(f"/api/v1/users/{chef_id}")  # public
    assert chef.status_code == 200
    profile = chef.json()
    assert profile["id"] == chef_id
    assert profile["display_name"] == "Chef"
    assert (profile["recipe_count"], profile["likes_received"], profile["comment_count"]) == (2, 7, 0)
    assert (profile["follower_count"], profile["following_count"]) == (0, 0)
    assert set(profile) == {
        "id",
        "display_name",
        "created_at",
        "recipe_count",
        "likes_received",
        "comment_count",
        "follower_count",
        "following_count",
    }
    assert "chef@example.com" not in chef.text

    # Signed in or not, the answer is the same (it will be cached for everyone).
    as_ada = await client.get(f"/api/v1/users/{ada_id}", headers=ada)
    anonymous = await client.get(f"/api/v1/users/{ada_id}")
    assert as_ada.json() == anonymous.json()
    assert (anonymous.json()["recipe_count"], anonymous.json()["likes_received"]) == (1, 10)
    assert anonymous.json()["comment_count"] == 2
    assert "ada@example.com" not in anonymous.text
    # The email is on the owner's own /me, and only there.
    assert (await client.get("/api/v1/me", headers=ada)).json()["email"] == "ada@example.com"


async def test_a_user_without_recipes_has_zero_counts(app: Litestar, client: Client) -> None:
    user_id, _ = await quick_user(app, "new@example.com", "Newcomer")

    profile = (await client.get(f"/api/v1/users/{user_id}")).json()

    assert (profile["recipe_count"], profile["likes_received"], profile["comment_count"]) == (0, 0, 0)


async def test_unconfirmed_and_unknown_users_are_404(app: Litestar, client: Client) -> None:
    await register(client, "pending@example.com", name="Pending")
    plugin = app.plugins.get(ChopchopPlugin)
    from chopchop.domain.accounts.services import RegistrationService

    async with plugin.db_config.get_session() as session:
        pending = await RegistrationService(session=session).newest("pending@example.com")
    assert pending is not None

    # A registration's id is never a user's.
    for user_id in (pending.id, uuid4()):
        response = await client.get(f"/api/v1/users/{user_id}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_users_are_in_the_openapi_document(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    listing, detail = paths["/api/v1/users"]["get"], paths["/api/v1/users/{user_id}"]["get"]
    assert (listing["operationId"], detail["operationId"]) == ("listUsers", "getUser")
    for operation in (listing, detail):
        assert operation["tags"] == ["users"]
        assert operation["security"] == []
        assert operation["description"]
    assert "404" in detail["responses"]
    assert {p.get("name") for p in listing["parameters"]} >= {"q", "limit", "offset"}  # headers are `$ref`s
