"""Moderation rules: who may do what, each action and its audit entry in one transaction, reports and their queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import update
from uuid_utils.compat import uuid7

from chopchop.db import AuditEntry, Report, ReportStatus, Role, User
from chopchop.domain.accounts import queries as account_queries
from chopchop.domain.comments import queries as comment_queries
from chopchop.domain.comments.services import CommentService
from chopchop.domain.moderation import queries
from chopchop.domain.moderation.schemas import (
    AuditAction,
    AuditTarget,
    ReportCreate,
    ReportOutcome,
    ReportResolution,
    ReportTarget,
)
from chopchop.domain.recipes import queries as recipe_queries
from chopchop.lib.cursors import Seek, Slice, take
from chopchop.lib.problems import BadRequest, Conflict, Forbidden
from chopchop.lib.sql import PLAIN, Service

#: ``actor_label`` of what the command line does (no account acted).
CLI_ACTOR = "cli"


def _now() -> datetime:
    return datetime.now(UTC)


def require_role(user: User, role: Role) -> None:
    """403 ``insufficient-role`` unless ``user`` (as read from the database for this request) has ``role`` or above."""
    if not user.has_role(role):
        msg = f"This operation needs the `{role.value}` role."
        raise Forbidden(msg, slug="insufficient-role")


class Actor(NamedTuple):
    """Who acts: an account (its id and email, kept in the audit log), or the command line (``id`` None)."""

    id: UUID | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.email)


CLI = Actor(None, CLI_ACTOR)


class HiddenChange(NamedTuple):
    """What hiding or showing changed: the recipe concerned (the cache tags to invalidate) and whether anything
    changed at all (hiding what is hidden already changes nothing and writes no audit entry)."""

    recipe_id: UUID
    changed: bool


class ReportRepository(SQLAlchemyAsyncRepository[Report]):
    model_type = Report


class ModerationService(Service[Report, ReportRepository]):
    """Roles, hidden content, suspensions, reports and the audit log. Every action writes its audit entry in its own
    transaction (the request's): the action and its record commit together or not at all."""

    repository_type = ReportRepository

    async def audit(
        self,
        actor: Actor,
        action: AuditAction,
        target_type: AuditTarget,
        target_id: UUID,
        *,
        reason: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            AuditEntry(
                actor_id=actor.id,
                actor_label=actor.label,
                action=action.value,
                target_type=target_type.value,
                target_id=target_id,
                reason=reason,
                before=before,
                after=after,
            )
        )
        await self.session.flush()

    async def _lock_user(self, user_id: UUID) -> User:
        if self.dialect != "postgresql":  # SQLite has no row locks: take the database's write lock now
            await self.session.execute(
                update(User).where(User.id == user_id).values(role=User.role).execution_options(**PLAIN)
            )
        user = (await self.session.execute(queries.lock_user_statement(user_id))).scalar_one_or_none()
        if user is None:
            msg = "No such account."
            raise NotFoundError(msg)
        return user

    # Roles

    async def set_role(self, actor: Actor, user_id: UUID, role: Role) -> User:
        """Give an account ``role``. The last admin cannot be demoted (409 ``last-admin``): the admins are locked
        first, then counted, so two admins demoting each other at once cannot leave none."""
        admins = await queries.locked_admins(self.session, _now())
        if actor.id is not None and actor.id not in admins:
            # Checked again under the lock: an admin demoted or suspended while this request was on its way acts
            # no more.
            msg = "This operation needs the `admin` role."
            raise Forbidden(msg, slug="insufficient-role")
        user = await self._lock_user(user_id)
        before = user.role
        if before == role.value:
            return user
        if before == Role.ADMIN.value and not admins - {user.id}:
            msg = "This is the last admin who is not suspended: make another account admin first."
            raise Conflict(msg, slug="last-admin")
        user.role = role.value
        await self.session.flush()
        await self.audit(
            actor, AuditAction.ROLE_CHANGED, AuditTarget.USER, user.id, before={"role": before}, after={"role": role}
        )
        return user

    # Hidden recipes and comments

    async def set_recipe_hidden(self, actor: Actor, recipe_id: UUID, *, hidden: bool, reason: str | None) -> bool:
        """Hide (with ``reason``) or show a recipe; False if it already was so. A missing recipe is a 404."""
        now = _now()
        statement = queries.set_recipe_hidden_statement(
            recipe_id, hidden_at=now if hidden else None, reason=reason if hidden else None, now=now
        )
        if (await self.session.execute(statement)).scalar_one_or_none() is None:
            found = await self.session.execute(recipe_queries.recipe_with_author_statement(recipe_id, shown_only=False))
            if found.first() is None:
                msg = "No such recipe."
                raise NotFoundError(msg)
            return False
        action = AuditAction.RECIPE_HIDDEN if hidden else AuditAction.RECIPE_SHOWN
        await self.audit(
            actor,
            action,
            AuditTarget.RECIPE,
            recipe_id,
            reason=reason,
            before={"hidden": not hidden},
            after={"hidden": hidden},
        )
        return True

    async def set_comment_hidden(
        self, actor: Actor, comment_id: UUID, *, hidden: bool, reason: str | None
    ) -> HiddenChange:
        """Hide (with ``reason``) or show a comment, its recipe's comment count moving with it. A missing comment is
        a 404."""
        comments = CommentService(session=self.session)
        recipe_id = await comments.set_hidden(
            comment_id, hidden_at=_now() if hidden else None, reason=reason if hidden else None
        )
        if recipe_id is None:
            found = await comments.get_with_author(comment_id, shown_only=False)
            return HiddenChange(found.comment.recipe_id, changed=False)
        action = AuditAction.COMMENT_HIDDEN if hidden else AuditAction.COMMENT_SHOWN
        await self.audit(
            actor,
            action,
            AuditTarget.COMMENT,
            comment_id,
            reason=reason,
            before={"hidden": not hidden},
            after={"hidden": hidden},
        )
        return HiddenChange(recipe_id, changed=True)

    # Suspensions

    async def suspend(self, actor: User, user_id: UUID, *, reason: str, until: datetime | None) -> User:
        """Suspend an account: it cannot log in, and everything it was issued stops working now (access tokens by
        ``token_version``, logins by ending their refresh token families, personal access tokens deleted, as a
        password change does; the lookups of both also refuse a suspended account). Nobody suspends themselves;
        only admins suspend admins."""
        now = _now()
        if until is not None and until <= now:
            msg = "`until` must be in the future."
            raise BadRequest(msg, slug="invalid-suspension")
        if user_id == actor.id:
            msg = "Nobody can suspend their own account."
            raise Forbidden(msg, slug="cannot-suspend-self")
        # The admins' lock first (see ``queries.locked_admins``): the actor's standing is read under it, so an admin
        # demoted or suspended meanwhile cannot suspend the last admin who acts, and two admins suspending each
        # other at once go one after the other (the second is refused) instead of deadlocking.
        admins = await queries.locked_admins(self.session, now)
        user = await self._lock_user(user_id)
        if user.has_role(Role.ADMIN) and actor.id not in admins:
            msg = "Only an admin can suspend an admin."
            raise Forbidden(msg, slug="insufficient-role")
        before = _suspension(user, now)
        user.suspended_at = now
        user.suspended_until = until
        user.suspension_reason = reason
        user.token_version += 1
        await self.session.flush()
        await self.session.execute(account_queries.end_families_statement(user.id))
        await self.session.execute(account_queries.revoke_access_tokens_statement(user.id))
        await self.audit(
            Actor.of(actor),
            AuditAction.USER_SUSPENDED,
            AuditTarget.USER,
            user.id,
            reason=reason,
            before=before,
            after=_suspension(user, now),
        )
        return user

    async def unsuspend(self, actor: User, user_id: UUID, *, reason: str | None) -> User:
        """Lift a suspension (nothing to do, no audit entry, if there is none). What was revoked stays revoked."""
        await queries.locked_admins(self.session, _now())  # the lock order of every change of who can act
        user = await self._lock_user(user_id)
        if user.suspended_at is None:
            return user
        now = _now()
        before = _suspension(user, now)
        user.suspended_at = None
        user.suspended_until = None
        user.suspension_reason = None
        await self.session.flush()
        await self.audit(
            Actor.of(actor),
            AuditAction.USER_UNSUSPENDED,
            AuditTarget.USER,
            user.id,
            reason=reason,
            before=before,
            after=_suspension(user, now),
        )
        return user

    async def get_account(self, user_id: UUID) -> User:
        user = await self.session.get(User, user_id)
        if user is None:
            msg = "No such account."
            raise NotFoundError(msg)
        return user

    # Reports

    async def report(self, reporter: User, data: ReportCreate) -> tuple[Report, bool]:
        """File a report; returns it and whether it is new. A reporter's open report of the same target is returned
        as it is (one open report per reporter and target). The target must be something the reporter can see."""
        await self._require_target(data.target_type, data.target_id)
        values: dict[str, object] = {
            "id": uuid7(),
            "reporter_id": reporter.id,
            "target_type": data.target_type.value,
            "target_id": data.target_id,
            "reason": data.reason.value,
            "details": data.details,
            "status": ReportStatus.OPEN.value,
            "created_at": _now(),
            "updated_at": _now(),
        }
        added = await self.session.execute(queries.add_report_statement(self.dialect, values))  # type: ignore[call-overload]
        report_id = added.scalar_one_or_none()
        if report_id is None:
            statement = queries.open_report_statement(reporter.id, data.target_type.value, data.target_id)
            report_id = (await self.session.execute(statement)).scalar_one()
            return await self._report(report_id), False
        return await self._report(report_id), True

    async def _report(self, report_id: UUID) -> Report:
        report = await self.session.get(Report, report_id, populate_existing=True)
        if report is None:
            msg = "No such report."
            raise NotFoundError(msg)
        return report

    async def _require_target(self, target_type: ReportTarget, target_id: UUID) -> None:
        if target_type is ReportTarget.RECIPE:
            statement: Any = recipe_queries.recipe_with_author_statement(target_id)
        elif target_type is ReportTarget.COMMENT:
            statement = comment_queries.comment_with_author_statement(target_id)
        else:
            statement = recipe_queries.active_user_statement(target_id)
        if (await self.session.execute(statement)).first() is None:
            msg = f"No such {target_type.value}."
            raise NotFoundError(msg)

    async def open_reports(self, *, limit: int, offset: int, seek: Seek | None) -> tuple[Slice, int]:
        """A page of the open reports, oldest first, and how many are open."""
        total = int((await self.session.execute(queries.open_reports_count_statement())).scalar_one())
        statement = queries.open_reports_statement(limit=limit if seek is None else limit + 1, offset=offset, seek=seek)
        rows, more = take(list((await self.session.execute(statement)).scalars()), limit=limit, seek=seek)
        return Slice(rows, [(r.created_at, r.id) for r in rows], more), total

    async def resolve(self, actor: User, report_id: UUID, data: ReportResolution) -> tuple[Report, HiddenChange | None]:
        """Close an open report (one of two concurrent resolutions wins; the other is a 409 ``report-closed``),
        hiding its recipe or comment if asked, in the same transaction. Returns the report and what was hidden."""
        status = ReportStatus.RESOLVED if data.outcome is ReportOutcome.RESOLVED else ReportStatus.DISMISSED
        now = _now()
        statement = queries.close_report_statement(report_id, status=status, by=actor.id, at=now, note=data.note)
        closed = (await self.session.execute(statement)).scalar_one_or_none()
        if closed is None:
            await self._report(report_id)  # 404 if there is no such report
            msg = "This report is closed already."
            raise Conflict(msg, slug="report-closed")
        who = Actor.of(actor)
        action = AuditAction.REPORT_RESOLVED if status is ReportStatus.RESOLVED else AuditAction.REPORT_DISMISSED
        await self.audit(
            who,
            action,
            AuditTarget.REPORT,
            closed.id,
            reason=data.note,
            before={"status": ReportStatus.OPEN.value},
            after={"status": status.value, "target_type": closed.target_type, "target_id": str(closed.target_id)},
        )
        hidden: HiddenChange | None = None
        if data.hide:
            reason = data.note or f"Reported: {closed.reason}"
            if closed.target_type == ReportTarget.RECIPE.value:
                changed = await self.set_recipe_hidden(who, closed.target_id, hidden=True, reason=reason)
                hidden = HiddenChange(closed.target_id, changed)
            elif closed.target_type == ReportTarget.COMMENT.value:
                hidden = await self.set_comment_hidden(who, closed.target_id, hidden=True, reason=reason)
            else:
                msg = "An account cannot be hidden: suspend it instead."
                raise BadRequest(msg, slug="cannot-hide-account")
        return closed, hidden

    # The audit log

    async def audit_page(
        self,
        *,
        actor_id: UUID | None,
        target_id: UUID | None,
        action: AuditAction | None,
        limit: int,
        offset: int,
        seek: Seek | None,
    ) -> tuple[Slice, int]:
        """A page of the audit log, newest first, and how many entries match the filters."""
        action_value = None if action is None else action.value
        count = queries.audit_count_statement(actor_id=actor_id, target_id=target_id, action=action_value)
        total = int((await self.session.execute(count)).scalar_one())
        statement = queries.audit_page_statement(
            actor_id=actor_id,
            target_id=target_id,
            action=action_value,
            limit=limit if seek is None else limit + 1,
            offset=offset,
            seek=seek,
        )
        rows, more = take(list((await self.session.execute(statement)).scalars()), limit=limit, seek=seek)
        return Slice(rows, [(e.created_at, e.id) for e in rows], more), total


def _suspension(user: User, now: datetime) -> dict[str, Any]:
    return {
        "suspended": user.is_suspended(now),
        "until": None if user.suspended_until is None else user.suspended_until.isoformat(),
    }


__all__ = ["CLI", "Actor", "HiddenChange", "ModerationService", "require_role"]
