"""One seed run, start to end: refuse a seed already there, users, the catalogue, the recipe batches, the counts.

Timestamps count back from ``now``, by default the start of the current UTC day: the same command run twice on one
day writes identical rows. PostgreSQL: a thread generates the batches and encodes them straight into binary COPY
payloads; two connections COPY them, one transaction per batch (``load.copy_batches``). Other databases (SQLite in
the embedded mode): the same batches as Python rows, written one after the other with executemany. Counters
(``like_count``, ``comment_count``) are written consistent with the rows, and so are the recipe's filter arrays
(``ingredient_ids``: the distinct catalogue ids of its lines, ``tags``: its tags, both sorted; JSON lists on
SQLite). On PostgreSQL ``ingredient.recipe_count`` is recounted once at the end.

Measured on the 2-vCPU container (docs/database.md): ``--users 5000 --recipes 1000000`` on PostgreSQL in 295 s,
most of it the server's (indexes, ``to_tsvector`` of the full-text index).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chopchop.cli.seed.generate import MICROS, UNIX_EPOCH, Plan, first_email, generate_users
from chopchop.cli.seed.load import Writer, copy_batches, has_table, upsert_catalogue, write_batches
from chopchop.cli.seed.pgcopy import PgEncoder
from chopchop.cli.seed.rows import SEEDED_TABLES, USER_COLUMNS, SeedReport
from chopchop.db import Recipe, User, metadata
from chopchop.domain.recipes import queries


def start_of_day(moment: datetime | None = None) -> datetime:
    """The default ``now`` of a seed: midnight (UTC) of today, so that a seed is reproducible for a whole day."""
    return (moment or datetime.now(UTC)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


async def _check(connection: AsyncConnection, seed: int, report: SeedReport) -> bool:
    """Refuse a seed whose users are there already; whether there is a comment table to fill."""
    if (await connection.execute(select(User.id).where(User.email == first_email(seed)))).first() is not None:
        msg = f"This database already holds the users of --seed {seed}: choose another seed."
        raise ValueError(msg)
    with_comments = "comment" in metadata.tables and await has_table(connection, "comment")
    if not with_comments:
        report.notes.append("no comment table: comments skipped")
    return with_comments


async def _write_users(
    writer: Writer, rng: random.Random, *, seed: int, count: int, password_hash: str, now: datetime, batch_size: int
) -> list[uuid.UUID]:
    # One argon2 hash for every user: hashing per user would take minutes.
    user_ids, user_rows = generate_users(rng, seed=seed, count=count, password_hash=password_hash, now=now)
    await writer.bulk_mode()
    for start in range(0, len(user_rows), batch_size):
        await writer.write(metadata.tables["user_account"], USER_COLUMNS, user_rows[start : start + batch_size])
    return user_ids


async def _finish_postgres(connection: AsyncConnection, *, with_comments: bool) -> None:
    # The COPY may have skipped the usage trigger (replica mode): count every entry's recipes afresh, the pending
    # deltas dropped (see ``queries.RECOUNT_USAGE_STATEMENT``: nothing is counted twice or missed).
    await connection.execute(queries.LOCK_USAGE)
    await connection.execute(queries.DROP_PENDING_USAGE_STATEMENT)
    await connection.execute(queries.RECOUNT_USAGE_STATEMENT)
    await connection.commit()
    seeded = ", ".join(name for name in SEEDED_TABLES if name != "comment" or with_comments)
    await connection.exec_driver_sql(f"ANALYZE {seeded}")
    await connection.commit()


async def seed_database(
    engine: AsyncEngine,
    *,
    users: int,
    recipes: int,
    seed: int,
    password_hash: str,
    likes_per_recipe: float = 3.0,
    comments_per_recipe: float = 1.5,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
    connections: int = 2,
) -> SeedReport:
    """Insert ``users`` active users and ``recipes`` recipes (with lines, tags, likes, comments); deterministic.

    Timestamps count back from ``now`` (default: :func:`start_of_day`): the same arguments and ``now`` give the
    same rows. ``connections``: PostgreSQL connections writing batches at the same time.
    """
    started = time.perf_counter()
    now = start_of_day() if now is None else now.astimezone(UTC)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    report = SeedReport()
    async with engine.connect() as connection:
        writer = Writer(connection)
        with_comments = await _check(connection, seed, report)
        user_ids = await _write_users(
            writer, rng, seed=seed, count=users, password_hash=password_hash, now=now, batch_size=batch_size
        )
        report.users = users
        ingredient_ids = await upsert_catalogue(connection, rng, now)
        await connection.commit()
        plan = Plan(
            seed=seed,
            recipes=recipes,
            batch_size=batch_size,
            users=users,
            likes_per_recipe=likes_per_recipe,
            comments_per_recipe=comments_per_recipe,
            with_comments=with_comments,
            now=(now - UNIX_EPOCH) // MICROS,
        )
        if writer.postgres:
            encoder = PgEncoder(user_ids, ingredient_ids)
            await copy_batches(engine, plan, encoder, connections=max(1, connections), report=report, progress=progress)
            await _finish_postgres(connection, with_comments=with_comments)
        else:
            await write_batches(connection, plan, user_ids, ingredient_ids, report=report, progress=progress)
        total = (await connection.execute(select(func.count()).select_from(Recipe))).scalar_one()
        report.notes.append(f"{total} recipes in the database now")
    report.seconds = time.perf_counter() - started
    return report
