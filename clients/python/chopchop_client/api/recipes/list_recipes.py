from http import HTTPStatus
from typing import Any, cast
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.complexity import Complexity
from ...models.problem import Problem
from ...models.recipe_sort import RecipeSort
from ...models.recipe_summary_page import RecipeSummaryPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    author: None | Unset | UUID = UNSET,
    complexity: Complexity | None | Unset = UNSET,
    tag: list[str] | None | Unset = UNSET,
    max_total_minutes: int | None | Unset = UNSET,
    ingredients_all: list[str] | None | Unset = UNSET,
    ingredients_any: list[str] | None | Unset = UNSET,
    exclude_ingredients: list[str] | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: RecipeSort | Unset = RecipeSort.NEWEST,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
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

    json_author: None | str | Unset
    if isinstance(author, Unset):
        json_author = UNSET
    elif isinstance(author, UUID):
        json_author = str(author)
    else:
        json_author = author
    params["author"] = json_author

    json_complexity: None | str | Unset
    if isinstance(complexity, Unset):
        json_complexity = UNSET
    elif isinstance(complexity, Complexity):
        json_complexity = complexity.value
    else:
        json_complexity = complexity
    params["complexity"] = json_complexity

    json_tag: list[str] | None | Unset
    if isinstance(tag, Unset):
        json_tag = UNSET
    elif isinstance(tag, list):
        json_tag = tag

    else:
        json_tag = tag
    params["tag"] = json_tag

    json_max_total_minutes: int | None | Unset
    if isinstance(max_total_minutes, Unset):
        json_max_total_minutes = UNSET
    else:
        json_max_total_minutes = max_total_minutes
    params["max_total_minutes"] = json_max_total_minutes

    json_ingredients_all: list[str] | None | Unset
    if isinstance(ingredients_all, Unset):
        json_ingredients_all = UNSET
    elif isinstance(ingredients_all, list):
        json_ingredients_all = ingredients_all

    else:
        json_ingredients_all = ingredients_all
    params["ingredients_all"] = json_ingredients_all

    json_ingredients_any: list[str] | None | Unset
    if isinstance(ingredients_any, Unset):
        json_ingredients_any = UNSET
    elif isinstance(ingredients_any, list):
        json_ingredients_any = ingredients_any

    else:
        json_ingredients_any = ingredients_any
    params["ingredients_any"] = json_ingredients_any

    json_exclude_ingredients: list[str] | None | Unset
    if isinstance(exclude_ingredients, Unset):
        json_exclude_ingredients = UNSET
    elif isinstance(exclude_ingredients, list):
        json_exclude_ingredients = exclude_ingredients

    else:
        json_exclude_ingredients = exclude_ingredients
    params["exclude_ingredients"] = json_exclude_ingredients

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

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
        "url": "/api/v1/recipes",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | RecipeSummaryPage:
    if response.status_code == 200:
        response_200 = RecipeSummaryPage.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem | RecipeSummaryPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    author: None | Unset | UUID = UNSET,
    complexity: Complexity | None | Unset = UNSET,
    tag: list[str] | None | Unset = UNSET,
    max_total_minutes: int | None | Unset = UNSET,
    ingredients_all: list[str] | None | Unset = UNSET,
    ingredients_any: list[str] | None | Unset = UNSET,
    exclude_ingredients: list[str] | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: RecipeSort | Unset = RecipeSort.NEWEST,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | RecipeSummaryPage]:
    """List recipes

     Search and filter recipes; each item is a compact summary (no steps or ingredient lines).

    All filters combine (AND). `q` is full-text search over titles, descriptions, steps and ingredient
    names; the `ingredients_*` filters take catalogue names and may be repeated. Public and cached.

    Every sort pages by cursor: follow `next_cursor` (or the `next` link) with the same filters and
    sort, at
    any depth (`offset` stops at 1,000). A cursor page's `total` is the list's, as on the first page.

    Args:
        author (None | Unset | UUID): Only recipes by this user id.
        complexity (Complexity | None | Unset): Only recipes of this complexity.
        tag (list[str] | None | Unset): Only recipes with this tag (repeat: with all of them). At
            most 20 values, each 1 to 100 characters once normalised (trimmed, runs of white space as
            one space, NFC, lower-case), without control characters.
        max_total_minutes (int | None | Unset): Only recipes ready within this many minutes.
        ingredients_all (list[str] | None | Unset): Ingredient names that must all be in the
            recipe (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        ingredients_any (list[str] | None | Unset): Ingredient names at least one of which is in
            it (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        exclude_ingredients (list[str] | None | Unset): Ingredient names that must not be in it,
            e.g. allergens. At most 20 values, each 1 to 100 characters once normalised (trimmed, runs
            of white space as one space, NFC, lower-case), without control characters.
        q (None | str | Unset): Words to find in titles, descriptions, steps and ingredient names.
        sort (RecipeSort | Unset): Order of a recipe list; ties are broken by id. Default:
            RecipeSort.NEWEST.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0), at most 1,000: narrow the
            filters to reach further (a larger offset is a 400). Default: 0.
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
        Response[Any | Problem | RecipeSummaryPage]
    """

    kwargs = _get_kwargs(
        author=author,
        complexity=complexity,
        tag=tag,
        max_total_minutes=max_total_minutes,
        ingredients_all=ingredients_all,
        ingredients_any=ingredients_any,
        exclude_ingredients=exclude_ingredients,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
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
    *,
    client: AuthenticatedClient | Client,
    author: None | Unset | UUID = UNSET,
    complexity: Complexity | None | Unset = UNSET,
    tag: list[str] | None | Unset = UNSET,
    max_total_minutes: int | None | Unset = UNSET,
    ingredients_all: list[str] | None | Unset = UNSET,
    ingredients_any: list[str] | None | Unset = UNSET,
    exclude_ingredients: list[str] | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: RecipeSort | Unset = RecipeSort.NEWEST,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | RecipeSummaryPage | None:
    """List recipes

     Search and filter recipes; each item is a compact summary (no steps or ingredient lines).

    All filters combine (AND). `q` is full-text search over titles, descriptions, steps and ingredient
    names; the `ingredients_*` filters take catalogue names and may be repeated. Public and cached.

    Every sort pages by cursor: follow `next_cursor` (or the `next` link) with the same filters and
    sort, at
    any depth (`offset` stops at 1,000). A cursor page's `total` is the list's, as on the first page.

    Args:
        author (None | Unset | UUID): Only recipes by this user id.
        complexity (Complexity | None | Unset): Only recipes of this complexity.
        tag (list[str] | None | Unset): Only recipes with this tag (repeat: with all of them). At
            most 20 values, each 1 to 100 characters once normalised (trimmed, runs of white space as
            one space, NFC, lower-case), without control characters.
        max_total_minutes (int | None | Unset): Only recipes ready within this many minutes.
        ingredients_all (list[str] | None | Unset): Ingredient names that must all be in the
            recipe (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        ingredients_any (list[str] | None | Unset): Ingredient names at least one of which is in
            it (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        exclude_ingredients (list[str] | None | Unset): Ingredient names that must not be in it,
            e.g. allergens. At most 20 values, each 1 to 100 characters once normalised (trimmed, runs
            of white space as one space, NFC, lower-case), without control characters.
        q (None | str | Unset): Words to find in titles, descriptions, steps and ingredient names.
        sort (RecipeSort | Unset): Order of a recipe list; ties are broken by id. Default:
            RecipeSort.NEWEST.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0), at most 1,000: narrow the
            filters to reach further (a larger offset is a 400). Default: 0.
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
        Any | Problem | RecipeSummaryPage
    """

    return sync_detailed(
        client=client,
        author=author,
        complexity=complexity,
        tag=tag,
        max_total_minutes=max_total_minutes,
        ingredients_all=ingredients_all,
        ingredients_any=ingredients_any,
        exclude_ingredients=exclude_ingredients,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
        cursor=cursor,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    author: None | Unset | UUID = UNSET,
    complexity: Complexity | None | Unset = UNSET,
    tag: list[str] | None | Unset = UNSET,
    max_total_minutes: int | None | Unset = UNSET,
    ingredients_all: list[str] | None | Unset = UNSET,
    ingredients_any: list[str] | None | Unset = UNSET,
    exclude_ingredients: list[str] | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: RecipeSort | Unset = RecipeSort.NEWEST,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Any | Problem | RecipeSummaryPage]:
    """List recipes

     Search and filter recipes; each item is a compact summary (no steps or ingredient lines).

    All filters combine (AND). `q` is full-text search over titles, descriptions, steps and ingredient
    names; the `ingredients_*` filters take catalogue names and may be repeated. Public and cached.

    Every sort pages by cursor: follow `next_cursor` (or the `next` link) with the same filters and
    sort, at
    any depth (`offset` stops at 1,000). A cursor page's `total` is the list's, as on the first page.

    Args:
        author (None | Unset | UUID): Only recipes by this user id.
        complexity (Complexity | None | Unset): Only recipes of this complexity.
        tag (list[str] | None | Unset): Only recipes with this tag (repeat: with all of them). At
            most 20 values, each 1 to 100 characters once normalised (trimmed, runs of white space as
            one space, NFC, lower-case), without control characters.
        max_total_minutes (int | None | Unset): Only recipes ready within this many minutes.
        ingredients_all (list[str] | None | Unset): Ingredient names that must all be in the
            recipe (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        ingredients_any (list[str] | None | Unset): Ingredient names at least one of which is in
            it (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        exclude_ingredients (list[str] | None | Unset): Ingredient names that must not be in it,
            e.g. allergens. At most 20 values, each 1 to 100 characters once normalised (trimmed, runs
            of white space as one space, NFC, lower-case), without control characters.
        q (None | str | Unset): Words to find in titles, descriptions, steps and ingredient names.
        sort (RecipeSort | Unset): Order of a recipe list; ties are broken by id. Default:
            RecipeSort.NEWEST.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0), at most 1,000: narrow the
            filters to reach further (a larger offset is a 400). Default: 0.
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
        Response[Any | Problem | RecipeSummaryPage]
    """

    kwargs = _get_kwargs(
        author=author,
        complexity=complexity,
        tag=tag,
        max_total_minutes=max_total_minutes,
        ingredients_all=ingredients_all,
        ingredients_any=ingredients_any,
        exclude_ingredients=exclude_ingredients,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
        cursor=cursor,
        if_none_match=if_none_match,
        chopchop_consistency_token=chopchop_consistency_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    author: None | Unset | UUID = UNSET,
    complexity: Complexity | None | Unset = UNSET,
    tag: list[str] | None | Unset = UNSET,
    max_total_minutes: int | None | Unset = UNSET,
    ingredients_all: list[str] | None | Unset = UNSET,
    ingredients_any: list[str] | None | Unset = UNSET,
    exclude_ingredients: list[str] | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: RecipeSort | Unset = RecipeSort.NEWEST,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    chopchop_consistency_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Any | Problem | RecipeSummaryPage | None:
    """List recipes

     Search and filter recipes; each item is a compact summary (no steps or ingredient lines).

    All filters combine (AND). `q` is full-text search over titles, descriptions, steps and ingredient
    names; the `ingredients_*` filters take catalogue names and may be repeated. Public and cached.

    Every sort pages by cursor: follow `next_cursor` (or the `next` link) with the same filters and
    sort, at
    any depth (`offset` stops at 1,000). A cursor page's `total` is the list's, as on the first page.

    Args:
        author (None | Unset | UUID): Only recipes by this user id.
        complexity (Complexity | None | Unset): Only recipes of this complexity.
        tag (list[str] | None | Unset): Only recipes with this tag (repeat: with all of them). At
            most 20 values, each 1 to 100 characters once normalised (trimmed, runs of white space as
            one space, NFC, lower-case), without control characters.
        max_total_minutes (int | None | Unset): Only recipes ready within this many minutes.
        ingredients_all (list[str] | None | Unset): Ingredient names that must all be in the
            recipe (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        ingredients_any (list[str] | None | Unset): Ingredient names at least one of which is in
            it (repeatable). At most 20 values, each 1 to 100 characters once normalised (trimmed,
            runs of white space as one space, NFC, lower-case), without control characters.
        exclude_ingredients (list[str] | None | Unset): Ingredient names that must not be in it,
            e.g. allergens. At most 20 values, each 1 to 100 characters once normalised (trimmed, runs
            of white space as one space, NFC, lower-case), without control characters.
        q (None | str | Unset): Words to find in titles, descriptions, steps and ingredient names.
        sort (RecipeSort | Unset): Order of a recipe list; ties are broken by id. Default:
            RecipeSort.NEWEST.
        limit (int | Unset): Page size: 1 to 100 (default 20). Larger values are a 400. Default:
            20.
        offset (int | Unset): How many items to skip (default 0), at most 1,000: narrow the
            filters to reach further (a larger offset is a 400). Default: 0.
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
        Any | Problem | RecipeSummaryPage
    """

    return (
        await asyncio_detailed(
            client=client,
            author=author,
            complexity=complexity,
            tag=tag,
            max_total_minutes=max_total_minutes,
            ingredients_all=ingredients_all,
            ingredients_any=ingredients_any,
            exclude_ingredients=exclude_ingredients,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
            cursor=cursor,
            if_none_match=if_none_match,
            chopchop_consistency_token=chopchop_consistency_token,
            x_request_id=x_request_id,
        )
    ).parsed
