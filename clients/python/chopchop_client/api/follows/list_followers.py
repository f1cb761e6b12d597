from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.follow_page import FollowPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    user_id: UUID,
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
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
        "url": "/api/v1/users/{user_id}/followers".format(
            user_id=quote(str(user_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | FollowPage | Problem:
    if response.status_code == 200:
        response_200 = FollowPage.from_dict(response.json())

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
) -> Response[Any | FollowPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | FollowPage | Problem]:
    """List a user's followers

     Who follows the user, most recent follow first; pages by cursor (`total` is the follower count).

    Args:
        user_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FollowPage | Problem]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        limit=limit,
        cursor=cursor,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | FollowPage | Problem | None:
    """List a user's followers

     Who follows the user, most recent follow first; pages by cursor (`total` is the follower count).

    Args:
        user_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FollowPage | Problem
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        limit=limit,
        cursor=cursor,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    user_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | FollowPage | Problem]:
    """List a user's followers

     Who follows the user, most recent follow first; pages by cursor (`total` is the follower count).

    Args:
        user_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FollowPage | Problem]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        limit=limit,
        cursor=cursor,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | FollowPage | Problem | None:
    """List a user's followers

     Who follows the user, most recent follow first; pages by cursor (`total` is the follower count).

    Args:
        user_id (UUID):
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        cursor (None | str | Unset): An opaque position from a page's `next_cursor` or
            `prev_cursor` (or its `Link` header): the page after (or before) it, in the same order.
            Only valid with the same sort and filters it was issued for (otherwise a 400), and not
            with a nonzero `offset`. Cursor pages stay correct while items are added or removed and
            cost the same at any depth.
        if_none_match (str | Unset):
        chopchop_consistency_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FollowPage | Problem
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            limit=limit,
            cursor=cursor,
            if_none_match=if_none_match,
            chopchop_consistency_token=chopchop_consistency_token,
            x_request_id=x_request_id,
        )
    ).parsed
