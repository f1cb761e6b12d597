"""Property-based fuzzing of every operation of the live OpenAPI document with schemathesis.

Each operation gets generated requests (valid and invalid), sent with a real user's bearer token, and every
answer must be no 5xx, a documented status code with its documented content type, headers and body schema;
invalid requests must be refused (4xx), a request without its token or with an unsupported method too.

The document is the app's own (``build_document``, what test_contract.py pins as docs/openapi.json), loaded
when the module is imported: schemathesis' fixture-based lazy loader does not work with pytest 9.2 (it sets
``Node._nodeid``, which pytest no longer has), and at import time the test database does not exist yet. The app
under test is a second app built from the run's settings (same PostgreSQL database and Redis), served in-process
through schemathesis' ASGI transport. That transport runs applications in an event loop of its own, on a thread,
while the test runs outside pytest-asyncio's session loop: the session's ``app`` (whose engine and Redis pools
belong to that loop) is not shared with it. Each operation's test makes a user, a recipe and a comment through
the fuzzed app, and about half of its examples name them in their path, so that more than 404s are exercised.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from chopchop.app import create_app
from chopchop.domain.recipes.controllers import CHANGE_CURSOR_PATTERN, change_cursors
from chopchop.lib.apidoc import CONSISTENCY_TOKEN_HEADER, CONSISTENCY_TOKEN_PARAMETER
from chopchop.lib.replicas import token_for
from chopchop.openapi import build_document
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.helpers import quick_user

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    ignored_auth,
    missing_required_header,
    unsupported_method,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Operations whose 400 is a business answer to a request the document allows: an unknown or used email token,
# the wrong password of a registration, a wrong current password (to change it or delete the account). Not
# `listRecipes`: its filters' limits are in the document (maxItems, a pattern that counts characters as folding
# does, blank values included); only NFC composition and lower-casing, which change a value's length, escape it
# (tests/openapi/test_filter_parameters.py). Everywhere else a request generated from the document (positive mode)
# must not be refused with 400: the document would promise more than the service accepts (found: unknown body
# fields, constraints of list items, `minimum: 0` of PATCH fields).
TOKEN_SHAPE = re.compile(cast("Any", CONSISTENCY_TOKEN_PARAMETER.schema).pattern)
CHANGE_CURSOR_SHAPE = re.compile(CHANGE_CURSOR_PATTERN)
# A webhook's URL, a page to import: the document gives its syntax; its host, port and address (no private IP in any
# spelling, no localhost) are the service's to judge.
# A photo: the document says "a file"; whether its bytes are an image (415, 422 otherwise) is the service's to judge.
BUSINESS_400 = {
    "confirmEmail",
    "resetPassword",
    "changePassword",
    "deleteMe",
    "createWebhook",
    "updateWebhook",
    # `until` in the past; `hide` of an account or with `dismissed`: rules the schema cannot say.
    "suspendAccount",
    "resolveReport",
    "uploadRecipePhoto",
    "importRecipe",
}
RECIPE: dict[str, Any] = {
    "title": "Fuzzed soup",
    "complexity": "easy",
    "servings": 2,
    "prep_minutes": 5,
    "cook_minutes": 10,
    "steps": ["Boil.", "Serve."],
    "ingredients": [{"ingredient": "tomato", "quantity": 400, "unit": "g"}],
    "tags": ["soup"],
}


@dataclass
class Fixture:
    """The fuzzed app, a signed-in user and the real resources the path parameters may name."""

    app: Litestar
    headers: dict[str, str]
    real_ids: dict[str, str]
    counter: Iterator[int]
    token_key: bytes

    def fresh_user(self) -> dict[str, str]:
        """The auth header of a new confirmed user (for operations that would end the shared user's session)."""
        _, headers = asgi._get_portal().call(quick_user, self.app, f"fuzz-{uuid.uuid4().hex[:12]}@example.com")
        return headers


@pytest.fixture(scope="module")
def fuzzed_app(settings: Settings) -> Iterator[Litestar]:
    app = create_app(settings)
    with asgi.get_client(cast("Any", app)):  # starts the app's lifespan in the transport's event loop, until shut down
        pass
    yield app
    asgi.shutdown_lifespans()


@pytest.fixture
def fuzzed(fuzzed_app: Litestar) -> Fixture:
    """A user, a recipe and a comment of theirs: each test starts on empty tables (see conftest.clean_state)."""
    user_id, headers = asgi._get_portal().call(quick_user, fuzzed_app, "fuzzer@example.com", "Fuzzer")
    with asgi.get_client(cast("Any", fuzzed_app)) as http:
        recipe = http.post("/api/v1/recipes", json=RECIPE, headers=headers)
        assert recipe.status_code == 201, recipe.text
        recipe_id = recipe.json()["id"]
        comment = http.post(f"/api/v1/recipes/{recipe_id}/comments", json={"body": "Lovely."}, headers=headers)
        assert comment.status_code == 201, comment.text
    real_ids = {"recipe_id": recipe_id, "comment_id": comment.json()["id"], "user_id": user_id}
    token_key = fuzzed_app.plugins.get(ChopchopPlugin).db_config.token_key
    return Fixture(fuzzed_app, headers, real_ids, itertools.count(), token_key)


# Positive data: 2xx, or the refusals that depend on state, not on the request's shape (401 login, 403 author
# only, 404 unknown id, 409, 412 stale If-Match).
CONFIG_CHECKS = {"positive_data_acceptance": {"expected-statuses": ["2xx", "304", "401", "403", "404", "409", "412"]}}
# Explicit examples and random (valid and invalid) generation. Not the coverage phase: it derives its boundary
# cases while the tests are being collected, and on this document's regex patterns that takes minutes.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}, "checks": CONFIG_CHECKS})
schema = schemathesis.openapi.from_dict(build_document(log_level="WARNING"), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    # The fixture's user and resources are shared by the examples of an operation, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_conforms_to_the_document(case: Any, fuzzed: Fixture) -> None:
    # Every other example names real resources instead of generated (almost always unknown) ids.
    if case.path_parameters and next(fuzzed.counter) % 2 == 0:
        for name in case.path_parameters:
            if name in fuzzed.real_ids:
                case.path_parameters[name] = fuzzed.real_ids[name]
    # A consistency token is signed: the document can give its shape, not its signature. A generated token of the
    # right shape becomes a real one (one of the wrong shape stays, to be refused).
    token = (case.headers or {}).get(CONSISTENCY_TOKEN_HEADER)
    if isinstance(token, str) and token and TOKEN_SHAPE.fullmatch(token):
        case.headers[CONSISTENCY_TOKEN_HEADER] = token_for(token.partition(".")[0], fuzzed.token_key)
    # A change-feed cursor too: one of the right shape becomes a real one (of a position before the data).
    since = (case.query or {}).get("since")
    if isinstance(since, str) and CHANGE_CURSOR_SHAPE.fullmatch(since):
        case.query["since"] = change_cursors(fuzzed.app.plugins.get(ChopchopPlugin).settings).encode(0, len(since))
    headers = dict(fuzzed.headers)
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id in {"deleteMe", "logout"}:
        # Deleting the account or revoking its token would leave every later example a 401.
        headers = fuzzed.fresh_user()
    # A list cursor is signed and bound to its list's query: the document gives its shape, not a signature, so a
    # generated one is rightly a 400 (still checked: a problem+json the document declares, never a 500). Its
    # refusals are tested in tests/http/test_cursor_paging.py.
    signed_cursor = (case.query or {}).get("cursor") is not None
    checks = CHECKS if operation_id in BUSINESS_400 or signed_cursor else [*CHECKS, positive_data_acceptance]
    case.call_and_validate(headers=headers, checks=checks, app=fuzzed.app)


async def test_a_step_of_one_control_character_is_a_400_not_a_500(app: Litestar, client: httpx.AsyncClient) -> None:
    # Found by the fuzzer: `\S` between the allowed runs of the step pattern matched a NUL, which PostgreSQL refused.
    _, headers = await quick_user(app, "nul@example.com")
    for step in ["\x00", "\x00 Boil.", "\x1e"]:
        response = await client.post("/api/v1/recipes", json={**RECIPE, "steps": [step]}, headers=headers)
        assert response.status_code == 400, (step, response.text)


def test_request_bodies_forbid_unknown_fields_in_the_document() -> None:
    schemas = build_document(log_level="WARNING")["components"]["schemas"]
    for name in ["RecipeCreate", "RecipeUpdate", "IngredientLineInput", "Registration", "CommentCreate"]:
        assert schemas[name]["additionalProperties"] is False, name
    steps = schemas["RecipeUpdate"]["properties"]["steps"]["oneOf"][0]["items"]
    assert steps["minLength"] == 1
    assert schemas["RecipeUpdate"]["properties"]["prep_minutes"]["minimum"] == 0
