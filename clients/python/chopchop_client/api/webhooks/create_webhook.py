from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_create import WebhookCreate
from ...models.webhook_created import WebhookCreated
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: WebhookCreate,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/me/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | WebhookCreated:
    if response.status_code == 201:
        response_201 = WebhookCreated.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | WebhookCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookCreate,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | WebhookCreated]:
    """Register a webhook endpoint

     Register a URL to receive the signed-in user's events (at most 10 endpoints per user).

    The answer carries the signing secret, shown this once. Each delivery is a `POST` of
    `{"type", "timestamp", "data"}` with the Standard Webhooks headers `webhook-id`, `webhook-timestamp`
    and
    `webhook-signature`. Events caused by the user themselves (liking or commenting on their own recipe)
    are
    not sent; `recipe.deleted` and `account.password_changed` are, as they are about the user's own
    things.

    Args:
        x_request_id (str | Unset):
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: WebhookCreate,
    x_request_id: str | Unset = UNSET,
) -> Problem | WebhookCreated | None:
    """Register a webhook endpoint

     Register a URL to receive the signed-in user's events (at most 10 endpoints per user).

    The answer carries the signing secret, shown this once. Each delivery is a `POST` of
    `{"type", "timestamp", "data"}` with the Standard Webhooks headers `webhook-id`, `webhook-timestamp`
    and
    `webhook-signature`. Events caused by the user themselves (liking or commenting on their own recipe)
    are
    not sent; `recipe.deleted` and `account.password_changed` are, as they are about the user's own
    things.

    Args:
        x_request_id (str | Unset):
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookCreated
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookCreate,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | WebhookCreated]:
    """Register a webhook endpoint

     Register a URL to receive the signed-in user's events (at most 10 endpoints per user).

    The answer carries the signing secret, shown this once. Each delivery is a `POST` of
    `{"type", "timestamp", "data"}` with the Standard Webhooks headers `webhook-id`, `webhook-timestamp`
    and
    `webhook-signature`. Events caused by the user themselves (liking or commenting on their own recipe)
    are
    not sent; `recipe.deleted` and `account.password_changed` are, as they are about the user's own
    things.

    Args:
        x_request_id (str | Unset):
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WebhookCreate,
    x_request_id: str | Unset = UNSET,
) -> Problem | WebhookCreated | None:
    """Register a webhook endpoint

     Register a URL to receive the signed-in user's events (at most 10 endpoints per user).

    The answer carries the signing secret, shown this once. Each delivery is a `POST` of
    `{"type", "timestamp", "data"}` with the Standard Webhooks headers `webhook-id`, `webhook-timestamp`
    and
    `webhook-signature`. Events caused by the user themselves (liking or commenting on their own recipe)
    are
    not sent; `recipe.deleted` and `account.password_changed` are, as they are about the user's own
    things.

    Args:
        x_request_id (str | Unset):
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
