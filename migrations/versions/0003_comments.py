"""comments: the comment table, and the indexes of the comment list and of the user directory

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 05:45:00.000000

The B-tree indexes match the models (``chopchop.db.social``). On PostgreSQL the migration also creates the
indexes listed in ``chopchop.db.social.POSTGRES_ONLY_INDEXES``: a trigram GIN index over
``lower(user_account.display_name)`` for ``GET /users?q=``. SQLite (the embedded mode) has no pg_trgm.
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("author_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_comment_author_id_user_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_comment_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    # GET /recipes/{id}/comments: WHERE recipe_id = ? ORDER BY created_at, id (and its count, index only).
    op.create_index("ix_comment_recipe_id_created_at_id", "comment", ["recipe_id", "created_at", "id"], unique=False)
    # The profile's comment count and the cascade when an account is deleted.
    op.create_index("ix_comment_author_id", "comment", ["author_id"], unique=False)
    # GET /users: WHERE is_active ORDER BY lower(display_name), id (partial: inactive accounts are never listed).
    op.create_index(
        "ix_user_account_active_name_id",
        "user_account",
        [sa.text("lower(display_name)"), "id"],
        unique=False,
        postgresql_where=sa.text("is_active"),
        sqlite_where=sa.text("is_active"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # GET /users?q=: lower(display_name) LIKE '%text%' (a B-tree cannot serve a leading wildcard).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_user_account_display_name_trgm ON user_account "
            "USING gin (lower(display_name) gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_user_account_display_name_trgm")
    op.drop_index("ix_user_account_active_name_id", table_name="user_account")
    op.drop_index("ix_comment_author_id", table_name="comment")
    op.drop_index("ix_comment_recipe_id_created_at_id", table_name="comment")
    op.drop_table("comment")
