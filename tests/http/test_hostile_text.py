"""Hostile text in request bodies: normalised once, then limited on what is stored; controls and bidi refused.

Found on PostgreSQL: lower-casing after the length check let `'İ' * 100` (200 code points once lower-cased)
reach a VARCHAR(100) column, a 500. C1 controls (U+0085, U+009B: a terminal escape) and bidirectional
overrides were stored in names and titles.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar

from tests.factories import ingredient_line, recipe_payload, registration_payload
from tests.helpers import Client, quick_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
DOTTED_I = "\u0130"  # 'İ': lower-cased it is 'i' + U+0307, two code points
DEVANAGARI_QA = "\u0958"  # a composition exclusion: NFC decomposes it into two code points


GROWING_BODIES = [
    ("ingredient folded", {"ingredients": [ingredient_line(ingredient=DOTTED_I * 100)]}),
    ("ingredient composed", {"ingredients": [ingredient_line(ingredient=DEVANAGARI_QA * 100)]}),
    ("tag", {"tags": [DOTTED_I * 40]}),
    ("title composed", {"title": DEVANAGARI_QA * 200}),
    ("step composed", {"steps": [DEVANAGARI_QA * 2000]}),
]
CONTROL_TEXT = ["a\x85b", "a\x9b31mb", "a\x80", "evil\u202etxt.exe", "a\u2066b\u2069", "one\u2028two"]


@pytest.mark.parametrize(("case", "overrides"), GROWING_BODIES, ids=[case for case, _ in GROWING_BODIES])
async def test_values_that_grow_when_normalised_are_400_not_500(
    app: Litestar, client: Client, case: str, overrides: dict[str, Any]
) -> None:
    _, headers = await quick_user(app, "grower@example.com")
    response = await client.post("/api/v1/recipes", json=recipe_payload(**overrides), headers=headers)
    assert response.status_code == 400, (case, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "once normalised" in response.text


async def test_the_longest_value_that_fits_once_normalised_is_stored(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "fits@example.com")
    body = recipe_payload(ingredients=[ingredient_line(ingredient=DOTTED_I * 50)], tags=[DOTTED_I * 20])
    created = await client.post("/api/v1/recipes", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["ingredients"][0]["ingredient"]["name"] == "i\u0307" * 50
    assert created.json()["tags"] == ["i\u0307" * 20]


@pytest.mark.parametrize("text", CONTROL_TEXT)
async def test_c1_controls_and_bidi_overrides_are_refused_in_names_and_titles(
    app: Litestar, client: Client, text: str
) -> None:
    _, headers = await quick_user(app, "controls@example.com")
    bodies = [
        ("POST", "/api/v1/recipes", recipe_payload(title=text)),
        ("POST", "/api/v1/recipes", recipe_payload(ingredients=[ingredient_line(ingredient=text)])),
        ("PATCH", "/api/v1/me", {"display_name": text}),
        (
            "POST",
            "/api/v1/auth/register",
            registration_payload(display_name=text),
        ),
    ]
    for method, path, body in bodies:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 400, (path, text, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("text", ["a\x85b", "a\x9b31m", "a\x7f"])
async def test_c1_controls_are_refused_in_free_text(app: Litestar, client: Client, text: str) -> None:
    _, headers = await quick_user(app, "freetext@example.com")
    for body in (recipe_payload(description=text), recipe_payload(steps=[text])):
        response = await client.post("/api/v1/recipes", json=body, headers=headers)
        assert response.status_code == 400, (text, response.text)
    recipe = await client.post("/api/v1/recipes", json=recipe_payload(), headers=headers)
    comment = await client.post(f"/api/v1/recipes/{recipe.json()['id']}/comments", json={"body": text}, headers=headers)
    assert comment.status_code == 400, comment.text


async def test_filters_refuse_c1_controls(client: Client) -> None:
    for params in ({"q": "a\x85"}, {"ingredients_all": "a\x9b"}, {"tag": "x\x85"}):
        response = await client.get("/api/v1/recipes", params=params)
        assert response.status_code == 400, (params, response.text)
    assert (await client.get("/api/v1/users", params={"q": "a\x85"})).status_code == 400


async def test_a_final_newline_is_refused_where_a_newline_is(app: Litestar, client: Client) -> None:
    """Python's `$` also matches before one final newline (msgspec and Litestar check patterns with `re.search`), so
    one-line fields, filters, tags, webhook URLs and cursors let "Soup\n" through; the document's ECMA-262 `$` does
    not. Each is refused now, in bodies and in query strings alike."""
    _, headers = await quick_user(app, "newline@example.com")
    bodies = [
        ("POST", "/api/v1/recipes", recipe_payload(title="Soup\n")),
        ("POST", "/api/v1/recipes", recipe_payload(tags=["soup\n"])),
        ("POST", "/api/v1/recipes", recipe_payload(ingredients=[ingredient_line(ingredient="leek\n")])),
        ("PATCH", "/api/v1/me", {"display_name": "Ada\n"}),
        ("POST", "/api/v1/auth/register", registration_payload(display_name="Ada\n")),
        ("POST", "/api/v1/me/webhooks", {"url": "https://example.com/hook\n", "events": ["recipe.liked"]}),
    ]
    for method, path, body in bodies:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 400, (path, body, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
    queries = [
        ("/api/v1/recipes", {"q": "soup\n"}),
        ("/api/v1/recipes", {"tag": "soup\n"}),
        ("/api/v1/recipes", {"ingredients_all": "leek\n"}),
        ("/api/v1/users", {"q": "ada\n"}),
        ("/api/v1/ingredients", {"prefix": "le\n"}),
    ]
    for path, params in queries:
        response = await client.get(path, params=params)
        assert response.status_code == 400, (path, params, response.text)
    walked = await client.get("/api/v1/recipes", params={"limit": 1})
    assert walked.status_code == 200
    recipe = await client.post("/api/v1/recipes", json=recipe_payload(title="Plain"), headers=headers)
    assert recipe.status_code == 201, recipe.text  # the same values without the newline are fine


async def test_composed_and_decomposed_spellings_are_one_catalogue_entry(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "nfc@example.com")
    for spelling in ("cr\u00e8me fra\u00eeche", "cre\u0300me frai\u0302che", "  CR\u00c8ME   FRA\u00ceCHE "):
        body = recipe_payload(ingredients=[ingredient_line(ingredient=spelling)])
        assert (await client.post("/api/v1/recipes", json=body, headers=headers)).status_code == 201
    catalogue = await client.get("/api/v1/ingredients", params={"prefix": "cr"})
    names = [item["name"] for item in catalogue.json()["items"]]
    assert names.count("cr\u00e8me fra\u00eeche") == 1, names
    entry = next(i for i in catalogue.json()["items"] if i["name"] == "cr\u00e8me fra\u00eeche")
    assert entry["recipe_count"] == 3
