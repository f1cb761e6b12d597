"""What goes in and out of the recipe, ingredient and like endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.pagination import Page

Complexity = Literal["easy", "medium", "hard"]
Unit = Literal[
    "g", "kg", "mg", "ml", "l", "tsp", "tbsp", "cup", "piece", "pinch", "clove", "slice", "can", "bunch", "dash"
]
SortOrder = Literal["newest", "most_liked", "most_commented", "title", "quickest"]

# One line, no control characters (NUL included), at least one visible character.
_ONE_LINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
# Multi-line text: newlines and tabs are fine, other control characters (NUL included) are not.
_MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

Title = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        pattern=_ONE_LINE,
        description="One line, 1 to 200 characters.",
        examples=["Tomato soup"],
    ),
]
Description = Annotated[
    str,
    Meta(
        max_length=5000,
        pattern=_MULTI_LINE,
        description="Free text, up to 5000 characters; newlines allowed.",
        examples=["A quick weeknight soup."],
    ),
]
Step = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=2000,
        # A lookahead for the visible character: a bare `\S` between the allowed runs also matched one control
        # character (NUL included, a 500 from PostgreSQL), and JSON Schema's `\S` differs from Python's on \x1c-\x1f.
        pattern=r"^(?=\s*\S)[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
        description="One step of the method, 1 to 2000 characters.",
        examples=["Chop the onion finely."],
    ),
]
IngredientName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=100,
        pattern=_ONE_LINE,
        description="Catalogue name; created on first use.",
        examples=["tomato"],
    ),
]
Note = Annotated[
    str,
    Meta(
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="How to prepare the ingredient, one line.",
        examples=["finely chopped"],
    ),
]
Tag = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=40,
        pattern=r"^\s*\w[\w\- ]*$",
        description="Letters, digits, spaces and hyphens; stored lower-case.",
        examples=["vegetarian"],
    ),
]
Servings = Annotated[int, Meta(ge=1, le=1000, description="How many people it feeds (1-1000).", examples=[4])]
Minutes = Annotated[int, Meta(ge=0, le=10080, description="0 to 10080 (one week).", examples=[15])]
Quantity = Annotated[float, Meta(ge=0.001, le=1_000_000, description="Positive, up to 3 decimals.", examples=[400])]

MAX_STEPS = 100
MAX_INGREDIENTS = 100
MAX_TAGS = 20


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields (author, counters, timestamps ...) are an error."""


class IngredientLineInput(Input):
    """One ingredient line of a recipe being written: the catalogue name, how much, and how."""

    ingredient: IngredientName
    quantity: Quantity | None = None
    unit: Annotated[Unit | None, Meta(description="Unit of `quantity`; null for a count or no quantity.")] = None
    note: Note | None = None


class RecipeCreate(Input):
    """A whole recipe: the body of POST (create) and PUT (replace)."""

    title: Title
    complexity: Annotated[Complexity, Meta(description="How hard it is to make.")]
    servings: Servings
    prep_minutes: Annotated[int, Meta(ge=0, le=10080, description="Preparation time, in minutes (0-10080).")]
    cook_minutes: Annotated[int, Meta(ge=0, le=10080, description="Cooking time, in minutes (0-10080).")]
    steps: Annotated[
        list[Step],
        Meta(min_length=1, max_length=MAX_STEPS, description=f"The method, in order: 1 to {MAX_STEPS} steps."),
    ]
    ingredients: Annotated[
        list[IngredientLineInput],
        Meta(max_length=MAX_INGREDIENTS, description=f"Ingredient lines, in order: up to {MAX_INGREDIENTS}."),
    ]
    description: Description = ""
    tags: Annotated[list[Tag], Meta(max_length=MAX_TAGS, description=f"Up to {MAX_TAGS} tags.")] = msgspec.field(
        default_factory=list
    )


class RecipeUpdate(Input):
    """PATCH body: fields that are absent stay as they are; none of them may be null."""

    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    complexity: Complexity | UnsetType = UNSET
    servings: Servings | UnsetType = UNSET
    prep_minutes: Minutes | UnsetType = UNSET
    cook_minutes: Minutes | UnsetType = UNSET
    steps: Annotated[list[Step], Meta(min_length=1, max_length=MAX_STEPS)] | UnsetType = UNSET
    ingredients: Annotated[list[IngredientLineInput], Meta(max_length=MAX_INGREDIENTS)] | UnsetType = UNSET
    tags: Annotated[list[Tag], Meta(max_length=MAX_TAGS)] | UnsetType = UNSET


class AuthorRef(msgspec.Struct):
    """The author of a recipe: public fields only."""

    id: Annotated[UUID, Meta(description="The author's user id (see `GET /api/v1/users/{user_id}`).")]
    display_name: Annotated[str, Meta(description="The author's public name.", examples=["Ada Lovelace"])]


class IngredientRef(msgspec.Struct):
    """An entry of the shared ingredient catalogue."""

    id: UUID
    name: Annotated[str, Meta(description="Catalogue name, lower-case.", examples=["tomato"])]


class IngredientLine(msgspec.Struct):
    """One ingredient line of a recipe."""

    position: Annotated[int, Meta(ge=1, description="Order of the line in the recipe, from 1.")]
    ingredient: IngredientRef
    quantity: Annotated[float | None, Meta(description="Amount, scaled when `?servings=` is given.")]
    unit: Annotated[Unit | None, Meta(description="Unit of `quantity`.")]
    note: Annotated[str | None, Meta(description="How to prepare it.")]


class RecipeRead(msgspec.Struct):
    """A recipe with everything. With ``?servings=N``, ``servings`` is N and quantities are scaled to it."""

    id: UUID
    title: Annotated[str, Meta(examples=["Tomato soup"])]
    description: str
    complexity: Complexity
    servings: Annotated[int, Meta(description="Servings the quantities are for (the `?servings=` asked, if any).")]
    original_servings: Annotated[int, Meta(description="Servings the author wrote the recipe for.")]
    prep_minutes: int
    cook_minutes: int
    total_minutes: Annotated[int, Meta(description="`prep_minutes` + `cook_minutes`.")]
    steps: Annotated[list[str], Meta(description="The method, in order.")]
    ingredients: Annotated[list[IngredientLine], Meta(description="Ingredient lines, by `position`.")]
    tags: Annotated[list[str], Meta(description="Tags, lower-case.", examples=[["vegetarian", "soup"]])]
    author: AuthorRef
    like_count: Annotated[int, Meta(ge=0, description="How many users like it.")]
    comment_count: Annotated[int, Meta(ge=0, description="How many comments it has.")]
    created_at: datetime
    updated_at: datetime


class RecipeSummary(msgspec.Struct):
    """A recipe in a list: no description, steps or ingredient lines."""

    id: UUID
    title: Annotated[str, Meta(examples=["Tomato soup"])]
    complexity: Complexity
    servings: int
    total_minutes: Annotated[int, Meta(description="Preparation and cooking time, in minutes.")]
    tags: list[str]
    author: AuthorRef
    like_count: Annotated[int, Meta(ge=0, description="How many users like it.")]
    comment_count: Annotated[int, Meta(ge=0, description="How many comments it has.")]
    created_at: datetime


class LikedRecipe(msgspec.Struct):
    """A recipe in a user's likes, with when they liked it."""

    liked_at: Annotated[datetime, Meta(description="When the user liked it.")]
    recipe: RecipeSummary


class LikeState(msgspec.Struct):
    """Whether the signed-in user likes the recipe now, and its like count."""

    recipe_id: UUID
    liked: Annotated[bool, Meta(description="True after a like, false after an unlike.")]
    like_count: Annotated[int, Meta(ge=0, description="How many users like the recipe now.")]


class IngredientRead(msgspec.Struct):
    """An entry of the ingredient catalogue."""

    id: UUID
    name: Annotated[str, Meta(description="Catalogue name, lower-case.", examples=["tomato"])]
    recipe_count: Annotated[int, Meta(ge=0, description="How many recipes use it.")]


class RecipeSummaryPage(Page[RecipeSummary]):
    """A page of recipe summaries."""

    items: list[RecipeSummary]


class LikedRecipePage(Page[LikedRecipe]):
    """A page of the recipes a user liked, most recently liked first."""

    items: list[LikedRecipe]


class IngredientPage(Page[IngredientRead]):
    """A page of the ingredient catalogue."""

    items: list[IngredientRead]


class RecipeFilters(msgspec.Struct, frozen=True):
    """The filters of ``GET /recipes``, already validated and normalised (names lower-case, tags lower-case)."""

    author: UUID | None = None
    complexity: Complexity | None = None
    tags: tuple[str, ...] = ()
    max_total_minutes: int | None = None
    ingredients_all: tuple[str, ...] = ()
    ingredients_any: tuple[str, ...] = ()
    exclude_ingredients: tuple[str, ...] = ()
    q: str | None = None
