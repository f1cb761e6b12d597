"""The webhooks' hand-written SQL: the fan-out of an event to its owner's endpoints (one INSERT ... SELECT, run
by the writes that cause events), the per-user limit's lock, and the delivery log. Each builder (``*_statement``)
is explained by tests/db/test_explain_webhooks.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, ColumnElement, Select, delete, func, insert, literal, select, update
from sqlalchemy.sql.dml import ReturningInsert, ReturningUpdate

from chopchop.db import Recipe, User, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from chopchop.domain.visibility import shown_recipe
from chopchop.lib.sql import PLAIN


def _new_id(dialect: str) -> ColumnElement[Any]:
    """A fresh id per row, made by the database (an INSERT ... SELECT has no Python side per row): PostgreSQL's
    random UUID; SQLite stores ids as 16 bytes, which ``randomblob(16)`` is."""
    return func.gen_random_uuid() if dialect == "postgresql" else func.randomblob(16)


def record_statement(
    dialect: str,
    *,
    event: str,
    bit: int,
    data: dict[str, Any],
    now: datetime,
    actor_id: UUID | None,
    owner_id: UUID | None = None,
    recipe_id: UUID | None = None,
) -> ReturningInsert[tuple[UUID]]:
    """One delivery per active endpoint of the owner (``owner_id``, or the author of ``recipe_id``) subscribed to
    the event, none for the actor's own endpoints (``actor_id``; ``None``: the owner's own events), returning
    their ids: one statement whatever the number of endpoints, an index lookup when there are none."""
    conditions: list[ColumnElement[bool]] = [
        WebhookEndpoint.active.is_(True),
        WebhookEndpoint.events.op("&")(bit) != 0,
    ]
    rows = select(
        _new_id(dialect),
        WebhookEndpoint.id,
        literal(event),
        literal(data, JSON),
        literal(WebhookDeliveryStatus.PENDING.value),
        literal(0),
        literal(now, WebhookDelivery.created_at.type),
        literal(now, WebhookDelivery.updated_at.type),
    ).select_from(WebhookEndpoint)
    if recipe_id is not None:
        rows = rows.join(Recipe, Recipe.author_id == WebhookEndpoint.user_id)
        # Events about a recipe are about a public one: nothing is told of what only its author sees.
        conditions.extend([Recipe.id == recipe_id, shown_recipe()])
    else:
        conditions.append(WebhookEndpoint.user_id == owner_id)
    if actor_id is not None:
        conditions.append(WebhookEndpoint.user_id != actor_id)
    columns = ["id", "endpoint_id", "event", "data", "status", "attempts", "created_at", "updated_at"]
    return (
        insert(WebhookDelivery)
        .from_select(columns, rows.where(*conditions), include_defaults=False)
        .returning(WebhookDelivery.id)
    )


def lock_user_statement(dialect: str, user_id: UUID) -> Any:
    """The user's row, locked until the commit: concurrent creations of the user's endpoints count one after the
    other (SQLite has no row locks: a no-op write takes the database's write lock instead; setting updated_at to
    itself keeps its on-update default from moving it)."""
    if dialect == "postgresql":
        return select(User.id).where(User.id == user_id).with_for_update()
    return update(User).where(User.id == user_id).values(updated_at=User.updated_at).execution_options(**PLAIN)


def endpoint_count_statement(user_id: UUID) -> Select[tuple[int]]:
    return select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.user_id == user_id)


def endpoint_page_statement(user_id: UUID, *, limit: int, offset: int) -> Select[tuple[WebhookEndpoint]]:
    """The user's endpoints, oldest first (ties broken by id)."""
    return (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.user_id == user_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        .limit(limit)
        .offset(offset)
    )


def owned_endpoint_statement(endpoint_id: UUID, user_id: UUID) -> Select[tuple[WebhookEndpoint]]:
    """The endpoint if it is the user's (someone else's is as missing as one that does not exist)."""
    return select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.user_id == user_id)


def delivery_count_statement(endpoint_id: UUID) -> Select[tuple[int]]:
    return select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)


def delivery_page_statement(endpoint_id: UUID, *, limit: int, offset: int) -> Select[tuple[WebhookDelivery]]:
    """The endpoint's deliveries, newest first (ties broken by id): a backward range scan of its index."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    )


def delivery_with_endpoint_statement(delivery_id: UUID) -> Select[tuple[WebhookDelivery, WebhookEndpoint]]:
    """A delivery and its endpoint (no row: either was deleted since; nothing to send)."""
    return (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id == delivery_id)
    )


def attempt_statement(delivery_id: UUID, **values: Any) -> ReturningUpdate[tuple[UUID]]:
    """Record an attempt's outcome on the delivery (returning its id: no row, it was deleted meanwhile)."""
    return (
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(**values)
        .returning(WebhookDelivery.id)
        .execution_options(**PLAIN)
    )


def disable_endpoint_statement(endpoint_id: UUID) -> Any:
    return (
        update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(active=False).execution_options(**PLAIN)
    )


def purge_deliveries_statement(before: datetime) -> Any:
    """Deliveries older than ``before`` (the log keeps a week; the cascade removes an endpoint's at once)."""
    return delete(WebhookDelivery).where(WebhookDelivery.created_at < before).execution_options(**PLAIN)
