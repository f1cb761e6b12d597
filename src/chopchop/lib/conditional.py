"""Conditional requests (RFC 9110 §13): strong ETags, 304 Not Modified, If-Match and 412."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.serialization import encode_json
from litestar.types import ASGIApp, Receive, Scope, Send

PUBLIC_CACHE_CONTROL = "public, no-cache"  # clients may keep a copy but must revalidate it (cheap: 304)
PRIVATE_CACHE_CONTROL = "private, no-store"
# (body length, ETag) of the response this request just stored in the response cache (set by the cache's store,
# which hashes the body anyway): the middleware below does not hash it a second time.
STORED_ETAG: ContextVar[tuple[int, str] | None] = ContextVar("chopchop_stored_etag", default=None)
_PUBLIC, _PRIVATE = PUBLIC_CACHE_CONTROL.encode(), PRIVATE_CACHE_CONTROL.encode()


#: Request-state key: this answer of a cached public route depends on who asked (:func:`mark_caller_dependent`).
CALLER_DEPENDENT_STATE_KEY = "chopchop_caller_dependent"


def mark_caller_dependent(scope: Scope) -> None:
    """This request's answer depends on who asked (an author reading their own draft on a cached public route): the
    response cache must not store it (``cache_response_filter`` refuses it, and a miss that others wait for lets them
    run on their own) and it is ``private, no-store``. Call it before the handler returns."""
    cast("dict[str, Any]", scope).setdefault("state", {})[CALLER_DEPENDENT_STATE_KEY] = True


def is_caller_dependent(scope: Scope | Any) -> bool:
    state = cast("dict[str, Any]", scope).get("state") or {}
    return bool(state.get(CALLER_DEPENDENT_STATE_KEY))


class PreconditionFailed(HTTPException):
    status_code = 412


def etag_of(body: bytes) -> str:
    """A strong validator: a hash of the exact representation bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_of_struct(value: Any) -> str:
    """The ETag that a GET of ``value`` carries (the same JSON encoder as responses)."""
    return etag_of(encode_json(value))


def _matches(header: str, etag: str, *, weak: bool) -> bool:
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        tag = candidate.strip()
        if weak and tag.startswith("W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False


def require_match(request: Request[Any, Any, Any], current_etag: str) -> None:
    """Honour ``If-Match`` on a write: 412 when the client's copy is not the current one (no lost update)."""
    header = request.headers.get("if-match")
    if header is not None and not _matches(header, current_etag, weak=False):
        raise PreconditionFailed(
            detail="The resource changed since you read it (If-Match does not match its ETag). "
            "Read it again and retry your change.",
            headers={"ETag": current_etag},
        )


def buffer_ok_response(
    send: Send, on_body: Callable[[dict[str, Any], bytes], Awaitable[None]]
) -> Callable[[Any], Awaitable[None]]:
    """A send wrapper that holds back a 200 response until its whole body is there, then hands the start
    message and the body to ``on_body`` (which sends them, changed or not). Anything else passes through."""
    start: dict[str, Any] | None = None
    chunks: list[bytes] = []

    async def buffered_send(message: Any) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                start = None
                await send(message)
                return
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            await on_body(start, b"".join(chunks))

    return buffered_send


_NO_STORE = b"no-store"


def no_store_by_default(send: Send) -> Callable[[Any], Awaitable[None]]:
    """A send wrapper that adds ``Cache-Control: no-store`` to a response that says nothing about caching."""

    async def sending(message: Any) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            if not any(name.lower() == b"cache-control" for name, _ in headers):
                message = {**message, "headers": [*headers, (b"cache-control", _NO_STORE)]}
        await send(message)

    return sending


class ConditionalGetMiddleware:
    """Adds a strong ETag and a Cache-Control header to successful GETs and answers If-None-Match with 304.

    Cached and uncached responses go through it alike, so a cache hit and a database read of the same
    representation carry the same ETag. The answer to any other method is ``no-store`` unless its handler says
    otherwise: it is the caller's own, and often carries a secret shown once (a webhook's signing secret, a new
    token) that no browser or intermediary cache may keep.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] != "http":
            await self.app(scope, receive, send)
            return
        if http["method"] not in {"GET", "HEAD"}:
            await self.app(scope, receive, no_store_by_default(send))
            return
        handler = http.get("route_handler")
        cached_route = bool(getattr(handler, "opt", {}).get("cache_tags"))

        stored = STORED_ETAG.set(None)

        async def with_validators(start: dict[str, Any], body: bytes) -> None:
            headers = list(start.get("headers", ()))
            etag: str | None = None
            has_cache_control = False
            for name, value in headers:
                lowered = name.lower()
                if lowered == b"etag":
                    etag = value.decode("latin-1")
                elif lowered == b"cache-control":
                    has_cache_control = True
            if etag is None:
                known = STORED_ETAG.get()
                etag = known[1] if known is not None and known[0] == len(body) else etag_of(body)
                headers.append((b"etag", etag.encode("latin-1")))
            if has_cache_control and is_caller_dependent(scope):
                # Whatever the handler said: an answer made for one caller is never public.
                headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                has_cache_control = False
            if not has_cache_control:
                public = cached_route and not is_caller_dependent(scope)
                headers.append((b"cache-control", _PUBLIC if public else _PRIVATE))
            start["headers"] = headers
            if_none_match = _request_header(scope, b"if-none-match")
            if if_none_match is not None and _matches(if_none_match, etag, weak=True):
                not_modified: Any = {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(k, v) for k, v in headers if k.lower() not in {b"content-length", b"content-type"}],
                }
                await send(not_modified)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(cast("Any", start))
            await send({"type": "http.response.body", "body": body, "more_body": False})

        try:
            await self.app(scope, receive, buffer_ok_response(send, with_validators))
        finally:
            STORED_ETAG.reset(stored)


def _request_header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None
