"""Recipe photos: one row per uploaded photo; the image bytes live in the object store under ``key_prefix``."""

from __future__ import annotations

import enum
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class PhotoStatus(enum.StrEnum):
    PROCESSING = "processing"  # the original is stored; its variants are being made
    READY = "ready"  # every variant is stored
    FAILED = "failed"  # the variants could not be made (the original stays readable)


class RecipePhoto(UUIDv7AuditBase):
    """A photo of a recipe: where its objects are, its place in the recipe's order, whether it is the cover.

    Objects: ``<key_prefix>/original.<ext>`` (the upload, re-encoded without metadata) and
    ``<key_prefix>/<variant>.webp``. The prefix is random and never reused, so an object never changes.
    Deleted with its recipe (and so with its author); the objects are deleted by an outbox job recorded then.
    """

    __tablename__ = "recipe_photo"
    __table_args__ = (Index("ix_recipe_photo_recipe_id_position", "recipe_id", "position"),)

    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"))
    key_prefix: Mapped[str] = mapped_column(String(128))
    media_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    is_cover: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=PhotoStatus.PROCESSING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
