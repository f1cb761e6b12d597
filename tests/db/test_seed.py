"""``chopchop seed``: same seed, same data (whatever the order batches are made in), on SQLite too; the binary
COPY encodings PostgreSQL receives are those of the values; every recipe's filter arrays (``ingredient_ids``,
``tags``) are those of its lines and tag rows, on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import json
import random
import struct
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from chopchop.cli.seed.generate import DAY_MICROS, MICROS, UNIX_EPOCH, Plan
from chopchop.cli.seed.pgcopy import json_strings, pg_numeric
from chopchop.cli.seed.recipes import QUANTITIES, generate_recipe
from chopchop.cli.seed.rows import SeedReport
from chopchop.cli.seed.run import seed_database
from chopchop.cli.seed.words import WORDS, load_words
from chopchop.db import Recipe, RecipeIngredient, RecipeTag
from chopchop.db.migrate import upgrade

NOW = datetime(2026, 1, 2, tzinfo=UTC)
TABLES = {
    "user_account": "id",
    "ingredient": "id",
    "recipe": "id",
    "recipe_ingredient": "recipe_id, position",
    "recipe_tag": "recipe_id, tag",
    "recipe_like": "user_id, recipe_id",
    "comment": "id",
}


def _plan(seed_value: int = 7, recipes: int = 250) -> Plan:
    return Plan(
        seed=seed_value,
        recipes=recipes,
        batch_size=100,
        users=40,
        likes_per_recipe=3.0,
        comments_per_recipe=1.5,
        with_comments=True,
        now=(NOW - UNIX_EPOCH) // MICROS,
    )


def test_a_batch_depends_only_on_the_seed_and_its_number() -> None:
    plan = _plan()
    backwards = [plan.batch(index) for index in reversed(range(plan.batches))][::-1]
    forwards = [plan.batch(index) for index in range(plan.batches)]
    assert backwards == forwards
    assert [len(batch) for batch in forwards] == [100, 100, 50]
    assert _plan(seed_value=8).batch(0) != forwards[0]
    made = [recipe for batch in forwards for recipe in batch]
    # Created in order, over the last 1000 days, with time-ordered UUIDv7 ids; likes and comments come later.
    assert [recipe.created for recipe in made] == sorted(recipe.created for recipe in made)
    assert [recipe.id for recipe in made] == sorted(recipe.id for recipe in made)
    assert all(uuid.UUID(bytes=recipe.id).version == 7 for recipe in made)
    assert plan.now - 1000 * DAY_MICROS <= made[0].created and made[-1].created < plan.now
    for recipe in made:
        assert all(recipe.created <= moment <= plan.now for _, moment in recipe.likes)
        assert len({user for user, _ in recipe.likes}) == len(recipe.likes)
        assert 4 <= len(recipe.content.steps) <= 8
        assert len(set(recipe.content.tags)) == len(recipe.content.tags) >= 1


def test_steps_json_is_what_json_dumps_writes() -> None:
    rng = random.Random(3)  # noqa: S311 - demo data
    for _ in range(500):
        steps = generate_recipe(rng).steps
        assert json_strings(steps) == json.dumps(steps)
    for odd in ([], [""], ['say "hi"'], ["back\\slash"], ["new\nline"], ["crème", "180°C"]):
        assert json_strings(odd) == json.dumps(odd)


def test_the_word_lists_are_packaged_data_checked_when_loaded() -> None:
    """``words.json`` ships in the package (read with importlib.resources); lists naming an ingredient the
    catalogue lacks, or keys nobody reads, are refused when loaded, not found by a KeyError in the middle of a seed."""
    data = resources.files("chopchop.cli.seed").joinpath("words.json").read_bytes()
    assert load_words(data) == WORDS
    assert len(WORDS.ingredients) > 100 and WORDS.ingredients["salt"].unit is None
    edited = json.loads(data)
    edited["mains"].append("unicorn")
    with pytest.raises(ValueError, match="not in its ingredients: unicorn"):
        load_words(json.dumps(edited).encode())
    with pytest.raises(msgspec.ValidationError, match="unknown field"):
        load_words(json.dumps({**json.loads(data), "garnishes": []}).encode())


def _numeric(data: bytes) -> Decimal:
    (length,) = struct.unpack(">i", data[:4])
    count, weight, sign, scale = struct.unpack(">hhhh", data[4:12])
    assert length == 8 + 2 * count and sign == 0 and scale == 3
    digits = struct.unpack(f">{count}h", data[12:])
    return sum((Decimal(digit) * Decimal(10000) ** (weight - i) for i, digit in enumerate(digits)), Decimal(0))


def test_quantities_encode_as_binary_numeric() -> None:
    values = {quantity for quantities in QUANTITIES.values() for quantity in quantities}
    values |= {Decimal("0.001"), Decimal("10000.000"), Decimal("123456.789")}
    for value in values:
        assert _numeric(pg_numeric(value)) == value, value


async def _dump(url: str) -> dict[str, list[Any]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                table: [tuple(row) for row in await connection.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]  # noqa: S608 - constant names
                for table, key in TABLES.items()
            }
    finally:
        await engine.dispose()


async def _seed(url: str, **options: Any) -> SeedReport:
    engine = create_async_engine(url)
    try:
        return await seed_database(
            engine, users=30, recipes=230, seed=5, password_hash="hash", now=NOW, batch_size=100, **options
        )
    finally:
        await engine.dispose()


async def test_sqlite_seed_is_reproducible_and_consistent(tmp_path: Path) -> None:
    urls = [f"sqlite+aiosqlite:///{tmp_path / f'seed{n}.sqlite3'}" for n in (1, 2)]
    for url in urls:
        await asyncio.to_thread(upgrade, url)
    progress: list[int] = []
    report = await _seed(urls[0], progress=progress.append)
    await _seed(urls[1])
    first, second = await _dump(urls[0]), await _dump(urls[1])
    assert first == second
    assert progress == [100, 100, 30]
    assert (report.users, report.recipes) == (30, 230)
    assert report.ingredient_lines == len(first["recipe_ingredient"]) > 6 * 230
    assert report.tags == len(first["recipe_tag"])
    assert report.likes == len(first["recipe_like"])
    assert report.comments == len(first["comment"])
    engine = create_async_engine(urls[0])
    try:
        async with engine.connect() as connection:
            mismatched = await connection.execute(
                text(
                    "SELECT count(*) FROM recipe AS r WHERE like_count <> "
                    "(SELECT count(*) FROM recipe_like AS l WHERE l.recipe_id = r.id) OR comment_count <> "
                    "(SELECT count(*) FROM comment AS c WHERE c.recipe_id = r.id)"
                )
            )
            assert mismatched.scalar_one() == 0
            await _assert_sqlite_arrays(connection)
            feed = await connection.execute(
                text("SELECT count(DISTINCT recipe_id), count(*) FROM recipe_change WHERE kind = 'created'")
            )
            assert feed.one() == (230, 230)  # the change feed has every seeded recipe as created
    finally:
        await engine.dispose()
    with pytest.raises(ValueError, match="already holds the users of --seed 5"):
        await _seed(urls[0])


async def _assert_sqlite_arrays(connection: Any) -> None:
    """SQLite: ``ingredient_ids`` and ``tags`` are JSON lists, the distinct ids (lower-case dashed strings) of the
    recipe's lines and its tags, sorted."""
    ids: dict[uuid.UUID, set[str]] = {}
    for recipe_id, ingredient_id in await connection.execute(
        select(RecipeIngredient.recipe_id, RecipeIngredient.ingredient_id)
    ):
        ids.setdefault(recipe_id, set()).add(str(ingredient_id))
    tags: dict[uuid.UUID, list[str]] = {}
    for recipe_id, tag in await connection.execute(select(RecipeTag.recipe_id, RecipeTag.tag)):
        tags.setdefault(recipe_id, []).append(tag)
    rows = (await connection.execute(select(Recipe.id, Recipe.ingredient_ids, Recipe.tags))).all()
    assert len(rows) == 230
    for recipe_id, ingredient_ids, recipe_tags in rows:
        assert ingredient_ids == sorted(ids[recipe_id]), recipe_id
        assert recipe_tags == sorted(tags[recipe_id]), recipe_id
    # Stored as JSON text, as the migration's backfill would write them.
    raw = (await connection.execute(text("SELECT ingredient_ids, tags FROM recipe LIMIT 1"))).one()
    assert json.loads(raw[0]) == [str(uuid.UUID(value)) for value in json.loads(raw[0])]
    assert isinstance(json.loads(raw[1]), list)
