"""What goes in and out of the comments endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.pagination import CursorPage
from chopchop.lib.schemas import Input
from chopchop.lib.text import END, clean_text

COMMENT_MAX_LENGTH = 5000

# Newlines and tabs are fine in a comment; NUL and the other control characters are not. At least one
# character that is not whitespace (a lookahead: the pattern stays linear on 5000 characters, where the
# obvious `[allowed]*[visible][allowed]*` backtracks quadratically, a quarter of a second per request).
CommentBody = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=COMMENT_MAX_LENGTH,
        # As free text elsewhere, and no carriage return either: a comment is shown as it is stored.
        pattern=rf"^(?=\s*\S)[^\x00-\x08\x0b-\x1f\x7f-\x9f]*{END}",
        description=f"1 to {COMMENT_MAX_LENGTH} characters; newlines and tabs allowed, other control characters not.",
        examples=["Made it tonight: a pinch more salt and it was perfect."],
    ),
]


class CommentCreate(Input):
    """A new comment on a recipe."""

    body: CommentBody

    def __post_init__(self) -> None:
        self.body = clean_text(self.body, field="body", max_length=COMMENT_MAX_LENGTH)


class CommentUpdate(Input):
    """PATCH body: only the fields present are changed."""

    body: CommentBody | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.body is not UNSET:
            self.body = clean_text(self.body, field="body", max_length=COMMENT_MAX_LENGTH)


class CommentAuthor(msgspec.Struct):
    """Who wrote a comment: public fields only."""

    id: Annotated[UUID, Meta(description="The author's user id.")]
    display_name: Annotated[str, Meta(description="The author's public name.", examples=["Ada Lovelace"])]


class CommentRead(msgspec.Struct):
    """A comment on a recipe, with its author's public name."""

    id: UUID
    recipe_id: Annotated[UUID, Meta(description="The recipe it is about.")]
    body: Annotated[str, Meta(examples=["Made it tonight: a pinch more salt and it was perfect."])]
    author: CommentAuthor
    created_at: datetime
    updated_at: Annotated[datetime, Meta(description="When it was last edited (`created_at` if never).")]


class CommentPage(CursorPage[CommentRead]):
    """A page of a recipe's comments, oldest first."""

    items: list[CommentRead]
