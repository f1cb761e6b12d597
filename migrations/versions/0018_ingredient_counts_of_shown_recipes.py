"""ingredient counts of shown recipes: the catalogue counts only recipes the public sees

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 00:10:00.000000

The autocomplete's usage counts (``ingredient.recipe_count`` plus pending ``ingredient_usage`` deltas, 0007) counted
every recipe, drafts, private and hidden ones included: a count the public sees said how many unseen recipes use an
ingredient. The PostgreSQL trigger now counts a recipe's ingredients only while it is shown (``status = 'public'
AND hidden_at IS NULL``, the predicate of ``chopchop.domain.visibility.shown_recipe``), and moves them in or out
when it starts or stops being shown; the counts are recomputed from shown recipes under the same lock as 0007's.
SQLite counts lines at read time (the query joins shown recipes): nothing to migrate there.
"""

from collections.abc import Sequence

from alembic import op

# The SQL below is built from this module's constants only.
# ruff: noqa: S608

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SHOWN_NEW = "(NEW.status = 'public' AND NEW.hidden_at IS NULL)"
_SHOWN_OLD = "(OLD.status = 'public' AND OLD.hidden_at IS NULL)"

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION recipe_ingredient_usage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_ids uuid[] := '{{}}';
  old_ids uuid[] := '{{}}';
BEGIN
  IF TG_OP <> 'DELETE' AND {_SHOWN_NEW} THEN
    new_ids := NEW.ingredient_ids;
  END IF;
  IF TG_OP <> 'INSERT' AND {_SHOWN_OLD} THEN
    old_ids := OLD.ingredient_ids;
  END IF;
  IF new_ids IS DISTINCT FROM old_ids THEN
    INSERT INTO ingredient_usage (ingredient_id, delta)
      SELECT DISTINCT x, 1 FROM unnest(new_ids) x WHERE NOT x = ANY (old_ids)
      UNION ALL
      SELECT DISTINCT x, -1 FROM unnest(old_ids) x WHERE NOT x = ANY (new_ids);
  END IF;
  RETURN NULL;
END $$
"""

# 0007's function and trigger, for the downgrade.
_OLD_FUNCTION = """
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


def _recount(where: str) -> str:
    return f"""
UPDATE ingredient i SET recipe_count = coalesce(c.n, 0)
FROM ingredient i2 LEFT JOIN (
  SELECT x AS ingredient_id, count(*) AS n FROM recipe, unnest(ingredient_ids) AS x {where} GROUP BY x
) c ON c.ingredient_id = i2.id
WHERE i2.id = i.id AND i.recipe_count IS DISTINCT FROM coalesce(c.n, 0)
"""


def _replace(function: str, columns: str, where: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # As in 0007: the counts and the trigger that keeps them change in one transaction, writers waiting.
    op.execute("LOCK TABLE recipe IN SHARE MODE")
    op.execute(function)
    op.execute("DROP TRIGGER IF EXISTS recipe_ingredient_usage ON recipe")
    op.execute(
        f"CREATE TRIGGER recipe_ingredient_usage AFTER INSERT OR DELETE OR UPDATE OF {columns} ON recipe "
        "FOR EACH ROW EXECUTE FUNCTION recipe_ingredient_usage()"
    )
    op.execute("DELETE FROM ingredient_usage")
    op.execute(_recount(where))


def upgrade() -> None:
    _replace(_FUNCTION, "ingredient_ids, status, hidden_at", "WHERE status = 'public' AND hidden_at IS NULL")


def downgrade() -> None:
    _replace(_OLD_FUNCTION, "ingredient_ids", "")
