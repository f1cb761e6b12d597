"""recipe ratings: 1 to 5 stars per user and recipe, exact counters on the recipe, the rating sort's index

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 22:40:00.000000

``recipe_rating`` holds one row per user and rated recipe. ``recipe.rating_count``, ``rating_sum`` and
``rating_score`` (the rating sort's key: the Bayesian average in millionths of a star, see ``chopchop.db.recipes``)
are moved by the ``recipe_rating_count`` triggers in the statement that inserts, re-rates or deletes a rating, from
its old and new stars: whatever wrote the rating (the service, the ON DELETE CASCADE of an account's deletion), and
however many writers race, the counters equal the aggregate of the rows. The triggers set no content column of the
recipe (not even ``updated_at``), so the change feed's trigger (0009, ``UPDATE OF`` its content columns) does not
fire: a rating is not a change of the recipe.

On PostgreSQL the triggers are ``ENABLE ALWAYS`` (they also fire under ``session_replication_role = replica``, as the
change feed's do). Existing recipes get the counters of nobody's ratings (the columns' defaults); the index on
``(rating_score, id)`` is built over every recipe (plan it with the deploy on a big table).
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

# The SQL below is built from this module's constants only.
# ruff: noqa: S608

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values of chopchop.db.recipes at the time of this migration (a migration never imports the models).
PRIOR_MEAN = 3
PRIOR_COUNT = 5
SCALE = 1_000_000
UNRATED_SCORE = PRIOR_MEAN * SCALE


def _moves(count: str, stars: str) -> str:
    """The SET list that adds ``count`` ratings (1, -1 or 0) with ``stars`` more stars to a recipe: every
    expression reads the row as it was before this UPDATE, so the score follows the new count and sum."""
    new_count = f"(rating_count + {count})"
    new_sum = f"(rating_sum + {stars})"
    return (
        f"rating_count = {new_count}, rating_sum = {new_sum}, "
        f"rating_score = (CAST({new_sum} + {PRIOR_MEAN * PRIOR_COUNT} AS BIGINT) * {SCALE}) "
        f"/ ({new_count} + {PRIOR_COUNT})"
    )


_FUNCTION_POSTGRES = f"""
CREATE OR REPLACE FUNCTION recipe_rating_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE recipe SET {_moves("1", "NEW.stars")} WHERE id = NEW.recipe_id;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE recipe SET {_moves("0", "NEW.stars - OLD.stars")} WHERE id = NEW.recipe_id;
  ELSE
    UPDATE recipe SET {_moves("-1", "-OLD.stars")} WHERE id = OLD.recipe_id;
  END IF;
  RETURN NULL;
END $$
"""

_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER recipe_rating_added AFTER INSERT ON recipe_rating BEGIN
      UPDATE recipe SET {_moves("1", "NEW.stars")} WHERE id = NEW.recipe_id;
    END""",
    f"""CREATE TRIGGER recipe_rating_changed AFTER UPDATE OF stars ON recipe_rating
      WHEN NEW.stars <> OLD.stars BEGIN
      UPDATE recipe SET {_moves("0", "NEW.stars - OLD.stars")} WHERE id = NEW.recipe_id;
    END""",
    f"""CREATE TRIGGER recipe_rating_removed AFTER DELETE ON recipe_rating BEGIN
      UPDATE recipe SET {_moves("-1", "-OLD.stars")} WHERE id = OLD.recipe_id;
    END""",
]
_SQLITE_TRIGGER_NAMES = ("recipe_rating_added", "recipe_rating_changed", "recipe_rating_removed")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("recipe", sa.Column("rating_count", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column("recipe", sa.Column("rating_sum", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column(
        "recipe",
        sa.Column("rating_score", sa.BigInteger(), server_default=sa.text(str(UNRATED_SCORE)), nullable=False),
    )
    # Partial like the other list indexes (0012): the recipes the public sees.
    shown = sa.text("status = 'public' AND hidden_at IS NULL")
    op.create_index(
        "ix_recipe_rating_score_id", "recipe", ["rating_score", "id"], postgresql_where=shown, sqlite_where=shown
    )
    op.create_table(
        "recipe_rating",
        sa.Column("user_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_recipe_rating_stars_range")),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_rating_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_recipe_rating_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "recipe_id", name=op.f("pk_recipe_rating")),
    )
    op.create_index("ix_recipe_rating_recipe_id", "recipe_rating", ["recipe_id"], unique=False)
    if postgres:
        op.execute(_FUNCTION_POSTGRES)
        op.execute(
            "CREATE TRIGGER recipe_rating_count AFTER INSERT OR DELETE ON recipe_rating "
            "FOR EACH ROW EXECUTE FUNCTION recipe_rating_count()"
        )
        op.execute(
            "CREATE TRIGGER recipe_rating_count_update AFTER UPDATE OF stars ON recipe_rating "
            "FOR EACH ROW WHEN (NEW.stars <> OLD.stars) EXECUTE FUNCTION recipe_rating_count()"
        )
        for name in ("recipe_rating_count", "recipe_rating_count_update"):
            op.execute(f"ALTER TABLE recipe_rating ENABLE ALWAYS TRIGGER {name}")
    else:
        for statement in _TRIGGERS_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS recipe_rating_count ON recipe_rating")
        op.execute("DROP TRIGGER IF EXISTS recipe_rating_count_update ON recipe_rating")
        op.execute("DROP FUNCTION IF EXISTS recipe_rating_count()")
    else:
        for name in _SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_recipe_rating_recipe_id", table_name="recipe_rating")
    op.drop_table("recipe_rating")
    op.drop_index("ix_recipe_rating_score_id", table_name="recipe")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy of ``recipe`` would lose the change feed's triggers.
    for column in ("rating_score", "rating_sum", "rating_count"):
        op.drop_column("recipe", column)
