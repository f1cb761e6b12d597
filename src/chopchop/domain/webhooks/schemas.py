"""What goes in and out of the webhook endpoints, and the events a webhook can carry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.pagination import Page
from chopchop.lib.schemas import Input
from chopchop.lib.text import END
from chopchop.lib.webhooks import MAX_URL_LENGTH


class WebhookEvent(StrEnum):
    """An event an endpoint can subscribe to: someone liked, commented on or rated (or re-rated) one of the user's
    recipes, one of the user's recipes was deleted, the user's password was changed (or reset)."""

    RECIPE_LIKED = "recipe.liked"
    RECIPE_COMMENTED = "recipe.commented"
    RECIPE_DELETED = "recipe.deleted"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 - an event name
    RECIPE_RATED = "recipe.rated"


class WebhookDeliveryType(StrEnum):
    """What a delivery carries (its body's `type`): one of the events, or `ping`, sent on demand
    (`POST .../ping`) to test a receiver."""

    RECIPE_LIKED = "recipe.liked"
    RECIPE_COMMENTED = "recipe.commented"
    RECIPE_DELETED = "recipe.deleted"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 - an event name
    RECIPE_RATED = "recipe.rated"
    PING = "ping"


class WebhookDeliveryState(StrEnum):
    """Where a delivery stands: `pending` (first attempt to come), `retrying` (an attempt failed; another
    follows on the outbox's schedule), `delivered` (the receiver answered 2xx), `dead` (every attempt failed),
    `refused` (never sent: the address is not public, or the receiver answered 410 Gone), `cancelled` (the
    endpoint was disabled before the delivery's turn came)."""

    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    DEAD = "dead"
    REFUSED = "refused"
    CANCELLED = "cancelled"


#: Each subscribable event's bit in ``webhook_endpoint.events``: a write's fan-out is one indexed lookup with
#: a bit test, whatever the number of events.
EVENT_BITS: Final[dict[WebhookEvent, int]] = {
    WebhookEvent.RECIPE_LIKED: 1,
    WebhookEvent.RECIPE_COMMENTED: 2,
    WebhookEvent.RECIPE_DELETED: 4,
    WebhookEvent.ACCOUNT_PASSWORD_CHANGED: 8,
    WebhookEvent.RECIPE_RATED: 16,
}
MAX_ENDPOINTS_PER_USER: Final = 10


def events_mask(events: list[WebhookEvent]) -> int:
    mask = 0
    for event in events:
        mask |= EVENT_BITS[event]
    return mask


def events_of(mask: int) -> list[WebhookEvent]:
    return [event for event, bit in EVENT_BITS.items() if mask & bit]


WebhookUrl = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        # The syntax (scheme, no user info, no fragment, printable ASCII); the host, the port and the address are
        # checked by the service (a 400 `webhook-url-refused`).
        pattern=rf'^https?://[!-"$-.0->A-~]+(?:[/?][!-"$-~]*)?{END}',
        description=f"Where deliveries are POSTed: an absolute `https://` (or `http://`) URL of at most "
        f"{MAX_URL_LENGTH} characters, printable ASCII (international domain names as `xn--...`), without user "
        "name, password or fragment, on a public address (private, loopback, link-local, CGNAT, multicast and "
        "metadata addresses and `localhost` are refused; names are checked again at each delivery).",
        examples=["https://example.com/hooks/chopchop"],
    ),
]
SubscribedEvents = Annotated[
    list[WebhookEvent],
    Meta(
        min_length=1,
        max_length=len(EVENT_BITS),
        description="The events to deliver (a repeated one counts once).",
        examples=[["recipe.liked", "recipe.commented"]],
    ),
]


class WebhookCreate(Input):
    """A new webhook endpoint."""

    url: WebhookUrl
    events: SubscribedEvents
    active: Annotated[bool, Meta(description="Deliver events to it (default true).")] = True


class WebhookUpdate(Input):
    """Changes to an endpoint; absent fields stay as they are."""

    url: WebhookUrl | UnsetType = UNSET
    events: SubscribedEvents | UnsetType = UNSET
    active: Annotated[bool, Meta(description="Deliver events to it.")] | UnsetType = UNSET


class WebhookRead(msgspec.Struct):
    """A webhook endpoint (its secret is shown only when created or rotated)."""

    id: UUID
    url: str
    events: list[WebhookEvent]
    active: Annotated[bool, Meta(description="Whether events are delivered to it.")]
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    """A new endpoint with its signing secret: shown this once (rotate it to get a new one)."""

    secret: Annotated[
        str,
        Meta(
            description="The signing secret (`whsec_` and base64): keep it, it is never shown again. Deliveries "
            "carry `webhook-signature: v1,<base64 HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}'>` keyed "
            "with the base64-decoded part after `whsec_`.",
            examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        ),
    ]


class WebhookSecret(msgspec.Struct):
    """The endpoint's new signing secret: shown this once. Deliveries from now on, retries included, are signed
    with it; the old one no longer signs anything."""

    id: UUID
    secret: Annotated[str, Meta(description="The new signing secret (`whsec_` and base64).")]


class WebhookPage(Page[WebhookRead]):
    items: list[WebhookRead]


class WebhookDeliveryRead(msgspec.Struct):
    """One event sent (or to be sent) to an endpoint, and how its attempts went."""

    id: Annotated[UUID, Meta(description="Also the delivery's `webhook-id` header (`msg_<id>`), the same on retries.")]
    event: WebhookDeliveryType
    status: WebhookDeliveryState
    attempts: Annotated[int, Meta(ge=0, description="Attempts made so far.")]
    response_status: Annotated[
        int | None, Meta(description="The HTTP status of the last answer (null: none yet, or no answer).")
    ]
    error: Annotated[str | None, Meta(description="Why the last attempt failed (null if it did not).")]
    created_at: Annotated[datetime, Meta(description="When the event happened.")]
    last_attempt_at: datetime | None
    delivered_at: datetime | None


class WebhookDeliveryPage(Page[WebhookDeliveryRead]):
    items: list[WebhookDeliveryRead]


class WebhookPingQueued(msgspec.Struct):
    """The ping's delivery: follow it in the endpoint's delivery log."""

    delivery_id: UUID
