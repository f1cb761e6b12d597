"""The email outbox: every email the service decided to send, recorded with the change that caused it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a worker (first try, or a retry after a failure)
    SENDING = "sending"  # claimed by a worker; a lease: retaken if the worker died
    SENT = "sent"
    DEAD = "dead"  # failed too many times: visible, logged, not retried


class OutboxMessage(UUIDv7AuditBase):
    """One background task that must run at least once (an email): written in the request's transaction."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_updated_at", "status", "updated_at"),)

    task: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
