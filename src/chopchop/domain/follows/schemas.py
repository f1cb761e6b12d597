"""What goes out of the follow endpoints and the feed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from chopchop.domain.recipes.schemas import RecipeSummary
from chopchop.lib.pagination import CursorPage


class FollowState(msgspec.Struct):
    """Whether the signed-in user now follows the user, and that user's follower count."""

    user_id: UUID
    following: bool
    follower_count: Annotated[int, Meta(ge=0, description="How many users follow this user.")]


class FollowUser(msgspec.Struct):
    """A user in a followers or following list, with when the follow began."""

    id: UUID
    display_name: Annotated[str, Meta(description="Public name.", examples=["Ada Lovelace"])]
    followed_at: Annotated[datetime, Meta(description="When this follow began.")]


class FollowPage(CursorPage[FollowUser]):
    """A page of followers, or of followed users, most recent follow first."""

    items: list[FollowUser]


class FeedPage(msgspec.Struct):
    """A page of the feed: recipes of the authors the user follows, newest first. No total: follow `next_cursor`
    until it is null."""

    items: list[RecipeSummary]
    limit: Annotated[int, Meta(ge=1, description="The page size that was asked for.")]
    next_cursor: Annotated[
        str | None,
        Meta(description="Pass as `cursor` for the next (older) page; null when there is none."),
    ] = None
    prev_cursor: Annotated[
        str | None,
        Meta(
            description="Pass as `cursor` for the page before this one (newer recipes, including those published "
            "since); null on the first page."
        ),
    ] = None
