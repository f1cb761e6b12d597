"""No account enumeration: known and unknown addresses get the same answers in about the same time."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.helpers import Client, quick_user, running

pytestmark = pytest.mark.integration

TRIES = 11


async def _timed(call: Callable[[], Awaitable[httpx.Response]]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await call()
    return time.perf_counter() - started, response


async def _compare(
    known: Callable[[], Awaitable[httpx.Response]], unknown: Callable[[], Awaitable[httpx.Response]]
) -> None:
    """Interleaved tries of both paths: same status and body, and medians within noise of each other."""
    known_times: list[float] = []
    unknown_times: list[float] = []
    answers: set[tuple[int, str]] = set()
    await known()
    await unknown()  # warm both paths (connections, caches of prepared statements)
    for _ in range(TRIES):
        for call, times in ((known, known_times), (unknown, unknown_times)):
            elapsed, response = await _timed(call)
            times.append(elapsed)
            body = response.json()
            body.pop("instance", None)  # names this request (its id): differs on every call by design
            answers.add((response.status_code, json.dumps(body, sort_keys=True)))
    assert len(answers) == 1, f"the two paths answer differently: {answers}"
    # The fastest of each path: what the code costs, with the least of the machine's noise on top.
    a, b = min(known_times), min(unknown_times)
    # Within 40 % or 10 ms of each other: a skipped argon2 run (or the reference's 5 ms vs 290 ms) is far outside.
    assert abs(a - b) <= max(0.4 * max(a, b), 0.010), f"known {a * 1000:.1f} ms vs unknown {b * 1000:.1f} ms"


@pytest.fixture(scope="module")
def real_cost_app(settings: Settings) -> Litestar:
    """The real argon2 cost (the other tests' apps hash at the cheapest): the cost the equaliser must hide."""
    return create_app(settings)


@pytest.fixture(scope="module")
async def real_cost_client(real_cost_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with running(real_cost_app) as http:
        yield http


def _post(client: Client, path: str, body: dict[str, Any]) -> Callable[[], Awaitable[httpx.Response]]:
    async def call() -> httpx.Response:
        return await client.post(path, json=body)

    return call


async def test_login_timing_does_not_reveal_accounts(real_cost_app: Litestar, real_cost_client: Client) -> None:
    app, client = real_cost_app, real_cost_client
    await quick_user(app, "known@example.com")
    await _compare(
        _post(client, "/api/v1/auth/login", {"email": "known@example.com", "password": "wrong password"}),
        _post(client, "/api/v1/auth/login", {"email": "unknown@example.com", "password": "wrong password"}),
    )


async def test_forgot_password_and_resend_do_not_reveal_accounts(
    real_cost_app: Litestar, real_cost_client: Client
) -> None:
    app, client = real_cost_app, real_cost_client
    await quick_user(app, "known@example.com")
    for path in ("/api/v1/auth/forgot-password", "/api/v1/auth/resend-confirmation"):
        await _compare(
            _post(client, path, {"email": "known@example.com"}), _post(client, path, {"email": "nobody@example.com"})
        )


async def test_duplicate_registration_does_not_reveal_accounts(
    real_cost_app: Litestar, real_cost_client: Client
) -> None:
    app, client = real_cost_app, real_cost_client
    await quick_user(app, "known@example.com")
    counter = iter(range(10_000))

    async def new_address() -> httpx.Response:
        body = {"email": f"fresh{next(counter)}@example.com", "password": "long enough!", "display_name": "N"}
        return await client.post("/api/v1/auth/register", json=body)

    await _compare(
        _post(
            client,
            "/api/v1/auth/register",
            {"email": "known@example.com", "password": "long enough!", "display_name": "N"},
        ),
        new_address,
    )
