"""The OpenAPI helpers (lib/apidoc.py) on the document of a tiny app: request bodies that the document allows are
the ones the service accepts, the consistency token is documented where it applies and nowhere else, the headers
every operation shares are written once under ``components`` and referenced, enumerations are one schema that
says what they are, and parameters state their constraints."""

from __future__ import annotations

import copy
import json
import re
from enum import StrEnum
from typing import Annotated, Any

import jsonschema_rs
import msgspec
import pytest
from litestar import Litestar, delete, get, post
from litestar.openapi.spec import OpenAPI, OpenAPIHeader, OpenAPIResponse, Operation, Parameter
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.apidoc import (
    CONSISTENCY_TOKEN_HEADER,
    CONSISTENCY_TOKEN_PARAMETER,
    constrain_parameters,
    document_common_headers,
    document_consistency_tokens,
    document_enums,
    tighten_request_bodies,
)
from chopchop.lib.replicas import token_for
from chopchop.lib.schemas import Input

Word = Annotated[str, Meta(min_length=1, max_length=5)]
LowerCase = Annotated[str, Meta(pattern="^[a-z]+$")]


class StrictBody(Input):
    """Like the real bodies: unknown fields refused, constrained list items, constrained optional (UNSET) fields."""

    steps: Annotated[list[Word], Meta(min_length=1, max_length=3)]
    minutes: Annotated[int, Meta(ge=0, le=10)] | UnsetType = UNSET
    tags: Annotated[list[LowerCase], Meta(max_length=2)] | UnsetType = UNSET


class LooseBody(msgspec.Struct):
    """A body that ignores unknown fields: its document must keep allowing them."""

    name: Annotated[str, Meta(max_length=3)]


@post("/strict", sync_to_thread=False)
def write_strict(data: JSONBody[StrictBody]) -> None:
    del data


@post("/loose", sync_to_thread=False)
def write_loose(data: JSONBody[LooseBody]) -> None:
    del data


@get("/things", sync_to_thread=False)
def list_things(limit: Annotated[int, QueryParameter(ge=1)] = 20) -> list[str]:
    del limit
    return []


@post("/things", sync_to_thread=False)
def create_thing(data: JSONBody[LooseBody]) -> LooseBody:
    return data


@delete("/things/{thing_id:int}", sync_to_thread=False)
def delete_thing(thing_id: FromPath[int]) -> None:
    del thing_id


@get("/me", sync_to_thread=False)
def read_me() -> dict[str, str]:
    return {}


def _document() -> OpenAPI:
    return Litestar([write_strict, write_loose, list_things, create_thing, delete_thing, read_me]).openapi_schema


def _schema_of(document: OpenAPI, name: str) -> dict[str, Any]:
    """The JSON Schema of component ``name``, with the document's components to resolve references in it."""
    schemas = document.to_schema()["components"]["schemas"]
    return {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}


def _service_accepts(body: dict[str, Any], struct: type[msgspec.Struct]) -> bool:
    try:
        msgspec.json.decode(json.dumps(body), type=struct)
    except msgspec.ValidationError:
        return False
    return True


BODIES: list[tuple[type[msgspec.Struct], dict[str, Any]]] = [
    (StrictBody, {"steps": ["a"]}),
    (StrictBody, {"steps": ["abcde", "b", "c"], "minutes": 0, "tags": ["x", "y"]}),
    (StrictBody, {"steps": ["a"], "author": "someone"}),  # unknown field
    (StrictBody, {"steps": ["abcdef"]}),  # an item too long
    (StrictBody, {"steps": [""]}),  # an item too short
    (StrictBody, {"steps": ["a"], "minutes": -1}),  # below the minimum of an optional field
    (StrictBody, {"steps": ["a"], "minutes": 11}),
    (StrictBody, {"steps": ["a"], "tags": ["Soup"]}),  # an item of an optional list off its pattern
    (StrictBody, {"steps": ["a"], "tags": ["a", "b", "c"]}),
    (StrictBody, {"steps": []}),
    (StrictBody, {"minutes": 1}),
    (LooseBody, {"name": "abc"}),
    (LooseBody, {"name": "abc", "unknown": 1}),  # ignored by the service: allowed by the document too
    (LooseBody, {"name": "abcd"}),
]


@pytest.mark.parametrize(
    ("struct", "body"), BODIES, ids=[f"{struct.__name__}-{json.dumps(body)}" for struct, body in BODIES]
)
def test_a_body_the_document_allows_is_a_body_the_service_accepts(
    struct: type[msgspec.Struct], body: dict[str, Any]
) -> None:
    """A client (or a fuzzer) that follows the document never sends a body that is refused, and the reverse."""
    document = _document()
    tighten_request_bodies(document, [StrictBody, LooseBody])
    allowed = jsonschema_rs.validator_for(_schema_of(document, struct.__name__)).is_valid(body)
    assert allowed is _service_accepts(body, struct)


def test_only_the_bodies_named_are_changed() -> None:
    document = _document()
    before = copy.deepcopy(document.to_schema()["components"]["schemas"])
    tighten_request_bodies(document, [StrictBody])
    after = document.to_schema()["components"]["schemas"]
    assert after["LooseBody"] == before["LooseBody"]
    assert after["StrictBody"] != before["StrictBody"]


def test_a_document_without_bodies_is_left_alone() -> None:
    document = Litestar([list_things]).openapi_schema
    before = document.to_schema()
    tighten_request_bodies(document, [])
    tighten_request_bodies(document, [StrictBody])  # not in the document: nothing to tighten
    assert document.to_schema() == before


def _operation(document: OpenAPI, path: str, method: str) -> Operation:
    operation = getattr((document.paths or {})[path], method)
    assert isinstance(operation, Operation)
    return operation


def _token_parameters(operation: Operation) -> list[Parameter]:
    return [p for p in operation.parameters or [] if isinstance(p, Parameter) and p.name == CONSISTENCY_TOKEN_HEADER]


def _token_headers(operation: Operation) -> dict[str, bool]:
    """Status -> whether that answer documents the token header."""
    return {
        status: CONSISTENCY_TOKEN_HEADER in (response.headers or {})
        for status, response in (operation.responses or {}).items()
        if isinstance(response, OpenAPIResponse)
    }


def test_reads_take_the_token_and_successful_writes_answer_with_it() -> None:
    document = _document()
    document_consistency_tokens(
        document,
        reads=[("/things", "GET")],
        writes=[("/things", "POST"), ("/things/{thing_id}", "DELETE"), ("/gone", "POST")],
    )
    listing = _operation(document, "/things", "get")
    assert [p.param_in for p in _token_parameters(listing)] == ["header"]
    assert [p.name for p in listing.parameters or [] if isinstance(p, Parameter)] == ["limit", CONSISTENCY_TOKEN_HEADER]
    assert _token_headers(listing) == {"200": False, "400": False}
    assert _token_headers(_operation(document, "/things", "post")) == {"201": True, "400": False}
    assert _token_headers(_operation(document, "/things/{thing_id}", "delete")) == {"204": True, "400": False}
    # Operations that are neither replica reads nor writes are not touched.
    me = _operation(document, "/me", "get")
    assert not _token_parameters(me)
    assert not any(_token_headers(me).values())
    assert not _token_parameters(_operation(document, "/things", "post"))


def test_the_documented_token_pattern_accepts_the_tokens_the_service_issues() -> None:
    """Generated clients validate header values against the document: a pattern that refused our own tokens
    would make them unable to read their writes."""
    schema = CONSISTENCY_TOKEN_PARAMETER.schema
    assert schema is not None
    pattern = getattr(schema, "pattern", None)
    assert isinstance(pattern, str)
    key = b"k" * 32
    for position in ("0/0", "0/3A2F1B8", "FFFFFFFF/FFFFFFFF", "16/B374D848"):
        assert re.fullmatch(pattern, token_for(position, key)), position
    assert re.fullmatch(pattern, "")  # an empty header is allowed (and means nothing)
    for forged in ("0/3a2f1b8.kq3N0x7ZbVw1pY2e", "0/3A2F1B8", "0/3A2F1B8.short", "123456789/0.kq3N0x7ZbVw1pY2e"):
        assert not re.fullmatch(pattern, forged), forged


# document_common_headers: the request id, the default problem and the validators of GETs, each once


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with its ``$ref``s to components other than schemas replaced by what they refer to."""
    if isinstance(node, list):
        return [_resolve(document, value) for value in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#/components/schemas/"):
        _, _, kind, name = ref.split("/")
        return _resolve(document, document["components"][kind][name])
    return {key: _resolve(document, value) for key, value in node.items()}


def _common_headers_document() -> dict[str, Any]:
    document = _document()
    document_consistency_tokens(document, reads=[("/things", "GET")], writes=[("/things", "POST")])
    document_common_headers(document)
    return document.to_schema()


def test_every_operation_gets_the_request_id_the_default_problem_and_get_validators() -> None:
    document = _common_headers_document()
    operations = {
        (method, path): _resolve(document, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert len(operations) == 6
    for (method, path), operation in operations.items():
        where = f"{method} {path}"
        request_ids = [p for p in operation["parameters"] if p["name"] == "X-Request-ID"]
        assert [(p["in"], p["required"]) for p in request_ids] == [("header", False)], where
        default = operation["responses"]["default"]
        assert default["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
        for status, response in operation["responses"].items():
            assert response["headers"]["X-Request-ID"]["required"] is True, f"{where} {status}"
        validators = {"ETag", "Cache-Control"} & set(operation["responses"].get("200", {}).get("headers", {}))
        assert validators == ({"ETag", "Cache-Control"} if method == "get" else set()), where


def test_the_shared_objects_are_defined_once_under_components_and_referenced() -> None:
    document = _common_headers_document()
    components = document["components"]
    assert set(components["headers"]) == {"X-Request-ID", "ETag", "Cache-Control", CONSISTENCY_TOKEN_HEADER}
    assert set(components["parameters"]) == {"X-Request-ID", CONSISTENCY_TOKEN_HEADER}
    assert set(components["responses"]) == {"DefaultProblem"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method} {path}"
            assert operation["responses"]["default"] == {"$ref": "#/components/responses/DefaultProblem"}, where
            headers = [h for r in operation["responses"].values() for h in r.get("headers", {}).values()]
            assert headers, where
            assert all(set(h) == {"$ref"} for h in headers), f"{where}: inline headers {headers}"
            assert {"$ref": "#/components/parameters/X-Request-ID"} in operation["parameters"], where
            assert not [p for p in operation["parameters"] if p.get("in") == "header"], where
    # The text of each shared object is in the document once.
    text = json.dumps(document)
    assert text.count("The request's id: the `X-Request-ID` you sent") == 1
    assert text.count("Your id for this request") == 1
    assert text.count("Any other error (e.g. 500, 503)") == 1


def test_documenting_the_common_headers_twice_changes_nothing() -> None:
    document = _document()
    document_common_headers(document)
    once = copy.deepcopy(document.to_schema())
    document_common_headers(document)
    assert document.to_schema() == once


def test_variants_of_a_header_are_separate_components() -> None:
    """Two different `Location` headers (of a recipe, of a comment) are two components, not one that is wrong
    for either."""
    document = _document()
    created = _operation(document, "/things", "post").responses or {}
    deleted = _operation(document, "/things/{thing_id}", "delete").responses or {}
    for responses, description in [(created, "Path of the thing."), (deleted, "Path of the thing's grave.")]:
        response = next(r for s, r in responses.items() if s.startswith("2"))
        assert isinstance(response, OpenAPIResponse)
        response.headers = {"Location": OpenAPIHeader(description=description)}
    owner = _operation(document, "/things/{thing_id}", "delete").operation_id or ""
    variant = f"{owner[:1].upper()}{owner[1:]}Location"  # named after the operation that brought it
    document_common_headers(document)
    headers = document.to_schema()["components"]["headers"]
    assert headers["Location"]["description"] == "Path of the thing."
    assert headers[variant]["description"] == "Path of the thing's grave."
    assert {
        r["headers"]["Location"]["$ref"]
        for o in [_operation(document, "/things", "post"), _operation(document, "/things/{thing_id}", "delete")]
        for s, r in o.to_schema()["responses"].items()
        if s.startswith("2")
    } == {"#/components/headers/Location", f"#/components/headers/{variant}"}


# document_enums: one component per enumeration, that says what the enumeration is


class Colour(StrEnum):
    """A colour of paint."""

    RED = "red"
    BLUE = "blue"


class Paint(msgspec.Struct):
    colour: Annotated[Colour, Meta(description="What it looks like.")]


@get("/paints", sync_to_thread=False)
def list_paints(
    colour: Annotated[Colour, QueryParameter(description="Only this colour.")] = Colour.BLUE,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
    minutes: Annotated[int | None, QueryParameter(ge=0, le=10)] = None,
) -> list[Paint]:
    del colour, offset, minutes
    return []


def _paints() -> OpenAPI:
    return Litestar([list_paints]).openapi_schema


def _paint_parameters(document: OpenAPI) -> dict[str, dict[str, Any]]:
    return {p["name"]: p["schema"] for p in _operation(document, "/paints", "get").to_schema()["parameters"]}


def test_an_enumeration_is_one_schema_with_its_own_description_and_parameters_keep_their_default() -> None:
    document = _paints()
    # What Litestar does: the first parameter's description and default end up in the shared component.
    schemas = document.to_schema()["components"]["schemas"]
    assert schemas["Colour"]["description"] == "Only this colour."
    document_enums(document, [Colour], [("/paints", "GET", "colour", Colour.BLUE)])
    schemas = document.to_schema()["components"]["schemas"]
    assert schemas["Colour"] == {
        "type": "string",
        "enum": ["red", "blue"],
        "title": "Colour",
        "description": "A colour of paint.",
    }
    assert schemas["Paint"]["properties"]["colour"]["allOf"] == [{"$ref": "#/components/schemas/Colour"}]
    colour = _paint_parameters(document)["colour"]
    assert colour["default"] == "blue"
    assert colour["allOf"] == [{"$ref": "#/components/schemas/Colour"}]


def test_an_enumeration_not_named_is_left_alone() -> None:
    document = _paints()
    before = document.to_schema()
    document_enums(document, [])
    assert document.to_schema() == before


# constrain_parameters: the constraints the validation applies, where generators look for them


def test_parameters_get_the_constraints_litestar_leaves_out() -> None:
    document = _paints()
    minutes = _paint_parameters(document)["minutes"]
    assert "minimum" not in json.dumps(minutes)  # ge=0 is falsy: left out, while -1 is refused
    constrain_parameters(
        document,
        [("/paints", "GET", "minutes", {"ge": 0, "le": 10}), ("/paints", "GET", "offset", {"ge": 0, "le": 1000})],
    )
    parameters = _paint_parameters(document)
    # On the non-null alternative of an optional parameter, and not beside its oneOf.
    assert parameters["minutes"] == {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 10}, {"type": "null"}]}
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, 1000)
    for value, valid in [(-1, False), (0, True), (10, True), (11, False), (None, True)]:
        assert jsonschema_rs.validator_for(parameters["minutes"]).is_valid(value) is valid, value


def test_constraints_of_unknown_parameters_change_nothing() -> None:
    document = _paints()
    before = document.to_schema()
    constrain_parameters(document, [("/paints", "GET", "nothing", {"ge": 1}), ("/gone", "GET", "minutes", {"ge": 1})])
    assert document.to_schema() == before
