"""The user account aggregate: users, their single-use email tokens, and registrations awaiting confirmation."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ColumnElement, ForeignKey, Index, Integer, String, and_, or_, text
from sqlalchemy.orm import Mapped, mapped_column


class TokenPurpose(enum.StrEnum):
    """What a single-use email token may be used for; a token is only valid for its own purpose."""

    RESET_PASSWORD = "reset_password"  # noqa: S105


class Role(enum.StrEnum):
    """What an account may do beyond its own content: moderators hide content and suspend accounts, admins also
    grant roles and read the audit log. Ordered: each role can do what the ones before it can."""

    USER = "user"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANKS[self]


_ROLE_RANKS = {Role.USER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}


class User(UUIDv7AuditBase):
    """A person with an account: created when the owner of the address confirms a registration."""

    __tablename__ = "user_account"
    __table_args__ = (
        # The admins, locked together before a role change so that the last one can never be demoted.
        Index("ix_user_account_role", "role"),
    )

    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Bumped on every password change/reset: access tokens carry it and are refused once it moves on.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # One of ``Role``; read from the database on every request (the role of a token is never trusted).
    role: Mapped[str] = mapped_column(String(16), default=Role.USER.value, server_default=Role.USER.value)
    # Suspension by a moderator: set, the account cannot log in and none of its tokens work (until
    # ``suspended_until`` if that is set). ``is_suspended`` is the one rule.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    suspended_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    suspension_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    # How many users follow this one, and how many this one follows: moved only by the statements that really add
    # or remove a ``follow`` row (``domain/follows``), so they stay exact under concurrent follows. The database's
    # default only: an INSERT never names them (it still works against a schema from before migration 0015).
    follower_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    following_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))

    def is_suspended(self, now: datetime) -> bool:
        """Whether the account is suspended at ``now`` (the SQL form is ``not_suspended``)."""
        return self.suspended_at is not None and (self.suspended_until is None or self.suspended_until > now)

    def has_role(self, role: Role) -> bool:
        """Whether the account's role is ``role`` or above it."""
        try:
            return Role(self.role).rank >= role.rank
        except ValueError:
            return False


def not_suspended(now: datetime) -> ColumnElement[bool]:
    """SQL: the account is not suspended at ``now`` (the Python form is ``User.is_suspended``)."""
    return or_(User.suspended_at.is_(None), and_(User.suspended_until.is_not(None), User.suspended_until <= now))


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
