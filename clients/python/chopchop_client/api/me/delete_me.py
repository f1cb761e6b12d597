from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.account_deletion import AccountDeletion
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: AccountDeletion,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/me",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AccountDeletion,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Delete my account

     Delete the account and everything it owns; the body carries the current password.

    Its recipes, comments and likes go with it, and the counters of other people's recipes follow.
    Its access tokens stop working at once. Tries of the password count against the account's login
    budget.
    The last admin cannot leave: another account must be made admin first.

    Args:
        x_request_id (str | Unset):
        body (AccountDeletion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
    body: AccountDeletion,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | None:
    """Delete my account

     Delete the account and everything it owns; the body carries the current password.

    Its recipes, comments and likes go with it, and the counters of other people's recipes follow.
    Its access tokens stop working at once. Tries of the password count against the account's login
    budget.
    The last admin cannot leave: another account must be made admin first.

    Args:
        x_request_id (str | Unset):
        body (AccountDeletion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AccountDeletion,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Delete my account

     Delete the account and everything it owns; the body carries the current password.

    Its recipes, comments and likes go with it, and the counters of other people's recipes follow.
    Its access tokens stop working at once. Tries of the password count against the account's login
    budget.
    The last admin cannot leave: another account must be made admin first.

    Args:
        x_request_id (str | Unset):
        body (AccountDeletion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
    body: AccountDeletion,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | None:
    """Delete my account

     Delete the account and everything it owns; the body carries the current password.

    Its recipes, comments and likes go with it, and the counters of other people's recipes follow.
    Its access tokens stop working at once. Tries of the password count against the account's login
    budget.
    The last admin cannot leave: another account must be made admin first.

    Args:
        x_request_id (str | Unset):
        body (AccountDeletion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
