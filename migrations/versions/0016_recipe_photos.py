"""recipe photos: one row per photo, its objects in the object store

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 22:45:00.000000
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recipe_photo",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("key_prefix", sa.String(length=128), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_cover", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_photo_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipe_photo")),
    )
    op.create_index("ix_recipe_photo_recipe_id_position", "recipe_photo", ["recipe_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_recipe_photo_recipe_id_position", table_name="recipe_photo")
    op.drop_table("recipe_photo")
