"""Query strings hold only what an operation declares: unknown or repeated parameters are a 400, not a variant.

Found by the attack: `GET /recipes?limit%3D87%26offset=5` (one unknown parameter, so the defaults) and
`GET /recipes?limit=87&offset=5` shared a response-cache key, so anyone could pin the wrong page on a URL.
"""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, count_statements, quick_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("path", "bad_parameter"),
    [
        ("/api/v1/recipes?limit%3D87%26offset=5", "limit=87&offset"),
        ("/api/v1/recipes?bogus=1", "bogus"),
        ("/api/v1/recipes?limit=1&limit=2", "limit"),
        ("/api/v1/recipes?sort=title&sort=newest", "sort"),
        ("/api/v1/recipes?Limit=5", "Limit"),
        ("/api/v1/users?page=2", "page"),
        ("/api/v1/ingredients?prefix=to&prefix=on", "prefix"),
        ("/api/v1/me?x=1", "x"),
    ],
)
async def test_unknown_and_repeated_parameters_are_400(
    app: Litestar, client: Client, path: str, bad_parameter: str
) -> None:
    _, headers = await quick_user(app, "query@example.com")
    response = await client.get(path, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [error["field"] for error in response.json()["errors"]] == [bad_parameter]
    assert response.json()["errors"][0]["source"] == "query"


async def test_list_parameters_may_repeat_and_a_bogus_url_cannot_pin_a_page(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "pages@example.com")
    for i in range(3):
        body = recipe_payload(title=f"Soup {i}", tags=["soup", "quick"])
        assert (await client.post("/api/v1/recipes", json=body, headers=headers)).status_code == 201
    both = await client.get("/api/v1/recipes?tag=soup&tag=quick")
    assert both.status_code == 200
    assert both.json()["total"] == 3
    # Cached first under its own key, the real page is not what the bogus spelling gets, and the other way round.
    page = await client.get("/api/v1/recipes?limit=2&offset=1")
    assert (page.json()["limit"], page.json()["offset"], len(page.json()["items"])) == (2, 1, 2)
    assert (await client.get("/api/v1/recipes?limit%3D2%26offset=1")).status_code == 400
    again = await client.get("/api/v1/recipes?limit=2&offset=1")
    assert (again.json()["limit"], again.json()["offset"]) == (2, 1)


async def test_no_cache_from_the_client_reads_through(app: Litestar, client: Client) -> None:
    """`Cache-Control: no-cache` (RFC 9111): the stored response is not used; the answer comes from the database."""
    await client.get("/api/v1/recipes?limit=3")  # stored
    with count_statements(app) as hit:
        assert (await client.get("/api/v1/recipes?limit=3")).status_code == 200
    with count_statements(app) as through:
        response = await client.get("/api/v1/recipes?limit=3", headers={"Cache-Control": "no-cache"})
        assert response.status_code == 200
    assert (len(hit), bool(through)) == (0, True)
