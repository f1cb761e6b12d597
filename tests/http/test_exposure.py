"""What a hostile request cannot make the API say: links from its Host or X-Forwarded-* headers, /metrics."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.factories import comment_payload, recipe_payload
from tests.helpers import Client, Mailbox, insert_recipe, quick_user, running, text_part

pytestmark = pytest.mark.integration

EVIL = "evil.example"
# Every header a proxy-aware framework might build a URL from.
HOSTILE = {
    "Host": EVIL,
    "X-Forwarded-Host": EVIL,
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-Prefix": "/evil",
    "X-Forwarded-For": "127.0.0.1",
    "Forwarded": f"host={EVIL};proto=https;for=127.0.0.1",
}
LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def assert_clean(response: httpx.Response) -> None:
    """Nothing of the hostile headers comes back, in any header or in the body."""
    for name, value in response.headers.multi_items():
        assert EVIL not in value and "/evil" not in value, (name, value)
    assert EVIL not in response.text


def links(response: httpx.Response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.headers.get("link", ""))}


async def test_list_links_come_from_the_public_base_url_and_cannot_be_poisoned(
    app: Litestar, client: Client, settings: Settings
) -> None:
    author, _ = await quick_user(app, "lists@example.com")
    for n in range(3):
        await insert_recipe(app, author, title=f"Dish {n}")
    base = f"{settings.public_base_url}/api/v1/recipes"

    # The hostile request comes first, so that its response is the one the cache keeps.
    hostile = await client.get("/api/v1/recipes?limit=1&offset=1&sort=title", headers=HOSTILE)
    assert hostile.status_code == 200
    assert_clean(hostile)
    expected = {"next": f"{base}?sort=title&limit=1&offset=2", "prev": f"{base}?sort=title&limit=1&offset=0"}
    assert links(hostile) == expected

    after = await client.get("/api/v1/recipes?limit=1&offset=1&sort=title")
    assert after.status_code == 200
    assert links(after) == expected


async def test_links_behind_a_tls_proxy_use_the_configured_scheme_and_prefix(app: Litestar, settings: Settings) -> None:
    author, _ = await quick_user(app, "tls@example.com")
    for n in range(3):
        await insert_recipe(app, author, title=f"Dish {n}")
    public = "https://api.chopchop.example/prefix"
    async with running(create_app(replace(settings, public_base_url=f"{public}/"))) as http:
        # What a TLS-terminating proxy forwards: plain HTTP, its own Host.
        response = await http.get("/api/v1/recipes?limit=2", headers={"Host": "api:8000"})
    assert response.status_code == 200
    assert links(response) == {"next": f"{public}/api/v1/recipes?limit=2&offset=2"}


async def test_a_link_cannot_be_broken_out_of_by_the_query(app: Litestar, client: Client, settings: Settings) -> None:
    author, _ = await quick_user(app, "quoted@example.com")
    for n in range(3):
        await insert_recipe(app, author, title=f"Dish {n}")
    response = await client.get("/api/v1/recipes", params={"limit": 1, "sort": "title"})
    assert response.status_code == 200
    found = links(response)
    assert set(found) == {"next"}
    # A text parameter holding what would close the <...> and add a link of its own (names that match it).
    hostile = '>; rel="evil", <http://evil.example/'
    for n in range(2):
        await quick_user(app, f"evil{n}@example.com", f"{hostile} {n}")
    response = await client.get("/api/v1/users", params={"limit": 1, "q": hostile})
    assert response.status_code == 200
    found = links(response)
    assert set(found) == {"next"}
    # Re-encoded: the client's own parameter is kept, but cannot close the <...> or add a link of its own.
    assert found["next"].startswith(f"{settings.public_base_url}/api/v1/users?")
    assert not re.search(r'[<>" ,;]', found["next"]), found["next"]


async def test_locations_of_created_resources_ignore_the_host(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "creator@example.com")
    recipe = await client.post("/api/v1/recipes", json=recipe_payload(), headers={**headers, **HOSTILE})
    assert recipe.status_code == 201, recipe.text
    assert_clean(recipe)
    # A path (RFC 9110 allows a relative reference): resolved by the client against the URL it called.
    assert recipe.headers["location"] == f"/api/v1/recipes/{recipe.json()['id']}"

    comment = await client.post(
        f"/api/v1/recipes/{recipe.json()['id']}/comments", json=comment_payload(), headers={**headers, **HOSTILE}
    )
    assert comment.status_code == 201, comment.text
    assert_clean(comment)
    assert comment.headers["location"] == f"/api/v1/comments/{comment.json()['id']}"


async def test_email_links_come_from_the_public_base_url(
    app: Litestar, client: Client, mailbox: Mailbox, settings: Settings
) -> None:
    await quick_user(app, "forgetful@example.com")
    asked = await client.post("/api/v1/auth/forgot-password", json={"email": "forgetful@example.com"}, headers=HOSTILE)
    assert asked.status_code == 202, asked.text
    assert_clean(asked)
    message = await mailbox.wait_for("forgetful@example.com", "reset")
    urls = re.findall(r"https?://[^\s\"'<>]+", text_part(message))
    assert urls
    assert all(url.startswith(f"{settings.public_base_url}/") for url in urls), urls
    assert EVIL not in message.as_string()


async def test_metrics_are_not_public(client: Client, settings: Settings) -> None:
    assert settings.metrics_token is None
    for headers in ({}, HOSTILE, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {settings.jwt_secret}"}):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 404, headers
        assert "chopchop_requests_total" not in response.text
    assert (await client.get("/metrics/")).status_code == 404
