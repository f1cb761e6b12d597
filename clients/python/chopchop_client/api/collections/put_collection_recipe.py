from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.collection_entry_put import CollectionEntryPut
from ...models.collection_entry_state import CollectionEntryState
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    collection_id: UUID,
    recipe_id: UUID,
    *,
    body: CollectionEntryPut,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/collections/{collection_id}/recipes/{recipe_id}".format(
            collection_id=quote(str(collection_id), safe=""),
            recipe_id=quote(str(recipe_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CollectionEntryState | Problem:
    if response.status_code == 200:
        response_200 = CollectionEntryState.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[CollectionEntryState | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CollectionEntryPut,
    x_request_id: str | Unset = UNSET,
) -> Response[CollectionEntryState | Problem]:
    """Add a recipe to a collection, or move it

     Put the recipe in the collection (owner only): 201 if it was added, 200 if it was there already.

    The body is `{}` or `{"position": n}`. Without a `position` a new recipe goes last and one already
    there
    stays where it is (idempotent); with one, the recipe goes to that place (moving it if it was there),
    the
    others keep their order. A recipe is in a collection once; at most 500 recipes per collection.

    Args:
        collection_id (UUID):
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (CollectionEntryPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CollectionEntryState | Problem]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        recipe_id=recipe_id,
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CollectionEntryPut,
    x_request_id: str | Unset = UNSET,
) -> CollectionEntryState | Problem | None:
    """Add a recipe to a collection, or move it

     Put the recipe in the collection (owner only): 201 if it was added, 200 if it was there already.

    The body is `{}` or `{"position": n}`. Without a `position` a new recipe goes last and one already
    there
    stays where it is (idempotent); with one, the recipe goes to that place (moving it if it was there),
    the
    others keep their order. A recipe is in a collection once; at most 500 recipes per collection.

    Args:
        collection_id (UUID):
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (CollectionEntryPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CollectionEntryState | Problem
    """

    return sync_detailed(
        collection_id=collection_id,
        recipe_id=recipe_id,
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CollectionEntryPut,
    x_request_id: str | Unset = UNSET,
) -> Response[CollectionEntryState | Problem]:
    """Add a recipe to a collection, or move it

     Put the recipe in the collection (owner only): 201 if it was added, 200 if it was there already.

    The body is `{}` or `{"position": n}`. Without a `position` a new recipe goes last and one already
    there
    stays where it is (idempotent); with one, the recipe goes to that place (moving it if it was there),
    the
    others keep their order. A recipe is in a collection once; at most 500 recipes per collection.

    Args:
        collection_id (UUID):
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (CollectionEntryPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CollectionEntryState | Problem]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        recipe_id=recipe_id,
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CollectionEntryPut,
    x_request_id: str | Unset = UNSET,
) -> CollectionEntryState | Problem | None:
    """Add a recipe to a collection, or move it

     Put the recipe in the collection (owner only): 201 if it was added, 200 if it was there already.

    The body is `{}` or `{"position": n}`. Without a `position` a new recipe goes last and one already
    there
    stays where it is (idempotent); with one, the recipe goes to that place (moving it if it was there),
    the
    others keep their order. A recipe is in a collection once; at most 500 recipes per collection.

    Args:
        collection_id (UUID):
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (CollectionEntryPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CollectionEntryState | Problem
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            recipe_id=recipe_id,
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
