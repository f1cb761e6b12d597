"""The OpenAPI helpers (lib/apidoc.py) on the document of a tiny app: request bodies that the document allows are
the ones the service accepts, and the consistency token is documented where it applies and nowhere else."""

from __future__ import annotations

import copy
import json
import re
from typing import Annotated, Any

import jsonschema_rs
import msgspec
import pytest
from litestar import Litestar, delete, get, post
from litestar.openapi.spec import OpenAPI, OpenAPIResponse, Operation, Parameter
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.apidoc import (
    CONSISTENCY_TOKEN_HEADER,
    CONSISTENCY_TOKEN_PARAMETER,
    document_consistency_tokens,
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
