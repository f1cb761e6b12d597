"""Rate limits: fixed-window counters shared by every API process (Redis), or in memory (embedded)."""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from redis.asyncio import Redis

from chopchop.lib.outages import REDIS_UNAVAILABLE

logger = logging.getLogger("chopchop.ratelimit")

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_MAX_WINDOW = 31 * 86400
_MAX_LIMIT = 10**9
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")


class RateLimitExceeded(HTTPException):
    status_code = 429


@dataclass(frozen=True, slots=True)
class Rate:
    """``limit`` requests per ``window`` seconds, written ``"10/minute"`` or ``"5/15minutes"``."""

    limit: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text)
        if match is not None:
            count, every, unit = match.groups()
            rate = cls(limit=int(count), window=int(every or 1) * _UNITS[unit])
            # A window of nothing would divide by zero at every request; one past a month or a limit past a billion
            # is a typo (and past what a Redis expiry or counter should be asked to hold).
            if 1 <= rate.limit <= _MAX_LIMIT and 1 <= rate.window <= _MAX_WINDOW:
                return rate
        msg = (
            f"invalid rate {text!r}: expected e.g. '10/minute', '5/15minutes', '100/hour' (a window of 1 s to 31 days)"
        )
        raise ValueError(msg)

    def __str__(self) -> str:
        return f"{self.limit};w={self.window}"


class RateLimiter:
    """Counts hits per (rule, identity) in the current window; answers 429 past the limit.

    Fail-open: if Redis cannot be reached, requests are let through (and a warning is logged) rather
    than refused, so an outage of the cache does not become an outage of logins.
    """

    def __init__(self, redis: Redis | None, prefix: str, *, enabled: bool = True) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:ratelimit:"
        self._memory: dict[str, int] = {}
        self._enabled = enabled
        self._warned_at = 0.0

    async def hit(self, rule: str, identity: str, rate: Rate) -> None:
        """Count one hit; raise :class:`RateLimitExceeded` (429) if it is over the limit."""
        if not self._enabled:
            return
        now = time.time()
        window_index = int(now // rate.window)
        reset = max(1, math.ceil((window_index + 1) * rate.window - now))
        key = f"{self._prefix}{rule}:{identity}:{window_index}"
        count = await self._increment(key, rate.window)
        if count is None or count <= rate.limit:
            return
        raise RateLimitExceeded(
            detail=f"Too many requests ({rule}): at most {rate.limit} every {rate.window} s. Try again in {reset} s.",
            headers={
                "Retry-After": str(reset),
                "RateLimit-Policy": f'"{rule}";q={rate.limit};w={rate.window}',
                "RateLimit": f'"{rule}";r=0;t={reset}',
            },
        )

    async def _increment(self, key: str, window: int) -> int | None:
        if self._redis is None:
            self._memory[key] = self._memory.get(key, 0) + 1
            if len(self._memory) > 100_000:
                self._memory = {k: v for k, v in self._memory.items() if k == key}
            return self._memory[key]
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, window + 1)
                count, _ = await pipe.execute()
            return int(count)
        except REDIS_UNAVAILABLE as exc:  # only an outage fails open: an error reply is a bug, and is seen
            if time.monotonic() - self._warned_at > 10:
                self._warned_at = time.monotonic()
                logger.warning("rate limits not enforced: Redis unavailable (%s)", exc)
            return None


def client_address(request: Request[Any, Any, Any], trusted_proxies: int) -> str:
    """The client's address: the peer, or, behind ``trusted_proxies`` proxies, the address they saw.

    ``X-Forwarded-For`` is only believed for as many hops as there are proxies we run ourselves; a
    client can put anything in the header, but it cannot forge what our own proxy appended.
    """
    peer = request.client.host if request.client else "unknown"
    if trusted_proxies <= 0:
        return peer
    hops = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    if len(hops) >= trusted_proxies:
        return hops[-trusted_proxies]
    return peer


async def limit_writes(request: Request[Any, Any, Any]) -> None:
    """App-wide ``before_request`` hook: every write of a signed-in user counts against the ``writes`` rule.

    A hook, not a guard: guards run before the response cache is looked up (and Litestar copies the handler
    for each guard call), hooks only for requests that reach the handler, and a write always does.
    """
    if request.scope["method"] in {"GET", "HEAD", "OPTIONS"} or request.scope.get("user") is None:
        return
    limits: RateLimits = request.app.state.rate_limits
    user_id = str(getattr(request.scope["user"], "id", ""))
    await limits.limiter.hit("writes", user_id, limits.rules["writes"])


class RateLimits:
    """The service's named rules and the limiter that enforces them; given to handlers by DI."""

    def __init__(self, limiter: RateLimiter, rules: dict[str, Rate], trusted_proxies: int) -> None:
        self.limiter = limiter
        self.rules = rules
        self.trusted_proxies = trusted_proxies

    async def check(self, request: Request[Any, Any, Any], rule: str, key: str | None = None) -> None:
        """Count this request against ``rule``, per ``key`` (default: the client's address)."""
        identity = key if key is not None else client_address(request, self.trusted_proxies)
        await self.limiter.hit(rule, identity.lower(), self.rules[rule])
