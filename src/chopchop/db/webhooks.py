"""The webhook aggregate: a user's endpoints (where and for what events) and the deliveries made to them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class WebhookDeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, waiting for its first attempt
    RETRYING = "retrying"  # an attempt failed; the outbox tries again later
    DELIVERED = "delivered"  # the receiver answered 2xx
    DEAD = "dead"  # every attempt failed
    REFUSED = "refused"  # never sent: the address is not allowed (SSRF rules), or the receiver said 410 Gone
    CANCELLED = "cancelled"  # never sent: the endpoint was disabled before its turn came


class WebhookEndpoint(UUIDv7AuditBase):
    """Where a user wants to be told about events: a URL, the events (a bit mask), and the signing secret.

    The secret is stored encrypted (AES-GCM, a key derived from the JWT secret): it must be readable to sign,
    and a copy of the database alone must not be enough to forge deliveries. Deleted with its user.
    """

    __tablename__ = "webhook_endpoint"
    __table_args__ = (
        # The user's endpoints (the list, the per-user limit) and the event fan-out: every write that records an
        # event looks up the owner's endpoints through this index.
        Index("ix_webhook_endpoint_user_id_created_at", "user_id", "created_at"),
    )

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    secret_box: Mapped[bytes] = mapped_column(LargeBinary(128))


class WebhookDelivery(UUIDv7AuditBase):
    """One event for one endpoint: its body's data, and what its attempts gave (the delivery log).

    The attempts themselves are an outbox row (``deliver_webhook``) recorded in the same transaction."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # The endpoint's delivery log, newest first; the cascade when an endpoint goes.
        Index("ix_webhook_delivery_endpoint_id_created_at_id", "endpoint_id", "created_at", "id"),
    )

    endpoint_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=WebhookDeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
