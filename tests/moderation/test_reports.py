"""Users report content; moderators work through the open reports, oldest first; every action is in the audit log."""

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


def _report(target_type: str, target_id: str, reason: str = "spam", **extra: Any) -> dict[str, Any]:
    return {"target_type": target_type, "target_id": target_id, "reason": reason, **extra}


async def test_report_then_resolve_by_hiding(app: Litestar, client: httpx.AsyncClient) -> None:
    author_id, author = await quick_user(app, "author@example.com", "Author")
    reporter_id, reporter = await quick_user(app, "reporter@example.com", "Reporter")
    _, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    recipe_id = await create_recipe(client, author, "Zabaglione")
    comment_id = await create_comment(client, author, recipe_id, "Buy my pans!")

    first = await client.post(
        "/api/v1/reports", json=_report("recipe", recipe_id, details="Copied from  a book. "), headers=reporter
    )
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "open"
    assert first.json()["details"] == "Copied from  a book."
    assert first.json()["reporter_id"] == reporter_id
    again = await client.post("/api/v1/reports", json=_report("recipe", recipe_id, "other"), headers=reporter)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    # Repeated at once: still one open report.
    burst = await asyncio.gather(
        *(client.post("/api/v1/reports", json=_report("comment", comment_id), headers=reporter) for _ in range(5))
    )
    assert sorted(r.status_code for r in burst) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in burst}) == 1
    user_report = await client.post("/api/v1/reports", json=_report("user", author_id, "harassment"), headers=author)
    assert user_report.status_code == 201

    # Bad reports.
    missing = await client.post(
        "/api/v1/reports", json=_report("recipe", "00000000-0000-7000-8000-000000000000"), headers=reporter
    )
    assert missing.status_code == 404
    for bad in (
        _report("recipe", recipe_id, "meh"),
        _report("planet", recipe_id),
        _report("recipe", recipe_id, details="x" * 2001),
        _report("recipe", recipe_id, details="a\x00b"),
        {**_report("recipe", recipe_id), "status": "resolved"},
    ):
        assert (await client.post("/api/v1/reports", json=bad, headers=reporter)).status_code == 400, bad
    assert (await client.post("/api/v1/reports", json=_report("recipe", recipe_id))).status_code == 401

    # The queue: open reports, oldest first, by cursor.
    queue = await client.get("/api/v1/moderation/reports", params={"limit": "2"}, headers=moderator)
    assert queue.status_code == 200
    assert queue.headers["cache-control"] == "private, no-store"
    page = queue.json()
    assert page["total"] == 3
    assert [r["target_type"] for r in page["items"]] == ["recipe", "comment"]
    rest = await client.get(
        "/api/v1/moderation/reports", params={"limit": "2", "cursor": page["next_cursor"]}, headers=moderator
    )
    assert [r["target_type"] for r in rest.json()["items"]] == ["user"]
    assert rest.json()["next_cursor"] is None

    # Resolve with hiding: the recipe is gone for the public, in the same transaction.
    resolved = await client.post(
        f"/api/v1/moderation/reports/{first.json()['id']}/resolution",
        json={"outcome": "resolved", "note": "Confirmed.", "hide": True},
        headers=moderator,
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution_note"] == "Confirmed."
    assert (await client.get(f"/api/v1/recipes/{recipe_id}")).status_code == 404
    view = (await client.get(f"/api/v1/moderation/recipes/{recipe_id}", headers=author)).json()
    assert view["moderation"]["reason"] == "Confirmed."
    closed_again = await client.post(
        f"/api/v1/moderation/reports/{first.json()['id']}/resolution", json={"outcome": "dismissed"}, headers=moderator
    )
    assert (closed_again.status_code, problem_type(closed_again)) == (409, "report-closed")
    # Closed: the same reporter may report it again.
    assert (await client.post("/api/v1/reports", json=_report("user", author_id), headers=reporter)).status_code == 201

    # An account cannot be hidden; hiding needs the outcome `resolved`.
    user_report_id = user_report.json()["id"]
    cannot = await client.post(
        f"/api/v1/moderation/reports/{user_report_id}/resolution",
        json={"outcome": "resolved", "hide": True},
        headers=moderator,
    )
    assert (cannot.status_code, problem_type(cannot)) == (400, "cannot-hide-account")
    mixed = await client.post(
        f"/api/v1/moderation/reports/{user_report_id}/resolution",
        json={"outcome": "dismissed", "hide": True},
        headers=moderator,
    )
    assert mixed.status_code == 400
    dismissed = await client.post(
        f"/api/v1/moderation/reports/{user_report_id}/resolution", json={"outcome": "dismissed"}, headers=moderator
    )
    assert dismissed.status_code == 200
    assert dismissed.json()["status"] == "dismissed"
    remaining = (await client.get("/api/v1/moderation/reports", headers=moderator)).json()
    assert [r["target_type"] for r in remaining["items"]] == ["comment", "user"]

    entries = await audit(client, admin)
    assert [e["action"] for e in entries] == ["report_dismissed", "recipe_hidden", "report_resolved"] + [
        "role_changed"
    ] * 2
    report_entry = entries[2]
    assert report_entry["target_type"] == "report"
    assert report_entry["after"] == {"status": "resolved", "target_type": "recipe", "target_id": recipe_id}
    assert (await client.get("/api/v1/admin/audit-log", headers=moderator)).status_code == 403


async def test_two_moderators_resolving_the_same_report_one_wins(app: Litestar, client: httpx.AsyncClient) -> None:
    _, author = await quick_user(app, "author@example.com", "Author")
    _, reporter = await quick_user(app, "reporter@example.com", "Reporter")
    _, one = await user_with_role(app, "one@example.com", Role.MODERATOR, "One")
    _, two = await user_with_role(app, "two@example.com", Role.MODERATOR, "Two")
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    recipe_id = await create_recipe(client, author, "Zabaglione")
    comment_id = await create_comment(client, author, recipe_id, "Buy my pans!")
    report_id = (await client.post("/api/v1/reports", json=_report("comment", comment_id), headers=reporter)).json()[
        "id"
    ]
    answers = await asyncio.gather(
        client.post(
            f"/api/v1/moderation/reports/{report_id}/resolution",
            json={"outcome": "resolved", "hide": True},
            headers=one,
        ),
        client.post(f"/api/v1/moderation/reports/{report_id}/resolution", json={"outcome": "dismissed"}, headers=two),
    )
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    winner = next(r for r in answers if r.status_code == 200).json()
    closing = await audit(client, admin, target=report_id)
    assert len(closing) == 1
    assert closing[0]["action"] == f"report_{winner['status']}"
    hidden = winner["status"] == "resolved"
    assert (await client.get(f"/api/v1/comments/{comment_id}")).status_code == (404 if hidden else 200)
    assert (await client.get(f"/api/v1/recipes/{recipe_id}")).json()["comment_count"] == (0 if hidden else 1)


async def test_the_audit_log_pages_newest_first_and_filters(app: Litestar, client: httpx.AsyncClient) -> None:
    _, author = await quick_user(app, "author@example.com", "Author")
    mod_id, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    recipes = [await create_recipe(client, author, f"Dish {n}") for n in range(3)]
    for recipe_id in recipes:
        hidden = await client.put(
            f"/api/v1/moderation/recipes/{recipe_id}/hidden", json={"reason": "Spam"}, headers=moderator
        )
        assert hidden.status_code == 200
    # Hiding what is hidden changes nothing and records nothing.
    await client.put(f"/api/v1/moderation/recipes/{recipes[0]}/hidden", json={"reason": "Spam"}, headers=moderator)

    mine = await audit(client, admin, actor=mod_id)
    assert [e["target_id"] for e in mine] == list(reversed(recipes))
    first = await client.get("/api/v1/admin/audit-log", params={"limit": "2", "actor": mod_id}, headers=admin)
    page = first.json()
    assert [e["target_id"] for e in page["items"]] == [recipes[2], recipes[1]]
    second = await client.get(
        "/api/v1/admin/audit-log", params={"limit": "2", "actor": mod_id, "cursor": page["next_cursor"]}, headers=admin
    )
    assert [e["target_id"] for e in second.json()["items"]] == [recipes[0]]
    # A cursor belongs to its filters.
    other = await client.get(
        "/api/v1/admin/audit-log", params={"limit": "2", "cursor": page["next_cursor"]}, headers=admin
    )
    assert other.status_code == 400
    assert await audit(client, admin, action="recipe_shown") == []
    assert len(await audit(client, admin, action="role_changed")) == 2
    assert (await client.get("/api/v1/admin/audit-log", params={"action": "drop"}, headers=admin)).status_code == 400
