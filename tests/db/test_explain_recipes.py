"""EXPLAIN every typical recipe query on tens of thousands of rows: none may scan recipes, lines or likes.

The statements come from the service's own builders (``recipe_page_statement`` and friends), and then from the
API itself: each typical read is sent uncached and every statement it sends is captured with its parameters and
explained (the PostgreSQL list path joins the page, the tags and the count in one statement of its own). The
data is made by ``INSERT ... SELECT generate_series`` in a few seconds; the suite's ``clean_state`` fixture
truncates it afterwards.

Run as a script against a seeded database (``chopchop seed``) to measure each query with and without its
index (the index is dropped inside a transaction that is rolled back)::

    uv run python -m tests.db.test_explain_recipes postgresql+asyncpg://postgres@127.0.0.1/chopchop_seed
"""

# The SQL strings below are built from this module's own constants, never from input.
# ruff: noqa: S608
from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any, cast, get_args

import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.sql.expression import Executable

from chopchop.domain.recipes import listing
from chopchop.domain.recipes.schemas import RecipeFilters, SortOrder
from chopchop.domain.recipes.services import (
    ingredient_count_statement,
    ingredient_statement,
    liked_count_statement,
    liked_page_statement,
)
from chopchop.lib.pagination import MAX_SEARCH_OFFSET
from chopchop.settings import Settings
from tests.helpers import Client, sent_statements

pytestmark = pytest.mark.integration

RECIPES = 20_000
USERS = 500
INGREDIENTS = 300
LINES_PER_RECIPE = 6
TAGS = 30
#: Tables that must never be read by a sequential scan in the typical queries.
#: The narrow path's cap at the default settings.
CAP = Settings().exact_total_limit * listing.NARROW_CAP_FACTOR
BIG_TABLES = {"recipe", "recipe_ingredient", "recipe_like", "recipe_tag", "comment"}

SEED_SQL = [
    f"""
    INSERT INTO user_account (id, email, display_name, password_hash, is_active, confirmed_at, token_version,
                              created_at, updated_at)
    SELECT gen_random_uuid(), 'explain' || i || '@example.com', 'Cook ' || i, 'x', true, now(), 0, now(), now()
    FROM generate_series(1, {USERS}) AS i
    """,
    f"""
    INSERT INTO ingredient (id, name, created_at, updated_at)
    SELECT gen_random_uuid(), CASE i WHEN 1 THEN 'tomato' WHEN 2 THEN 'garlic' WHEN 3 THEN 'peanut butter'
                                     WHEN 4 THEN 'basil' ELSE 'ingredient ' || lpad(i::text, 4, '0') END,
           now(), now()
    FROM generate_series(1, {INGREDIENTS}) AS i
    """,
    f"""
    INSERT INTO recipe (id, author_id, title, description, complexity, servings, prep_minutes, cook_minutes,
                        total_minutes, steps, like_count, comment_count, search_text, created_at, updated_at)
    SELECT gen_random_uuid(), u.ids[1 + i % {USERS}],
           (ARRAY['Tomato', 'Smoky', 'Quick', 'Creamy', 'Spicy'])[1 + i % 5] || ' '
               || (ARRAY['soup', 'stew', 'pasta', 'curry', 'salad', 'pie', 'tacos'])[1 + i % 7] || ' ' || i,
           repeat('A description of a fine dish, with some words in it. ', 4),
           (ARRAY['easy', 'medium', 'hard'])[1 + i % 3], 1 + i % 8, i % 60, (i * 7) % 180,
           i % 60 + (i * 7) % 180,
           '["Chop everything.", "Cook it for a while.", "Serve it hot."]',
           (i * 7919) % 97, (i * 31) % 13,
           (ARRAY['Tomato', 'Smoky', 'Quick', 'Creamy', 'Spicy'])[1 + i % 5] || ' '
               || (ARRAY['soup', 'stew', 'pasta', 'curry', 'salad', 'pie', 'tacos'])[1 + i % 7]
               || ' chop cook serve simmer ' || md5(i::text),
           now() - i * interval '1 minute', now() - i * interval '1 minute'
    FROM generate_series(1, {RECIPES}) AS i,
         (SELECT array_agg(id ORDER BY email) AS ids FROM user_account) AS u
    """,
    f"""
    INSERT INTO recipe_ingredient (recipe_id, position, ingredient_id, quantity, unit, note)
    SELECT r.id, p, ing.ids[1 + (r.n * 13 + p * 37) % {INGREDIENTS}], 100, 'g', NULL
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM recipe) AS r,
         generate_series(1, {LINES_PER_RECIPE}) AS p,
         (SELECT array_agg(id ORDER BY name) AS ids FROM ingredient) AS ing
    """,
    f"""
    INSERT INTO recipe_tag (recipe_id, tag)
    SELECT r.id, 'tag' || ((r.n + k * 7) % {TAGS})
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM recipe) AS r, generate_series(0, 2) AS k
    """,
    """
    UPDATE recipe r
    SET ingredient_ids = ARRAY(SELECT DISTINCT ingredient_id FROM recipe_ingredient WHERE recipe_id = r.id ORDER BY 1),
        tags = ARRAY(SELECT tag FROM recipe_tag WHERE recipe_id = r.id ORDER BY tag COLLATE "C")
    """,
    f"""
    INSERT INTO recipe_like (user_id, recipe_id, created_at)
    SELECT u.ids[1 + (r.n + k * 41) % {USERS}], r.id, now() - (r.n + k) * interval '1 second'
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM recipe) AS r, generate_series(0, 1) AS k,
         (SELECT array_agg(id ORDER BY email) AS ids FROM user_account) AS u
    """,
]
ANALYZED = ["user_account", "ingredient", "recipe", "recipe_ingredient", "recipe_tag", "recipe_like"]


async def typical_queries(
    connection: AsyncConnection, author: uuid.UUID, liker: uuid.UUID, tags: tuple[str, str] = ("tag7", "tag3")
) -> list[tuple[str, Executable]]:
    """(name, statement) of every query the recipe lists issue, with realistic parameters: the broad path (a walk
    of the sort's index) for every filter and sort, the narrow path (the matches counted exactly) for the
    selective filters it serves."""
    everything = listing.Criteria(RecipeFilters()).conditions()
    queries: list[tuple[str, Executable]] = [
        (f"walk sorted by {sort}", listing.broad_statement(everything, sort, limit=20, offset=0))
        for sort in get_args(SortOrder)
    ]
    queries.append(
        (
            f"deep page (offset {MAX_SEARCH_OFFSET})",
            listing.broad_statement(everything, "newest", limit=20, offset=MAX_SEARCH_OFFSET),
        )
    )
    cases: dict[str, tuple[RecipeFilters, bool]] = {
        "author": (RecipeFilters(author=author), True),
        "complexity": (RecipeFilters(complexity="hard"), False),
        "tag": (RecipeFilters(tags=(tags[0],)), True),
        "max_total_minutes": (RecipeFilters(max_total_minutes=15), False),
        "ingredients_all": (RecipeFilters(ingredients_all=("tomato", "garlic")), True),
        "ingredients_any": (RecipeFilters(ingredients_any=("tomato", "basil")), True),
        "exclude_ingredients": (RecipeFilters(exclude_ingredients=("peanut butter",)), False),
        "full-text q": (RecipeFilters(q="smoky curry"), True),
        "q + tag + complexity": (RecipeFilters(q="tomato", tags=(tags[1],), complexity="easy"), True),
    }
    for name, (filters, selective) in cases.items():
        conditions = (await listing.resolve(connection, filters)).conditions()
        queries.append((f"walk, {name}", listing.broad_statement(conditions, "newest", limit=20, offset=0)))
        if selective:
            exact = listing.narrow_statement(conditions, "newest", limit=20, offset=0, cap=CAP)
            queries.append((f"exact, {name}", exact))
    author_only = listing.Criteria(RecipeFilters(author=author)).conditions()
    queries += [
        ("exact, author, most liked", listing.narrow_statement(author_only, "most_liked", limit=20, offset=0, cap=CAP)),
        ("liked recipes of a user", liked_page_statement(liker, limit=20, offset=0)),
        ("count of a user's likes", liked_count_statement(liker)),
        ("ingredient autocomplete", ingredient_statement("tom", limit=20, offset=0, dialect="postgresql")),
        ("ingredient autocomplete count", ingredient_count_statement("tom")),
    ]
    return queries


def sql_of(statement: Executable) -> str:
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    return str(cast("Any", statement).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def scans(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(node type, relation) of every node of a JSON plan."""
    yield plan["Node Type"], plan.get("Relation Name", "")
    for child in plan.get("Plans", []):
        yield from scans(child)


async def explain(connection: AsyncConnection, sql: str, *, analyze: bool = False) -> dict[str, Any]:
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    raw = (await connection.execute(text(f"EXPLAIN ({options}) {sql}"))).scalar_one()
    document = json.loads(raw) if isinstance(raw, str) else raw
    return dict(document[0])


async def _parameters(connection: AsyncConnection) -> tuple[uuid.UUID, uuid.UUID]:
    author = (await connection.execute(text("SELECT author_id FROM recipe LIMIT 1"))).scalar_one()
    liker = (await connection.execute(text("SELECT user_id FROM recipe_like LIMIT 1"))).scalar_one()
    return author, liker


async def test_typical_recipe_queries_use_indexes(database_url: str, app: Litestar, client: Client) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            # Bulk load: the generated rows are consistent, so the per-row foreign-key triggers are skipped
            # (for this transaction only; the suite connects as a superuser).
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            for seed_sql in SEED_SQL:
                await connection.execute(text(seed_sql))
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            # What autovacuum does on a live database: statistics, and the visibility map for index-only scans.
            await autocommit.execute(text(f"VACUUM ANALYZE {', '.join(ANALYZED)}"))
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM recipe"))).scalar_one() == RECIPES
            author, liker = await _parameters(connection)
            failures: list[str] = []
            for name, statement in await typical_queries(connection, author, liker):
                plan = (await explain(connection, sql_of(statement)))["Plan"]
                seq = sorted({rel for node, rel in scans(plan) if node == "Seq Scan" and rel in BIG_TABLES})
                if seq:
                    failures.append(f"{name}: Seq Scan on {', '.join(seq)}\n{json.dumps(plan, indent=1)[:3000]}")
            assert not failures, "\n\n".join(failures)

            # The statements the API really sends (the list path joins page, tags and count in one statement):
            # captured as they go out, uncached, and explained with their parameters.
            failures = []
            for path in api_reads(author, liker):
                with sent_statements(app) as sent:
                    response = await client.get(path, headers={"Cache-Control": "no-cache"})
                assert response.status_code == 200, (path, response.text)
                selects = [(sql, params) for sql, params in sent if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
                assert selects, path
                for sql, params in selects:
                    raw = (await connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params)).scalar_one()
                    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
                    seq = sorted({rel for node, rel in scans(plan) if node == "Seq Scan" and rel in BIG_TABLES})
                    if seq:
                        failures.append(f"{path}: Seq Scan on {', '.join(seq)}\n{sql}\n{json.dumps(plan)[:3000]}")
            assert not failures, "\n\n".join(failures)
    finally:
        await engine.dispose()


def api_reads(author: uuid.UUID, liker: uuid.UUID) -> list[str]:
    """The typical reads of the recipe area, as URLs."""
    lists = [f"/api/v1/recipes?limit=20&sort={sort}" for sort in get_args(SortOrder)]
    filters = [
        f"offset={MAX_SEARCH_OFFSET}",
        f"author={author}",
        "complexity=hard",
        "tag=tag7",
        "max_total_minutes=15",
        "ingredients_all=tomato&ingredients_all=garlic",
        "ingredients_any=tomato&ingredients_any=basil",
        "exclude_ingredients=peanut%20butter",
        "q=smoky%20curry",
        "q=tomato&tag=tag3&complexity=easy",
    ]
    return [
        *lists,
        *(f"/api/v1/recipes?limit=20&{query}" for query in filters),
        f"/api/v1/users/{author}/recipes?limit=20",
        f"/api/v1/users/{liker}/likes?limit=20",
        "/api/v1/ingredients?prefix=tom",
    ]


async def measure(database_url: str) -> None:
    """Print each query's plan and time with its indexes, and without the recipe indexes it uses."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        author, liker = await _parameters(connection)
        popular = await connection.execute(text("SELECT tag FROM recipe_tag GROUP BY tag ORDER BY count(*) DESC"))
        tags = list(popular.scalars())
        for name, statement in await typical_queries(connection, author, liker, (tags[0], tags[1])):
            sql = sql_of(statement)
            await explain(connection, sql, analyze=True)  # warm the cache: both runs read from memory
            with_index = await explain(connection, sql, analyze=True)
            await connection.rollback()
            used = sorted({idx for idx in _indexes(with_index["Plan"]) if not idx.startswith(("pk_", "uq_"))})
            line = f"{name}: {with_index['Execution Time']:.2f} ms [{_shape(with_index['Plan'])}]"
            if used:
                for index in used:  # DROP INDEX is transactional: the rollback below brings it back
                    await connection.execute(text(f'DROP INDEX "{index}"'))
                await explain(connection, sql, analyze=True)
                without = await explain(connection, sql, analyze=True)
                await connection.rollback()
                line += f" | without {', '.join(used)}: {without['Execution Time']:.2f} ms [{_shape(without['Plan'])}]"
            print(line)
    await engine.dispose()


def _indexes(plan: dict[str, Any]) -> Iterator[str]:
    if "Index Name" in plan:
        yield plan["Index Name"]
    for child in plan.get("Plans", []):
        yield from _indexes(child)


def _shape(plan: dict[str, Any]) -> str:
    """The plan's scan nodes, compactly: ``Index Scan Backward ix_recipe_created_at_id on recipe; ...``."""
    parts = []
    for node in _walk(plan):
        if "Scan" in node["Node Type"]:
            direction = " Backward" if node.get("Scan Direction") == "Backward" else ""
            index = f" {node['Index Name']}" if "Index Name" in node else ""
            relation = f" on {node['Relation Name']}" if "Relation Name" in node else ""
            parts.append(f"{node['Node Type']}{direction}{index}{relation}")
    return "; ".join(parts)


def _walk(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _walk(child)


if __name__ == "__main__":
    asyncio.run(measure(sys.argv[1]))
