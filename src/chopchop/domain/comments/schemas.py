"""What goes in and out of the comments endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

COMMENT_MAX_LENGTH = 5000

# Newlines and tabs are fine in a comment; NUL and the other control characters are not. At least one
# character that is not whitespace (a lookahead: the pattern stays linear on 5000 characters, where the
# obvious `[allowed]*[visible][allowed]*` backtracks quadratically, a quarter of a second per request).
CommentBody = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=COMMENT_MAX_LENGTH,
        pattern=r"^(?=\s*\S)[^\x00-\x08\x0b-\x1f\x7f]*$",
        description=f"1 to {COMMENT_MAX_LENGTH} characters; newlines and tabs allowed, other control characters not.",
        examples=["Made it tonight: a pinch more salt and it was perfect."],
    ),
]


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are an error, not silently dropped."""


class CommentCreate(Input):
    body: CommentBody


class CommentUpdate(Input):
    """PATCH body: only the fields present are changed."""

    body: CommentBody | UnsetType = UNSET


class CommentAuthor(msgspec.Struct):
    """Who wrote a comment: public fields only."""

    id: UUID
    display_name: str


class CommentRead(msgspec.Struct):
    id: UUID
    recipe_id: UUID
    body: str
    author: CommentAuthor
    created_at: datetime
    updated_at: datetime
