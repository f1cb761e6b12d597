from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recipe_read import RecipeRead
from ...models.recipe_update import RecipeUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recipe_id: UUID,
    *,
    body: RecipeUpdate,
    if_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/recipes/{recipe_id}".format(
            recipe_id=quote(str(recipe_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RecipeRead:
    if response.status_code == 200:
        response_200 = RecipeRead.from_dict(response.json())

        return response_200

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

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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
) -> Response[Problem | RecipeRead]:
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
    body: RecipeUpdate,
    if_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RecipeRead]:
    """Update recipe

     Change some fields (author only); fields that are absent stay as they are. `status` publishes a
    draft
    (`public`) or takes a recipe out of every list (`draft`, `private`).

    Send `If-Match` with the ETag of your copy to be refused (412) if someone changed it meanwhile.

    Args:
        recipe_id (UUID):
        if_match (str | Unset):
        x_request_id (str | Unset):
        body (RecipeUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecipeRead]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        body=body,
        if_match=if_match,
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
    body: RecipeUpdate,
    if_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | RecipeRead | None:
    """Update recipe

     Change some fields (author only); fields that are absent stay as they are. `status` publishes a
    draft
    (`public`) or takes a recipe out of every list (`draft`, `private`).

    Send `If-Match` with the ETag of your copy to be refused (412) if someone changed it meanwhile.

    Args:
        recipe_id (UUID):
        if_match (str | Unset):
        x_request_id (str | Unset):
        body (RecipeUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecipeRead
    """

    return sync_detailed(
        recipe_id=recipe_id,
        client=client,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RecipeUpdate,
    if_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RecipeRead]:
    """Update recipe

     Change some fields (author only); fields that are absent stay as they are. `status` publishes a
    draft
    (`public`) or takes a recipe out of every list (`draft`, `private`).

    Send `If-Match` with the ETag of your copy to be refused (412) if someone changed it meanwhile.

    Args:
        recipe_id (UUID):
        if_match (str | Unset):
        x_request_id (str | Unset):
        body (RecipeUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecipeRead]
    """

    kwargs = _get_kwargs(
        recipe_id=recipe_id,
        body=body,
        if_match=if_match,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recipe_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RecipeUpdate,
    if_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | RecipeRead | None:
    """Update recipe

     Change some fields (author only); fields that are absent stay as they are. `status` publishes a
    draft
    (`public`) or takes a recipe out of every list (`draft`, `private`).

    Send `If-Match` with the ETag of your copy to be refused (412) if someone changed it meanwhile.

    Args:
        recipe_id (UUID):
        if_match (str | Unset):
        x_request_id (str | Unset):
        body (RecipeUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecipeRead
    """

    return (
        await asyncio_detailed(
            recipe_id=recipe_id,
            client=client,
            body=body,
            if_match=if_match,
            x_request_id=x_request_id,
        )
    ).parsed
