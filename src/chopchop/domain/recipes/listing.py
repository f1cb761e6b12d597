"""``GET /recipes`` at any size: the statements, the rule that decides what a page's ``total`` costs, and the
planner statistics that rule reads.

PostgreSQL. A list is answered in one of two ways (measured in bench/results/20261130-issue12-research-1m.md and
docs/database.md):

* **Narrow** (few matches): one statement materialises the ids of every match once, then counts them and reads
  the page: ``total`` is exact (``total_exact: true``). Its cost grows with the number of matches, so it is taken
  only when that number is known to be small.
* **Broad** (many matches): the page walks a sort index and stops after ``offset + limit`` matches, joining the
  rest of the summary for the page's rows only (a deferred join); ``total`` is the planner's estimate of the
  matches (``total_exact: false``), from one ``EXPLAIN`` of the filter. Counting 94,000 matches of a common word
  exactly costs as much as reading them; estimating costs one planning.

The estimate decides: at most ``exact_total_limit`` estimated matches is narrow. The narrow statement never
materialises more than five times that many matches: an estimate (or a rarity rule) that was wrong by more costs
a bounded detour to the broad path, not a count of everything. Estimates are only as good as
the statistics, so a list is also narrow when the table is small (``reltuples`` at most the limit), or when a
searched word, a tag or a required ingredient is not among the most common elements PostgreSQL keeps for its
column (``pg_stats.most_common_elems``, 10,000 per column at ``STATISTICS 1000``): such an element is rare, so
its matches are few, while the planner's guess for it (half the rarest tracked frequency) could send the broad
walk through the whole index looking for twenty matches that do not exist.

SQLite (embedded): exact counts with the original statements; catalogues there are small.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

import msgspec
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Uuid,
    false,
    func,
    literal,
    literal_column,
    not_,
    select,
    text,
    true,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.sql.util import ClauseAdapter

from chopchop.db import Ingredient, Recipe, User
from chopchop.db.recipes import FULLTEXT_CONFIG
from chopchop.domain.recipes.schemas import TAG_MAX_LENGTH, RecipeFilters, SortOrder

#: Sort keys of each order, each ending with the id (ties keep a stable order across pages): (column, descending).
SORT_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    "newest": (("created_at", True), ("id", True)),
    "most_liked": (("like_count", True), ("id", True)),
    "most_commented": (("comment_count", True), ("id", True)),
    "title": (("title", False), ("id", False)),
    "quickest": (("total_minutes", False), ("id", False)),
}

#: The type of ``recipe.tags``: a list of tags is compared as the same type (``varchar[] @> varchar[]``).
TAGS_ARRAY = ARRAY(String(TAG_MAX_LENGTH))
IDS_ARRAY = ARRAY(Uuid())

#: How many times ``exact_total_limit`` matches the narrow statement materialises before it gives up.
NARROW_CAP_FACTOR = 5

#: How many rows of a sort order the walk reads at most before the list is answered another way.
WALK_ROWS = 20_000

#: How many lists one process lets read every match at once (the last resort, up to the search timeout each): a
#: server runs as many as it has workers, about one per CPU, so that they finish instead of slowing each other
#: into the timeout, and the rest of the pool and the CPUs stay for everyone else; one more waits at most
#: ``EVERY_MATCH_WAIT`` seconds, then is a 429.
EVERY_MATCH_CONCURRENCY = 1
EVERY_MATCH_WAIT = 0.5
EVERY_MATCH = asyncio.Semaphore(EVERY_MATCH_CONCURRENCY)

#: How long a process trusts the planner statistics it read (they change when autovacuum analyses the table).
STATS_SECONDS = 300.0

SUMMARY_COLUMNS = (
    Recipe.id,
    Recipe.title,
    Recipe.complexity,
    Recipe.servings,
    Recipe.total_minutes,
    Recipe.like_count,
    Recipe.comment_count,
    Recipe.created_at,
    Recipe.author_id,
    User.display_name,
    Recipe.tags,
)


def order_by(columns: Any, sort: SortOrder) -> list[ColumnElement[Any]]:
    """The ORDER BY of ``sort`` over ``columns`` (the ``Recipe`` model, or a CTE's ``.c``)."""
    return [
        getattr(columns, name).desc() if descending else getattr(columns, name).asc()
        for name, descending in SORT_KEYS[sort]
    ]


@dataclass(frozen=True)
class Budget:
    """What a list may spend: exact counts up to ``exact_total_limit`` matches; ``search_timeout_ms`` for the last
    resort (few matches that no index finds)."""

    exact_total_limit: int = 2000
    search_timeout_ms: int = 2000

    @property
    def cap(self) -> int:
        return self.exact_total_limit * NARROW_CAP_FACTOR


@dataclass(frozen=True)
class Criteria:
    """The filters of one list, with ingredient names resolved to catalogue ids (PostgreSQL).

    ``impossible``: a required ingredient is not in the catalogue, none of the alternatives is, or the search is
    only stop words: nothing matches, and nothing needs to be asked.
    """

    filters: RecipeFilters
    all_ids: tuple[UUID, ...] = ()
    any_ids: tuple[UUID, ...] = ()
    exclude_ids: tuple[UUID, ...] = ()
    searched: Words | None = None
    impossible: bool = False

    @property
    def indexed(self) -> bool:
        """Whether a condition can find its matches in an index (a bitmap), rather than only check rows: exclusions
        and searches made only of negated words cannot."""
        filters = self.filters
        searched = self.searched is not None and bool(self.searched.positive)
        return bool(
            filters.author is not None
            or filters.complexity is not None
            or filters.tags
            or filters.max_total_minutes is not None
            or self.all_ids
            or self.any_ids
            or searched
        )

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses: containment tests on the GIN-indexed arrays, the stored search vector, b-trees."""
        filters = self.filters
        conditions: list[ColumnElement[bool]] = []
        if self.impossible:
            return [false()]
        if filters.author is not None:
            conditions.append(Recipe.author_id == filters.author)
        if filters.complexity is not None:
            conditions.append(Recipe.complexity == filters.complexity)
        if filters.tags:
            wanted = sorted(set(filters.tags))
            conditions.append(Recipe.tags.contains(cast_(literal(wanted, TAGS_ARRAY), TAGS_ARRAY)))
        if filters.max_total_minutes is not None:
            conditions.append(Recipe.total_minutes <= filters.max_total_minutes)
        if self.all_ids:
            conditions.append(Recipe.ingredient_ids.contains(_ids(self.all_ids)))
        if self.any_ids:
            conditions.append(Recipe.ingredient_ids.overlap(_ids(self.any_ids)))
        if self.exclude_ids:
            conditions.append(not_(Recipe.ingredient_ids.overlap(_ids(self.exclude_ids))))
        if filters.q:
            conditions.append(fulltext_match(filters.q))
        return conditions


def _ids(ids: Iterable[UUID]) -> ColumnElement[Any]:
    return cast_(literal(sorted(set(ids)), IDS_ARRAY), IDS_ARRAY)


_NEGATIONS = re.compile(r"(?:-\s*){2,}")


def search_query(query: str) -> str:
    """The search as ``websearch_to_tsquery`` may safely read it: each ``-`` before a word nests one more NOT, and
    33 of them overflow its stack (an error, not an answer); two cancel out, so a run keeps its parity."""
    return _NEGATIONS.sub(lambda run: "-" if run.group().count("-") % 2 else " ", query)


def tsquery(query: str) -> ColumnElement[Any]:
    config: ColumnElement[Any] = literal_column(f"'{FULLTEXT_CONFIG}'")
    return func.websearch_to_tsquery(config, search_query(query))


def fulltext_match(query: str) -> ColumnElement[bool]:
    """Full-text match against the stored ``search_vector`` (GIN index ``ix_recipe_search_vector``): a filter the
    planner can check per row for free while it walks a sort index, or look up in the GIN index."""
    return Recipe.search_vector.op("@@")(tsquery(query))


def broad_statement(
    conditions: Sequence[ColumnElement[bool]], sort: SortOrder, *, limit: int, offset: int
) -> Select[Any]:
    """The page by a walk of the sort's index, at most ``WALK_ROWS`` rows of it: the filters are checked on the
    first rows of the order (a ``LIMIT`` the planner can only serve by walking the index), the offset skips ids
    only, and authors and columns are joined for the page's rows. A full page found in the walk is the right page
    (those rows are the first of the order); a short one says nothing about the rest."""
    walk = select(*Recipe.__table__.c).order_by(*order_by(Recipe, sort)).limit(WALK_ROWS).subquery("walk")
    adapter = ClauseAdapter(walk)
    window = (
        select(walk.c.id.label("id"))
        .where(*(adapter.traverse(condition) for condition in conditions))
        .order_by(*order_by(walk.c, sort))
        .limit(limit)
        .offset(offset)
        .subquery("w")
    )
    return (
        select(*SUMMARY_COLUMNS)
        .select_from(window)
        .join(Recipe, Recipe.id == window.c.id)
        .join(User, User.id == Recipe.author_id)
        .order_by(*order_by(Recipe, sort))
    )


def narrow_statement(
    conditions: Sequence[ColumnElement[bool]], sort: SortOrder, *, limit: int, offset: int, cap: int | None
) -> Select[Any]:
    """The page and the exact number of matches in one statement: the matches (id and sort key) are materialised
    once, counted, and the page is taken from them. At most ``cap + 1`` matches are materialised, whatever the
    estimate said: a ``total`` above ``cap`` means "many", and the page is not to be trusted (the broad path
    answers instead)."""
    keys = [getattr(Recipe, name) for name, _ in SORT_KEYS[sort] if name != "id"]
    matching = select(Recipe.id, *keys).where(*conditions)
    if cap is not None:
        matching = matching.limit(cap + 1)
    matches = matching.cte("m").prefix_with("MATERIALIZED")
    window = select(matches.c.id).order_by(*order_by(matches.c, sort)).limit(limit).offset(offset).subquery("w")
    page = (
        select(*SUMMARY_COLUMNS)
        .select_from(window)
        .join(Recipe, Recipe.id == window.c.id)
        .join(User, User.id == Recipe.author_id)
        .subquery("p")
    )
    # The count, joined to the page's rows: one row with empty columns when the page is past the end, so the
    # total never needs a second statement.
    counted = select(func.count().label("total")).select_from(matches).subquery("t")
    return (
        select(*page.c, counted.c.total).select_from(counted).outerjoin(page, true()).order_by(*order_by(page.c, sort))
    )


def estimate_statement(conditions: Sequence[ColumnElement[bool]]) -> Explain:
    """``EXPLAIN`` of the filter alone: its top node's row estimate is the planner's count of the matches."""
    return Explain(select(literal(1)).select_from(Recipe).where(*conditions))


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) <statement>``, with the statement's bound parameters (the planner sees the values,
    as it does for the statement itself: the estimate is the one the real query gets)."""

    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(Explain)
def _compile_explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


class _PlanNode(msgspec.Struct):
    rows: float = msgspec.field(name="Plan Rows")


class _Plan(msgspec.Struct):
    plan: _PlanNode = msgspec.field(name="Plan")


_plans: msgspec.json.Decoder[list[_Plan]] = msgspec.json.Decoder(list[_Plan])


async def estimate(connection: AsyncConnection, conditions: Sequence[ColumnElement[bool]]) -> int:
    raw = (await connection.execute(estimate_statement(conditions))).scalar_one()
    document = raw if isinstance(raw, str | bytes) else msgspec.json.encode(raw)
    rows: float = _plans.decode(document)[0].plan.rows
    return int(rows)


def about(count: int) -> int:
    """An estimate rounded to two significant digits: 94,197 is "about 94,000"."""
    if count < 100:
        return count
    scale = int(10 ** (len(str(count)) - 2))
    return (count + scale // 2) // scale * scale


_STATS = text(
    """
    SELECT c.reltuples::float8, a.name, s.most_common_elems::text::text[]
    FROM pg_class c
    CROSS JOIN (VALUES ('search_vector'), ('ingredient_ids'), ('tags')) AS a(name)
    LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'recipe' AND s.attname = a.name
    WHERE c.oid = 'recipe'::regclass
    """
)


@dataclass
class PlannerStats:
    """What this process knows of PostgreSQL's statistics on ``recipe``, read at most every ``STATS_SECONDS``."""

    rows: float = -1.0
    common: dict[str, frozenset[str]] = field(default_factory=dict)
    read_at: float = float("-inf")

    def is_common(self, column: str, elements: Iterable[str]) -> bool:
        known = self.common.get(column, frozenset())
        return all(element in known for element in elements)


class PlannerStatsCache:
    """Per database (a process may serve several, e.g. the growth benchmark): its statistics, at most
    ``STATS_SECONDS`` old."""

    def __init__(self) -> None:
        self._stats: dict[str, PlannerStats] = {}

    def clear(self) -> None:
        """Forget what was read (tests that analyse a table they just filled)."""
        self._stats.clear()

    async def get(self, connection: AsyncConnection) -> PlannerStats:
        now = time.monotonic()
        database = connection.engine.url.render_as_string(hide_password=True)
        known = self._stats.get(database)
        if known is not None and now - known.read_at < STATS_SECONDS:
            return known
        stats = PlannerStats(read_at=now)
        for rows, column, elements in (await connection.execute(_STATS)).tuples():
            stats.rows = float(rows)
            stats.common[column] = frozenset(elements or ())
        self._stats[database] = stats
        return stats


#: One per process: the statistics change slowly and are the same for every request.
PLANNER_STATS = PlannerStatsCache()


class _Bounded(dict[str, Any]):
    """A dict that forgets everything when it reaches its size (the values are cheap to ask for again)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        if len(self) >= self.size:
            self.clear()
        self[key] = value


_WORDS = _Bounded(4096)


def forget() -> None:
    """Forget the statistics this process read (tests that fill and analyse a table in a moment)."""
    PLANNER_STATS.clear()


_QUOTED = re.compile(r"'((?:[^']|'')*)'")


@dataclass(frozen=True)
class Words:
    """What ``websearch_to_tsquery`` made of a search: whether anything is left (stop words alone leave nothing,
    and match nothing) and the words an index can look up (``querytree``: negated ones are left out)."""

    empty: bool
    positive: tuple[str, ...]


async def words(connection: AsyncConnection, query: str) -> Words:
    found = _WORDS.get(query)
    if found is None:
        searched = tsquery(query)
        nodes, tree = (await connection.execute(select(func.numnode(searched), func.querytree(searched)))).one()
        positive = tuple(sorted({match.replace("''", "'") for match in _QUOTED.findall(tree or "")}))
        found = Words(empty=not nodes, positive=positive)
        _WORDS.put(query, found)
    return cast("Words", found)


async def ingredient_ids(connection: AsyncConnection, names: Iterable[str]) -> dict[str, UUID]:
    """Catalogue ids of the names that exist (one lookup by the unique index on ``ingredient.name``)."""
    rows = await connection.execute(select(Ingredient.name, Ingredient.id).where(Ingredient.name.in_(set(names))))
    return dict(rows.tuples().all())


async def resolve(connection: AsyncConnection, filters: RecipeFilters) -> Criteria:
    """The filters with ingredient names turned into ids: an unknown required name matches nothing, unknown
    alternatives or exclusions are left out."""
    names = {*filters.ingredients_all, *filters.ingredients_any, *filters.exclude_ingredients}
    ids = await ingredient_ids(connection, names) if names else {}
    searched = await words(connection, filters.q) if filters.q else None
    impossible = (
        any(name not in ids for name in filters.ingredients_all)
        or (bool(filters.ingredients_any) and not any(name in ids for name in filters.ingredients_any))
        or (searched is not None and searched.empty)
        # No stored tag is longer; cast to the column's type, a longer one would be cut and match its prefix.
        or any(len(tag) > TAG_MAX_LENGTH for tag in filters.tags)
    )
    return Criteria(
        filters=filters,
        all_ids=tuple(ids[name] for name in filters.ingredients_all if name in ids),
        any_ids=tuple(ids[name] for name in filters.ingredients_any if name in ids),
        exclude_ids=tuple(ids[name] for name in filters.exclude_ingredients if name in ids),
        searched=searched,
        impossible=impossible,
    )


def known_narrow(criteria: Criteria, stats: PlannerStats, exact_total_limit: int) -> bool:
    """Whether the matches are known to be few without asking the planner (see the module's docstring)."""
    if criteria.impossible or stats.rows <= exact_total_limit:
        return True
    filters = criteria.filters
    if filters.tags and not stats.is_common("tags", filters.tags):
        return True
    if criteria.all_ids and not stats.is_common("ingredient_ids", (str(i) for i in criteria.all_ids)):
        return True
    if criteria.any_ids and not any(stats.is_common("ingredient_ids", [str(i)]) for i in criteria.any_ids):
        return True
    searched = criteria.searched
    # A word the statistics do not know is rare: few matches. (Only negated words: most recipes match.)
    return bool(searched and searched.positive and not stats.is_common("search_vector", searched.positive))
