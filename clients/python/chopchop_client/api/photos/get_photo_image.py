from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.photo_variant import PhotoVariant
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    photo_id: UUID,
    variant: PhotoVariant,
    *,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/media/photos/{photo_id}/{variant}".format(
            photo_id=quote(str(photo_id), safe=""),
            variant=quote(str(variant), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | str:
    if response.status_code == 200:
        response_200 = cast(str, response.content)
        return response_200

    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    photo_id: UUID,
    variant: PhotoVariant,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | str]:
    """Get photo image

     One image of a photo: `original`, `thumbnail` or `large` (these two once the photo is `ready`).

    With the local store (embedded mode) the bytes, with their type, `X-Content-Type-Options: nosniff`
    and
    a year's caching (an address always shows the same image). With S3, a 302 to the object: under the
    public base URL if one is configured, else a freshly signed URL valid
    `CHOPCHOP_STORAGE_SIGNED_URL_SECONDS`.

    The images of a `draft` or `private` recipe are a 404 for everyone but its author, and those of a
    hidden
    recipe for everyone but its author and moderators, who send their access token (that answer is
    `Cache-Control: private, no-store`).

    Args:
        photo_id (UUID):
        variant (PhotoVariant): An image of a photo: the upload without its metadata (`original`,
            in its own format), or a WebP made from
                it (`thumbnail`: longest side 320 px; `large`: 1280 px; never enlarged).
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | str]
    """

    kwargs = _get_kwargs(
        photo_id=photo_id,
        variant=variant,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    photo_id: UUID,
    variant: PhotoVariant,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | str | None:
    """Get photo image

     One image of a photo: `original`, `thumbnail` or `large` (these two once the photo is `ready`).

    With the local store (embedded mode) the bytes, with their type, `X-Content-Type-Options: nosniff`
    and
    a year's caching (an address always shows the same image). With S3, a 302 to the object: under the
    public base URL if one is configured, else a freshly signed URL valid
    `CHOPCHOP_STORAGE_SIGNED_URL_SECONDS`.

    The images of a `draft` or `private` recipe are a 404 for everyone but its author, and those of a
    hidden
    recipe for everyone but its author and moderators, who send their access token (that answer is
    `Cache-Control: private, no-store`).

    Args:
        photo_id (UUID):
        variant (PhotoVariant): An image of a photo: the upload without its metadata (`original`,
            in its own format), or a WebP made from
                it (`thumbnail`: longest side 320 px; `large`: 1280 px; never enlarged).
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | str
    """

    return sync_detailed(
        photo_id=photo_id,
        variant=variant,
        client=client,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    photo_id: UUID,
    variant: PhotoVariant,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | str]:
    """Get photo image

     One image of a photo: `original`, `thumbnail` or `large` (these two once the photo is `ready`).

    With the local store (embedded mode) the bytes, with their type, `X-Content-Type-Options: nosniff`
    and
    a year's caching (an address always shows the same image). With S3, a 302 to the object: under the
    public base URL if one is configured, else a freshly signed URL valid
    `CHOPCHOP_STORAGE_SIGNED_URL_SECONDS`.

    The images of a `draft` or `private` recipe are a 404 for everyone but its author, and those of a
    hidden
    recipe for everyone but its author and moderators, who send their access token (that answer is
    `Cache-Control: private, no-store`).

    Args:
        photo_id (UUID):
        variant (PhotoVariant): An image of a photo: the upload without its metadata (`original`,
            in its own format), or a WebP made from
                it (`thumbnail`: longest side 320 px; `large`: 1280 px; never enlarged).
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | str]
    """

    kwargs = _get_kwargs(
        photo_id=photo_id,
        variant=variant,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    photo_id: UUID,
    variant: PhotoVariant,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | str | None:
    """Get photo image

     One image of a photo: `original`, `thumbnail` or `large` (these two once the photo is `ready`).

    With the local store (embedded mode) the bytes, with their type, `X-Content-Type-Options: nosniff`
    and
    a year's caching (an address always shows the same image). With S3, a 302 to the object: under the
    public base URL if one is configured, else a freshly signed URL valid
    `CHOPCHOP_STORAGE_SIGNED_URL_SECONDS`.

    The images of a `draft` or `private` recipe are a 404 for everyone but its author, and those of a
    hidden
    recipe for everyone but its author and moderators, who send their access token (that answer is
    `Cache-Control: private, no-store`).

    Args:
        photo_id (UUID):
        variant (PhotoVariant): An image of a photo: the upload without its metadata (`original`,
            in its own format), or a WebP made from
                it (`thumbnail`: longest side 320 px; `large`: 1280 px; never enlarged).
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | str
    """

    return (
        await asyncio_detailed(
            photo_id=photo_id,
            variant=variant,
            client=client,
            x_request_id=x_request_id,
        )
    ).parsed
