"""Conditional requests (lib/conditional.py) on a tiny app: strong ETags on successful GETs, 304 for a copy that
still matches (weak comparison), 412 for a write against a copy that does not (strong comparison)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, Request, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody

from chopchop.lib.conditional import (
    PRIVATE_CACHE_CONTROL,
    PUBLIC_CACHE_CONTROL,
    ConditionalGetMiddleware,
    etag_of,
    etag_of_struct,
    require_match,
)
from tests.helpers import Client, asgi_client


def _app() -> Litestar:
    thing: dict[str, Any] = {"title": "Tomato soup", "servings": 2}

    @get("/thing", opt={"cache_tags": ("thing",)}, sync_to_thread=False)
    def read_thing() -> dict[str, Any]:
        return thing

    @put("/thing", sync_to_thread=False)
    def replace_thing(request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        require_match(request, etag_of_struct(thing))
        thing.clear()
        thing.update(data)
        return thing

    @get("/private", sync_to_thread=False)
    def read_private() -> dict[str, str]:
        return {"email": "ada@example.com"}

    @get("/own-validators", sync_to_thread=False)
    def read_with_own_validators() -> Response[str]:
        return Response("hello", headers={"ETag": '"v1"', "Cache-Control": "max-age=60"})

    @get("/missing", sync_to_thread=False)
    def read_missing() -> None:
        raise NotFoundException

    @post("/things", status_code=200, sync_to_thread=False)
    def create_thing() -> dict[str, str]:
        return {"created": "yes"}

    return Litestar(
        [read_thing, replace_thing, read_private, read_with_own_validators, read_missing, create_thing],
        middleware=[ConditionalGetMiddleware],
    )


async def _etag(http: Client, path: str = "/thing") -> str:
    response = await http.get(path)
    assert response.status_code == 200
    return response.headers["etag"]


async def test_a_successful_get_carries_a_strong_etag_of_its_exact_bytes() -> None:
    async with asgi_client(_app()) as http:
        first, second = await http.get("/thing"), await http.get("/thing")
        changed = await http.put("/thing", json={"title": "Onion soup", "servings": 2})
        third = await http.get("/thing")
    assert first.headers["etag"] == etag_of(first.content) == second.headers["etag"]
    assert first.headers["etag"].startswith('"') and first.headers["etag"].endswith('"')  # strong: no W/
    assert changed.status_code == 200
    assert third.headers["etag"] == etag_of(third.content) != first.headers["etag"]


async def test_the_etag_of_a_get_is_the_one_a_write_checks() -> None:
    """What a client read (GET) is what it sends back in If-Match: both sides compute the same ETag."""
    async with asgi_client(_app()) as http:
        etag = await _etag(http)
        written = await http.put("/thing", json={"title": "Mine", "servings": 4}, headers={"If-Match": etag})
    assert written.status_code == 200, written.text


@pytest.mark.parametrize("form", ["{etag}", " {etag} ", '"other", {etag}', "W/{etag}", '"a",W/{etag}', "*"])
async def test_a_copy_that_still_matches_is_a_304_without_a_body(form: str) -> None:
    async with asgi_client(_app()) as http:
        etag = await _etag(http)
        response = await http.get("/thing", headers={"If-None-Match": form.format(etag=etag)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == PUBLIC_CACHE_CONTROL
    assert "content-type" not in response.headers


@pytest.mark.parametrize("form", ['"other"', 'W/"other"', "{stale}", "W/{stale}", "{etag_unquoted}", ""])
async def test_a_copy_that_does_not_match_gets_the_whole_answer(form: str) -> None:
    async with asgi_client(_app()) as http:
        stale = await _etag(http)
        await http.put("/thing", json={"title": "Changed", "servings": 3})
        etag = await _etag(http)
        header = form.format(stale=stale, etag_unquoted=etag.strip('"'))
        response = await http.get("/thing", headers={"If-None-Match": header})
    assert response.status_code == 200
    assert response.json() == {"title": "Changed", "servings": 3}
    assert response.headers["etag"] == etag


async def test_only_successful_gets_are_validated() -> None:
    async with asgi_client(_app()) as http:
        missing = await http.get("/missing", headers={"If-None-Match": "*"})
        created = await http.post("/things", headers={"If-None-Match": "*"})
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert created.status_code == 200
    assert created.json() == {"created": "yes"}
    assert "etag" not in created.headers


async def test_public_reads_may_be_kept_private_ones_may_not() -> None:
    async with asgi_client(_app()) as http:
        public, private = await http.get("/thing"), await http.get("/private")
    assert public.headers["cache-control"] == PUBLIC_CACHE_CONTROL == "public, no-cache"
    assert private.headers["cache-control"] == PRIVATE_CACHE_CONTROL == "private, no-store"


async def test_a_handlers_own_validators_are_kept() -> None:
    async with asgi_client(_app()) as http:
        response = await http.get("/own-validators")
        revalidated = await http.get("/own-validators", headers={"If-None-Match": '"v1"'})
    assert (response.headers["etag"], response.headers["cache-control"]) == ('"v1"', "max-age=60")
    assert revalidated.status_code == 304


@pytest.mark.parametrize("form", [None, "{etag}", '"x", {etag}', "*"])
async def test_a_write_against_the_current_copy_goes_through(form: str | None) -> None:
    """Without If-Match the last write wins; with it, the write needs the current ETag (or `*`)."""
    async with asgi_client(_app()) as http:
        etag = await _etag(http)
        headers = {} if form is None else {"If-Match": form.format(etag=etag)}
        response = await http.put("/thing", json={"title": "Mine", "servings": 1}, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("form", ["{stale}", "W/{current}", '"other"'])
async def test_a_write_against_another_copy_is_a_412_naming_the_current_etag(form: str) -> None:
    """If-Match compares strongly: a weak validator never matches, even of the current representation."""
    async with asgi_client(_app()) as http:
        stale = await _etag(http)
        await http.put("/thing", json={"title": "Theirs", "servings": 2})
        current = await _etag(http)
        response = await http.put(
            "/thing",
            json={"title": "Mine", "servings": 1},
            headers={"If-Match": form.format(stale=stale, current=current)},
        )
        kept = (await http.get("/thing")).json()
    assert response.status_code == 412
    assert response.headers["etag"] == current
    assert kept == {"title": "Theirs", "servings": 2}
