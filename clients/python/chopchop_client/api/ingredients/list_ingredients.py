from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.ingredient_page import IngredientPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    prefix: str | Unset = "",
    limit: int | Unset = 20,
    offset: int | Unset = 0,
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

    params: dict[str, Any] = {}

    params["prefix"] = prefix

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/ingredients",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | IngredientPage | Problem:
    if response.status_code == 200:
        response_200 = IngredientPage.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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
) -> Response[Any | IngredientPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    prefix: str | Unset = "",
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | IngredientPage | Problem]:
    """List ingredients

     Catalogue entries whose name starts with ``prefix``, alphabetically, with how many recipes use each.

    Args:
        prefix (str | Unset): Start of the name (autocomplete). Default: ''.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | IngredientPage | Problem]
    """

    kwargs = _get_kwargs(
        prefix=prefix,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    prefix: str | Unset = "",
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | IngredientPage | Problem | None:
    """List ingredients

     Catalogue entries whose name starts with ``prefix``, alphabetically, with how many recipes use each.

    Args:
        prefix (str | Unset): Start of the name (autocomplete). Default: ''.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | IngredientPage | Problem
    """

    return sync_detailed(
        client=client,
        prefix=prefix,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    prefix: str | Unset = "",
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | IngredientPage | Problem]:
    """List ingredients

     Catalogue entries whose name starts with ``prefix``, alphabetically, with how many recipes use each.

    Args:
        prefix (str | Unset): Start of the name (autocomplete). Default: ''.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | IngredientPage | Problem]
    """

    kwargs = _get_kwargs(
        prefix=prefix,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    prefix: str | Unset = "",
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | IngredientPage | Problem | None:
    """List ingredients

     Catalogue entries whose name starts with ``prefix``, alphabetically, with how many recipes use each.

    Args:
        prefix (str | Unset): Start of the name (autocomplete). Default: ''.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | IngredientPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            prefix=prefix,
            limit=limit,
            offset=offset,
            if_none_match=if_none_match,
            chopchop_consistency_token=chopchop_consistency_token,
            x_request_id=x_request_id,
        )
    ).parsed
