"""Following: who follows whom. The counters it moves are on ``user_account`` (follower and following counts)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import DefaultBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column


class Follow(DefaultBase):
    """``follower_id`` follows ``followee_id``: once (the primary key), never themselves (the service refuses it)."""

    __tablename__ = "follow"
    __table_args__ = (
        # Whom a user follows, most recent first: the "following" list; the feed starts from the primary key.
        Index("ix_follow_follower_id_created_at_followee_id", "follower_id", "created_at", "followee_id"),
        # Who follows a user, most recent first: the "followers" list, and the followee's cascade.
        Index("ix_follow_followee_id_created_at_follower_id", "followee_id", "created_at", "follower_id"),
    )

    follower_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    followee_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
