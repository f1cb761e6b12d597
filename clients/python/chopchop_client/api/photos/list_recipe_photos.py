from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.photo_list import PhotoList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recipe_id: UUID,
    *,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(chopchop_consistency_token, Unset):
        headers["Chopchop-Consistency-Token"] = chopchop_consistency_token

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/recipes/{recipe_id}/photos".format(
            recipe_id=quote(str(recipe_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | PhotoList | Problem:
    if response.status_code == 200:
        response_200 = PhotoList.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | PhotoList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | PhotoList | Problem]:
    """List recipe photos

     The recipe's photos in their order, each with its status and URLs (variants once `ready`).

    Args:
        recipe_id (UUID):
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PhotoList | Problem]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | PhotoList | Problem | None:
    """List recipe photos

     The recipe's photos in their order, each with its status and URLs (variants once `ready`).

    Args:
        recipe_id (UUID):
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PhotoList | Problem
    """

    return sync_detailed(
        recipe_id=recipe_id,
        client=client,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | PhotoList | Problem]:
    """List recipe photos

     The recipe's photos in their order, each with its status and URLs (variants once `ready`).

    Args:
        recipe_id (UUID):
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PhotoList | Problem]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | PhotoList | Problem | None:
    """List recipe photos

     The recipe's photos in their order, each with its status and URLs (variants once `ready`).

    Args:
        recipe_id (UUID):
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PhotoList | Problem
    """

    return (
        await asyncio_detailed(
            recipe_id=recipe_id,
            client=client,
            if_none_match=if_none_match,
            chopchop_consistency_token=chopchop_consistency_token,
            x_request_id=x_request_id,
        )
    ).parsed
