"""HTTP endpoints of webhooks: the signed-in user's endpoints, their secrets, pings and delivery logs.

Nothing here is cached: every answer is the caller's own (``private, no-store``). Managing webhooks needs a login's
access token (scope ``account``), never a personal access token: an endpoint outlives the token that made it, so a
leaked script token must not be able to register a URL that keeps receiving the account's events once the token is
revoked."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from chopchop.db import User, WebhookDelivery, WebhookEndpoint
from chopchop.domain.accounts.auth import ACCOUNT, REQUIRED_SCOPE_OPT, Grant
from chopchop.domain.webhooks.schemas import (
    MAX_ENDPOINTS_PER_USER,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPage,
    WebhookDeliveryRead,
    WebhookDeliveryState,
    WebhookDeliveryType,
    WebhookPage,
    WebhookPingQueued,
    WebhookRead,
    WebhookSecret,
    WebhookUpdate,
    events_of,
)
from chopchop.domain.webhooks.services import WebhookService
from chopchop.lib.apidoc import LOCATION, ApiOperation
from chopchop.lib.pagination import DEFAULT_LIMIT, LIST_RESPONSE_HEADERS, MAX_SEARCH_OFFSET, Limit, page_response
from chopchop.lib.problems import problems
from chopchop.lib.ratelimit import RateLimits
from chopchop.lib.webhooks import SecretBox
from chopchop.settings import Settings

WEBHOOKS_PATH = "/api/v1/me/webhooks"

webhook_dependencies = {"webhooks_service": Provide(create_service_provider(WebhookService))}

_LOGIN_ONLY = {
    403: "A personal access token cannot manage webhooks: it needs a login's access token (type "
    '`.../insufficient-scope`, `WWW-Authenticate: Bearer error="insufficient_scope", scope="account"`).'
}
_ENDPOINT_ERRORS = {404: "No webhook endpoint of the signed-in user has this id.", **_LOGIN_ONLY}
_URL_ERRORS = {
    400: "The body is invalid, or the URL is refused (not http(s), user info, a fragment, too long, a private or "
    "loopback address, localhost): `type` ends in `webhook-url-refused` for the latter.",
}

LogOffset = Annotated[
    int,
    QueryParameter(
        ge=0, le=MAX_SEARCH_OFFSET, description=f"How many deliveries to skip (default 0), at most {MAX_SEARCH_OFFSET}."
    ),
]
EndpointOffset = Annotated[
    int,
    QueryParameter(
        ge=0,
        le=MAX_ENDPOINTS_PER_USER,
        description=f"How many endpoints to skip (default 0), at most {MAX_ENDPOINTS_PER_USER}.",
    ),
]


def _box(settings: Settings) -> SecretBox:
    return SecretBox(settings.jwt_secret or "")


def to_webhook_read(endpoint: WebhookEndpoint) -> WebhookRead:
    return WebhookRead(
        id=endpoint.id,
        url=endpoint.url,
        events=events_of(endpoint.events),
        active=endpoint.active,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def to_delivery_read(delivery: WebhookDelivery) -> WebhookDeliveryRead:
    return WebhookDeliveryRead(
        id=delivery.id,
        event=WebhookDeliveryType(delivery.event),
        status=WebhookDeliveryState(delivery.status),
        attempts=delivery.attempts,
        response_status=delivery.response_status,
        error=delivery.last_error,
        created_at=delivery.created_at,
        last_attempt_at=delivery.last_attempt_at,
        delivered_at=delivery.delivered_at,
    )


class WebhookController(Controller):
    """The signed-in user's webhook endpoints: with a login's access token only (scope `account`)."""

    path = WEBHOOKS_PATH
    tags = ["webhooks"]
    dependencies = webhook_dependencies
    opt = {REQUIRED_SCOPE_OPT: ACCOUNT}

    @post(
        "/",
        operation_id="createWebhook",
        operation_class=ApiOperation,
        summary="Register a webhook endpoint",
        status_code=HTTP_201_CREATED,
        response_headers=[LOCATION],
        responses=problems(
            400,
            401,
            403,
            409,
            429,
            descriptions={
                **_URL_ERRORS,
                **_LOGIN_ONLY,
                409: f"The user has {MAX_ENDPOINTS_PER_USER} endpoints already.",
            },
        ),
    )
    async def create_webhook(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[WebhookCreate],
        webhooks_service: NamedDependency[WebhookService],
        rate_limits: NamedDependency[RateLimits],
        settings: NamedDependency[Settings],
    ) -> Response[WebhookCreated]:
        """Register a URL to receive the signed-in user's events (at most 10 endpoints per user).

        The answer carries the signing secret, shown this once. Each delivery is a `POST` of
        `{"type", "timestamp", "data"}` with the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and
        `webhook-signature`. Events caused by the user themselves (liking or commenting on their own recipe) are
        not sent; `recipe.deleted` and `account.password_changed` are, as they are about the user's own things.
        """
        await rate_limits.check(request, "webhooks", key=str(request.user.id))
        endpoint, secret = await webhooks_service.create_endpoint(
            request.user.id, data, box=_box(settings), allow_private=settings.webhook_allow_private_addresses
        )
        read = to_webhook_read(endpoint)
        return Response(
            WebhookCreated(**{field: getattr(read, field) for field in read.__struct_fields__}, secret=secret),
            status_code=HTTP_201_CREATED,
            headers={"Location": f"{WEBHOOKS_PATH}/{endpoint.id}"},
        )

    @get(
        "/",
        operation_id="listWebhooks",
        operation_class=ApiOperation,
        summary="List my webhook endpoints",
        cache=False,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 401, 403, descriptions=_LOGIN_ONLY),
    )
    async def list_webhooks(
        self,
        request: Request[User, Grant, Any],
        webhooks_service: NamedDependency[WebhookService],
        limit: Limit = DEFAULT_LIMIT,
        offset: EndpointOffset = 0,
    ) -> Response[WebhookPage]:
        """The signed-in user's endpoints, oldest first (without their secrets)."""
        found, total = await webhooks_service.page(request.user.id, limit=limit, offset=offset)
        return page_response(
            request, [to_webhook_read(e) for e in found], total=total, limit=limit, offset=offset, page_type=WebhookPage
        )

    @get(
        "/{webhook_id:uuid}",
        operation_id="getWebhook",
        operation_class=ApiOperation,
        summary="Get a webhook endpoint",
        cache=False,
        responses=problems(304, 400, 401, 403, 404, descriptions=_ENDPOINT_ERRORS),
    )
    async def get_webhook(
        self,
        request: Request[User, Grant, Any],
        webhook_id: FromPath[UUID],
        webhooks_service: NamedDependency[WebhookService],
    ) -> WebhookRead:
        """One of the signed-in user's endpoints (without its secret)."""
        return to_webhook_read(await webhooks_service.get_owned(webhook_id, request.user.id))

    @patch(
        "/{webhook_id:uuid}",
        operation_id="updateWebhook",
        operation_class=ApiOperation,
        summary="Change a webhook endpoint",
        responses=problems(400, 401, 403, 404, 429, descriptions={**_URL_ERRORS, **_ENDPOINT_ERRORS}),
    )
    async def update_webhook(
        self,
        request: Request[User, Grant, Any],
        webhook_id: FromPath[UUID],
        data: JSONBody[WebhookUpdate],
        webhooks_service: NamedDependency[WebhookService],
        settings: NamedDependency[Settings],
    ) -> WebhookRead:
        """Change the URL, the events or whether it is active; absent fields stay as they are. Deliveries
        waiting for a retry go to the new URL; those of an endpoint made inactive are cancelled."""
        endpoint = await webhooks_service.update_endpoint(
            webhook_id, request.user.id, data, allow_private=settings.webhook_allow_private_addresses
        )
        return to_webhook_read(endpoint)

    @delete(
        "/{webhook_id:uuid}",
        operation_id="deleteWebhook",
        operation_class=ApiOperation,
        summary="Delete a webhook endpoint",
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 401, 403, 404, 429, descriptions=_ENDPOINT_ERRORS),
    )
    async def delete_webhook(
        self,
        request: Request[User, Grant, Any],
        webhook_id: FromPath[UUID],
        webhooks_service: NamedDependency[WebhookService],
    ) -> None:
        """Delete the endpoint and its delivery log; deliveries not made yet are dropped."""
        await webhooks_service.delete_endpoint(webhook_id, request.user.id)

    @post(
        "/{webhook_id:uuid}/rotate-secret",
        operation_id="rotateWebhookSecret",
        operation_class=ApiOperation,
        summary="Rotate a webhook endpoint's secret",
        status_code=HTTP_200_OK,
        responses=problems(400, 401, 403, 404, 429, descriptions=_ENDPOINT_ERRORS),
    )
    async def rotate_webhook_secret(
        self,
        request: Request[User, Grant, Any],
        webhook_id: FromPath[UUID],
        webhooks_service: NamedDependency[WebhookService],
        settings: NamedDependency[Settings],
    ) -> WebhookSecret:
        """A new signing secret, shown this once. Every delivery from now on (retries included) is signed with it;
        the old secret signs nothing more."""
        secret = await webhooks_service.rotate_secret(webhook_id, request.user.id, box=_box(settings))
        return WebhookSecret(id=webhook_id, secret=secret)

    @post(
        "/{webhook_id:uuid}/ping",
        operation_id="pingWebhook",
        operation_class=ApiOperation,
        summary="Send a test event to a webhook endpoint",
        status_code=HTTP_202_ACCEPTED,
        responses=problems(400, 401, 403, 404, 429, descriptions=_ENDPOINT_ERRORS),
    )
    async def ping_webhook(
        self,
        request: Request[User, Grant, Any],
        webhook_id: FromPath[UUID],
        webhooks_service: NamedDependency[WebhookService],
        rate_limits: NamedDependency[RateLimits],
    ) -> WebhookPingQueued:
        """Queue a `ping` delivery (`data: {"webhook_id": ...}`), active endpoint or not, to test the receiver:
        its outcome shows in the delivery log."""
        await rate_limits.check(request, "webhooks", key=str(request.user.id))
        return WebhookPingQueued(delivery_id=await webhooks_service.ping(webhook_id, request.user.id))

    @get(
        "/{webhook_id:uuid}/deliveries",
        operation_id="listWebhookDeliveries",
        operation_class=ApiOperation,
        summary="List a webhook endpoint's deliveries",
        cache=False,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 401, 403, 404, descriptions=_ENDPOINT_ERRORS),
    )
    async def list_webhook_deliveries(
        self,
        request: Request[User, Grant, Any],
        webhook_id: FromPath[UUID],
        webhooks_service: NamedDependency[WebhookService],
        limit: Limit = DEFAULT_LIMIT,
        offset: LogOffset = 0,
    ) -> Response[WebhookDeliveryPage]:
        """The endpoint's delivery log, newest first: each event, its attempts, the last answer's status and error.
        Deliveries are kept for a week."""
        found, total = await webhooks_service.deliveries(webhook_id, request.user.id, limit=limit, offset=offset)
        return page_response(
            request,
            [to_delivery_read(d) for d in found],
            total=total,
            limit=limit,
            offset=offset,
            page_type=WebhookDeliveryPage,
        )
