"""OpenAPI documentation helpers: the headers and conditional-request parameters every operation shares.

Handlers declare ``operation_class=ApiOperation`` and their errors with :func:`chopchop.lib.problems.problems`;
this class then fills in what follows from those status codes, so that it is written once:

* a short ``summary`` from the ``operationId`` (``listRecipes`` -> "List recipes"), unless one is given;
* ``WWW-Authenticate`` on 401, ``Retry-After``/``RateLimit-Policy``/``RateLimit`` on 429, ``ETag`` on 412 and 304,
  ``Retry-After`` on a problem 503, and a 413 and a 415 on operations that take a body;
* the bearer security requirement on operations that do not say they are public (``security=[{}]``, documented
  as ``security: []``: no requirement);
* the ``If-None-Match`` request header where a 304 is documented (with ``ETag``/``Cache-Control`` on the 200),
  and ``If-Match`` where a 412 is.

Nothing here changes behaviour: it only describes what the middleware and handlers already do.
:func:`tighten_request_bodies` makes the request body schemas say what msgspec enforces and Litestar's schema
generation leaves out (unknown fields, constraints of list items, ``minimum: 0`` of optional fields).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import msgspec
import msgspec.inspect
from litestar.datastructures import ResponseHeader
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    Schema,
)

from chopchop.lib.observability import REQUEST_ID_PATTERN
from chopchop.lib.problems import PROBLEM_JSON
from chopchop.lib.text import END

SECURITY_SCHEME = "BearerToken"  # the name the auth config (domain/accounts/auth.py) gives the scheme
_STRING = Schema(type=OpenAPIType.STRING)
_INTEGER = Schema(type=OpenAPIType.INTEGER, minimum=1)

WWW_AUTHENTICATE = OpenAPIHeader(
    schema=_STRING, description='`Bearer realm="chopchop"`: send `Authorization: Bearer <access_token>`.'
)
ETAG = OpenAPIHeader(
    schema=_STRING, description="Strong validator of the representation: send it back in `If-None-Match` or `If-Match`."
)
#: ``Location`` of a 201 that is not the operation's default answer (a PUT that creates the first time): ``LOCATION``
#: documents the default answer's only.
CREATED_LOCATION = OpenAPIHeader(schema=_STRING, description="Path of the created resource.")
CACHE_CONTROL = OpenAPIHeader(
    schema=_STRING,
    description="`public, no-cache` on public reads (keep a copy, revalidate it with `If-None-Match`), "
    "`private, no-store` on private ones.",
)
RATE_LIMIT_HEADERS = {
    "Retry-After": OpenAPIHeader(schema=_INTEGER, description="Seconds to wait before trying again.", required=True),
    "RateLimit-Policy": OpenAPIHeader(
        schema=_STRING, description='The rule that was exceeded: `"login";q=30;w=60` (q requests per w seconds).'
    ),
    "RateLimit": OpenAPIHeader(
        schema=_STRING, description='What is left of it: `"login";r=0;t=42` (t: seconds to reset).'
    ),
}
IF_NONE_MATCH = Parameter(
    name="If-None-Match",
    param_in="header",
    required=False,
    schema=_STRING,
    description="ETag(s) of the copy you have: if the representation still matches, the answer is 304 with no body.",
)
IF_MATCH = Parameter(
    name="If-Match",
    param_in="header",
    required=False,
    schema=_STRING,
    description="ETag of the copy you changed (from a GET): the write is refused with 412 if the resource has "
    "changed since. Without it, the last write wins.",
)

OPENAPI_DESCRIPTION = """\
Share recipes: register, publish recipes with ingredients and steps, search and filter them, like them and
comment on them.

* **Authentication**: `POST /api/v1/auth/login` (or the OAuth2 password form `POST /api/v1/auth/token`)
  returns a bearer token; send it as `Authorization: Bearer <token>`. Public operations need none.
* **Errors** are RFC 9457 `application/problem+json`; switch on `type`.
* **Lists** are paged with `limit` (1-100) and `offset`; the `Link` header points at the next and previous pages.
* **Caching**: every successful GET has a strong `ETag`; send it back in `If-None-Match` for a `304`, or in
  `If-Match` on a recipe write to be refused with `412` if someone changed it meanwhile.
* **Rate limits**: authentication endpoints and every write are limited; past a limit the answer is `429` with
  `Retry-After`.
* **Read your writes**: where public reads are served by read replicas, every write answers with a
  `Chopchop-Consistency-Token` header; send the latest one back on your reads to see your writes in them.
"""
# The tags of the operations, in the order the documentation shows them.
OPENAPI_TAGS = {
    "auth": "Registration, email confirmation, log in, password reset. Public.",
    "me": "The signed-in user's own account.",
    "recipes": "Recipes: public reads (search, filters, sort), author-only writes.",
    "photos": "Recipe photos: author-only uploads (JPEG, PNG, WebP; metadata stripped), order and cover, variants "
    "made in the background, and the images at stable addresses.",
    "likes": "Liking recipes, and what a user liked.",
    "ratings": "Rating recipes 1 to 5 stars: your own rating; averages and counts are on every recipe.",
    "comments": "Comments on recipes.",
    "ingredients": "The shared ingredient catalogue (autocomplete).",
    "users": "The public user directory and profiles.",
    "collections": "Collections (cookbooks): named, ordered lists of recipes, public or private.",
    "follows": "Following authors, followers and following lists, and the signed-in user's feed.",
    "webhooks": "The signed-in user's webhook endpoints: signed POSTs of events on their recipes and account.",
    "moderation": "Reports of content by users; moderators hide recipes and comments, suspend accounts and work "
    "through the reports (a login's access token and the `moderator` role).",
    "admin": "Roles and the audit log of every moderation action (a login's access token and the `admin` role).",
    "health": "Liveness and readiness probes.",
}

LOCATION = ResponseHeader(name="Location", description="Path of the created resource.", documentation_only=True)

_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def summary_of(operation_id: str) -> str:
    """``listRecipes`` -> ``List recipes``; ``loginOAuth2`` -> ``Login o auth2`` is avoided by explicit summaries."""
    words = _WORD.findall(operation_id)
    text = " ".join(word if word.isupper() and len(word) > 1 else word.lower() for word in words)
    return text[:1].upper() + text[1:]


def _add_headers(response: OpenAPIResponse, headers: dict[str, OpenAPIHeader]) -> None:
    response.headers = {**(response.headers or {}), **headers}


@dataclass
class ApiOperation(Operation):
    """An :class:`Operation` that documents the headers implied by its status codes (see the module docstring)."""

    def __post_init__(self) -> None:
        if self.operation_id and (not self.summary or " " not in self.summary):
            self.summary = summary_of(self.operation_id)
        responses = self.responses or {}
        parameters = list(self.parameters or [])
        for status, response in responses.items():
            if not isinstance(response, OpenAPIResponse):
                continue
            if status == "401":
                _add_headers(response, {"WWW-Authenticate": WWW_AUTHENTICATE})
            elif status == "429":
                _add_headers(response, RATE_LIMIT_HEADERS)
            elif status == "503" and PROBLEM_JSON in (response.content or {}):
                _add_headers(response, {"Retry-After": RATE_LIMIT_HEADERS["Retry-After"]})
            elif status == "412":
                _add_headers(response, {"ETag": ETAG})
            elif status == "304":
                _add_headers(response, {"ETag": ETAG, "Cache-Control": CACHE_CONTROL})
                ok = responses.get("200")
                if isinstance(ok, OpenAPIResponse):
                    _add_headers(ok, {"ETag": ETAG, "Cache-Control": CACHE_CONTROL})
                parameters.append(IF_NONE_MATCH)
        self._add_body_problems()
        self._add_created_location()
        if "412" in responses:
            parameters.append(IF_MATCH)
        self.parameters = parameters or None
        if self.security is None:
            # Say it on the operation, not only document-wide: generators (openapi-python-client) look only here.
            self.security = [{SECURITY_SCHEME: []}]
        elif self.security == [{}]:
            # A public operation ignores any token: no requirement at all. `[{}]` says "authentication optional",
            # and openapi-python-client then makes its functions demand an AuthenticatedClient.
            self.security = []

    def _add_created_location(self) -> None:
        created = (self.responses or {}).get("201")
        if isinstance(created, OpenAPIResponse) and "Location" not in (created.headers or {}):
            _add_headers(created, {"Location": CREATED_LOCATION})

    def _add_body_problems(self) -> None:
        if self.request_body is None or self.responses is None:
            return
        for status, description in _BODY_PROBLEMS.items():
            self.responses.setdefault(
                status,
                OpenAPIResponse(
                    description=description,
                    content={PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
                ),
            )


CONSISTENCY_TOKEN_HEADER = "Chopchop-Consistency-Token"  # noqa: S105 - a header name
CONSISTENCY_TOKEN = OpenAPIHeader(
    schema=_STRING,
    description="Deployments with read replicas: this write's commit, signed (e.g. `0/3A2F1B8.kq3N0x7ZbVw1pY2e`). "
    "Send it back unchanged in the same header on your next reads to see this write in them (docs/api.md).",
)
CONSISTENCY_TOKEN_PARAMETER = Parameter(
    name=CONSISTENCY_TOKEN_HEADER,
    param_in="header",
    required=False,
    schema=Schema(type=OpenAPIType.STRING, pattern=rf"^([0-9A-F]{{1,8}}/[0-9A-F]{{1,8}}\.[A-Za-z0-9_-]{{16}})?{END}"),
    description="The `Chopchop-Consistency-Token` of the answer to your last write, unchanged: the read then "
    "reflects that write even when a read replica serves it. Malformed or not ours: 400 `invalid-consistency-token`.",
)


def document_consistency_tokens(
    document: OpenAPI, reads: Iterable[tuple[str, str]], writes: Iterable[tuple[str, str]]
) -> None:
    """The consistency token header on the 2xx answers of ``writes`` and as a parameter of ``reads``
    (``(path, method)`` pairs of the document)."""
    paths = document.paths or {}
    for path, method in reads:
        operation = getattr(paths.get(path), method.lower(), None)
        if isinstance(operation, Operation):
            operation.parameters = [*(operation.parameters or []), CONSISTENCY_TOKEN_PARAMETER]
    for path, method in writes:
        operation = getattr(paths.get(path), method.lower(), None)
        if isinstance(operation, Operation):
            for status, response in (operation.responses or {}).items():
                if status.startswith("2") and isinstance(response, OpenAPIResponse):
                    _add_headers(response, {CONSISTENCY_TOKEN_HEADER: CONSISTENCY_TOKEN})


# What any operation that takes a body may answer about the body itself, before its handler runs.
_BODY_PROBLEMS = {
    "413": "The request body is larger than the service accepts (`CHOPCHOP_MAX_BODY_BYTES`).",
    "415": "The body is not in the operation's media type, not UTF-8, or compressed (`Content-Encoding`): "
    "send it as the request body above says.",
}


# JSON Schema keywords of msgspec's schema -> attributes of Litestar's Schema, for the constraints copied over.
_CONSTRAINTS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "uniqueItems": "unique_items",
}


def _copy_constraints(target: Schema, expected: dict[str, Any]) -> None:
    for keyword, attribute in _CONSTRAINTS.items():
        if keyword in expected and getattr(target, attribute) is None:
            setattr(target, attribute, expected[keyword])


def _array_of(schema: Schema) -> Schema | None:
    """The array schema of a property: itself, or the one alternative of an optional (``UNSET``) field."""
    if schema.type == OpenAPIType.ARRAY:
        return schema
    alternatives = [s for s in schema.one_of or [] if isinstance(s, Schema) and s.type == OpenAPIType.ARRAY]
    return alternatives[0] if len(alternatives) == 1 else None


def tighten_request_bodies(document: OpenAPI, bodies: Iterable[type[msgspec.Struct]]) -> None:
    """Make the component schemas of request bodies promise no more than msgspec accepts.

    Litestar's generated schemas leave out ``additionalProperties: false`` of ``forbid_unknown_fields`` structs,
    the ``Meta`` constraints of list items (``list[Step]``) and a ``minimum`` of 0 on ``X | UnsetType`` fields, so a
    client (or a fuzzer) following the document sends bodies that are refused with 400. msgspec's own JSON schema
    of the same structs has them: copy what is missing from it.
    """
    types = list(dict.fromkeys(bodies))
    if document.components is None or not document.components.schemas or not types:
        return
    _, expected_schemas = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    for name, expected in expected_schemas.items():
        schema = document.components.schemas.get(name)
        if not isinstance(schema, Schema):
            continue
        if expected.get("additionalProperties") is False:  # forbid_unknown_fields
            schema.additional_properties = False
        for field, expected_field in expected.get("properties", {}).items():
            actual = (schema.properties or {}).get(field)
            if not isinstance(actual, Schema):
                continue
            _copy_constraints(actual, expected_field)
            array, items = _array_of(actual), expected_field.get("items")
            if array is not None and isinstance(array.items, Schema) and isinstance(items, dict):
                _copy_constraints(array.items, items)


# Enumerations: one named schema each


def enums_of(annotations: Iterable[Any]) -> list[type[Enum]]:
    """The Enum classes the annotations use, also nested in Structs, unions, containers and ``Annotated``."""
    found: dict[type[Enum], None] = {}
    for annotation in annotations:
        try:
            info = msgspec.inspect.type_info(annotation)
        except (TypeError, ValueError):  # not a type msgspec knows (a Request, an ASGI scope): no enum in it
            continue
        for node in _type_nodes(info, set()):
            if isinstance(node, msgspec.inspect.EnumType):
                found[node.cls] = None
    return list(found)


def _type_nodes(node: Any, seen: set[int]) -> Iterator[Any]:
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if isinstance(node, msgspec.Struct):
        for name in node.__struct_fields__:
            yield from _type_nodes(getattr(node, name), seen)
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _type_nodes(item, seen)


def document_enums(
    document: OpenAPI, enums: Iterable[type[Enum]], parameter_defaults: Iterable[tuple[str, str, str, Enum]] = ()
) -> None:
    """Each enumeration is one component schema that says what the enumeration is.

    Litestar already renders an ``Enum`` as a ``$ref`` to a component named after it, but it copies the
    description and default of the first field or parameter that uses it into that shared component (a
    sort order's default, a complexity's "How hard it is to make.") and so leaves it off that parameter. The
    components get back their own description (the class docstring) and nothing else; the defaults go to the
    parameters they belong to (``(path, method, name, default)`` of query parameters).
    """
    schemas = document.components.schemas if document.components is not None else None
    if not schemas:
        return
    for enum in enums:
        if isinstance(schemas.get(enum.__name__), Schema):
            values = [member.value for member in enum]
            types = {type(value) for value in values}
            schemas[enum.__name__] = Schema(
                type=OpenAPIType.STRING if types == {str} else OpenAPIType.INTEGER if types == {int} else None,
                enum=values,
                title=enum.__name__,
                description=(enum.__doc__ or "").strip() or None,
            )
    paths = document.paths or {}
    for path, method, name, default in parameter_defaults:
        operation = getattr(paths.get(path), method.lower(), None)
        for parameter in operation.parameters or [] if isinstance(operation, Operation) else []:
            if isinstance(parameter, Parameter) and parameter.name == name and parameter.param_in == "query":
                schema = parameter.schema
                if isinstance(schema, Reference):
                    schema = parameter.schema = Schema(all_of=[schema])
                if isinstance(schema, Schema):
                    schema.default = default.value


# Constraints of parameters

_PARAMETER_CONSTRAINTS = {
    "ge": "minimum",
    "gt": "exclusive_minimum",
    "le": "maximum",
    "lt": "exclusive_maximum",
    "min_length": "min_length",
    "max_length": "max_length",
    "min_items": "min_items",
    "max_items": "max_items",
    "pattern": "pattern",
}


def constrain_parameters(document: OpenAPI, constraints: Iterable[tuple[str, str, str, dict[str, Any]]]) -> None:
    """The parameters' schemas state every constraint that their validation applies.

    ``constraints`` are ``(path, method, name, {ge: 0, ...})`` as the handlers declare them
    (``QueryParameter(ge=0)``). Litestar leaves out a constraint whose value is falsy (``ge=0``: no ``minimum``,
    while -1 is refused), and puts those of an optional parameter beside its ``oneOf`` where generators do not
    look: each goes on the parameter's non-null alternative. So does a ``schema_extra`` (``{max_items: 20,
    items: Schema(...)}``, attributes of :class:`Schema`): what a handler checks itself, documented only.
    """
    paths = document.paths or {}
    for path, method, name, wanted in constraints:
        operation = getattr(paths.get(path), method.lower(), None)
        for parameter in operation.parameters or [] if isinstance(operation, Operation) else []:
            if not (isinstance(parameter, Parameter) and parameter.name == name and parameter.param_in != "cookie"):
                continue
            schema = parameter.schema
            if not isinstance(schema, Schema):
                continue
            alternatives = [s for s in schema.one_of or [] if isinstance(s, Schema) and s.type != OpenAPIType.NULL]
            target = alternatives[0] if len(alternatives) == 1 else schema
            for key, attribute in _PARAMETER_CONSTRAINTS.items():
                value = wanted.get(key)
                if value is None:
                    continue
                if target is not schema:
                    setattr(schema, attribute, None)
                setattr(target, attribute, value)
            for attribute, value in (wanted.get("schema_extra") or {}).items():
                if target is not schema:
                    setattr(schema, attribute, None)
                setattr(target, attribute, value)


# What every operation shares: the request id, the default problem, the validators of GETs

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PARAMETER = Parameter(
    name=REQUEST_ID_HEADER,
    param_in="header",
    required=False,
    schema=_STRING,
    description=f"Your id for this request, to find it in the logs and in a problem's `instance`: "
    f"`{REQUEST_ID_PATTERN}`. A value that does not match is not refused: the service makes up an id "
    "instead, as it does when there is none.",
)
REQUEST_ID = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.STRING, pattern=REQUEST_ID_PATTERN),
    required=True,
    description="The request's id: the `X-Request-ID` you sent if it matched the pattern, else one the service made "
    "up (32 hex digits). Logs and a problem's `instance` carry it.",
)
DEFAULT_PROBLEM = "Any other error (e.g. 500, 503), as an RFC 9457 problem: switch on `type`."
DEFAULT_PROBLEM_RESPONSE = "DefaultProblem"  # its name in components.responses


def document_common_headers(document: OpenAPI) -> None:
    """On every operation: the optional ``X-Request-ID`` request header, the ``X-Request-ID`` of every answer, a
    ``default`` problem+json answer; on every GET, the ``ETag`` and ``Cache-Control`` of its 200 (which the
    conditional-GET middleware adds to every successful GET).

    Then each of these objects, and every other response header and header parameter, is written once under
    ``components`` and referred to with a ``$ref`` wherever it is used (see :func:`share_components`).
    """
    for item in (document.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if not isinstance(operation, Operation):
                continue
            parameters = list(operation.parameters or [])
            if not any(_is_request_id(document, p) for p in parameters):
                parameters.append(REQUEST_ID_PARAMETER)
            operation.parameters = parameters
            responses = operation.responses if operation.responses is not None else {}
            responses.setdefault(
                "default",
                OpenAPIResponse(
                    description=DEFAULT_PROBLEM,
                    content={PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
                ),
            )
            operation.responses = responses
            for status, response in responses.items():
                if not isinstance(response, OpenAPIResponse):
                    continue
                _add_headers(response, {REQUEST_ID_HEADER: REQUEST_ID})
                if method == "get" and status == "200":
                    _add_headers(response, {"ETag": ETAG, "Cache-Control": CACHE_CONTROL})
    share_components(document)


def _is_request_id(document: OpenAPI, parameter: Parameter | Reference) -> bool:
    if isinstance(parameter, Reference):
        components = document.components.parameters if document.components is not None else None
        parameter = (components or {}).get(parameter.ref.rpartition("/")[2], parameter)
    return isinstance(parameter, Parameter) and parameter.name == REQUEST_ID_HEADER


class _Shared:
    """The objects of one section of ``components`` (``headers``, ``parameters``, ``responses``): an object equal
    to one already there is that one; another is named after the operation that first uses it
    (``ListRecipeChangesLink``), or numbered when there is none (``Location2``)."""

    def __init__(self, section: dict[str, Any], kind: str) -> None:
        self.section, self.kind = section, kind
        self.names = {_fingerprint(value): name for name, value in section.items()}

    def reference(self, name: str, value: Any, owner: str | None = None) -> Reference:
        fingerprint = _fingerprint(value)
        key = self.names.get(fingerprint)
        if key is None:
            key, number = name, 2
            if key in self.section and owner:
                key = name = f"{owner[:1].upper()}{owner[1:]}{name.replace('-', '')}"
            while key in self.section:
                key, number = f"{name}{number}", number + 1
            self.section[key] = value
            self.names[fingerprint] = key
        return Reference(ref=f"#/components/{self.kind}/{key}")


def _fingerprint(value: Any) -> str:
    return json.dumps(value.to_schema(), sort_keys=True)


def share_components(document: OpenAPI) -> None:
    """Each response header, header parameter and ``default`` answer once under ``components`` (``headers``,
    ``parameters``, ``responses``), and a ``$ref`` to it wherever the operations use it: the document says the
    same thing, once (the same ``X-Request-ID`` header would otherwise be written out on every answer)."""
    components = document.components = document.components or Components()
    components.headers = components.headers or {}
    components.parameters = components.parameters or {}
    components.responses = components.responses or {}
    headers = _Shared(components.headers, "headers")
    parameters = _Shared(components.parameters, "parameters")
    responses = _Shared(components.responses, "responses")

    def share_headers(response: OpenAPIResponse, owner: str | None = None) -> None:
        if response.headers:
            for header in response.headers.values():
                if isinstance(header, OpenAPIHeader) and header.schema is None and header.content is None:
                    # A header declared for the document only (Link, Location) has no value to infer a type from;
                    # OpenAPI 3.1 requires a schema or a content: they are strings.
                    header.schema = Schema(type=OpenAPIType.STRING)
            response.headers = {
                name: headers.reference(name, header, owner) if isinstance(header, OpenAPIHeader) else header
                for name, header in response.headers.items()
            }

    for item in (document.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if not isinstance(operation, Operation):
                continue
            if operation.parameters:
                operation.parameters = [
                    parameters.reference(p.name, p) if isinstance(p, Parameter) and p.param_in == "header" else p
                    for p in operation.parameters
                ]
            for status, response in (operation.responses or {}).items():
                if isinstance(response, OpenAPIResponse):
                    share_headers(response, operation.operation_id)
                    if status == "default":
                        operation.responses[status] = responses.reference(DEFAULT_PROBLEM_RESPONSE, response)  # type: ignore[index]
    for response in components.responses.values():
        if isinstance(response, OpenAPIResponse):
            share_headers(response)


__all__ = [
    "LOCATION",
    "OPENAPI_DESCRIPTION",
    "OPENAPI_TAGS",
    "REQUEST_ID_HEADER",
    "ApiOperation",
    "constrain_parameters",
    "document_common_headers",
    "document_enums",
    "enums_of",
    "share_components",
    "summary_of",
    "tighten_request_bodies",
]


JSON_LD = "application/ld+json"
VARY_ACCEPT = OpenAPIHeader(
    schema=_STRING,
    required=True,
    description="`Accept`: the representation depends on it (caches keep one per media type).",
)
ACCEPT = Parameter(
    name="Accept",
    param_in="header",
    required=False,
    schema=_STRING,
    description="`application/json` (the default) or `application/ld+json` (schema.org), with quality values "
    "(`application/ld+json, application/json;q=0.5`). Neither acceptable: 406.",
)
SCHEMA_ORG_RECIPE = Schema(
    type=OpenAPIType.OBJECT,
    description="A schema.org `Recipe` in JSON-LD (https://schema.org/Recipe): `@context`, `@type`, `@id`, `url`, "
    "`name`, `description`, `author` (a `Person` with `name` and `url`), `datePublished`, `dateModified`, "
    "`prepTime`, `cookTime` and `totalTime` (ISO 8601 durations such as `PT1H30M`), `recipeYield`, "
    "`recipeIngredient` (text lines), `recipeInstructions` (`HowToStep` objects), `keywords` (comma-separated).",
    required=["@context", "@type", "name", "recipeIngredient", "recipeInstructions"],
    properties={
        "@context": Schema(type=OpenAPIType.STRING, const="https://schema.org"),
        "@type": Schema(type=OpenAPIType.STRING, const="Recipe"),
        "name": _STRING,
        "recipeIngredient": Schema(type=OpenAPIType.ARRAY, items=_STRING),
        "recipeInstructions": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
    },
)


@dataclass
class LinkedDataOperation(ApiOperation):
    """An :class:`ApiOperation` whose 200 is also offered as schema.org JSON-LD (``Accept: application/ld+json``):
    both media types documented, the ``Accept`` parameter, and ``Vary: Accept``."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            ok.content = {**(ok.content or {}), JSON_LD: OpenAPIMediaType(schema=SCHEMA_ORG_RECIPE)}
            _add_headers(ok, {"Vary": VARY_ACCEPT})
        self.parameters = [*(self.parameters or []), ACCEPT]
