"""HTTP endpoints of moderation: users' reports, moderators' actions (hide, suspend, resolve reports) and the
admins' (roles, the audit log).

Every moderation and admin operation needs a login's access token (scope `account`, never a personal access token:
a token made for a script should not be able to suspend people) and checks the role of the account *as the database
has it now* (``request.user`` is read for every request): a demotion takes effect on the next request. None of these
answers is cached; the writes invalidate the cache tags of the public reads they change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from chopchop.db import Recipe, Report, Role, User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import ACCOUNT, REQUIRED_SCOPE_OPT, Grant
from chopchop.domain.comments.controllers import to_comment_read
from chopchop.domain.comments.services import CommentService
from chopchop.domain.moderation.schemas import (
    AccountModeration,
    AuditAction,
    AuditEntryRead,
    AuditPage,
    AuditTarget,
    CommentModeration,
    Hiding,
    ModerationState,
    RecipeModeration,
    ReportCreate,
    ReportPage,
    ReportRead,
    ReportReason,
    ReportResolution,
    ReportState,
    ReportTarget,
    RoleUpdate,
    Suspension,
)
from chopchop.domain.moderation.services import Actor, HiddenChange, ModerationService, require_role
from chopchop.domain.recipes.services import RecipeService
from chopchop.lib.apidoc import LOCATION, ApiOperation
from chopchop.lib.cache import invalidate
from chopchop.lib.cursors import Cursor, CursorScope, Slice, keyset_page_response, read_cursor
from chopchop.lib.pagination import DEFAULT_LIMIT, LIST_RESPONSE_HEADERS, Limit, Offset
from chopchop.lib.problems import problems
from chopchop.lib.ratelimit import RateLimits
from chopchop.settings import Settings

REPORTS_PATH = "/api/v1/reports"
MODERATION_PATH = "/api/v1/moderation"
ADMIN_PATH = "/api/v1/admin"

moderation_dependencies = {
    "moderation_service": Provide(create_service_provider(ModerationService)),
    "recipes_service": Provide(create_service_provider(RecipeService)),
    "comments_service": Provide(create_service_provider(CommentService)),
}

_ROLE_ERRORS = {
    403: "The signed-in account lacks the role (type `.../insufficient-role`), or the request was authenticated by a "
    "personal access token, which cannot moderate (type `.../insufficient-scope`).",
}


def _account(user: User) -> AccountModeration:
    now = datetime.now(UTC)
    return AccountModeration(
        id=user.id,
        display_name=user.display_name,
        role=Role(user.role),
        suspended=user.is_suspended(now),
        suspended_at=user.suspended_at,
        suspended_until=user.suspended_until,
        suspension_reason=user.suspension_reason,
    )


def _report(report: Report) -> ReportRead:
    return ReportRead(
        id=report.id,
        target_type=ReportTarget(report.target_type),
        target_id=report.target_id,
        reason=ReportReason(report.reason),
        details=report.details,
        status=ReportState(report.status),
        reporter_id=report.reporter_id,
        created_at=report.created_at,
        resolved_at=report.resolved_at,
        resolved_by=report.resolved_by,
        resolution_note=report.resolution_note,
    )


def _recipe_tags(recipe_id: UUID) -> tuple[str, ...]:
    """What hiding or showing a recipe changes: every list and count that shows it, its page, its comments (a
    comment of a hidden recipe is not shown either) and its author's profile counts."""
    return (
        cache_tags.RECIPES,
        cache_tags.USERS,
        cache_tags.COMMENTS,
        cache_tags.recipe(recipe_id),
        cache_tags.recipe_comments(recipe_id),
    )


def _comment_tags(recipe_id: UUID) -> tuple[str, ...]:
    """What hiding or showing a comment changes: the comment, its recipe's list and counter, the profile counts."""
    return (
        cache_tags.COMMENTS,
        cache_tags.RECIPES,
        cache_tags.USERS,
        cache_tags.recipe(recipe_id),
        cache_tags.recipe_comments(recipe_id),
    )


class ReportController(Controller):
    """Users report content to the moderators."""

    path = REPORTS_PATH
    tags = ["moderation"]
    dependencies = moderation_dependencies

    @post(
        "/",
        operation_id="createReport",
        operation_class=ApiOperation,
        status_code=HTTP_201_CREATED,
        response_headers=[LOCATION],
        responses={
            200: ResponseSpec(
                data_container=ReportRead,
                description="The signed-in user has an open report of this target already: it is returned, unchanged.",
            ),
            **problems(
                400,
                401,
                404,
                429,
                descriptions={
                    404: "The recipe, comment or account reported does not exist (or is not shown).",
                    429: "Too many reports: wait `Retry-After` seconds.",
                },
            ),
        },
    )
    async def create_report(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[ReportCreate],
        moderation_service: NamedDependency[ModerationService],
        rate_limits: NamedDependency[RateLimits],
    ) -> Response[ReportRead]:
        """Report a recipe, a comment or an account to the moderators. One open report per user and target: a
        repeated report answers 200 with the open one."""
        await rate_limits.check(request, "reports", key=str(request.user.id))
        report, created = await moderation_service.report(request.user, data)
        return Response(
            _report(report),
            status_code=HTTP_201_CREATED if created else HTTP_200_OK,
            headers={"Location": f"{MODERATION_PATH}/reports/{report.id}"},
        )


class ModerationController(Controller):
    """Moderators' actions: hide and show recipes and comments, suspend accounts, the reports queue."""

    path = MODERATION_PATH
    tags = ["moderation"]
    dependencies = moderation_dependencies
    opt = {REQUIRED_SCOPE_OPT: ACCOUNT}

    @get(
        "/recipes/{recipe_id:uuid}",
        operation_id="getModeratedRecipe",
        operation_class=ApiOperation,
        responses=problems(304, 400, 401, 403, 404, descriptions={**_ROLE_ERRORS, 404: "The recipe does not exist."}),
    )
    async def get_moderated_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> RecipeModeration:
        """A recipe, hidden or not, with its moderation state: for its author and moderators (never cached)."""
        recipe = await recipes_service.get(recipe_id)
        if recipe.author_id != request.user.id:
            require_role(request.user, Role.MODERATOR)
        return await self._moderation_of(recipe, recipes_service, settings)

    @put(
        "/recipes/{recipe_id:uuid}/hidden",
        operation_id="hideRecipe",
        operation_class=ApiOperation,
        responses=problems(400, 401, 403, 404, 429, descriptions={**_ROLE_ERRORS, 404: "The recipe does not exist."}),
    )
    async def hide_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        data: JSONBody[Hiding],
        moderation_service: NamedDependency[ModerationService],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> RecipeModeration:
        """Hide a recipe (moderators): it is gone from every public read for everyone but its author and
        moderators. Hiding a hidden recipe changes nothing."""
        require_role(request.user, Role.MODERATOR)
        if await moderation_service.set_recipe_hidden(
            Actor.of(request.user), recipe_id, hidden=True, reason=data.reason
        ):
            invalidate(request, *_recipe_tags(recipe_id))
        return await self._recipe_view(recipe_id, recipes_service, settings)

    @delete(
        "/recipes/{recipe_id:uuid}/hidden",
        operation_id="showRecipe",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        responses=problems(400, 401, 403, 404, 429, descriptions={**_ROLE_ERRORS, 404: "The recipe does not exist."}),
    )
    async def show_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        moderation_service: NamedDependency[ModerationService],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> RecipeModeration:
        """Show a hidden recipe again (moderators)."""
        require_role(request.user, Role.MODERATOR)
        if await moderation_service.set_recipe_hidden(Actor.of(request.user), recipe_id, hidden=False, reason=None):
            invalidate(request, *_recipe_tags(recipe_id))
        return await self._recipe_view(recipe_id, recipes_service, settings)

    @staticmethod
    async def _recipe_view(recipe_id: UUID, recipes_service: RecipeService, settings: Settings) -> RecipeModeration:
        return await ModerationController._moderation_of(
            await recipes_service.get(recipe_id), recipes_service, settings
        )

    @staticmethod
    async def _moderation_of(recipe: Recipe, recipes_service: RecipeService, settings: Settings) -> RecipeModeration:
        """The recipe as its author writes it, with its moderation state."""
        read = await recipes_service.read_recipe(recipe.id, shown_only=False, base_url=settings.public_base_url)
        return RecipeModeration(
            read, ModerationState(recipe.hidden_at is not None, recipe.hidden_at, recipe.hidden_reason)
        )

    @get(
        "/comments/{comment_id:uuid}",
        operation_id="getModeratedComment",
        operation_class=ApiOperation,
        responses=problems(304, 400, 401, 403, 404, descriptions={**_ROLE_ERRORS, 404: "The comment does not exist."}),
    )
    async def get_moderated_comment(
        self,
        request: Request[User, Grant, Any],
        comment_id: FromPath[UUID],
        comments_service: NamedDependency[CommentService],
    ) -> CommentModeration:
        """A comment, hidden or not, with its moderation state: for its author and moderators (never cached)."""
        found = await comments_service.get_with_author(comment_id, shown_only=False)
        if found.comment.author_id != request.user.id:
            require_role(request.user, Role.MODERATOR)
        return _comment_view(found)

    @put(
        "/comments/{comment_id:uuid}/hidden",
        operation_id="hideComment",
        operation_class=ApiOperation,
        responses=problems(400, 401, 403, 404, 429, descriptions={**_ROLE_ERRORS, 404: "The comment does not exist."}),
    )
    async def hide_comment(
        self,
        request: Request[User, Grant, Any],
        comment_id: FromPath[UUID],
        data: JSONBody[Hiding],
        moderation_service: NamedDependency[ModerationService],
        comments_service: NamedDependency[CommentService],
    ) -> CommentModeration:
        """Hide a comment (moderators): gone from its recipe's comments and not counted in its `comment_count`."""
        require_role(request.user, Role.MODERATOR)
        change = await moderation_service.set_comment_hidden(
            Actor.of(request.user), comment_id, hidden=True, reason=data.reason
        )
        return await self._comment_changed(request, change, comment_id, comments_service)

    @delete(
        "/comments/{comment_id:uuid}/hidden",
        operation_id="showComment",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        responses=problems(400, 401, 403, 404, 429, descriptions={**_ROLE_ERRORS, 404: "The comment does not exist."}),
    )
    async def show_comment(
        self,
        request: Request[User, Grant, Any],
        comment_id: FromPath[UUID],
        moderation_service: NamedDependency[ModerationService],
        comments_service: NamedDependency[CommentService],
    ) -> CommentModeration:
        """Show a hidden comment again (moderators); it counts again."""
        require_role(request.user, Role.MODERATOR)
        change = await moderation_service.set_comment_hidden(
            Actor.of(request.user), comment_id, hidden=False, reason=None
        )
        return await self._comment_changed(request, change, comment_id, comments_service)

    @staticmethod
    async def _comment_changed(
        request: Request[User, Grant, Any], change: HiddenChange, comment_id: UUID, comments_service: CommentService
    ) -> CommentModeration:
        if change.changed:
            invalidate(request, *_comment_tags(change.recipe_id))
        return _comment_view(await comments_service.get_with_author(comment_id, shown_only=False))

    @get(
        "/users/{user_id:uuid}",
        operation_id="getModeratedAccount",
        operation_class=ApiOperation,
        responses=problems(304, 400, 401, 403, 404, descriptions={**_ROLE_ERRORS, 404: "The account does not exist."}),
    )
    async def get_moderated_account(
        self,
        request: Request[User, Grant, Any],
        user_id: FromPath[UUID],
        moderation_service: NamedDependency[ModerationService],
    ) -> AccountModeration:
        """An account's role and suspension (moderators)."""
        require_role(request.user, Role.MODERATOR)
        return _account(await moderation_service.get_account(user_id))

    @put(
        "/users/{user_id:uuid}/suspension",
        operation_id="suspendAccount",
        operation_class=ApiOperation,
        responses=problems(
            304,
            400,
            401,
            403,
            404,
            429,
            descriptions={
                400: "Invalid body, or `until` not in the future (type `.../invalid-suspension`).",
                403: f"{_ROLE_ERRORS[403]} Or: only admins suspend admins (`.../insufficient-role`), and nobody "
                "suspends themselves (`.../cannot-suspend-self`).",
                404: "The account does not exist.",
            },
        ),
    )
    async def suspend_account(
        self,
        request: Request[User, Grant, Any],
        user_id: FromPath[UUID],
        data: JSONBody[Suspension],
        moderation_service: NamedDependency[ModerationService],
    ) -> AccountModeration:
        """Suspend an account (moderators): it cannot log in (403 `account-suspended` to whoever gives its password),
        and its access tokens, logins (refresh tokens) and personal access tokens stop working at once. Suspending
        again replaces the reason and the end."""
        require_role(request.user, Role.MODERATOR)
        user = await moderation_service.suspend(request.user, user_id, reason=data.reason, until=data.until)
        return _account(user)

    @delete(
        "/users/{user_id:uuid}/suspension",
        operation_id="unsuspendAccount",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        responses=problems(400, 401, 403, 404, 429, descriptions={**_ROLE_ERRORS, 404: "The account does not exist."}),
    )
    async def unsuspend_account(
        self,
        request: Request[User, Grant, Any],
        user_id: FromPath[UUID],
        moderation_service: NamedDependency[ModerationService],
    ) -> AccountModeration:
        """Lift a suspension (moderators). What the suspension revoked stays revoked: the owner logs in again."""
        require_role(request.user, Role.MODERATOR)
        return _account(await moderation_service.unsuspend(request.user, user_id, reason=None))

    @get(
        "/reports",
        operation_id="listOpenReports",
        operation_class=ApiOperation,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 401, 403, descriptions=_ROLE_ERRORS),
    )
    async def list_open_reports(
        self,
        request: Request[User, Grant, Any],
        moderation_service: NamedDependency[ModerationService],
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Response[ReportPage]:
        """The open reports, oldest first (ties broken by id), by offset or by cursor (moderators)."""
        require_role(request.user, Role.MODERATOR)
        scope = CursorScope.of("open-reports", tuple[datetime, UUID])
        seek = read_cursor(request, scope, cursor, offset)
        found, total = await moderation_service.open_reports(limit=limit, offset=offset, seek=seek)
        page = Slice([_report(r) for r in found.items], found.keys, found.more)
        return keyset_page_response(
            request, page, scope=scope, seek=seek, limit=limit, offset=offset, total=total, page_type=ReportPage
        )

    @post(
        "/reports/{report_id:uuid}/resolution",
        operation_id="resolveReport",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        responses=problems(
            304,
            400,
            401,
            403,
            404,
            409,
            429,
            descriptions={
                **_ROLE_ERRORS,
                400: "Invalid body, or `hide` for a reported account (type `.../cannot-hide-account`).",
                404: "The report does not exist (or, with `hide`, its target no longer does).",
                409: "The report is closed already (type `.../report-closed`): another moderator was first.",
            },
        ),
    )
    async def resolve_report(
        self,
        request: Request[User, Grant, Any],
        report_id: FromPath[UUID],
        data: JSONBody[ReportResolution],
        moderation_service: NamedDependency[ModerationService],
    ) -> ReportRead:
        """Close an open report as `resolved` or `dismissed` (moderators); with `hide`, the reported recipe or comment
        is hidden in the same transaction. Of two moderators closing the same report, one wins; the other gets 409."""
        require_role(request.user, Role.MODERATOR)
        report, hidden = await moderation_service.resolve(request.user, report_id, data)
        if hidden is not None and hidden.changed:
            invalidate(request, *_recipe_tags(hidden.recipe_id))
        return _report(report)


class AdminController(Controller):
    """Admins' operations: roles and the audit log."""

    path = ADMIN_PATH
    tags = ["admin"]
    dependencies = moderation_dependencies
    opt = {REQUIRED_SCOPE_OPT: ACCOUNT}

    @put(
        "/users/{user_id:uuid}/role",
        operation_id="setAccountRole",
        operation_class=ApiOperation,
        responses=problems(
            400,
            401,
            403,
            404,
            409,
            429,
            descriptions={
                **_ROLE_ERRORS,
                404: "The account does not exist.",
                409: "The account is the last admin (type `.../last-admin`).",
            },
        ),
    )
    async def set_account_role(
        self,
        request: Request[User, Grant, Any],
        user_id: FromPath[UUID],
        data: JSONBody[RoleUpdate],
        moderation_service: NamedDependency[ModerationService],
    ) -> AccountModeration:
        """Give an account a role (admins). It takes effect on the account's next request; the last admin cannot be
        demoted."""
        require_role(request.user, Role.ADMIN)
        return _account(await moderation_service.set_role(Actor.of(request.user), user_id, data.role))

    @get(
        "/audit-log",
        operation_id="listAuditLog",
        operation_class=ApiOperation,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 401, 403, descriptions=_ROLE_ERRORS),
    )
    async def list_audit_log(
        self,
        request: Request[User, Grant, Any],
        moderation_service: NamedDependency[ModerationService],
        actor: Annotated[UUID | None, QueryParameter(description="Only the actions of this account.")] = None,
        target: Annotated[UUID | None, QueryParameter(description="Only the actions on this id.")] = None,
        action: Annotated[AuditAction | None, QueryParameter(description="Only this kind of action.")] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Response[AuditPage]:
        """Every moderation action, newest first, by offset or by cursor (admins; never cached)."""
        require_role(request.user, Role.ADMIN)
        scope = CursorScope.of("audit-log", tuple[datetime, UUID], actor, target, action)
        seek = read_cursor(request, scope, cursor, offset)
        found, total = await moderation_service.audit_page(
            actor_id=actor, target_id=target, action=action, limit=limit, offset=offset, seek=seek
        )
        items = [
            AuditEntryRead(
                id=e.id,
                created_at=e.created_at,
                actor_id=e.actor_id,
                actor_label=e.actor_label,
                action=AuditAction(e.action),
                target_type=AuditTarget(e.target_type),
                target_id=e.target_id,
                reason=e.reason,
                before=e.before or {},
                after=e.after or {},
            )
            for e in found.items
        ]
        return keyset_page_response(
            request,
            Slice(items, found.keys, found.more),
            scope=scope,
            seek=seek,
            limit=limit,
            offset=offset,
            total=total,
            page_type=AuditPage,
        )


def _comment_view(found: Any) -> CommentModeration:
    comment = found.comment
    state = ModerationState(comment.hidden_at is not None, comment.hidden_at, comment.hidden_reason)
    return CommentModeration(to_comment_read(found), state)
