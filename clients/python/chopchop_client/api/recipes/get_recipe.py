from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recipe_read import RecipeRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recipe_id: UUID,
    *,
    servings: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    accept: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(accept, Unset):
        headers["Accept"] = accept

    if not isinstance(chopchop_consistency_token, Unset):
        headers["Chopchop-Consistency-Token"] = chopchop_consistency_token

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    json_servings: int | None | Unset
    if isinstance(servings, Unset):
        json_servings = UNSET
    else:
        json_servings = servings
    params["servings"] = json_servings

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/recipes/{recipe_id}".format(
            recipe_id=quote(str(recipe_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | RecipeRead:
    if response.status_code == 200:
        response_200 = RecipeRead.from_dict(response.json())

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

    if response.status_code == 406:
        response_406 = Problem.from_dict(response.json())

        return response_406

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem | RecipeRead]:
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
    servings: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    accept: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | RecipeRead]:
    """Get recipe

     The whole recipe: steps in order, ingredient lines in order, tags, counters.

    Public and cached. A `draft` or `private` recipe is a 404 for everyone but its author, who reads it
    with
    their access token (that answer is `Cache-Control: private, no-store` and never shared).

    With `Accept: application/ld+json`, the same recipe as a schema.org `Recipe` in JSON-LD (what search
    engines and recipe apps read; `POST /recipes/imports` reads it back).

    Args:
        recipe_id (UUID):
        servings (int | None | Unset): Scale the quantities to this many servings (1-1000).
        if_none_match (str | Unset):
        accept (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RecipeRead]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        servings=servings,
        if_none_match=if_none_match,
        accept=accept,
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
    servings: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    accept: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | RecipeRead | None:
    """Get recipe

     The whole recipe: steps in order, ingredient lines in order, tags, counters.

    Public and cached. A `draft` or `private` recipe is a 404 for everyone but its author, who reads it
    with
    their access token (that answer is `Cache-Control: private, no-store` and never shared).

    With `Accept: application/ld+json`, the same recipe as a schema.org `Recipe` in JSON-LD (what search
    engines and recipe apps read; `POST /recipes/imports` reads it back).

    Args:
        recipe_id (UUID):
        servings (int | None | Unset): Scale the quantities to this many servings (1-1000).
        if_none_match (str | Unset):
        accept (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RecipeRead
    """

    return sync_detailed(
        recipe_id=recipe_id,
        client=client,
        servings=servings,
        if_none_match=if_none_match,
        accept=accept,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    servings: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    accept: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | RecipeRead]:
    """Get recipe

     The whole recipe: steps in order, ingredient lines in order, tags, counters.

    Public and cached. A `draft` or `private` recipe is a 404 for everyone but its author, who reads it
    with
    their access token (that answer is `Cache-Control: private, no-store` and never shared).

    With `Accept: application/ld+json`, the same recipe as a schema.org `Recipe` in JSON-LD (what search
    engines and recipe apps read; `POST /recipes/imports` reads it back).

    Args:
        recipe_id (UUID):
        servings (int | None | Unset): Scale the quantities to this many servings (1-1000).
        if_none_match (str | Unset):
        accept (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RecipeRead]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        servings=servings,
        if_none_match=if_none_match,
        accept=accept,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    servings: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    accept: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | RecipeRead | None:
    """Get recipe

     The whole recipe: steps in order, ingredient lines in order, tags, counters.

    Public and cached. A `draft` or `private` recipe is a 404 for everyone but its author, who reads it
    with
    their access token (that answer is `Cache-Control: private, no-store` and never shared).

    With `Accept: application/ld+json`, the same recipe as a schema.org `Recipe` in JSON-LD (what search
    engines and recipe apps read; `POST /recipes/imports` reads it back).

    Args:
        recipe_id (UUID):
        servings (int | None | Unset): Scale the quantities to this many servings (1-1000).
        if_none_match (str | Unset):
        accept (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RecipeRead
    """

    return (
        await asyncio_detailed(
            recipe_id=recipe_id,
            client=client,
            servings=servings,
            if_none_match=if_none_match,
            accept=accept,
            chopchop_consistency_token=chopchop_consistency_token,
            x_request_id=x_request_id,
        )
    ).parsed
