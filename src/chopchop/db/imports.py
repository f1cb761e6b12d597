"""Recipe imports: a user's request to import the recipe of a web page, and how its job went."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class RecipeImportStatus(enum.StrEnum):
    QUEUED = "queued"  # recorded; its job has not started (or waits for a retry after a transient failure)
    RUNNING = "running"  # a worker is fetching and reading the page
    DONE = "done"  # the recipe was created (``recipe_id``)
    FAILED = "failed"  # for good: ``reason_type`` and ``reason_detail`` say why


class RecipeImport(UUIDv7AuditBase):
    """One import: the page's URL, its state, the recipe it made or why it failed. Recorded in the request's
    transaction with its outbox row (``import_recipe``), so a queue that is down loses nothing. Deleted with its
    user; outlives the recipe it made (``recipe_id`` becomes null)."""

    __tablename__ = "recipe_import"
    __table_args__ = (Index("ix_recipe_import_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16), default=RecipeImportStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason_type: Mapped[str | None] = mapped_column(String(64), default=None)
    reason_detail: Mapped[str | None] = mapped_column(Text, default=None)
    recipe_id: Mapped[UUID | None] = mapped_column(ForeignKey("recipe.id", ondelete="SET NULL"), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
