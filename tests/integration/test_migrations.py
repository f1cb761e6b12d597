"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.db import POSTGRES_ONLY_INDEXES, metadata


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, metadata)

    def postgres_only(diff: Any) -> bool:
        # Expression/GIN indexes that only the PostgreSQL branch of a migration creates.
        return diff[0] in {"remove_index", "add_index"} and diff[1].name in POSTGRES_ONLY_INDEXES

    return [diff for diff in diffs if not (isinstance(diff, tuple) and postgres_only(diff))]


async def test_upgrade_head_matches_the_models(database_url: str) -> None:
    """`database_url` was built by `alembic upgrade head` on an empty database (see conftest)."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        drift = await connection.run_sync(_drift)
    await engine.dispose()
    assert drift == []
