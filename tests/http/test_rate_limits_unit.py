"""Rate limits (lib/ratelimit.py) with no Redis: how a rate is written, counting in memory, the switch that turns
them off, failing open when Redis is down, and which address is the client's behind our own proxies."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any

import pytest
from litestar import Litestar, Request, get, post
from litestar.params import FromPath
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from chopchop.lib import ratelimit
from chopchop.lib.ratelimit import Rate, RateLimiter, RateLimitExceeded, RateLimits, client_address
from tests.helpers import asgi_client
from tests.servers import free_port

PEER = "127.0.0.1"  # the client address httpx's ASGI transport gives every request


@pytest.mark.parametrize(
    ("text", "limit", "window"),
    [
        ("10/minute", 10, 60),
        ("30/minutes", 30, 60),
        ("5/15minutes", 5, 900),
        ("100/hour", 100, 3600),
        ("1/second", 1, 1),
        ("1000/day", 1000, 86400),
        (" 3 / 2 days ", 3, 172800),
    ],
)
def test_a_rate_is_read_as_it_is_written(text: str, limit: int, window: int) -> None:
    assert Rate.parse(text) == Rate(limit=limit, window=window)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "10",
        "10/",
        "/minute",
        "0/minute",  # a limit nobody can meet
        "-1/minute",
        "ten/minute",
        "1.5/minute",
        "10/fortnight",
        "10/m",
        "10 per minute",
        "10/minute/hour",
    ],
)
def test_a_malformed_rate_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected e\.g\. '10/minute'"):
        Rate.parse(text)


@pytest.mark.parametrize("text", ["5/0minutes", "5/32days", "5/99999999999999999999days", "10000000000/minute"])
def test_a_window_of_nothing_or_past_a_month_is_refused(text: str) -> None:
    """A window of 0 divided by zero at every request the rule limited (a 500); the settings now refuse it."""
    with pytest.raises(ValueError, match="invalid rate"):
        Rate.parse(text)


def _clock(monkeypatch: pytest.MonkeyPatch, now: float) -> list[float]:
    """The limiter's wall clock, set by the test (``clock[0] = ...``)."""
    clock = [now]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: clock[0], monotonic=time.monotonic))
    return clock


async def test_past_the_limit_is_a_429_that_says_when_to_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _clock(monkeypatch, 600 * 1000 + 50)  # 50 s into a minute: the window ends in 10 s
    limiter = RateLimiter(None, "test")
    rate = Rate.parse("2/minute")
    for _ in range(2):
        await limiter.hit("login", "203.0.113.9", rate)
    with pytest.raises(RateLimitExceeded) as refused:
        await limiter.hit("login", "203.0.113.9", rate)
    assert refused.value.status_code == 429
    assert refused.value.headers == {
        "Retry-After": "10",
        "RateLimit-Policy": '"login";q=2;w=60',
        "RateLimit": '"login";r=0;t=10',
    }
    assert "login" in refused.value.detail
    clock[0] += 9.5  # still the same window
    with pytest.raises(RateLimitExceeded) as again:
        await limiter.hit("login", "203.0.113.9", rate)
    assert again.value.headers is not None
    assert again.value.headers["Retry-After"] == "1"  # rounded up: "0" would send the client back too early
    clock[0] += 0.5  # the next window
    await limiter.hit("login", "203.0.113.9", rate)


async def test_each_rule_and_each_identity_has_its_own_budget() -> None:
    limiter = RateLimiter(None, "test")
    rate = Rate.parse("1/hour")
    await limiter.hit("login", "ada@example.com", rate)
    await limiter.hit("login", "bob@example.com", rate)
    await limiter.hit("register", "ada@example.com", rate)
    with pytest.raises(RateLimitExceeded):
        await limiter.hit("login", "ada@example.com", rate)


async def test_a_disabled_limiter_never_refuses() -> None:
    limiter = RateLimiter(None, "test", enabled=False)
    for _ in range(50):
        await limiter.hit("login", "203.0.113.9", Rate.parse("1/day"))


async def test_an_unreachable_redis_lets_requests_through_and_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    """Fail-open: an outage of Redis must not become an outage of logins."""
    # Nothing listens there; no retries: the limiter's own answer to a failure is what is tested.
    redis = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))
    try:
        limiter = RateLimiter(redis, "test")
        with caplog.at_level(logging.WARNING, logger="chopchop.ratelimit"):
            for _ in range(5):
                await limiter.hit("login", "203.0.113.9", Rate.parse("1/minute"))
    finally:
        await redis.aclose()
    warnings = [record for record in caplog.records if record.name == "chopchop.ratelimit"]
    assert len(warnings) == 1
    assert "not enforced" in warnings[0].getMessage()


def _whoami(trusted_proxies: int) -> Litestar:
    @get("/whoami", sync_to_thread=False)
    def whoami(request: Request[Any, Any, Any]) -> str:
        return client_address(request, trusted_proxies)

    return Litestar([whoami])


@pytest.mark.parametrize(
    ("trusted_proxies", "forwarded_for", "address"),
    [
        (0, None, PEER),
        (0, "203.0.113.9", PEER),  # no proxy of ours: anyone can write the header
        (1, None, PEER),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself comes first: not believed
        (1, " , 203.0.113.9 , ", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", PEER),  # fewer hops than our proxies: the header did not come through them
    ],
)
async def test_the_client_address_is_believed_for_as_many_hops_as_we_run_proxies(
    trusted_proxies: int, forwarded_for: str | None, address: str
) -> None:
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    async with asgi_client(_whoami(trusted_proxies)) as http:
        answer = await http.get("/whoami", headers=headers)
    assert answer.text == address


def _login_app(trusted_proxies: int) -> Litestar:
    limits = RateLimits(RateLimiter(None, "test"), {"login": Rate.parse("2/minute")}, trusted_proxies)

    @post("/login", status_code=204)
    async def login(request: Request[Any, Any, Any]) -> None:
        await limits.check(request, "login")

    @post("/login-as/{email:str}", status_code=204)
    async def login_as(request: Request[Any, Any, Any], email: FromPath[str]) -> None:
        await limits.check(request, "login", key=email)

    return Litestar([login, login_as])


async def test_a_new_x_forwarded_for_is_no_new_budget_unless_our_proxies_wrote_it() -> None:
    async with asgi_client(_login_app(trusted_proxies=0)) as http:
        statuses = [
            (await http.post("/login", headers={"X-Forwarded-For": f"198.51.100.{n}"})).status_code for n in range(3)
        ]
    assert statuses == [204, 204, 429]
    async with asgi_client(_login_app(trusted_proxies=1)) as http:
        statuses = [
            (await http.post("/login", headers={"X-Forwarded-For": f"198.51.100.{n}"})).status_code for n in range(3)
        ]
    assert statuses == [204, 204, 204]


async def test_spellings_of_one_identity_share_its_budget() -> None:
    async with asgi_client(_login_app(trusted_proxies=0)) as http:
        statuses = [
            (await http.post(f"/login-as/{email}")).status_code
            for email in ("ada@example.com", "Ada@Example.com", "ADA@EXAMPLE.COM")
        ]
        other = await http.post("/login-as/bob@example.com")
    assert statuses == [204, 204, 429]
    assert other.status_code == 204
