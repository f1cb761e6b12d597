"""The embedded mode end to end: SQLite migrated at start, no Redis, no SMTP, emails in the outbox folder."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from chopchop.app import ChopchopPlugin, create_app
from chopchop.lib.jobs import InProcessJobQueue
from chopchop.settings import Settings, SettingsError
from tests.helpers import asgi_client, token_from


async def _outbox_message(folder: Path, subject: str, timeout: float = 10.0) -> EmailMessage:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        for path in sorted(folder.glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            if subject in str(message["Subject"]).lower():
                return message
        await asyncio.sleep(0.05)
    msg = f"no {subject!r} email in {folder}"
    raise AssertionError(msg)


async def test_embedded_mode_register_confirm_login(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        mail_outbox_dir=str(tmp_path / "outbox"),
        log_level="WARNING",
    )
    assert settings.embedded
    app = create_app(settings)
    plugin = app.plugins.get(ChopchopPlugin)
    assert plugin.saq is None
    assert isinstance(plugin.job_queue, InProcessJobQueue)

    async with app.lifespan(), asgi_client(app) as http:
        ready = await http.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok"}

        body = {"email": "solo@example.com", "password": "embedded mode!", "display_name": "Solo"}
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
        message = await _outbox_message(tmp_path / "outbox", "confirm")
        confirmed = await http.post("/api/v1/auth/confirm", json={"token": token_from(message)})
        assert confirmed.status_code == 200

        login = await http.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        me = await http.get("/api/v1/me", headers=headers)
        assert me.json()["email"] == "solo@example.com"

        schema = await http.get("/schema/openapi.json")
        assert schema.status_code == 200
        assert schema.json()["info"]["title"] == "Chop-chop API"


def test_server_mode_refuses_the_development_secret() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        create_app(Settings(database_url="postgresql+asyncpg://u@h/db", redis_url="redis://127.0.0.1:6379/0"))
