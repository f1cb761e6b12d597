"""pending registrations: an account exists only once the owner of its address confirms

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 05:30:00.000000

Unconfirmed accounts become pending registrations (with their newest unused confirmation link, which
keeps working) and confirmation tokens leave ``user_token``. Downgrading drops the pending registrations.
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_registration",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registration")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_registration_token_hash")),
    )
    # Login, resend and confirmation look for the newest registrations of an address.
    op.create_index(
        "ix_pending_registration_email_created_at", "pending_registration", ["email", "created_at"], unique=False
    )
    op.execute(
        """
        INSERT INTO pending_registration
            (id, email, display_name, password_hash, token_hash, expires_at, created_at, updated_at)
        SELECT u.id, u.email, u.display_name, u.password_hash, t.token_hash, COALESCE(t.expires_at, u.created_at),
               u.created_at, u.updated_at
        FROM user_account u
        LEFT JOIN user_token t ON t.id = (
            SELECT newest.id FROM user_token newest
            WHERE newest.user_id = u.id AND newest.purpose = 'confirm_email' AND newest.used_at IS NULL
            ORDER BY newest.created_at DESC LIMIT 1
        )
        WHERE NOT u.is_active AND u.confirmed_at IS NULL
        """
    )
    op.execute("DELETE FROM user_token WHERE purpose = 'confirm_email'")
    op.execute("DELETE FROM user_account WHERE NOT is_active AND confirmed_at IS NULL")


def downgrade() -> None:
    op.drop_index("ix_pending_registration_email_created_at", table_name="pending_registration")
    op.drop_table("pending_registration")
