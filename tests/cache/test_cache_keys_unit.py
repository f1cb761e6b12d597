"""The response cache's key builder and response filter (lib/cache.py) on a tiny app with the embedded store.

What makes two requests share an entry (one request spelled differently), what never does (another request, a
query that is not valid), and what is never stored (errors, writes). No service: the store is in memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, cast
from uuid import UUID

import pytest
from litestar import Litestar, Request, get, route
from litestar.config.response_cache import ResponseCacheConfig
from litestar.exceptions import HTTPException
from litestar.params import FromPath, QueryParameter
from litestar.types import HTTPScope

from chopchop.lib.cache import (
    CACHED_ROUTES_STATE_KEY,
    Generations,
    MemoryGenerationStore,
    cache_key_builder,
    cache_response_filter,
    cached_public,
    index_cached_routes,
)
from chopchop.lib.cache.constants import MAX_KEY_CHARS, UNCACHED
from chopchop.lib.cache.keys import CachedRoute
from chopchop.lib.pagination import Limit, Offset
from tests.helpers import Client, asgi_client


@dataclass
class Tiny:
    """A cached list and detail; how often each handler ran, and every key the builder made."""

    app: Litestar
    ran: Counter[str] = field(default_factory=Counter)
    keys: list[str] = field(default_factory=list)

    def routes(self) -> list[CachedRoute]:
        return list(cast("dict[int, CachedRoute]", self.app.state[CACHED_ROUTES_STATE_KEY]).values())


def _tiny() -> Tiny:
    ran: Counter[str] = Counter()
    failures: list[int] = []

    @get("/things", **cached_public("things"), sync_to_thread=False)
    def list_things(
        sort: Annotated[Literal["newest", "title"], QueryParameter()] = "newest",
        limit: Limit = 20,
        offset: Offset = 0,
        tag: Annotated[list[str] | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=300)] = None,
    ) -> dict[str, Any]:
        ran["list"] += 1
        return {"run": ran["list"], "sort": sort, "limit": limit, "offset": offset, "tag": tag, "q": q}

    @get("/things/{thing_id:uuid}", **cached_public("thing:{thing_id}"), sync_to_thread=False)
    def get_thing(thing_id: FromPath[UUID]) -> dict[str, Any]:
        ran["detail"] += 1
        return {"run": ran["detail"], "id": str(thing_id)}

    @route("/both", http_method=["GET", "POST"], status_code=200, **cached_public("both"), sync_to_thread=False)
    def read_or_write(request: Request[Any, Any, Any]) -> dict[str, Any]:
        """One handler for a read and a write: Litestar looks the cache up for both methods."""
        ran["both"] += 1
        return {"run": ran["both"], "method": request.method}

    @get("/flaky", **cached_public("flaky"), sync_to_thread=False)
    def flaky() -> dict[str, Any]:
        """A 503 the first time (a dependency was down), then a 200."""
        ran["flaky"] += 1
        if not failures:
            failures.append(1)
            raise HTTPException(status_code=503, detail="down")
        return {"run": ran["flaky"]}

    keys: list[str] = []

    def recording_key_builder(request: Request[Any, Any, Any]) -> str:
        key = cache_key_builder(request)
        keys.append(key)
        return key

    app = Litestar(
        [list_things, get_thing, read_or_write, flaky],
        stores={"response_cache": MemoryGenerationStore(1 << 20, Generations())},
        response_cache_config=ResponseCacheConfig(
            key_builder=recording_key_builder, store="response_cache", cache_response_filter=cache_response_filter
        ),
    )
    app.state[CACHED_ROUTES_STATE_KEY] = index_cached_routes(app)
    return Tiny(app, ran, keys)


async def _bodies(http: Client, *urls: str, headers: dict[str, str] | None = None) -> list[Any]:
    bodies = []
    for url in urls:
        response = await http.get(url, headers=headers)
        assert response.status_code == 200, (url, response.text)
        bodies.append(response.json())
    return bodies


@pytest.mark.parametrize(
    "spellings",
    [
        # Order, a default spelled out, a number spelled as a float, a percent-encoded name and value.
        [
            "/things?sort=title&limit=5",
            "/things?limit=5&sort=title",
            "/things?sort=title&limit=5&offset=0",
            "/things?limit=5.0&sort=title",
            "/things?%73ort=title&limit=%35",
        ],
        # No query at all is the request with every default.
        ["/things", "/things?sort=newest&limit=20&offset=0", "/things?offset=0"],
        # One search, encoded three ways.
        ["/things?q=tomato+soup", "/things?q=tomato%20soup", "/things?%71=tomato%20soup"],
    ],
)
async def test_spellings_of_one_request_share_one_entry(spellings: list[str]) -> None:
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        bodies = await _bodies(http, *spellings)
    assert tiny.ran["list"] == 1, f"the handler ran {tiny.ran['list']} times for one request"
    assert all(body == bodies[0] for body in bodies)
    assert len(set(tiny.keys)) == 1


async def test_different_requests_never_share_an_entry() -> None:
    tiny = _tiny()
    distinct = [
        "/things",
        "/things?sort=title",
        "/things?limit=5",
        "/things?offset=5",
        "/things?tag=soup",
        "/things?tag=soup&tag=quick",
        "/things?tag=quick",
        "/things?q=soup",
        "/things?q=soup%26limit%3D5",  # text that looks like another parameter stays text
        "/things?q=soup&limit=5",
    ]
    async with asgi_client(tiny.app) as http:
        bodies = await _bodies(http, *distinct)
        one, two = UUID(int=1), UUID(int=2)
        details = await _bodies(http, f"/things/{one}", f"/things/{two}", f"/things/{one}")
    assert [body["run"] for body in bodies] == list(range(1, len(distinct) + 1))
    assert bodies[8]["q"] == "soup&limit=5"
    assert bodies[8]["limit"] == 20
    assert [(body["id"], body["run"]) for body in details] == [(str(one), 1), (str(two), 2), (str(one), 1)]


async def test_a_path_parameter_is_keyed_by_its_value_not_its_spelling() -> None:
    tiny = _tiny()
    thing = UUID("0f9b8c1e-6a54-4a0c-9e39-3f1f3c6f1d2a")
    async with asgi_client(tiny.app) as http:
        bodies = await _bodies(http, f"/things/{thing}", f"/things/{str(thing).upper()}", f"/things/{thing.hex}")
    assert tiny.ran["detail"] == 1
    assert {body["id"] for body in bodies} == {str(thing)}
    # The detail's tag names the thing: a write that invalidates `thing:<id>` reaches exactly this entry.
    assert tiny.keys[0].startswith(f"thing:{thing}|")


async def test_who_asks_and_through_which_host_is_not_part_of_the_key() -> None:
    """Only responses that are the same for everyone are cached, so the key never depends on the caller."""
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        await _bodies(http, "/things?limit=3", headers={"Host": "evil.example"})
        # Each its own spelling of the request: keys are remembered per spelling.
        for spelling, headers in (
            ("/things?limit=3&offset=0", {}),
            ("/things?offset=0&limit=3", {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "gopher"}),
            ("/things?limit=3&sort=newest", {"Authorization": "Bearer someone-else"}),
            ("/things?sort=newest&limit=3", {"Cookie": "session=1"}),
        ):
            await _bodies(http, spelling, headers=headers)
    assert tiny.ran["list"] == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "limit%3D5%26offset=1",  # a name that decodes to another query
        "limit=5;offset=1",
        "sort=title&sort=newest",  # a single-valued parameter twice
        "bogus=1",  # not a parameter of the operation
        "limit=abc",
        "limit=0",
        "limit=101",
        "offset=-1",
        "sort=Title",
        f"q={'x' * 301}",
    ],
)
async def test_a_query_that_is_not_valid_is_never_a_key(hostile: str) -> None:
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        for _ in range(2):
            await http.get(f"/things?{hostile}")
        assert set(tiny.keys) == {UNCACHED}
        # Whatever its handler answered was stored nowhere, in particular not as the plain list.
        first, second = await _bodies(http, "/things", "/things")
    assert first["run"] == second["run"] == tiny.ran["list"]


async def test_long_queries_have_bounded_keys_that_stay_distinct() -> None:
    tiny = _tiny()
    long_a, long_b = "a" * 290 + "1", "a" * 290 + "2"
    async with asgi_client(tiny.app) as http:
        bodies = await _bodies(http, f"/things?q={long_a}", f"/things?q={long_b}", f"/things?q={long_a}")
    assert [body["run"] for body in bodies] == [1, 2, 1]
    assert len(set(tiny.keys)) == 2
    for key in tiny.keys:
        assert key.startswith("things|")  # the tags stay readable: invalidation finds the entry by them
        assert len(key) <= len("things|") + MAX_KEY_CHARS


async def test_the_key_memo_keeps_only_valid_short_spellings() -> None:
    """Each spelling's key is remembered to skip re-validating it, but not the refused or the very long ones:
    a stream of hostile URLs must not grow the memo."""
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        for n in range(30):
            await http.get(f"/things?bogus{n}=1")
            await http.get(f"/things?q={'y' * 280}{n}&limit=1&offset={n}&sort=title&tag={'z' * 200}")
        await _bodies(http, "/things?limit=1", "/things?limit=2")
    assert sum(len(route.keys) for route in tiny.routes()) == 2


async def test_cache_control_no_cache_reads_through_and_refreshes_the_entry() -> None:
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        first, reloaded, after = await _bodies(http, "/things", "/things", "/things")
        assert first["run"] == reloaded["run"] == after["run"] == 1
        reloaded = (await _bodies(http, "/things", headers={"Cache-Control": "no-cache"}))[0]
        after = (await _bodies(http, "/things"))[0]
    assert reloaded["run"] == 2, "no-cache was answered from the entry"
    assert after["run"] == 2, "the answer read through was not stored for the others"


@pytest.mark.parametrize(
    ("method", "status", "stored"),
    [
        ("GET", 200, True),
        ("GET", 201, False),
        ("GET", 204, False),
        ("GET", 301, False),
        ("GET", 304, False),
        ("GET", 400, False),
        ("GET", 404, False),
        ("GET", 500, False),
        ("GET", 503, False),
        ("HEAD", 200, False),
        ("POST", 200, False),
        ("PUT", 200, False),
        ("PATCH", 200, False),
        ("DELETE", 200, False),
    ],
)
def test_only_successful_gets_are_stored(method: str, status: int, stored: bool) -> None:
    """Litestar asks the filter for every response of a path that has a cached handler, writes included."""
    assert cache_response_filter(cast("HTTPScope", {"type": "http", "method": method}), status) is stored


async def test_an_error_is_not_what_the_next_readers_get() -> None:
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        assert (await http.get("/flaky")).status_code == 503
        second, third = await _bodies(http, "/flaky", "/flaky")
    assert (second["run"], third["run"]) == (2, 2)


async def test_a_write_is_never_answered_from_the_cache_nor_stored_for_readers() -> None:
    tiny = _tiny()
    async with asgi_client(tiny.app) as http:
        read = (await _bodies(http, "/both"))[0]
        writes = [(await http.post("/both")).json() for _ in range(2)]
        again = (await _bodies(http, "/both"))[0]
    assert writes == [{"run": 2, "method": "POST"}, {"run": 3, "method": "POST"}]
    assert again == read == {"run": 1, "method": "GET"}
