"""Collections and following in the embedded mode (SQLite, no Redis): the same answers as on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import asgi_client, quick_user

pytestmark = pytest.mark.integration


async def test_collections_follows_and_feed_on_sqlite(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        mail_outbox_dir=str(tmp_path / "outbox"),
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
    )
    app = create_app(settings)
    async with app.lifespan(), asgi_client(app) as http:
        ada_id, ada = await quick_user(app, "ada@example.com", name="Ada")
        bob_id, bob = await quick_user(app, "bob@example.com", name="Bob")
        recipes = []
        for k in range(5):
            created = await http.post("/api/v1/recipes", json=recipe_payload(title=f"R{k}"), headers=ada)
            assert created.status_code == 201, created.text
            recipes.append(created.json()["id"])

        made = await http.post("/api/v1/me/collections", json={"name": "Mine", "visibility": "public"}, headers=bob)
        assert made.status_code == 201, made.text
        cid = made.json()["id"]
        url = f"/api/v1/collections/{cid}/recipes"
        for k, rid in enumerate(recipes):
            put = await http.put(f"{url}/{rid}", json={"position": 0} if k % 2 else {}, headers=bob)
            assert put.status_code == 201, put.text
        listed = await http.get(url)
        assert [i["recipe"]["title"] for i in listed.json()["items"]] == ["R3", "R1", "R0", "R2", "R4"]
        assert (
            await http.patch(f"/api/v1/collections/{cid}", json={"visibility": "private"}, headers=bob)
        ).status_code == 200
        assert (await http.get(url)).status_code == 404
        assert (await http.get(f"/api/v1/me/collections/{cid}/recipes", headers=bob)).json()["total"] == 5

        follows = await asyncio.gather(*(http.put(f"/api/v1/users/{ada_id}/follow", headers=bob) for _ in range(4)))
        assert all(r.status_code == 200 for r in follows), [r.text for r in follows]
        assert (await http.get(f"/api/v1/users/{ada_id}")).json()["follower_count"] == 1
        assert (await http.get(f"/api/v1/users/{bob_id}")).json()["following_count"] == 1
        first = (await http.get("/api/v1/me/feed", params={"limit": 3}, headers=bob)).json()
        rest = (await http.get("/api/v1/me/feed", params={"cursor": first["next_cursor"]}, headers=bob)).json()
        ids = [r["id"] for r in first["items"] + rest["items"]]
        assert ids == list(reversed(recipes))

        deleted = await http.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=bob)
        assert deleted.status_code == 204, deleted.text
        assert (await http.get(f"/api/v1/users/{ada_id}")).json()["follower_count"] == 0
