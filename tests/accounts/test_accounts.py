"""The accounts capability end to end: HTTP in, email out through SAQ and SMTP, links followed."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import jwt
import pytest
from litestar import Litestar
from sqlalchemy import select, update

from chopchop.app import create_app
from chopchop.db import PendingRegistration, User, UserToken
from chopchop.lib.headers import DOCS_CSP
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.helpers import (
    Client,
    Mailbox,
    asgi_client,
    confirm,
    html_part,
    login,
    quick_user,
    register,
    register_confirmed,
    text_part,
    token_from,
)

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


async def test_full_account_journey(client: Client, mailbox: Mailbox) -> None:
    """register -> email -> confirm -> login -> me -> forgot -> email -> reset -> old token rejected -> new login."""
    email = "ada@example.com"
    await register(client, email, "first password 1", "Ada Lovelace")

    confirmation = await mailbox.wait_for(email, "confirm")
    assert confirmation["From"] and "chopchop" in confirmation["From"].lower()
    assert "http://testserver.local/api/v1/auth/confirm?token=" in text_part(confirmation)
    assert "<a href=" in html_part(confirmation)

    # Not confirmed yet: a clear refusal, not a token.
    early = await client.post("/api/v1/auth/login", json={"email": email, "password": "first password 1"})
    assert early.status_code == 401
    assert early.headers["content-type"].startswith(PROBLEM)
    assert "not confirmed yet" in early.json()["detail"]

    # Following the link changes nothing (mail scanners fetch links): it says what to POST.
    link = await client.get("/api/v1/auth/confirm", params={"token": token_from(confirmation)})
    assert link.status_code == 200
    assert link.headers["cache-control"] == "no-store"
    assert link.json()["method"] == "POST"
    assert link.json()["href"] == "http://testserver.local/api/v1/auth/confirm"
    assert set(link.json()["fields"]) == {"token", "password"}
    still = await client.post("/api/v1/auth/login", json={"email": email, "password": "first password 1"})
    assert still.status_code == 401

    account = await confirm(client, token_from(confirmation), "first password 1")
    assert account["is_active"] is True
    assert account["display_name"] == "Ada Lovelace"

    old_headers = await login(client, email, "first password 1")
    me = await client.get("/api/v1/me", headers=old_headers)
    assert me.status_code == 200
    assert me.json()["email"] == email
    assert me.json()["display_name"] == "Ada Lovelace"

    forgot = await client.post("/api/v1/auth/forgot-password", json={"email": email})
    assert forgot.status_code == 202
    reset_mail = await mailbox.wait_for(email, "reset")
    assert "/api/v1/auth/reset-password?token=" in text_part(reset_mail)

    reset = await client.post(
        "/api/v1/auth/reset-password", json={"token": token_from(reset_mail), "password": "second password 2"}
    )
    assert reset.status_code == 200
    assert reset.json()["token_type"] == "bearer"

    stale = await client.get("/api/v1/me", headers=old_headers)
    assert stale.status_code == 401
    assert stale.headers["www-authenticate"].startswith("Bearer")

    wrong = await client.post("/api/v1/auth/login", json={"email": email, "password": "first password 1"})
    assert wrong.status_code == 401
    new_headers = await login(client, email, "second password 2")
    assert (await client.get("/api/v1/me", headers=new_headers)).status_code == 200
    reset_headers = {"Authorization": f"Bearer {reset.json()['access_token']}"}
    assert (await client.get("/api/v1/me", headers=reset_headers)).status_code == 200


async def test_duplicate_registration_looks_the_same_and_notifies_the_owner(client: Client, mailbox: Mailbox) -> None:
    email = "grace@example.com"
    await register_confirmed(client, mailbox, email, name="Grace")
    mailbox.clear()

    first = await client.post(
        "/api/v1/auth/register", json={"email": "new@example.com", "password": "whatever 123", "display_name": "N"}
    )
    again = await client.post(
        "/api/v1/auth/register", json={"email": "GRACE@example.com", "password": "whatever 123", "display_name": "X"}
    )
    assert (first.status_code, first.json()) == (again.status_code, again.json())

    notice = await mailbox.wait_for(email, "already have")
    assert "reset your password" in text_part(notice)
    # The password of the real account is untouched.
    await login(client, email)


async def test_tokens_are_single_use_purpose_bound_and_expire(app: Litestar, client: Client, mailbox: Mailbox) -> None:
    email = "linus@example.com"
    await register(client, email)
    token = token_from(await mailbox.wait_for(email, "confirm"))

    # A confirmation token cannot reset a password.
    misuse = await client.post("/api/v1/auth/reset-password", json={"token": token, "password": "new password 9"})
    assert misuse.status_code == 400
    assert misuse.json()["type"].endswith("/invalid-token")

    await confirm(client, token)
    reused = await client.post("/api/v1/auth/confirm", json={"token": token, "password": "correct horse battery"})
    assert reused.status_code == 400
    assert reused.json()["type"].endswith("/invalid-token")

    await client.post("/api/v1/auth/forgot-password", json={"email": email})
    reset_token = token_from(await mailbox.wait_for(email, "reset"))
    db = app.plugins.get(ChopchopPlugin).db_config
    async with db.get_session() as session:
        await session.execute(update(UserToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()
    expired = await client.post(
        "/api/v1/auth/reset-password", json={"token": reset_token, "password": "new password 9"}
    )
    assert expired.status_code == 400

    garbage = await client.post("/api/v1/auth/confirm", json={"token": "not-a-real-token", "password": "whatever"})
    assert garbage.status_code == 400


async def test_tokens_are_stored_only_as_hashes(app: Litestar, client: Client, mailbox: Mailbox) -> None:
    email = "hash@example.com"
    await register(client, email)
    token = token_from(await mailbox.wait_for(email, "confirm"))
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        stored = (await session.execute(select(PendingRegistration.token_hash))).scalars().all()
        password_hash = (await session.execute(select(PendingRegistration.password_hash))).scalar_one()
        assert (await session.execute(select(User))).first() is None  # no account before confirmation
    assert stored and token not in stored
    assert stored[0] is not None
    assert len(stored[0]) == 64
    assert password_hash.startswith("$argon2id$v=19$")


async def test_forgot_password_answers_the_same_for_unknown_addresses(client: Client, mailbox: Mailbox) -> None:
    await register_confirmed(client, mailbox, "known@example.com")
    mailbox.clear()
    known = await client.post("/api/v1/auth/forgot-password", json={"email": "known@example.com"})
    unknown = await client.post("/api/v1/auth/forgot-password", json={"email": "nobody@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (202, known.json())
    await mailbox.wait_for("known@example.com", "reset")
    await asyncio.sleep(0.3)
    assert mailbox.to("nobody@example.com") == []


async def test_resend_confirmation(client: Client, mailbox: Mailbox) -> None:
    email = "slow@example.com"
    await register(client, email)
    first = token_from(await mailbox.wait_for(email, "confirm"))
    mailbox.clear()
    resent = await client.post("/api/v1/auth/resend-confirmation", json={"email": email})
    assert resent.status_code == 202
    second = token_from(await mailbox.wait_for(email, "confirm"))
    assert second != first
    # A resend, whoever asks for it, invalidates no link already sent; confirming one ends them all.
    await confirm(client, second)
    used = await client.post("/api/v1/auth/confirm", json={"token": first, "password": "correct horse battery"})
    assert used.status_code == 400

    unknown = await client.post("/api/v1/auth/resend-confirmation", json={"email": "ghost@example.com"})
    assert (unknown.status_code, unknown.json()) == (resent.status_code, resent.json())


async def test_oauth2_password_form_login(client: Client, mailbox: Mailbox) -> None:
    await register_confirmed(client, mailbox, "form@example.com")
    response = await client.post(
        "/api/v1/auth/token",
        data={"username": "form@example.com", "password": "correct horse battery", "grant_type": "password"},
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_access_token_claims(client: Client, mailbox: Mailbox, settings: object) -> None:
    headers = await register_confirmed(client, mailbox, "claims@example.com")
    token = headers["Authorization"].removeprefix("Bearer ")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, TEST_JWT_SECRET, algorithms=["HS256"], audience="chopchop-api", issuer="chopchop")
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert claims["sub"] == me["id"]
    assert {"exp", "iat", "jti"} <= claims.keys()


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b.c",
        # A token signed with another secret:
        jwt.encode({"sub": "x", "exp": 4102444800, "iat": 0, "jti": "j"}, "another-secret-" * 3, algorithm="HS256"),
        # and an unsigned one (alg "none"):
        jwt.encode({"sub": "x", "exp": 4102444800, "iat": 0, "jti": "j"}, cast("Any", None), algorithm="none"),
    ],
)
async def test_bad_tokens_get_401_problem(client: Client, token: str) -> None:
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_expired_and_foreign_audience_tokens_are_refused(client: Client, mailbox: Mailbox) -> None:
    headers = await register_confirmed(client, mailbox, "exp@example.com")
    me = (await client.get("/api/v1/me", headers=headers)).json()
    base = {"sub": me["id"], "iat": 1, "jti": "j", "iss": "chopchop", "aud": "chopchop-api", "extras": {"ver": 0}}
    expired = jwt.encode({**base, "exp": 2}, TEST_JWT_SECRET, algorithm="HS256")
    other_aud = jwt.encode({**base, "exp": 4102444800, "aud": "someone-else"}, TEST_JWT_SECRET, algorithm="HS256")
    other_iss = jwt.encode({**base, "exp": 4102444800, "iss": "someone-else"}, TEST_JWT_SECRET, algorithm="HS256")
    not_yet = jwt.encode({**base, "exp": 4102444800, "nbf": 4102444000}, TEST_JWT_SECRET, algorithm="HS256")
    hs512 = jwt.encode({**base, "exp": 4102444800}, TEST_JWT_SECRET, algorithm="HS512")
    no_jti = jwt.encode({k: v for k, v in base.items() if k != "jti"} | {"exp": 4102444800}, TEST_JWT_SECRET)
    valid = jwt.encode({**base, "exp": 4102444800}, TEST_JWT_SECRET, algorithm="HS256")
    cases = ((expired, 401), (other_aud, 401), (other_iss, 401), (not_yet, 401), (hs512, 401), (no_jti, 401))
    for token, status in (*cases, (valid, 200)):
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == status, token


async def test_me_patch_uses_unset_semantics(client: Client, mailbox: Mailbox) -> None:
    headers = await register_confirmed(client, mailbox, "patch@example.com", name="Before")
    unchanged = await client.patch("/api/v1/me", json={}, headers=headers)
    assert unchanged.status_code == 200
    assert unchanged.json()["display_name"] == "Before"
    changed = await client.patch("/api/v1/me", json={"display_name": "After"}, headers=headers)
    assert changed.json()["display_name"] == "After"
    assert (await client.get("/api/v1/me", headers=headers)).json()["display_name"] == "After"
    nulled = await client.patch("/api/v1/me", json={"display_name": None}, headers=headers)
    assert nulled.status_code == 400
    sneaky = await client.patch("/api/v1/me", json={"email": "evil@example.com"}, headers=headers)
    assert sneaky.status_code == 400


async def test_change_password_revokes_earlier_tokens(client: Client, mailbox: Mailbox) -> None:
    headers = await register_confirmed(client, mailbox, "change@example.com")
    wrong = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": "brand new password"},
        headers=headers,
    )
    assert wrong.status_code == 400
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200

    changed = await client.post(
        "/api/v1/me/password",
        json={"current_password": "correct horse battery", "new_password": "brand new password"},
        headers=headers,
    )
    assert changed.status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert (await client.get("/api/v1/me", headers=fresh)).status_code == 200
    await login(client, "change@example.com", "brand new password")


async def test_delete_account(client: Client, mailbox: Mailbox) -> None:
    headers = await register_confirmed(client, mailbox, "bye@example.com")
    # A stolen access token is not enough: deleting asks for the password.
    assert (await client.delete("/api/v1/me", headers=headers)).status_code == 400
    wrong = await client.request("DELETE", "/api/v1/me", json={"password": "not it"}, headers=headers)
    assert wrong.status_code == 400
    assert wrong.json()["type"].endswith("/invalid-current-password")
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    deleted = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=headers)
    assert deleted.status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    gone = await client.post(
        "/api/v1/auth/login", json={"email": "bye@example.com", "password": "correct horse battery"}
    )
    assert gone.status_code == 401
    # The address is free again.
    await register(client, "bye@example.com")


async def test_concurrent_registrations_of_one_address(client: Client) -> None:
    body = {"email": "race@example.com", "password": "race condition", "display_name": "Racer"}
    responses = await asyncio.gather(*(client.post("/api/v1/auth/register", json=body) for _ in range(5)))
    assert {r.status_code for r in responses} == {202}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/register", {"email": "a@b.co", "password": "short", "display_name": "A"}),
        ("/api/v1/auth/register", {"email": "not-an-email", "password": "long enough", "display_name": "A"}),
        ("/api/v1/auth/register", {"email": "a@b.co", "password": "long enough", "display_name": "A\x00B"}),
        ("/api/v1/auth/register", {"email": "a\x00@b.co", "password": "long enough", "display_name": "A"}),
        ("/api/v1/auth/register", {"email": "a@b.co", "password": "long enough", "display_name": "x" * 101}),
        ("/api/v1/auth/register", {"email": "a@b.co", "password": "x" * 129, "display_name": "A"}),
        ("/api/v1/auth/register", {"email": "a@b.co", "password": "long enough", "display_name": "   "}),
        ("/api/v1/auth/register", {"email": "a@b.co", "password": "long enough", "display_name": "A", "admin": 1}),
        ("/api/v1/auth/register", {"email": 5, "password": "long enough", "display_name": "A"}),
        ("/api/v1/auth/register", {"password": "long enough", "display_name": "A"}),
        ("/api/v1/auth/login", {"email": "a@b.co"}),
        ("/api/v1/auth/confirm", {"token": "x" * 1000}),
        ("/api/v1/auth/reset-password", {"token": "t", "password": "short"}),
    ],
)
async def test_invalid_input_is_a_400_problem_with_field_errors(client: Client, path: str, body: object) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith(PROBLEM)
    assert problem["status"] == 400
    assert problem["title"]
    assert problem["errors"] or problem["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"[]",
        b"null",
        b'{"email": "a@b.co", "password": "x"',
        b"\xff\xfe",
        b'{"email": "a\\ud800@b.co", "password": "lone surrogate"}',
    ],
)
async def test_malformed_bodies_are_400(client: Client, raw: bytes) -> None:
    response = await client.post("/api/v1/auth/login", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_unknown_route_and_method_are_problems(client: Client) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    wrong_method = await client.put("/api/v1/auth/login", json={})
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"].startswith(PROBLEM)


async def test_login_rehashes_when_argon2_parameters_grow(app: Litestar, client: Client, settings: Settings) -> None:
    await quick_user(app, "rehash@example.com")
    stronger = create_app(replace(settings, argon2_time_cost=settings.argon2_time_cost + 1))
    async with stronger.lifespan(), asgi_client(stronger) as http:
        response = await http.post(
            "/api/v1/auth/login", json={"email": "rehash@example.com", "password": "correct horse battery"}
        )
        assert response.status_code == 200
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        stored = (await session.execute(select(User.password_hash))).scalar_one()
    assert f"t={settings.argon2_time_cost + 1}," in stored
    # The old parameters still verify the new hash: nobody is locked out by the upgrade.
    await login(client, "rehash@example.com")


async def test_logout_revokes_only_the_current_token(client: Client, mailbox: Mailbox) -> None:
    first = await register_confirmed(client, mailbox, "logout@example.com")
    second = await login(client, "logout@example.com")
    assert (await client.post("/api/v1/me/logout", headers=first)).status_code == 204
    assert (await client.get("/api/v1/me", headers=first)).status_code == 401
    assert (await client.get("/api/v1/me", headers=second)).status_code == 200


async def test_security_headers_and_body_limit(client: Client) -> None:
    response = await client.get("/health/live")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    docs = await client.get("/schema/swagger")
    assert docs.headers["content-security-policy"] == DOCS_CSP  # no CDN: server/docs.py serves the files

    huge = b'{"email": "a@b.co", "password": "' + b"x" * 2_000_000 + b'"}'
    too_big = await client.post("/api/v1/auth/login", content=huge, headers={"content-type": "application/json"})
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith(PROBLEM)


async def test_cors_only_for_configured_origins(client: Client, settings: Settings) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    refused = await client.options("/api/v1/auth/login", headers=preflight)
    assert "access-control-allow-origin" not in refused.headers
    allowed_app = create_app(replace(settings, cors_origins="https://app.example"))
    async with allowed_app.lifespan(), asgi_client(allowed_app) as http:
        ok = await http.options("/api/v1/auth/login", headers={**preflight, "Origin": "https://app.example"})
        assert ok.headers["access-control-allow-origin"] == "https://app.example"
        evil = await http.options("/api/v1/auth/login", headers=preflight)
        assert evil.headers.get("access-control-allow-origin") != "https://evil.example"
