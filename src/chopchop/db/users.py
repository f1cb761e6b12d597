"""The user account aggregate: users, their single-use email tokens, and registrations awaiting confirmation."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column


class TokenPurpose(enum.StrEnum):
    """What a single-use email token may be used for; a token is only valid for its own purpose."""

    RESET_PASSWORD = "reset_password"  # noqa: S105


class User(UUIDv7AuditBase):
    """A person with an account: created when the owner of the address confirms a registration."""

    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Bumped on every password change/reset: access tokens carry it and are refused once it moves on.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # How many users follow this one, and how many this one follows: moved only by the statements that really add
    # or remove a ``follow`` row (``domain/follows``), so they stay exact under concurrent follows. The database's
    # default only: an INSERT never names them (it still works against a schema from before migration 0015).
    follower_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    following_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class UserToken(UUIDv7AuditBase):
    """A single-use token sent by email. Only its SHA-256 hash is stored."""

    __tablename__ = "user_token"
    __table_args__ = (Index("ix_user_token_user_id_purpose", "user_id", "purpose"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class PendingRegistration(UUIDv7AuditBase):
    """A registration waiting for the owner of its address: never an account, never merged with another.

    Each registration of an address is a row of its own, with the password and name it was made with, and
    its own link (only the SHA-256 hash of the token; NULL until the email job issues it). Confirming one
    (its token and its password) creates the account from that row alone and deletes every row of the
    address; until then none of them can log in, and a later registration invalidates no earlier link.
    """

    __tablename__ = "pending_registration"
    __table_args__ = (Index("ix_pending_registration_email_created_at", "email", "created_at"),)

    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
