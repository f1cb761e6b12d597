"""What goes in and out of the recipe, ingredient and like endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

Complexity = Literal["easy", "medium", "hard"]
Unit = Literal[
    "g", "kg", "mg", "ml", "l", "tsp", "tbsp", "cup", "piece", "pinch", "clove", "slice", "can", "bunch", "dash"
]
SortOrder = Literal["newest", "most_liked", "most_commented", "title", "quickest"]

# One line, no control characters (NUL included), at least one visible character.
_ONE_LINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
# Multi-line text: newlines and tabs are fine, other control characters (NUL included) are not.
_MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

Title = Annotated[str, Meta(min_length=1, max_length=200, pattern=_ONE_LINE, examples=["Tomato soup"])]
Description = Annotated[str, Meta(max_length=5000, pattern=_MULTI_LINE, examples=["A quick weeknight soup."])]
Step = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=2000,
        pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\S[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
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
Note = Annotated[str, Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$", examples=["finely chopped"])]
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
Servings = Annotated[int, Meta(ge=1, le=1000)]
Minutes = Annotated[int, Meta(ge=0, le=10080, description="0 to 10080 (one week).")]
Quantity = Annotated[float, Meta(ge=0.001, le=1_000_000, description="Positive, up to 3 decimals.")]

MAX_STEPS = 100
MAX_INGREDIENTS = 100
MAX_TAGS = 20


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields (author, counters, timestamps ...) are an error."""


class IngredientLineInput(Input):
    ingredient: IngredientName
    quantity: Quantity | None = None
    unit: Unit | None = None
    note: Note | None = None


class RecipeCreate(Input):
    """A whole recipe: the body of POST (create) and PUT (replace)."""

    title: Title
    complexity: Complexity
    servings: Servings
    prep_minutes: Minutes
    cook_minutes: Minutes
    steps: Annotated[list[Step], Meta(min_length=1, max_length=MAX_STEPS)]
    ingredients: Annotated[list[IngredientLineInput], Meta(max_length=MAX_INGREDIENTS)]
    description: Description = ""
    tags: Annotated[list[Tag], Meta(max_length=MAX_TAGS)] = msgspec.field(default_factory=list)


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
    id: UUID
    display_name: str


class IngredientRef(msgspec.Struct):
    id: UUID
    name: str


class IngredientLine(msgspec.Struct):
    position: int
    ingredient: IngredientRef
    quantity: float | None
    unit: Unit | None
    note: str | None


class RecipeRead(msgspec.Struct):
    """A recipe with everything. With ``?servings=N``, ``servings`` is N and quantities are scaled to it."""

    id: UUID
    title: str
    description: str
    complexity: Complexity
    servings: int
    original_servings: Annotated[int, Meta(description="Servings the author wrote the recipe for.")]
    prep_minutes: int
    cook_minutes: int
    total_minutes: int
    steps: list[str]
    ingredients: list[IngredientLine]
    tags: list[str]
    author: AuthorRef
    like_count: int
    comment_count: int
    created_at: datetime
    updated_at: datetime


class RecipeSummary(msgspec.Struct):
    """A recipe in a list: no description, steps or ingredient lines."""

    id: UUID
    title: str
    complexity: Complexity
    servings: int
    total_minutes: int
    tags: list[str]
    author: AuthorRef
    like_count: int
    comment_count: int
    created_at: datetime


class LikedRecipe(msgspec.Struct):
    """A recipe in a user's likes, with when they liked it."""

    liked_at: datetime
    recipe: RecipeSummary


class LikeState(msgspec.Struct):
    recipe_id: UUID
    liked: bool
    like_count: int


class IngredientRead(msgspec.Struct):
    id: UUID
    name: str
    recipe_count: Annotated[int, Meta(description="How many recipes use it.")]


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
