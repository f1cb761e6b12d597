"""What goes out of the public user endpoints: public fields only, never an email address."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from chopchop.lib.pagination import CursorPage
from chopchop.lib.text import QUERY_TEXT

# The ?q= of the directory: no longer than a display name, no control characters.
SEARCH_MAX_LENGTH = 100
SEARCH_PATTERN = QUERY_TEXT


class UserSummary(msgspec.Struct):
    """A user in the public directory."""

    id: UUID
    display_name: Annotated[str, Meta(description="Public name.", examples=["Ada Lovelace"])]
    created_at: Annotated[datetime, Meta(description="When the account was created (member since).")]


class UserProfile(msgspec.Struct):
    """A user's public profile with the counts of what they published."""

    id: UUID
    display_name: Annotated[str, Meta(description="Public name.", examples=["Ada Lovelace"])]
    created_at: Annotated[datetime, Meta(description="When the account was created (member since).")]
    recipe_count: Annotated[int, Meta(description="Recipes this user published.")]
    likes_received: Annotated[int, Meta(description="Likes on all of this user's recipes.")]
    comment_count: Annotated[int, Meta(description="Comments this user wrote.")]
    follower_count: Annotated[int, Meta(ge=0, description="How many users follow this user.")]
    following_count: Annotated[int, Meta(ge=0, description="How many users this user follows.")]


class UserSummaryPage(CursorPage[UserSummary]):
    """A page of the user directory."""

    items: list[UserSummary]
