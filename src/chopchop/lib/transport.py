"""Hostile bytes stop at the transport: URLs and bodies must be UTF-8, and JSON bodies decode strictly."""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, cast
from urllib.parse import parse_qsl, unquote_to_bytes

import msgspec
from litestar import Litestar, Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, InternalServerException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg
from litestar.types import ASGIApp, Receive, Scope, Send

from chopchop.lib.problems import FieldError, ProblemError, problem_response

INVALID = "The request is invalid; see `errors` for each problem."
_NUL = re.compile(rb"\x00")
# No route has a control character in its path, and the access log writes the path: no line breaks in it.
_CONTROLS = re.compile(rb"[\x00-\x1f\x7f]")
_CONTENT_LENGTH = re.compile(rb"[0-9]{1,18}")
_UTF8 = {"utf-8", "utf8"}
_NO_BODY = {"GET", "HEAD"}
_DISCONNECTED = "client disconnected prematurely"  # Litestar's detail, litestar/connection/request.py


def _text_problem(raw: bytes, forbidden: re.Pattern[bytes] | None = _NUL) -> str | None:
    """What is wrong with a percent-encoded URL part or form body once decoded: not UTF-8, or a forbidden byte."""
    decoded = unquote_to_bytes(raw) if b"%" in raw else raw
    if not decoded.isascii():
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError:
            # Decoding with replacement would let two different byte strings be one value (a cache key,
            # a search): refuse instead.
            return "is not valid UTF-8 once percent-decoded"
    if forbidden is not None and forbidden.search(decoded):
        # PostgreSQL refuses NUL in text: caught here it is a 400, not a 500 deep in a query.
        return "contains a NUL character" if forbidden is _NUL else "contains a control character"
    return None


def _url_error(scope: dict[str, Any]) -> FieldError | None:
    raw_path: bytes | None = scope.get("raw_path")
    if raw_path is not None:
        problem = _text_problem(raw_path.split(b"?", 1)[0], _CONTROLS)
    else:
        problem = (
            "contains a control character"
            if _CONTROLS.search(scope.get("path", "").encode("utf-8", "surrogatepass"))
            else None
        )
    if problem:
        return FieldError(message=f"The path {problem}.", source="path")
    if problem := _text_problem(scope.get("query_string", b"")):
        return FieldError(message=f"The query string {problem}.", source="query")
    return None


def _framing_error(scope: dict[str, Any]) -> FieldError | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    lengths = {value.strip() for name, value in headers if name.lower() == b"content-length"}
    chunked = any(name.lower() == b"transfer-encoding" for name, _ in headers)
    message = None
    if len(lengths) > 1 or any(not _CONTENT_LENGTH.fullmatch(length) for length in lengths):
        message = "Content-Length must be one non-negative integer."
    elif lengths and chunked:
        # Two framings of one body: whichever a proxy in front believed, the other is a smuggled request.
        message = "Send Content-Length or Transfer-Encoding, not both."
    elif scope.get("method") in _NO_BODY and (chunked or any(int(length) for length in lengths)):
        message = "A GET or HEAD request has no body."
    return FieldError(message=message, source="header") if message else None


class TransportGuard:
    """Refuses, before routing, a URL that is not UTF-8 once percent-decoded or has a NUL (a control character
    in the path), a body framed two ways, and a body on GET or HEAD.

    It wraps Litestar's whole ASGI handler (see ``create_app``), outside Litestar's exception handling, so it
    answers the problem itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        error = (_url_error(http) or _framing_error(http)) if http["type"] == "http" else None
        if error is None:
            await self.app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope, receive, send)
        response = problem_response(400, detail=error.message, slug="validation-error", errors=[error], request=request)
        asgi = response.to_asgi_response(app=None, request=request)  # a HEAD loses the body in HeadAsGet
        await asgi(scope, receive, send)


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110, section 9.3.2): every GET route answers HEAD with the GET's status and
    headers (``ETag``, ``Content-Length``, caching, conditional 304s), and so does every error, the transport
    guard's 400s included.

    Litestar routes HEAD only to handlers declared for it (a 405 otherwise); wrapped around its whole ASGI handler
    and the transport guard, this hands the request on as a GET and drops the body on the way out. The scope is
    the request's own (what Litestar records on it, the user, stays visible to the access log) and says HEAD again
    once the answer is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] != "http" or http["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Any) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        http["method"] = "GET"
        try:
            await self.app(scope, receive, headers_only)
        finally:
            http["method"] = "HEAD"


class _BodySpec(NamedTuple):
    media_type: str
    target: Any  # what the body decodes as
    required: bool


@functools.cache  # handlers live as long as the app and hash by identity: read each signature once
def _declared_body(handler: HTTPRouteHandler) -> _BodySpec | None:
    """How the handler's ``data`` is sent (what Litestar decodes the body as), if it takes one."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    if parameter is None:
        return None
    kwarg = parameter.kwarg_definition
    media_type = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
    if isinstance(media_type, RequestEncodingType):
        media_type = media_type.value
    # The signature model's annotation carries the constraints Litestar would validate `data` against.
    target = handler.signature_model.__annotations__.get("data", parameter.annotation)
    return _BodySpec(media_type, target, not parameter.is_optional and not parameter.has_default)


def _takes(declared: str, media_type: str) -> bool:
    if declared == RequestEncodingType.JSON:
        return media_type == RequestEncodingType.JSON or (
            media_type.startswith("application/") and media_type.endswith("+json")
        )
    return media_type == declared


def _malformed(message: str) -> ValidationException:
    return ValidationException(detail=INVALID, extra=[{"message": message, "source": "body"}])


def _check_body(request: Request[Any, Any, Any], body: bytes, declared: str) -> None:
    media_type, options = request.content_type
    # Litestar decodes a body as its handler declares whatever the Content-Type says: a text/plain "simple"
    # request (one a browser sends cross-site without a CORS preflight) would otherwise reach a JSON handler.
    if media_type and not _takes(declared, media_type):
        raise ProblemError(f"This operation takes `{declared}`, not `{media_type}`.", status_code=415)
    charset = options.get("charset")
    if charset is not None and charset.strip().lower() not in _UTF8:
        raise ProblemError(f"Bodies are UTF-8: `charset={charset}` is not supported.", status_code=415)
    coding = request.headers.get("content-encoding", "identity").strip().lower()
    if coding != "identity":
        raise ProblemError(f"Content-Encoding `{coding}` is not supported.", status_code=415)
    if declared == RequestEncodingType.JSON:
        if not body.isascii():
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _malformed(f"The body is not valid UTF-8 (byte {exc.start}).") from exc
    elif declared == RequestEncodingType.URL_ENCODED and (problem := _text_problem(body, None)):
        raise _malformed(f"The form {problem}.")


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKeyError(key)
        obj[key] = value
    return obj


def _integral_float(literal: str) -> float | int:
    value = float(literal)
    if not math.isfinite(value):
        msg = "Number out of range"
        raise ValueError(msg)
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


# Untyped, with `4.0` as 4: for the second chance of a body whose integer fields were written as floats.
_INTEGRAL_FLOATS = msgspec.json.Decoder(float_hook=_integral_float)
_FLOAT_FOR_INT = re.compile(r"^Expected `[^`]*\bint\b[^`]*`, got `float`")


def _invalid(exc: Exception) -> ValidationException:
    message, _, where = str(exc).partition(" - at `$")
    field = where.rstrip("`").lstrip(".")
    # An untyped decode (the integral-float second chance) locates its errors as `$[...]`: no field to name.
    return ValidationException(
        detail=INVALID,
        extra=[{"message": message, "key": field if field and field != "[...]" else None, "source": "body"}],
    )


def _decode(body: bytes, target: Any, dec_hook: Callable[[type, Any], Any] | None) -> Any:
    try:
        return msgspec.json.decode(body, type=target, strict=True, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        if not _FLOAT_FOR_INT.match(str(exc)):
            raise
    # JSON Schema's `integer` includes 4.0 (what Python's json.dumps writes for a float): accept integral numbers
    # for integers, still no strings. Rare, so the fast path above stays one typed decode.
    return msgspec.convert(_INTEGRAL_FLOATS.decode(body), target, strict=True, dec_hook=dec_hook)


def decode_json_body(body: bytes, target: Any, dec_hook: Callable[[type, Any], Any] | None = None) -> Any:
    """``body`` decoded as ``target`` strictly (``"4"`` is not an integer), every failure a 400 naming its field."""
    try:
        value = _decode(body, target, dec_hook)
    except msgspec.ValidationError as exc:
        raise _invalid(exc) from exc
    except ValueError as exc:  # msgspec.DecodeError, UnicodeDecodeError, or `_integral_float`'s
        raise _malformed(f"The body is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        raise _malformed("The body is nested too deeply.") from exc
    # msgspec keeps the last of duplicate keys, another parser (a proxy, a WAF) may keep the first: refuse them
    # (RFC 7493). The typed decode above already bounded the shape, so this second pass is small and shallow.
    try:
        json.loads(body, object_pairs_hook=_unique_pairs)
    except _DuplicateKeyError as exc:
        message = f"Object has the key `{exc.key}` twice"
        raise ValidationException(detail=INVALID, extra=[{"message": message, "source": "body"}]) from exc
    except (ValueError, RecursionError) as exc:
        raise _malformed("The body is not valid JSON.") from exc
    return value


class StrictRequest(Request[Any, Any, Any]):
    """The request class of the app: its body must be what the handler declares, and JSON decodes strictly.

    Litestar decodes a JSON body without a type, then converts it leniently (``"4"`` becomes 4) together with
    the query parameters, and lets ``UnicodeDecodeError``/``RecursionError`` of the decoder escape as 500s.
    Here the body is decoded once, strictly, straight into the handler's type; Litestar's conversion then
    passes the Struct through untouched, and query parameters keep their string conversion.
    """

    _checked: bytes | None = None

    def _body_spec(self) -> _BodySpec | None:
        handler = self.scope.get("route_handler")
        return _declared_body(handler) if isinstance(handler, HTTPRouteHandler) else None

    async def body(self) -> bytes:
        try:
            body = await super().body()
        except InternalServerException as exc:
            # Litestar calls a client that hangs up in the middle of its body a server error (an ERROR with a
            # traceback, a 500 in the access log): it is the client's doing.
            if exc.detail != _DISCONNECTED:
                raise
            raise ClientException("The client disconnected before the end of the body.") from exc
        if self._checked is not body and (spec := self._body_spec()) is not None:
            if body:
                _check_body(self, body, spec.media_type)
            elif spec.required:
                # Litestar would answer with the KeyError text of its missing `data` argument: "'data'".
                raise _malformed(f"This operation takes a body (`{spec.media_type}`); it was empty.")
            self._checked = body
        return body

    async def json(self) -> Any:
        body = await self.body()
        spec = self._body_spec()
        target = spec.target if spec is not None and spec.media_type == RequestEncodingType.JSON else Any
        return decode_json_body(body or b"null", target, self.route_handler.default_deserializer)


@dataclass(frozen=True, slots=True)
class _QueryParameters:
    names: frozenset[str]
    repeatable: frozenset[str]


def index_query_parameters(app: Litestar) -> dict[int, _QueryParameters]:
    """The query parameters each handler declares (its own and its dependencies'), by handler identity."""
    index: dict[int, _QueryParameters] = {}
    for route in app.routes:
        for handler, kwargs_model in getattr(route, "route_handler_map", {}).values():
            declared = kwargs_model.expected_query_params
            index[id(handler)] = _QueryParameters(
                names=frozenset(p.field_alias for p in declared),
                repeatable=frozenset(p.field_alias for p in declared if p.is_sequence),
            )
    return index


QUERY_PARAMETERS_STATE_KEY = "query_parameters"


async def refuse_undeclared_query_parameters(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: an API operation's query string holds only the parameters it declares,
    each once unless it is a list.

    Otherwise ``?limit%3D87%26offset=5`` would be a silently ignored parameter, a misspelt filter would
    answer as if it were not there, and every such variant would be a page of its own for caches.
    """
    if not request.scope["path"].startswith("/api/"):
        return
    index: dict[int, _QueryParameters] = request.app.state[QUERY_PARAMETERS_STATE_KEY]
    declared = index.get(id(request.route_handler))
    if declared is None:
        return
    counts = Counter(name for name, _ in parse_qsl(request.scope["query_string"].decode(), keep_blank_values=True))
    errors = [
        {"message": f"Unknown query parameter `{name}`.", "key": name, "source": "query"}
        for name in sorted(set(counts) - declared.names)
    ] + [
        {"message": f"`{name}` is given {count} times; it takes one value.", "key": name, "source": "query"}
        for name, count in sorted(counts.items())
        if count > 1 and name in declared.names and name not in declared.repeatable
    ]
    if errors:
        raise ValidationException(detail=INVALID, extra=errors)
