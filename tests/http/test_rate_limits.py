"""Abuse limits: 429 problem+json with Retry-After and RateLimit headers, shared across API processes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.factories import profile_payload, registration_payload
from tests.helpers import asgi_client, quick_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


async def test_login_is_limited_per_address_and_per_account_across_processes(settings: Settings) -> None:
    limited = replace(settings, rate_login="5/minute", rate_login_account="3/minute")
    first, second = create_app(limited), create_app(limited)
    body = {"email": "victim@example.com", "password": "not the password"}
    async with first.lifespan(), second.lifespan(), asgi_client(first) as a, asgi_client(second) as b:
        statuses = [(await (a if i % 2 else b).post("/api/v1/auth/login", json=body)).status_code for i in range(3)]
        assert statuses == [401, 401, 401]
        # The fourth try on this account, through either process, is refused before any password check.
        refused = await a.post("/api/v1/auth/login", json=body)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "login_account" in refused.headers["ratelimit-policy"]
        assert refused.json()["status"] == 429

        # Another account from the same address: the per-address budget (5) has one try left.
        other = {"email": "other@example.com", "password": "not the password"}
        assert (await b.post("/api/v1/auth/login", json=other)).status_code == 401
        assert (await b.post("/api/v1/auth/login", json=other)).status_code == 429


async def test_registration_and_email_requests_are_limited(settings: Settings) -> None:
    limited = replace(settings, rate_register="2/hour", rate_email_account="1/hour")
    app = create_app(limited)
    async with app.lifespan(), asgi_client(app) as http:
        for _ in range(2):
            body = registration_payload()
            assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
        body = registration_payload()
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 429

        # Email bombing one address through forgot-password: the second request is refused.
        target = {"email": "target@example.com"}
        assert (await http.post("/api/v1/auth/forgot-password", json=target)).status_code == 202
        assert (await http.post("/api/v1/auth/forgot-password", json=target)).status_code == 429


async def test_writes_are_limited_per_user(app: Litestar, settings: Settings) -> None:
    limited = create_app(replace(settings, rate_writes="2/minute"))
    _, headers = await quick_user(app, "writer@example.com")
    async with limited.lifespan(), asgi_client(limited) as http:
        for _ in range(2):
            assert (await http.patch("/api/v1/me", json=profile_payload(), headers=headers)).status_code == 200
        third = await http.patch("/api/v1/me", json=profile_payload(), headers=headers)
        assert third.status_code == 429
        # Reads are not writes.
        assert (await http.get("/api/v1/me", headers=headers)).status_code == 200


async def test_proxy_headers_are_ignored_unless_configured(settings: Settings) -> None:
    limited = create_app(replace(settings, rate_register="1/hour"))
    async with limited.lifespan(), asgi_client(limited) as http:
        for i, forwarded in enumerate(["203.0.113.1", "203.0.113.2"]):
            body = registration_payload()
            response = await http.post("/api/v1/auth/register", json=body, headers={"X-Forwarded-For": forwarded})
            # A client cannot buy itself a fresh budget by inventing X-Forwarded-For.
            assert response.status_code == (202 if i == 0 else 429)
    behind_proxy = create_app(replace(settings, rate_register="1/hour", trusted_proxies=1))
    async with behind_proxy.lifespan(), asgi_client(behind_proxy) as http:
        for forwarded in ["198.51.100.1", "198.51.100.2"]:
            body = registration_payload()
            response = await http.post("/api/v1/auth/register", json=body, headers={"X-Forwarded-For": forwarded})
            assert response.status_code == 202
