"""Webhook rules: a user's endpoints (at most ``MAX_ENDPOINTS_PER_USER``, URLs checked), their secrets, the delivery
log, and :func:`record_event`, which the writes that cause events call in their own transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from msgspec import UNSET
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from chopchop.db import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from chopchop.domain.webhooks import queries
from chopchop.domain.webhooks.schemas import (
    EVENT_BITS,
    MAX_ENDPOINTS_PER_USER,
    WebhookCreate,
    WebhookDeliveryType,
    WebhookEvent,
    WebhookUpdate,
    events_mask,
)
from chopchop.lib import outbox
from chopchop.lib.problems import BadRequest, Conflict
from chopchop.lib.sql import Service
from chopchop.lib.webhooks import SecretBox, WebhookUrlError, check_url, new_secret

DELIVER_TASK = "deliver_webhook"


def _dialect(session: AsyncSession) -> str:
    return (session.bind or session.get_bind()).dialect.name


async def record_event(
    session: AsyncSession,
    event: WebhookEvent,
    data: dict[str, Any],
    *,
    actor_id: UUID | None,
    owner_id: UUID | None = None,
    recipe_id: UUID | None = None,
) -> int:
    """Record ``event`` for the owner's subscribed, active endpoints in the caller's transaction: one delivery row
    each (one INSERT ... SELECT) and its outbox row (sent after the commit; a rollback sends nothing). The owner
    is ``owner_id`` or the author of ``recipe_id``; ``actor_id`` is who caused it, whose own endpoints are skipped
    (``None``: the owner's own account events, which are for the owner). Returns how many were recorded."""
    statement = queries.record_statement(
        _dialect(session),
        event=event.value,
        bit=EVENT_BITS[event],
        data=data,
        now=datetime.now(UTC),
        actor_id=actor_id,
        owner_id=owner_id,
        recipe_id=recipe_id,
    )
    ids = list((await session.execute(statement)).scalars())
    for delivery_id in ids:
        outbox.record(session, DELIVER_TASK, delivery_id=str(delivery_id))
    return len(ids)


class WebhookEndpointRepository(SQLAlchemyAsyncRepository[WebhookEndpoint]):
    model_type = WebhookEndpoint


class WebhookService(Service[WebhookEndpoint, WebhookEndpointRepository]):
    """A user's webhook endpoints. Every method takes the owner's id: another user's endpoint is a 404."""

    repository_type = WebhookEndpointRepository

    @staticmethod
    def _checked(url: str, *, allow_private: bool) -> str:
        try:
            return check_url(url, allow_private=allow_private)
        except WebhookUrlError as exc:
            raise BadRequest(str(exc), slug="webhook-url-refused") from exc

    async def create_endpoint(
        self, user_id: UUID, data: WebhookCreate, *, box: SecretBox, allow_private: bool
    ) -> tuple[WebhookEndpoint, str]:
        """A new endpoint and its secret (in clear: shown once). 409 past ``MAX_ENDPOINTS_PER_USER``, counted
        under the user's row lock so that concurrent creations cannot overshoot."""
        url = self._checked(data.url, allow_private=allow_private)
        session = self.session
        await session.execute(queries.lock_user_statement(self.dialect, user_id))
        if (await session.execute(queries.endpoint_count_statement(user_id))).scalar_one() >= MAX_ENDPOINTS_PER_USER:
            msg = f"You have {MAX_ENDPOINTS_PER_USER} webhook endpoints already: delete one first."
            raise Conflict(msg, slug="too-many-webhooks")
        endpoint_id = uuid7()
        secret = new_secret()
        now = datetime.now(UTC)
        endpoint = WebhookEndpoint(
            id=endpoint_id,
            user_id=user_id,
            url=url,
            events=events_mask(data.events),
            active=data.active,
            secret_box=box.seal(secret, str(endpoint_id)),
            created_at=now,
            updated_at=now,
        )
        return await self.create(endpoint, auto_refresh=False), secret

    async def page(self, user_id: UUID, *, limit: int, offset: int) -> tuple[list[WebhookEndpoint], int]:
        total = int((await self.session.execute(queries.endpoint_count_statement(user_id))).scalar_one())
        if offset >= total:
            return [], total
        rows = await self.session.execute(queries.endpoint_page_statement(user_id, limit=limit, offset=offset))
        return list(rows.scalars()), total

    async def get_owned(self, endpoint_id: UUID, user_id: UUID) -> WebhookEndpoint:
        found = (
            await self.session.execute(queries.owned_endpoint_statement(endpoint_id, user_id))
        ).scalar_one_or_none()
        if found is None:
            msg = "No such webhook endpoint."
            raise NotFoundError(msg)
        return found

    async def update_endpoint(
        self, endpoint_id: UUID, user_id: UUID, data: WebhookUpdate, *, allow_private: bool
    ) -> WebhookEndpoint:
        endpoint = await self.get_owned(endpoint_id, user_id)
        changes: dict[str, Any] = {}
        if data.url is not UNSET:
            changes["url"] = self._checked(data.url, allow_private=allow_private)
        if data.events is not UNSET:
            changes["events"] = events_mask(data.events)
        if data.active is not UNSET:
            changes["active"] = data.active
        changes = {name: value for name, value in changes.items() if getattr(endpoint, name) != value}
        if changes:  # an empty or same-valued PATCH changes nothing, updated_at included
            for name, value in changes.items():
                setattr(endpoint, name, value)
            endpoint.updated_at = datetime.now(UTC)
            await self.session.flush()
        return endpoint

    async def delete_endpoint(self, endpoint_id: UUID, user_id: UUID) -> None:
        """Delete it and its delivery log (cascade); deliveries not yet made are dropped (their outbox rows find
        nothing to send)."""
        endpoint = await self.get_owned(endpoint_id, user_id)
        await self.repository.delete(endpoint.id)

    async def rotate_secret(self, endpoint_id: UUID, user_id: UUID, *, box: SecretBox) -> str:
        """A new secret: every delivery from now on (retries of earlier events included) is signed with it."""
        endpoint = await self.get_owned(endpoint_id, user_id)
        secret = new_secret()
        endpoint.secret_box = box.seal(secret, str(endpoint.id))
        endpoint.updated_at = datetime.now(UTC)
        await self.session.flush()
        return secret

    async def ping(self, endpoint_id: UUID, user_id: UUID) -> UUID:
        """Queue a ``ping`` delivery to the endpoint (active or not: it is how its owner tests the receiver)."""
        endpoint = await self.get_owned(endpoint_id, user_id)
        now = datetime.now(UTC)
        delivery = WebhookDelivery(
            id=uuid7(),
            endpoint_id=endpoint.id,
            event=WebhookDeliveryType.PING.value,
            data={"webhook_id": str(endpoint.id)},
            status=WebhookDeliveryStatus.PENDING.value,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        self.session.add(delivery)
        outbox.record(self.session, DELIVER_TASK, delivery_id=str(delivery.id))
        return delivery.id

    async def deliveries(
        self, endpoint_id: UUID, user_id: UUID, *, limit: int, offset: int
    ) -> tuple[list[WebhookDelivery], int]:
        endpoint = await self.get_owned(endpoint_id, user_id)
        total = int((await self.session.execute(queries.delivery_count_statement(endpoint.id))).scalar_one())
        if offset >= total:
            return [], total
        rows = await self.session.execute(queries.delivery_page_statement(endpoint.id, limit=limit, offset=offset))
        return list(rows.scalars()), total
