"""An import in the embedded mode: SQLite, no Redis, the outbox task run on the API's own event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.helpers import FAST_HASHER, asgi_client, quick_user
from tests.imports.pages import MICRODATA_PAGE, PAGE_HOST, Answer, PageServer

pytestmark = pytest.mark.integration


async def test_embedded_import_and_export(tmp_path: Path, pages: PageServer) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        mail_outbox_dir=str(tmp_path / "outbox"),
        data_dir=str(tmp_path / "data"),
        log_level="WARNING",
        import_allow_private_networks=f"{PAGE_HOST}/32",
    )
    app = create_app(settings, hasher=FAST_HASHER)
    pages.pages["/pancakes"] = Answer(body=MICRODATA_PAGE)
    async with app.lifespan(), asgi_client(app) as http:
        _, auth = await quick_user(app, "solo@example.com")
        assert (await http.get("/api/v1/recipes")).json()["items"] == []  # cached, empty
        started = await http.post("/api/v1/recipes/imports", json={"url": pages.url("/pancakes")}, headers=auth)
        assert started.status_code == 202, started.text
        for _ in range(200):
            state = (await http.get(started.headers["location"], headers=auth)).json()
            if state["status"] in {"done", "failed"}:
                break
            await asyncio.sleep(0.05)
        assert state["status"] == "done", state
        url = f"/api/v1/recipes/{state['recipe_id']}"
        assert (await http.get(url)).status_code == 404  # a draft
        assert (await http.get(url, headers=auth)).json()["title"] == "Grandma's Pancakes"
        assert (await http.patch(url, json={"status": "public"}, headers=auth)).status_code == 200
        exported = await http.get(url, headers={"accept": "application/ld+json"})
        assert exported.json()["name"] == "Grandma's Pancakes"
        listed = await http.get("/api/v1/recipes")  # published: the cached empty list is gone
        assert [item["title"] for item in listed.json()["items"]] == ["Grandma's Pancakes"]
