"""HTTP endpoints of comments: write, list, read, edit and delete comments on recipes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from chopchop.db import User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import Grant
from chopchop.domain.comments.schemas import CommentAuthor, CommentCreate, CommentPage, CommentRead, CommentUpdate
from chopchop.domain.comments.services import CommentService, CommentWithAuthor
from chopchop.lib.apidoc import LOCATION, ApiOperation
from chopchop.lib.cache import cached_public, invalidate
from chopchop.lib.cursors import Cursor, CursorScope, Slice, keyset_page_response, read_cursor
from chopchop.lib.pagination import DEFAULT_LIMIT, LIST_RESPONSE_HEADERS, Limit, Offset
from chopchop.lib.problems import problems

COMMENTS_PATH = "/api/v1/comments"

comment_dependencies = {"comments_service": Provide(create_service_provider(CommentService))}

_RECIPE_ERRORS = {404: "The recipe does not exist."}
_COMMENT_ERRORS = {
    403: "The signed-in user may not do this to this comment.",
    404: "The comment does not exist.",
}


def _comment_tags(recipe_id: UUID) -> tuple[str, ...]:
    """What a new or deleted comment changes: the lists and counts that show it."""
    return (
        cache_tags.COMMENTS,
        cache_tags.RECIPES,
        cache_tags.USERS,
        cache_tags.recipe(recipe_id),
        cache_tags.recipe_comments(recipe_id),
    )


def to_comment_read(found: CommentWithAuthor) -> CommentRead:
    comment = found.comment
    return CommentRead(
        id=comment.id,
        recipe_id=comment.recipe_id,
        body=comment.body,
        author=CommentAuthor(id=comment.author_id, display_name=found.author_name),
        created_at=comment.created_at,
        updated_at=comment.updated_at,
    )


class RecipeCommentController(Controller):
    """A recipe's comments."""

    path = "/api/v1/recipes/{recipe_id:uuid}/comments"
    tags = ["comments"]
    dependencies = comment_dependencies

    @post(
        "/",
        operation_id="createComment",
        operation_class=ApiOperation,
        status_code=HTTP_201_CREATED,
        response_headers=[LOCATION],
        responses=problems(400, 401, 404, 429, descriptions=_RECIPE_ERRORS),
    )
    async def create_comment(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        data: JSONBody[CommentCreate],
        comments_service: NamedDependency[CommentService],
    ) -> Response[CommentRead]:
        """Comment on a recipe as the signed-in user. The recipe's comment count goes up by one.

        The `Location` header is the new comment's URL.
        """
        created = await comments_service.add(recipe_id=recipe_id, author=request.user, body=data.body)
        invalidate(request, *_comment_tags(recipe_id))
        return Response(
            to_comment_read(created),
            status_code=HTTP_201_CREATED,
            headers={"Location": f"{COMMENTS_PATH}/{created.comment.id}"},
        )

    @get(
        "/",
        operation_id="listRecipeComments",
        operation_class=ApiOperation,
        **cached_public(cache_tags.RECIPE_COMMENTS_TEMPLATE, cache_tags.PROFILES),
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(
            304,
            400,
            404,
            descriptions={
                **_RECIPE_ERRORS,
                400: "Invalid page parameters, or a `cursor` that is not one this recipe's comments issued.",
            },
        ),
    )
    async def list_recipe_comments(
        self,
        request: Request[Any, Any, Any],
        recipe_id: FromPath[UUID],
        comments_service: NamedDependency[CommentService],
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Response[CommentPage]:
        """A recipe's comments, oldest first (ties broken by id), a page at a time by offset or by cursor (`total`
        stays exact on both). Public."""
        scope = CursorScope.of("comments", tuple[datetime, UUID], recipe_id)
        seek = read_cursor(request, scope, cursor, offset)
        found, total = await comments_service.page_for_recipe(recipe_id, limit=limit, offset=offset, seek=seek)
        page = Slice([to_comment_read(f) for f in found.items], found.keys, found.more)
        return keyset_page_response(
            request, page, scope=scope, seek=seek, limit=limit, offset=offset, total=total, page_type=CommentPage
        )


class CommentController(Controller):
    """One comment."""

    path = COMMENTS_PATH
    tags = ["comments"]
    dependencies = comment_dependencies

    @get(
        "/{comment_id:uuid}",
        operation_id="getComment",
        operation_class=ApiOperation,
        **cached_public(cache_tags.COMMENTS, cache_tags.PROFILES),
        responses=problems(304, 400, 404, descriptions=_COMMENT_ERRORS),
    )
    async def get_comment(
        self, comment_id: FromPath[UUID], comments_service: NamedDependency[CommentService]
    ) -> CommentRead:
        """A comment with its author's public name. Public."""
        return to_comment_read(await comments_service.get_with_author(comment_id))

    @patch(
        "/{comment_id:uuid}",
        operation_id="updateComment",
        operation_class=ApiOperation,
        responses=problems(400, 401, 403, 404, 429, descriptions=_COMMENT_ERRORS),
    )
    async def update_comment(
        self,
        request: Request[User, Grant, Any],
        comment_id: FromPath[UUID],
        data: JSONBody[CommentUpdate],
        comments_service: NamedDependency[CommentService],
    ) -> CommentRead:
        """Edit a comment; only its author may. Fields that are absent stay as they are."""
        edited = await comments_service.edit(comment_id, editor_id=request.user.id, body=data.body)
        invalidate(request, cache_tags.COMMENTS, cache_tags.recipe_comments(edited.comment.recipe_id))
        return to_comment_read(edited)

    @delete(
        "/{comment_id:uuid}",
        operation_id="deleteComment",
        operation_class=ApiOperation,
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(
            400,
            401,
            403,
            404,
            429,
            descriptions={**_COMMENT_ERRORS, 403: "Only the comment's author or the recipe's author may delete it."},
        ),
    )
    async def delete_comment(
        self,
        request: Request[User, Grant, Any],
        comment_id: FromPath[UUID],
        comments_service: NamedDependency[CommentService],
    ) -> None:
        """Delete a comment: its author or the author of its recipe may. The recipe's comment count goes down."""
        recipe_id = await comments_service.remove(comment_id, remover_id=request.user.id)
        invalidate(request, *_comment_tags(recipe_id))
