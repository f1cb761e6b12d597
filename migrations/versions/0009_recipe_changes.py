"""recipe changes: the change feed of sync clients (GET /api/v1/recipes/changes)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 19:10:00.000000

``recipe_change`` holds the latest change of every recipe (created, updated) and the tombstones of deleted ones,
written by the ``recipe_change_log`` triggers in the transaction of the write, whatever made it: the service, the
cascade of an account's deletion, the seed's COPY (PostgreSQL: ``ENABLE ALWAYS``, so it also fires under
``session_replication_role = replica``). A write replaces the recipe's earlier entry. Like and comment counters are
not changes (the update trigger's ``WHEN`` skips an UPDATE that moves one).

PostgreSQL records the writer's transaction id (``pg_current_xact_id()``) with each entry: the feed orders by
``(xid, seq)`` and shows only what transactions older than its snapshot's ``xmin`` wrote (docs/architecture.md,
"The change feed"). SQLite writes 0 (one writer at a time: numbers are given in commit order) and numbers rows with
``AUTOINCREMENT`` (a replaced last entry must never get its number back).

``recipe_change_horizon`` (one row, once something was pruned) records the position of the newest pruned tombstone
(410 for older cursors).

Existing recipes are entered as created, in the same transaction as the trigger (which holds writers back until the
commit): none is missed or entered twice. Writers wait for it: inserting a million entries took 10.6 s on the
shared 2-core test machine (indexes included), plus the read of the recipes in date order; plan it with the deploy.
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

# The SQL below is built from this module's constants only.
# ruff: noqa: S608

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns whose change is a change of the recipe. Its counters are not: they move with every like and comment, in
# UPDATEs of their own that set nothing else but ``updated_at`` (the audit base's ``onupdate``): an UPDATE that moves
# a counter is not a change (``_NOT_A_COUNT``), every other UPDATE of these columns is, ``updated_at`` included (a
# PATCH of ingredient quantities changes only the lines and the recipe's ``updated_at``).
CONTENT_COLUMNS = (
    "author_id, title, description, complexity, servings, prep_minutes, cook_minutes, total_minutes, steps, "
    "ingredient_ids, tags, updated_at"
)
_NOT_A_COUNT = (
    "NEW.like_count IS NOT DISTINCT FROM OLD.like_count AND NEW.comment_count IS NOT DISTINCT FROM OLD.comment_count"
)

_FUNCTION_POSTGRES = """
CREATE OR REPLACE FUNCTION recipe_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
      VALUES (pg_current_xact_id()::text::bigint, NEW.id, 'created', coalesce(NEW.updated_at, now()));
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM recipe_change WHERE recipe_id = NEW.id;
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
      VALUES (pg_current_xact_id()::text::bigint, NEW.id, 'updated', coalesce(NEW.updated_at, now()));
  ELSE
    DELETE FROM recipe_change WHERE recipe_id = OLD.id;
    INSERT INTO recipe_change (xid, recipe_id, kind, changed_at)
      VALUES (pg_current_xact_id()::text::bigint, OLD.id, 'deleted', now());
  END IF;
  RETURN NULL;
END $$
"""

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"

_TRIGGERS_SQLITE = [
    """CREATE TRIGGER recipe_change_created AFTER INSERT ON recipe BEGIN
      INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES (0, NEW.id, 'created', NEW.updated_at);
    END""",
    f"""CREATE TRIGGER recipe_change_updated AFTER UPDATE OF {CONTENT_COLUMNS} ON recipe WHEN {_NOT_A_COUNT} BEGIN
      DELETE FROM recipe_change WHERE recipe_id = NEW.id;
      INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES (0, NEW.id, 'updated', NEW.updated_at);
    END""",
    f"""CREATE TRIGGER recipe_change_deleted AFTER DELETE ON recipe BEGIN
      DELETE FROM recipe_change WHERE recipe_id = OLD.id;
      INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) VALUES (0, OLD.id, 'deleted', {_SQLITE_NOW});
    END""",
]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "recipe_change",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.Identity(), nullable=False),
        sa.Column("xid", sa.BigInteger(), nullable=False),
        sa.Column("recipe_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("changed_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_recipe_change")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_recipe_change_xid_seq", "recipe_change", ["xid", "seq"], unique=False)
    op.create_index("ix_recipe_change_recipe_id", "recipe_change", ["recipe_id"], unique=False)
    op.create_index("ix_recipe_change_kind_changed_at", "recipe_change", ["kind", "changed_at"], unique=False)
    op.create_table(
        "recipe_change_horizon",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("xid", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipe_change_horizon")),
    )
    if postgres:
        op.execute(_FUNCTION_POSTGRES)
        op.execute(
            "CREATE TRIGGER recipe_change_log AFTER INSERT OR DELETE ON recipe "
            "FOR EACH ROW EXECUTE FUNCTION recipe_change_log()"
        )
        op.execute(
            f"CREATE TRIGGER recipe_change_log_update AFTER UPDATE OF {CONTENT_COLUMNS} ON recipe "
            f"FOR EACH ROW WHEN ({_NOT_A_COUNT}) EXECUTE FUNCTION recipe_change_log()"
        )
        for name in ("recipe_change_log", "recipe_change_log_update"):
            op.execute(f"ALTER TABLE recipe ENABLE ALWAYS TRIGGER {name}")
        xid = "pg_current_xact_id()::text::bigint"
    else:
        for statement in _TRIGGERS_SQLITE:
            op.execute(statement)
        xid = "0"
    # The trigger exists (PostgreSQL: writers wait for this transaction): every recipe is entered once.
    op.execute(
        "INSERT INTO recipe_change (xid, recipe_id, kind, changed_at) "
        f"SELECT {xid}, id, 'created', updated_at FROM recipe ORDER BY created_at, id"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS recipe_change_log ON recipe")
        op.execute("DROP TRIGGER IF EXISTS recipe_change_log_update ON recipe")
        op.execute("DROP FUNCTION IF EXISTS recipe_change_log()")
    else:
        for name in ("recipe_change_created", "recipe_change_updated", "recipe_change_deleted"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("recipe_change_horizon")
    op.drop_index("ix_recipe_change_kind_changed_at", table_name="recipe_change")
    op.drop_index("ix_recipe_change_recipe_id", table_name="recipe_change")
    op.drop_index("ix_recipe_change_xid_seq", table_name="recipe_change")
    op.drop_table("recipe_change")
