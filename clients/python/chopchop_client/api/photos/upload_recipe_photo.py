from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.photo_form import PhotoForm
from ...models.photo_read import PhotoRead
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recipe_id: UUID,
    *,
    body: PhotoForm,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/recipes/{recipe_id}/photos".format(
            recipe_id=quote(str(recipe_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PhotoRead | Problem:
    if response.status_code == 201:
        response_201 = PhotoRead.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PhotoRead | Problem]:
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
    body: PhotoForm,
    x_request_id: str | Unset = UNSET,
) -> Response[PhotoRead | Problem]:
    """Upload recipe photo

     Add a photo to the recipe (author only): a JPEG, PNG or WebP, as the part `file` of a
    `multipart/form-data` body.

    Its type is read from its bytes; anything else is refused (415) whatever its name or declared type.
    It is
    stored re-encoded, turned upright, without any metadata (EXIF with its GPS position, XMP, comments).
    It
    goes last in the order; the first photo is the cover. Its `status` is `processing` until its
    variants
    (`thumbnail`, `large`) are made, then `ready`, and the recipe shows them.

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (PhotoForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PhotoRead | Problem]
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
    body: PhotoForm,
    x_request_id: str | Unset = UNSET,
) -> PhotoRead | Problem | None:
    """Upload recipe photo

     Add a photo to the recipe (author only): a JPEG, PNG or WebP, as the part `file` of a
    `multipart/form-data` body.

    Its type is read from its bytes; anything else is refused (415) whatever its name or declared type.
    It is
    stored re-encoded, turned upright, without any metadata (EXIF with its GPS position, XMP, comments).
    It
    goes last in the order; the first photo is the cover. Its `status` is `processing` until its
    variants
    (`thumbnail`, `large`) are made, then `ready`, and the recipe shows them.

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (PhotoForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PhotoRead | Problem
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
    body: PhotoForm,
    x_request_id: str | Unset = UNSET,
) -> Response[PhotoRead | Problem]:
    """Upload recipe photo

     Add a photo to the recipe (author only): a JPEG, PNG or WebP, as the part `file` of a
    `multipart/form-data` body.

    Its type is read from its bytes; anything else is refused (415) whatever its name or declared type.
    It is
    stored re-encoded, turned upright, without any metadata (EXIF with its GPS position, XMP, comments).
    It
    goes last in the order; the first photo is the cover. Its `status` is `processing` until its
    variants
    (`thumbnail`, `large`) are made, then `ready`, and the recipe shows them.

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (PhotoForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PhotoRead | Problem]
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
    body: PhotoForm,
    x_request_id: str | Unset = UNSET,
) -> PhotoRead | Problem | None:
    """Upload recipe photo

     Add a photo to the recipe (author only): a JPEG, PNG or WebP, as the part `file` of a
    `multipart/form-data` body.

    Its type is read from its bytes; anything else is refused (415) whatever its name or declared type.
    It is
    stored re-encoded, turned upright, without any metadata (EXIF with its GPS position, XMP, comments).
    It
    goes last in the order; the first photo is the cover. Its `status` is `processing` until its
    variants
    (`thumbnail`, `large`) are made, then `ready`, and the recipe shows them.

    Args:
        recipe_id (UUID):
        x_request_id (str | Unset):
        body (PhotoForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PhotoRead | Problem
    """

    return (
        await asyncio_detailed(
            recipe_id=recipe_id,
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
