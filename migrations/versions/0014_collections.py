"""collections: users' named, ordered lists of recipes (public or private)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 22:45:00.000000
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collection",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("owner_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_collection_owner_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection")),
    )
    op.create_index("ix_collection_owner_id_created_at_id", "collection", ["owner_id", "created_at", "id"])
    op.create_table(
        "collection_recipe",
        sa.Column("collection_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("added_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collection.id"],
            name=op.f("fk_collection_recipe_collection_id_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_collection_recipe_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("collection_id", "recipe_id", name=op.f("pk_collection_recipe")),
    )
    op.create_index(
        "ix_collection_recipe_collection_id_position_recipe_id",
        "collection_recipe",
        ["collection_id", "position", "recipe_id"],
    )
    op.create_index("ix_collection_recipe_recipe_id", "collection_recipe", ["recipe_id"])


def downgrade() -> None:
    op.drop_index("ix_collection_recipe_recipe_id", table_name="collection_recipe")
    op.drop_index("ix_collection_recipe_collection_id_position_recipe_id", table_name="collection_recipe")
    op.drop_table("collection_recipe")
    op.drop_index("ix_collection_owner_id_created_at_id", table_name="collection")
    op.drop_table("collection")
