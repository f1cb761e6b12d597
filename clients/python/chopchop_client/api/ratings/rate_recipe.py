from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.rating_input import RatingInput
from ...models.rating_state import RatingState
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recipe_id: UUID,
    *,
    body: RatingInput,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/recipes/{recipe_id}/rating".format(
            recipe_id=quote(str(recipe_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RatingState:
    if response.status_code == 200:
        response_200 = RatingState.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = RatingState.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | RatingState]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RatingInput,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RatingState]:
    """Rate recipe

     Rate the recipe 1 to 5 stars, or change your stars: 201 the first time, 200 after.

    One rating per user and recipe; the recipe's `rating` (average and count) changes at once in every
    list and
    in its details. Authors cannot rate their own recipes (403).

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (RatingInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RatingState]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RatingInput,
    x_request_id: str | Unset = UNSET,
) -> Problem | RatingState | None:
    """Rate recipe

     Rate the recipe 1 to 5 stars, or change your stars: 201 the first time, 200 after.

    One rating per user and recipe; the recipe's `rating` (average and count) changes at once in every
    list and
    in its details. Authors cannot rate their own recipes (403).

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (RatingInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RatingState
    """

    return sync_detailed(
        recipe_id=recipe_id,
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RatingInput,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RatingState]:
    """Rate recipe

     Rate the recipe 1 to 5 stars, or change your stars: 201 the first time, 200 after.

    One rating per user and recipe; the recipe's `rating` (average and count) changes at once in every
    list and
    in its details. Authors cannot rate their own recipes (403).

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (RatingInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RatingState]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RatingInput,
    x_request_id: str | Unset = UNSET,
) -> Problem | RatingState | None:
    """Rate recipe

     Rate the recipe 1 to 5 stars, or change your stars: 201 the first time, 200 after.

    One rating per user and recipe; the recipe's `rating` (average and count) changes at once in every
    list and
    in its details. Authors cannot rate their own recipes (403).

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (RatingInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RatingState
    """

    return (
        await asyncio_detailed(
            recipe_id=recipe_id,
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
