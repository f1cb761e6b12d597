"""Moderation's hand-written SQL: conditional state changes (one winner under concurrency), the admins' lock, the
open reports queue and the audit log's keyset pages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from chopchop.db import AuditEntry, Recipe, Report, ReportStatus, Role, User, not_suspended
from chopchop.lib.cursors import Seek, keyset_condition
from chopchop.lib.sql import PLAIN, insert_on_conflict


def lock_admins_statement(now: datetime) -> Select[tuple[UUID, bool]]:
    """Every admin's row, locked (in id order), and whether it is not suspended at ``now``: changes of who can
    administer count the admins one after the other, so the last admin is never demoted, suspended or deleted
    (``ix_user_account_role``)."""
    return (
        select(User.id, not_suspended(now).label("active"))
        .where(User.role == Role.ADMIN.value)
        .order_by(User.id)
        .with_for_update()
        .execution_options(**PLAIN)
    )


async def locked_admins(session: AsyncSession, now: datetime) -> frozenset[UUID]:
    """The admins not suspended at ``now`` (those who can act as admins), with every admin's row locked until the
    transaction ends (SQLite, which has no row locks: the database's write lock taken now).

    The admins' lock comes first in every change of who can act as an admin (a role change, a suspension or its
    end, an admin's account deletion), before the rows it changes: the admins it counts cannot change under it,
    the actor's own role and suspension are read again under it, and two such changes never wait on each other in
    opposite orders."""
    if (session.bind or session.get_bind()).dialect.name != "postgresql":
        await session.execute(
            update(User).where(User.role == Role.ADMIN.value).values(role=User.role).execution_options(**PLAIN)
        )
    rows = (await session.execute(lock_admins_statement(now))).all()
    return frozenset(row.id for row in rows if row.active)


def lock_user_statement(user_id: UUID) -> Select[tuple[User]]:
    """The account's row, locked for the rest of the transaction (its role or suspension is checked under it)."""
    return select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True, **PLAIN)


def set_recipe_hidden_statement(
    recipe_id: UUID, *, hidden_at: datetime | None, reason: str | None, now: datetime
) -> ReturningUpdate[tuple[UUID]]:
    """Hide (``hidden_at`` set) or show (None) the recipe, returning its id only if its state changed (of two
    concurrent hides one wins). ``updated_at`` moves: the change feed writes an entry (a hidden recipe is a
    deletion to the feed, shown again an update)."""
    changes = Recipe.hidden_at.is_(None) if hidden_at is not None else Recipe.hidden_at.is_not(None)
    return (
        update(Recipe)
        .where(Recipe.id == recipe_id, changes)
        .values(hidden_at=hidden_at, hidden_reason=reason, updated_at=now)
        .returning(Recipe.id)
        .execution_options(**PLAIN)
    )


def add_report_statement(dialect: str, values: dict[str, object]) -> object:
    """The report, unless its reporter has an open one of the same target (the partial unique index): returns its id
    only if it went in, so a repeated or concurrent report is told apart without an error."""
    open_only = Report.status == ReportStatus.OPEN.value
    return (
        insert_on_conflict(dialect)(Report)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=[Report.reporter_id, Report.target_type, Report.target_id], index_where=open_only
        )
        .returning(Report.id)
    )


def open_report_statement(reporter_id: UUID, target_type: str, target_id: UUID) -> Select[tuple[UUID]]:
    return select(Report.id).where(
        Report.reporter_id == reporter_id,
        Report.target_type == target_type,
        Report.target_id == target_id,
        Report.status == ReportStatus.OPEN.value,
    )


#: The keys of the open reports queue, ascending: oldest first, ties broken by id.
REPORT_KEYS = (Report.created_at, Report.id)


def open_reports_statement(*, limit: int, offset: int, seek: Seek | None = None) -> Select[tuple[Report]]:
    """A page of the open reports, oldest first (a range of ``ix_report_status_created_at_id``; backward: the other
    way, flipped by the caller)."""
    reverse = seek is not None and seek.backward
    conditions: list[ColumnElement[bool]] = [Report.status == ReportStatus.OPEN.value]
    if seek is not None:
        conditions.append(keyset_condition(REPORT_KEYS, seek, descending=False))
    order = [key.desc() if reverse else key.asc() for key in REPORT_KEYS]
    return select(Report).where(*conditions).order_by(*order).limit(limit).offset(offset)


def open_reports_count_statement() -> Select[tuple[int]]:
    return select(func.count()).select_from(Report).where(Report.status == ReportStatus.OPEN.value)


def close_report_statement(
    report_id: UUID, *, status: ReportStatus, by: UUID, at: datetime, note: str | None
) -> ReturningUpdate[tuple[Report]]:
    """Close an open report, returning it only if this statement closed it: of two moderators resolving the same
    report, the second waits for the first's row lock, then finds it closed and matches nothing."""
    return (
        update(Report)
        .where(Report.id == report_id, Report.status == ReportStatus.OPEN.value)
        .values(status=status.value, resolved_by=by, resolved_at=at, resolution_note=note, updated_at=at)
        .returning(Report)
        .execution_options(**PLAIN)
    )


#: The keys of the audit log, descending: newest first, ties broken by id.
AUDIT_KEYS = (AuditEntry.created_at, AuditEntry.id)


def _audit_conditions(actor_id: UUID | None, target_id: UUID | None, action: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if actor_id is not None:
        conditions.append(AuditEntry.actor_id == actor_id)
    if target_id is not None:
        conditions.append(AuditEntry.target_id == target_id)
    if action is not None:
        conditions.append(AuditEntry.action == action)
    return conditions


def audit_page_statement(
    *,
    actor_id: UUID | None,
    target_id: UUID | None,
    action: str | None,
    limit: int,
    offset: int,
    seek: Seek | None = None,
) -> Select[tuple[AuditEntry]]:
    """A page of the audit log, newest first, filtered (each filter a range of its ``(column, created_at, id)``
    index)."""
    reverse = seek is not None and seek.backward
    conditions = _audit_conditions(actor_id, target_id, action)
    if seek is not None:
        conditions.append(keyset_condition(AUDIT_KEYS, seek, descending=True))
    order = [key.asc() if reverse else key.desc() for key in AUDIT_KEYS]
    return select(AuditEntry).where(*conditions).order_by(*order).limit(limit).offset(offset)


def audit_count_statement(*, actor_id: UUID | None, target_id: UUID | None, action: str | None) -> Select[tuple[int]]:
    return select(func.count()).select_from(AuditEntry).where(*_audit_conditions(actor_id, target_id, action))
