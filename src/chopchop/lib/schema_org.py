"""schema.org ``Recipe``, knowing no domain: finding one in a page (JSON-LD, ``@graph`` included, or microdata, read
by extruct), reading its loosely typed properties into plain values (clean one-line or multi-line text, steps, ISO
8601 durations, yields), and writing ISO 8601 durations for the export."""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urljoin

import extruct  # type: ignore[import-untyped]

from chopchop.lib.text import CONTROLS, CONTROLS_BUT_NEWLINES, LAYOUT_CONTROLS

SCHEMA_ORG: Final = "https://schema.org"
MAX_DEPTH: Final = 12  # how deep a page's JSON-LD is searched for a Recipe (hostile nesting ends here)
MAX_NODES: Final = 5000  # how many objects are looked at in all
MAX_ITEMS: Final = 500  # how many ingredient lines, steps or keywords are read before the limits apply
_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"<\s*(?:br|/p|/li|/div|/h[1-6])\b[^>]*>", re.IGNORECASE)
_ONE_LINE_DROP = re.compile(f"[{CONTROLS}{LAYOUT_CONTROLS}]")
_MULTI_LINE_DROP = re.compile(f"[{CONTROLS_BUT_NEWLINES}{LAYOUT_CONTROLS}]")
_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
_MINUTES_PER = {"years": 525_600, "months": 43_800, "weeks": 10_080, "days": 1_440, "hours": 60, "minutes": 1}
_FIRST_NUMBER = re.compile(r"\d{1,7}")
MAX_IMAGES: Final = 10


@dataclass(slots=True)
class FoundRecipe:
    """What a page says of its recipe, as plain values (empty when it says nothing usable); not yet limited."""

    name: str = ""
    description: str = ""
    ingredients: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    prep_minutes: int | None = None
    cook_minutes: int | None = None
    total_minutes: int | None = None
    servings: int | None = None
    keywords: list[str] = field(default_factory=list)
    #: The page's photos (absolute http(s) URLs, at most ``MAX_IMAGES``): not imported yet (photos are another
    #: part of issue 16); fetching one would go through ``lib/pagefetch`` with image types.
    images: list[str] = field(default_factory=list)


# Text


def one_line(value: Any) -> str:
    """Text of a property as one clean line: HTML tags and entities gone, controls and invisible layout characters
    dropped, white space collapsed, NFC."""
    text = _plain(value)
    text = _ONE_LINE_DROP.sub(" ", text)
    return " ".join(unicodedata.normalize("NFC", text).split())


def multi_line(value: Any) -> str:
    """Text of a property as paragraphs: block tags become line breaks, each line cleaned as :func:`one_line`,
    empty lines dropped."""
    raw = _scalar(value)
    raw = _BLOCK.sub("\n", raw)
    lines = [one_line(line) for line in _MULTI_LINE_DROP.sub(" ", _plain(raw)).splitlines()]
    return "\n".join(line for line in lines if line)


def _scalar(value: Any) -> str:
    """The text of a value: a string, a number, the ``@value``/``text``/``name`` of an object, the first of a list
    (followed at most ``MAX_DEPTH`` levels down: a hostile page nests them without end)."""
    for _ in range(MAX_DEPTH):
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or value is None:
            return ""
        if isinstance(value, int | float):
            return str(value) if math.isfinite(value) else ""
        if isinstance(value, dict):
            value = value.get("@value", value.get("text", value.get("name", "")))
        elif isinstance(value, list) and value:
            value = value[0]
        else:
            return ""
    return ""


def _plain(value: Any) -> str:
    """Entities decoded and tags removed (twice: pages often escape their HTML once more inside JSON-LD)."""
    text = _scalar(value)
    for _ in range(2):
        if "<" in text or "&" in text:
            text = html.unescape(_TAG.sub(" ", text)) if "<" in text else html.unescape(text)
    return _TAG.sub(" ", text)


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


# Durations


def minutes_of(value: Any) -> int | None:
    """An ISO 8601 duration (``PT1H30M``, ``P1DT2H``, ``PT0.5H``) in whole minutes, rounded; a bare number is taken
    as minutes; None when it is neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(value) if math.isfinite(value) and value >= 0 else None
    text = _scalar(value).strip()
    if text.isdigit() and len(text) <= 7:
        return int(text)
    match = _DURATION.match(text)
    if match is None or text.upper() in {"P", "PT"} or text.upper().endswith("T"):
        return None
    total = 0.0
    for unit, count in match.groupdict().items():
        if count is not None:
            total += float(count) * (_MINUTES_PER.get(unit, 1 / 60))
    return round(total) if math.isfinite(total) else None


def iso_duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: ``PT0M``, ``PT45M``, ``PT1H30M``, ``PT26H`` (hours, not days: a day is
    not always 24 hours in ISO 8601, and every reader understands hours)."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return f"PT{hours}H{rest}M"
    if hours:
        return f"PT{hours}H"
    return f"PT{rest}M"


# Finding the recipe


def _types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type", ())
    names = (
        [kinds]
        if isinstance(kinds, str)
        else [k for k in kinds if isinstance(k, str)]
        if isinstance(kinds, list)
        else []
    )
    return {name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for name in names}


def _nodes(root: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document, breadth first, bounded in depth and number."""
    queue: deque[tuple[Any, int]] = deque([(root, 0)])
    seen = 0
    while queue and seen < MAX_NODES:
        value, depth = queue.popleft()
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, list):
            queue.extend((item, depth + 1) for item in value[:MAX_ITEMS])
        elif isinstance(value, dict):
            seen += 1
            yield value
            queue.extend((item, depth + 1) for item in value.values() if isinstance(item, list | dict))


def find_recipe(text: str, media_type: str, base_url: str) -> dict[str, Any] | None:
    """The first schema.org ``Recipe`` of a page (JSON-LD first, then microdata), as a JSON-LD-like object."""
    documents: list[Any] = []
    if media_type == "application/ld+json":
        try:
            documents.append(json.loads(text))
        except (ValueError, RecursionError):
            return None
    else:
        try:
            data = extruct.extract(
                text, base_url=base_url, syntaxes=["json-ld", "microdata"], uniform=True, errors="ignore"
            )
        except (ValueError, RecursionError, TypeError):  # lxml refuses some documents (an empty one, ...)
            return None
        documents.extend(data.get("json-ld", []))
        documents.extend(data.get("microdata", []))
    for document in documents:
        for node in _nodes(document):
            if "Recipe" in _types(node):
                return node
    return None


# Reading its properties


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value[:MAX_ITEMS] if isinstance(value, list) else [value]


def _steps(value: Any, depth: int = 0) -> list[str]:
    """``recipeInstructions``: a text (paragraphs or HTML list), a list of texts, HowToStep, HowToSection (its
    ``itemListElement``, the section's name first) or ItemList, nested."""
    if depth > 4:
        return []
    steps: list[str] = []
    for item in _list(value):
        if isinstance(item, str):
            steps.extend(line for line in multi_line(item).splitlines() if line)
        elif isinstance(item, dict):
            kinds = _types(item)
            if "itemListElement" in item and ({"HowToSection", "ItemList"} & kinds or not kinds):
                name = one_line(item.get("name"))
                inner = _steps(item.get("itemListElement"), depth + 1)
                if name and inner and "HowToSection" in kinds:
                    steps.append(f"{name}:")
                steps.extend(inner)
            else:
                text = multi_line(item.get("text") or item.get("description") or item.get("name"))
                if text:
                    steps.append(" ".join(text.splitlines()))
        if len(steps) >= MAX_ITEMS:
            break
    return steps[:MAX_ITEMS]


def _servings(value: Any) -> int | None:
    for item in _list(value):
        if isinstance(item, int | float) and not isinstance(item, bool) and math.isfinite(item) and item >= 1:
            return round(item)
        match = _FIRST_NUMBER.search(one_line(item))
        if match is not None and int(match.group()) >= 1:
            return int(match.group())
    return None


def _keywords(node: dict[str, Any]) -> list[str]:
    words: list[str] = []
    for name in ("keywords", "recipeCategory", "recipeCuisine"):
        for item in _list(node.get(name)):
            words.extend(part for part in (one_line(p) for p in _scalar(item).split(",")) if part)
    return list(dict.fromkeys(words))[:MAX_ITEMS]


def _images(value: Any, base_url: str) -> list[str]:
    """``image``: a URL, an ``ImageObject`` (``url``, ``contentUrl`` or ``@id``), or a list of either."""
    found: list[str] = []
    for item in _list(value):
        where = item.get("url") or item.get("contentUrl") or item.get("@id") if isinstance(item, dict) else item
        if isinstance(where, list):
            where = where[0] if where else None
        if isinstance(where, str):
            url = urljoin(base_url, where.strip())
            if url.startswith(("https://", "http://")) and len(url) <= 2048 and url not in found:
                found.append(url)
        if len(found) == MAX_IMAGES:
            break
    return found


def read_recipe(node: dict[str, Any], base_url: str = "") -> FoundRecipe:
    """The properties of a schema.org ``Recipe`` object as plain values."""
    ingredients = node.get("recipeIngredient", node.get("ingredients"))
    return FoundRecipe(
        name=one_line(node.get("name") or node.get("headline")),
        description=multi_line(node.get("description")),
        ingredients=[line for line in (one_line(item) for item in _list(ingredients)) if line],
        steps=_steps(node.get("recipeInstructions")),
        prep_minutes=minutes_of(node.get("prepTime")),
        cook_minutes=minutes_of(node.get("cookTime")),
        total_minutes=minutes_of(node.get("totalTime")),
        servings=_servings(node.get("recipeYield", node.get("yield"))),
        keywords=_keywords(node),
        images=_images(node.get("image"), base_url),
    )


__all__ = [
    "SCHEMA_ORG",
    "FoundRecipe",
    "find_recipe",
    "iso_duration",
    "minutes_of",
    "multi_line",
    "one_line",
    "read_recipe",
    "truncate",
]
