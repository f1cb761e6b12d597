"""Background jobs of the webhooks area: one delivery attempt (an outbox task), and the delivery log's purge."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from chopchop.db import WebhookDeliveryStatus
from chopchop.domain.webhooks import queries
from chopchop.domain.webhooks.schemas import WebhookDeliveryType
from chopchop.lib import outbox
from chopchop.lib.email import UndeliverableError
from chopchop.lib.webhooks import AddressRefused, SecretBox, post, sign

logger = logging.getLogger("chopchop.webhooks")

KEEP_DELIVERIES = timedelta(days=7)
HTTP_GONE = 410


class WebhookRefused(UndeliverableError):
    """The delivery can never be made as it is (a refused address, a 410, an unreadable secret): not retried."""


class WebhookAttemptFailed(Exception):
    """The receiver did not take the delivery this time (no answer, or not a 2xx): the outbox retries it."""


def webhook_message_id(delivery_id: UUID) -> str:
    """The ``webhook-id`` header: the delivery's, so the same on every retry (receivers deduplicate on it)."""
    return f"msg_{delivery_id}"


def body_of(event: str, happened_at: datetime, data: dict[str, Any]) -> bytes:
    """The JSON body: ``type``, ``timestamp`` (when the event happened, RFC 3339 UTC) and ``data``; the same bytes
    on every retry."""
    stamp = happened_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return msgspec.json.encode({"type": event, "timestamp": stamp, "data": data})


async def _note(db: SQLAlchemyAsyncConfig, delivery_id: UUID, **values: Any) -> None:
    async with db.get_session() as session:
        await session.execute(queries.attempt_statement(delivery_id, updated_at=datetime.now(UTC), **values))
        await session.commit()


#: Each attempt may wait the whole webhook timeout on a host a user chose: at most half of a worker's job slots go to
#: them, so receivers that never answer cannot stall the emails (confirmations, password resets) queued with them.
@outbox.slot_share(0.5)
async def deliver_webhook(ctx: dict[str, Any], *, delivery_id: str, message_id: str | None = None) -> str:
    """One attempt of a delivery (the outbox claims it, counts it and schedules the next). Signs and POSTs the
    body; a 2xx is delivered; anything else raises for a retry. A refused address, a 410 Gone (which also
    disables the endpoint) and an unreadable secret end the delivery at once (``refused``)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    settings = ctx["settings"]
    key = UUID(delivery_id)
    async with db.get_session() as session:
        found = (await session.execute(queries.delivery_with_endpoint_statement(key))).tuples().one_or_none()
    if found is None:
        return "dropped"  # the endpoint (or the account) was deleted since: nothing to send
    delivery, endpoint = found
    now = datetime.now(UTC)
    if not endpoint.active and delivery.event != WebhookDeliveryType.PING.value:
        await _note(db, key, status=WebhookDeliveryStatus.CANCELLED.value)
        return "cancelled"
    attempts = delivery.attempts + 1
    attempt: dict[str, Any] = {"attempts": attempts, "last_attempt_at": now}

    async def refuse(reason: str, status: int | None = None) -> WebhookRefused:
        await _note(
            db,
            key,
            status=WebhookDeliveryStatus.REFUSED.value,
            last_error=reason[:1000],
            response_status=status,
            **attempt,
        )
        return WebhookRefused(reason)

    try:
        secret = SecretBox(settings.jwt_secret).open(endpoint.secret_box, str(endpoint.id))
    except ValueError as exc:
        raise await refuse(str(exc)) from exc
    body = body_of(delivery.event, delivery.created_at, delivery.data)
    webhook_id = webhook_message_id(delivery.id)
    timestamp = int(time.time())  # of this attempt: receivers refuse old timestamps (replays)
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }
    try:
        answer = await post(
            endpoint.url,
            body,
            headers,
            timeout=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private_addresses,
        )
    except AddressRefused as exc:
        raise await refuse(f"refused: {exc}") from exc
    except Exception as exc:  # any failure to reach the receiver is a failed attempt: noted, then retried
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        await _note(db, key, status=_failed(attempts), last_error=error[:1000], response_status=None, **attempt)
        raise WebhookAttemptFailed(error) from exc
    if answer.delivered:
        await _note(
            db,
            key,
            status=WebhookDeliveryStatus.DELIVERED.value,
            response_status=answer.status,
            last_error=None,
            delivered_at=datetime.now(UTC),
            **attempt,
        )
        return "delivered"
    if answer.status == HTTP_GONE:
        async with db.get_session() as session:
            await session.execute(queries.disable_endpoint_statement(endpoint.id))
            await session.commit()
        logger.info("webhook endpoint %s answered 410 Gone: disabled", endpoint.id)
        raise await refuse("the receiver answered 410 Gone: the endpoint was disabled", HTTP_GONE)
    error = f"the receiver answered HTTP {answer.status}"
    await _note(db, key, status=_failed(attempts), last_error=error, response_status=answer.status, **attempt)
    raise WebhookAttemptFailed(error)


def _failed(attempts: int) -> str:
    """After a failed attempt: retried, unless it was the outbox's last."""
    return (WebhookDeliveryStatus.DEAD if attempts >= outbox.MAX_ATTEMPTS else WebhookDeliveryStatus.RETRYING).value


async def purge_webhook_deliveries(ctx: dict[str, Any]) -> int:
    """Cron: forget deliveries after a week (the delivery log is bounded)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    async with db.get_session() as session:
        result = await session.execute(queries.purge_deliveries_statement(datetime.now(UTC) - KEEP_DELIVERIES))
        await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


OUTBOX_TASKS = [deliver_webhook]
TASKS = [purge_webhook_deliveries]
