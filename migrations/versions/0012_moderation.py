"""moderation: roles and suspensions of accounts, hidden recipes and comments, reports, the audit log

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:40:00.000000
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = advanced_alchemy.types.DateTimeUTC(timezone=True)
_GUID = advanced_alchemy.types.GUID(length=16)
# As chopchop.db.recipes.SHOWN_ONLY_INDEXES then (a migration keeps its own copy: the models move on).
_SHOWN = "status = 'public' AND hidden_at IS NULL"
# 0011's predicate, for the downgrade.
_PUBLIC = "status = 'public'"
_LIST_INDEXES = {
    "ix_recipe_created_at_id": ("created_at", "id"),
    "ix_recipe_like_count_id": ("like_count", "id"),
    "ix_recipe_comment_count_id": ("comment_count", "id"),
    "ix_recipe_title_id": ("title", "id"),
    "ix_recipe_total_minutes_id": ("total_minutes", "id"),
    "ix_recipe_complexity_created_at_id": ("complexity", "created_at", "id"),
}


def upgrade() -> None:
    op.add_column("user_account", sa.Column("role", sa.String(length=16), server_default="user", nullable=False))
    op.add_column("user_account", sa.Column("suspended_at", _WHEN, nullable=True))
    op.add_column("user_account", sa.Column("suspended_until", _WHEN, nullable=True))
    op.add_column("user_account", sa.Column("suspension_reason", sa.String(length=1000), nullable=True))
    op.create_index("ix_user_account_role", "user_account", ["role"])
    for table in ("recipe", "comment"):
        op.add_column(table, sa.Column("hidden_at", _WHEN, nullable=True))
        op.add_column(table, sa.Column("hidden_reason", sa.String(length=1000), nullable=True))
    # The list indexes cover the recipes the public sees only: every list walks or counts shown recipes, and a
    # count of them stays an index-only scan (a predicate on a column outside the index would read the table).
    for name, columns in _LIST_INDEXES.items():
        op.drop_index(name, table_name="recipe")
        op.create_index(name, "recipe", list(columns), postgresql_where=sa.text(_SHOWN), sqlite_where=sa.text(_SHOWN))

    op.create_table(
        "report",
        sa.Column("id", _GUID, nullable=False),
        sa.Column("reporter_id", _GUID, nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", _GUID, nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("details", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", _GUID, nullable=True),
        sa.Column("resolved_at", _WHEN, nullable=True),
        sa.Column("resolution_note", sa.String(length=2000), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["user_account.id"], name=op.f("fk_report_reporter_id_user_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["user_account.id"], name=op.f("fk_report_resolved_by_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    op.create_index(
        "ux_report_open_reporter_target",
        "report",
        ["reporter_id", "target_type", "target_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_report_status_created_at_id", "report", ["status", "created_at", "id"])
    op.create_index("ix_report_reporter_id", "report", ["reporter_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", _GUID, nullable=False),
        sa.Column("actor_id", _GUID, nullable=True),
        sa.Column("actor_label", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", _GUID, nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_audit_log_actor_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_created_at_id", "audit_log", ["created_at", "id"])
    op.create_index("ix_audit_log_actor_id_created_at_id", "audit_log", ["actor_id", "created_at", "id"])
    op.create_index("ix_audit_log_target_id_created_at_id", "audit_log", ["target_id", "created_at", "id"])
    op.create_index("ix_audit_log_action_created_at_id", "audit_log", ["action", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("report")
    for name, columns in _LIST_INDEXES.items():
        op.drop_index(name, table_name="recipe")
        op.create_index(name, "recipe", list(columns), postgresql_where=sa.text(_PUBLIC), sqlite_where=sa.text(_PUBLIC))
    for table in ("comment", "recipe"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("hidden_reason")
            batch.drop_column("hidden_at")
    op.drop_index("ix_user_account_role", table_name="user_account")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("suspension_reason")
        batch.drop_column("suspended_until")
        batch.drop_column("suspended_at")
        batch.drop_column("role")
