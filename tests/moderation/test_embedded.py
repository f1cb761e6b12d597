"""Moderation on the embedded SQLite database: the same rules without row locks (the write lock instead)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from chopchop.app import create_app
from chopchop.db import Role
from chopchop.settings import Settings
from tests.helpers import FAST_HASHER, asgi_client, quick_user
from tests.moderation.steps import create_comment, create_recipe, grant, problem_type


async def test_moderation_on_sqlite(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        mail_outbox_dir=str(tmp_path / "outbox"),
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
    )
    app = create_app(settings, hasher=FAST_HASHER)
    async with app.lifespan(), asgi_client(app) as http:
        admin_id, admin = await quick_user(app, "admin@example.com", "Admin")
        await grant(app, admin_id, Role.ADMIN)
        mod_id, moderator = await quick_user(app, "mod@example.com", "Mod")
        _, author = await quick_user(app, "author@example.com", "Author")
        granted = await http.put(f"/api/v1/admin/users/{mod_id}/role", json={"role": "moderator"}, headers=admin)
        assert granted.status_code == 200, granted.text
        last = await http.put(f"/api/v1/admin/users/{admin_id}/role", json={"role": "user"}, headers=admin)
        assert (last.status_code, problem_type(last)) == (409, "last-admin")

        recipe_id = await create_recipe(http, author, "Zabaglione")
        comment_id = await create_comment(http, author, recipe_id, "Buy my pans!")
        reports = await asyncio.gather(
            *(
                http.post(
                    "/api/v1/reports",
                    json={"target_type": "comment", "target_id": comment_id, "reason": "spam"},
                    headers=moderator,
                )
                for _ in range(3)
            )
        )
        assert sorted(r.status_code for r in reports) == [200, 200, 201]
        report_id = reports[0].json()["id"]
        resolved = await http.post(
            f"/api/v1/moderation/reports/{report_id}/resolution",
            json={"outcome": "resolved", "hide": True},
            headers=moderator,
        )
        assert resolved.status_code == 200, resolved.text
        assert (await http.get(f"/api/v1/comments/{comment_id}")).status_code == 404
        assert (await http.get(f"/api/v1/recipes/{recipe_id}")).json()["comment_count"] == 0

        await http.put(f"/api/v1/moderation/recipes/{recipe_id}/hidden", json={"reason": "Spam"}, headers=moderator)
        assert (await http.get(f"/api/v1/recipes/{recipe_id}")).status_code == 404
        assert (await http.get("/api/v1/recipes")).json()["total"] == 0
        assert (await http.get("/api/v1/recipes", params={"q": "zabaglione"})).json()["items"] == []

        author_id = (await http.get("/api/v1/me", headers=author)).json()["id"]
        suspended = await http.put(
            f"/api/v1/moderation/users/{author_id}/suspension", json={"reason": "Spam"}, headers=moderator
        )
        assert suspended.status_code == 200
        assert (await http.get("/api/v1/me", headers=author)).status_code == 401

        log = await http.get("/api/v1/admin/audit-log", headers=admin)
        assert [e["action"] for e in log.json()["items"]] == [
            "user_suspended",
            "recipe_hidden",
            "comment_hidden",
            "report_resolved",
            "role_changed",
            "role_changed",
        ]
