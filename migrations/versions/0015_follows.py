"""follows: who follows whom, and the follower/following counters of each user

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 22:46:00.000000
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A constant default: a metadata-only change on PostgreSQL, a plain ADD COLUMN on SQLite.
    op.add_column(
        "user_account", sa.Column("follower_count", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column(
        "user_account", sa.Column("following_count", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.create_table(
        "follow",
        sa.Column("follower_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("followee_id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["follower_id"], ["user_account.id"], name=op.f("fk_follow_follower_id_user_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["followee_id"], ["user_account.id"], name=op.f("fk_follow_followee_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("follower_id", "followee_id", name=op.f("pk_follow")),
    )
    op.create_index(
        "ix_follow_follower_id_created_at_followee_id", "follow", ["follower_id", "created_at", "followee_id"]
    )
    op.create_index(
        "ix_follow_followee_id_created_at_follower_id", "follow", ["followee_id", "created_at", "follower_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_follow_followee_id_created_at_follower_id", table_name="follow")
    op.drop_index("ix_follow_follower_id_created_at_followee_id", table_name="follow")
    op.drop_table("follow")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("following_count")
        batch.drop_column("follower_count")
