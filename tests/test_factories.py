"""The factories of tests/factories.py make bodies the service accepts, however the dice fall.

Each body goes through what a request goes through: JSON, then msgspec with the real schema (its ``Meta``
constraints and its ``__post_init__`` normalisation). What a factory writes is already in normal form, so a
test can compare what it sent with what it reads back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from chopchop.domain.accounts.schemas import ProfileUpdate, Registration
from chopchop.domain.comments.schemas import CommentCreate
from chopchop.domain.recipes.schemas import IngredientLineInput, RecipeCreate, Unit
from tests.factories import (
    RegistrationFactory,
    comment_payload,
    ingredient_line,
    profile_payload,
    recipe_payload,
    registration_payload,
)

BUILDS = 200
CASES: list[tuple[Callable[..., dict[str, Any]], type[msgspec.Struct]]] = [
    (recipe_payload, RecipeCreate),
    (ingredient_line, IngredientLineInput),
    (comment_payload, CommentCreate),
    (registration_payload, Registration),
    (profile_payload, ProfileUpdate),
]
# Words that tests search for or filter on: a factory's value containing one would change what they find.
SEARCHED = re.compile(r"tomato|soup|smoky|zesty|velvet|chop|leek|saffron|turmeric|cardamom|sumac|pasta|garlic", re.I)
FILTERED_TAGS = {"soup", "quick", "vegan", "thai", "italian", "gluten-free", "vegetarian", "asian", "comfort"}
COUNTED_INGREDIENTS = {"salt", "water", "tomato", "onion", "garlic", "basil", "butter", "tofu", "black pepper"}


@pytest.mark.parametrize(("build", "schema"), CASES, ids=[schema.__name__ for _, schema in CASES])
def test_every_build_is_a_valid_body_already_in_normal_form(
    build: Callable[..., dict[str, Any]], schema: type[msgspec.Struct]
) -> None:
    for _ in range(BUILDS):
        body = build()
        try:
            decoded = msgspec.json.decode(msgspec.json.encode(body), type=schema)
        except msgspec.ValidationError as exc:
            pytest.fail(f"{schema.__name__} refuses {body!r}: {exc}")
        assert msgspec.to_builtins(decoded) == body


@pytest.fixture(scope="module")
def recipes() -> list[dict[str, Any]]:
    return [recipe_payload() for _ in range(BUILDS)]


def test_recipes_vary_and_use_every_part_of_the_schema(recipes: list[dict[str, Any]]) -> None:
    lines = [line for recipe in recipes for line in recipe["ingredients"]]
    assert len({recipe["title"] for recipe in recipes}) > BUILDS // 4
    assert {recipe["complexity"] for recipe in recipes} == {"easy", "medium", "hard"}
    assert len({recipe["servings"] for recipe in recipes}) > 3
    assert {line["unit"] for line in lines} <= {*Unit, None}
    assert len({line["unit"] for line in lines}) > 5
    assert any(line["quantity"] is None for line in lines)
    assert any(line["note"] is not None for line in lines)
    assert any(recipe["tags"] for recipe in recipes)
    assert any(not recipe["tags"] for recipe in recipes)
    assert any(recipe["description"] == "" for recipe in recipes)


def test_recipes_never_say_what_tests_look_for(recipes: list[dict[str, Any]]) -> None:
    for recipe in recipes:
        free_text = " ".join([recipe["title"], recipe["description"], *recipe["steps"], *recipe["tags"]])
        assert not SEARCHED.search(free_text), free_text
        assert not set(recipe["tags"]) & FILTERED_TAGS
        assert not {line["ingredient"] for line in recipe["ingredients"]} & COUNTED_INGREDIENTS


def test_registrations_have_distinct_addresses_even_for_one_name() -> None:
    """Two registrations of a test never collide, even when the generated names do."""
    faker = RegistrationFactory.__faker__
    addresses = set()
    try:
        for _ in range(BUILDS):
            faker.seed_instance(7)  # the same first and last name every time
            addresses.add(registration_payload()["email"])
    finally:
        faker.seed_instance(None)  # back to an unpredictable sequence
    assert len(addresses) == BUILDS


def test_overrides_are_put_in_as_they_are() -> None:
    """Also what the schema refuses: that is how tests see it refused."""
    assert recipe_payload(title="Mine")["title"] == "Mine"
    assert recipe_payload(servings="4")["servings"] == "4"
    assert recipe_payload(author_id="someone")["author_id"] == "someone"
    assert ingredient_line(ingredient="\u0130" * 100)["ingredient"] == "\u0130" * 100
    assert registration_payload(email="ada@example.com")["email"] == "ada@example.com"
    assert comment_payload(body="")["body"] == ""
