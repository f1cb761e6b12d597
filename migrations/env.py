"""Alembic environment (async). The database URL comes from the caller or from CHOPCHOP_DATABASE_URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.db import POSTGRES_ONLY_INDEXES, metadata
from chopchop.settings import Settings

config = context.config
database_url: str = config.attributes.get("database_url") or Settings.from_env().database_url


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out the PostgreSQL-only indexes (created by hand in migrations): autogenerate cannot model them."""
    return not (type_ == "index" and name in POSTGRES_ONLY_INDEXES)


def _configure(connection: Connection | None = None) -> None:
    context.configure(
        connection=connection,
        url=None if connection is not None else database_url,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=database_url.startswith("sqlite"),
        literal_binds=connection is None,
        user_module_prefix="advanced_alchemy.types.",
        include_object=_include_object,
    )


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
    await engine.dispose()


if context.is_offline_mode():
    _configure()
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
