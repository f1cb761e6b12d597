"""Hostile bytes in URLs, headers and bodies are 4xx problems, never 500s, and every answer has the house headers."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote_to_bytes

import msgspec
import pytest
from httpx import Response
from litestar import Litestar
from litestar.exceptions import ValidationException

from chopchop.app import create_app
from chopchop.lib.transport import decode_json_body
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import Client, asgi_client, quick_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
REGISTER = "/api/v1/auth/register"
HOSTILE_JSON = {
    "invalid UTF-8": b'{"email":"a\xff@b.co","password":"xxxxxxxx","display_name":"x"}',
    "UTF-8-encoded surrogate": b'{"email":"a@b.co","password":"\xed\xa0\x80xxxxxxx","display_name":"x"}',
    "deep nesting": b"[" * 2000,
    "deep nesting in a field": b'{"email":' + b"[" * 2000,
    "lone surrogate escape": b'{"email":"a@b.co","password":"x\\ud800xxxxxxx","display_name":"x"}',
    "huge number": b'{"email":"a@b.co","password":1e999,"display_name":"x"}',
    "duplicate key": b'{"email":"a@b.co","password":"xxxxxxxx","display_name":"x","display_name":"y"}',
    "byte order mark": b'\xef\xbb\xbf{"email":"a@b.co","password":"xxxxxxxx","display_name":"x"}',
    "not JSON": b"{not json",
    "empty": b"",
}


def assert_problem(response: Response, status: int = 400) -> dict[str, Any]:
    """A problem+json of ``status`` with the security headers and a request id: what every answer carries."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    request_id = response.headers["x-request-id"]
    problem = cast("dict[str, Any]", response.json())
    assert problem["status"] == status
    assert problem["instance"] == f"urn:chopchop:request:{request_id}"
    return problem


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors


def json_endpoints(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, path) whose handler takes a JSON body, path parameters filled with an unknown id."""
    endpoints: list[tuple[str, str]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            media_type = getattr(data.kwarg_definition, "media_type", None) if data is not None else None
            if media_type == "application/json":
                path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), route.path)
                endpoints.extend((method, path) for method in handler.http_methods)
    return sorted(endpoints)


async def raw_request(
    app: Litestar,
    method: str,
    raw_path: bytes,
    query: bytes = b"",
    headers: dict[str, bytes] | None = None,
    body: bytes = b"",
    *,
    hang_up: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """A request with bytes httpx refuses to send, given to the app as an ASGI server would (path decoded)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver.local"), *((k.encode(), v) for k, v in (headers or {}).items())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver.local", 80),
    }
    messages: list[dict[str, Any]] = [{"type": "http.request", "body": body, "more_body": hang_up}]
    if hang_up:  # the client leaves before the rest of its body
        messages.append({"type": "http.disconnect"})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(cast("Any", scope), cast("Any", receive), cast("Any", send))
    response_headers = {k.decode(): v.decode("latin-1") for k, v in sent[0]["headers"]}
    return sent[0]["status"], response_headers, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("name", list(HOSTILE_JSON))
async def test_hostile_json_bodies_are_400_on_every_json_endpoint(
    app: Litestar, client: Client, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    _, headers = await quick_user(app, f"hostile-{uuid.uuid4().hex[:8]}@example.com")
    caplog.set_level(logging.INFO)
    endpoints = json_endpoints(app)
    assert ("POST", REGISTER) in endpoints
    assert len(endpoints) >= 10
    for method, path in endpoints:
        response = await client.request(method, path, content=HOSTILE_JSON[name], headers={**headers, **JSON})
        problem = assert_problem(response)
        assert problem["type"].endswith("/validation-error"), (method, path, problem)
        assert problem["errors"][0]["source"] == "body", (method, path, problem)
    no_errors_logged(caplog)


async def test_numbers_as_strings_are_refused_in_bodies_but_not_in_queries(app: Litestar, client: Client) -> None:
    _, headers = await quick_user(app, "strict@example.com")
    for field, value in [("servings", "4"), ("prep_minutes", 5.5), ("cook_minutes", True), ("servings", "1e1")]:
        response = await client.post("/api/v1/recipes", json=recipe_payload(**{field: value}), headers=headers)
        problem = assert_problem(response)
        assert problem["errors"] == [{"message": problem["errors"][0]["message"], "field": field, "source": "body"}]
    nested = recipe_payload(ingredients=[{"ingredient": "salt", "quantity": "1"}])
    problem = assert_problem(await client.post("/api/v1/recipes", json=nested, headers=headers))
    assert problem["errors"][0]["field"] == "ingredients[0].quantity"
    mixed = await client.post("/api/v1/recipes", json=recipe_payload(servings=4.0, prep_minutes="5"), headers=headers)
    assert assert_problem(mixed)["errors"][0]["field"] == "prep_minutes"  # the string, after the integral float
    # JSON numbers are numbers however written: 4.0 is the integer 4 (JSON Schema's `integer`, and what Python's
    # json.dumps writes for a float), 400 is a number. Query parameters are strings and stay converted.
    exact = recipe_payload(servings=4.0, cook_minutes=1e1, ingredients=[{"ingredient": "salt", "quantity": 400}])
    created = await client.post("/api/v1/recipes", json=exact, headers=headers)
    assert created.status_code == 201, created.text
    scaled = await client.get(f"/api/v1/recipes/{created.json()['id']}", params={"servings": "8"})
    assert scaled.status_code == 200
    assert scaled.json()["servings"] == 8
    assert scaled.json()["original_servings"] == 4
    assert scaled.json()["cook_minutes"] == 10
    assert (await client.get("/api/v1/recipes", params={"limit": "5"})).status_code == 200


def test_string_formats_still_decode_from_json_strings() -> None:
    class Formats(msgspec.Struct):
        id: uuid.UUID
        at: datetime
        day: date
        flag: bool = False

    raw = b'{"id":"8c3b3a60-8d8f-4c1e-9c55-6f0f1f8d2a10","at":"2024-05-01T12:30:00Z","day":"2024-05-01","flag":true}'
    decoded = decode_json_body(raw, Formats)
    assert decoded.id == uuid.UUID("8c3b3a60-8d8f-4c1e-9c55-6f0f1f8d2a10")
    assert decoded.at.year == 2024
    assert decoded.day == date(2024, 5, 1)
    assert decoded.flag is True
    with pytest.raises(ValidationException):
        decode_json_body(raw.replace(b"true", b'"true"'), Formats)


async def test_a_nul_never_reaches_postgresql(app: Litestar, client: Client) -> None:
    # Every text column's field refuses NUL (PostgreSQL would, with a 500); the unpatterned fields (passwords,
    # tokens) are only ever hashed, so a NUL there is just a wrong password.
    _, headers = await quick_user(app, "nul-check@example.com")
    stored = [
        (REGISTER, b'{"email":"a@b.co","password":"xxxxxxxx","display_name":"a\\u0000b"}'),
        ("/api/v1/recipes", msgspec.json.encode(recipe_payload(description="a\x00b"))),
        ("/api/v1/recipes", msgspec.json.encode(recipe_payload(tags=["a\x00b"]))),
    ]
    for path, body in stored:
        assert_problem(await client.post(path, content=body, headers={**headers, **JSON}))
    hashed = b'{"email":"nobody@example.com","password":"xxxx\\u0000xxxx"}'
    assert (await client.post("/api/v1/auth/login", content=hashed, headers=JSON)).status_code == 401
    assert_problem(await client.get("/api/v1/users", params={"q": "a\x00b"}))


@pytest.mark.parametrize(
    "body",
    [
        b"username=a%FF%40b.co&password=xxxxxxxx",
        b"username=a\xff@b.co&password=xxxxxxxx",
        b"username=a%ED%A0%80b.co&password=xxxxxxxx",
        b"username=a%00b.co&password=xxxxxxxx",
        b"",
    ],
)
async def test_hostile_form_bodies_are_400(client: Client, caplog: pytest.LogCaptureFixture, body: bytes) -> None:
    caplog.set_level(logging.INFO)
    problem = assert_problem(await client.post("/api/v1/auth/token", content=body, headers=FORM))
    assert problem["errors"][0]["source"] == "body"
    no_errors_logged(caplog)


@pytest.mark.parametrize(
    ("path", "headers", "body"),
    [
        (REGISTER, {"content-type": "application/json; charset=latin-1"}, b'{"email":"\xe9@b.co"}'),
        (REGISTER, {"content-type": "text/plain"}, b'{"email":"a@b.co","password":"xxxxxxxx","display_name":"x"}'),
        (REGISTER, {"content-type": "application/x-www-form-urlencoded"}, b"email=a@b.co"),
        (REGISTER, {**JSON, "content-encoding": "gzip"}, b"\x1f\x8b\x08\x00"),
        ("/api/v1/auth/token", JSON, b'{"username":"a@b.co","password":"xxxxxxxx"}'),
    ],
)
async def test_bodies_in_another_format_or_charset_are_415(
    client: Client, caplog: pytest.LogCaptureFixture, path: str, headers: dict[str, str], body: bytes
) -> None:
    caplog.set_level(logging.INFO)
    assert_problem(await client.post(path, content=body, headers=headers), 415)
    no_errors_logged(caplog)


async def test_a_utf8_charset_is_accepted(client: Client) -> None:
    body = b'{"email":"nobody@example.com","password":"whatever it is"}'
    response = await client.post(
        "/api/v1/auth/login", content=body, headers={"content-type": "application/json; charset=UTF-8"}
    )
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/recipes?q=%FF",
        "/api/v1/recipes?q=%ED%A0%80",
        "/api/v1/recipes?q=a%00b",
        "/api/v1/recipes?tag=%C0%AF",
        "/api/v1/recipes/%FF",
        "/api/v1/nothing/%FF",
        "/api/v1/recipes/%00",
        "/api/v1/recipes/a%0Ab",
    ],
)
async def test_hostile_urls_are_400(client: Client, caplog: pytest.LogCaptureFixture, url: str) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="chopchop.access")
    problem = assert_problem(await client.get(url))
    assert problem["errors"][0]["source"] == ("query" if "?" in url else "path")
    no_errors_logged(caplog)
    # The refused request still has its access line, and a decoded line break cannot forge another one.
    paths = [
        cast("dict[str, str]", record.msg)["path"] for record in caplog.records if record.name == "chopchop.access"
    ]
    assert len(paths) == 1, paths
    assert paths[0].isprintable(), paths


async def test_raw_non_ascii_bytes_in_the_url_are_400(app: Litestar, client: Client) -> None:
    # Our servers (granian, uvicorn) refuse these request lines themselves; the app does not rely on it.
    for raw_path, query in [(b"/api/v1/recipes", b"q=\xff"), (b"/api/v1/recipes/\xff", b""), (b"/api/\xc3\x28", b"")]:
        status, headers, body = await raw_request(app, "GET", raw_path, query)
        assert status == 400, body
        assert headers["content-type"].startswith(PROBLEM)
        assert headers["x-content-type-options"] == "nosniff"
        assert "x-request-id" in headers
    valid = await client.get("/api/v1/recipes", params={"q": "crème brûlée"})
    assert valid.status_code == 200


@pytest.mark.parametrize(
    ("method", "headers", "body"),
    [
        ("POST", {"content-length": b"2", "transfer-encoding": b"chunked"}, b"{}"),
        ("POST", {"content-length": b"+2"}, b"{}"),
        ("GET", {"content-length": b"5"}, b"hello"),
        ("GET", {"transfer-encoding": b"chunked"}, b"hello"),
    ],
)
async def test_ambiguous_framing_and_bodies_on_get_are_400(
    app: Litestar, client: Client, method: str, headers: dict[str, bytes], body: bytes
) -> None:
    path = REGISTER if method == "POST" else "/api/v1/recipes"
    status, response_headers, raw = await raw_request(app, method, path.encode(), headers=headers, body=body)
    assert status == 400, raw
    assert response_headers["content-type"].startswith(PROBLEM)
    assert msgspec.json.decode(raw)["errors"][0]["source"] == "header"


async def test_a_client_hanging_up_mid_body_is_not_a_server_error(
    app: Litestar, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"content-type": b"application/json", "content-length": b"100"}
    status, _, raw = await raw_request(app, "POST", REGISTER.encode(), headers=headers, body=b'{"email"', hang_up=True)
    assert status == 400, raw
    no_errors_logged(caplog)


async def test_router_errors_carry_the_house_headers_and_an_access_line(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="chopchop.access")
    missing = await client.get("/api/v1/nothing-here", headers={"X-Request-ID": "lost-1"})
    assert_problem(missing, 404)
    assert missing.headers["x-request-id"] == "lost-1"
    wrong_method = await client.put("/health/live", headers={"X-Request-ID": "wrong-1"})
    assert_problem(wrong_method, 405)
    assert wrong_method.headers["x-request-id"] == "wrong-1"
    too_big = await client.post(REGISTER, content=b'{"email": "' + b"x" * 2_000_000 + b'"}', headers=JSON)
    assert_problem(too_big, 413)
    lines = [record.getMessage() for record in caplog.records if record.name == "chopchop.access"]
    assert any("lost-1" in line and "404" in line for line in lines), lines
    assert any("wrong-1" in line and "405" in line for line in lines), lines


async def test_embedded_mode_refuses_hostile_bytes_the_same_way(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}", data_dir=str(tmp_path), log_level="WARNING"
    )
    assert settings.embedded
    app = create_app(settings)
    async with app.lifespan(), asgi_client(app) as http:
        for body in (
            HOSTILE_JSON["invalid UTF-8"],
            HOSTILE_JSON["deep nesting"],
            HOSTILE_JSON["lone surrogate escape"],
        ):
            assert_problem(await http.post(REGISTER, content=body, headers=JSON))
        assert_problem(await http.get("/api/v1/recipes?q=%FF"))
        assert_problem(await http.get("/api/v1/nothing-here"), 404)
        strings = recipe_payload(servings="4")
        assert (await http.post(REGISTER, json={"email": 1, "password": "x", "display_name": "y"})).status_code == 400
        _, headers = await quick_user(app, "embedded-strict@example.com")
        assert_problem(await http.post("/api/v1/recipes", json=strings, headers=headers))
