"""The list filters of ``GET /recipes`` (``tag``, ``ingredients_all``, ``ingredients_any``, ``exclude_ingredients``):
what the document says of them, and the answers the service gives to hostile values of them.

The answers are pinned in ``filter_answers.json``, recorded before the document said anything of these limits
(``CHOPCHOP_RECORD_FILTER_ANSWERS=1`` records them again): documenting the limits must not change what the
service accepts, nor the 400 problem bodies clients get. And the document must accept a value exactly when the
service does, except where the service measures the value once normalised in a way a pattern cannot count
(NFC composition and lower-casing change the number of characters: ``KNOWN_APART``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from chopchop.openapi import build_document

pytestmark = pytest.mark.integration

ANSWERS = Path(__file__).with_name("filter_answers.json")
FILTERS = ["tag", "ingredients_all", "ingredients_any", "exclude_ingredients"]

# One value of one filter each (name: value).
VALUES: dict[str, str] = {
    "empty": "",
    "space": " ",
    "tab": "\t",
    "trailing-newline": "a\n",
    "newline": "\n",
    "space-newline": "a \n",
    "two-newlines": "a\n\n",
    "inner-newline": "a\nb",
    "nel-c1": "a\x85",
    "nel-alone": "\x85",
    "del": "a\x7f",
    "c1-9f": "a\x9f",
    "fs-control": "a\x1c",
    "nbsp-alone": "\xa0",
    "nbsp-inside": "a\xa0b",
    "ideographic-space": "\u3000",
    "line-separator": "\u2028",
    "bom": "\ufeff",
    "zero-width-space": "\u200b",
    "plain": "tomato",
    "mixed-case": "  Olive   OIL ",
    "100": "a" * 100,
    "101": "a" * 101,
    "100-words": " ".join(["a"] * 50) + "b",  # 99 + 1: 100 once normalised
    "101-words": " ".join(["a"] * 51),
    "padded-100": "   " + "a" * 100 + "   ",
    "spaced-out": "a" + " " * 300 + "b",
    "dotted-i-50": "\u0130" * 50,  # lower-cased: 100 characters
    "dotted-i-51": "\u0130" * 51,  # 51 sent, 102 once lower-cased
    "combining-60": "e\u0301" * 60,  # 120 sent, 60 once composed (NFC)
    "emoji": "\U0001f345 tomato",
    "comma": "salt,pepper",
}
# (name, [values of `tag`]): how many.
COUNTS: dict[str, list[str]] = {
    "20": [f"t{i}" for i in range(20)],
    "21": [f"t{i}" for i in range(21)],
    "21-same": ["soup"] * 21,
    "20-with-blank": [*(f"t{i}" for i in range(19)), " "],
}
# Values the document and the service judge apart: the service counts characters after NFC and lower-casing.
KNOWN_APART = {"dotted-i-51", "combining-60"}
RECORDING = os.environ.get("CHOPCHOP_RECORD_FILTER_ANSWERS") == "1"


def _queries() -> dict[str, str]:
    queries = {
        f"{parameter}:{name}": urlencode({parameter: value}, quote_via=quote)
        for parameter in FILTERS
        for name, value in VALUES.items()
    }
    queries.update({f"count:{name}": urlencode({"tag": values}, doseq=True) for name, values in COUNTS.items()})
    queries["nul"] = "tag=a%00"
    return queries


def _answer(response: httpx.Response) -> dict[str, Any]:
    body: Any = None
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        body = {key: value for key, value in response.json().items() if key != "instance"}
    return {"status": response.status_code, "problem": body}


async def test_hostile_filter_values_get_the_answers_they_got_before(client: httpx.AsyncClient) -> None:
    answers = {name: _answer(await client.get(f"/api/v1/recipes?{query}")) for name, query in _queries().items()}
    if RECORDING:
        ANSWERS.write_text(json.dumps(answers, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    expected = json.loads(ANSWERS.read_text())
    assert answers == expected


def _parameter_schema(name: str) -> dict[str, Any]:
    parameters = build_document(log_level="WARNING")["paths"]["/api/v1/recipes"]["get"]["parameters"]
    # Header parameters are `$ref`s to components; the query parameters are inline.
    (schema,) = [p["schema"] for p in parameters if p.get("name") == name and p.get("in") == "query"]
    (array,) = [s for s in schema.get("oneOf", [schema]) if s.get("type") == "array"]
    return dict(array)


def _ecma_search(pattern: str, value: str) -> bool:
    """JSON Schema's (ECMA-262) `pattern`: unlike Python's, its `$` matches only at the very end."""
    return re.search(pattern.replace("$", r"\Z"), value) is not None


def _documented(schema: dict[str, Any], values: list[str]) -> bool:
    items = schema["items"]
    return len(values) <= schema.get("maxItems", len(values)) and all(
        len(value) >= items.get("minLength", 0)
        and len(value) <= items.get("maxLength", len(value))
        and _ecma_search(items.get("pattern", ""), value)
        for value in values
    )


@pytest.mark.skipif(RECORDING, reason="recording the answers of today's service")
def test_the_document_accepts_a_filter_value_when_the_service_does() -> None:
    answers = json.loads(ANSWERS.read_text())
    schemas = {parameter: _parameter_schema(parameter) for parameter in FILTERS}
    apart = []
    for parameter in FILTERS:
        for name, value in VALUES.items():
            accepted = answers[f"{parameter}:{name}"]["status"] == 200
            if _documented(schemas[parameter], [value]) != accepted:
                apart.append(name)
    for name, values in COUNTS.items():
        if _documented(schemas["tag"], values) != (answers[f"count:{name}"]["status"] == 200):
            apart.append(f"count:{name}")
    assert set(apart) == KNOWN_APART
    assert len(apart) == len(KNOWN_APART) * len(FILTERS)
