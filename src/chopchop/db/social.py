"""The social aggregate: comments on recipes, and the indexes behind the public user directory."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from chopchop.db.users import User

# Indexes that migration 0003 creates on PostgreSQL only (the same migrations run on SQLite in embedded mode,
# which has neither GIN nor pg_trgm). They are not part of the model metadata: a schema comparison between
# the models and a migrated PostgreSQL database must ignore them.
USER_NAME_TRIGRAM_INDEX = "ix_user_account_display_name_trgm"
POSTGRES_ONLY_INDEXES: set[str] = {USER_NAME_TRIGRAM_INDEX}


class Comment(UUIDv7AuditBase):
    """What a user wrote under a recipe. Deleted with its recipe or its author."""

    __tablename__ = "comment"
    __table_args__ = (
        # A recipe's comments, oldest first, ties broken by id: the list is an index range scan in order,
        # and the recipe's cascade delete finds its comments through the same index.
        Index("ix_comment_recipe_id_created_at_id", "recipe_id", "created_at", "id"),
        # Comments written by a user: the profile's count and the cascade when an account is deleted.
        Index("ix_comment_author_id", "author_id"),
    )

    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"))
    author_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    # Hidden by a moderator (see ``domain/visibility.py``): not shown, not counted in ``recipe.comment_count``.
    hidden_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    hidden_reason: Mapped[str | None] = mapped_column(String(1000), default=None)


# The public user directory lists active users by name, case-insensitively, ties broken by id: a partial
# index (active users only) on exactly that order serves the page without a sort.
Index(
    "ix_user_account_active_name_id",
    func.lower(User.display_name),
    User.id,
    postgresql_where=User.is_active,
    sqlite_where=User.is_active,
)
