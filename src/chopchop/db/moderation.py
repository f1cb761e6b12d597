"""The moderation aggregate: users' reports of content, and the audit log of every moderation action."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime:
    return datetime.now(UTC)


class ReportStatus(enum.StrEnum):
    """Where a report stands: open until a moderator resolves it (acted on) or dismisses it (nothing to do)."""

    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class Report(UUIDv7AuditBase):
    """A user's report of a recipe, a comment or an account. At most one open report per reporter and target (the
    partial unique index); a closed one may be followed by a new one."""

    __tablename__ = "report"
    __table_args__ = (
        Index(
            "ux_report_open_reporter_target",
            "reporter_id",
            "target_type",
            "target_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        # The moderators' queue: open reports, oldest first (ties broken by id).
        Index("ix_report_status_created_at_id", "status", "created_at", "id"),
        Index("ix_report_reporter_id", "reporter_id"),
    )

    reporter_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # One of ``schemas.ReportTarget``: recipe, comment, user. No foreign key: the target may be deleted, the report
    # stays (for the audit), and one column cannot point into three tables.
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[UUID] = mapped_column(GUID(length=16))
    # One of ``schemas.ReportReason``.
    reason: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.OPEN.value)
    resolved_by: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    resolution_note: Mapped[str | None] = mapped_column(String(2000), default=None)


class AuditEntry(UUIDv7AuditBase):
    """One moderation action, written in the transaction of the action itself: who did what to what, why, and
    what changed. Never updated; ``actor_id`` is NULL for the command line (``actor_label`` says who) and after the
    actor's account was deleted (the label keeps their email)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        # Newest first, and each filter's range of it (keyset on (created_at, id)).
        Index("ix_audit_log_created_at_id", "created_at", "id"),
        Index("ix_audit_log_actor_id_created_at_id", "actor_id", "created_at", "id"),
        Index("ix_audit_log_target_id_created_at_id", "target_id", "created_at", "id"),
        Index("ix_audit_log_action_created_at_id", "action", "created_at", "id"),
    )

    actor_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), default=None)
    actor_label: Mapped[str] = mapped_column(String(320))
    # One of ``schemas.AuditAction``.
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[UUID] = mapped_column(GUID(length=16))
    reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


__all__ = ["AuditEntry", "Report", "ReportStatus"]
