"""PostgreSQL plumbing of the benchmarks: one connection at a time, databases tagged with the dataset they hold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg


def dsn(pg: str, database: str) -> str:
    """The libpq URL of ``database`` on ``pg`` (``user@host:port``)."""
    return f"postgresql://{pg}/{database}"


@asynccontextmanager
async def connected(url: str) -> AsyncIterator[Any]:
    connection = await asyncpg.connect(url)
    try:
        yield connection
    finally:
        await connection.close()


async def dataset_tag(pg: str, database: str) -> str | None:
    """The ``COMMENT`` of ``database`` (the dataset it holds), None when it has none or does not exist."""
    async with connected(dsn(pg, "postgres")) as admin:
        tag = await admin.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", database
        )
        return None if tag is None else str(tag)


async def recreate_database(pg: str, database: str) -> None:
    async with connected(dsn(pg, "postgres")) as admin:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')


async def tag_database(pg: str, database: str, tag: str) -> None:
    """Name the dataset ``database`` holds, so that the next runs reuse it (see :func:`dataset_tag`)."""
    async with connected(dsn(pg, database)) as connection:
        await connection.execute(f"COMMENT ON DATABASE \"{database}\" IS '{tag}'")
