"""Offset pagination shared by every list endpoint: bounded ``limit``/``offset``, a page body and RFC 8288 links.

Usage in a controller (the service returns the page's items and the total count)::

    from chopchop.lib.pagination import LIST_RESPONSE_HEADERS, Limit, Offset, Page, page_response

    class ThingPage(Page[ThingRead]):  # in schemas.py: the OpenAPI schema is named "ThingPage"
        items: list[ThingRead]

    @get("/", operation_id="listThings", response_headers=LIST_RESPONSE_HEADERS)
    async def list_things(
        self, request: Request[Any, Any, Any], service: ThingService, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response[ThingPage]:
        items, total = await service.list_page(limit=limit, offset=offset)
        return page_response(request, items, total=total, limit=limit, offset=offset, page_type=ThingPage)

``limit`` above ``MAX_LIMIT`` (or below 1) and a negative ``offset`` are refused by Litestar's parameter
validation with a 400 problem+json before the handler runs. The ``Link`` header carries ``next`` and ``prev``
(when there is such a page): the configured public base URL (``CHOPCHOP_PUBLIC_BASE_URL``), the request's
path, and its query re-encoded, so that every other query parameter (filters, sort, repeated parameters) is
kept as it came. Never the ``Host`` or ``X-Forwarded-*`` headers: the response cache would hand one hostile
request's links to everyone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar, overload
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import msgspec
from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.params import QueryParameter

from chopchop.lib.cache import canonical_query

T = TypeVar("T")

DEFAULT_LIMIT = 20
# The hard cap of every list. Only the benchmark lifts it (to time lists of 1,130 and 2,480 rows as the
# reference did), through CHOPCHOP_BENCH_MAX_PAGE_SIZE read at import: never set it in production.
MAX_LIMIT = max(100, int(os.environ.get("CHOPCHOP_BENCH_MAX_PAGE_SIZE", "100")))

Limit = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=MAX_LIMIT,
        description=f"Page size: 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}). Larger values are a 400.",
    ),
]
Offset = Annotated[
    int,
    QueryParameter(ge=0, le=1_000_000, description="How many items to skip (default 0)."),
]

#: The deepest offset of the recipe lists. Skipping rows costs a visit per skipped row once filters apply (about
#: 10-20 ms at 1,000 with a million recipes, 140-260 ms at 10,000): deeper pages are for cursor paging.
MAX_SEARCH_OFFSET = 1_000
SearchOffset = Annotated[
    int,
    QueryParameter(
        ge=0,
        le=MAX_SEARCH_OFFSET,
        description=f"How many items to skip (default 0), at most {MAX_SEARCH_OFFSET:,}: narrow the filters to "
        "reach further (a larger offset is a 400).",
    ),
]

LIST_RESPONSE_HEADERS = [
    ResponseHeader(
        name="Link",
        description='RFC 8288 links to the neighbouring pages: `<url>; rel="next"`, `<url>; rel="prev"`.',
        documentation_only=True,
        required=False,
    ),
]


class Page(msgspec.Struct, Generic[T]):
    """One page of a list: the items, how many there are in all, and the window that was asked for.

    Each list declares a named subclass (``class RecipeSummaryPage(Page[RecipeSummary])`` redeclaring ``items``)
    and passes it as ``page_type``: the OpenAPI document then has a readable schema name for it instead of
    ``Page_chopchop.domain...RecipeSummary_``. The JSON is the same.
    """

    items: list[T]
    total: Annotated[
        int,
        msgspec.Meta(
            ge=0,
            description="How many items match, on all pages: exact when `total_exact` is true, otherwise the "
            "database's estimate (at least the items seen so far). The same on cursor pages as on the first page.",
        ),
    ]
    limit: Annotated[int, msgspec.Meta(ge=1, description="The page size that was asked for.")]
    offset: Annotated[
        int,
        msgspec.Meta(ge=0, description="How many items were skipped; always 0 on cursor pages (`cursor` given)."),
    ]
    total_exact: Annotated[
        bool,
        msgspec.Meta(
            description="Whether `total` is an exact count. Recipe lists with many matches report an estimate "
            '(show it as "about 94,000"): follow the `next` link until a page comes back short. A short '
            "page's `total` is always exact."
        ),
    ] = True


class CursorPage(Page[T]):
    """A page of a list that can also be read by cursor (keyset): ``next_cursor``/``prev_cursor`` beside the
    offset window. Lists without a ``cursor`` parameter use :class:`Page` and carry no cursors."""

    next_cursor: Annotated[
        str | None,
        msgspec.Meta(
            description="Pass as `cursor` for the page after this one (same filters and sort); null on the last page."
        ),
    ] = None
    prev_cursor: Annotated[
        str | None,
        msgspec.Meta(description="Pass as `cursor` for the page before this one; null on the first page."),
    ] = None


PageT = TypeVar("PageT", bound=Page[Any])


def _with_window(url: str, limit: int, offset: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in {"limit", "offset"}]
    query += [("limit", str(limit)), ("offset", str(offset))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def public_url(request: Request[Any, Any, Any]) -> str:
    """This request's URL under the configured public base URL, in one canonical spelling: the route's path
    with its parsed parameters and the query as the handler reads it (values in their canonical form, defaults
    left out), sorted by name and re-encoded.

    A cached response is shared by every spelling of its key (``/Users/<ID>/recipes/?sort=title&limit=5`` and
    ``/users/<id>/recipes?limit=5&sort=title``): its links must not depend on which spelling filled the cache.
    Relative if the app has no settings.
    """
    settings = request.app.state.get("settings")
    base = str(getattr(settings, "public_base_url", "")).rstrip("/")
    scope = request.scope
    template = scope.get("path_template") or scope["path"]
    params = scope.get("path_params") or {}
    path = template.format(**{name: str(value) for name, value in params.items()}) if params else template
    path = quote(path, safe="/")
    items = canonical_query(request)
    if items is None:
        items = sorted(request.query_params.multi_items(), key=lambda item: item[0])
    query = urlencode(items)
    return f"{base}{path}?{query}" if query else f"{base}{path}"


def link_header(url: str, *, limit: int, offset: int, total: int) -> str | None:
    """The RFC 8288 ``Link`` value for the page at ``offset`` of ``url``, or None when there is no other page."""
    links: list[str] = []
    if offset + limit < total:
        links.append(f'<{_with_window(url, limit, offset + limit)}>; rel="next"')
    if offset > 0:
        # An offset past the end still points back at the last real page.
        previous = max(0, min(offset - limit, max(total - limit, 0)))
        links.append(f'<{_with_window(url, limit, previous)}>; rel="prev"')
    return ", ".join(links) or None


@overload
def page_response(
    request: Request[Any, Any, Any],
    items: Sequence[T],
    *,
    total: int,
    limit: int,
    offset: int,
    headers: dict[str, str] | None = None,
    total_exact: bool = True,
) -> Response[Page[T]]: ...


@overload
def page_response(
    request: Request[Any, Any, Any],
    items: Sequence[Any],
    *,
    total: int,
    limit: int,
    offset: int,
    headers: dict[str, str] | None = None,
    total_exact: bool = True,
    page_type: type[PageT],
) -> Response[PageT]: ...


def page_response(
    request: Request[Any, Any, Any],
    items: Sequence[Any],
    *,
    total: int,
    limit: int,
    offset: int,
    headers: dict[str, str] | None = None,
    total_exact: bool = True,
    page_type: type[Page[Any]] = Page,
) -> Response[Any]:
    """A 200 response with the page body (a ``page_type``, by default a plain :class:`Page`) and its ``Link``."""
    all_headers = dict(headers or {})
    link = link_header(public_url(request), limit=limit, offset=offset, total=total)
    if link is not None:
        all_headers["Link"] = link
    page = page_type(items=list(items), total=total, limit=limit, offset=offset, total_exact=total_exact)
    return Response(page, headers=all_headers)


__all__ = [
    "DEFAULT_LIMIT",
    "LIST_RESPONSE_HEADERS",
    "MAX_LIMIT",
    "MAX_SEARCH_OFFSET",
    "CursorPage",
    "Limit",
    "Offset",
    "Page",
    "PageT",
    "SearchOffset",
    "link_header",
    "page_response",
    "public_url",
]
