"""Recipe imports end to end: POST through HTTP, a real SAQ worker fetching pages from a local web server, the draft
recipe it makes, and every way a page can fail (with the SSRF rules on for everything but the test server)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.helpers import FAST_HASHER, Client, quick_user, running
from tests.imports.pages import MICRODATA_PAGE, YOAST_GRAPH, Answer, PageServer, gzipped, html_page, json_ld

pytestmark = pytest.mark.integration

IMPORTS = "/api/v1/recipes/imports"
PROBLEMS = "https://chopchop.dev/problems/"


async def start(http: Client, auth: dict[str, str], url: str) -> dict[str, Any]:
    response = await http.post(IMPORTS, json={"url": url}, headers=auth)
    assert response.status_code == 202, response.text
    body = dict(response.json())
    assert response.headers["location"] == f"{IMPORTS}/{body['id']}"
    assert body["status"] == "queued" and body["reason"] is None and body["recipe_id"] is None
    assert "no-store" in response.headers["cache-control"]
    return body


async def settled(http: Client, auth: dict[str, str], import_id: str, timeout: float = 20.0) -> dict[str, Any]:
    """The import once it is done or failed."""
    body: dict[str, Any] = {}
    for _ in range(int(timeout / 0.05)):
        response = await http.get(f"{IMPORTS}/{import_id}", headers=auth)
        assert response.status_code == 200, response.text
        body = dict(response.json())
        if body["status"] in {"done", "failed"}:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(body)


async def imported(http: Client, auth: dict[str, str], url: str) -> dict[str, Any]:
    made = await settled(http, auth, (await start(http, auth, url))["id"])
    assert made["status"] == "done", made
    # A draft: its importer reads it, nobody else does.
    assert (await http.get(f"/api/v1/recipes/{made['recipe_id']}")).status_code == 404
    recipe = await http.get(f"/api/v1/recipes/{made['recipe_id']}", headers=auth)
    assert recipe.status_code == 200
    assert recipe.json()["status"] == "draft"
    assert made["recipe_url"] == f"http://testserver.local/api/v1/recipes/{made['recipe_id']}"
    return dict(recipe.json())


async def failed(http: Client, auth: dict[str, str], url: str, slug: str) -> dict[str, Any]:
    made = await settled(http, auth, (await start(http, auth, url))["id"])
    assert made["status"] == "failed", made
    assert made["reason"]["type"] == PROBLEMS + slug, made
    assert made["recipe_id"] is None and made["finished_at"] is not None
    return made


async def test_yoast_graph_page(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    user_id, auth = await quick_user(app, "yoast@example.com")
    pages.pages["/soup/"] = Answer(body=html_page(head=json_ld(YOAST_GRAPH), body="<h1>Soup</h1>"))
    assert (await http.get("/api/v1/recipes")).json()["items"] == []  # cached, empty
    recipe = await imported(http, auth, pages.url("/soup/#recipe"))
    # A draft: not in the public list, in the importer's own; published, the cached list shows it at once.
    assert (await http.get("/api/v1/recipes")).json()["items"] == []
    mine = (await http.get("/api/v1/me/recipes", headers=auth)).json()["items"]
    assert [(r["id"], r["status"]) for r in mine] == [(recipe["id"], "draft")]
    published = await http.patch(f"/api/v1/recipes/{recipe['id']}", json={"status": "public"}, headers=auth)
    assert published.status_code == 200, published.text
    assert [r["id"] for r in (await http.get("/api/v1/recipes")).json()["items"]] == [recipe["id"]]
    assert recipe["author"]["id"] == user_id
    assert recipe["title"] == "Roasted Tomato & Basil Soup"
    assert recipe["description"] == "A silky soup for cold evenings."
    assert (recipe["servings"], recipe["prep_minutes"], recipe["cook_minutes"]) == (4, 15, 60)
    assert recipe["steps"] == [
        "Roast:",
        "Heat the oven to 200°C.",
        "Roast the tomatoes and garlic with the oil for 40 minutes.",
        "Blend:",
        "Blend with the stock; season.",
        "Serve with basil.",
    ]
    lines = [(i["ingredient"]["name"], i["quantity"], i["unit"], i["note"]) for i in recipe["ingredients"]]
    assert lines == [
        ("ripe tomatoes", 1.0, "kg", "halved"),
        ("olive oil", 2.0, "tbsp", None),
        ("vegetable stock", 1.5, "cup", None),
        ("garlic", 3.0, "clove", None),
        ("salt", 1.0, "pinch", None),
        ("black pepper", 0.5, "tsp", None),
        ("fresh basil", None, None, "to serve"),
    ]
    assert sorted(recipe["tags"]) == ["italian", "soup", "starter", "tomato", "vegetarian"]
    assert pages.requests == ["/soup/"]  # the fragment is not sent


async def test_microdata_page_and_json_ld_document(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "micro@example.com")
    pages.pages["/pancakes"] = Answer(body=gzipped(MICRODATA_PAGE), headers={"content-encoding": "gzip"})
    recipe = await imported(http, auth, pages.url("/pancakes"))
    assert recipe["title"] == "Grandma's Pancakes"
    assert recipe["servings"] == 8 and (recipe["prep_minutes"], recipe["cook_minutes"]) == (10, 20)
    assert recipe["steps"] == ["Mix everything.", "Fry in a hot pan."]
    assert [(i["ingredient"]["name"], i["quantity"], i["unit"]) for i in recipe["ingredients"]] == [
        ("flour", 2.0, "cup"),
        ("eggs", 2.0, None),
        ("milk", 250.0, "ml"),
    ]
    # A bare JSON-LD document; instructions as one text, a yield as a number, an over-long title cut.
    document = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": "Toast " * 100,
        "recipeYield": 2,
        "recipeInstructions": "Toast the bread.\nButter it.",
        "recipeIngredient": ["2 slices bread", "butter"],
        "keywords": ["breakfast", "!!!", "x" * 80],
    }
    pages.pages["/toast.jsonld"] = Answer(body=json_ld(document)[35:-9].encode(), content_type="application/ld+json")
    toast = await imported(http, auth, pages.url("/toast.jsonld"))
    assert len(toast["title"]) <= 200 and toast["title"].startswith("Toast Toast") and toast["title"].endswith("…")
    assert toast["steps"] == ["Toast the bread.", "Butter it."] and toast["servings"] == 2
    assert toast["tags"] == ["breakfast", "x" * 40]


async def test_pages_without_a_recipe_fail_for_good(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "none@example.com")
    pages.pages["/blog"] = Answer(body=html_page(head=json_ld({"@type": "Article", "name": "x"}), body="<p>hi</p>"))
    made = await failed(http, auth, pages.url("/blog"), "import-no-recipe")
    assert made["attempts"] == 1 and made["reason"]["title"] == "No recipe found"
    pages.pages["/photo.png"] = Answer(body=b"\x89PNG....", content_type="image/png")
    await failed(http, auth, pages.url("/photo.png"), "import-unsupported-page")
    pages.pages["/none"] = Answer(body=b"<html></html>", content_type=None)
    await failed(http, auth, pages.url("/none"), "import-unsupported-page")
    made = await failed(http, auth, pages.url("/missing"), "import-page-unavailable")
    assert made["attempts"] == 1 and "404" in made["reason"]["detail"]


async def test_size_cap(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "huge@example.com")
    recipe_head = json_ld({"@type": "Recipe", "name": "Big page", "recipeInstructions": ["Eat."]})
    padding = b"<p>" + b"lorem ipsum " * 5000 + b"</p>"  # 60 kB, sent 100 times: 6 MB
    # The recipe in the head: found in the first 2 MiB, the rest never read.
    pages.pages["/head"] = Answer(body=html_page(head=recipe_head).replace(b"</body>", padding), repeat=100)
    assert (await imported(http, auth, pages.url("/head")))["title"] == "Big page"
    # The recipe at the end of 6 MB: never reached.
    pages.queued["/tail"] = [Answer(body=padding, repeat=100)]
    pages.pages["/tail"] = Answer(body=html_page(body=recipe_head))
    tail = await start(http, auth, pages.url("/tail"))
    made = await settled(http, auth, tail["id"])
    assert made["status"] == "failed" and "first 2 MiB" in made["reason"]["detail"]
    # A gzip bomb (20 MB of zeros in 20 kB) is decompressed only up to the cap.
    bomb = gzipped(b"<html><body>" + b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    pages.pages["/bomb"] = Answer(body=bomb, headers={"content-encoding": "gzip"})
    made = await failed(http, auth, pages.url("/bomb"), "import-no-recipe")
    assert "first 2 MiB" in made["reason"]["detail"]


async def test_transient_failures_are_retried(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "retry@example.com")
    good = Answer(body=html_page(head=json_ld(YOAST_GRAPH)))
    # A 503, then a page slower than the 2 s cap, then the page: done on the third attempt.
    pages.queued["/flaky"] = [Answer(status=503, body=b"busy"), Answer(delay=4, body=b"late")]
    pages.pages["/flaky"] = good
    begun = await start(http, auth, pages.url("/flaky"))
    seen = set()
    for _ in range(400):
        body = (await http.get(f"{IMPORTS}/{begun['id']}", headers=auth)).json()
        seen.add(body["status"])
        if body["status"] in {"done", "failed"}:
            break
        await asyncio.sleep(0.05)
    assert body["status"] == "done", body
    assert body["attempts"] == 3 and {"queued", "running"} <= seen
    assert pages.requests == ["/flaky"] * 3


async def test_addresses_refused_at_every_hop(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "ssrf@example.com")
    pages.pages["/secret"] = Answer(body=html_page(head=json_ld(YOAST_GRAPH)))  # on 127.0.0.1 too
    # A redirect to the same server on the loopback address: refused, never requested.
    pages.pages["/to-loopback"] = Answer(status=302, headers={"location": pages.url("/secret", "127.0.0.1")})
    made = await failed(http, auth, pages.url("/to-loopback"), "import-url-refused")
    assert "loopback" in made["reason"]["detail"]
    pages.pages["/to-private"] = Answer(status=301, headers={"location": "http://10.1.2.3/admin"})
    assert "private" in (await failed(http, auth, pages.url("/to-private"), "import-url-refused"))["reason"]["detail"]
    pages.pages["/to-metadata"] = Answer(status=307, headers={"location": "http://169.254.169.254/latest/meta-data/"})
    made = await failed(http, auth, pages.url("/to-metadata"), "import-url-refused")
    assert "metadata" in made["reason"]["detail"]
    pages.pages["/to-name"] = Answer(status=302, headers={"location": f"http://localhost:{pages.port}/secret"})
    assert "localhost" in (await failed(http, auth, pages.url("/to-name"), "import-url-refused"))["reason"]["detail"]
    assert "/secret" not in pages.requests
    # Relative redirects are followed (each hop checked); more than 5 fail.
    for hop in range(7):
        pages.pages[f"/hop{hop}"] = Answer(status=302, headers={"location": f"/hop{hop + 1}"})
    pages.pages["/hop3"] = Answer(body=MICRODATA_PAGE)
    assert (await imported(http, auth, pages.url("/hop0")))["title"] == "Grandma's Pancakes"
    pages.pages["/hop3"] = Answer(status=302, headers={"location": "/hop4"})
    await failed(http, auth, pages.url("/hop0"), "import-too-many-redirects")


async def test_refused_urls_are_400(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "bad@example.com")
    refused = [
        f"http://127.0.0.1:{pages.port}/x",
        "http://[::1]/x",
        "http://10.0.0.1/",
        "http://0x7f000001/",
        "http://localhost/",
        "http://user:pass@example.com/",
        "http://example.com:25/",
        "http://example.com:0/",
    ]
    for url in refused:
        response = await http.post(IMPORTS, json={"url": url}, headers=auth)
        assert response.status_code == 400, url
        assert response.json()["type"] == PROBLEMS + "import-url-refused", url
    for body in [{"url": "ftp://example.com/"}, {"url": "http://exa mple.com/"}, {"url": 5}, {}, {"url": "x", "y": 1}]:
        response = await http.post(IMPORTS, json=body, headers=auth)
        assert response.status_code == 400, body
    assert (await http.post(IMPORTS, json={"url": "https://example.com/"})).status_code == 401


async def test_addresses_the_fetcher_cannot_parse_are_refused(
    importer: tuple[Litestar, Client], pages: PageServer
) -> None:
    """An IPv4 address with leading zeros (``0177.0.0.2``: octal for the page server's own 127.0.0.2, which the
    C library reads but the HTTP client refuses to parse) is refused when the import is asked for, and a redirect
    to one fails the import for good at once: it never becomes a failure retried on every attempt."""
    app, http = importer
    _, auth = await quick_user(app, "octal@example.com")
    pages.pages["/p"] = Answer(body=MICRODATA_PAGE)
    for host in ["0177.0.0.2", "127.0.0.02", "127.000.0.2"]:
        response = await http.post(IMPORTS, json={"url": f"http://{host}:{pages.port}/p"}, headers=auth)
        assert response.status_code == 400, (host, response.text)
        assert response.json()["type"] == PROBLEMS + "import-url-refused", host
    pages.pages["/to-octal"] = Answer(status=302, headers={"location": f"http://0177.0.0.2:{pages.port}/p"})
    made = await failed(http, auth, pages.url("/to-octal"), "import-url-refused")
    assert made["attempts"] == 1, made
    assert "/p" not in pages.requests


async def test_only_the_owner_sees_an_import(importer: tuple[Litestar, Client], pages: PageServer) -> None:
    app, http = importer
    _, auth = await quick_user(app, "owner@example.com")
    _, other = await quick_user(app, "other@example.com")
    pages.pages["/p"] = Answer(body=MICRODATA_PAGE)
    made = await start(http, auth, pages.url("/p"))
    assert (await http.get(f"{IMPORTS}/{made['id']}", headers=other)).status_code == 404
    assert (await http.get(f"{IMPORTS}/{made['id']}")).status_code == 401
    unknown = await http.get(f"{IMPORTS}/00000000-0000-7000-8000-000000000000", headers=auth)
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
    assert (await http.get(f"{IMPORTS}/not-a-uuid", headers=auth)).status_code in {400, 404}
    done = await settled(http, auth, made["id"])
    assert done["status"] == "done"
    response = await http.get(f"{IMPORTS}/{made['id']}", headers=auth)
    assert "no-store" in response.headers["cache-control"]


async def test_imports_are_rate_limited(settings: Settings, client: Client, pages: PageServer) -> None:
    app = create_app(
        replace(settings, rate_imports="2/hour", queue_name=f"{settings.queue_name}-import-limits"), hasher=FAST_HASHER
    )
    async with running(app) as http:
        _, auth = await quick_user(app, "limited@example.com")
        for _ in range(2):
            assert (await http.post(IMPORTS, json={"url": "https://example.com/r"}, headers=auth)).status_code == 202
        limited = await http.post(IMPORTS, json={"url": "https://example.com/r"}, headers=auth)
        assert limited.status_code == 429 and "retry-after" in limited.headers
