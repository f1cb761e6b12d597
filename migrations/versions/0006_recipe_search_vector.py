"""recipe search vector: ?q= matches a stored tsvector instead of computing one per row

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:30:00.000000

PostgreSQL: ``recipe.search_vector`` holds ``to_tsvector('english', search_text)``, kept by a ``BEFORE INSERT OR
UPDATE OF search_text`` trigger that also fires in replica mode (the seed's COPY runs with
``session_replication_role = replica``). Existing rows are filled in one ``UPDATE`` (about 5 minutes and a full
rewrite of the table at a million recipes: plan it), then the GIN index ``ix_recipe_search_vector`` replaces the
expression index ``ix_recipe_search_fts``. At a million recipes, a search for a common word went from 15 s (the
expression recomputed for every row the planner walked in date order) to under a millisecond
(bench/results/20261130-issue12-research-1m.md). SQLite: a plain nullable text column, unused.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE FUNCTION recipe_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := to_tsvector('english', NEW.search_text);
  RETURN NEW;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.add_column("recipe", sa.Column("search_vector", sa.Text(), nullable=True))
        return
    op.add_column("recipe", sa.Column("search_vector", postgresql.TSVECTOR(), nullable=True))
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER recipe_search_vector BEFORE INSERT OR UPDATE OF search_text ON recipe "
        "FOR EACH ROW EXECUTE FUNCTION recipe_search_vector()"
    )
    op.execute("ALTER TABLE recipe ENABLE ALWAYS TRIGGER recipe_search_vector")
    op.execute("UPDATE recipe SET search_vector = to_tsvector('english', search_text)")
    # Common words are common: the planner needs their frequencies to choose between the GIN index and a sort index.
    op.execute("ALTER TABLE recipe ALTER COLUMN search_vector SET STATISTICS 1000")
    op.execute("CREATE INDEX ix_recipe_search_vector ON recipe USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_recipe_search_fts")
    op.execute("ANALYZE recipe")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.drop_column("recipe", "search_vector")
        return
    op.execute("CREATE INDEX ix_recipe_search_fts ON recipe USING gin (to_tsvector('english', search_text))")
    op.execute("DROP INDEX IF EXISTS ix_recipe_search_vector")
    op.execute("DROP TRIGGER IF EXISTS recipe_search_vector ON recipe")
    op.execute("DROP FUNCTION IF EXISTS recipe_search_vector()")
    op.drop_column("recipe", "search_vector")
