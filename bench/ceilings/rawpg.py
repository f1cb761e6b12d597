"""Ceiling 2: a minimal Litestar app that reads the same page of recipes with raw asyncpg.

``GET /recipes?limit=N&offset=M`` answers the same JSON as ``GET /api/v1/recipes?limit=N&offset=M`` (newest
first, with tags, author and total), built as msgspec Structs straight from asyncpg records. By default, as the
API does since issue 12: one statement for the page with the tags of ``recipe.tags``, and the planner's estimate
of the recipes (``EXPLAIN``) as a full page's total (``total_exact: false``), rounded the API's way.

Experiment variants (``?count=`` ``estimate`` (default) | ``subquery`` | ``separate`` | ``window``, ``?tags=``
``column`` (default) | ``array`` | ``separate``) time the other ways of getting an answer (docs/benchmarks.md,
decision 2); the exact counts answer ``total_exact: true`` with the exact total.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Response, get

from chopchop.domain.recipes.listing import about
from chopchop.domain.recipes.schemas import AuthorRef, RecipeSummary
from chopchop.domain.recipes.services import rating_summary
from chopchop.lib.pagination import Page

JSON = "application/json"
_COLUMNS = """r.id, r.title, r.complexity, r.servings, r.total_minutes, r.like_count, r.comment_count,
    r.created_at, r.author_id, u.display_name, r.rating_count, r.rating_sum"""
_TAGS = "ARRAY(SELECT t.tag FROM recipe_tag t WHERE t.recipe_id = r.id ORDER BY t.tag) AS tags"
_FROM = "FROM recipe r JOIN user_account u ON u.id = r.author_id"
_ORDER = "ORDER BY r.created_at DESC, r.id DESC LIMIT $1 OFFSET $2"

# Constant SQL assembled from the fragments above: no input goes into it.
STATEMENTS = {
    ("estimate", "column"): f"SELECT {_COLUMNS}, r.tags AS tags {_FROM} {_ORDER}",
    ("subquery", "array"): f"SELECT {_COLUMNS}, {_TAGS}, (SELECT count(*) FROM recipe) AS total {_FROM} {_ORDER}",  # noqa: S608
    ("window", "array"): f"SELECT {_COLUMNS}, {_TAGS}, count(*) OVER () AS total {_FROM} {_ORDER}",
    ("separate", "array"): f"SELECT {_COLUMNS}, {_TAGS} {_FROM} {_ORDER}",
    ("separate", "separate"): f"SELECT {_COLUMNS} {_FROM} {_ORDER}",
    ("subquery", "separate"): f"SELECT {_COLUMNS}, (SELECT count(*) FROM recipe) AS total {_FROM} {_ORDER}",  # noqa: S608
}
COUNT = "SELECT count(*) FROM recipe"
ESTIMATE = "EXPLAIN (FORMAT JSON) SELECT 1 FROM recipe"
SMALL = "SELECT reltuples FROM pg_class WHERE oid = 'recipe'::regclass"
EXACT_TOTAL_LIMIT = 2000  # the API's default CHOPCHOP_EXACT_TOTAL_LIMIT
TAGS_OF = "SELECT recipe_id, tag FROM recipe_tag WHERE recipe_id = ANY($1::uuid[]) ORDER BY recipe_id, tag"

_encoder = msgspec.json.Encoder()


async def _total(connection: Any, count: str, rows: list[Any], limit: int, offset: int) -> tuple[int, bool]:
    """The page's total and whether it is exact, as ``?count=`` asks (by default as the API answers)."""
    if count != "estimate":
        total = rows[0]["total"] if rows and count != "separate" else None
        return (await connection.fetchval(COUNT) if total is None else total), True
    if await connection.fetchval(SMALL) <= EXACT_TOTAL_LIMIT:
        return await connection.fetchval(COUNT), True
    if len(rows) == limit:
        plan = msgspec.json.decode(await connection.fetchval(ESTIMATE))
        return max(about(int(plan[0]["Plan"]["Plan Rows"])), offset + limit + 1), False
    return offset + len(rows), True


async def _tags_of(connection: Any, rows: list[Any]) -> dict[Any, list[str]]:
    """The tags of each recipe of ``rows`` with a second statement (``?tags=separate``)."""
    tags_of: dict[Any, list[str]] = defaultdict(list)
    for recipe_id, tag in await connection.fetch(TAGS_OF, [row["id"] for row in rows]):
        tags_of[recipe_id].append(tag)
    return tags_of


def create_app() -> Litestar:
    dsn = os.environ["BENCH_PG_DSN"]
    pool_size = int(os.environ.get("BENCH_PG_POOL", "10"))
    state: dict[str, Any] = {}

    async def startup() -> None:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=2, max_size=pool_size)

    async def shutdown() -> None:
        await state["pool"].close()

    @get("/recipes")
    async def recipes(
        limit: int = 20, offset: int = 0, count: str = "estimate", tags: str = "column"
    ) -> Response[bytes]:
        async with state["pool"].acquire() as connection:
            rows = await connection.fetch(STATEMENTS[(count, tags)], limit, offset)
            total, exact = await _total(connection, count, rows, limit, offset)
            if tags == "separate":
                tags_of = await _tags_of(connection, rows)
        items = [
            RecipeSummary(
                id=row[0],
                title=row[1],
                complexity=row[2],
                servings=row[3],
                total_minutes=row[4],
                tags=list(row["tags"]) if tags != "separate" else tags_of.get(row[0], []),
                author=AuthorRef(id=row[8], display_name=row[9]),
                like_count=row[5],
                comment_count=row[6],
                rating=rating_summary(row["rating_count"], row["rating_sum"]),
                created_at=row[7],
            )
            for row in rows
        ]
        page = Page(items=items, total=total, limit=limit, offset=offset, total_exact=exact)
        return Response(_encoder.encode(page), media_type=JSON)

    @get("/health", sync_to_thread=False)
    def health() -> str:
        return "ok"

    return Litestar(
        [recipes, health], on_startup=[startup], on_shutdown=[shutdown], openapi_config=None, logging_config=None
    )
