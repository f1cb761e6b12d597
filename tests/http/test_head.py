"""HEAD is GET without the body (RFC 9110, 9.3.2): what `curl -I` and link checkers send."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
SAME = ("content-type", "content-length", "etag", "cache-control", "vary")


async def test_head_answers_what_get_would_without_the_body(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "cook@example.com")
    created = await client.post(RECIPES, json=recipe_payload(title="Pea soup"), headers=headers)
    assert created.status_code == 201, created.text
    path = f"{RECIPES}/{created.json()['id']}"

    for url in (path, RECIPES, f"{RECIPES}?q=pea&sort=newest", "/api/v1/users", "/health/live"):
        got, head = await client.get(url), await client.head(url)
        assert (head.status_code, head.content) == (got.status_code, b""), url
        assert {name: head.headers.get(name) for name in SAME} == {name: got.headers.get(name) for name in SAME}, url
        assert head.headers.get("x-request-id"), url

    # Conditional: the copy still matches, so a 304, as for GET.
    etag = (await client.get(path)).headers["etag"]
    assert (await client.head(path, headers={"If-None-Match": etag})).status_code == 304


async def test_head_errors_are_the_gets_without_a_body(client: Client) -> None:
    missing = await client.head(f"{RECIPES}/00000000-0000-7000-8000-000000000000")
    assert (missing.status_code, missing.content) == (404, b"")
    assert missing.headers["content-type"] == "application/problem+json"

    refused = await client.head(f"{RECIPES}?sort=nonsense")
    assert (refused.status_code, refused.content) == (400, b"")

    # A route without GET: 405, and Allow says what it takes.
    login = await client.head("/api/v1/auth/login")
    assert (login.status_code, login.content) == (405, b"")
    assert "POST" in login.headers["allow"]

    private = await client.head("/api/v1/me")
    assert (private.status_code, private.content) == (401, b"")
