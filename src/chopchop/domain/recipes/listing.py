"""``GET /recipes`` at any size on PostgreSQL: the rule that decides how a page and its ``total`` are read, and the
planner statistics that rule reads (the statements are ``queries``').

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

If the walk ends before a full page, the matches are few or far down the order: **every match** is read, within
the search timeout and a few lists at a time, and the answer is exact (or a 422 when no index can find them).

SQLite (embedded): exact counts with ``queries.embedded_*_statement``; catalogues there are small.
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
from sqlalchemy import ColumnElement, Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from chopchop.domain.recipes import queries
from chopchop.domain.recipes.queries import Criteria, Words
from chopchop.domain.recipes.schemas import TAG_MAX_LENGTH, RecipeFilters, RecipeSort
from chopchop.lib.cursors import Seek
from chopchop.lib.problems import TooManyRequests, Unprocessable

#: How many times ``exact_total_limit`` matches the narrow statement materialises before it gives up.
NARROW_CAP_FACTOR = 5

#: How many lists one process lets read every match at once (the last resort, up to the search timeout each): a
#: server runs as many as it has workers, about one per CPU, so that they finish instead of slowing each other
#: into the timeout, and the rest of the pool and the CPUs stay for everyone else; one more waits at most
#: ``EVERY_MATCH_WAIT`` seconds, then is a 429.
EVERY_MATCH_CONCURRENCY = 1
EVERY_MATCH_WAIT = 0.5
EVERY_MATCH = asyncio.Semaphore(EVERY_MATCH_CONCURRENCY)

#: How long a process trusts the planner statistics it read (they change when autovacuum analyses the table).
STATS_SECONDS = 300.0

#: PostgreSQL's SQLSTATE of a statement cancelled by ``statement_timeout``.
QUERY_CANCELED = "57014"


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
class Listed:
    """A page of summary rows (``queries.SUMMARY_COLUMNS``), the number of matches and whether it is exact."""

    rows: Sequence[Row[Any]]
    total: int
    exact: bool


async def page(
    connection: AsyncConnection,
    filters: RecipeFilters,
    sort: RecipeSort,
    *,
    limit: int,
    offset: int,
    budget: Budget,
    seek: Seek | None = None,
) -> Listed:
    """One page of a list and its ``total``, on the session's connection (core rows, no ORM result layer).

    A cursor page passes its position as ``seek``: the same decision is taken on the filters, then each path reads
    its page from the position (the walk starts there; the exact paths take the page from the counted matches) and
    the ``total`` is the list's, as on the first page: exact, or the same estimate."""
    criteria = await resolve(connection, filters)
    if criteria.impossible:
        return Listed([], 0, True)
    conditions = criteria.conditions()
    stats = await PLANNER_STATS.get(connection)
    estimated: int | None = None
    # Few matches that an index finds: count them (at most `cap`) and take the page from them.
    narrow = stats.rows <= budget.exact_total_limit
    if not narrow and criteria.indexed:
        narrow = known_narrow(criteria, stats, budget.exact_total_limit)
        if not narrow:
            estimated = await estimate(connection, conditions)
            narrow = estimated <= budget.exact_total_limit
    if narrow:
        statement = queries.narrow_statement(conditions, sort, limit=limit, offset=offset, cap=budget.cap, seek=seek)
        rows = (await connection.execute(statement)).all()
        matched = int(rows[0].total)
        if matched <= budget.cap:
            return Listed([row for row in rows if row.id is not None], matched, True)
    # Many matches, or none an index finds: walk the sort order, at most WALK_ROWS rows of it.
    statement = queries.broad_statement(conditions, sort, limit=limit, offset=offset, seek=seek)
    rows = (await connection.execute(statement)).all()
    if len(rows) == limit:
        # A full page; more may follow. The estimate, never below what this page proves.
        if estimated is None:
            estimated = await estimate(connection, conditions)
        return Listed(rows, max(about(estimated), offset + limit + 1), False)
    # The walk ended before a full page: the matches are few, or far down the order. Read them all, within the
    # search timeout: the answer is exact, or a 422 when no index can find them quickly. A few at a time.
    try:
        await asyncio.wait_for(EVERY_MATCH.acquire(), EVERY_MATCH_WAIT)
    except TimeoutError:
        msg = "Too many searches that read every match are running: retry in a moment."
        raise TooManyRequests(msg, slug="too-many-searches", headers={"Retry-After": "1"}) from None
    try:
        return await every_match(connection, conditions, sort, limit=limit, offset=offset, budget=budget, seek=seek)
    finally:
        EVERY_MATCH.release()


async def every_match(
    connection: AsyncConnection,
    conditions: Sequence[ColumnElement[bool]],
    sort: RecipeSort,
    *,
    limit: int,
    offset: int,
    budget: Budget,
    seek: Seek | None = None,
) -> Listed:
    """The last resort: every match read and counted, bounded by the search timeout (a 422 when it runs out)."""
    # For this statement only: bounded by the timeout, and by the indexes wherever they can find the matches
    # (the planner, expecting many matches, would rather read the whole table).
    bounded = {"timeout": str(max(1, budget.search_timeout_ms)), "seqscan": "off", "work_mem": "32MB"}
    await connection.execute(queries.SEARCH_LIMITS_STATEMENT, bounded)
    statement = queries.narrow_statement(conditions, sort, limit=limit, offset=offset, cap=None, seek=seek)
    try:
        rows = (await connection.execute(statement)).all()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
            raise
        msg = (
            "These filters match few recipes, and none of them can be looked up in an index (words that "
            "rarely meet, or only exclusions): add a word, a tag or an ingredient the recipes must have."
        )
        raise Unprocessable(msg, slug="search-too-broad") from exc
    await connection.execute(queries.SEARCH_LIMITS_STATEMENT, {"timeout": "0", "seqscan": "on", "work_mem": "4MB"})
    return Listed([row for row in rows if row.id is not None], int(rows[0].total), True)


class _PlanNode(msgspec.Struct):
    rows: float = msgspec.field(name="Plan Rows")


class _Plan(msgspec.Struct):
    plan: _PlanNode = msgspec.field(name="Plan")


_plans: msgspec.json.Decoder[list[_Plan]] = msgspec.json.Decoder(list[_Plan])


async def estimate(connection: AsyncConnection, conditions: Sequence[ColumnElement[bool]]) -> int:
    """The planner's count of the matches: the row estimate of the top node of the filter's plan."""
    raw = (await connection.execute(queries.estimate_statement(conditions))).scalar_one()
    document = raw if isinstance(raw, str | bytes) else msgspec.json.encode(raw)
    rows: float = _plans.decode(document)[0].plan.rows
    return int(rows)


def about(count: int) -> int:
    """An estimate rounded to two significant digits: 94,197 is "about 94,000"."""
    if count < 100:
        return count
    scale = int(10 ** (len(str(count)) - 2))
    return (count + scale // 2) // scale * scale


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
        for rows, column, elements in (await connection.execute(queries.PLANNER_STATISTICS_STATEMENT)).tuples():
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


async def words(connection: AsyncConnection, query: str) -> Words:
    found = _WORDS.get(query)
    if found is None:
        nodes, tree = (await connection.execute(queries.words_statement(query))).one()
        positive = tuple(sorted({match.replace("''", "'") for match in _QUOTED.findall(tree or "")}))
        found = Words(empty=not nodes, positive=positive)
        _WORDS.put(query, found)
    return cast("Words", found)


async def ingredient_ids(connection: AsyncConnection, names: Iterable[str]) -> dict[str, UUID]:
    """Catalogue ids of the names that exist."""
    rows = await connection.execute(queries.ingredient_ids_statement(names))
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
