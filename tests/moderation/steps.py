"""Shared steps of the moderation tests: accounts with roles, recipes and comments made through the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
from litestar import Litestar

from chopchop.db import Role
from chopchop.domain.moderation.services import CLI, ModerationService
from chopchop.server import ChopchopPlugin
from tests.factories import recipe_payload
from tests.helpers import quick_user

PASSWORD = "correct horse battery"


async def grant(app: Litestar, user_id: str, role: Role) -> None:
    """Give a role as the command line does (`chopchop users set-role`)."""
    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        await ModerationService(session=session).set_role(CLI, UUID(user_id), role)
        await session.commit()


async def user_with_role(app: Litestar, email: str, role: Role, name: str = "Mod") -> tuple[str, dict[str, str]]:
    user_id, auth = await quick_user(app, email, name)
    await grant(app, user_id, role)
    return user_id, auth


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_recipe(client: httpx.AsyncClient, auth: dict[str, str], title: str) -> str:
    response = await client.post("/api/v1/recipes", json=recipe_payload(title=title), headers=auth)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def create_comment(client: httpx.AsyncClient, auth: dict[str, str], recipe_id: str, body: str) -> str:
    response = await client.post(f"/api/v1/recipes/{recipe_id}/comments", json={"body": body}, headers=auth)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def audit(client: httpx.AsyncClient, admin: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/admin/audit-log", params={"limit": "100", **params}, headers=admin)
    assert response.status_code == 200, response.text
    assert "no-store" in response.headers["cache-control"]
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def problem_type(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]
