from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.report_read import ReportRead
from ...models.report_resolution import ReportResolution
from ...types import UNSET, Response, Unset


def _get_kwargs(
    report_id: UUID,
    *,
    body: ReportResolution,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/moderation/reports/{report_id}/resolution".format(
            report_id=quote(str(report_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | ReportRead:
    if response.status_code == 200:
        response_200 = ReportRead.from_dict(response.json())

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
) -> Response[Any | Problem | ReportRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    report_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReportResolution,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | ReportRead]:
    """Resolve report

     Close an open report as `resolved` or `dismissed` (moderators); with `hide`, the reported recipe or
    comment
    is hidden in the same transaction. Of two moderators closing the same report, one wins; the other
    gets 409.

    Args:
        report_id (UUID):
        if_none_match (str | Unset):
        x_request_id (str | Unset):
        body (ReportResolution):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ReportRead]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
        body=body,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    report_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReportResolution,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | ReportRead | None:
    """Resolve report

     Close an open report as `resolved` or `dismissed` (moderators); with `hide`, the reported recipe or
    comment
    is hidden in the same transaction. Of two moderators closing the same report, one wins; the other
    gets 409.

    Args:
        report_id (UUID):
        if_none_match (str | Unset):
        x_request_id (str | Unset):
        body (ReportResolution):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ReportRead
    """

    return sync_detailed(
        report_id=report_id,
        client=client,
        body=body,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    report_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReportResolution,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | ReportRead]:
    """Resolve report

     Close an open report as `resolved` or `dismissed` (moderators); with `hide`, the reported recipe or
    comment
    is hidden in the same transaction. Of two moderators closing the same report, one wins; the other
    gets 409.

    Args:
        report_id (UUID):
        if_none_match (str | Unset):
        x_request_id (str | Unset):
        body (ReportResolution):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ReportRead]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
        body=body,
        if_none_match=if_none_match,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    report_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReportResolution,
    if_none_match: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | ReportRead | None:
    """Resolve report

     Close an open report as `resolved` or `dismissed` (moderators); with `hide`, the reported recipe or
    comment
    is hidden in the same transaction. Of two moderators closing the same report, one wins; the other
    gets 409.

    Args:
        report_id (UUID):
        if_none_match (str | Unset):
        x_request_id (str | Unset):
        body (ReportResolution):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ReportRead
    """

    return (
        await asyncio_detailed(
            report_id=report_id,
            client=client,
            body=body,
            if_none_match=if_none_match,
            x_request_id=x_request_id,
        )
    ).parsed
