"""What goes in and out of the recipe, ingredient, like and rating endpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.domain.photos.schemas import PhotoRead
from chopchop.lib.pagination import CursorPage, Page
from chopchop.lib.schemas import Input
from chopchop.lib.text import END, MULTI_LINE, MULTI_LINE_OR_EMPTY, ONE_LINE, ONE_LINE_OR_EMPTY, clean_name, clean_text


class Complexity(StrEnum):
    """How hard a recipe is to make."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Unit(StrEnum):
    """Unit of an ingredient line's quantity."""

    G = "g"
    KG = "kg"
    MG = "mg"
    ML = "ml"
    L = "l"
    TSP = "tsp"
    TBSP = "tbsp"
    CUP = "cup"
    PIECE = "piece"
    PINCH = "pinch"
    CLOVE = "clove"
    SLICE = "slice"
    CAN = "can"
    BUNCH = "bunch"
    DASH = "dash"


class RecipeStatus(StrEnum):
    """Who sees a recipe: only its author (``draft``: work in progress, ``private``: kept for oneself), or everyone
    (``public``)."""

    DRAFT = "draft"
    PRIVATE = "private"
    PUBLIC = "public"


class RecipeSort(StrEnum):
    """Order of a recipe list; ties are broken by id."""

    NEWEST = "newest"
    MOST_LIKED = "most_liked"
    MOST_COMMENTED = "most_commented"
    TITLE = "title"
    QUICKEST = "quickest"
    RATING = "rating"


TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
STEP_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 200
TAG_MAX_LENGTH = 40

Title = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=TITLE_MAX_LENGTH,
        pattern=ONE_LINE,
        description="One line, 1 to 200 characters, no control or bidirectional formatting characters.",
        examples=["Tomato soup"],
    ),
]
Description = Annotated[
    str,
    Meta(
        max_length=DESCRIPTION_MAX_LENGTH,
        pattern=MULTI_LINE_OR_EMPTY,
        description="Free text, up to 5000 characters; newlines allowed.",
        examples=["A quick weeknight soup."],
    ),
]
Step = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=STEP_MAX_LENGTH,
        # A lookahead for the visible character: a bare `\S` between the allowed runs also matched one control
        # character (NUL included, a 500 from PostgreSQL), and JSON Schema's `\S` differs from Python's on \x1c-\x1f.
        pattern=MULTI_LINE,
        description="One step of the method, 1 to 2000 characters.",
        examples=["Chop the onion finely."],
    ),
]
IngredientName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        pattern=ONE_LINE,
        description="Catalogue name; created on first use; stored trimmed, single-spaced and lower-case.",
        examples=["tomato"],
    ),
]
Note = Annotated[
    str,
    Meta(
        max_length=NOTE_MAX_LENGTH,
        pattern=ONE_LINE_OR_EMPTY,
        description="How to prepare the ingredient, one line.",
        examples=["finely chopped"],
    ),
]
Tag = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=TAG_MAX_LENGTH,
        pattern=rf"^\s*\w[\w\- ]*{END}",
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


class IngredientLineInput(Input):
    """One ingredient line of a recipe being written: the catalogue name, how much, and how."""

    ingredient: IngredientName
    quantity: Quantity | None = None
    unit: Annotated[Unit | None, Meta(description="Unit of `quantity`; null for a count or no quantity.")] = None
    note: Note | None = None

    def __post_init__(self) -> None:
        self.ingredient = clean_name(self.ingredient, field="ingredient", max_length=NAME_MAX_LENGTH)
        if self.note is not None:
            self.note = clean_text(self.note, field="note", max_length=NOTE_MAX_LENGTH, min_length=0) or None


def _clean_steps(steps: list[str]) -> list[str]:
    return [clean_text(step, field="steps", max_length=STEP_MAX_LENGTH) for step in steps]


def _clean_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(clean_name(tag, field="tags", max_length=TAG_MAX_LENGTH) for tag in tags))


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
    status: Annotated[
        RecipeStatus | UnsetType,
        Meta(
            description="Who sees it: `public` (everyone), `private` or `draft` (only you). Absent: `public` on "
            "create, unchanged on replace (PUT)."
        ),
    ] = UNSET

    def __post_init__(self) -> None:
        self.title = clean_text(self.title, field="title", max_length=TITLE_MAX_LENGTH)
        self.description = clean_text(
            self.description, field="description", max_length=DESCRIPTION_MAX_LENGTH, min_length=0
        )
        self.steps = _clean_steps(self.steps)
        self.tags = _clean_tags(self.tags)


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
    status: Annotated[RecipeStatus, Meta(description="`public`, `private` or `draft`.")] | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.title is not UNSET:
            self.title = clean_text(self.title, field="title", max_length=TITLE_MAX_LENGTH)
        if self.description is not UNSET:
            self.description = clean_text(
                self.description, field="description", max_length=DESCRIPTION_MAX_LENGTH, min_length=0
            )
        if self.steps is not UNSET:
            self.steps = _clean_steps(self.steps)
        if self.tags is not UNSET:
            self.tags = _clean_tags(self.tags)


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


MIN_STARS = 1
MAX_STARS = 5

Stars = Annotated[int, Meta(ge=MIN_STARS, le=MAX_STARS, description="Whole stars, 1 (poor) to 5 (excellent).")]


class RatingSummary(msgspec.Struct):
    """What everyone's ratings of a recipe come to."""

    average: Annotated[
        float | None,
        Meta(
            description="The mean of the stars (1 to 5), rounded to 2 decimals; null while nobody has rated it.",
            examples=[4.33],
        ),
    ]
    count: Annotated[int, Meta(ge=0, description="How many users rated it.")]


class RatingInput(Input):
    """A user's rating of a recipe."""

    stars: Stars


class RatingState(msgspec.Struct):
    """The signed-in user's rating of a recipe (null: none) and what all ratings come to now."""

    recipe_id: UUID
    stars: Annotated[int | None, Meta(description="Your stars, 1 to 5; null if you have not rated it.")]
    rating: RatingSummary


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
    rating: RatingSummary
    created_at: datetime
    updated_at: datetime
    status: Annotated[
        RecipeStatus, Meta(description="`public`: everyone sees it; `private`, `draft`: only its author.")
    ] = RecipeStatus.PUBLIC
    photos: Annotated[
        list[PhotoRead],
        Meta(description="Its photos in their order, with their URLs (the variants' once `ready`)."),
    ] = []


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
    rating: RatingSummary
    created_at: datetime
    status: Annotated[
        RecipeStatus, Meta(description="Always `public` in public lists; `GET /me/recipes` shows your others too.")
    ] = RecipeStatus.PUBLIC
    cover_thumbnail_url: Annotated[
        str | None, Meta(description="The thumbnail of its cover photo, once ready; null without one.")
    ] = None


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


class RecipeSummaryPage(CursorPage[RecipeSummary]):
    """A page of recipe summaries."""

    items: list[RecipeSummary]


class LikedRecipePage(CursorPage[LikedRecipe]):
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


class ChangeKind(StrEnum):
    """What happened to a recipe, as the change feed reports it."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class RecipeChange(msgspec.Struct, omit_defaults=True):
    """One entry of the change feed: the latest change of a recipe, or the tombstone of a deleted one."""

    kind: ChangeKind
    recipe_id: UUID
    changed_at: Annotated[
        datetime,
        Meta(description="When the change was made (created, updated: the recipe's `updated_at`)."),
    ]
    cursor: Annotated[
        str,
        Meta(description="The feed's position just after this entry: pass it as `since` to resume from here."),
    ]
    recipe: Annotated[
        RecipeSummary | None,
        Meta(
            description="created, updated: the recipe as it is now (its counters are live values, not changes). "
            "deleted: absent (a tombstone: remove your copy)."
        ),
    ] = None


class RecipeChangePage(msgspec.Struct):
    """A page of the change feed, in commit order, and where to resume."""

    items: list[RecipeChange]
    next_cursor: Annotated[
        str,
        Meta(
            description='Pass it as `since` on the next poll (also in `Link: rel="next"`). When nothing was new it '
            "is the cursor that was sent."
        ),
    ]
    has_more: Annotated[
        bool,
        Meta(
            description="True: more changes are waiting, ask again now. False: you are up to date; poll again "
            "later with `next_cursor`."
        ),
    ]
