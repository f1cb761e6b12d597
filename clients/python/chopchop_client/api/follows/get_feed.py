from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.feed_page import FeedPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
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

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/me/feed",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | FeedPage | Problem:
    if response.status_code == 200:
        response_200 = FeedPage.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | FeedPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | FeedPage | Problem]:
    """My feed

     The recipes of the authors you follow, newest first. Follow `next_cursor` (or the `next` link) for
    older
    ones, `prev_cursor` for newer ones: cursor pages neither repeat nor skip a recipe while new ones are
    published (new recipes appear at the top: read the first page again, or go back by `prev_cursor`).

    Args:
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | FeedPage | Problem | None:
    """My feed

     The recipes of the authors you follow, newest first. Follow `next_cursor` (or the `next` link) for
    older
    ones, `prev_cursor` for newer ones: cursor pages neither repeat nor skip a recipe while new ones are
    published (new recipes appear at the top: read the first page again, or go back by `prev_cursor`).

    Args:
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedPage | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | FeedPage | Problem]:
    """My feed

     The recipes of the authors you follow, newest first. Follow `next_cursor` (or the `next` link) for
    older
    ones, `prev_cursor` for newer ones: cursor pages neither repeat nor skip a recipe while new ones are
    published (new recipes appear at the top: read the first page again, or go back by `prev_cursor`).

    Args:
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | FeedPage | Problem | None:
    """My feed

     The recipes of the authors you follow, newest first. Follow `next_cursor` (or the `next` link) for
    older
    ones, `prev_cursor` for newer ones: cursor pages neither repeat nor skip a recipe while new ones are
    published (new recipes appear at the top: read the first page again, or go back by `prev_cursor`).

    Args:
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            if_none_match=if_none_match,
            x_request_id=x_request_id,
        )
    ).parsed
