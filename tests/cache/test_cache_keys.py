"""Cache keys come from the validated, normalised request: no spelling of a URL can change what another client gets.

Found by the attack: the key was the percent-decoded query re-joined without escaping, so
`?limit%3D87%26offset=5` and `?limit=87&offset=5` shared an entry, and unknown parameters were part of the key.
Now the key is built from the route, its parsed path parameters and its query converted to the declared types
with defaults applied; every spelling of one request shares one entry, and that entry (body and `Link`) is the
same whichever spelling filled it.
"""

from __future__ import annotations

import pytest
from litestar import Litestar

from chopchop.settings import Settings
from tests.helpers import Client, count_statements, insert_recipe, quick_user

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"


async def _spellings_share_one_entry(app: Litestar, client: Client, first: str, *others: str) -> None:
    """``first`` fills the cache; each other spelling is then a hit with the very same answer."""
    filled = await client.get(first)
    assert filled.status_code == 200, filled.text
    for other in others:
        with count_statements(app) as statements:
            again = await client.get(other)
        assert statements == [], f"{other} missed the entry of {first}"
        assert (again.status_code, again.content, again.headers.get("link")) == (
            200,
            filled.content,
            filled.headers.get("link"),
        ), other


async def test_order_defaults_and_number_spellings_share_one_entry(app: Litestar, client: Client) -> None:
    author, _ = await quick_user(app, "spell@example.com")
    for n in range(4):
        await insert_recipe(app, author, title=f"Dish {n}")
    await _spellings_share_one_entry(
        app,
        client,
        f"{RECIPES}?sort=title&limit=2&offset=1",
        f"{RECIPES}?offset=1&limit=2&sort=title",
        f"{RECIPES}?limit=2.0&offset=1&sort=title",
        f"{RECIPES}/?limit=2&sort=title&offset=1",
    )
    # Defaults applied: no parameters at all is the same request as the defaults spelled out.
    await _spellings_share_one_entry(app, client, RECIPES, f"{RECIPES}?limit=20&offset=0&sort=newest")


async def test_links_are_canonical_whichever_spelling_filled_the_cache(
    app: Litestar, client: Client, settings: Settings
) -> None:
    author, _ = await quick_user(app, "canon@example.com")
    for n in range(3):
        await insert_recipe(app, author, title=f"Dish {n}")
    upper = author.upper()
    weird = await client.get(f"/api/v1/users/{upper}/recipes/?sort=title&limit=1")
    assert weird.status_code == 200
    base = settings.public_base_url.rstrip("/")
    assert weird.headers["link"] == f'<{base}/api/v1/users/{author}/recipes?sort=title&limit=1&offset=1>; rel="next"'
    with count_statements(app) as statements:
        plain = await client.get(f"/api/v1/users/{author}/recipes?limit=1&sort=title")
    assert statements == []
    assert (plain.content, plain.headers["link"]) == (weird.content, weird.headers["link"])


@pytest.mark.parametrize(
    "hostile",
    [
        "limit=abc",
        "limit=0",
        "limit=101",
        "sort=Title",
        "complexity=EASY",
        "author=not-a-uuid",
        "max_total_minutes=-1",
        "limit%3D1%26offset=1",
        "limit=1&limit=2",
        "bogus=1",
        "limit=1;offset=1",
    ],
)
async def test_an_invalid_query_is_a_400_and_never_an_entry(app: Litestar, client: Client, hostile: str) -> None:
    author, _ = await quick_user(app, "invalid@example.com")
    for n in range(3):
        await insert_recipe(app, author, title=f"Dish {n}")
    for _ in range(2):  # a second time too: nothing was stored by the first
        refused = await client.get(f"{RECIPES}?{hostile}")
        assert refused.status_code == 400, (hostile, refused.status_code, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    page = (await client.get(RECIPES)).json()
    assert (page["limit"], page["offset"], page["total"], len(page["items"])) == (20, 0, 3, 3)


async def test_encodings_of_one_search_share_an_entry_and_different_searches_do_not(
    app: Litestar, client: Client
) -> None:
    author, _ = await quick_user(app, "search@example.com")
    await insert_recipe(app, author, title="Tomato soup")
    await insert_recipe(app, author, title="Onion tart")
    await _spellings_share_one_entry(
        app, client, f"{RECIPES}?q=tomato+soup", f"{RECIPES}?q=tomato%20soup", f"{RECIPES}?%71=tomato%20soup"
    )
    # Text that looks like another parameter stays text, in its own entry.
    tricky = (await client.get(f"{RECIPES}?q=onion%26limit%3D1")).json()
    assert (tricky["limit"], tricky["total"]) == (20, 0)
    onion = (await client.get(f"{RECIPES}?q=onion")).json()
    assert [item["title"] for item in onion["items"]] == ["Onion tart"]


@pytest.mark.parametrize(
    ("first", "clean"),
    [
        ("?limit=1&author={upper}", "?limit=1&author={author}"),
        ("?limit=1&author={hex}", "?limit=1&author={author}"),
        ("?limit=1&sort=newest", "?limit=1"),
        ("?limit=1&offset=0&max_total_minutes=60.0", "?max_total_minutes=60&limit=1"),
    ],
)
async def test_the_link_of_a_shared_entry_is_the_same_whichever_spelling_filled_it(
    app: Litestar, client: Client, settings: Settings, first: str, clean: str
) -> None:
    """Found by the attack: the key used normalised values but the `Link` copied the raw ones of the first
    request (an upper-case or hyphen-less UUID, a default spelled out) into what every later client got."""
    author, _ = await quick_user(app, "linkspell@example.com")
    for n in range(3):
        await insert_recipe(app, author, title=f"Dish {n}")
    names = {"author": author, "upper": author.upper(), "hex": author.replace("-", "")}
    filled = await client.get(RECIPES + first.format(**names))
    assert filled.status_code == 200, filled.text
    with count_statements(app) as statements:
        served = await client.get(RECIPES + clean.format(**names))
    assert statements == []
    base = f"{settings.public_base_url.rstrip('/')}{RECIPES}"
    expected = f"{base}?author={author}&limit=1&offset=1" if "author" in first else f"{base}?limit=1&offset=1"
    if "max_total_minutes" in first:
        expected = f"{base}?max_total_minutes=60&limit=1&offset=1"
    assert served.headers["link"] == f'<{expected}>; rel="next"'


async def test_hostile_spellings_do_not_grow_the_key_memo(app: Litestar, client: Client) -> None:
    """Found by the attack: every spelling, refused ones and 60 KB ones included, was remembered (1.3 GB per
    worker in 46 s). Only valid spellings of up to 512 characters are."""
    from chopchop.lib.cache import CACHED_ROUTES_STATE_KEY, KEY_MEMO_SIZE

    routes = app.state[CACHED_ROUTES_STATE_KEY].values()
    before = sum(len(route.keys) for route in routes)
    for n in range(50):
        assert (await client.get(f"{RECIPES}?bogus{n}={'x' * 4000}")).status_code == 400
        assert (await client.get(f"{RECIPES}?q={'%74' * 190}{n}")).status_code == 200  # 190 characters, 570 bytes
    for n in range(20):
        assert (await client.get(f"{RECIPES}?limit={n + 1}")).status_code == 200
    remembered = sum(len(route.keys) for route in routes) - before
    assert 0 <= remembered <= 20  # a spelling seen before is not remembered twice
    assert all(len(route.keys) <= KEY_MEMO_SIZE for route in routes)
