"""polyfactory factories of the request bodies, with realistic-looking values; ``recipe_payload`` gives JSON."""

from __future__ import annotations

from typing import Any

import msgspec
from polyfactory import Use
from polyfactory.factories.msgspec_factory import MsgspecFactory

from chopchop.domain.recipes.schemas import IngredientLineInput, RecipeCreate

INGREDIENTS = ["tomato", "onion", "garlic", "olive oil", "basil", "flour", "butter", "egg", "milk", "rice"]


class IngredientLineFactory(MsgspecFactory[IngredientLineInput]):
    __check_model__ = False

    ingredient = Use(lambda: IngredientLineFactory.__random__.choice(INGREDIENTS))
    quantity = Use(lambda: float(IngredientLineFactory.__random__.randint(1, 500)))
    unit = Use(lambda: IngredientLineFactory.__random__.choice(["g", "ml", "piece", "tbsp"]))
    note = None


class RecipeCreateFactory(MsgspecFactory[RecipeCreate]):
    __check_model__ = False

    title = Use(lambda: "Recipe " + str(RecipeCreateFactory.__random__.randint(1, 10**6)))
    description = "Something good to eat."
    servings = 4
    prep_minutes = 10
    cook_minutes = 20
    steps = Use(lambda: ["Prepare everything.", "Cook it.", "Serve."])
    ingredients = Use(lambda: IngredientLineFactory.batch(3))
    tags: Use[[], list[str]] = Use(list)


def recipe_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``RecipeCreate`` body as JSON-ready builtins, with ``overrides`` applied."""
    body: dict[str, Any] = msgspec.to_builtins(RecipeCreateFactory.build())
    body.update(overrides)
    return body
