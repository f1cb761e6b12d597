"""Deep pages by offset and by cursor, side by side, on a seeded PostgreSQL database (``chopchop seed``).

For each recipe sort, and the user directory: the first page, the page at ``--depth`` rows by ``offset`` and the
same page by cursor (the position of the row just before it), each the median of ``--runs`` runs of the service
code that answers the request (``listing.page``, ``UserDirectoryService.page``), warm. Prints a Markdown table::

    uv run python -m bench.cursor_paging postgresql+asyncpg://postgres@127.0.0.1/chopchop_seed --depth 10000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from chopchop.db import Recipe, User
from chopchop.domain.recipes import listing, queries
from chopchop.domain.recipes.schemas import RecipeFilters, RecipeSort
from chopchop.domain.users.services import UserDirectoryService
from chopchop.lib.cursors import Seek

LIMIT = 20


async def _median_ms(call: Callable[[], Awaitable[Any]], runs: int) -> float:
    await call()  # warm: plans and pages in memory
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def main(url: str, depth: int, runs: int) -> None:
    engine = create_async_engine(url)
    rows: list[tuple[str, float, float, float]] = []
    async with engine.connect() as connection:
        budget = listing.Budget()
        for sort in RecipeSort:
            order = queries.order_by(Recipe, sort)
            boundary = (
                await connection.execute(
                    select(*queries.sort_columns(Recipe, sort)).order_by(*order).offset(depth - 1).limit(1)
                )
            ).one()
            seek = Seek(tuple(boundary), backward=False)

            def page(offset: int, seek: Seek | None = None, sort: RecipeSort = sort) -> Awaitable[Any]:
                return listing.page(
                    connection,
                    RecipeFilters(),
                    sort,
                    limit=LIMIT + (seek is not None),
                    offset=offset,
                    budget=budget,
                    seek=seek,
                )

            by_offset = await page(depth)
            by_cursor = await page(0, seek)
            assert [r.id for r in by_offset.rows] == [r.id for r in by_cursor.rows][:LIMIT], sort
            rows.append(
                (
                    f"GET /recipes?sort={sort}",
                    await _median_ms(lambda: page(0), runs),
                    await _median_ms(lambda: page(depth), runs),
                    await _median_ms(lambda seek=seek: page(0, seek), runs),  # type: ignore[misc]
                )
            )
    async with AsyncSession(engine) as session:
        directory = UserDirectoryService(session=session)
        found = (
            await session.execute(
                select(func.lower(User.display_name), User.id)
                .where(User.is_active.is_(True))
                .order_by(func.lower(User.display_name), User.id)
                .offset(depth - 1)
                .limit(1)
            )
        ).one_or_none()
        seek = Seek(tuple(found or ()), backward=False)
        if found is not None:  # fewer users than the depth: no such page
            rows.append(
                (
                    "GET /users",
                    await _median_ms(lambda: directory.page(query=None, limit=LIMIT, offset=0), runs),
                    await _median_ms(lambda: directory.page(query=None, limit=LIMIT, offset=depth), runs),
                    await _median_ms(lambda: directory.page(query=None, limit=LIMIT, offset=0, seek=seek), runs),
                )
            )
    await engine.dispose()
    print(f"| list | first page | offset {depth:,} | cursor at {depth:,} | offset / cursor |")
    print("|---|---:|---:|---:|---:|")
    for label, first, deep, cursor in rows:
        print(f"| {label} | {first:.2f} ms | {deep:.2f} ms | {cursor:.2f} ms | {deep / cursor:.1f}x |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--depth", type=int, default=10_000, help="rows before the page (page 500 at 20 a page)")
    parser.add_argument("--runs", type=int, default=9)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.depth, arguments.runs))
