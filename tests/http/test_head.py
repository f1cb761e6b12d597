"""HEAD is GET without the body (RFC 9110, 9.3.2): what `curl -I` and link checkers send."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, quick_user
from tests.http.test_hostile_bytes import raw_request

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


@pytest.mark.parametrize(
    ("path", "query", "body"),
    [
        (RECIPES, b"q=%ff", b""),  # not UTF-8 once decoded
        (f"{RECIPES}/%00", b"", b""),  # a NUL in the path
        (RECIPES, b"q=%0d%0aX", b""),
        (RECIPES, b"", b"hello"),  # a body on HEAD
    ],
)
async def test_what_the_transport_refuses_is_a_400_without_a_body(
    app: Litestar, path: str, query: bytes, body: bytes
) -> None:
    """The checks before routing answer HEAD as they answer GET (they handed the server a HEAD answer with a body:
    a bare 500). Given to the app as a server would, since an HTTP client drops a HEAD answer's body."""
    headers = {"content-length": str(len(body)).encode()} if body else {}
    got = await raw_request(app, "GET", path.encode(), query, headers, body)
    head = await raw_request(app, "HEAD", path.encode(), query, headers, body)
    assert (got[0], got[1]["content-type"]) == (400, "application/problem+json"), got
    assert got[2]
    assert (head[0], head[1]["content-type"], head[2]) == (400, "application/problem+json", b""), head
    assert head[1]["content-length"] == got[1]["content-length"]


async def test_the_access_log_says_head_and_who_asked(
    app: Litestar, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    user_id, headers = await quick_user(app, "head@example.com")
    caplog.set_level(logging.INFO, logger="chopchop.access")
    assert (await client.head("/api/v1/me", headers={**headers, "X-Request-ID": "head-call"})).status_code == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "chopchop.access"]
    mine = [line for line in lines if "head-call" in line]
    assert mine, lines
    assert "HEAD" in mine[0], mine
    assert user_id in mine[0], mine
