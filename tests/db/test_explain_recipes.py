"""EXPLAIN every recipe statement on tens of thousands of rows: none of the typical ones may scan recipes, lines,
tags or likes.

Three views of the same SQL, so that nothing the recipe area sends escapes a plan:

* every builder of ``chopchop.domain.recipes.queries``, with realistic parameters (``COVERAGE`` names each one, and
  a test checks it names all of them): each is run in a transaction that is rolled back, what it sends is recorded
  and explained with its parameters (SQLite's for the embedded ones);
* ``listing.page`` as it runs, for filters that take each of its paths (narrow, broad, every match): every
  statement it sends is captured and explained, the last resort under the settings it sets for itself;
* the API itself: each typical read is sent uncached and every statement it sends is captured and explained.

The data is made by ``INSERT ... SELECT generate_series`` in a few seconds; the suite's ``clean_state`` fixture
truncates it afterwards.

Run as a script against a seeded database (``chopchop seed``) to measure each query with and without its
index (the index is dropped inside a transaction that is rolled back)::

    uv run python -m tests.db.test_explain_recipes postgresql+asyncpg://postgres@127.0.0.1/chopchop_seed
"""

# The SQL strings below are built from this module's own constants, never from input.
# ruff: noqa: S608
from __future__ import annotations

import asyncio
import inspect
import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
from litestar import Litestar
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.sql.expression import ClauseElement, Executable

from chopchop.db.migrate import upgrade
from chopchop.domain.recipes import listing, queries
from chopchop.domain.recipes.listing import Budget
from chopchop.domain.recipes.queries import Criteria
from chopchop.domain.recipes.schemas import Complexity, RecipeFilters, RecipeSort
from chopchop.lib.cursors import Seek
from chopchop.lib.pagination import MAX_SEARCH_OFFSET
from chopchop.settings import Settings
from tests.helpers import Client, sent_statements

pytestmark = pytest.mark.integration

RECIPES = 20_000
USERS = 500
INGREDIENTS = 300
LINES_PER_RECIPE = 6
TAGS = 30
#: The narrow path's cap at the default settings.
CAP = Settings().exact_total_limit * listing.NARROW_CAP_FACTOR
#: Tables that must never be read by a sequential scan in the typical queries.
BIG_TABLES = {"recipe", "recipe_ingredient", "recipe_like", "recipe_rating", "recipe_tag", "comment", "recipe_change"}

#: Where each statement of ``queries`` is explained: on "postgresql", on "sqlite" (the embedded mode's), on "both";
#: or why it cannot be (a command, not a query).
COVERAGE: dict[str, str] = {
    "broad_statement": "postgresql",
    "narrow_statement": "postgresql",
    "estimate_statement": "postgresql",
    "SEARCH_LIMITS_STATEMENT": "postgresql",
    "PLANNER_STATISTICS_STATEMENT": "postgresql",
    "words_statement": "postgresql",
    "ingredient_ids_statement": "both",
    "embedded_page_statement": "sqlite",
    "embedded_count_statement": "sqlite",
    "write_lock_statement": "sqlite",
    "recipe_with_author_statement": "both",
    "lines_statement": "both",
    "line_names_statement": "both",
    "tags_statement": "both",
    "active_user_statement": "both",
    "liked_page_statement": "both",
    "liked_count_statement": "both",
    "like_count_statement": "both",
    "add_like_statement": "both",
    "remove_like_statement": "both",
    "remove_likes_of_statement": "both",
    "rated_recipe_statement": "both",
    "rating_statement": "both",
    "add_rating_statement": "both",
    "change_rating_statement": "both",
    "remove_rating_statement": "both",
    "remove_ratings_of_statement": "both",
    "ingredient_statement": "both",
    "ingredient_count_statement": "both",
    "add_ingredients_statement": "both",
    "FOLD_USAGE_STATEMENT": "postgresql",
    "DROP_PENDING_USAGE_STATEMENT": "postgresql",
    "RECOUNT_USAGE_STATEMENT": "postgresql",
    "LOCK_USAGE": "not a query: LOCK TABLE has no plan",
    "changes_statement": "both",
    "change_horizon_statement": "both",
    "newest_expired_tombstone_statement": "both",
    "advance_horizon_statement": "both",
    "prune_tombstones_statement": "both",
    "own_recipes_page_statement": "both",
    "own_recipes_count_statement": "both",
}
#: Statements that read a whole big table by design: the recount reads every recipe's array (a maintenance step
#: after bulk loads, never on a request).
READS_EVERYTHING = {"RECOUNT_USAGE_STATEMENT"}

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
                        total_minutes, steps, like_count, comment_count, search_text, created_at, updated_at,
                        rating_count, rating_sum, rating_score)
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
           now() - i * interval '1 minute', now() - i * interval '1 minute',
           i % 7, (i % 7) * (1 + i % 5), ((i % 7) * (1 + i % 5) + 15) * 1000000 / (i % 7 + 5)
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
    # Ratings of every tenth recipe, loaded as the recipes were: without the triggers that count them (each would
    # write a new version of its recipe's row, leaving the bulk-loaded table as scattered as no vacuumed live table
    # is); the recipes' counters and scores were loaded with them above (only plans are asked of this data).
    "ALTER TABLE recipe_rating DISABLE TRIGGER USER",
    f"""
    INSERT INTO recipe_rating (user_id, recipe_id, stars, created_at, updated_at)
    SELECT u.ids[1 + (r.n + 17) % {USERS}], r.id, 1 + r.n % 5, now(), now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM recipe) AS r,
         (SELECT array_agg(id ORDER BY email) AS ids FROM user_account) AS u
    WHERE r.n % 10 = 0
    """,
    "ALTER TABLE recipe_rating ENABLE TRIGGER USER",
]
ANALYZED = [
    "user_account",
    "ingredient",
    "recipe",
    "recipe_ingredient",
    "recipe_tag",
    "recipe_like",
    "recipe_rating",
    "recipe_change",
]


@dataclass(frozen=True)
class Ids:
    """Rows the statements are asked about: an author (of about 40 recipes), a user who likes recipes, a recipe."""

    author: uuid.UUID
    liker: uuid.UUID
    recipe: uuid.UUID


#: (label, name of the builder in ``queries``, statement)
Entry = tuple[str, str, Any]


def statement_builders(module: ModuleType) -> set[str]:
    """The statements a queries module defines: its ``*_statement`` functions and its statement constants."""
    names: set[str] = set()
    for name, value in vars(module).items():
        constant = isinstance(value, Executable) and isinstance(value, ClauseElement)
        builder = inspect.isfunction(value) and value.__module__ == module.__name__ and name.endswith("_statement")
        if not name.startswith("_") and (constant or builder):
            names.add(name)
    return names


async def typical_queries(
    connection: AsyncConnection, ids: Ids, tags: tuple[str, str] = ("tag7", "tag3")
) -> list[Entry]:
    """Every query the recipe lists issue, with realistic parameters: the broad path (a walk of the sort's index)
    for every filter and sort, the narrow path (the matches counted exactly) for the selective filters it serves;
    a user's likes and the ingredient autocomplete."""
    everything = Criteria(RecipeFilters()).conditions()
    entries: list[Entry] = [
        (f"walk sorted by {sort}", "broad_statement", queries.broad_statement(everything, sort, limit=20, offset=0))
        for sort in RecipeSort
    ]
    deep = queries.broad_statement(everything, RecipeSort.NEWEST, limit=20, offset=MAX_SEARCH_OFFSET)
    entries.append((f"deep page (offset {MAX_SEARCH_OFFSET})", "broad_statement", deep))
    # Cursor pages deep in each order, both ways: the walk starts at the position.
    for sort in RecipeSort:
        for backward in (False, True):
            seek = await deep_seek(connection, sort, backward=backward)
            cursor_page = queries.broad_statement(everything, sort, limit=21, offset=0, seek=seek)
            entries.append((f"cursor page, {sort}, backward={backward}", "broad_statement", cursor_page))
    cases: dict[str, tuple[RecipeFilters, bool]] = {
        "author": (RecipeFilters(author=ids.author), True),
        "complexity": (RecipeFilters(complexity=Complexity.HARD), False),
        "tag": (RecipeFilters(tags=(tags[0],)), True),
        "max_total_minutes": (RecipeFilters(max_total_minutes=15), False),
        "ingredients_all": (RecipeFilters(ingredients_all=("tomato", "garlic")), True),
        "ingredients_any": (RecipeFilters(ingredients_any=("tomato", "basil")), True),
        "exclude_ingredients": (RecipeFilters(exclude_ingredients=("peanut butter",)), False),
        "full-text q": (RecipeFilters(q="smoky curry"), True),
        "q + tag + complexity": (RecipeFilters(q="tomato", tags=(tags[1],), complexity=Complexity.EASY), True),
    }
    for name, (filters, selective) in cases.items():
        conditions = (await listing.resolve(connection, filters)).conditions()
        broad = queries.broad_statement(conditions, RecipeSort.NEWEST, limit=20, offset=0)
        entries.append((f"walk, {name}", "broad_statement", broad))
        if selective:
            exact = queries.narrow_statement(conditions, RecipeSort.NEWEST, limit=20, offset=0, cap=CAP)
            entries.append((f"exact, {name}", "narrow_statement", exact))
    author_only = Criteria(RecipeFilters(author=ids.author)).conditions()
    most_liked = queries.narrow_statement(author_only, RecipeSort.MOST_LIKED, limit=20, offset=0, cap=CAP)
    seek = await deep_seek(connection, RecipeSort.NEWEST, backward=False, where=f"author_id = '{ids.author}'", row=20)
    cursor_exact = queries.narrow_statement(author_only, RecipeSort.NEWEST, limit=21, offset=0, cap=CAP, seek=seek)
    liked_seek = await liked_seek_of(connection, ids.liker)
    return [
        *entries,
        ("exact, author, most liked", "narrow_statement", most_liked),
        ("exact, author, cursor page", "narrow_statement", cursor_exact),
        (
            "liked recipes of a user, cursor page",
            "liked_page_statement",
            queries.liked_page_statement(ids.liker, limit=21, offset=0, seek=liked_seek),
        ),
        (
            "liked recipes of a user",
            "liked_page_statement",
            queries.liked_page_statement(ids.liker, limit=20, offset=0),
        ),
        ("count of a user's likes", "liked_count_statement", queries.liked_count_statement(ids.liker)),
        ("ingredient autocomplete", "ingredient_statement", ingredients_page("postgresql")),
        ("ingredient autocomplete count", "ingredient_count_statement", queries.ingredient_count_statement("tom")),
    ]


async def deep_seek(
    connection: AsyncConnection, sort: RecipeSort, *, backward: bool, where: str = "true", row: int = RECIPES // 2
) -> Seek:
    """A cursor's position deep in ``sort``'s order: the sort key values of its ``row``-th recipe."""
    names = [name for name, _ in queries.SORT_KEYS[sort]]
    order = ", ".join(f"{name} {'DESC' if descending else 'ASC'}" for name, descending in queries.SORT_KEYS[sort])
    sql = f"SELECT {', '.join(names)} FROM recipe WHERE {where} ORDER BY {order} OFFSET {row} LIMIT 1"
    found = (await connection.execute(text(sql))).one_or_none()
    if found is None:  # fewer rows: the last one
        sql = f"SELECT {', '.join(names)} FROM recipe WHERE {where} ORDER BY {order} DESC LIMIT 1"
        found = (await connection.execute(text(sql.replace("ASC DESC", "DESC").replace("DESC DESC", "ASC")))).one()
    return Seek(tuple(found), backward)


async def liked_seek_of(connection: AsyncConnection, liker: uuid.UUID) -> Seek:
    sql = "SELECT created_at, recipe_id FROM recipe_like WHERE user_id = :u ORDER BY created_at DESC OFFSET 20 LIMIT 1"
    found = (await connection.execute(text(sql), {"u": liker})).one()
    return Seek(tuple(found), False)


def ingredients_page(dialect: str) -> Any:
    return queries.ingredient_statement("tom", limit=20, offset=0, dialect=dialect)


def recipe_statements(ids: Ids, dialect: str) -> list[Entry]:
    """Every other builder of ``queries`` that runs on ``dialect``, with realistic parameters."""
    now = datetime.now(UTC)
    entries: list[Entry] = [
        ("catalogue ids", "ingredient_ids_statement", queries.ingredient_ids_statement(["tomato", "garlic"])),
        ("one recipe", "recipe_with_author_statement", queries.recipe_with_author_statement(ids.recipe)),
        ("its lines", "lines_statement", queries.lines_statement(ids.recipe)),
        ("its line names", "line_names_statement", queries.line_names_statement(ids.recipe)),
        ("its tags", "tags_statement", queries.tags_statement(ids.recipe)),
        ("an active user", "active_user_statement", queries.active_user_statement(ids.author)),
        ("like counter, read", "like_count_statement", queries.like_count_statement(ids.recipe, 0)),
        ("like counter, +1", "like_count_statement", queries.like_count_statement(ids.recipe, 1)),
        ("a like", "add_like_statement", queries.add_like_statement(dialect, ids.liker, ids.recipe, now)),
        ("an unlike", "remove_like_statement", queries.remove_like_statement(ids.liker, ids.recipe)),
        ("a user's likes removed", "remove_likes_of_statement", queries.remove_likes_of_statement(ids.liker)),
        ("a rated recipe", "rated_recipe_statement", queries.rated_recipe_statement(ids.recipe)),
        ("my rating", "rating_statement", queries.rating_statement(ids.liker, ids.recipe)),
        ("a rating", "add_rating_statement", queries.add_rating_statement(dialect, ids.liker, ids.recipe, 4, now)),
        ("a re-rating", "change_rating_statement", queries.change_rating_statement(ids.liker, ids.recipe, 2, now)),
        ("an unrating", "remove_rating_statement", queries.remove_rating_statement(ids.liker, ids.recipe)),
        ("a user's ratings removed", "remove_ratings_of_statement", queries.remove_ratings_of_statement(ids.liker)),
        (
            "an author's own recipes",
            "own_recipes_page_statement",
            queries.own_recipes_page_statement(ids.author, None, limit=21, offset=0),
        ),
        (
            "an author's drafts",
            "own_recipes_page_statement",
            queries.own_recipes_page_statement(ids.author, "draft", limit=21, offset=0),
        ),
        (
            "how many an author has",
            "own_recipes_count_statement",
            queries.own_recipes_count_statement(ids.author, None),
        ),
        (
            "new catalogue entries",
            "add_ingredients_statement",
            queries.add_ingredients_statement(dialect, [(uuid.uuid4(), "explained"), (uuid.uuid4(), "tomato")], now),
        ),
    ]
    month = now - timedelta(days=30)
    entries += [
        ("change feed from the start", "changes_statement", queries.changes_statement(dialect, (0, 0), limit=101)),
        (
            "change feed from a cursor",
            "changes_statement",
            queries.changes_statement(dialect, (2**20, 2**20), limit=101),
        ),
        ("change feed horizon", "change_horizon_statement", queries.change_horizon_statement()),
        (
            "newest expired tombstone",
            "newest_expired_tombstone_statement",
            queries.newest_expired_tombstone_statement(month),
        ),
        ("horizon advanced", "advance_horizon_statement", queries.advance_horizon_statement(dialect, (5, 7))),
        ("tombstones pruned", "prune_tombstones_statement", queries.prune_tombstones_statement(month, (5, 7))),
    ]
    if dialect == "postgresql":
        conditions = Criteria(RecipeFilters(complexity=Complexity.HARD, max_total_minutes=15)).conditions()
        limits = queries.SEARCH_LIMITS_STATEMENT.bindparams(timeout="2000", seqscan="off", work_mem="32MB")
        return [
            *entries,
            ("estimate of a filter", "estimate_statement", queries.estimate_statement(conditions)),
            ("search limits", "SEARCH_LIMITS_STATEMENT", limits),
            ("planner statistics", "PLANNER_STATISTICS_STATEMENT", queries.PLANNER_STATISTICS_STATEMENT),
            ("words of a search", "words_statement", queries.words_statement("smoky curry -stew")),
            ("usage fold", "FOLD_USAGE_STATEMENT", queries.FOLD_USAGE_STATEMENT),
            ("pending usage dropped", "DROP_PENDING_USAGE_STATEMENT", queries.DROP_PENDING_USAGE_STATEMENT),
            ("usage recount", "RECOUNT_USAGE_STATEMENT", queries.RECOUNT_USAGE_STATEMENT),
        ]
    lists: list[Entry] = []
    for filters in embedded_filters(ids):
        page = queries.embedded_page_statement(filters, RecipeSort.NEWEST, limit=20, offset=0)
        lists.append((f"embedded page, {filters}", "embedded_page_statement", page))
    for sort in RecipeSort:
        keys = {
            "created_at": now,
            "like_count": 3,
            "comment_count": 1,
            "title": "Soup",
            "total_minutes": 20,
            "rating_score": 3_500_000,
        }
        position = tuple(keys[name] if name != "id" else ids.recipe for name, _ in queries.SORT_KEYS[sort])
        for backward in (False, True):
            seek = Seek(position, backward)
            page = queries.embedded_page_statement(RecipeFilters(), sort, limit=21, offset=0, seek=seek)
            lists.append((f"embedded cursor page, {sort}, backward={backward}", "embedded_page_statement", page))
        lists.append(
            (f"embedded count, {filters}", "embedded_count_statement", queries.embedded_count_statement(filters))
        )
    return [
        *entries,
        *lists,
        (
            "liked recipes of a user",
            "liked_page_statement",
            queries.liked_page_statement(ids.liker, limit=20, offset=0),
        ),
        ("count of a user's likes", "liked_count_statement", queries.liked_count_statement(ids.liker)),
        ("ingredient autocomplete", "ingredient_statement", ingredients_page("sqlite")),
        ("ingredient autocomplete count", "ingredient_count_statement", queries.ingredient_count_statement("tom")),
        ("write lock", "write_lock_statement", queries.write_lock_statement(ids.recipe)),
    ]


def embedded_filters(ids: Ids) -> list[RecipeFilters]:
    return [
        RecipeFilters(),
        RecipeFilters(author=ids.author),
        RecipeFilters(complexity=Complexity.HARD, max_total_minutes=15),
        RecipeFilters(tags=("tag7", "tag3")),
        RecipeFilters(ingredients_all=("tomato", "garlic")),
        RecipeFilters(ingredients_any=("tomato", "basil"), exclude_ingredients=("peanut butter",)),
        RecipeFilters(q="smoky curry"),
    ]


async def sent_by(connection: AsyncConnection, statement: Any) -> list[tuple[str, Any]]:
    """What ``statement`` sends to the database (SQL and driver parameters): it runs in a transaction that is
    rolled back, so that its parameters are processed exactly as they are for the services."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_args: Any) -> None:
        sent.append((sql, parameters))

    if connection.in_transaction():
        await connection.rollback()
    transaction = await connection.begin()
    event.listen(connection.sync_connection, "before_cursor_execute", record)
    try:
        await connection.execute(statement)
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", record)
        await transaction.rollback()
    return sent


def sql_of(statement: Executable) -> str:
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    return str(cast("Any", statement).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def scans(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(node type, relation) of every node of a JSON plan."""
    yield plan["Node Type"], plan.get("Relation Name", "")
    for child in plan.get("Plans", []):
        yield from scans(child)


def seq_scans(plan: dict[str, Any]) -> list[str]:
    return sorted({rel for node, rel in scans(plan) if node == "Seq Scan" and rel in BIG_TABLES})


async def explain(connection: AsyncConnection, sql: str, *, analyze: bool = False) -> dict[str, Any]:
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    raw = (await connection.execute(text(f"EXPLAIN ({options}) {sql}"))).scalar_one()
    document = json.loads(raw) if isinstance(raw, str) else raw
    return dict(document[0])


async def plan_of(connection: AsyncConnection, sql: str, parameters: Any) -> dict[str, Any]:
    """The plan of a statement as it was sent. An ``EXPLAIN`` (the list's estimate) is only ever planned: its plan
    is its result."""
    explained = sql if sql.lstrip().upper().startswith("EXPLAIN") else f"EXPLAIN (FORMAT JSON) {sql}"
    raw = (await connection.exec_driver_sql(explained, parameters)).scalar_one()
    return dict((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"])


async def explain_as_run(connection: AsyncConnection, sent: list[tuple[str, Any]], where: str) -> list[str]:
    """Explain statements in the order they were sent, in one transaction rolled back: the settings a list sets
    for its last resort (``SEARCH_LIMITS_STATEMENT``) are set again, so what follows is planned as it ran."""
    failures: list[str] = []
    if connection.in_transaction():
        await connection.rollback()
    async with connection.begin() as transaction:
        for sql, parameters in sent:
            plan = await plan_of(connection, sql, parameters)
            if "set_config(" in sql:
                await connection.exec_driver_sql(sql, parameters)
            elif not sql.lstrip().upper().startswith("EXPLAIN") and (seq := seq_scans(plan)):
                failures.append(f"{where}: Seq Scan on {', '.join(seq)}\n{sql}\n{json.dumps(plan)[:3000]}")
        await transaction.rollback()
    return failures


async def _parameters(connection: AsyncConnection) -> Ids:
    author = (await connection.execute(text("SELECT author_id FROM recipe LIMIT 1"))).scalar_one()
    liker = (await connection.execute(text("SELECT user_id FROM recipe_like LIMIT 1"))).scalar_one()
    recipe = (await connection.execute(text("SELECT recipe_id FROM recipe_like LIMIT 1"))).scalar_one()
    return Ids(author=author, liker=liker, recipe=recipe)


def list_cases(ids: Ids) -> dict[str, tuple[RecipeFilters, RecipeSort, int]]:
    """Lists that take each path of ``listing.page`` on the seeded data (whose search vectors are empty: the bulk
    load skips the trigger that fills them, so every search is rare, and a negated one matches nothing)."""
    return {
        "everything (walk, estimated total)": (RecipeFilters(), RecipeSort.NEWEST, 0),
        "deep page": (RecipeFilters(), RecipeSort.NEWEST, MAX_SEARCH_OFFSET),
        "complexity (estimate, then walk)": (RecipeFilters(complexity=Complexity.HARD), RecipeSort.MOST_LIKED, 0),
        "author (estimate, then exact)": (RecipeFilters(author=ids.author), RecipeSort.NEWEST, 0),
        "tag": (RecipeFilters(tags=("tag7",)), RecipeSort.TITLE, 0),
        "ingredients": (
            RecipeFilters(ingredients_all=("tomato", "garlic"), ingredients_any=("basil",)),
            RecipeSort.QUICKEST,
            0,
        ),
        "rare words (exact)": (RecipeFilters(q="smoky curry"), RecipeSort.NEWEST, 0),
        # Negated words only: every recipe says "chop", so nothing matches. The second word, new to this process,
        # makes the search new to the cache of parsed searches (its words are asked for, whatever ran before).
        "negated words only (every match)": (RecipeFilters(q=f"-chop -never{uuid.uuid4().hex}"), RecipeSort.NEWEST, 0),
        "unknown required ingredient (nothing to ask)": (
            RecipeFilters(ingredients_all=("no such thing",)),
            RecipeSort.NEWEST,
            0,
        ),
    }


#: What the listing cases must have sent between them: each path and each statement of the decision.
LIST_PATHS = {
    "narrow": "MATERIALIZED",
    "broad": "AS walk",
    "every match": "set_config(",
    "estimate": "EXPLAIN (FORMAT JSON)",
    "planner statistics": "pg_stats",
    "words": "numnode(",
    "ingredient ids": "FROM ingredient",
}


def test_every_recipe_statement_is_explained() -> None:
    """Each statement ``queries`` defines is named in ``COVERAGE`` (and so explained below, or said why not)."""
    assert statement_builders(queries) == set(COVERAGE)


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
            ids = await _parameters(connection)

            # Every builder, with realistic parameters.
            entries = [*await typical_queries(connection, ids), *recipe_statements(ids, "postgresql")]
            assert {builder for _, builder, _ in entries} == _covered("postgresql")
            failures: list[str] = []
            for name, builder, statement in entries:
                for sql, parameters in await sent_by(connection, statement):
                    plan = await plan_of(connection, sql, parameters)
                    seq = seq_scans(plan)
                    if seq and builder not in READS_EVERYTHING and not sql.lstrip().upper().startswith("EXPLAIN"):
                        failures.append(f"{name}: Seq Scan on {', '.join(seq)}\n{json.dumps(plan, indent=1)[:3000]}")
            assert not failures, "\n\n".join(failures)

            # The change feed reads a range of its (xid, seq) index, in its order (no sort of the table).
            for after in ((0, 0), (2**20, 2**20)):
                for sql, parameters in await sent_by(
                    connection, queries.changes_statement("postgresql", after, limit=101)
                ):
                    plan = await plan_of(connection, sql, parameters)
                    ranges = [
                        node
                        for node in _walk(plan)
                        if node.get("Index Name") == "ix_recipe_change_xid_seq"
                        and "ROW(xid, seq) >" in node.get("Index Cond", "")
                    ]
                    assert ranges, json.dumps(plan, indent=1)[:3000]
                    assert not any(node["Node Type"] == "Sort" for node in _walk(plan)), json.dumps(plan)[:3000]

            # The list as it runs: every statement listing.page sends, for lists that take each of its paths.
            listing.forget()
            seen: list[str] = []
            for name, (filters, sort, offset) in list_cases(ids).items():
                if connection.in_transaction():
                    await connection.rollback()
                sent = []

                def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_args: Any) -> None:
                    sent.append((sql, parameters))  # noqa: B023 - used within the iteration

                event.listen(connection.sync_connection, "before_cursor_execute", record)
                try:
                    await listing.page(connection, filters, sort, limit=20, offset=offset, budget=Budget())
                finally:
                    event.remove(connection.sync_connection, "before_cursor_execute", record)
                seen += [sql for sql, _ in sent]
                failures += await explain_as_run(connection, sent, f"listing, {name}")
            assert not failures, "\n\n".join(failures)
            missed = [path for path, marker in LIST_PATHS.items() if not any(marker in sql for sql in seen)]
            assert not missed, f"no list took these paths: {missed}"

            # The statements the API really sends (the list path joins page, tags and count in one statement):
            # captured as they go out, uncached, and explained with their parameters.
            for path in [*api_reads(ids), *await cursor_reads(client, ids)]:
                with sent_statements(app) as sent:
                    response = await client.get(path, headers={"Cache-Control": "no-cache"})
                assert response.status_code == 200, (path, response.text)
                assert sent, path
                failures += await explain_as_run(connection, sent, path)
            assert not failures, "\n\n".join(failures)

            # A deep cursor page reads what the first page reads: the walk is an index range from the position.
            for sort in RecipeSort:
                await deep_cursor_reads_a_page(connection, sort)
    finally:
        await engine.dispose()


async def deep_cursor_reads_a_page(connection: AsyncConnection, sort: RecipeSort) -> None:
    """Half-way down ``sort``'s order by cursor, the sort's index is entered at the position (an ``Index Cond`` on
    the row comparison) and about a page of its rows is read, where an offset reads every row it skips."""
    everything = Criteria(RecipeFilters()).conditions()
    seek = await deep_seek(connection, sort, backward=False)
    column = queries.SORT_KEYS[sort][0][0]
    index = f"ix_recipe_{column}_id"
    for name, statement, most in [
        ("cursor", queries.broad_statement(everything, sort, limit=21, offset=0, seek=seek), 2 * 21),
        ("offset", queries.broad_statement(everything, sort, limit=20, offset=RECIPES // 2), None),
    ]:
        (sql, parameters), *_ = await sent_by(connection, statement)
        raw = (await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", parameters)).scalar_one()
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        walks = [node for node in _walk(plan) if node.get("Index Name") == index]
        assert walks, (sort, name, json.dumps(plan)[:2000])
        read = sum(int(node["Actual Rows"]) for node in walks)
        if most is not None:
            assert all("Index Cond" in node for node in walks), (sort, json.dumps(walks)[:2000])
            assert read <= most, (sort, read)
        else:
            assert read >= RECIPES // 2, (sort, read)
        await connection.rollback()


async def cursor_reads(client: Client, ids: Ids) -> list[str]:
    """Cursor pages of the lists, as URLs: each list's second page, from its first page's ``next_cursor``."""
    firsts = [
        *(f"/api/v1/recipes?limit=20&sort={sort}" for sort in RecipeSort),
        "/api/v1/recipes?limit=20&complexity=hard",
        f"/api/v1/recipes?limit=20&author={ids.author}",
        f"/api/v1/users/{ids.author}/recipes?limit=20",
        f"/api/v1/users/{ids.liker}/likes?limit=5",
    ]
    urls = []
    for first in firsts:
        response = await client.get(first, headers={"Cache-Control": "no-cache"})
        assert response.status_code == 200, response.text
        body = response.json()
        urls.append(f"{first}&cursor={body['next_cursor']}")
        second = await client.get(urls[-1], headers={"Cache-Control": "no-cache"})
        urls.append(f"{first}&cursor={second.json()['prev_cursor']}")
    return urls


async def test_embedded_statements_explain(tmp_path: Path) -> None:
    """The embedded mode's statements (and the SQLite forms of the shared ones) are valid SQLite, and look rows up
    in the indexes of lines, tags and likes rather than reading those tables whole."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'explain.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    engine = create_async_engine(url)
    ids = Ids(author=uuid.uuid4(), liker=uuid.uuid4(), recipe=uuid.uuid4())
    entries = recipe_statements(ids, "sqlite")
    assert {builder for _, builder, _ in entries} == _covered("sqlite")
    failures: list[str] = []
    try:
        async with engine.connect() as connection:
            for name, builder, statement in entries:
                for sql, parameters in await sent_by(connection, statement):
                    steps = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)).all()
                    details = [str(step[-1]) for step in steps]
                    whole = [d for d in details if d.startswith("SCAN ") and d.split()[1] in EMBEDDED_LOOKUPS]
                    if whole:
                        failures.append(f"{name}: {whole}\n{sql}\n{details}")
                    # The change feed: a range of the primary key (every xid is 0 on SQLite).
                    if (
                        builder == "changes_statement"
                        and "SEARCH recipe_change USING INTEGER PRIMARY KEY (rowid>?)" not in details
                    ):
                        failures.append(f"{name}: not a range of recipe_change's key\n{sql}\n{details}")
    finally:
        await engine.dispose()
    assert not failures, "\n\n".join(failures)


#: Tables the embedded statements only look up by index (recipes themselves may be walked in a sort order).
EMBEDDED_LOOKUPS = {"recipe_ingredient", "recipe_like", "recipe_rating", "recipe_tag", "comment", "recipe_change"}


def _covered(dialect: str) -> set[str]:
    return {name for name, where in COVERAGE.items() if where in (dialect, "both")}


def api_reads(ids: Ids) -> list[str]:
    """The typical reads of the recipe area, as URLs."""
    lists = [f"/api/v1/recipes?limit=20&sort={sort}" for sort in RecipeSort]
    filters = [
        f"offset={MAX_SEARCH_OFFSET}",
        f"author={ids.author}",
        "complexity=hard",
        "tag=tag7",
        "max_total_minutes=15",
        "ingredients_all=tomato&ingredients_all=garlic",
        "ingredients_any=tomato&ingredients_any=basil",
        "exclude_ingredients=peanut%20butter",
        "q=smoky%20curry",
        "q=tomato&tag=tag3&complexity=easy",
        "q=-chop",
    ]
    return [
        *lists,
        *(f"/api/v1/recipes?limit=20&{query}" for query in filters),
        f"/api/v1/recipes/{ids.recipe}",
        f"/api/v1/recipes/{ids.recipe}?servings=3",
        f"/api/v1/users/{ids.author}/recipes?limit=20",
        f"/api/v1/users/{ids.liker}/likes?limit=20",
        f"/api/v1/recipes?limit=20&sort=rating&author={ids.author}",
        "/api/v1/recipes?limit=20&sort=rating&complexity=hard",
        "/api/v1/ingredients?prefix=tom",
        "/api/v1/recipes/changes?limit=100",
    ]


async def measure(database_url: str) -> None:
    """Print each query's plan and time with its indexes, and without the recipe indexes it uses."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        ids = await _parameters(connection)
        popular = await connection.execute(text("SELECT tag FROM recipe_tag GROUP BY tag ORDER BY count(*) DESC"))
        tags = list(popular.scalars())
        for name, _builder, statement in await typical_queries(connection, ids, (tags[0], tags[1])):
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
