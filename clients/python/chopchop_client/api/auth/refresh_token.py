from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.access_token import AccessToken
from ...models.problem import Problem
from ...models.token_refresh import TokenRefresh
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TokenRefresh,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/refresh",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AccessToken | Problem:
    if response.status_code == 200:
        response_200 = AccessToken.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[AccessToken | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRefresh,
    x_request_id: str | Unset = UNSET,
) -> Response[AccessToken | Problem]:
    """Refresh the access token

     Exchange a refresh token for a new access token and a new refresh token (RFC 6749 §6, rotated).

    The refresh token sent is used up: keep the new one. Sending a used one again is taken for a stolen
    token:
    the whole login ends (its refresh tokens, and the access tokens minted from them) and the answer is
    401.

    Args:
        x_request_id (str | Unset):
        body (TokenRefresh):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | Problem]
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
    body: TokenRefresh,
    x_request_id: str | Unset = UNSET,
) -> AccessToken | Problem | None:
    """Refresh the access token

     Exchange a refresh token for a new access token and a new refresh token (RFC 6749 §6, rotated).

    The refresh token sent is used up: keep the new one. Sending a used one again is taken for a stolen
    token:
    the whole login ends (its refresh tokens, and the access tokens minted from them) and the answer is
    401.

    Args:
        x_request_id (str | Unset):
        body (TokenRefresh):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRefresh,
    x_request_id: str | Unset = UNSET,
) -> Response[AccessToken | Problem]:
    """Refresh the access token

     Exchange a refresh token for a new access token and a new refresh token (RFC 6749 §6, rotated).

    The refresh token sent is used up: keep the new one. Sending a used one again is taken for a stolen
    token:
    the whole login ends (its refresh tokens, and the access tokens minted from them) and the answer is
    401.

    Args:
        x_request_id (str | Unset):
        body (TokenRefresh):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | Problem]
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
    body: TokenRefresh,
    x_request_id: str | Unset = UNSET,
) -> AccessToken | Problem | None:
    """Refresh the access token

     Exchange a refresh token for a new access token and a new refresh token (RFC 6749 §6, rotated).

    The refresh token sent is used up: keep the new one. Sending a used one again is taken for a stolen
    token:
    the whole login ends (its refresh tokens, and the access tokens minted from them) and the answer is
    401.

    Args:
        x_request_id (str | Unset):
        body (TokenRefresh):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
