from http import HTTPStatus
from typing import Any, cast
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.audit_action import AuditAction
from ...models.audit_page import AuditPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor: None | Unset | UUID = UNSET,
    target: None | Unset | UUID = UNSET,
    action: AuditAction | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
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

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    elif isinstance(actor, UUID):
        json_actor = str(actor)
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_target: None | str | Unset
    if isinstance(target, Unset):
        json_target = UNSET
    elif isinstance(target, UUID):
        json_target = str(target)
    else:
        json_target = target
    params["target"] = json_target

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    elif isinstance(action, AuditAction):
        json_action = action.value
    else:
        json_action = action
    params["action"] = json_action

    params["limit"] = limit

    params["offset"] = offset

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/admin/audit-log",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | AuditPage | Problem:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())

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

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | AuditPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | Unset | UUID = UNSET,
    target: None | Unset | UUID = UNSET,
    action: AuditAction | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | AuditPage | Problem]:
    """List audit log

     Every moderation action, newest first, by offset or by cursor (admins; never cached).

    Args:
        actor (None | Unset | UUID): Only the actions of this account.
        target (None | Unset | UUID): Only the actions on this id.
        action (AuditAction | None | Unset): Only this kind of action.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
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
        Response[Any | AuditPage | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        target=target,
        action=action,
        limit=limit,
        offset=offset,
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
    actor: None | Unset | UUID = UNSET,
    target: None | Unset | UUID = UNSET,
    action: AuditAction | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | AuditPage | Problem | None:
    """List audit log

     Every moderation action, newest first, by offset or by cursor (admins; never cached).

    Args:
        actor (None | Unset | UUID): Only the actions of this account.
        target (None | Unset | UUID): Only the actions on this id.
        action (AuditAction | None | Unset): Only this kind of action.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
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
        Any | AuditPage | Problem
    """

    return sync_detailed(
        client=client,
        actor=actor,
        target=target,
        action=action,
        limit=limit,
        offset=offset,
        cursor=cursor,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | Unset | UUID = UNSET,
    target: None | Unset | UUID = UNSET,
    action: AuditAction | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | AuditPage | Problem]:
    """List audit log

     Every moderation action, newest first, by offset or by cursor (admins; never cached).

    Args:
        actor (None | Unset | UUID): Only the actions of this account.
        target (None | Unset | UUID): Only the actions on this id.
        action (AuditAction | None | Unset): Only this kind of action.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
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
        Response[Any | AuditPage | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        target=target,
        action=action,
        limit=limit,
        offset=offset,
        cursor=cursor,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor: None | Unset | UUID = UNSET,
    target: None | Unset | UUID = UNSET,
    action: AuditAction | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | AuditPage | Problem | None:
    """List audit log

     Every moderation action, newest first, by offset or by cursor (admins; never cached).

    Args:
        actor (None | Unset | UUID): Only the actions of this account.
        target (None | Unset | UUID): Only the actions on this id.
        action (AuditAction | None | Unset): Only this kind of action.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0). Default: 0.
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
        Any | AuditPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            target=target,
            action=action,
            limit=limit,
            offset=offset,
            cursor=cursor,
            if_none_match=if_none_match,
            x_request_id=x_request_id,
        )
    ).parsed
