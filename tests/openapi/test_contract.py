"""The API contract: the served OpenAPI document is the committed docs/openapi.json, and its version is in CHANGELOG.md.

An accidental change of a path, parameter, schema, status code or description fails here. An intended one is
committed with the regenerated document (``uv run python -m chopchop.openapi``) and a CHANGELOG.md entry.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from chopchop import __version__
from chopchop.lib.text import END
from chopchop.openapi import build_document, render

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
CHANGELOG = ROOT / "CHANGELOG.md"
REGENERATE = "uv run python -m chopchop.openapi"


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "put", "post", "delete", "patch"}
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with its ``$ref``s to shared headers, parameters and responses replaced by what they refer to
    (schemas stay references: they are checked as such)."""
    if isinstance(node, list):
        return [_resolve(document, value) for value in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.split("/")[:3] in (["#", "components", k] for k in SHARED):
        _, _, kind, name = ref.split("/")
        return _resolve(document, document["components"][kind][name])
    return {key: _resolve(document, value) for key, value in node.items()}


SHARED = ("headers", "parameters", "responses")


def _resolved_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, _resolve(document, operation)) for method, path, operation in _operations(document)]


def test_the_served_document_is_the_committed_contract() -> None:
    # Building an app configures logging process-wide: keep the test run's level (it does not change the document).
    served = render(build_document(log_level="WARNING"))
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.is_file() else ""
    if served != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    served.splitlines(keepends=True),
                    "docs/openapi.json (committed)",
                    "the app's document",
                    n=2,
                )
            )[:80]
        )
        msg = (
            "The OpenAPI document changed: the API contract is not docs/openapi.json any more.\n"
            f"If the change is intended, run `{REGENERATE}`, commit docs/openapi.json, and describe the change "
            f"in CHANGELOG.md under the version {__version__} (bump chopchop.__version__ for a released one).\n"
            f"First lines of the difference:\n{diff}"
        )
        raise AssertionError(msg)


def test_the_changelog_has_an_entry_for_the_api_version() -> None:
    version = json.loads(COMMITTED.read_text(encoding="utf-8"))["info"]["version"]
    assert version == __version__
    headings = re.findall(r"^## \[?v?([0-9][^\]\s]*)\]?", CHANGELOG.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert version in headings, (
        f"CHANGELOG.md has no `## {version}` section: every version of the API contract (info.version, from "
        f"chopchop.__version__) needs one that says what changed for clients. Found: {headings}"
    )


def test_every_operation_is_named_tagged_and_documents_its_errors() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    declared_tags = {tag["name"] for tag in document["tags"]}
    for method, path, operation in _resolved_operations(document):
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"[a-z][a-zA-Z0-9]+", operation["operationId"]), where
        assert len(operation["tags"]) == 1, where
        assert operation["tags"][0] in declared_tags, where
        assert operation.get("summary"), where
        assert operation.get("description"), where
        public = operation.get("security") == []
        for status, response in operation["responses"].items():
            if (status == "default" or int(status) >= 400) and path.startswith("/api/"):
                assert "application/problem+json" in response["content"], f"{where} {status}"
        if path.startswith("/api/") and not public:
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"], where
        if method != "get" and path.startswith("/api/") and (not public or "/auth/" in path):
            assert "Retry-After" in operation["responses"]["429"]["headers"], where
        if method == "get" and path.startswith("/api/") and "/auth/" not in path:
            assert "304" in operation["responses"], where
            assert "ETag" in operation["responses"]["200"]["headers"], where


def test_schema_names_are_readable_and_the_security_scheme_is_a_valid_oauth2_password_flow() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for name in document["components"]["schemas"]:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", name), f"unreadable schema name {name!r}"
    scheme = document["components"]["securitySchemes"]["BearerToken"]
    assert scheme["type"] == "oauth2"
    flow = scheme["flows"]["password"]
    assert flow["tokenUrl"] == flow["refreshUrl"] == "/api/v1/auth/token"
    assert set(flow["scopes"]) == {"read", "write", "account"}
    assert document["openapi"].startswith("3.1")
    assert {"contact", "license", "version", "title", "description"} <= set(document["info"])
    assert document["servers"]


ENUMS = {
    "Complexity": ["easy", "medium", "hard"],
    "ChangeKind": ["created", "updated", "deleted"],
    "RecipeStatus": ["draft", "private", "public"],
    "Unit": [
        "g",
        "kg",
        "mg",
        "ml",
        "l",
        "tsp",
        "tbsp",
        "cup",
        "piece",
        "pinch",
        "clove",
        "slice",
        "can",
        "bunch",
        "dash",
    ],
    "RecipeSort": ["newest", "most_liked", "most_commented", "title", "quickest", "rating"],
    "GrantType": ["password", "refresh_token"],
    "TokenScope": ["read", "write"],
    "WebhookEvent": ["recipe.liked", "recipe.commented", "recipe.deleted", "account.password_changed", "recipe.rated"],
    "WebhookDeliveryType": [
        "recipe.liked",
        "recipe.commented",
        "recipe.deleted",
        "account.password_changed",
        "recipe.rated",
        "ping",
    ],
    "WebhookDeliveryState": ["pending", "retrying", "delivered", "dead", "refused", "cancelled"],
    "Role": ["user", "moderator", "admin"],
    "ReportTarget": ["recipe", "comment", "user"],
    "ReportReason": ["spam", "harassment", "hate", "inappropriate", "copyright", "other"],
    "ReportOutcome": ["resolved", "dismissed"],
    "ReportState": ["open", "resolved", "dismissed"],
    "AuditTarget": ["recipe", "comment", "user", "report"],
    "AuditAction": [
        "role_changed",
        "recipe_hidden",
        "recipe_shown",
        "comment_hidden",
        "comment_shown",
        "user_suspended",
        "user_unsuspended",
        "report_resolved",
        "report_dismissed",
    ],
    "Visibility": ["public", "private"],
    "PhotoState": ["processing", "ready", "failed"],
    "PhotoVariant": ["original", "thumbnail", "large"],
    "RecipeImportState": ["queued", "running", "done", "failed"],
}


def _walk(node: Any, where: str = "") -> Any:
    """Every (where, object) of the document, depth first."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def test_each_enumeration_is_one_named_schema_referenced_wherever_it_is_used() -> None:
    """Generators make one class per enumeration only if every use is a `$ref` to one component."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    for name, values in ENUMS.items():
        assert schemas[name] == {
            "type": "string",
            "enum": values,
            "title": name,
            "description": schemas[name]["description"],
        }
    inline = [
        where
        for where, node in _walk(document)
        if "enum" in node and where not in {f"/components/schemas/{n}" for n in ENUMS}
    ]
    assert not inline, f"enumerations written in place instead of a $ref: {inline}"
    refs = {where: node["$ref"] for where, node in _walk(document) if "$ref" in node}

    def refers(where: str, name: str) -> bool:
        return any(w.startswith(where) and ref == f"#/components/schemas/{name}" for w, ref in refs.items())

    for model in ["RecipeCreate", "RecipeRead", "RecipeSummary", "RecipeUpdate"]:
        assert refers(f"/components/schemas/{model}/properties/complexity", "Complexity"), model
    for model in ["IngredientLineInput", "IngredientLine"]:
        assert refers(f"/components/schemas/{model}/properties/unit", "Unit"), model
    assert refers("/components/schemas/OAuth2PasswordForm/properties/grant_type", "GrantType")
    parameters = {
        (path, p["name"]): p["schema"]
        for _, path, operation in _resolved_operations(document)
        for p in operation.get("parameters", [])
    }
    assert "Complexity" in json.dumps(parameters["/api/v1/recipes", "complexity"])
    for path in ["/api/v1/recipes", "/api/v1/users/{user_id}/recipes"]:
        assert "RecipeSort" in json.dumps(parameters[path, "sort"])
        assert parameters[path, "sort"]["default"] == "newest"


def test_parameters_state_the_constraints_the_service_enforces() -> None:
    """Found: `ge=0` of an optional query parameter was left out (0 is falsy), while -1 is refused."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    listing = _resolve(document, document["paths"]["/api/v1/recipes"]["get"])
    recipes = {p["name"]: p["schema"] for p in listing["parameters"]}
    minutes = [s for s in recipes["max_total_minutes"]["oneOf"] if s.get("type") == "integer"]
    assert minutes == [{"type": "integer", "minimum": 0, "maximum": 10080}]
    assert (recipes["offset"]["minimum"], recipes["offset"]["maximum"]) == (0, 1000)
    assert (recipes["limit"]["minimum"], recipes["limit"]["maximum"]) == (1, 100)


def test_every_answer_documents_its_headers_and_every_operation_a_default_problem() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for method, path, operation in _resolved_operations(document):
        where = f"{method.upper()} {path}"
        request_id = [p for p in operation.get("parameters", []) if p["name"] == "X-Request-ID"]
        assert [(p["in"], p["required"]) for p in request_id] == [("header", False)], where
        default = operation["responses"]["default"]
        assert default["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
        for status, response in operation["responses"].items():
            header = response["headers"]["X-Request-ID"]
            assert header["required"] is True, f"{where} {status}"
            assert re.fullmatch(header["schema"]["pattern"], "0123456789abcdef0123456789abcdef")
        if method == "get":
            assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"]), where
        if "201" in operation["responses"]:
            assert "Location" in operation["responses"]["201"]["headers"], where
        if any(p["name"] == "limit" for p in operation.get("parameters", [])):
            assert "Link" in operation["responses"]["200"]["headers"], where


def test_shared_headers_parameters_and_responses_are_defined_once_and_referenced() -> None:
    """The headers every answer shares (X-Request-ID, ETag, Cache-Control, Location, Link...), the header
    parameters (X-Request-ID, If-None-Match...) and the default problem are written once under `components` and
    referred to: an inline copy (one per operation) is what made the document grow by half."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    components = document["components"]
    for name in ["X-Request-ID", "ETag", "Cache-Control", "Location", "Link", "Retry-After", "WWW-Authenticate"]:
        assert name in components["headers"], name
    assert components["parameters"]["X-Request-ID"]["in"] == "header"
    assert components["responses"]["DefaultProblem"]["headers"] == {
        "X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}
    }
    # Each object once: no two components of a section are the same.
    for kind in SHARED:
        texts = [json.dumps(value, sort_keys=True) for value in components[kind].values()]
        assert len(texts) == len(set(texts)), f"components.{kind} has duplicates"
    # Every use is a $ref to an existing component, never an inline copy; every component is used.
    used: set[str] = set()
    for method, path, operation in _operations(document):
        where = f"{method.upper()} {path}"
        for parameter in operation.get("parameters", []):
            if "$ref" not in parameter:
                assert parameter["in"] != "header", f"{where}: header parameter {parameter['name']} is inline"
            else:
                used.add(parameter["$ref"])
        for status, response in operation["responses"].items():
            if status == "default":
                assert response == {"$ref": "#/components/responses/DefaultProblem"}, where
                used.add(response["$ref"])
                continue
            for name, header in response.get("headers", {}).items():
                assert set(header) == {"$ref"}, f"{where} {status}: header {name} is inline"
                used.add(header["$ref"])
    for ref in used:
        _, _, kind, name = ref.split("/")
        assert name in components[kind], f"dangling {ref}"
    used |= {h["$ref"] for h in components["responses"]["DefaultProblem"]["headers"].values()}
    defined = {f"#/components/{kind}/{name}" for kind in SHARED for name in components[kind]}
    assert defined == used, f"unused components: {defined - used}"


def test_the_document_is_valid_openapi_3_1() -> None:
    """What generators and validators read must be valid. Found: a `default: 0` on required string parameters
    (Litestar's `Empty` is an Enum member), `Link`/`Location` headers with neither schema nor content."""
    validate(build_document(log_level="WARNING"))


def test_a_page_offers_cursors_exactly_when_its_list_takes_a_cursor() -> None:
    """`next_cursor`/`prev_cursor` in a page's schema promise a `cursor` parameter to pass them to: a list without one
    (ingredients, webhooks, deliveries) must not show cursors a client cannot use, and every cursor list shows them."""
    document = json.loads(COMMITTED.read_text())
    schemas = document["components"]["schemas"]
    checked = 0
    for method, path, operation in _resolved_operations(document):
        answer = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = answer.get("schema", {}).get("$ref", "")
        if method != "get" or not ref.endswith("Page"):
            continue
        page = schemas[ref.rpartition("/")[2]]
        takes_cursor = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
        if "has_more" in page["properties"]:  # the change feed: resumes with `since`, not `cursor`
            continue
        assert ("next_cursor" in page["properties"]) == takes_cursor, (path, ref)
        assert ("prev_cursor" in page["properties"]) == takes_cursor, (path, ref)
        checked += 1
    assert checked >= 8  # five cursor lists, ingredients, webhooks, deliveries


def test_every_pattern_ends_at_the_end_of_the_text() -> None:
    """A pattern that ends with `$` means "the end" to a JSON Schema validator but also "before a final newline" to
    Python's `re`, which checks it here: every pattern of the document ends with `lib.text.END` instead, and no value
    a pattern accepts is still accepted with a newline after it."""
    document = json.loads(COMMITTED.read_text())
    patterns = {node["pattern"] for _, node in _walk(document) if isinstance(node.get("pattern"), str)}
    assert len(patterns) >= 10
    samples = ["x", "Soup", "soup", "a@b.co", "https://example.com/hook", "A" * 44, "ab12-_", "1/2.abcdefghijklmnop"]
    accepted = 0
    for pattern in patterns:
        assert pattern.endswith(END), pattern
        for sample in samples:
            if re.search(pattern, sample):
                accepted += 1
                # Where a newline may not be inside the value, it may not end it either (free text takes newlines
                # anywhere; an email address may be surrounded by white space, trimmed).
                if not re.search(pattern, sample + "\n" + sample) and not pattern.endswith(r"\s*" + END):
                    assert not re.search(pattern, sample + "\n"), (pattern, sample)
    assert accepted >= len(patterns)
