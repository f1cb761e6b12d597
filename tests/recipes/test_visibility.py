"""Drafts, private and public recipes over HTTP: who sees what, the lists and counts, the change feed, likes and
comments, the author's own list, and attempts to poison the shared response cache with what only an author sees."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import Client, asgi_client, quick_user
from tests.webhooks.test_webhooks import Receiver, hooks, receiver, verify
from tests.webhooks.test_webhooks import create as create_hook

__all__ = ["hooks", "receiver"]  # the webhook tests' fixtures, used here

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
MINE = "/api/v1/me/recipes"
CHANGES = "/api/v1/recipes/changes"
PRIVATE = "private, no-store"
PUBLIC = "public, no-cache"


async def create(client: Client, headers: dict[str, str], title: str, status: str | None = None) -> str:
    body = recipe_payload(title=title) if status is None else recipe_payload(title=title, status=status)
    response = await client.post(RECIPES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == (status or "public")
    return str(response.json()["id"])


async def set_status(client: Client, headers: dict[str, str], recipe_id: str, status: str) -> None:
    response = await client.patch(f"{RECIPES}/{recipe_id}", json={"status": status}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == status


async def listed_ids(client: Client, url: str, **params: Any) -> list[str]:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_a_draft_is_seen_by_its_author_only_and_in_no_public_list_count_or_search(
    client: Client, app: Litestar
) -> None:
    ada_id, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    public = await create(client, ada, "Zanzibar public stew")
    draft = await create(client, ada, "Zanzibar secret stew", "draft")
    private = await create(client, ada, "Zanzibar private stew", "private")

    for url, params in [
        (RECIPES, {}),
        (RECIPES, {"q": "zanzibar"}),
        (RECIPES, {"author": ada_id}),
        (RECIPES, {"sort": "title"}),
        (RECIPES, {"sort": "most_liked"}),
        (f"/api/v1/users/{ada_id}/recipes", {}),
    ]:
        assert await listed_ids(client, url, **params) == [public], (url, params)
        response = await client.get(url, params=params)
        assert response.json()["total"] == 1
    profile = (await client.get(f"/api/v1/users/{ada_id}")).json()
    assert profile["recipe_count"] == 1

    for hidden in (draft, private):
        # Anonymous, another user, a bad token: the same 404 as a recipe that does not exist.
        for headers in ({}, bob, {"Authorization": "Bearer nonsense"}):
            response = await client.get(f"{RECIPES}/{hidden}", headers=headers)
            assert response.status_code == 404, response.text
        mine = await client.get(f"{RECIPES}/{hidden}", headers=ada)
        assert mine.status_code == 200
        assert mine.headers["cache-control"] == PRIVATE
        # The author's read stored nothing: the next anonymous read is still a 404.
        assert (await client.get(f"{RECIPES}/{hidden}")).status_code == 404
    assert (await client.get(f"{RECIPES}/{public}", headers=ada)).headers["cache-control"] == PUBLIC


async def test_the_author_reading_a_draft_never_fills_the_shared_cache(client: Client, app: Litestar) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    draft = await create(client, ada, "Unseen soup", "draft")
    url = f"{RECIPES}/{draft}"
    for params in ({}, {"servings": 2}):
        mine = await client.get(url, params=params, headers=ada)
        assert mine.status_code == 200
        etag = mine.headers["etag"]
        # The author's own validator answers the author (a 304 of their copy), and nobody else.
        assert (await client.get(url, params=params, headers={**ada, "If-None-Match": etag})).status_code == 304
        for attempt in ({}, {"If-None-Match": etag}, {"If-None-Match": "*"}):
            response = await client.get(url, params=params, headers=attempt)
            assert response.status_code == 404, (params, attempt)
            assert "Unseen soup" not in response.text


async def test_concurrent_author_and_anonymous_reads_of_a_draft_never_cross(client: Client, app: Litestar) -> None:
    """Misses of one key are coalesced in a process: an author's answer must never be handed to a waiting reader."""
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    draft = await create(client, ada, "Coalesced soup", "draft")
    url = f"{RECIPES}/{draft}"

    async def read(as_author: bool) -> tuple[bool, int]:
        response = await client.get(url, headers=ada if as_author else {})
        return as_author, response.status_code

    for _ in range(5):
        results = await asyncio.gather(*(read(i % 2 == 0) for i in range(20)))
        assert all(status == (200 if as_author else 404) for as_author, status in results), results


async def test_a_stored_public_answer_is_never_served_once_the_recipe_is_not_public(
    client: Client, app: Litestar
) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    soup = await create(client, ada, "Flip-flop soup")
    url = f"{RECIPES}/{soup}"
    for status in ("private", "draft"):
        first = await client.get(url)
        assert first.status_code == 200
        assert first.headers["cache-control"] == PUBLIC
        etag = first.headers["etag"]
        assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304  # served from the cache
        listed = await listed_ids(client, RECIPES)
        assert soup in listed

        await set_status(client, ada, soup, status)
        for headers in ({}, {"If-None-Match": etag}, bob, {**bob, "If-None-Match": etag}):
            assert (await client.get(url, headers=headers)).status_code == 404, (status, headers)
        assert soup not in await listed_ids(client, RECIPES)
        mine = await client.get(url, headers=ada)
        assert mine.status_code == 200
        assert mine.json()["status"] == status
        assert mine.headers["cache-control"] == PRIVATE

        await set_status(client, ada, soup, "public")
        again = await client.get(url)
        assert again.status_code == 200
        assert again.json()["status"] == "public"
        assert soup in await listed_ids(client, RECIPES)


async def test_comments_and_likes_of_a_recipe_that_is_not_public_are_404(client: Client, app: Litestar) -> None:
    ada_id, ada = await quick_user(app, "ada@example.com", "Ada")
    bob_id, bob = await quick_user(app, "bob@example.com", "Bob")
    soup = await create(client, ada, "Liked soup")
    assert (await client.put(f"{RECIPES}/{soup}/like", headers=bob)).status_code == 200
    comment = await client.post(f"{RECIPES}/{soup}/comments", json={"body": "Lovely"}, headers=bob)
    assert comment.status_code == 201
    comment_url = f"/api/v1/comments/{comment.json()['id']}"
    assert (await client.get(f"{RECIPES}/{soup}/comments")).json()["total"] == 1
    assert (await client.get(comment_url)).status_code == 200
    assert (await client.get(f"/api/v1/users/{bob_id}/likes")).json()["total"] == 1
    assert (await client.get(f"/api/v1/users/{bob_id}")).json()["comment_count"] == 1

    await set_status(client, ada, soup, "private")
    for method, path, body in [
        ("PUT", f"{RECIPES}/{soup}/like", None),
        ("DELETE", f"{RECIPES}/{soup}/like", None),
        ("POST", f"{RECIPES}/{soup}/comments", {"body": "Hello?"}),
    ]:
        for headers in (bob, ada):
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == 404, (method, path, response.text)
    assert (await client.get(f"{RECIPES}/{soup}/comments")).status_code == 404
    assert (await client.get(comment_url)).status_code == 404
    likes = (await client.get(f"/api/v1/users/{bob_id}/likes")).json()
    assert likes["items"] == []
    assert likes["total"] == 0
    assert (await client.get(f"/api/v1/users/{bob_id}")).json()["comment_count"] == 0
    assert (await client.get(f"/api/v1/users/{ada_id}")).json()["recipe_count"] == 0

    await set_status(client, ada, soup, "public")
    assert (await client.get(f"{RECIPES}/{soup}/comments")).json()["total"] == 1
    assert (await client.get(comment_url)).status_code == 200
    assert (await client.get(f"/api/v1/users/{bob_id}/likes")).json()["total"] == 1
    assert (await client.get(f"{RECIPES}/{soup}")).json()["like_count"] == 1


async def test_a_put_that_names_no_status_keeps_it_and_a_patch_publishes(client: Client, app: Litestar) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    draft = await create(client, ada, "Work in progress", "draft")
    replaced = await client.put(f"{RECIPES}/{draft}", json=recipe_payload(title="Still a draft"), headers=ada)
    assert replaced.status_code == 200
    assert replaced.json()["status"] == "draft"
    assert (await client.get(f"{RECIPES}/{draft}")).status_code == 404
    # If-Match works as for any other change (the author's ETag of the draft).
    etag = (await client.get(f"{RECIPES}/{draft}", headers=ada)).headers["etag"]
    stale = await client.patch(f"{RECIPES}/{draft}", json={"status": "public"}, headers={**ada, "If-Match": '"stale"'})
    assert stale.status_code == 412
    published = await client.patch(f"{RECIPES}/{draft}", json={"status": "public"}, headers={**ada, "If-Match": etag})
    assert published.status_code == 200
    assert (await client.get(f"{RECIPES}/{draft}")).json()["title"] == "Still a draft"
    bad = await client.patch(f"{RECIPES}/{draft}", json={"status": "hidden"}, headers=ada)
    assert bad.status_code == 400
    null = await client.patch(f"{RECIPES}/{draft}", json={"status": None}, headers=ada)
    assert null.status_code == 400


async def test_my_recipes_lists_every_status_pages_by_cursor_and_is_never_cached(client: Client, app: Litestar) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    _, bob = await quick_user(app, "bob@example.com", "Bob")
    made = [
        await create(client, ada, f"Recipe {i}", status)
        for i, status in enumerate(["public", "draft", "private", "draft", "public"])
    ]
    await create(client, bob, "Bob's draft", "draft")
    assert (await client.get(MINE)).status_code == 401

    response = await client.get(MINE, headers=ada)
    assert response.status_code == 200
    assert response.headers["cache-control"] == PRIVATE
    body = response.json()
    assert [item["id"] for item in body["items"]] == made[::-1]
    assert body["total"] == 5
    assert [item["status"] for item in body["items"]] == ["public", "draft", "private", "draft", "public"]

    drafts = (await client.get(MINE, params={"status": "draft"}, headers=ada)).json()
    assert [item["id"] for item in drafts["items"]] == [made[3], made[1]]
    assert drafts["total"] == 2

    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = (await client.get(MINE, params=params, headers=ada)).json()
        seen += [item["id"] for item in page["items"]]
        if not page.get("next_cursor"):
            break
        params = {"limit": 2, "cursor": page["next_cursor"]}
    assert seen == made[::-1]
    # A cursor of one status filter is not one of another's.
    first = (await client.get(MINE, params={"limit": 1}, headers=ada)).json()
    crossed = await client.get(MINE, params={"status": "draft", "cursor": first["next_cursor"]}, headers=ada)
    assert crossed.status_code == 400
    assert (await client.get(MINE, params={"status": "hidden"}, headers=ada)).status_code == 400
    bobs = (await client.get(MINE, headers=bob)).json()
    assert [item["title"] for item in bobs["items"]] == ["Bob's draft"]


async def _feed(client: Client, since: str | None = None) -> tuple[list[tuple[str, str]], str]:
    """Every entry after ``since``, waiting up to 20 s for them: the feed shows a change once every transaction that
    started before it on the whole PostgreSQL server has ended (another test process's among them)."""
    entries: list[tuple[str, str]] = []
    cursor = since
    for _ in range(400):
        params = {"since": cursor} if cursor is not None else {}
        body = (await client.get(CHANGES, params=params)).json()
        entries += [(item["kind"], item["recipe_id"]) for item in body["items"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            if entries:
                break
            await asyncio.sleep(0.05)
    assert cursor is not None
    return entries, cursor


async def test_the_change_feed_shows_public_recipes_only_with_a_tombstone_when_one_stops_being_public(
    client: Client, app: Litestar
) -> None:
    _, ada = await quick_user(app, "ada@example.com", "Ada")
    soup = await create(client, ada, "Feed soup")
    entries, cursor = await _feed(client)
    assert entries == [("created", soup)]

    # A draft is never in the feed: not created, not edited, not deleted.
    draft = await create(client, ada, "Feed draft", "draft")
    assert (await client.patch(f"{RECIPES}/{draft}", json={"title": "Still drafting"}, headers=ada)).status_code == 200
    assert (await client.delete(f"{RECIPES}/{draft}", headers=ada)).status_code == 204
    marker = await create(client, ada, "Marker")
    entries, cursor = await _feed(client, cursor)
    assert entries == [("created", marker)]

    await set_status(client, ada, soup, "private")
    entries, cursor = await _feed(client, cursor)
    assert entries == [("deleted", soup)]
    # Edits while private tell the feed nothing.
    assert (await client.patch(f"{RECIPES}/{soup}", json={"title": "Secret soup"}, headers=ada)).status_code == 200
    await set_status(client, ada, marker, "draft")
    entries, cursor = await _feed(client, cursor)
    assert entries == [("deleted", marker)]

    await set_status(client, ada, soup, "public")
    entries, _ = await _feed(client, cursor)
    assert entries == [("updated", soup)]
    body = (await client.get(CHANGES, params={"since": cursor})).json()
    assert body["items"][0]["recipe"]["title"] == "Secret soup"

    # From the start: public recipes, and tombstones of what stopped being public; nothing of the draft ever.
    start, _ = await _feed(client)
    assert start == [("deleted", marker), ("updated", soup)]


async def test_webhooks_tell_nothing_of_a_recipe_that_is_not_public(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    hook_app, http = hooks
    _, author = await quick_user(hook_app, "hooked@example.com", "Hooked")
    hook = await create_hook(http, author, receiver.url(), ["recipe.deleted"])
    draft = await create(http, author, "Draft to delete", "draft")
    assert (await http.delete(f"{RECIPES}/{draft}", headers=author)).status_code == 204
    public = await create(http, author, "Public to delete")
    assert (await http.delete(f"{RECIPES}/{public}", headers=author)).status_code == 204
    received = await receiver.wait_for(1)
    await asyncio.sleep(0.5)  # time for a delivery of the draft's deletion, were there one
    assert [verify(hook["secret"], r)["data"]["recipe_id"] for r in received] == [public]


async def test_the_embedded_sqlite_mode_hides_drafts_from_lists_the_feed_and_the_cache(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
    )
    embedded = create_app(settings)
    async with embedded.lifespan(), asgi_client(embedded) as http:
        ada_id, ada = await quick_user(embedded, "ada@example.com", "Ada")
        soup = await create(http, ada, "Embedded soup")
        draft = await create(http, ada, "Embedded draft", "draft")
        assert await listed_ids(http, RECIPES) == [soup]
        assert await listed_ids(http, RECIPES, q="embedded") == [soup]
        assert await listed_ids(http, f"/api/v1/users/{ada_id}/recipes") == [soup]
        assert (await http.get(f"{RECIPES}/{draft}", headers=ada)).status_code == 200
        assert (await http.get(f"{RECIPES}/{draft}")).status_code == 404
        assert (await http.get(f"{RECIPES}/{soup}")).status_code == 200  # stored in the memory cache
        start = (await http.get(CHANGES)).json()
        assert [(i["kind"], i["recipe_id"]) for i in start["items"]] == [("created", soup)]

        await set_status(http, ada, soup, "private")
        assert (await http.get(f"{RECIPES}/{soup}")).status_code == 404
        assert await listed_ids(http, RECIPES) == []
        feed = (await http.get(CHANGES, params={"since": start["next_cursor"]})).json()
        assert [(i["kind"], i["recipe_id"]) for i in feed["items"]] == [("deleted", soup)]
        await set_status(http, ada, draft, "public")
        feed = (await http.get(CHANGES, params={"since": feed["next_cursor"]})).json()
        assert [(i["kind"], i["recipe_id"]) for i in feed["items"]] == [("updated", draft)]
        assert await listed_ids(http, RECIPES) == [draft]
        mine = (await http.get(MINE, headers=ada)).json()
        assert [item["id"] for item in mine["items"]] == [draft, soup]


async def test_the_author_reads_a_draft_with_a_personal_access_token_but_not_after_logout(
    client: Client, app: Litestar
) -> None:
    await quick_user(app, "ada@example.com", "Ada")
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse battery"}
    )
    assert login.status_code == 200, login.text
    ada = {"Authorization": f"Bearer {login.json()['access_token']}"}
    draft = await create(client, ada, "Token draft", "draft")
    made = await client.post("/api/v1/me/tokens", headers=ada, json={"name": "script", "scopes": ["read"]})
    assert made.status_code == 201, made.text
    script = {"Authorization": f"Bearer {made.json()['token']}"}
    assert (await client.get(f"{RECIPES}/{draft}", headers=script)).status_code == 200
    assert (await client.get(MINE, headers=script)).status_code == 200
    # A logged-out access token is nobody: the draft is a 404 again, like for anyone.
    assert (await client.post("/api/v1/me/logout", headers=ada)).status_code in {200, 204}
    assert (await client.get(f"{RECIPES}/{draft}", headers=ada)).status_code == 404
    assert (await client.get(f"{RECIPES}/{draft}", headers=script)).status_code == 200


async def test_the_ingredient_catalogue_counts_public_recipes_only(client: Client, app: Litestar) -> None:
    """A draft's ingredients are not counted (a count the public reads would tell of recipes it cannot see), and
    they are counted from the moment it is published, uncounted when it is taken back (cached list included)."""
    _, ada = await quick_user(app, "ada@example.com")

    async def counts() -> dict[str, int]:
        response = await client.get("/api/v1/ingredients", params={"prefix": "s"})
        assert response.status_code == 200, response.text
        return {item["name"]: item["recipe_count"] for item in response.json()["items"]}

    def lines(*names: str) -> list[dict[str, Any]]:
        return [{"ingredient": name} for name in names]

    public = await client.post(RECIPES, json=recipe_payload(ingredients=lines("saffron")), headers=ada)
    assert public.status_code == 201, public.text
    body = recipe_payload(ingredients=lines("saffron", "sumac"), status="draft")
    draft = (await client.post(RECIPES, json=body, headers=ada)).json()["id"]
    assert await counts() == {"saffron": 1, "sumac": 0}
    await set_status(client, ada, draft, "public")
    assert await counts() == {"saffron": 2, "sumac": 1}
    await set_status(client, ada, draft, "private")
    assert await counts() == {"saffron": 1, "sumac": 0}
    assert (await client.delete(f"{RECIPES}/{draft}", headers=ada)).status_code == 204
    assert await counts() == {"saffron": 1, "sumac": 0}
