"""Request ids, structured access logs without secrets, and the Prometheus endpoint."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, quick_user


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


async def test_metrics(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "metrics@example.com")
    rid = (await client.post("/api/v1/recipes", json=recipe_payload(), headers=headers)).json()["id"]
    for _ in range(2):
        await client.get(f"/api/v1/recipes/{rid}")
    scrape = await client.get("/metrics")
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    body = scrape.text
    assert "chopchop_requests_total{" in body
    assert "chopchop_request_duration_seconds_bucket{" in body
    assert 'path="/api/v1/recipes/{recipe_id}"' in body  # route templates, not raw ids
    assert rid not in body
    assert 'chopchop_cache_lookups_total{result="hit"}' in body
    assert "chopchop_outbox_messages" in body
    assert "chopchop_queue_jobs" in body
