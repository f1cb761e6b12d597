"""What goes in and out of the collection endpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.domain.recipes.schemas import AuthorRef, RecipeSummary
from chopchop.lib.pagination import Page
from chopchop.lib.schemas import Input
from chopchop.lib.text import MULTI_LINE_OR_EMPTY, ONE_LINE, clean_text

NAME_MAX_LENGTH: Final = 100
DESCRIPTION_MAX_LENGTH: Final = 2000
#: How many collections a user may have, and how many recipes a collection may hold (409 beyond).
MAX_COLLECTIONS_PER_USER: Final = 100
MAX_RECIPES_PER_COLLECTION: Final = 500


class Visibility(StrEnum):
    """`public`: anyone may read it (and it is listed on its owner's profile); `private`: only its owner."""

    PUBLIC = "public"
    PRIVATE = "private"


CollectionName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        pattern=ONE_LINE,
        description="One line, 1 to 100 characters (trimmed), no control or bidirectional formatting characters.",
        examples=["Weeknight dinners"],
    ),
]
CollectionDescription = Annotated[
    str,
    Meta(
        max_length=DESCRIPTION_MAX_LENGTH,
        pattern=MULTI_LINE_OR_EMPTY,
        description="Free text, up to 2000 characters; newlines allowed.",
        examples=["Thirty minutes or less."],
    ),
]
EntryPosition = Annotated[
    int,
    Meta(
        ge=0,
        le=MAX_RECIPES_PER_COLLECTION,
        description="Where the recipe goes: 0 is first; a position at or past the end puts it last.",
    ),
]


class CollectionCreate(Input):
    """A new collection."""

    name: CollectionName
    description: CollectionDescription = ""
    visibility: Visibility = Visibility.PRIVATE

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, field="name", max_length=NAME_MAX_LENGTH)
        self.description = clean_text(
            self.description, field="description", max_length=DESCRIPTION_MAX_LENGTH, min_length=0
        )


class CollectionUpdate(Input):
    """Changes to a collection: absent fields stay as they are."""

    name: CollectionName | UnsetType = UNSET
    description: CollectionDescription | UnsetType = UNSET
    visibility: Visibility | UnsetType = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.name, UnsetType):
            self.name = clean_text(self.name, field="name", max_length=NAME_MAX_LENGTH)
        if not isinstance(self.description, UnsetType):
            self.description = clean_text(
                self.description, field="description", max_length=DESCRIPTION_MAX_LENGTH, min_length=0
            )


class CollectionEntryPut(Input):
    """Where to put the recipe (absent: last when it is added, where it is when it is already there)."""

    position: EntryPosition | UnsetType = UNSET


class CollectionRead(msgspec.Struct):
    """A collection, without its recipes (`GET .../recipes` pages them)."""

    id: UUID
    name: str
    description: str
    visibility: Visibility
    owner: AuthorRef
    recipe_count: Annotated[int, Meta(ge=0, description="How many recipes it holds.")]
    created_at: datetime
    updated_at: datetime


class CollectionEntry(msgspec.Struct):
    """A recipe in a collection, at its place."""

    position: Annotated[int, Meta(ge=0, description="Its place in the collection, 0 first.")]
    added_at: Annotated[datetime, Meta(description="When it was added to the collection.")]
    recipe: RecipeSummary


class CollectionEntryState(msgspec.Struct):
    """Where a recipe now is in a collection."""

    collection_id: UUID
    recipe_id: UUID
    position: Annotated[int, Meta(ge=0, description="Its place in the collection, 0 first.")]
    recipe_count: Annotated[int, Meta(ge=0, description="How many recipes the collection holds.")]


class CollectionPage(Page[CollectionRead]):
    """A page of collections."""

    items: list[CollectionRead]


class CollectionEntryPage(Page[CollectionEntry]):
    """A page of a collection's recipes, in the collection's order."""

    items: list[CollectionEntry]
