from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recipe_change_page import RecipeChangePage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    since: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    else:
        json_since = since
    params["since"] = json_since

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/recipes/changes",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | RecipeChangePage:
    if response.status_code == 200:
        response_200 = RecipeChangePage.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem | RecipeChangePage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    since: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | RecipeChangePage]:
    """List recipe changes

     The change feed of sync clients: created and updated recipes and tombstones of deleted ones, in
    commit
    order, from a cursor.

    Each recipe appears once, with its latest change: a recipe changed several times since your last
    poll comes
    once, as it is now; created and updated both mean "upsert this summary" (a recipe created and then
    edited
    before you polled comes as `updated`), deleted means "remove it". Like and comment counters moving
    are not
    changes. No change is ever skipped, even one whose transaction committed after a later one: poll
    with
    `next_cursor` until `has_more` is false, then again later. Public, never cached.

    Args:
        since (None | str | Unset): Where to resume: the `next_cursor` (or an entry's `cursor`) of
            your last poll, as received. Absent: from the start (every live recipe, then recent
            deletions).
        limit (int | Unset): Entries per page: 1 to 1000 (default 100). Default: 100.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RecipeChangePage]
    """

    kwargs = _get_kwargs(
        since=since,
        limit=limit,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    since: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | RecipeChangePage | None:
    """List recipe changes

     The change feed of sync clients: created and updated recipes and tombstones of deleted ones, in
    commit
    order, from a cursor.

    Each recipe appears once, with its latest change: a recipe changed several times since your last
    poll comes
    once, as it is now; created and updated both mean "upsert this summary" (a recipe created and then
    edited
    before you polled comes as `updated`), deleted means "remove it". Like and comment counters moving
    are not
    changes. No change is ever skipped, even one whose transaction committed after a later one: poll
    with
    `next_cursor` until `has_more` is false, then again later. Public, never cached.

    Args:
        since (None | str | Unset): Where to resume: the `next_cursor` (or an entry's `cursor`) of
            your last poll, as received. Absent: from the start (every live recipe, then recent
            deletions).
        limit (int | Unset): Entries per page: 1 to 1000 (default 100). Default: 100.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RecipeChangePage
    """

    return sync_detailed(
        client=client,
        since=since,
        limit=limit,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    since: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | RecipeChangePage]:
    """List recipe changes

     The change feed of sync clients: created and updated recipes and tombstones of deleted ones, in
    commit
    order, from a cursor.

    Each recipe appears once, with its latest change: a recipe changed several times since your last
    poll comes
    once, as it is now; created and updated both mean "upsert this summary" (a recipe created and then
    edited
    before you polled comes as `updated`), deleted means "remove it". Like and comment counters moving
    are not
    changes. No change is ever skipped, even one whose transaction committed after a later one: poll
    with
    `next_cursor` until `has_more` is false, then again later. Public, never cached.

    Args:
        since (None | str | Unset): Where to resume: the `next_cursor` (or an entry's `cursor`) of
            your last poll, as received. Absent: from the start (every live recipe, then recent
            deletions).
        limit (int | Unset): Entries per page: 1 to 1000 (default 100). Default: 100.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RecipeChangePage]
    """

    kwargs = _get_kwargs(
        since=since,
        limit=limit,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    since: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | RecipeChangePage | None:
    """List recipe changes

     The change feed of sync clients: created and updated recipes and tombstones of deleted ones, in
    commit
    order, from a cursor.

    Each recipe appears once, with its latest change: a recipe changed several times since your last
    poll comes
    once, as it is now; created and updated both mean "upsert this summary" (a recipe created and then
    edited
    before you polled comes as `updated`), deleted means "remove it". Like and comment counters moving
    are not
    changes. No change is ever skipped, even one whose transaction committed after a later one: poll
    with
    `next_cursor` until `has_more` is false, then again later. Public, never cached.

    Args:
        since (None | str | Unset): Where to resume: the `next_cursor` (or an entry's `cursor`) of
            your last poll, as received. Absent: from the start (every live recipe, then recent
            deletions).
        limit (int | Unset): Entries per page: 1 to 1000 (default 100). Default: 100.
        if_none_match (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RecipeChangePage
    """

    return (
        await asyncio_detailed(
            client=client,
            since=since,
            limit=limit,
            if_none_match=if_none_match,
            x_request_id=x_request_id,
        )
    ).parsed
