from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.accepted import Accepted
from ...models.problem import Problem
from ...models.registration import Registration
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: Registration,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/register",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Accepted | Problem:
    if response.status_code == 202:
        response_202 = Accepted.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Accepted | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Registration,
    x_request_id: str | Unset = UNSET,
) -> Response[Accepted | Problem]:
    """Register

     Register; a confirmation email follows. No account exists until the address's owner confirms.

    The answer is the same whether or not the address already has an account: its owner gets an email
    saying so instead, so registration cannot be used to find out who has an account. Each registration
    waits on its own: a later one never changes or invalidates an earlier one, and only the one that is
    confirmed (with its link and its password) becomes the account.

    Args:
        x_request_id (str | Unset):
        body (Registration):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | Problem]
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
    client: AuthenticatedClient | Client,
    body: Registration,
    x_request_id: str | Unset = UNSET,
) -> Accepted | Problem | None:
    """Register

     Register; a confirmation email follows. No account exists until the address's owner confirms.

    The answer is the same whether or not the address already has an account: its owner gets an email
    saying so instead, so registration cannot be used to find out who has an account. Each registration
    waits on its own: a later one never changes or invalidates an earlier one, and only the one that is
    confirmed (with its link and its password) becomes the account.

    Args:
        x_request_id (str | Unset):
        body (Registration):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Registration,
    x_request_id: str | Unset = UNSET,
) -> Response[Accepted | Problem]:
    """Register

     Register; a confirmation email follows. No account exists until the address's owner confirms.

    The answer is the same whether or not the address already has an account: its owner gets an email
    saying so instead, so registration cannot be used to find out who has an account. Each registration
    waits on its own: a later one never changes or invalidates an earlier one, and only the one that is
    confirmed (with its link and its password) becomes the account.

    Args:
        x_request_id (str | Unset):
        body (Registration):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: Registration,
    x_request_id: str | Unset = UNSET,
) -> Accepted | Problem | None:
    """Register

     Register; a confirmation email follows. No account exists until the address's owner confirms.

    The answer is the same whether or not the address already has an account: its owner gets an email
    saying so instead, so registration cannot be used to find out who has an account. Each registration
    waits on its own: a later one never changes or invalidates an earlier one, and only the one that is
    confirmed (with its link and its password) becomes the account.

    Args:
        x_request_id (str | Unset):
        body (Registration):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
