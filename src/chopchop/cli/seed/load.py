"""Bulk writes of a seed: binary COPY on PostgreSQL (two connections, the next batches generated meanwhile),
executemany elsewhere (SQLite in the embedded mode), and the ingredient catalogue."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chopchop.cli.seed.generate import Plan, seeded_uuid7
from chopchop.cli.seed.pgcopy import PgEncoder
from chopchop.cli.seed.recipes import INGREDIENTS
from chopchop.cli.seed.rows import Rows, SeedReport, python_rows
from chopchop.db import metadata
from chopchop.domain.recipes import queries


class Writer:
    """Bulk writes on one connection: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.superuser: bool | None = None

    async def bulk_mode(self) -> None:
        """For the current transaction only: commit without waiting for the WAL flush (a crash loses at most the
        last batches of a seed, not the database's consistency) and, when allowed (superuser), skip the per-row
        foreign-key triggers: the generated rows are consistent by construction, so the checks would find nothing;
        they would make COPY several times slower. ``SET LOCAL`` ends with the transaction: nothing leaks into the
        pool.
        """
        if not self.postgres:
            return
        if self.superuser is None:
            self.superuser = (await self.connection.exec_driver_sql("SHOW is_superuser")).scalar_one() == "on"
        # set_config(..., true) is SET LOCAL; one statement, one round trip.
        settings = "set_config('synchronous_commit', 'off', true)"
        if self.superuser:
            settings += ", set_config('session_replication_role', 'replica', true)"
        await self.connection.exec_driver_sql(f"SELECT {settings}")

    async def _driver(self) -> Any:
        raw = await self.connection.get_raw_connection()
        return raw.driver_connection

    async def write(self, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Python rows (in ``columns`` order): asyncpg's COPY of records on PostgreSQL, executemany elsewhere."""
        if not rows:
            return
        if self.postgres:
            driver = await self._driver()
            await driver.copy_records_to_table(table.name, records=rows, columns=list(columns))
            return
        await self.connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])

    async def write_batch(self, batch: Rows) -> None:
        """One batch (in the caller's transaction): COPY of its binary payloads, or its Python rows."""
        for name, columns, count, data in batch.tables:
            if not count:
                continue
            if isinstance(data, bytes):
                driver = await self._driver()
                # A memoryview: asyncpg would take bytes for a file name.
                await driver.copy_to_table(name, source=memoryview(data), columns=columns, format="binary")
            else:
                await self.write(metadata.tables[name], columns, data)


async def has_table(connection: AsyncConnection, name: str) -> bool:
    return bool(await connection.run_sync(lambda sync: inspect(sync).has_table(name)))


async def upsert_catalogue(connection: AsyncConnection, rng: random.Random, now: datetime) -> dict[str, uuid.UUID]:
    """The seed's ingredients in the catalogue (names already there keep their ids), by name."""
    entries = [(seeded_uuid7(rng, now), name) for name in sorted(INGREDIENTS)]
    await connection.execute(queries.add_ingredients_statement(connection.dialect.name, entries, now))
    found = await connection.execute(queries.ingredient_ids_statement(INGREDIENTS))
    return dict(found.tuples().all())


async def copy_batches(
    engine: AsyncEngine,
    plan: Plan,
    encoder: PgEncoder,
    *,
    connections: int,
    report: SeedReport,
    progress: Callable[[int], None] | None,
) -> None:
    """PostgreSQL: a thread generates and encodes the batches in order, ``connections`` connections COPY them
    (one transaction per batch, whichever connection is free), so the server's share (index maintenance,
    ``to_tsvector`` of the full-text index) runs on several backends while the next batches are being generated.
    A batch's rows depend only on its number."""
    ready: asyncio.Queue[Rows | None] = asyncio.Queue(maxsize=connections)

    def make(index: int) -> Rows:
        return encoder.encode(plan.batch(index))

    async def generate() -> None:
        for index in range(plan.batches):
            await ready.put(await asyncio.to_thread(make, index))
        for _ in range(connections):
            await ready.put(None)

    async def copy() -> None:
        async with engine.connect() as connection:
            writer = Writer(connection)
            while (batch := await ready.get()) is not None:
                await writer.bulk_mode()
                await writer.write_batch(batch)
                await connection.commit()
                batch.add_to(report)
                if progress is not None:
                    progress(batch.recipes)

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(generate())
            for _ in range(connections):
                group.create_task(copy())
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None


async def write_batches(
    connection: AsyncConnection,
    plan: Plan,
    user_ids: Sequence[uuid.UUID],
    ingredient_ids: Mapping[str, uuid.UUID],
    *,
    report: SeedReport,
    progress: Callable[[int], None] | None,
) -> None:
    """Other databases: batch after batch on one connection, the next one generated in a thread meanwhile."""
    writer = Writer(connection)

    def make(index: int) -> Rows:
        return python_rows(plan.batch(index), user_ids, ingredient_ids)

    upcoming = asyncio.create_task(asyncio.to_thread(make, 0)) if plan.batches else None
    for index in range(plan.batches):
        assert upcoming is not None  # noqa: S101 - one task per batch
        batch = await upcoming
        if index + 1 < plan.batches:
            upcoming = asyncio.create_task(asyncio.to_thread(make, index + 1))
        await writer.write_batch(batch)
        await connection.commit()
        batch.add_to(report)
        if progress is not None:
            progress(batch.recipes)
