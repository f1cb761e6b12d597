"""recipe filter arrays: ingredient ids and tags on the recipe row, ingredient usage counts without hot rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:15:00.000000

``recipe.ingredient_ids`` (the distinct catalogue ids of its lines) and ``recipe.tags`` (its tags), both sorted and
written by the service in the same statement as the recipe. PostgreSQL: arrays with GIN indexes
(``ix_recipe_ingredient_ids``, ``ix_recipe_tags``), so ``?ingredients_all=``/``?ingredients_any=``/
``?exclude_ingredients=``/``?tag=`` are containment tests (``@>``, ``&&``) instead of joins over ten million lines.
SQLite: JSON lists, filters there still join the lines.

``ingredient.recipe_count`` plus the insert-only ``ingredient_usage`` deltas (PostgreSQL trigger
``recipe_ingredient_usage`` on recipe writes, cascades included) give the autocomplete's usage counts without a
``count(DISTINCT)`` per entry and without every recipe with salt queuing on the salt row.

Online at a million recipes: the new columns have constant defaults (no rewrite); existing rows are filled in
batches of 5,000 ids, each committed on its own (row locks only, about 4 minutes); the indexes are built
``CONCURRENTLY``. Interrupted, it can be run again: every step checks what is already there. Run it before starting the new version: recipes written by the old version during the backfill
would keep empty arrays (``chopchop.domain.recipes.services.ARRAY_DRIFT`` finds them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

_FILL_POSTGRES = """
UPDATE recipe r SET
  ingredient_ids = coalesce(
    (SELECT array_agg(DISTINCT ingredient_id ORDER BY ingredient_id) FROM recipe_ingredient WHERE recipe_id = r.id),
    '{}'),
  tags = coalesce((SELECT array_agg(tag ORDER BY tag COLLATE "C") FROM recipe_tag WHERE recipe_id = r.id), '{}')
WHERE {where}
"""

_FIRST_UPPER = "SELECT id FROM recipe ORDER BY id OFFSET :skip LIMIT 1"
_NEXT_UPPER = "SELECT id FROM recipe WHERE id > :after ORDER BY id OFFSET :skip LIMIT 1"
_RANGES = {
    (False, False): "true",
    (False, True): "r.id <= :upper",
    (True, False): "r.id > :after",
    (True, True): "r.id > :after AND r.id <= :upper",
}

_FILL_SQLITE = """
UPDATE recipe SET
  ingredient_ids = coalesce((SELECT json_group_array(x) FROM (
    SELECT DISTINCT lower(substr(hex(ingredient_id), 1, 8) || '-' || substr(hex(ingredient_id), 9, 4) || '-' ||
      substr(hex(ingredient_id), 13, 4) || '-' || substr(hex(ingredient_id), 17, 4) || '-' ||
      substr(hex(ingredient_id), 21)) AS x
    FROM recipe_ingredient WHERE recipe_id = recipe.id ORDER BY x)), '[]'),
  tags = coalesce((SELECT json_group_array(tag) FROM (
    SELECT tag FROM recipe_tag WHERE recipe_id = recipe.id ORDER BY tag)), '[]')
"""

RECOUNT = """
UPDATE ingredient i SET recipe_count = coalesce(c.n, 0)
FROM ingredient i2 LEFT JOIN (
  SELECT x AS ingredient_id, count(*) AS n FROM recipe, unnest(ingredient_ids) AS x GROUP BY x
) c ON c.ingredient_id = i2.id
WHERE i2.id = i.id AND i.recipe_count IS DISTINCT FROM coalesce(c.n, 0)
"""

_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION recipe_ingredient_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ingredient_usage (ingredient_id, delta) SELECT DISTINCT x, 1 FROM unnest(NEW.ingredient_ids) x;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO ingredient_usage (ingredient_id, delta) SELECT DISTINCT x, -1 FROM unnest(OLD.ingredient_ids) x;
  ELSIF NEW.ingredient_ids IS DISTINCT FROM OLD.ingredient_ids THEN
    INSERT INTO ingredient_usage (ingredient_id, delta)
      SELECT DISTINCT x, 1 FROM unnest(NEW.ingredient_ids) x WHERE NOT x = ANY (OLD.ingredient_ids)
      UNION ALL
      SELECT DISTINCT x, -1 FROM unnest(OLD.ingredient_ids) x WHERE NOT x = ANY (NEW.ingredient_ids);
  END IF;
  RETURN NULL;
END $$
"""


def _usage_table(id_type: sa.types.TypeEngine[int]) -> None:
    op.create_table(
        "ingredient_usage",
        sa.Column("id", id_type, sa.Identity(), nullable=False),
        sa.Column("ingredient_id", sa.Uuid(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingredient_usage")),
    )
    op.create_index("ix_ingredient_usage_ingredient_id", "ingredient_usage", ["ingredient_id"], unique=False)


_SCHEMA_POSTGRES = [
    # Every step may already have been done by an interrupted run (the batches below commit as they go): a run
    # after a failure picks up where it stopped.
    "ALTER TABLE ingredient ADD COLUMN IF NOT EXISTS recipe_count integer NOT NULL DEFAULT 0",
    "ALTER TABLE recipe ADD COLUMN IF NOT EXISTS ingredient_ids uuid[] NOT NULL DEFAULT '{}'::uuid[]",
    "ALTER TABLE recipe ADD COLUMN IF NOT EXISTS tags varchar(40)[] NOT NULL DEFAULT '{}'::varchar[]",
    """CREATE TABLE IF NOT EXISTS ingredient_usage (
      id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
      ingredient_id uuid NOT NULL,
      delta integer NOT NULL,
      CONSTRAINT pk_ingredient_usage PRIMARY KEY (id)
    )""",
    "CREATE INDEX IF NOT EXISTS ix_ingredient_usage_ingredient_id ON ingredient_usage (ingredient_id)",
    _TRIGGER_FUNCTION,
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.add_column(
            "ingredient", sa.Column("recipe_count", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        op.add_column("recipe", sa.Column("ingredient_ids", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        op.add_column("recipe", sa.Column("tags", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        _usage_table(sa.Integer())
        op.execute(_FILL_SQLITE)
        return
    for statement in _SCHEMA_POSTGRES:
        op.execute(statement)
    with op.get_context().autocommit_block():
        # Each batch commits on its own: row locks on 5,000 recipes at a time, never the whole table.
        after = None
        while True:
            # The last id of the next batch (None: what is left is the last batch).
            upper = bind.execute(
                sa.text(_NEXT_UPPER if after is not None else _FIRST_UPPER), {"after": after, "skip": BATCH - 1}
            ).scalar_one_or_none()
            bind.execute(
                sa.text(_FILL_POSTGRES.replace("{where}", _RANGES[(after is not None, upper is not None)])),
                {"after": after, "upper": upper},
            )
            if upper is None:
                break
            after = upper
    # Counts from the filled arrays and the trigger that keeps them, in one transaction (writers wait a few seconds
    # at a million recipes): no write is counted twice or missed.
    op.execute("LOCK TABLE recipe IN SHARE MODE")
    op.execute("DELETE FROM ingredient_usage")
    op.execute(RECOUNT)
    op.execute("DROP TRIGGER IF EXISTS recipe_ingredient_usage ON recipe")
    op.execute(
        "CREATE TRIGGER recipe_ingredient_usage AFTER INSERT OR DELETE OR UPDATE OF ingredient_ids ON recipe "
        "FOR EACH ROW EXECUTE FUNCTION recipe_ingredient_usage()"
    )
    with op.get_context().autocommit_block():
        for name, column in (("ix_recipe_ingredient_ids", "ingredient_ids"), ("ix_recipe_tags", "tags")):
            # A build that was interrupted leaves an invalid index behind: build it again.
            valid = bind.execute(
                sa.text("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"), {"name": name}
            ).scalar_one_or_none()
            if valid is False:
                bind.execute(sa.text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
            bind.execute(sa.text(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON recipe USING gin ({column})"))
        # Frequent ingredients and tags are common: their frequencies choose between a GIN lookup and a walk of a
        # sort index.
        bind.execute(sa.text("ALTER TABLE recipe ALTER COLUMN ingredient_ids SET STATISTICS 1000"))
        bind.execute(sa.text("ALTER TABLE recipe ALTER COLUMN tags SET STATISTICS 1000"))
        bind.execute(sa.text("ANALYZE recipe"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS recipe_ingredient_usage ON recipe")
        op.execute("DROP FUNCTION IF EXISTS recipe_ingredient_usage()")
        op.execute("DROP INDEX IF EXISTS ix_recipe_ingredient_ids")
        op.execute("DROP INDEX IF EXISTS ix_recipe_tags")
    op.drop_index("ix_ingredient_usage_ingredient_id", table_name="ingredient_usage")
    op.drop_table("ingredient_usage")
    with op.batch_alter_table("recipe") as batch:
        batch.drop_column("tags")
        batch.drop_column("ingredient_ids")
    with op.batch_alter_table("ingredient") as batch:
        batch.drop_column("recipe_count")
