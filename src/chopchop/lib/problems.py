"""RFC 9457 problem+json: the one shape of every error response."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from advanced_alchemy.exceptions import DuplicateKeyError, IntegrityError, NotFoundError, RepositoryError
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.types import ExceptionHandlersMap

logger = logging.getLogger("chopchop.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://chopchop.dev/problems/"


class FieldError(msgspec.Struct, omit_defaults=True):
    """One invalid input: where it is and what is wrong with it."""

    message: str
    field: str | None = None
    source: str | None = None


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem details object."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


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
        instance=request.url.path if request is not None else None,
        errors=errors,
    )
    return Response(content=problem, status_code=status, media_type=PROBLEM_JSON, headers=headers)


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


def _not_found_handler(request: Request[Any, Any, Any], exc: NotFoundError) -> Response[Problem]:
    return problem_response(404, detail="The resource does not exist.", request=request)


def _integrity_handler(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Problem]:
    logger.info("integrity conflict on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        409, detail="The request conflicts with the current state of the resource.", slug="conflict", request=request
    )


def _repository_handler(request: Request[Any, Any, Any], exc: RepositoryError) -> Response[Problem]:
    logger.error("repository error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, detail="Internal Server Error", request=request)


def _unhandled_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, detail="Internal Server Error", request=request)


exception_handlers: ExceptionHandlersMap = {
    HTTPException: _http_exception_handler,
    NotFoundError: _not_found_handler,
    DuplicateKeyError: _integrity_handler,
    IntegrityError: _integrity_handler,
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
    "Unauthorized",
    "exception_handlers",
    "problem_response",
]
