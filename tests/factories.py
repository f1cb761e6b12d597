"""polyfactory factories of the request bodies tests send, with realistic varied values that always validate.

Each ``*_payload(**overrides)`` helper gives a JSON-ready body: a valid one built by its factory, then
``overrides`` put in as they are (so a test may also put in what the schema refuses, to see it refused).
The factories' values stay within each schema's ``Meta`` constraints (lengths, ranges, patterns, the allowed
units): tests/test_factories.py builds hundreds of each and decodes them with the real schemas.

What tests may rely on: titles, descriptions and steps never use the words tests search for or filter on
(``tomato``, ``soup``, ``smoky``, ``zesty``, ``velvet``, ``chop`` ...), tags never are the ones tests filter on
(``soup``, ``quick``, ``vegan``, ``italian`` ...), and the ingredients are none of the names tests count
(``salt``, ``water``, ``tomato`` ...). Whatever a test looks for, it writes itself.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType
from polyfactory import PostGenerated
from polyfactory.factories.msgspec_factory import MsgspecFactory

from chopchop.domain.accounts.schemas import ProfileUpdate, Registration
from chopchop.domain.comments.schemas import CommentCreate
from chopchop.domain.recipes.schemas import Complexity, IngredientLineInput, RecipeCreate

T = TypeVar("T", bound=msgspec.Struct)

# name -> (unit or None for a count, smallest amount, largest amount, step): amounts a cook would write.
INGREDIENTS: dict[str, tuple[str | None, float, float, float]] = {
    "plain flour": ("g", 50, 500, 25),
    "caster sugar": ("g", 25, 250, 25),
    "whole milk": ("ml", 50, 600, 50),
    "egg": (None, 1, 6, 1),
    "lemon": ("piece", 1, 2, 1),
    "olive oil": ("tbsp", 1, 4, 1),
    "flat-leaf parsley": ("bunch", 1, 1, 1),
    "chickpeas": ("can", 1, 2, 1),
    "carrot": (None, 1, 4, 1),
    "potatoes": ("kg", 0.5, 2, 0.25),
    "baby spinach": ("g", 100, 400, 50),
    "chestnut mushrooms": ("g", 150, 500, 50),
    "ground cumin": ("tsp", 0.5, 2, 0.5),
    "smoked paprika": ("tsp", 0.5, 2, 0.5),
    "cinnamon": ("pinch", 1, 2, 1),
    "vanilla extract": ("dash", 1, 2, 1),
    "greek yoghurt": ("g", 100, 500, 50),
    "mature cheddar": ("g", 50, 200, 25),
    "fresh ginger": ("slice", 2, 6, 1),
    "coconut milk": ("can", 1, 1, 1),
    "runny honey": ("tbsp", 1, 3, 1),
    "chicken stock": ("l", 0.25, 1.5, 0.25),
    "frozen peas": ("g", 100, 400, 50),
    "rolled oats": ("cup", 0.5, 2, 0.5),
    "cocoa powder": ("tbsp", 1, 4, 1),
    "baking powder": ("tsp", 0.5, 2, 0.5),
    "dijon mustard": ("tsp", 1, 2, 1),
    "dark chocolate": ("g", 50, 200, 25),
    "whole almonds": ("g", 25, 150, 25),
    "double cream": ("ml", 100, 300, 50),
    "nutmeg": ("pinch", 1, 1, 1),
    "dried yeast": ("g", 7, 14, 7),
}
NOTES = ["finely diced", "roughly torn", "at room temperature", "grated", "thinly sliced", "drained", "to serve"]
DISH_ADJECTIVES = ["Crispy", "Golden", "Herby", "Rustic", "Spiced", "Sticky", "Creamy", "Charred", "Sunday", "Easy"]
DISH_MAINS = ["chickpea", "mushroom", "spinach", "potato", "lemon", "apple", "sweetcorn", "cauliflower", "squash"]
DISH_KINDS = ["traybake", "curry", "pie", "gratin", "frittata", "flatbread", "fritters", "crumble", "pancakes", "bake"]
# Method sentences: no ingredient, no dish, nothing a test searches for.
METHOD = [
    "Heat the oven to 200 °C.",
    "Warm a heavy pan over a medium heat.",
    "Whisk until smooth and glossy.",
    "Fold everything together gently.",
    "Season well and taste again.",
    "Bake for 25 minutes, until golden at the edges.",
    "Simmer gently for 15 minutes, stirring now and then.",
    "Leave to rest for 10 minutes before serving.",
    "Stir in the rest and warm through.",
    "Serve straight away, while it is hot.",
]
DESCRIPTIONS = [
    "A weeknight favourite that comes together in one pan.",
    "Comforting, cheap and easy to scale up for a crowd.",
    "Better the next day, so make double.",
    "Our family's take on a classic.\nKeeps for three days in the fridge.",
]
TAGS = ["weeknight", "batch cooking", "one-pot", "brunch", "picnic", "freezer-friendly", "budget", "make-ahead"]
COMMENTS = [
    "Made it tonight and it was perfect.",
    "Doubled everything for a party: all gone in minutes.",
    "A little too sweet for us, but lovely texture.",
    "Lovely!\nWould cook again.",
    "Swapped the oil for butter, worked well.",
    "Took longer than the recipe says in my oven (about ten minutes more).",
    "Five stars from the kids, which never happens.",
]
PASSPHRASE_WORDS = ["amber", "kettle", "thunder", "meadow", "copper", "lantern", "orbit", "pebble", "saddle", "willow"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]


class _Factory(MsgspecFactory[T]):
    """Fields are class methods drawing from the factory's ``__random__`` and ``__faker__``."""

    __is_base_factory__ = True
    __check_model__ = False

    @classmethod
    def payload(cls, **overrides: Any) -> dict[str, Any]:
        """A valid body as JSON-ready builtins, then ``overrides`` as they are (valid or not)."""
        body: dict[str, Any] = msgspec.to_builtins(cls.build())
        body.update(overrides)
        return body


def _amount(_field: str, values: dict[str, Any]) -> float | None:
    """An amount of the line's ingredient, on its scale; sometimes none ("to taste")."""
    _, low, high, step = INGREDIENTS.get(values["ingredient"], ("g", 50, 500, 50))
    if IngredientLineFactory.__random__.random() < 0.1:
        return None
    return float(low + step * IngredientLineFactory.__random__.randint(0, round((high - low) / step)))


def _unit(_field: str, values: dict[str, Any]) -> str | None:
    """The ingredient's unit, none for a count or without an amount."""
    if values.get("quantity") is None:
        return None
    return INGREDIENTS.get(values["ingredient"], ("g", 0, 0, 0))[0]


class IngredientLineFactory(_Factory[IngredientLineInput]):
    @classmethod
    def ingredient(cls) -> str:
        return cls.__random__.choice(list(INGREDIENTS))

    quantity = PostGenerated(_amount)
    unit = PostGenerated(_unit)

    @classmethod
    def note(cls) -> str | None:
        return cls.__random__.choice(NOTES) if cls.__random__.random() < 0.3 else None


class RecipeCreateFactory(_Factory[RecipeCreate]):
    @classmethod
    def title(cls) -> str:
        pick = cls.__random__.choice
        return f"{pick(DISH_ADJECTIVES)} {pick(DISH_MAINS)} {pick(DISH_KINDS)}"

    @classmethod
    def complexity(cls) -> Complexity:
        choice: Complexity = cls.__random__.choice(list(Complexity))
        return choice

    @classmethod
    def servings(cls) -> int:
        return cls.__random__.choice([1, 2, 2, 4, 4, 4, 6, 8, 12])

    @classmethod
    def prep_minutes(cls) -> int:
        return 5 * cls.__random__.randint(0, 12)

    @classmethod
    def cook_minutes(cls) -> int:
        return 5 * cls.__random__.randint(0, 36)

    @classmethod
    def steps(cls) -> list[str]:
        return cls.__random__.sample(METHOD, cls.__random__.randint(1, 6))

    @classmethod
    def ingredients(cls) -> list[IngredientLineInput]:
        names = cls.__random__.sample(list(INGREDIENTS), cls.__random__.randint(1, 8))
        return [IngredientLineFactory.build(ingredient=name) for name in names]

    @classmethod
    def description(cls) -> str:
        return cls.__random__.choice(["", *DESCRIPTIONS])

    @classmethod
    def tags(cls) -> list[str]:
        return cls.__random__.sample(TAGS, cls.__random__.randint(0, 3))

    @classmethod
    def status(cls) -> UnsetType:
        """Not sent: a created recipe is public, as for clients that predate the status (pass it to override)."""
        return UNSET


class CommentCreateFactory(_Factory[CommentCreate]):
    @classmethod
    def body(cls) -> str:
        return " ".join(cls.__random__.sample(COMMENTS, cls.__random__.randint(1, 2)))


def _ascii_word(text: str, fallback: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower()) or fallback


class RegistrationFactory(_Factory[Registration]):
    """A new account: a unique address (a random part keeps two builds of one test apart)."""

    @classmethod
    def email(cls) -> str:
        first = _ascii_word(cls.__faker__.first_name(), "cook")
        last = _ascii_word(cls.__faker__.last_name(), "doe")
        return f"{first}.{last}.{cls.__random__.getrandbits(32):08x}@{cls.__random__.choice(EMAIL_DOMAINS)}"

    @classmethod
    def password(cls) -> str:
        words = cls.__random__.sample(PASSPHRASE_WORDS, 3)
        return f"{' '.join(words)} {cls.__random__.randint(10, 99)}"

    @classmethod
    def display_name(cls) -> str:
        return str(cls.__faker__.name())[:100]


class ProfileUpdateFactory(_Factory[ProfileUpdate]):
    @classmethod
    def display_name(cls) -> str:
        return str(cls.__faker__.name())[:100]


def recipe_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``RecipeCreate`` body (POST or PUT ``/recipes``) with ``overrides`` applied."""
    return RecipeCreateFactory.payload(**overrides)


def ingredient_line(**overrides: Any) -> dict[str, Any]:
    """A valid ingredient line of a recipe body with ``overrides`` applied."""
    return IngredientLineFactory.payload(**overrides)


def comment_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``CommentCreate`` body with ``overrides`` applied."""
    return CommentCreateFactory.payload(**overrides)


def registration_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``Registration`` body (``POST /auth/register``) with ``overrides`` applied."""
    return RegistrationFactory.payload(**overrides)


def profile_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``ProfileUpdate`` body (``PATCH /me``) with ``overrides`` applied."""
    return ProfileUpdateFactory.payload(**overrides)
