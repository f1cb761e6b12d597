"""Request ids, structured access logs without secrets, and the Prometheus endpoint."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.domain.system.controllers import bearer_matches
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import Client, quick_user, running

pytestmark = pytest.mark.integration


async def test_request_id_is_echoed_and_names_the_problem(client: Client) -> None:
    missing = "/api/v1/recipes/00000000-0000-0000-0000-000000000000"
    mine = await client.get(missing, headers={"X-Request-ID": "trace-123.abc"})
    assert mine.status_code == 404
    assert mine.headers["x-request-id"] == "trace-123.abc"
    assert mine.json()["instance"] == "urn:chopchop:request:trace-123.abc"
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    hostile = await client.get("/health/live", headers={"X-Request-ID": 'x" onload=alert(1) ' + "y" * 300})
    assert hostile.headers["x-request-id"] != "x"
    assert len(hostile.headers["x-request-id"]) == 32


async def test_access_log_has_request_and_user_but_no_secrets(
    app: Litestar, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    user_id, headers = await quick_user(app, "logged@example.com")
    caplog.set_level(logging.INFO, logger="chopchop.access")
    response = await client.post(
        "/api/v1/auth/login", json={"email": "logged@example.com", "password": "correct horse battery"}
    )
    token = response.json()["access_token"]
    await client.get("/api/v1/me", headers={**headers, "X-Request-ID": "me-call"})
    lines = [record.getMessage() for record in caplog.records if record.name == "chopchop.access"]
    text = "\n".join(str(record.msg) for record in caplog.records)
    assert any("me-call" in line and user_id in line and "200" in line for line in lines), lines
    assert "correct horse battery" not in text
    assert token not in text
    assert headers["Authorization"].split()[1] not in text


METRICS_TOKEN = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
async def scraped(settings: Settings) -> AsyncIterator[Client]:
    """A client of an API process whose /metrics is enabled with a token (the session's has none)."""
    async with running(create_app(replace(settings, metrics_token=METRICS_TOKEN))) as http:
        yield http


async def test_metrics(app: Litestar, scraped: Client) -> None:
    _, headers = await quick_user(app, "metrics@example.com")
    rid = (await scraped.post("/api/v1/recipes", json=recipe_payload(), headers=headers)).json()["id"]
    for _ in range(2):
        await scraped.get(f"/api/v1/recipes/{rid}")
    scrape = await scraped.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scrape.status_code == 200
    assert scrape.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"  # one charset, not two
    body = scrape.text
    assert "chopchop_requests_total{" in body
    assert "chopchop_request_duration_seconds_bucket{" in body
    assert 'path="/api/v1/recipes/{recipe_id}"' in body  # route templates, not raw ids
    assert rid not in body
    assert 'chopchop_cache_lookups_total{result="hit"}' in body
    assert "chopchop_outbox_messages" in body
    assert "chopchop_queue_jobs" in body


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer wrong-token",
        f"Bearer {METRICS_TOKEN}x",
        f"Bearer {METRICS_TOKEN[:-1]}",
        f"Basic {METRICS_TOKEN}",
        METRICS_TOKEN,
    ],
    # The token is random per run: named by form, so that every pytest-xdist worker collects the same ids.
    ids=["none", "scheme-only", "wrong", "one-more-character", "one-less-character", "basic-scheme", "no-scheme"],
)
async def test_metrics_need_the_token(scraped: Client, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    refused = await scraped.get("/metrics", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "chopchop_requests_total" not in refused.text
    assert METRICS_TOKEN not in refused.text


async def test_metrics_are_off_without_a_token(client: Client) -> None:
    # The session's app has no CHOPCHOP_METRICS_TOKEN: no endpoint, whatever the request presents.
    assert (await client.get("/metrics")).status_code == 404
    assert (await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).status_code == 404


def test_bearer_comparison() -> None:
    assert bearer_matches(f"Bearer {METRICS_TOKEN}", METRICS_TOKEN)
    assert bearer_matches(f"bearer  {METRICS_TOKEN} ", METRICS_TOKEN)
    assert not bearer_matches(None, METRICS_TOKEN)
    assert not bearer_matches("Bearer ", METRICS_TOKEN)
    assert not bearer_matches(f"Token {METRICS_TOKEN}", METRICS_TOKEN)
