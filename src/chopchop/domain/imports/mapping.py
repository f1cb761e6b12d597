"""From what a page says of its recipe (``lib.schema_org.FoundRecipe``) to our recipe's create payload, within our
limits: over-long text is cut, extra lines and tags are dropped, missing values get defaults. Never fails on a
value: an import makes a draft its owner edits."""

from __future__ import annotations

import re
from typing import Final

import msgspec

from chopchop.domain.imports.ingredients import parse_line
from chopchop.domain.recipes.schemas import (
    DESCRIPTION_MAX_LENGTH,
    MAX_INGREDIENTS,
    MAX_STEPS,
    MAX_TAGS,
    STEP_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Complexity,
    IngredientLineInput,
    RecipeCreate,
)
from chopchop.lib.schema_org import FoundRecipe, truncate

MAX_MINUTES: Final = 10080
MAX_SERVINGS: Final = 1000
DEFAULT_SERVINGS: Final = 4
UNTITLED: Final = "Imported recipe"
_NOT_TAG = re.compile(r"[^\w\- ]+")


class NoRecipe(ValueError):
    """The page's Recipe has nothing to import (no name, no ingredients, no method)."""


def _minutes(value: int | None) -> int | None:
    return None if value is None else max(0, min(value, MAX_MINUTES))


def _times(found: FoundRecipe) -> tuple[int, int]:
    """Preparation and cooking minutes; a total without both parts fills the missing one."""
    prep, cook, total = _minutes(found.prep_minutes), _minutes(found.cook_minutes), _minutes(found.total_minutes)
    if total is not None:
        if prep is None and cook is None:
            return 0, total
        if prep is None:
            prep = max(total - (cook or 0), 0)
        if cook is None:
            cook = max(total - prep, 0)
    return prep or 0, cook or 0


def _complexity(minutes: int, steps: int, ingredients: int) -> Complexity:
    """A guess the owner corrects: quick and short is easy, long or many-stepped is hard."""
    if minutes <= 30 and steps <= 6 and ingredients <= 8:
        return Complexity.EASY
    if minutes >= 180 or steps > 15 or ingredients > 20:
        return Complexity.HARD
    return Complexity.MEDIUM


def _tags(keywords: list[str]) -> list[str]:
    tags: list[str] = []
    for keyword in keywords:
        tag = " ".join(_NOT_TAG.sub(" ", keyword).split()).lower()[:TAG_MAX_LENGTH].strip(" -")
        if tag and (tag[0].isalnum() or tag[0] == "_") and tag not in tags:
            tags.append(tag)
        if len(tags) == MAX_TAGS:
            break
    return tags


def to_recipe_create(found: FoundRecipe, *, source_url: str) -> RecipeCreate:
    """Our create payload for the recipe ``found`` on the page at ``source_url``."""
    if not (found.name or found.ingredients or found.steps):
        msg = "The page's schema.org Recipe has no name, ingredients or method."
        raise NoRecipe(msg)
    steps = [truncate(step, STEP_MAX_LENGTH) for step in found.steps if step][:MAX_STEPS]
    if not steps:  # a recipe needs a method: point at the page's
        steps = [truncate(f"Follow the method on the original page: {source_url}", STEP_MAX_LENGTH)]
    lines: list[IngredientLineInput] = []
    for raw in found.ingredients[:MAX_INGREDIENTS]:
        parsed = parse_line(raw)
        unit = None if parsed.unit is None else parsed.unit.value
        line = {"ingredient": parsed.name, "quantity": parsed.quantity, "unit": unit, "note": parsed.note}
        try:
            lines.append(msgspec.convert(line, IngredientLineInput))
        except msgspec.ValidationError:  # cleaned already; a line that still does not fit is dropped, not fatal
            continue
    prep, cook = _times(found)
    servings = found.servings if found.servings is not None else DEFAULT_SERVINGS
    payload = {
        "title": truncate(found.name, TITLE_MAX_LENGTH) or UNTITLED,
        "description": truncate(found.description, DESCRIPTION_MAX_LENGTH),
        "complexity": _complexity(prep + cook, len(steps), len(lines)),
        "servings": max(1, min(servings, MAX_SERVINGS)),
        "prep_minutes": prep,
        "cook_minutes": cook,
        "steps": steps,
        "ingredients": [msgspec.to_builtins(line) for line in lines],
        "tags": _tags(found.keywords),
    }
    return msgspec.convert(payload, RecipeCreate)
