from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.collection_entry_page import CollectionEntryPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    collection_id: UUID,
    *,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/me/collections/{collection_id}/recipes".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CollectionEntryPage | Problem:
    if response.status_code == 200:
        response_200 = CollectionEntryPage.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[Any | CollectionEntryPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | CollectionEntryPage | Problem]:
    """List the recipes of one of my collections

     The recipes of one of the signed-in user's collections (public or private), in the collection's
    order.

    Args:
        collection_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many recipes to skip (default 0), at most 500. Default: 0.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CollectionEntryPage | Problem]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | CollectionEntryPage | Problem | None:
    """List the recipes of one of my collections

     The recipes of one of the signed-in user's collections (public or private), in the collection's
    order.

    Args:
        collection_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many recipes to skip (default 0), at most 500. Default: 0.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CollectionEntryPage | Problem
    """

    return sync_detailed(
        collection_id=collection_id,
        client=client,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | CollectionEntryPage | Problem]:
    """List the recipes of one of my collections

     The recipes of one of the signed-in user's collections (public or private), in the collection's
    order.

    Args:
        collection_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many recipes to skip (default 0), at most 500. Default: 0.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CollectionEntryPage | Problem]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | CollectionEntryPage | Problem | None:
    """List the recipes of one of my collections

     The recipes of one of the signed-in user's collections (public or private), in the collection's
    order.

    Args:
        collection_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many recipes to skip (default 0), at most 500. Default: 0.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CollectionEntryPage | Problem
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            client=client,
            limit=limit,
            offset=offset,
            if_none_match=if_none_match,
            x_request_id=x_request_id,
        )
    ).parsed
