"""Hidden recipes and comments: gone from every public read (and the shared cache) for everyone, shown to their
authors and moderators through the moderation routes only; comment counts stay exact."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from litestar import Litestar

from chopchop.db import Role
from tests.helpers import quick_user
from tests.moderation.steps import audit, create_comment, create_recipe, problem_type, user_with_role

pytestmark = pytest.mark.integration


async def _public_sightings(client: httpx.AsyncClient, recipe_id: str, author_id: str) -> dict[str, object]:
    """Everywhere the public can see a recipe, read anonymously."""
    detail = await client.get(f"/api/v1/recipes/{recipe_id}")
    listed = (await client.get("/api/v1/recipes")).json()
    searched = (await client.get("/api/v1/recipes", params={"q": "zabaglione"})).json()
    by_author = (await client.get(f"/api/v1/users/{author_id}/recipes")).json()
    profile = (await client.get(f"/api/v1/users/{author_id}")).json()
    return {
        "detail": detail.status_code,
        "list": [r["id"] for r in listed["items"]],
        "list_total": listed["total"],
        "search": [r["id"] for r in searched["items"]],
        "by_author": [r["id"] for r in by_author["items"]],
        "profile_recipes": profile["recipe_count"],
    }


async def _feed_entry(client: httpx.AsyncClient, recipe_id: str, kind: str) -> dict[str, Any]:
    """The recipe's entry in the change feed once it is of ``kind``. The feed shows a transaction's change once
    every transaction that started before it, on the whole (shared) server, has ended: wait for it."""
    for _ in range(300):
        feed = (await client.get("/api/v1/recipes/changes", params={"limit": "1000"})).json()
        entries = [entry for entry in feed["items"] if entry["recipe_id"] == recipe_id]
        if entries and entries[-1]["kind"] == kind:
            found: dict[str, Any] = entries[-1]
            return found
        await asyncio.sleep(0.05)
    msg = f"no {kind} entry of {recipe_id} in the feed"
    raise AssertionError(msg)


async def test_a_hidden_recipe_is_gone_for_everyone_but_its_author_and_moderators(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    author_id, author = await quick_user(app, "author@example.com", "Author")
    _, reader = await quick_user(app, "reader@example.com", "Reader")
    _, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    recipe_id = await create_recipe(client, author, "Zabaglione")
    other_id = await create_recipe(client, author, "Porridge")
    assert (await client.put(f"/api/v1/recipes/{recipe_id}/like", headers=reader)).status_code == 200

    shown = await _public_sightings(client, recipe_id, author_id)  # also fills the cache
    assert shown == {
        "detail": 200,
        "list": [other_id, recipe_id],
        "list_total": 2,
        "search": [recipe_id],
        "by_author": [other_id, recipe_id],
        "profile_recipes": 2,
    }

    hidden = await client.put(
        f"/api/v1/moderation/recipes/{recipe_id}/hidden", json={"reason": "Copied from a book."}, headers=moderator
    )
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["moderation"]["hidden"] is True
    assert hidden.json()["moderation"]["reason"] == "Copied from a book."

    assert await _public_sightings(client, recipe_id, author_id) == {
        "detail": 404,
        "list": [other_id],
        "list_total": 1,
        "search": [],
        "by_author": [other_id],
        "profile_recipes": 1,
    }
    liked = await client.get(f"/api/v1/users/{(await client.get('/api/v1/me', headers=reader)).json()['id']}/likes")
    assert liked.json()["items"] == []
    # Signed in makes no difference on the public routes: not the author, not a moderator.
    for auth in (author, moderator, reader):
        assert (await client.get(f"/api/v1/recipes/{recipe_id}", headers=auth)).status_code == 404
    # Nobody can like or comment on it.
    assert (await client.put(f"/api/v1/recipes/{recipe_id}/like", headers=author)).status_code == 404
    comment = await client.post(f"/api/v1/recipes/{recipe_id}/comments", json={"body": "Hm"}, headers=reader)
    assert comment.status_code == 404

    # Its author and moderators see it, with why, through the moderation route: never from a shared cache.
    for auth in (author, moderator, admin):
        seen = await client.get(f"/api/v1/moderation/recipes/{recipe_id}", headers=auth)
        assert seen.status_code == 200, seen.text
        assert seen.json()["recipe"]["title"] == "Zabaglione"
        assert seen.json()["moderation"]["reason"] == "Copied from a book."
        assert seen.headers["cache-control"] == "private, no-store"
    refused = await client.get(f"/api/v1/moderation/recipes/{recipe_id}", headers=reader)
    assert refused.status_code == 403
    assert problem_type(refused) == "insufficient-role"
    # The author can still edit it (it stays hidden).
    edited = await client.patch(f"/api/v1/recipes/{recipe_id}", json={"description": "Better."}, headers=author)
    assert edited.status_code == 200, edited.text
    assert (await client.get(f"/api/v1/recipes/{recipe_id}")).status_code == 404

    # The change feed says it is gone.
    last = await _feed_entry(client, recipe_id, "deleted")
    assert "recipe" not in last

    shown_again = await client.delete(f"/api/v1/moderation/recipes/{recipe_id}/hidden", headers=moderator)
    assert shown_again.status_code == 200
    assert shown_again.json()["moderation"] == {"hidden": False, "hidden_at": None, "reason": None}
    back = await _public_sightings(client, recipe_id, author_id)
    assert back["detail"] == 200
    assert back["list_total"] == 2
    assert back["search"] == [recipe_id]
    assert (await _feed_entry(client, recipe_id, "updated"))["recipe"]["title"] == "Zabaglione"

    entries = await audit(client, admin, target=recipe_id)
    assert [(e["action"], e["actor_label"], e["reason"]) for e in entries] == [
        ("recipe_shown", "mod@example.com", None),
        ("recipe_hidden", "mod@example.com", "Copied from a book."),
    ]


async def test_what_a_moderator_or_author_reads_is_never_served_to_anyone_else(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    """Cache poisoning attempts: privileged reads of hidden content, on every route and in every order."""
    _, author = await quick_user(app, "author@example.com", "Author")
    _, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    recipe_id = await create_recipe(client, author, "Zabaglione")
    comment_id = await create_comment(client, author, recipe_id, "My own tip.")
    anonymous = await client.get(f"/api/v1/recipes/{recipe_id}")
    assert anonymous.status_code == 200
    assert anonymous.headers["cache-control"] == "public, no-cache"  # shared, so it must be the same for all

    await client.put(f"/api/v1/moderation/recipes/{recipe_id}/hidden", json={"reason": "Spam"}, headers=moderator)
    await client.put(f"/api/v1/moderation/comments/{comment_id}/hidden", json={"reason": "Spam"}, headers=moderator)
    for _ in range(3):
        for auth in (moderator, author):
            assert (await client.get(f"/api/v1/moderation/recipes/{recipe_id}", headers=auth)).status_code == 200
            assert (await client.get(f"/api/v1/moderation/comments/{comment_id}", headers=auth)).status_code == 200
            assert (await client.get(f"/api/v1/recipes/{recipe_id}", headers=auth)).status_code == 404
        # Concurrent reads of a privileged and an anonymous caller: the single-flight of the cache never hands one's
        # answer to the other.
        reads = await asyncio.gather(
            client.get(f"/api/v1/recipes/{recipe_id}", headers=moderator),
            client.get(f"/api/v1/recipes/{recipe_id}"),
            client.get(f"/api/v1/comments/{comment_id}", headers=author),
            client.get(f"/api/v1/comments/{comment_id}"),
        )
        assert [r.status_code for r in reads] == [404, 404, 404, 404]
        assert (await client.get(f"/api/v1/recipes/{recipe_id}")).status_code == 404
        assert (await client.get(f"/api/v1/recipes/{recipe_id}/comments")).status_code == 404
        assert recipe_id not in (await client.get("/api/v1/recipes")).text


async def test_hidden_comments_are_not_shown_nor_counted_and_the_count_stays_exact(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    author_id, author = await quick_user(app, "author@example.com", "Author")
    commenter_id, commenter = await quick_user(app, "commenter@example.com", "Commenter")
    _, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    recipe_id = await create_recipe(client, author, "Zabaglione")
    rude = await create_comment(client, commenter, recipe_id, "Rude words.")
    kind = await create_comment(client, commenter, recipe_id, "Lovely.")
    other = await create_comment(client, author, recipe_id, "Thanks!")

    async def counts() -> tuple[int, int, list[str], int, int]:
        detail = (await client.get(f"/api/v1/recipes/{recipe_id}")).json()
        listed = (await client.get("/api/v1/recipes")).json()["items"][0]
        comments = (await client.get(f"/api/v1/recipes/{recipe_id}/comments")).json()
        profile = (await client.get(f"/api/v1/users/{commenter_id}")).json()
        return (
            detail["comment_count"],
            listed["comment_count"],
            [c["id"] for c in comments["items"]],
            comments["total"],
            profile["comment_count"],
        )

    assert await counts() == (3, 3, [rude, kind, other], 3, 2)
    assert (await client.get(f"/api/v1/comments/{rude}")).status_code == 200  # cached now

    # Two moderators hide the same comment at once: it is uncounted once.
    hides = await asyncio.gather(
        *(
            client.put(f"/api/v1/moderation/comments/{rude}/hidden", json={"reason": "Insults"}, headers=moderator)
            for _ in range(4)
        )
    )
    assert [r.status_code for r in hides] == [200] * 4
    assert await counts() == (2, 2, [kind, other], 2, 1)
    assert (await client.get(f"/api/v1/comments/{rude}")).status_code == 404
    assert len(await audit(client, admin, target=rude, action="comment_hidden")) == 1

    # Its author sees it, hidden; others do not.
    seen = await client.get(f"/api/v1/moderation/comments/{rude}", headers=commenter)
    assert seen.status_code == 200
    assert seen.json()["comment"]["body"] == "Rude words."
    assert seen.json()["moderation"]["hidden"] is True
    assert (await client.get(f"/api/v1/moderation/comments/{rude}", headers=author)).status_code == 403

    # Deleting a hidden comment does not uncount it a second time; deleting a shown one does.
    assert (await client.delete(f"/api/v1/comments/{rude}", headers=commenter)).status_code == 204
    assert await counts() == (2, 2, [kind, other], 2, 1)
    hidden_kind = await client.put(
        f"/api/v1/moderation/comments/{kind}/hidden", json={"reason": "Off topic"}, headers=moderator
    )
    assert hidden_kind.status_code == 200
    assert await counts() == (1, 1, [other], 1, 0)
    assert (await client.delete(f"/api/v1/moderation/comments/{kind}/hidden", headers=moderator)).status_code == 200
    assert await counts() == (2, 2, [kind, other], 2, 1)

    # Hiding the recipe hides its comments too (their page and their reads), without touching its counter.
    await client.put(f"/api/v1/moderation/recipes/{recipe_id}/hidden", json={"reason": "Spam"}, headers=moderator)
    assert (await client.get(f"/api/v1/comments/{kind}")).status_code == 404
    assert (await client.get(f"/api/v1/recipes/{recipe_id}/comments")).status_code == 404
    assert (await client.get(f"/api/v1/users/{commenter_id}")).json()["comment_count"] == 0
    assert (await client.get(f"/api/v1/users/{author_id}")).json()["recipe_count"] == 0


async def test_users_cannot_moderate(app: Litestar, client: httpx.AsyncClient) -> None:
    _, author = await quick_user(app, "author@example.com", "Author")
    user_id, user = await quick_user(app, "user@example.com", "User")
    recipe_id = await create_recipe(client, author, "Zabaglione")
    comment_id = await create_comment(client, author, recipe_id, "Tip.")
    attempts = [
        ("PUT", f"/api/v1/moderation/recipes/{recipe_id}/hidden", {"reason": "x"}),
        ("DELETE", f"/api/v1/moderation/recipes/{recipe_id}/hidden", None),
        ("PUT", f"/api/v1/moderation/comments/{comment_id}/hidden", {"reason": "x"}),
        ("PUT", f"/api/v1/moderation/users/{user_id}/suspension", {"reason": "x"}),
        ("GET", f"/api/v1/moderation/users/{user_id}", None),
        ("GET", "/api/v1/moderation/reports", None),
        ("PUT", f"/api/v1/admin/users/{user_id}/role", {"role": "admin"}),
        ("GET", "/api/v1/admin/audit-log", None),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=user)
        assert response.status_code == 403, (method, path, response.text)
        assert problem_type(response) == "insufficient-role", (method, path)
        assert (await client.request(method, path, json=body)).status_code == 401, (method, path)
    assert (await client.get(f"/api/v1/recipes/{recipe_id}")).status_code == 200
