"""RFC 9457 problem+json: the one shape of every error response."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Annotated, Any

import msgspec
import sqlalchemy.exc
import sqlalchemy.orm.exc
from advanced_alchemy.exceptions import DuplicateKeyError, IntegrityError, NotFoundError, RepositoryError
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.types import ExceptionHandlersMap, Scope

from chopchop.lib.observability import request_id_of
from chopchop.lib.outages import Dependency, Fault, FaultKind, classify

logger = logging.getLogger("chopchop.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://chopchop.dev/problems/"


class FieldError(msgspec.Struct, omit_defaults=True):
    """One invalid input: where it is and what is wrong with it."""

    message: Annotated[str, msgspec.Meta(description="What is wrong.", examples=["Expected `str` of length >= 8"])]
    field: Annotated[
        str | None, msgspec.Meta(description="The field or parameter at fault, if known.", examples=["password"])
    ] = None
    source: Annotated[
        str | None, msgspec.Meta(description="Where it was: `body`, `query`, `path`, `header` or `cookie`.")
    ] = None


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem details object: the body of every error response (``application/problem+json``)."""

    type: Annotated[
        str,
        msgspec.Meta(
            description="A URI naming the problem type: ours are under `https://chopchop.dev/problems/`, "
            "plain HTTP errors are `about:blank`. Switch on it, not on `title` or `detail`.",
            examples=["https://chopchop.dev/problems/validation-error"],
        ),
    ]
    title: Annotated[str, msgspec.Meta(description="Short summary of the problem type.", examples=["Validation error"])]
    status: Annotated[int, msgspec.Meta(ge=100, le=599, description="The HTTP status code.", examples=[400])]
    detail: Annotated[str | None, msgspec.Meta(description="What happened this time, for people.")] = None
    instance: Annotated[
        str | None,
        msgspec.Meta(
            description="This occurrence: `urn:chopchop:request:` and the request id that the `X-Request-ID` "
            "header and the server's logs carry.",
            examples=["urn:chopchop:request:6f1c2d0e9a8b4c7d"],
        ),
    ] = None
    errors: Annotated[
        list[FieldError] | None, msgspec.Meta(description="Each invalid input (validation errors only).")
    ] = None


class ProblemError(HTTPException):
    """An HTTP error with a problem ``type`` of its own (a slug under the problem type base URI)."""

    problem_slug: str | None = None

    def __init__(
        self,
        detail: str = "",
        *,
        status_code: int | None = None,
        slug: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=detail, status_code=status_code, headers=headers)
        if slug is not None:
            self.problem_slug = slug


class BadRequest(ProblemError):
    status_code = 400


class Unauthorized(ProblemError):
    status_code = 401


class Forbidden(ProblemError):
    status_code = 403


class Conflict(ProblemError):
    status_code = 409


class Gone(ProblemError):
    status_code = 410


class Unprocessable(ProblemError):
    status_code = 422


class TooManyRequests(ProblemError):
    status_code = 429


class ServiceUnavailable(ProblemError):
    """A dependency other than the database and Redis (which ``lib/outages`` classifies), such as the object store,
    cannot serve right now: a 503 with its own type and Retry-After, logged as a warning, not a server error."""

    status_code = 503


def _instance(request: Request[Any, Any, Any] | None) -> str | None:
    """This occurrence: the request id that the response's X-Request-ID header and the logs carry."""
    if request is None:
        return None
    request_id = request_id_of(request.scope)
    return f"urn:chopchop:request:{request_id}" if request_id else request.url.path


def problem_response(
    status: int,
    *,
    detail: str | None = None,
    slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    request: Request[Any, Any, Any] | None = None,
) -> Response[Problem]:
    phrase = HTTPStatus(status).phrase
    problem = Problem(
        type=PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        title=slug.replace("-", " ").capitalize() if slug else phrase,
        status=status,
        detail=detail,
        instance=_instance(request),
        errors=errors,
    )
    return Response(content=problem, status_code=status, media_type=PROBLEM_JSON, headers=headers)


# What each status means when a handler does not say more (see :func:`problems`), and the problem type of
# the example shown in the OpenAPI document.
_DESCRIPTIONS: dict[int, tuple[str, str | None]] = {
    304: ("Not Modified: the representation still has the ETag sent in `If-None-Match`. No body.", None),
    400: (
        "The request is invalid: malformed JSON, wrong types, unknown fields or values out of range (see `errors`).",
        "validation-error",
    ),
    401: ("Missing, malformed, expired or revoked access token.", "unauthorized"),
    403: ("The signed-in user may not do this.", None),
    404: ("The resource does not exist.", None),
    406: (
        "None of the media types the resource is available as is acceptable (`Accept`): the detail lists them.",
        "not-acceptable",
    ),
    409: ("The request conflicts with the current state of the resource.", "conflict"),
    412: (
        "Precondition failed: `If-Match` does not match the current ETag (someone changed the resource since "
        "you read it). Read it again and retry.",
        None,
    ),
    410: ("What the request refers to is no longer kept.", None),
    413: ("The request body is larger than the service accepts (`CHOPCHOP_MAX_BODY_BYTES`).", None),
    422: (
        "The filters are valid but cannot be answered in time: add a condition that narrows them.",
        "search-too-broad",
    ),
    429: ("Too many requests: wait `Retry-After` seconds.", None),
    503: (
        "A dependency (the database, or the cache and job queue) is unavailable, or the request collided with "
        "a concurrent one and was not applied (type `.../transaction-conflict`): retry after `Retry-After` seconds.",
        "service-unavailable",
    ),
}


def _example(status: int, slug: str | None, detail: str) -> Example:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        title=slug.replace("-", " ").capitalize() if slug else HTTPStatus(status).phrase,
        status=status,
        detail=detail,
    )
    return Example(summary=problem.title, value=msgspec.to_builtins(problem))


def problems(*statuses: int, descriptions: Mapping[int, str] | None = None) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses=`` of a handler: the problem+json errors (and the 304) it can answer with.

    ``descriptions`` replaces the generic text of a status with what it means for this operation, e.g.
    ``{403: "Only the recipe's author may do this."}``. Response headers (``WWW-Authenticate`` on 401,
    ``Retry-After`` on 429, ``ETag`` on 304 and 412) are added by :class:`chopchop.lib.apidoc.ApiOperation`.
    Examples are fixed (never generated) so that the document is deterministic. Every operation that documents
    its problems reaches the database, so 503 (database unreachable) is always added.
    """
    specs: dict[int, ResponseSpec] = {}
    for status in sorted({*statuses, 503}):
        default, slug = _DESCRIPTIONS[status]
        description = (descriptions or {}).get(status, default)
        if status < 400:
            specs[status] = ResponseSpec(None, description=description, generate_examples=False)
            continue
        specs[status] = ResponseSpec(
            Problem,
            description=description,
            media_type=PROBLEM_JSON,
            generate_examples=False,
            examples=[_example(status, slug, description)],
        )
    return specs


def _field_errors(extra: Any) -> list[FieldError] | None:
    if not isinstance(extra, list):
        return None
    errors: list[FieldError] = []
    for item in extra:
        if isinstance(item, dict):
            key = item.get("key")
            errors.append(
                FieldError(
                    message=str(item.get("message", "invalid")),
                    field=str(key) if key else None,
                    source=item.get("source"),
                )
            )
    return errors or None


def _http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if isinstance(exc, ServiceUnavailable):
        logger.warning("%s unavailable on %s %s", exc.problem_slug, request.method, request.url.path)
        return problem_response(503, detail=exc.detail, slug=exc.problem_slug, headers=headers, request=request)
    if status >= 500:
        logger.error("server error on %s %s: %s", request.method, request.url.path, exc.detail, exc_info=exc)
        return problem_response(status, detail=HTTPStatus(status).phrase, headers=headers, request=request)
    if isinstance(exc, ValidationException):
        errors = _field_errors(exc.extra)
        detail = exc.detail
        if detail.startswith("Validation failed for"):
            detail = "The request is invalid; see `errors` for each problem."
        return problem_response(400, detail=detail, slug="validation-error", errors=errors, request=request)
    if isinstance(exc, NotAuthorizedException | Unauthorized):
        headers.setdefault("WWW-Authenticate", 'Bearer realm="chopchop"')
        detail = exc.detail if isinstance(exc, ProblemError) else "Missing, invalid, expired or revoked access token."
        slug = exc.problem_slug if isinstance(exc, ProblemError) else "unauthorized"
        return problem_response(401, detail=detail, slug=slug or "unauthorized", headers=headers, request=request)
    slug = exc.problem_slug if isinstance(exc, ProblemError) else None
    return problem_response(status, detail=exc.detail, slug=slug, headers=headers, request=request)


def _not_found_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    return problem_response(404, detail="The resource does not exist.", request=request)


def _integrity_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    # advanced-alchemy re-raises every DBAPIError of a repository call (a lost connection, a deadlock) as its
    # IntegrityError: only a real constraint violation is the client's conflict. SQLAlchemy's own comes from
    # statements services run themselves, e.g. a recipe whose author's account was deleted by a concurrent request
    # (its foreign key): the client's request conflicts with what just happened, a 409, never a 500.
    fault = classify(exc)
    if fault is not None:
        return _unavailable(request, fault)
    logger.info("integrity conflict on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        409, detail="The request conflicts with the current state of the resource.", slug="conflict", request=request
    )


# A dependency that cannot serve us now is the server's problem, and a passing one: 503 with Retry-After, never a
# 500 (a bug) or a 4xx (the client's fault). Outages last seconds (a restart, a failover): 5 s spares a recovering
# server the stampede. A transaction that lost a race (serialization failure, deadlock) may be retried at once.
RETRY_AFTER_SECONDS: dict[FaultKind, str] = {FaultKind.OUTAGE: "5", FaultKind.CONFLICT: "1"}


def fault_problem(fault: Fault, where: str) -> tuple[str, str, dict[str, str]]:
    """The 503 of a dependency fault (slug, detail, headers), logged once: handlers and the commit share it."""
    headers = {"Retry-After": RETRY_AFTER_SECONDS[fault.kind]}
    if fault.kind is FaultKind.CONFLICT:
        # A deadlock means two code paths take the same locks in different orders: worth fixing, hence ERROR.
        level = logging.ERROR if fault.reason.endswith("40P01") else logging.WARNING
        logger.log(level, "transaction conflict (%s) on %s: the client is told to retry", fault.reason, where)
        return (
            "transaction-conflict",
            "The request collided with a concurrent one and was not applied. Retry it.",
            headers,
        )
    # The reason (a SQLSTATE or an exception class) and never the message: messages may quote SQL and its values.
    logger.warning("%s unavailable (%s) on %s", fault.dependency.value, fault.reason, where)
    what = "its database" if fault.dependency is Dependency.DATABASE else "its cache and job queue"
    return "service-unavailable", f"The service cannot reach {what} right now. Retry in a few seconds.", headers


def _unavailable(request: Request[Any, Any, Any], fault: Fault) -> Response[Problem]:
    slug, detail, headers = fault_problem(fault, f"{request.method} {request.url.path}")
    return problem_response(503, detail=detail, slug=slug, headers=headers, request=request)


def problem_bytes(status: int, *, slug: str | None, detail: str, scope: Scope) -> bytes:
    """The body of a problem for code that answers below Litestar's handlers (raw ASGI messages)."""
    request_id = request_id_of(scope)
    problem = Problem(
        type=PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        title=slug.replace("-", " ").capitalize() if slug else HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=f"urn:chopchop:request:{request_id}" if request_id else None,
    )
    return msgspec.json.encode(problem)


def _gone_meanwhile(exc: BaseException) -> bool:
    """An ORM flush found no row to update or delete: a concurrent request deleted it (we use no version column)."""
    return any(isinstance(error, sqlalchemy.orm.exc.StaleDataError) for error in (exc, exc.__cause__, exc.__context__))


def _repository_handler(request: Request[Any, Any, Any], exc: RepositoryError) -> Response[Problem]:
    fault = classify(exc)
    if fault is not None:
        return _unavailable(request, fault)
    if _gone_meanwhile(exc):
        return _not_found_handler(request, exc)
    logger.error("repository error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, detail="Internal Server Error", request=request)


def _unhandled_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    fault = classify(exc)
    if fault is not None:
        return _unavailable(request, fault)
    if _gone_meanwhile(exc):
        return _not_found_handler(request, exc)
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, detail="Internal Server Error", request=request)


exception_handlers: ExceptionHandlersMap = {
    HTTPException: _http_exception_handler,
    NotFoundError: _not_found_handler,
    DuplicateKeyError: _integrity_handler,
    IntegrityError: _integrity_handler,
    sqlalchemy.exc.IntegrityError: _integrity_handler,
    RepositoryError: _repository_handler,
    Exception: _unhandled_handler,
}

__all__ = [
    "PROBLEM_JSON",
    "BadRequest",
    "Conflict",
    "FieldError",
    "Forbidden",
    "Problem",
    "ProblemError",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "exception_handlers",
    "problem_response",
    "problems",
]
