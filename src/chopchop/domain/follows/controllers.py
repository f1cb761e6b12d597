"""HTTP endpoints of following: follow and unfollow, the followers and following lists (public, cached), and the
signed-in user's feed (private, never cached)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from chopchop.db import User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import Grant
from chopchop.domain.follows.schemas import FeedPage, FollowPage, FollowState
from chopchop.domain.follows.services import FollowService
from chopchop.lib.apidoc import ApiOperation
from chopchop.lib.cache import cached_public, invalidate
from chopchop.lib.cursors import Cursor, CursorScope, Slice, encode_cursor, keyset_page_response, read_cursor
from chopchop.lib.cursors import cursor_key as _cursor_key
from chopchop.lib.pagination import DEFAULT_LIMIT, LIST_RESPONSE_HEADERS, Limit, public_url
from chopchop.lib.problems import problems

FEED_PATH = "/api/v1/me/feed"

follow_dependencies = {"follows_service": Provide(create_service_provider(FollowService))}

_USER_404 = {404: "No active user has this id."}
_FOLLOW_ERRORS = {**_USER_404, 409: "You cannot follow yourself (type `.../cannot-follow-yourself`)."}
_LIST_ERRORS = {**_USER_404, 400: "Invalid page parameters, or a `cursor` this list did not issue."}
_LIST_TAGS = (cache_tags.FOLLOWS, cache_tags.USERS, cache_tags.PROFILES)


class FollowController(Controller):
    """Following a user, and who follows whom (public, like profiles)."""

    path = "/api/v1/users/{user_id:uuid}"
    tags = ["follows"]
    dependencies = follow_dependencies

    @put(
        "/follow",
        operation_id="followUser",
        operation_class=ApiOperation,
        summary="Follow a user",
        status_code=HTTP_200_OK,
        responses=problems(400, 401, 404, 409, 429, descriptions=_FOLLOW_ERRORS),
    )
    async def follow_user(
        self,
        request: Request[User, Grant, Any],
        user_id: FromPath[UUID],
        follows_service: NamedDependency[FollowService],
    ) -> FollowState:
        """Follow the user: their new recipes come in your feed. Idempotent: following again changes nothing."""
        state, changed = await follows_service.follow(request.user.id, user_id)
        if changed:
            invalidate(request, cache_tags.FOLLOWS, cache_tags.USERS)
        return state

    @delete(
        "/follow",
        operation_id="unfollowUser",
        operation_class=ApiOperation,
        summary="Stop following a user",
        status_code=HTTP_200_OK,
        responses=problems(400, 401, 404, 429, descriptions=_USER_404),
    )
    async def unfollow_user(
        self,
        request: Request[User, Grant, Any],
        user_id: FromPath[UUID],
        follows_service: NamedDependency[FollowService],
    ) -> FollowState:
        """Stop following the user. Idempotent: unfollowing someone you do not follow changes nothing."""
        state, changed = await follows_service.unfollow(request.user.id, user_id)
        if changed:
            invalidate(request, cache_tags.FOLLOWS, cache_tags.USERS)
        return state

    @get(
        "/followers",
        operation_id="listFollowers",
        operation_class=ApiOperation,
        summary="List a user's followers",
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 404, descriptions=_LIST_ERRORS),
        **cached_public(*_LIST_TAGS),
    )
    async def list_followers(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        follows_service: NamedDependency[FollowService],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[FollowPage]:
        """Who follows the user, most recent follow first; pages by cursor (`total` is the follower count)."""
        return await _people(request, follows_service, user_id, followers=True, limit=limit, cursor=cursor)

    @get(
        "/following",
        operation_id="listFollowing",
        operation_class=ApiOperation,
        summary="List whom a user follows",
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 404, descriptions=_LIST_ERRORS),
        **cached_public(*_LIST_TAGS),
    )
    async def list_following(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        follows_service: NamedDependency[FollowService],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[FollowPage]:
        """Whom the user follows, most recent follow first; pages by cursor (`total` is the following count)."""
        return await _people(request, follows_service, user_id, followers=False, limit=limit, cursor=cursor)


async def _people(
    request: Request[Any, Any, Any],
    follows_service: FollowService,
    user_id: UUID,
    *,
    followers: bool,
    limit: int,
    cursor: str | None,
) -> Response[FollowPage]:
    scope = CursorScope.of("followers" if followers else "following", tuple[datetime, UUID], user_id)
    seek = read_cursor(request, scope, cursor, 0)
    page, total = await follows_service.people(user_id, followers=followers, limit=limit, seek=seek)
    return keyset_page_response(
        request, page, scope=scope, seek=seek, limit=limit, offset=0, total=total, page_type=FollowPage
    )


class FeedController(Controller):
    """The signed-in user's feed: theirs alone, never cached (`private, no-store`)."""

    path = FEED_PATH
    tags = ["follows"]
    dependencies = follow_dependencies

    @get(
        "/",
        operation_id="getFeed",
        operation_class=ApiOperation,
        summary="My feed",
        cache=False,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(
            304, 400, 401, descriptions={400: "Invalid page parameters, or a `cursor` this feed did not issue to you."}
        ),
    )
    async def get_feed(
        self,
        request: Request[User, Grant, Any],
        follows_service: NamedDependency[FollowService],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[FeedPage]:
        """The recipes of the authors you follow, newest first. Follow `next_cursor` (or the `next` link) for older
        ones, `prev_cursor` for newer ones: cursor pages neither repeat nor skip a recipe while new ones are
        published (new recipes appear at the top: read the first page again, or go back by `prev_cursor`)."""
        scope = CursorScope.of("feed", tuple[datetime, UUID], request.user.id)
        seek = read_cursor(request, scope, cursor, 0)
        page: Slice = await follows_service.feed(request.user.id, limit=limit, seek=seek)
        key = _cursor_key(str(getattr(request.app.state.get("settings"), "jwt_secret", "") or ""))
        backward = seek is not None and seek.backward
        has_next = (page.more if not backward else True) and bool(page.items)
        has_prev = (page.more if backward else seek is not None) and bool(page.items)
        next_cursor = encode_cursor(key, scope, page.keys[-1], backward=False) if has_next else None
        prev_cursor = encode_cursor(key, scope, page.keys[0], backward=True) if has_prev else None
        url = public_url(request)
        links = [
            f'<{_with_cursor(url, c)}>; rel="{rel}"' for c, rel in ((next_cursor, "next"), (prev_cursor, "prev")) if c
        ]
        headers = {"Link": ", ".join(links)} if links else {}
        return Response(
            FeedPage(items=page.items, limit=limit, next_cursor=next_cursor, prev_cursor=prev_cursor), headers=headers
        )


def _with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("cursor", cursor)])))


__all__ = ["FeedController", "FollowController"]
