from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recipe_import_create import RecipeImportCreate
from ...models.recipe_import_read import RecipeImportRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: RecipeImportCreate,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/recipes/imports",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RecipeImportRead:
    if response.status_code == 202:
        response_202 = RecipeImportRead.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[Problem | RecipeImportRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RecipeImportCreate,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RecipeImportRead]:
    """Import a recipe from a web page

     Import the schema.org `Recipe` of a web page (JSON-LD, as most recipe sites publish, or microdata)
    as a
    draft recipe of the signed-in user.

    The answer is `202 Accepted` with the import's status resource (also its `Location`): a worker
    fetches
    the page (public addresses only, at most 5 redirects, 2 MiB and the configured time) and creates the
    recipe; poll the status until it is `done` (`recipe_id`, `recipe_url`) or `failed` (`reason`, a
    problem
    type and detail). Timeouts and 5xx answers are retried for a few minutes; a 404, a refused address,
    a page
    that is not HTML and a page without a recipe fail at once. Ingredient lines are read into quantity,
    unit
    and name where that is certain; otherwise the line as written is kept in the note.

    Args:
        x_request_id (str | Unset):
        body (RecipeImportCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecipeImportRead]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: RecipeImportCreate,
    x_request_id: str | Unset = UNSET,
) -> Problem | RecipeImportRead | None:
    """Import a recipe from a web page

     Import the schema.org `Recipe` of a web page (JSON-LD, as most recipe sites publish, or microdata)
    as a
    draft recipe of the signed-in user.

    The answer is `202 Accepted` with the import's status resource (also its `Location`): a worker
    fetches
    the page (public addresses only, at most 5 redirects, 2 MiB and the configured time) and creates the
    recipe; poll the status until it is `done` (`recipe_id`, `recipe_url`) or `failed` (`reason`, a
    problem
    type and detail). Timeouts and 5xx answers are retried for a few minutes; a 404, a refused address,
    a page
    that is not HTML and a page without a recipe fail at once. Ingredient lines are read into quantity,
    unit
    and name where that is certain; otherwise the line as written is kept in the note.

    Args:
        x_request_id (str | Unset):
        body (RecipeImportCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecipeImportRead
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RecipeImportCreate,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RecipeImportRead]:
    """Import a recipe from a web page

     Import the schema.org `Recipe` of a web page (JSON-LD, as most recipe sites publish, or microdata)
    as a
    draft recipe of the signed-in user.

    The answer is `202 Accepted` with the import's status resource (also its `Location`): a worker
    fetches
    the page (public addresses only, at most 5 redirects, 2 MiB and the configured time) and creates the
    recipe; poll the status until it is `done` (`recipe_id`, `recipe_url`) or `failed` (`reason`, a
    problem
    type and detail). Timeouts and 5xx answers are retried for a few minutes; a 404, a refused address,
    a page
    that is not HTML and a page without a recipe fail at once. Ingredient lines are read into quantity,
    unit
    and name where that is certain; otherwise the line as written is kept in the note.

    Args:
        x_request_id (str | Unset):
        body (RecipeImportCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecipeImportRead]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RecipeImportCreate,
    x_request_id: str | Unset = UNSET,
) -> Problem | RecipeImportRead | None:
    """Import a recipe from a web page

     Import the schema.org `Recipe` of a web page (JSON-LD, as most recipe sites publish, or microdata)
    as a
    draft recipe of the signed-in user.

    The answer is `202 Accepted` with the import's status resource (also its `Location`): a worker
    fetches
    the page (public addresses only, at most 5 redirects, 2 MiB and the configured time) and creates the
    recipe; poll the status until it is `done` (`recipe_id`, `recipe_url`) or `failed` (`reason`, a
    problem
    type and detail). Timeouts and 5xx answers are retried for a few minutes; a 404, a refused address,
    a page
    that is not HTML and a page without a recipe fail at once. Ingredient lines are read into quantity,
    unit
    and name where that is certain; otherwise the line as written is kept in the note.

    Args:
        x_request_id (str | Unset):
        body (RecipeImportCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecipeImportRead
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
