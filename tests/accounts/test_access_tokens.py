"""Personal access tokens through HTTP: made, shown once, stored hashed, scoped, revoked, expired, and refused when
they are garbage."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text

from chopchop.lib.tokens import is_client_token
from chopchop.server import ChopchopPlugin
from tests.helpers import Mailbox, insert_recipe, quick_user, register_confirmed, token_from

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
TOKEN_FORMAT = re.compile(r"^chopchop_pat_[0-9A-Za-z]{36}$")
UNSAFE = {"post", "put", "patch", "delete"}


async def _sql(app: Litestar, sql: str, **parameters: Any) -> list[Any]:
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        result = await session.execute(text(sql), parameters)
        rows = list(result.all()) if sql.lstrip().upper().startswith("SELECT") else []
        await session.commit()
        return rows


async def _login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _create(client: httpx.AsyncClient, auth: dict[str, str], scopes: list[str], **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/me/tokens", headers=auth, json={"name": "my script", "scopes": scopes, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assert_insufficient(response: httpx.Response, scope: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/insufficient-scope")
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="insufficient_scope"' in challenge
    assert f'scope="{scope}"' in challenge


def _assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_the_secret_is_shown_once_has_the_format_and_only_its_hash_is_stored(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    user_id, _ = await quick_user(app, "pat-owner@example.com")
    auth = await _login(client, "pat-owner@example.com")
    created = await _create(client, auth, ["read"], expires_in_days=30)

    secret = created["token"]
    assert TOKEN_FORMAT.fullmatch(secret)
    assert is_client_token(secret, "chopchop_pat_")
    # One character changed: the checksum no longer matches (what a secret scanner relies on).
    tampered = secret[:20] + ("A" if secret[20] != "A" else "B") + secret[21:]
    assert not is_client_token(tampered, "chopchop_pat_")
    assert created["display_prefix"] == secret[:17]
    assert created["scopes"] == ["read"]
    assert created["last_used_at"] is None
    expires = datetime.fromisoformat(created["expires_at"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)

    listed = await client.get("/api/v1/me/tokens", headers=auth)
    assert listed.status_code == 200
    assert listed.headers["Cache-Control"] == "private, no-store"
    assert [token["id"] for token in listed.json()] == [created["id"]]
    assert "token" not in listed.json()[0]
    assert secret not in listed.text

    rows = await _sql(app, "SELECT * FROM personal_access_token WHERE user_id = :u", u=uuid.UUID(user_id))
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in rows[0])

    me = await client.get("/api/v1/me", headers=_bearer(secret))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user_id


async def test_a_read_token_cannot_call_any_unsafe_operation(client: httpx.AsyncClient, app: Litestar) -> None:
    """Every POST/PUT/PATCH/DELETE of the document that needs a token refuses a read token, with the scope the
    document names for it."""
    await quick_user(app, "reader@example.com")
    secret = (await _create(client, await _login(client, "reader@example.com"), ["read"]))["token"]
    document = app.openapi_schema.to_schema()
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in UNSAFE or operation.get("security") in (None, [], [{}]):
                continue
            (scope,) = operation["security"][0]["BearerToken"]
            url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            response = await client.request(method.upper(), url, headers=_bearer(secret), json={})
            _assert_insufficient(response, scope)
            checked += 1
    assert checked >= 15  # the recipes', comments', likes', profile's and account's writes


async def test_a_write_token_can_write_and_read(client: httpx.AsyncClient, app: Litestar) -> None:
    user_id, _ = await quick_user(app, "writer@example.com")
    secret = (await _create(client, await _login(client, "writer@example.com"), ["write"]))["token"]
    renamed = await client.patch("/api/v1/me", headers=_bearer(secret), json={"display_name": "Script Cook"})
    assert renamed.status_code == 200, renamed.text
    recipe_id = await insert_recipe(app, user_id)
    liked = await client.put(f"/api/v1/recipes/{recipe_id}/like", headers=_bearer(secret))
    assert liked.status_code in {200, 204}, liked.text
    me = await client.get("/api/v1/me", headers=_bearer(secret))  # write includes read
    assert me.json()["display_name"] == "Script Cook"


async def test_a_token_cannot_manage_tokens_change_the_password_log_out_or_delete_the_account(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    await quick_user(app, "careful@example.com")
    auth = await _login(client, "careful@example.com")
    secret = (await _create(client, auth, ["read", "write"]))["token"]
    token = _bearer(secret)
    calls = [
        ("GET", "/api/v1/me/tokens", None),
        ("POST", "/api/v1/me/tokens", {"name": "child", "scopes": ["write"]}),
        ("DELETE", "/api/v1/me/tokens", None),
        ("DELETE", f"/api/v1/me/tokens/{uuid.uuid4()}", None),
        ("POST", "/api/v1/me/password", {"current_password": PASSWORD, "new_password": "another passphrase"}),
        ("POST", "/api/v1/me/logout", None),
        ("DELETE", "/api/v1/me", {"password": PASSWORD}),
    ]
    for method, path, body in calls:
        _assert_insufficient(await client.request(method, path, headers=token, json=body), "account")
    # Nothing happened: the token still works, the password is the same, the account is there.
    assert (await client.get("/api/v1/me", headers=token)).status_code == 200
    assert len((await client.get("/api/v1/me/tokens", headers=auth)).json()) == 1
    await _login(client, "careful@example.com")


async def test_revoking_one_token_and_all_of_them(client: httpx.AsyncClient, app: Litestar) -> None:
    await quick_user(app, "revoker@example.com")
    await quick_user(app, "other@example.com")
    auth = await _login(client, "revoker@example.com")
    first, second = await _create(client, auth, ["read"]), await _create(client, auth, ["write"])
    other_auth = await _login(client, "other@example.com")
    others = await _create(client, other_auth, ["read"])

    # Someone else's token is not yours to revoke (and says nothing about it).
    assert (await client.delete(f"/api/v1/me/tokens/{others['id']}", headers=auth)).status_code == 404
    assert (await client.get("/api/v1/me", headers=_bearer(others["token"]))).status_code == 200

    assert (await client.delete(f"/api/v1/me/tokens/{first['id']}", headers=auth)).status_code == 204
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(first["token"])))
    assert (await client.get("/api/v1/me", headers=_bearer(second["token"]))).status_code == 200
    assert (await client.delete(f"/api/v1/me/tokens/{first['id']}", headers=auth)).status_code == 404
    assert [t["id"] for t in (await client.get("/api/v1/me/tokens", headers=auth)).json()] == [second["id"]]

    assert (await client.delete("/api/v1/me/tokens", headers=auth)).status_code == 204
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(second["token"])))
    assert (await client.get("/api/v1/me/tokens", headers=auth)).json() == []
    assert (await client.get("/api/v1/me", headers=_bearer(others["token"]))).status_code == 200


async def test_invalid_creations_are_refused(client: httpx.AsyncClient, app: Litestar) -> None:
    await quick_user(app, "picky@example.com")
    auth = await _login(client, "picky@example.com")
    for body in (
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["read", "read"]},
        {"name": "x", "scopes": ["admin"]},
        {"name": "x", "scopes": ["read"], "expires_in_days": 0},
        {"name": "x", "scopes": ["read"], "expires_in_days": 366},  # beyond the setting's 365
        {"name": "x", "scopes": ["read"], "expires_in_days": 10**30},
        {"name": "   ", "scopes": ["read"]},
        {"name": "a\nb", "scopes": ["read"]},
        {"name": "x" * 101, "scopes": ["read"]},
        {"scopes": ["read"]},
        {"name": "x", "scopes": "read"},
        {"name": "x", "scopes": ["read"], "token": "chopchop_pat_mine"},
    ):
        response = await client.post("/api/v1/me/tokens", headers=auth, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/v1/me/tokens", headers=auth)).json() == []


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, app: Litestar) -> None:
    await quick_user(app, "expiring@example.com")
    created = await _create(client, await _login(client, "expiring@example.com"), ["read"], expires_in_days=1)
    assert (await client.get("/api/v1/me", headers=_bearer(created["token"]))).status_code == 200
    await _sql(
        app,
        "UPDATE personal_access_token SET expires_at = :t WHERE id = :i",
        t=datetime.now(UTC) - timedelta(seconds=1),
        i=uuid.UUID(created["id"]),
    )
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(created["token"])))


async def test_a_password_change_a_reset_and_the_account_deletion_revoke_every_token(
    client: httpx.AsyncClient, app: Litestar, mailbox: Mailbox
) -> None:
    email = "forgetful@example.com"
    auth = await register_confirmed(client, mailbox, email, PASSWORD)
    before_change = (await _create(client, auth, ["read"]))["token"]
    changed = await client.post(
        "/api/v1/me/password", headers=auth, json={"current_password": PASSWORD, "new_password": "second passphrase"}
    )
    assert changed.status_code == 200, changed.text
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(before_change)))

    auth = _bearer(changed.json()["access_token"])
    before_reset = (await _create(client, auth, ["write"]))["token"]
    assert (await client.post("/api/v1/auth/forgot-password", json={"email": email})).status_code == 202
    link = token_from(await mailbox.wait_for(email, "reset"))
    reset = await client.post("/api/v1/auth/reset-password", json={"token": link, "password": "third passphrase"})
    assert reset.status_code == 200, reset.text
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(before_reset)))

    auth = _bearer(reset.json()["access_token"])
    before_deletion = (await _create(client, auth, ["read"]))["token"]
    assert (await client.get("/api/v1/me", headers=_bearer(before_deletion))).status_code == 200
    deleted = await client.request("DELETE", "/api/v1/me", headers=auth, json={"password": "third passphrase"})
    assert deleted.status_code == 204, deleted.text
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(before_deletion)))


async def test_a_token_of_an_inactive_user_is_refused(client: httpx.AsyncClient, app: Litestar) -> None:
    user_id, _ = await quick_user(app, "suspended@example.com")
    secret = (await _create(client, await _login(client, "suspended@example.com"), ["read"]))["token"]
    await _sql(app, "UPDATE user_account SET is_active = false WHERE id = :u", u=uuid.UUID(user_id))
    _assert_unauthorized(await client.get("/api/v1/me", headers=_bearer(secret)))


async def test_last_use_is_recorded_at_most_once_a_minute(client: httpx.AsyncClient, app: Litestar) -> None:
    await quick_user(app, "busy-script@example.com")
    auth = await _login(client, "busy-script@example.com")
    created = await _create(client, auth, ["read"])
    token_id = uuid.UUID(created["id"])

    async def last_used() -> datetime | None:
        rows = await _sql(app, "SELECT last_used_at FROM personal_access_token WHERE id = :i", i=token_id)
        value: datetime | None = rows[0][0]
        return value

    assert await last_used() is None
    assert (await client.get("/api/v1/me", headers=_bearer(created["token"]))).status_code == 200
    first = await last_used()
    assert first is not None
    for _ in range(5):
        assert (await client.get("/api/v1/me", headers=_bearer(created["token"]))).status_code == 200
    assert await last_used() == first  # five more uses within the minute: no write

    two_minutes_ago = datetime.now(UTC) - timedelta(minutes=2)
    await _sql(app, "UPDATE personal_access_token SET last_used_at = :t WHERE id = :i", t=two_minutes_ago, i=token_id)
    assert (await client.get("/api/v1/me", headers=_bearer(created["token"]))).status_code == 200
    again = await last_used()
    assert again is not None
    assert again > two_minutes_ago + timedelta(minutes=1)
    listed = (await client.get("/api/v1/me/tokens", headers=auth)).json()
    assert datetime.fromisoformat(listed[0]["last_used_at"]) == again


async def test_hostile_bearer_tokens_are_401_never_500(client: httpx.AsyncClient, app: Litestar) -> None:
    await quick_user(app, "target@example.com")
    secret = (await _create(client, await _login(client, "target@example.com"), ["read"]))["token"]
    wrong_checksum = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    hostile: list[bytes] = [
        b"chopchop_pat_",
        b"chopchop_pat_" + b"A" * 36,
        wrong_checksum.encode(),
        secret.encode() + b"x",
        secret[:-1].encode(),
        secret.upper().encode(),
        b"chopchop_pat_" + b"A" * 20_000,
        b"chopchop_pat_" + "é".encode() * 18,
        "chopchop_pat_ÀÀÀ".encode("latin-1"),
        b"chopchop_pat_" + b"%00" * 12,
        b"chopchop_pat_' OR 1=1 --",
        b"garbage",
        b"a.b.c",
        "éé.éé.éé".encode(),
    ]
    for value in hostile:
        response = await client.get("/api/v1/me", headers=[(b"Authorization", b"Bearer " + value)])
        _assert_unauthorized(response)
    # The genuine token still works: the refusals above were about the values, not the client.
    assert (await client.get("/api/v1/me", headers=_bearer(secret))).status_code == 200


async def test_an_account_holds_at_most_a_hundred_tokens(client: httpx.AsyncClient, app: Litestar) -> None:
    user_id, _ = await quick_user(app, "hoarder@example.com")
    auth = await _login(client, "hoarder@example.com")
    await _sql(
        app,
        "INSERT INTO personal_access_token (id, user_id, name, scopes, token_hash, display_prefix, created_at, "
        "updated_at) SELECT gen_random_uuid(), :u, 'old', 'read', md5(g::text) || md5(g::text), 'chopchop_pat_x', "
        "now(), now() FROM generate_series(1, 99) AS g",
        u=uuid.UUID(user_id),
    )
    await _create(client, auth, ["read"])  # the hundredth
    refused = await client.post("/api/v1/me/tokens", headers=auth, json={"name": "one more", "scopes": ["read"]})
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/too-many-access-tokens")
    assert len((await client.get("/api/v1/me/tokens", headers=auth)).json()) == 100
