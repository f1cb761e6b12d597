"""The embedded mode end to end: SQLite migrated at start, no Redis, no SMTP, emails in the outbox folder."""

from __future__ import annotations

import asyncio
import logging
import secrets
import stat
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from chopchop.app import create_app
from chopchop.db import User
from chopchop.lib.email import FileMailer, OutgoingEmail
from chopchop.lib.jobs import InProcessJobQueue
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings, SettingsError
from tests.factories import registration_payload
from tests.helpers import asgi_client, quick_user, text_part, token_from

pytestmark = pytest.mark.integration


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
        data_dir=str(tmp_path / "data"),
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

        body = registration_payload(email="solo@example.com")
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
        message = await _outbox_message(tmp_path / "outbox", "confirm")
        confirmed = await http.post(
            "/api/v1/auth/confirm", json={"token": token_from(message), "password": body["password"]}
        )
        assert confirmed.status_code == 200

        login = await http.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        me = await http.get("/api/v1/me", headers=headers)
        assert me.json()["email"] == "solo@example.com"

        schema = await http.get("/schema/openapi.json")
        assert schema.status_code == 200
        assert schema.json()["info"]["title"] == "Chop-chop API"


def test_server_mode_refuses_to_start_without_a_secret_or_smtp() -> None:
    server = Settings(database_url="postgresql+asyncpg://u@h/db", redis_url="redis://127.0.0.1:6379/0")
    with pytest.raises(SettingsError, match="JWT_SECRET must be set"):
        create_app(server)
    with pytest.raises(SettingsError, match="SMTP_HOST must be set"):
        create_app(replace(server, jwt_secret=secrets.token_urlsafe(48)))


# The constant the embedded mode used to sign tokens with: it is in the repository's history, so public.
OLD_PUBLIC_SECRET = "chopchop-embedded-dev-secret-do-not-use-in-production"


def _embedded(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
        "data_dir": str(tmp_path / "data"),
        "log_level": "WARNING",
    }
    return Settings(**(values | overrides))


async def test_the_embedded_secret_is_generated_private_shared_and_unforgeable(tmp_path: Path) -> None:
    settings = _embedded(tmp_path)
    assert settings.jwt_secret == ""
    first = create_app(settings)
    secret_file = tmp_path / "data" / "jwt-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert secret_file.read_text().strip() not in {OLD_PUBLIC_SECRET, ""}
    second = create_app(settings)  # another worker process of the same server, or the next start
    async with first.lifespan(), second.lifespan(), asgi_client(first) as a, asgi_client(second) as b:
        user_id, headers = await quick_user(first, "solo@example.com")
        assert (await a.get("/api/v1/me", headers=headers)).status_code == 200
        assert (await b.get("/api/v1/me", headers=headers)).status_code == 200  # issued by the other one

        plugin = first.plugins.get(ChopchopPlugin)
        async with plugin.db_config.get_session() as session:
            user = await session.get(User, UUID(user_id))
            assert user is not None
        # The same claims as a genuine token: only the secret differs.
        forged, _ = replace(plugin.token_issuer, secret=OLD_PUBLIC_SECRET).issue(user.id, user.token_version)
        genuine, _ = plugin.token_issuer.issue(user.id, user.token_version)
        for http in (a, b):
            assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {genuine}"})).status_code == 200
            refused = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
            assert refused.status_code == 401
    assert [p.name for p in secret_file.parent.iterdir() if p.name.startswith(".")] == []


def test_the_old_constant_is_refused_even_when_configured(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="placeholder"):
        create_app(_embedded(tmp_path, jwt_secret=OLD_PUBLIC_SECRET))
    assert not (tmp_path / "data").exists()  # a refused configuration creates nothing


async def test_emails_are_private_files_and_the_log_never_has_their_link(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _embedded(tmp_path, log_level="INFO")
    app = create_app(settings)
    root = logging.getLogger()
    root.addHandler(caplog.handler)  # the app's logging configuration replaced the root handlers
    try:
        async with app.lifespan(), asgi_client(app) as http:
            body = registration_payload(email="private@example.com")
            assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
            message = await _outbox_message(settings.outbox_path, "confirm")
    finally:
        root.removeHandler(caplog.handler)
    token = token_from(message)
    files = list(settings.outbox_path.glob("*.eml"))
    assert files
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(settings.outbox_path.stat().st_mode) == 0o700
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "private@example.com" in logged and str(files[0]) in logged  # where the email went...
    assert token not in logged  # ...but never the link
    assert "/api/v1/auth/confirm?token" not in logged


async def test_the_file_mailer_logs_who_and_where_but_not_the_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mailer = FileMailer(folder=tmp_path / "outbox", sender="Chop-chop <no-reply@chopchop.local>")
    secret_link = f"http://127.0.0.1:8000/api/v1/auth/reset-password?token={secrets.token_urlsafe(32)}"
    email = OutgoingEmail(
        to="a@example.com",
        subject="Reset",
        text=secret_link,
        html=f"<a href='{secret_link}'>x</a>",
        message_id="<0190-retried@chopchop.local>",  # what an outbox row's retries share
    )
    with caplog.at_level(logging.DEBUG, logger="chopchop.email"):
        await mailer.send(email)
        await mailer.send(email)  # a retry of the same message replaces its file
    (saved,) = (tmp_path / "outbox").iterdir()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    written = message_from_bytes(saved.read_bytes(), policy=policy.default)
    assert isinstance(written, EmailMessage)
    assert text_part(written).strip() == secret_link  # the file is the delivery channel: it has the link
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "chopchop.email")
    assert "a@example.com" in logged and str(saved) in logged
    assert "token=" not in logged


async def test_the_embedded_response_cache_stays_within_its_bound(tmp_path: Path) -> None:
    from chopchop.lib.stores import BoundedMemoryStore

    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bounded.sqlite3'}",
        data_dir=str(tmp_path / "data"),
        memory_cache_max_bytes=20_000,
        log_level="WARNING",
    )
    app = create_app(settings)
    async with app.lifespan(), asgi_client(app) as http:
        store = app.stores.get("response_cache")
        assert isinstance(store, BoundedMemoryStore)
        for offset in range(60):  # every page a distinct entry
            response = await http.get("/api/v1/recipes", params={"offset": offset})
            assert response.status_code == 200
            assert store.size_bytes <= 20_000
        assert store.size_bytes > 0  # it caches, within the bound
        again = await http.get("/api/v1/recipes", params={"offset": 59})
        assert again.json()["offset"] == 59
