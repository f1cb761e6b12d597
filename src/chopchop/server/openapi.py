"""The OpenAPI document: its configuration, and what the handlers' signatures cannot say (finished after the app
is built). docs/openapi.json is this document exported with the default settings (`python -m chopchop.openapi`)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, Contact, License, OAuthFlow, OAuthFlows, SecurityScheme, Server, Tag
from litestar.params import ParameterKwarg
from litestar.types import Empty

from chopchop import __version__
from chopchop.domain.accounts.auth import SCOPES, TOKEN_URL, required_scope
from chopchop.lib.apidoc import (
    OPENAPI_DESCRIPTION,
    OPENAPI_TAGS,
    constrain_parameters,
    document_common_headers,
    document_consistency_tokens,
    document_enums,
    enums_of,
    tighten_request_bodies,
)
from chopchop.lib.replicas import REPLICA_READS_OPT
from chopchop.server.docs import DOCS_PATH, docs_pages
from chopchop.settings import Settings

# The auth config adds the same scheme name; this one wins (components merge in order): a valid OAuth2 password
# flow (`scopes` is required) without the `in`/`name`/`scheme` fields of other types.
_BEARER = SecurityScheme(
    type="oauth2",
    description="Bearer token, sent as `Authorization: Bearer <token>`: a login's access token (a JWT, from "
    "`POST /api/v1/auth/login` (JSON) or `POST /api/v1/auth/token` (OAuth2 password form: `username` is the email "
    "address; what Swagger UI's Authorize button uses); it has every scope), or a personal access token "
    "(`chopchop_pat_...`, from `POST /api/v1/me/tokens`; the scopes it was made with, never `account`). Each "
    "operation's security requirement names the scope it needs; without it the answer is 403 with "
    '`WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`.',
    flows=OAuthFlows(password=OAuthFlow(token_url=TOKEN_URL, scopes=SCOPES, refresh_url=TOKEN_URL)),
)


def openapi_config(settings: Settings) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Chop-chop API",
        version=__version__,
        summary="A recipe-sharing REST API.",
        description=OPENAPI_DESCRIPTION,
        contact=Contact(name="Chop-chop team", url="https://github.com/chopchop", email="api@chopchop.dev"),
        license=License(name="MIT", identifier="MIT"),
        # Relative first: Swagger UI's "Try it out" and Authorize then call the origin the page came from,
        # whatever host name or port the browser used (127.0.0.1 vs localhost would be a CORS failure).
        servers=[
            Server(url="/", description="The server that serves this document"),
            Server(
                url=settings.public_base_url.rstrip("/") or "/",
                description="The public URL (CHOPCHOP_PUBLIC_BASE_URL)",
            ),
        ],
        tags=[Tag(name=name, description=text) for name, text in OPENAPI_TAGS.items()],
        components=Components(security_schemes={"BearerToken": _BEARER}),
        use_handler_docstrings=True,
        create_examples=False,
        path=DOCS_PATH,
        # Swagger UI, ReDoc and Scalar with their files served by the app (server/docs.py), not from CDNs.
        render_plugins=docs_pages(),
    )


def finish_document(app: Litestar) -> None:
    """Request bodies as strict as their Structs, parameters as strict as their validation, one schema per
    enumeration; the consistency token on every write and public read; the request id, the default problem
    and the validators of GETs on every operation."""
    document = app.openapi_schema
    tighten_request_bodies(document, _request_bodies(app))
    enums, defaults, constraints = _parameters(app)
    document_enums(document, enums, defaults)
    constrain_parameters(document, constraints)
    document_consistency_tokens(document, *_consistency_routes(app))
    document_scopes(app)
    document_common_headers(document)


def document_scopes(app: Litestar) -> None:
    """Each authenticated operation's security requirement names the scope the auth middleware checks for it."""
    paths = app.openapi_schema.paths or {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.include_in_schema or handler.opt.get("exclude_from_auth"):
                continue
            for method in handler.http_methods:
                operation = getattr(paths.get(route.path_format), method.lower(), None)
                if operation is None or not operation.security:
                    continue
                scope = required_scope(handler.opt, method)
                operation.security = [{name: [scope] for name in requirement} for requirement in operation.security]


_Defaults = list[tuple[str, str, str, Enum]]
_Constraints = list[tuple[str, str, str, dict[str, Any]]]


def _parameters(app: Litestar) -> tuple[list[type[Enum]], _Defaults, _Constraints]:
    """The enumerations the documented handlers use; the enum defaults and the declared constraints of their
    parameters, as ``(path, method, parameter name, ...)``."""
    annotations: list[Any] = []
    defaults: _Defaults = []
    constraints: _Constraints = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.include_in_schema:
                continue
            signature = handler.parsed_fn_signature
            annotations.append(signature.return_type.annotation)
            for name, field in signature.parameters.items():
                annotations.append(field.annotation)
                kwarg = field.kwarg_definition
                if not isinstance(kwarg, ParameterKwarg):
                    continue
                alias = kwarg.query or kwarg.header or name
                for method in handler.http_methods:
                    # Litestar's `Empty` (no default) is an Enum member too.
                    if isinstance(field.default, Enum) and field.default is not Empty:
                        defaults.append((route.path_format, method, alias, field.default))
                    declared = {key: getattr(kwarg, key) for key in _DECLARED if getattr(kwarg, key) is not None}
                    if kwarg.schema_extra:
                        declared["schema_extra"] = kwarg.schema_extra
                    if declared:
                        constraints.append((route.path_format, method, alias, declared))
    return enums_of(annotations), defaults, constraints


_DECLARED = ("ge", "gt", "le", "lt", "min_length", "max_length", "min_items", "max_items", "pattern")


def _consistency_routes(app: Litestar) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (path, method) pairs of the document whose reads a replica may serve, and of the writes."""
    reads: list[tuple[str, str]] = []
    writes: list[tuple[str, str]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.include_in_schema:
                continue
            for method in handler.http_methods:
                if handler.opt.get(REPLICA_READS_OPT) and method == "GET":
                    reads.append((route.path_format, method))
                elif method in {"POST", "PUT", "PATCH", "DELETE"}:
                    writes.append((route.path_format, method))
    return reads, writes


def _request_bodies(app: Litestar) -> list[type[msgspec.Struct]]:
    """The msgspec Structs the handlers take as their ``data`` (request body)."""
    bodies: list[type[msgspec.Struct]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            annotation = data.annotation if data is not None else None
            if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
                bodies.append(annotation)
    return bodies
