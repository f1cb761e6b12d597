"""recipes: recipes, ingredient catalogue, ingredient lines, tags, likes, and their query indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 05:30:00.000000

The B-tree indexes match the models (``chopchop.db.recipes``). On PostgreSQL the migration also creates the
indexes listed in ``chopchop.db.recipes.POSTGRES_ONLY_INDEXES``: a GIN full-text index over
``recipe.search_text`` and a trigram index over ``ingredient.name``. SQLite (the embedded mode) has neither.
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingredient",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingredient")),
        sa.UniqueConstraint("name", name=op.f("uq_ingredient_name")),
    )
    op.create_table(
        "recipe",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("author_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("complexity", sa.String(length=10), nullable=False),
        sa.Column("servings", sa.Integer(), nullable=False),
        sa.Column("prep_minutes", sa.Integer(), nullable=False),
        sa.Column("cook_minutes", sa.Integer(), nullable=False),
        sa.Column("total_minutes", sa.Integer(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("like_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("comment_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_recipe_author_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipe")),
    )
    op.create_index("ix_recipe_author_id_created_at_id", "recipe", ["author_id", "created_at", "id"], unique=False)
    op.create_index("ix_recipe_comment_count_id", "recipe", ["comment_count", "id"], unique=False)
    op.create_index("ix_recipe_complexity_created_at_id", "recipe", ["complexity", "created_at", "id"], unique=False)
    op.create_index("ix_recipe_created_at_id", "recipe", ["created_at", "id"], unique=False)
    op.create_index("ix_recipe_like_count_id", "recipe", ["like_count", "id"], unique=False)
    op.create_index("ix_recipe_title_id", "recipe", ["title", "id"], unique=False)
    op.create_index("ix_recipe_total_minutes_id", "recipe", ["total_minutes", "id"], unique=False)
    op.create_table(
        "recipe_ingredient",
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ingredient_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["ingredient_id"],
            ["ingredient.id"],
            name=op.f("fk_recipe_ingredient_ingredient_id_ingredient"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_ingredient_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("recipe_id", "position", name=op.f("pk_recipe_ingredient")),
    )
    op.create_index(
        "ix_recipe_ingredient_ingredient_id_recipe_id",
        "recipe_ingredient",
        ["ingredient_id", "recipe_id"],
        unique=False,
    )
    op.create_table(
        "recipe_like",
        sa.Column("user_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_like_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_recipe_like_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "recipe_id", name=op.f("pk_recipe_like")),
    )
    op.create_index("ix_recipe_like_recipe_id", "recipe_like", ["recipe_id"], unique=False)
    op.create_index(
        "ix_recipe_like_user_id_created_at_recipe_id",
        "recipe_like",
        ["user_id", "created_at", "recipe_id"],
        unique=False,
    )
    op.create_table(
        "recipe_tag",
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_tag_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("recipe_id", "tag", name=op.f("pk_recipe_tag")),
    )
    op.create_index("ix_recipe_tag_tag_recipe_id", "recipe_tag", ["tag", "recipe_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # ?q= full-text search: the expression must match the services' to_tsvector('english', search_text).
        op.execute("CREATE INDEX ix_recipe_search_fts ON recipe USING gin (to_tsvector('english', search_text))")
        # Ingredient autocomplete (prefix LIKE) and ILIKE lookups whatever the database collation.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_ingredient_name_trgm ON ingredient USING gin (name gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_ingredient_name_trgm")
        op.execute("DROP INDEX IF EXISTS ix_recipe_search_fts")
    op.drop_index("ix_recipe_tag_tag_recipe_id", table_name="recipe_tag")
    op.drop_table("recipe_tag")
    op.drop_index("ix_recipe_like_user_id_created_at_recipe_id", table_name="recipe_like")
    op.drop_index("ix_recipe_like_recipe_id", table_name="recipe_like")
    op.drop_table("recipe_like")
    op.drop_index("ix_recipe_ingredient_ingredient_id_recipe_id", table_name="recipe_ingredient")
    op.drop_table("recipe_ingredient")
    op.drop_index("ix_recipe_total_minutes_id", table_name="recipe")
    op.drop_index("ix_recipe_title_id", table_name="recipe")
    op.drop_index("ix_recipe_like_count_id", table_name="recipe")
    op.drop_index("ix_recipe_created_at_id", table_name="recipe")
    op.drop_index("ix_recipe_complexity_created_at_id", table_name="recipe")
    op.drop_index("ix_recipe_comment_count_id", table_name="recipe")
    op.drop_index("ix_recipe_author_id_created_at_id", table_name="recipe")
    op.drop_table("recipe")
    op.drop_table("ingredient")
