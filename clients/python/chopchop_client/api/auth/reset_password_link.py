from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.link_instructions import LinkInstructions
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    token: str,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    params["token"] = token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/reset-password",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LinkInstructions | Problem:
    if response.status_code == 200:
        response_200 = LinkInstructions.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[LinkInstructions | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    token: str,
    x_request_id: str | Unset = UNSET,
) -> Response[LinkInstructions | Problem]:
    """Reset password (the link of the email)

     The link in the password reset email: says how to reset, changes nothing.

    Resetting is ``POST /api/v1/auth/reset-password`` with this token and the new password.

    Args:
        token (str): Token from the email link.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkInstructions | Problem]
    """

    kwargs = _get_kwargs(
        token=token,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    token: str,
    x_request_id: str | Unset = UNSET,
) -> LinkInstructions | Problem | None:
    """Reset password (the link of the email)

     The link in the password reset email: says how to reset, changes nothing.

    Resetting is ``POST /api/v1/auth/reset-password`` with this token and the new password.

    Args:
        token (str): Token from the email link.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkInstructions | Problem
    """

    return sync_detailed(
        client=client,
        token=token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    token: str,
    x_request_id: str | Unset = UNSET,
) -> Response[LinkInstructions | Problem]:
    """Reset password (the link of the email)

     The link in the password reset email: says how to reset, changes nothing.

    Resetting is ``POST /api/v1/auth/reset-password`` with this token and the new password.

    Args:
        token (str): Token from the email link.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkInstructions | Problem]
    """

    kwargs = _get_kwargs(
        token=token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    token: str,
    x_request_id: str | Unset = UNSET,
) -> LinkInstructions | Problem | None:
    """Reset password (the link of the email)

     The link in the password reset email: says how to reset, changes nothing.

    Resetting is ``POST /api/v1/auth/reset-password`` with this token and the new password.

    Args:
        token (str): Token from the email link.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkInstructions | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            token=token,
            x_request_id=x_request_id,
        )
    ).parsed
