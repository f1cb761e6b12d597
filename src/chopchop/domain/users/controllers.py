"""HTTP endpoints of the public user directory and profiles. Public fields only: emails stay on /me."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from chopchop.db import User
from chopchop.domain import cache_tags
from chopchop.domain.users.schemas import SEARCH_MAX_LENGTH, SEARCH_PATTERN, UserProfile, UserSummary, UserSummaryPage
from chopchop.domain.users.services import UserDirectoryService
from chopchop.lib.apidoc import ApiOperation
from chopchop.lib.cache import cached_public
from chopchop.lib.cursors import Cursor, CursorScope, Slice, keyset_page_response, read_cursor
from chopchop.lib.pagination import DEFAULT_LIMIT, LIST_RESPONSE_HEADERS, Limit, Offset
from chopchop.lib.problems import problems


def to_user_summary(user: User) -> UserSummary:
    return UserSummary(id=user.id, display_name=user.display_name, created_at=user.created_at)


class UserController(Controller):
    """Who is on Chop-chop: public, the same answer for every caller."""

    path = "/api/v1/users"
    tags = ["users"]
    dependencies = {"directory_service": Provide(create_service_provider(UserDirectoryService))}

    @get(
        "/",
        operation_id="listUsers",
        operation_class=ApiOperation,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(
            304, 400, descriptions={400: "Invalid parameters, or a `cursor` this list did not issue for the same `q`."}
        ),
        **cached_public(cache_tags.USERS, cache_tags.PROFILES),
    )
    async def list_users(
        self,
        request: Request[Any, Any, Any],
        directory_service: NamedDependency[UserDirectoryService],
        q: Annotated[
            str | None,
            QueryParameter(
                description="Only users whose display name contains this text, ignoring case.",
                max_length=SEARCH_MAX_LENGTH,
                pattern=SEARCH_PATTERN,
            ),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Response[UserSummaryPage]:
        """Active users, by display name ignoring case (ties broken by id), a page at a time.

        Accounts whose email address is not confirmed yet are not listed.
        """
        scope = CursorScope.of("users", tuple[str, UUID], q)
        seek = read_cursor(request, scope, cursor, offset)
        found, total = await directory_service.page(query=q, limit=limit, offset=offset, seek=seek)
        page = Slice([to_user_summary(u) for u in found.items], found.keys, found.more)
        return keyset_page_response(
            request, page, scope=scope, seek=seek, limit=limit, offset=offset, total=total, page_type=UserSummaryPage
        )

    @get(
        "/{user_id:uuid}",
        operation_id="getUser",
        operation_class=ApiOperation,
        responses=problems(304, 400, 404, descriptions={404: "No active user has this id."}),
        **cached_public(cache_tags.USERS, cache_tags.PROFILES),
    )
    async def get_user(
        self, user_id: FromPath[UUID], directory_service: NamedDependency[UserDirectoryService]
    ) -> UserProfile:
        """A user's public profile: name, member since, how many recipes, likes and comments they have, and how
        many users follow them and they follow.

        Unconfirmed accounts are a 404, as if they did not exist.
        """
        profile = await directory_service.profile(user_id)
        user = profile.user
        return UserProfile(
            id=user.id,
            display_name=user.display_name,
            created_at=user.created_at,
            recipe_count=profile.recipe_count,
            likes_received=profile.likes_received,
            comment_count=profile.comment_count,
            follower_count=user.follower_count,
            following_count=user.following_count,
        )
