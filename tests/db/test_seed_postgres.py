"""The seed on PostgreSQL: its binary COPY fills the filter arrays as the service and the migration would."""

from __future__ import annotations

import random
import struct
import uuid

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.cli.seed import pgcopy
from chopchop.db import Recipe
from tests.db.test_seed import _seed

pytestmark = pytest.mark.integration


async def test_postgres_seed_fills_the_filter_arrays(database_url: str) -> None:
    """Binary COPY: every recipe's ``ingredient_ids`` are the sorted distinct catalogue ids of its lines, its
    ``tags`` its tags in code point order, what the migration's backfill (and the service) would write."""
    report = await _seed(database_url)
    assert report.recipes == 230
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            mismatched = await connection.execute(
                text(
                    "SELECT count(*) FROM recipe r WHERE ingredient_ids IS DISTINCT FROM ARRAY("
                    "SELECT DISTINCT ingredient_id FROM recipe_ingredient WHERE recipe_id = r.id ORDER BY 1)::uuid[] "
                    "OR tags IS DISTINCT FROM ARRAY("
                    'SELECT tag FROM recipe_tag WHERE recipe_id = r.id ORDER BY tag COLLATE "C")::varchar[]'
                )
            )
            assert mismatched.scalar_one() == 0
            filled = await connection.execute(
                text(
                    "SELECT count(*) FILTER (WHERE cardinality(ingredient_ids) >= 5 AND cardinality(tags) >= 1), "
                    "count(*) FILTER (WHERE cardinality(tags) >= 2) FROM recipe"
                )
            )
            every, several_tags = filled.one()
            assert every == 230 and several_tags > 0
            # One-dimensional with lower bound 1, as PostgreSQL's own arrays; containment (what filters use) works.
            shape = await connection.execute(
                text(
                    "SELECT count(*) FROM recipe WHERE array_ndims(ingredient_ids) = 1 AND array_lower(tags, 1) = 1 "
                    "AND ingredient_ids @> ARRAY[ingredient_ids[1]] AND tags && ARRAY[tags[1]]"
                )
            )
            assert shape.scalar_one() == 230
            typed = (await connection.execute(select(Recipe.ingredient_ids, Recipe.tags).limit(1))).one()
            assert all(isinstance(value, uuid.UUID) for value in typed[0])
            assert typed[0] == sorted(set(typed[0])) and typed[1] == sorted(set(typed[1]))
            # The autocomplete's usage counts (stored + pending) match the recipes, whether the COPY fired the
            # usage trigger or not.
            wrong = await connection.execute(
                text(
                    "SELECT count(*) FROM ingredient i WHERE i.recipe_count + coalesce((SELECT sum(delta) "
                    "FROM ingredient_usage u WHERE u.ingredient_id = i.id), 0) "
                    "<> (SELECT count(*) FROM recipe WHERE ingredient_ids @> ARRAY[i.id])"
                )
            )
            assert wrong.scalar_one() == 0
            used = await connection.execute(text("SELECT count(*) FROM ingredient WHERE recipe_count > 0"))
            assert used.scalar_one() > 10
            # The change feed has every seeded recipe as created (its trigger fires under the COPY's replica mode).
            feed = await connection.execute(
                text("SELECT count(DISTINCT recipe_id) FILTER (WHERE kind = 'created'), count(*) FROM recipe_change")
            )
            assert feed.one() == (230, 230)
    finally:
        await engine.dispose()


async def test_arrays_encode_as_binary_arrays(database_url: str) -> None:
    """The array encoding, empty arrays included (seeded recipes always have lines and tags), read back by
    PostgreSQL from a binary COPY."""
    ids = sorted(uuid.UUID(int=random.Random(n).getrandbits(128)) for n in range(3))  # noqa: S311 - test data
    rows = [
        (pgcopy.pg_array(pgcopy.UUID_OID, []), pgcopy.pg_array(pgcopy.VARCHAR_OID, [])),
        (
            pgcopy.pg_array(pgcopy.UUID_OID, [pgcopy.UUID_LENGTH + value.bytes for value in ids]),
            pgcopy.pg_array(pgcopy.VARCHAR_OID, [pgcopy.pg_text(tag) for tag in ("crème", "quick", "x" * 40)]),
        ),
    ]
    payload = pgcopy.COPY_HEADER + b"".join(
        b"\x00\x03" + struct.pack(">ii", 4, n) + a + b for n, (a, b) in enumerate(rows)
    )
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute("CREATE TEMP TABLE seed_arrays (n integer, ids uuid[], tags varchar(40)[])")
        await connection.copy_to_table(
            "seed_arrays",
            source=memoryview(payload + pgcopy.COPY_TRAILER),
            columns=["n", "ids", "tags"],
            format="binary",
        )
        found = await connection.fetch(
            "SELECT ids, tags, array_ndims(ids), cardinality(tags) FROM seed_arrays ORDER BY n"
        )
    finally:
        await connection.close()
    assert [tuple(row) for row in found] == [([], [], None, 0), (ids, ["crème", "quick", "x" * 40], 1, 3)]
