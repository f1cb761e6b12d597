"""recipe status: drafts, private and public recipes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 22:50:00.000000

``recipe.status`` (``draft``, ``private``, ``public``; existing rows become ``public`` through the column's default,
which PostgreSQL records without rewriting the table). The change feed shows public recipes only, so its triggers
(0009) now read the status: a recipe enters the feed when it is created public or becomes public (``created`` /
``updated``: an upsert for the consumer), leaves it with a tombstone (``deleted``) when it stops being public or is
deleted while public, and a recipe that is not public changes nothing in the feed (its edits would show what only
its author may see). A recipe that was never public never appears, not even as a tombstone.

The indexes of the public lists (sort orders, ?complexity=) are rebuilt partial (``WHERE status = 'public'``): every
row is public at this point, so they hold what they held; rebuilding six indexes of a million recipes takes a while
(writers wait for this transaction): plan it with the deploy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The SQL below is built from this module's constants only.
# ruff: noqa: S608

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0009, plus the status: publishing or unpublishing is a change of the feed.
_OLD_COLUMNS = (
    "author_id, title, description, complexity, servings, prep_minutes, cook_minutes, total_minutes, steps, "
    "ingredient_ids, tags, updated_at"
)
CONTENT_COLUMNS = _OLD_COLUMNS + ", status"
_NOT_A_COUNT = (
    "NEW.like_count IS NOT DISTINCT FROM OLD.like_count AND NEW.comment_count IS NOT DISTINCT FROM OLD.comment_count"
)
_XID = "pg_current_xact_id()::text::bigint"

_FUNCTION_POSTGRES = f"""
CREATE OR REPLACE FUNCTION recipe_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status = 'public' THEN
      INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
        VALUES ({_XID}, NEW.id, 'created', coalesce(NEW.updated_at, now()));
    END IF;
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.status = 'public' THEN
      DELETE FROM recipe_change WHERE recipe_id = NEW.id;
      INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
        VALUES ({_XID}, NEW.id, 'updated', coalesce(NEW.updated_at, now()));
    ELSIF OLD.status = 'public' THEN
      DELETE FROM recipe_change WHERE recipe_id = NEW.id;
      INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES ({_XID}, NEW.id, 'deleted', now());
    END IF;
  ELSIF OLD.status = 'public' THEN
    DELETE FROM recipe_change WHERE recipe_id = OLD.id;
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES ({_XID}, OLD.id, 'deleted', now());
  END IF;
  RETURN NULL;
END $$
"""

# 0009's function, for the downgrade.
_OLD_FUNCTION_POSTGRES = f"""
CREATE OR REPLACE FUNCTION recipe_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
      VALUES ({_XID}, NEW.id, 'created', coalesce(NEW.updated_at, now()));
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM recipe_change WHERE recipe_id = NEW.id;
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
      VALUES ({_XID}, NEW.id, 'updated', coalesce(NEW.updated_at, now()));
  ELSE
    DELETE FROM recipe_change WHERE recipe_id = OLD.id;
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES ({_XID}, OLD.id, 'deleted', now());
  END IF;
  RETURN NULL;
END $$
"""

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
_SQLITE_TRIGGERS = (
    "recipe_change_created",
    "recipe_change_updated",
    "recipe_change_unpublished",
    "recipe_change_deleted",
)


def _sqlite_triggers(columns: str, *, with_status: bool) -> list[str]:
    public_new = " AND NEW.status = 'public'" if with_status else ""
    public_old = " WHEN OLD.status = 'public'" if with_status else ""
    created_when = " WHEN NEW.status = 'public'" if with_status else ""
    statements = [
        f"""CREATE TRIGGER recipe_change_created AFTER INSERT ON recipe{created_when}
        BEGIN
          INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES (0, NEW.id, 'created', NEW.updated_at);
        END""",
        f"""CREATE TRIGGER recipe_change_updated AFTER UPDATE OF {columns} ON recipe WHEN {_NOT_A_COUNT}{public_new}
        BEGIN
          DELETE FROM recipe_change WHERE recipe_id = NEW.id;
          INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES (0, NEW.id, 'updated', NEW.updated_at);
        END""",
        f"""CREATE TRIGGER recipe_change_deleted AFTER DELETE ON recipe{public_old} BEGIN
          DELETE FROM recipe_change WHERE recipe_id = OLD.id;
          INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES (0, OLD.id, 'deleted', {_SQLITE_NOW});
        END""",
    ]
    if with_status:
        statements.append(
            f"""CREATE TRIGGER recipe_change_unpublished AFTER UPDATE OF status ON recipe
            WHEN OLD.status = 'public' AND NEW.status <> 'public' BEGIN
              DELETE FROM recipe_change WHERE recipe_id = NEW.id;
              INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
                VALUES (0, NEW.id, 'deleted', {_SQLITE_NOW});
            END"""
        )
    return statements


def _replace_triggers(function: str, columns: str, *, with_status: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(function)
        op.execute("DROP TRIGGER IF EXISTS recipe_change_log_update ON recipe")
        op.execute(
            f"CREATE TRIGGER recipe_change_log_update AFTER UPDATE OF {columns} ON recipe "
            f"FOR EACH ROW WHEN ({_NOT_A_COUNT}) EXECUTE FUNCTION recipe_change_log()"
        )
        op.execute("ALTER TABLE recipe ENABLE ALWAYS TRIGGER recipe_change_log_update")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in _sqlite_triggers(columns, with_status=with_status):
            op.execute(statement)


#: The indexes of the public lists (their sort orders and ?complexity=), partial from here on: an index of public
#: recipes only is walked without skipping drafts, and a list's count reads it alone.
LIST_INDEXES = {
    "ix_recipe_created_at_id": ["created_at", "id"],
    "ix_recipe_like_count_id": ["like_count", "id"],
    "ix_recipe_comment_count_id": ["comment_count", "id"],
    "ix_recipe_title_id": ["title", "id"],
    "ix_recipe_total_minutes_id": ["total_minutes", "id"],
    "ix_recipe_complexity_created_at_id": ["complexity", "created_at", "id"],
}
PUBLIC_ONLY = sa.text("status = 'public'")


def _rebuild_list_indexes(*, partial: bool) -> None:
    where = PUBLIC_ONLY if partial else None
    for name, columns in LIST_INDEXES.items():
        op.drop_index(name, table_name="recipe")
        op.create_index(name, "recipe", columns, unique=False, postgresql_where=where, sqlite_where=where)


def upgrade() -> None:
    op.add_column(
        "recipe", sa.Column("status", sa.String(length=10), server_default=sa.text("'public'"), nullable=False)
    )
    _rebuild_list_indexes(partial=True)
    _replace_triggers(_FUNCTION_POSTGRES, CONTENT_COLUMNS, with_status=True)


def downgrade() -> None:
    _replace_triggers(_OLD_FUNCTION_POSTGRES, _OLD_COLUMNS, with_status=False)
    _rebuild_list_indexes(partial=False)
    with op.batch_alter_table("recipe") as batch:
        batch.drop_column("status")
