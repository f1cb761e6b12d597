"""Tokens for clients: personal access tokens, and the refresh tokens of each login (one family per login).

Only SHA-256 hashes of the secrets are stored: they are 178 bits of randomness, so a fast hash is enough (no
password-style stretching can make a guess of a random 178-bit value any more likely)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column


class PersonalAccessToken(UUIDv7AuditBase):
    """A named, scoped bearer token a user made for a script. Revoking it deletes the row."""

    __tablename__ = "personal_access_token"
    __table_args__ = (Index("ix_personal_access_token_user_id", "user_id"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # Space-separated, as OAuth writes scopes: "read" or "read write".
    scopes: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token (prefix and 4 random ones): enough to recognise it, nothing to use.
    display_prefix: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class RefreshTokenFamily(UUIDv7AuditBase):
    """One login: every refresh token rotated from it, and the access tokens minted from them (their ``fam`` claim).

    Deleting the row ends the login: its refresh tokens go with it (cascade) and its access tokens are refused.
    """

    __tablename__ = "refresh_token_family"
    __table_args__ = (Index("ix_refresh_token_family_user_id", "user_id"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The expiry of its newest refresh token: past it, nothing of the family can be used (the purge deletes it).
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class RefreshToken(UUIDv7AuditBase):
    """One refresh token of a family; used once (``used_at``), then kept to recognise its reuse."""

    __tablename__ = "refresh_token"
    __table_args__ = (Index("ix_refresh_token_family_id", "family_id"),)

    family_id: Mapped[UUID] = mapped_column(ForeignKey("refresh_token_family.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
