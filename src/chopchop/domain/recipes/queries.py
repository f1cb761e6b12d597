"""The recipe area's hand-written SQL: lists and search, likes, ratings, the ingredient catalogue and its usage counts.

Each statement is explained by tests/db/test_explain_recipes.py, which finds them all by name: builders
end in ``_statement``, constants are statements. ``listing`` decides which of the list statements a
``GET /recipes`` runs; the services run the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Delete,
    Select,
    String,
    Text,
    Update,
    Uuid,
    and_,
    delete,
    distinct,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.sql.util import ClauseAdapter

from chopchop.db import (
    Ingredient,
    IngredientUsage,
    Recipe,
    RecipeChange,
    RecipeChangeHorizon,
    RecipeIngredient,
    RecipeLike,
    RecipeRating,
    RecipeTag,
    User,
)
from chopchop.db.recipes import FULLTEXT_CONFIG
from chopchop.domain.recipes.schemas import TAG_MAX_LENGTH, RecipeFilters, RecipeSort
from chopchop.domain.visibility import not_hidden, shown_recipe
from chopchop.lib.cursors import Seek, keyset_condition
from chopchop.lib.sql import PLAIN, insert_on_conflict
from chopchop.lib.text import LIKE_ESCAPE, like_escaped

# Sort orders and summaries (both databases)

#: Sort keys of each order, each ending with the id (ties keep a stable order across pages): (column, descending).
SORT_KEYS: dict[RecipeSort, tuple[tuple[str, bool], ...]] = {
    RecipeSort.NEWEST: (("created_at", True), ("id", True)),
    RecipeSort.MOST_LIKED: (("like_count", True), ("id", True)),
    RecipeSort.MOST_COMMENTED: (("comment_count", True), ("id", True)),
    RecipeSort.TITLE: (("title", False), ("id", False)),
    RecipeSort.QUICKEST: (("total_minutes", False), ("id", False)),
    # Best first: the Bayesian average (``chopchop.db.recipes.RATING_*``), then the newest of equals.
    RecipeSort.RATING: (("rating_score", True), ("id", True)),
}

#: The Python types of each order's sort key values, id last (what a cursor of that order carries).
SORT_KEY_TYPES: dict[RecipeSort, Any] = {
    RecipeSort.NEWEST: tuple[datetime, UUID],
    RecipeSort.MOST_LIKED: tuple[int, UUID],
    RecipeSort.MOST_COMMENTED: tuple[int, UUID],
    RecipeSort.TITLE: tuple[str, UUID],
    RecipeSort.QUICKEST: tuple[int, UUID],
    RecipeSort.RATING: tuple[int, UUID],
}


def sort_columns(columns: Any, sort: RecipeSort) -> list[ColumnElement[Any]]:
    """The sort key columns of ``sort`` over ``columns`` (the ``Recipe`` model, or a CTE's ``.c``), id last."""
    return [getattr(columns, name) for name, _ in SORT_KEYS[sort]]


def sort_descending(sort: RecipeSort) -> bool:
    """Whether ``sort`` goes from the highest key down (all its keys go the same way)."""
    return SORT_KEYS[sort][0][1]


def after(columns: Any, sort: RecipeSort, seek: Seek) -> ColumnElement[bool]:
    """The rows of ``columns`` past a cursor's position in ``sort``, the way it walks (one row-value comparison:
    an index range of the sort's b-tree)."""
    return keyset_condition(sort_columns(columns, sort), seek, descending=sort_descending(sort))


SUMMARY_COLUMNS = (
    Recipe.id,
    Recipe.title,
    Recipe.complexity,
    Recipe.servings,
    Recipe.total_minutes,
    Recipe.like_count,
    Recipe.comment_count,
    Recipe.rating_count,
    Recipe.rating_sum,
    Recipe.rating_score,  # not shown: the rating sort's key, which its cursors carry
    Recipe.created_at,
    Recipe.author_id,
    User.display_name,
    Recipe.tags,
    Recipe.status,
)


def order_by(columns: Any, sort: RecipeSort, *, reverse: bool = False) -> list[ColumnElement[Any]]:
    """The ORDER BY of ``sort`` over ``columns`` (the ``Recipe`` model, or a CTE's ``.c``); ``reverse``: the other
    way (a cursor page walked backward, flipped afterwards)."""
    return [
        getattr(columns, name).desc() if descending != reverse else getattr(columns, name).asc()
        for name, descending in SORT_KEYS[sort]
    ]


# PostgreSQL lists: the conditions, the two ways of answering a page, what the planner expects

#: The type of ``recipe.tags``: a list of tags is compared as the same type (``varchar[] @> varchar[]``).
TAGS_ARRAY = ARRAY(String(TAG_MAX_LENGTH))
IDS_ARRAY = ARRAY(Uuid())

#: How many rows of a sort order the walk reads at most before the list is answered another way.
WALK_ROWS = 20_000

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


@dataclass(frozen=True)
class Words:
    """What ``websearch_to_tsquery`` made of a search: whether anything is left (stop words alone leave nothing,
    and match nothing) and the words an index can look up (``querytree``: negated ones are left out)."""

    empty: bool
    positive: tuple[str, ...]


@dataclass(frozen=True)
class Criteria:
    """The filters of one list, with ingredient names resolved to catalogue ids (``listing.resolve``).

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
        """The WHERE clauses: containment tests on the GIN-indexed arrays, the stored search vector, b-trees.

        Not the visibility: each statement adds ``shown_recipe()`` where it reads ``recipe`` (the walk of the
        broad path inside its ``LIMIT``, the narrow path's matches, the estimate), once."""
        filters = self.filters
        if self.impossible:
            return [false()]
        conditions: list[ColumnElement[bool]] = []
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


def broad_statement(
    conditions: Sequence[ColumnElement[bool]],
    sort: RecipeSort,
    *,
    limit: int,
    offset: int,
    seek: Seek | None = None,
) -> Select[Any]:
    """The page by a walk of the sort's index, at most ``WALK_ROWS`` rows of it: the filters are checked on the
    first rows of the order (a ``LIMIT`` the planner can only serve by walking the index), the offset skips ids
    only, and authors and columns are joined for the page's rows. A full page found in the walk is the right page
    (those rows are the first of the order); a short one says nothing about the rest.

    From a cursor (``seek``) the walk starts at its position, an index range of the sort's b-tree: a page deep in
    the list costs what the first one does (walking backward: the other way, to be flipped by the caller)."""
    reverse = seek is not None and seek.backward
    # The walk is of the recipes the public sees (the sort indexes hold only those); ``conditions`` repeat it.
    walk_rows = select(*Recipe.__table__.c).where(shown_recipe())
    if seek is not None:
        walk_rows = walk_rows.where(after(Recipe, sort, seek))
    walk = walk_rows.order_by(*order_by(Recipe, sort, reverse=reverse)).limit(WALK_ROWS).subquery("walk")
    adapter = ClauseAdapter(walk)
    window = (
        select(walk.c.id.label("id"))
        .where(*(adapter.traverse(condition) for condition in conditions))
        .order_by(*order_by(walk.c, sort, reverse=reverse))
        .limit(limit)
        .offset(offset)
        .subquery("w")
    )
    return (
        select(*SUMMARY_COLUMNS)
        .select_from(window)
        .join(Recipe, Recipe.id == window.c.id)
        .join(User, User.id == Recipe.author_id)
        .order_by(*order_by(Recipe, sort, reverse=reverse))
    )


def narrow_statement(
    conditions: Sequence[ColumnElement[bool]],
    sort: RecipeSort,
    *,
    limit: int,
    offset: int,
    cap: int | None,
    seek: Seek | None = None,
) -> Select[Any]:
    """The page and the exact number of matches in one statement: the matches (id and sort key) are materialised
    once, counted, and the page is taken from them. At most ``cap + 1`` matches are materialised, whatever the
    estimate said: a ``total`` above ``cap`` means "many", and the page is not to be trusted (the broad path
    answers instead).

    From a cursor (``seek``) the page is taken from the cursor's position on; the count is still of every match
    (the list's ``total``, as on the first page)."""
    reverse = seek is not None and seek.backward
    keys = [getattr(Recipe, name) for name, _ in SORT_KEYS[sort] if name != "id"]
    matching = select(Recipe.id, *keys).where(shown_recipe(), *conditions)
    if cap is not None:
        matching = matching.limit(cap + 1)
    matches = matching.cte("m").prefix_with("MATERIALIZED")
    window = (
        select(matches.c.id)
        .where(*([] if seek is None else [after(matches.c, sort, seek)]))
        .order_by(*order_by(matches.c, sort, reverse=reverse))
        .limit(limit)
        .offset(offset)
        .subquery("w")
    )
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
        select(*page.c, counted.c.total)
        .select_from(counted)
        .outerjoin(page, true())
        .order_by(*order_by(page.c, sort, reverse=reverse))
    )


def estimate_statement(conditions: Sequence[ColumnElement[bool]]) -> Explain:
    """``EXPLAIN`` of the filter alone: its top node's row estimate is the planner's count of the matches."""
    return Explain(select(literal(1)).select_from(Recipe).where(shown_recipe(), *conditions))


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) <statement>``, with the statement's bound parameters (the planner sees the values,
    as it does for the statement itself: the estimate is the one the real query gets)."""

    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(Explain)
def _compile_explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


#: The last resort of a list, until reset: a statement timeout, no sequential scan where an index can serve, and
#: room for exact bitmaps (at 4 MB, the 600,000 recipes with salt make a lossy bitmap whose pages are all read
#: again: 960 ms instead of 170 ms at a million recipes). Parameters: ``timeout``, ``seqscan``, ``work_mem``.
SEARCH_LIMITS_STATEMENT = text(
    "SELECT set_config('statement_timeout', :timeout, true), set_config('enable_seqscan', :seqscan, true), "
    "set_config('work_mem', :work_mem, true)"
)

#: What PostgreSQL's statistics say of ``recipe``: its estimated rows, and the most common elements it keeps for
#: each column a list filters by containment.
PLANNER_STATISTICS_STATEMENT = text(
    """
    SELECT c.reltuples::float8, a.name, s.most_common_elems::text::text[]
    FROM pg_class c
    CROSS JOIN (VALUES ('search_vector'), ('ingredient_ids'), ('tags')) AS a(name)
    LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'recipe' AND s.attname = a.name
    WHERE c.oid = 'recipe'::regclass
    """
)


def words_statement(query: str) -> Select[Any]:
    """How many nodes the search's tsquery has (none: only stop words) and its ``querytree`` (the indexable words)."""
    searched = tsquery(query)
    return select(func.numnode(searched), func.querytree(searched))


def ingredient_ids_statement(names: Iterable[str]) -> Select[tuple[str, UUID]]:
    """Catalogue (name, id) of the names that exist (one lookup by the unique index on ``ingredient.name``)."""
    return select(Ingredient.name, Ingredient.id).where(Ingredient.name.in_(set(names)))


# SQLite lists (the embedded mode): exact counts, ingredient filters through the lines, LIKE for ?q=


def _has_ingredient(names: Sequence[str]) -> ColumnElement[bool]:
    """The recipe has at least one line with one of ``names`` (normalised catalogue names)."""
    return exists(
        select(RecipeIngredient.recipe_id)
        .join(Ingredient, Ingredient.id == RecipeIngredient.ingredient_id)
        .where(RecipeIngredient.recipe_id == Recipe.id, Ingredient.name.in_(names))
    )


def embedded_conditions(filters: RecipeFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``GET /recipes`` for ``filters`` on SQLite (PostgreSQL: ``Criteria.conditions``)."""
    conditions: list[ColumnElement[bool]] = [shown_recipe()]
    if filters.author is not None:
        conditions.append(Recipe.author_id == filters.author)
    if filters.complexity is not None:
        conditions.append(Recipe.complexity == filters.complexity)
    conditions.extend(
        exists(select(RecipeTag.recipe_id).where(RecipeTag.recipe_id == Recipe.id, RecipeTag.tag == tag))
        for tag in filters.tags
    )
    if filters.max_total_minutes is not None:
        conditions.append(Recipe.total_minutes <= filters.max_total_minutes)
    if filters.ingredients_all:
        # One grouped pass over the (ingredient_id, recipe_id) index keeps the recipes that have every name:
        # 3-4x faster on 100k recipes than one EXISTS per name (see docs/database.md).
        wanted = set(filters.ingredients_all)
        conditions.append(
            Recipe.id.in_(
                select(RecipeIngredient.recipe_id)
                .join(Ingredient, Ingredient.id == RecipeIngredient.ingredient_id)
                .where(Ingredient.name.in_(wanted))
                .group_by(RecipeIngredient.recipe_id)
                .having(func.count(distinct(RecipeIngredient.ingredient_id)) == len(wanted))
            )
        )
    if filters.ingredients_any:
        conditions.append(_has_ingredient(filters.ingredients_any))
    if filters.exclude_ingredients:
        conditions.append(~_has_ingredient(filters.exclude_ingredients))
    # Every word must appear somewhere (case-insensitive substring).
    conditions.extend(
        Recipe.search_text.ilike(f"%{like_escaped(word)}%", escape=LIKE_ESCAPE) for word in (filters.q or "").split()
    )
    return conditions


def embedded_page_statement(
    filters: RecipeFilters,
    sort: RecipeSort,
    *,
    limit: int,
    offset: int,
    seek: Seek | None = None,
) -> Select[Any]:
    """SQLite: one page of recipe summaries in the sort order (from a cursor's position: ``seek``)."""
    reverse = seek is not None and seek.backward
    conditions = embedded_conditions(filters)
    if seek is not None:
        conditions.append(after(Recipe, sort, seek))
    return (
        select(*SUMMARY_COLUMNS)
        .join(User, User.id == Recipe.author_id)
        .where(*conditions)
        .order_by(*order_by(Recipe, sort, reverse=reverse))
        .limit(limit)
        .offset(offset)
    )


def embedded_count_statement(filters: RecipeFilters) -> Select[tuple[int]]:
    """SQLite: how many recipes match ``filters``."""
    return select(func.count()).select_from(Recipe).where(*embedded_conditions(filters))


# An author's own recipes (GET /me/recipes): every status, newest first

#: The keys of an author's own list, in their order (descending): when each was created, then its id.
OWN_KEYS = (Recipe.created_at, Recipe.id)


def own_recipes_page_statement(
    author_id: UUID, status: str | None, *, limit: int, offset: int, seek: Seek | None = None
) -> Select[Any]:
    """The author's recipes of any status (or of ``status``), newest first: a range of the (author_id, created_at,
    id) index, the status checked per row (from a cursor: its position on ``OWN_KEYS``; backward: flipped by the
    caller)."""
    reverse = seek is not None and seek.backward
    conditions = [Recipe.author_id == author_id]
    if status is not None:
        conditions.append(Recipe.status == status)
    if seek is not None:
        conditions.append(keyset_condition(OWN_KEYS, seek, descending=True))
    return (
        select(*SUMMARY_COLUMNS)
        .join(User, User.id == Recipe.author_id)
        .where(*conditions)
        .order_by(*(key.asc() if reverse else key.desc() for key in OWN_KEYS))
        .limit(limit)
        .offset(offset)
    )


def own_recipes_count_statement(author_id: UUID, status: str | None) -> Select[tuple[int]]:
    conditions = [Recipe.author_id == author_id]
    if status is not None:
        conditions.append(Recipe.status == status)
    return select(func.count()).select_from(Recipe).where(*conditions)


def write_lock_statement(recipe_id: UUID) -> Update:
    """SQLite, which has no row locks: a no-op write takes the database's write lock until the commit instead.
    Setting updated_at to itself also keeps its on-update default from moving it (and the ETag)."""
    return update(Recipe).where(Recipe.id == recipe_id).values(updated_at=Recipe.updated_at).execution_options(**PLAIN)


# One recipe


def recipe_with_author_statement(
    recipe_id: UUID, *, shown_only: bool = True, unhidden_only: bool = False
) -> Select[tuple[Recipe, str]]:
    """The recipe and its author's public name (``shown_only``: no row for a recipe the public may not see;
    ``unhidden_only``: none for one a moderator hid, whatever its status)."""
    statement = select(Recipe, User.display_name).join(User, User.id == Recipe.author_id).where(Recipe.id == recipe_id)
    if shown_only:
        return statement.where(shown_recipe())
    return statement.where(not_hidden()) if unhidden_only else statement


def lines_statement(recipe_id: UUID) -> Select[tuple[RecipeIngredient, str]]:
    """The recipe's ingredient lines in order, each with its catalogue name."""
    return (
        select(RecipeIngredient, Ingredient.name)
        .join(Ingredient, Ingredient.id == RecipeIngredient.ingredient_id)
        .where(RecipeIngredient.recipe_id == recipe_id)
        .order_by(RecipeIngredient.position)
    )


def line_names_statement(recipe_id: UUID) -> Select[tuple[str]]:
    """The catalogue names of the recipe's lines, in order (its search text when only other fields change)."""
    return (
        select(Ingredient.name)
        .join(RecipeIngredient, RecipeIngredient.ingredient_id == Ingredient.id)
        .where(RecipeIngredient.recipe_id == recipe_id)
        .order_by(RecipeIngredient.position)
    )


def tags_statement(recipe_id: UUID) -> Select[tuple[str]]:
    """The recipe's tags, in the database's order of text."""
    return select(RecipeTag.tag).where(RecipeTag.recipe_id == recipe_id).order_by(RecipeTag.tag)


def active_user_statement(user_id: UUID) -> Select[tuple[UUID]]:
    """The user's id if the account exists and is active (public lists are about public profiles)."""
    return select(User.id).where(User.id == user_id, User.is_active.is_(True))


# Likes


#: The keys of a user's likes, in their order (descending): when the like was made, then the recipe.
LIKED_KEYS = (RecipeLike.created_at, RecipeLike.recipe_id)


def liked_page_statement(user_id: UUID, *, limit: int, offset: int, seek: Seek | None = None) -> Select[Any]:
    """A user's liked recipes, most recently liked first (from a cursor's position ``seek`` on ``LIKED_KEYS``: a
    range of the (user_id, created_at, recipe_id) index; backward: the other way, flipped by the caller)."""
    reverse = seek is not None and seek.backward
    conditions = [RecipeLike.user_id == user_id, shown_recipe()]
    if seek is not None:
        conditions.append(keyset_condition(LIKED_KEYS, seek, descending=True))
    return (
        select(RecipeLike.created_at, *SUMMARY_COLUMNS)
        .select_from(RecipeLike)
        .join(Recipe, Recipe.id == RecipeLike.recipe_id)
        .join(User, User.id == Recipe.author_id)
        .where(*conditions)
        .order_by(*(key.asc() if reverse else key.desc() for key in LIKED_KEYS))
        .limit(limit)
        .offset(offset)
    )


def liked_count_statement(user_id: UUID) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(RecipeLike)
        .join(Recipe, Recipe.id == RecipeLike.recipe_id)
        .where(RecipeLike.user_id == user_id, shown_recipe())
    )


def like_count_statement(recipe_id: UUID, delta: int) -> Select[tuple[int]] | ReturningUpdate[tuple[int]]:
    """The recipe's like counter after adding ``delta`` to it in one atomic UPDATE (0: just read it); no row: no
    such recipe (reading: or one the public may not see, which cannot be liked)."""
    if not delta:
        return select(Recipe.like_count).where(Recipe.id == recipe_id, shown_recipe())
    return (
        update(Recipe)
        .where(Recipe.id == recipe_id)
        .values(like_count=Recipe.like_count + delta)
        .returning(Recipe.like_count)
        .execution_options(**PLAIN)
    )


def add_like_statement(dialect: str, user_id: UUID, recipe_id: UUID, now: datetime) -> Any:
    """The like's row unless it exists (``ON CONFLICT DO NOTHING``), returning the recipe id only if it went in:
    only the request whose row went in counts it, so a repeated or concurrent like of the same user adds 0."""
    return (
        insert_on_conflict(dialect)(RecipeLike)
        .values(user_id=user_id, recipe_id=recipe_id, created_at=now)
        .on_conflict_do_nothing(index_elements=[RecipeLike.user_id, RecipeLike.recipe_id])
        .returning(RecipeLike.recipe_id)
    )


def remove_like_statement(user_id: UUID, recipe_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """The like's row, returning the recipe id only if this statement deleted it (concurrent unlikes count once)."""
    return (
        delete(RecipeLike)
        .where(RecipeLike.user_id == user_id, RecipeLike.recipe_id == recipe_id)
        .returning(RecipeLike.recipe_id)
        .execution_options(**PLAIN)
    )


def remove_likes_of_statement(user_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """Every like of the user (what the account's ON DELETE CASCADE would remove), returning the recipe of each like
    it really removed: a like an unlike removed meanwhile is not returned, so it is not uncounted twice."""
    return (
        delete(RecipeLike)
        .where(RecipeLike.user_id == user_id)
        .returning(RecipeLike.recipe_id)
        .execution_options(**PLAIN)
    )


# Ratings: the recipe's counters move in the statement that writes a rating (triggers of migration 0013)


def rated_recipe_statement(recipe_id: UUID) -> Select[tuple[UUID, int, int]]:
    """The recipe's author and its rating counters (no row: no such recipe, or one the public may not see, which
    cannot be rated); read after a rating's write in the same transaction, the counters include it (and the recipe's
    row stays locked by the trigger's UPDATE until commit)."""
    return select(Recipe.author_id, Recipe.rating_count, Recipe.rating_sum).where(
        Recipe.id == recipe_id, shown_recipe()
    )


def rating_statement(user_id: UUID, recipe_id: UUID) -> Select[tuple[int]]:
    """The user's stars for the recipe (no row: not rated)."""
    return select(RecipeRating.stars).where(RecipeRating.user_id == user_id, RecipeRating.recipe_id == recipe_id)


def add_rating_statement(dialect: str, user_id: UUID, recipe_id: UUID, stars: int, now: datetime) -> Any:
    """The rating's row unless the user rated the recipe already (``ON CONFLICT DO NOTHING``), returning the recipe id
    only if it went in. Its insert trigger counts it."""
    return (
        insert_on_conflict(dialect)(RecipeRating)
        .values(user_id=user_id, recipe_id=recipe_id, stars=stars, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[RecipeRating.user_id, RecipeRating.recipe_id])
        .returning(RecipeRating.recipe_id)
    )


def change_rating_statement(user_id: UUID, recipe_id: UUID, stars: int, now: datetime) -> ReturningUpdate[tuple[UUID]]:
    """New stars for an existing rating, returning the recipe id if there was one. Its update trigger moves the sum by
    new minus old stars, both as the row holds them under its lock (a concurrent re-rate is never lost)."""
    return (
        update(RecipeRating)
        .where(RecipeRating.user_id == user_id, RecipeRating.recipe_id == recipe_id)
        .values(stars=stars, updated_at=now)
        .returning(RecipeRating.recipe_id)
        .execution_options(**PLAIN)
    )


def remove_rating_statement(user_id: UUID, recipe_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """The rating's row, returning the recipe id if this statement deleted it (its delete trigger uncounts it)."""
    return (
        delete(RecipeRating)
        .where(RecipeRating.user_id == user_id, RecipeRating.recipe_id == recipe_id)
        .returning(RecipeRating.recipe_id)
        .execution_options(**PLAIN)
    )


def remove_ratings_of_statement(user_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """Every rating of the user (an account's deletion: a range of the primary key), returning the recipe of each it
    really removed; the delete trigger uncounts each one (a rating a concurrent DELETE removed first is not counted
    off twice: its row is gone, so no trigger fires here for it)."""
    return (
        delete(RecipeRating)
        .where(RecipeRating.user_id == user_id)
        .returning(RecipeRating.recipe_id)
        .execution_options(**PLAIN)
    )


# The ingredient catalogue and its usage counts


def ingredient_statement(prefix: str, *, limit: int, offset: int, dialect: str) -> Select[Any]:
    """Catalogue entries starting with ``prefix`` (normalised), alphabetically, with how many shown recipes use them
    (drafts, private and hidden recipes are not counted: migration 0018).

    PostgreSQL: the stored count plus the entry's pending ``ingredient_usage`` deltas (exact, a few rows per entry
    between two folds). SQLite: counted from the lines of shown recipes."""
    used_by: Any
    if dialect == "postgresql":
        pending = (
            select(func.coalesce(func.sum(IngredientUsage.delta), 0))
            .where(IngredientUsage.ingredient_id == Ingredient.id)
            .scalar_subquery()
        )
        used_by = Ingredient.recipe_count + pending
    else:
        used_by = (
            select(func.count(distinct(RecipeIngredient.recipe_id)))
            .join(Recipe, Recipe.id == RecipeIngredient.recipe_id)
            .where(RecipeIngredient.ingredient_id == Ingredient.id, shown_recipe())
            .scalar_subquery()
        )
    return (
        select(Ingredient.id, Ingredient.name, used_by)
        .where(Ingredient.name.like(f"{like_escaped(prefix)}%", escape=LIKE_ESCAPE))
        .order_by(Ingredient.name, Ingredient.id)
        .limit(limit)
        .offset(offset)
    )


def ingredient_count_statement(prefix: str) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(Ingredient)
        .where(Ingredient.name.like(f"{like_escaped(prefix)}%", escape=LIKE_ESCAPE))
    )


def add_ingredients_statement(dialect: str, entries: Iterable[tuple[UUID, str]], now: datetime) -> Any:
    """The catalogue entries (id, normalised name) whose names are not there yet; the others are left alone. Safe
    under concurrency when every writer sends its names in the same order (they lock the same keys in order)."""
    return (
        insert_on_conflict(dialect)(Ingredient)
        .values([{"id": id_, "name": name, "created_at": now, "updated_at": now} for id_, name in entries])
        .on_conflict_do_nothing(index_elements=[Ingredient.name])
    )


#: PostgreSQL: moves the pending usage deltas into ``ingredient.recipe_count`` in one statement: the rows it deletes
#: are the rows it adds, so a count read at any moment (stored + pending) never changes because of it.
FOLD_USAGE_STATEMENT = text(
    """
WITH folded AS (DELETE FROM ingredient_usage RETURNING ingredient_id, delta),
     sums AS (SELECT ingredient_id, sum(delta) AS delta FROM folded GROUP BY ingredient_id)
UPDATE ingredient i SET recipe_count = i.recipe_count + sums.delta FROM sums
WHERE i.id = sums.ingredient_id AND sums.delta <> 0
"""
)

#: PostgreSQL, a recount in three statements of one transaction (after bulk loads that skipped the trigger):
#: writers that add deltas wait for the commit; those that added some before are waited for, then counted by the
#: recount: nothing is counted twice or missed. First the lock (not a query: nothing to explain)...
LOCK_USAGE = text("LOCK TABLE ingredient_usage IN EXCLUSIVE MODE")
#: ... then the pending deltas go (the recount includes them) ...
DROP_PENDING_USAGE_STATEMENT = text("DELETE FROM ingredient_usage")
#: ... and every entry's count comes from the recipes' arrays (about 3 s at a million recipes: it reads them all).
RECOUNT_USAGE_STATEMENT = text(
    """
UPDATE ingredient i SET recipe_count = coalesce(c.n, 0)
FROM ingredient i2 LEFT JOIN (
  SELECT x AS ingredient_id, count(*) AS n FROM recipe, unnest(ingredient_ids) AS x GROUP BY x
) c ON c.ingredient_id = i2.id
WHERE i2.id = i.id AND i.recipe_count IS DISTINCT FROM coalesce(c.n, 0)
"""
)


# The change feed (GET /recipes/changes)

#: PostgreSQL: the oldest transaction still running when the statement's snapshot was taken. Every transaction with a
#: smaller id has ended, and no new one can get a smaller id: what they wrote is final (docs/architecture.md).
SNAPSHOT_XMIN = cast_(cast_(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)


def _position(position: tuple[int, int]) -> ColumnElement[Any]:
    return tuple_(literal(position[0], BigInteger()), literal(position[1], BigInteger()))


def changes_statement(dialect: str, after: tuple[int, int], *, limit: int) -> Select[Any]:
    """The feed after the position ``(xid, seq)``, in commit order, each entry with the recipe's summary (NULLs for a
    tombstone): one range of ``ix_recipe_change_xid_seq`` and two primary-key lookups per entry.

    PostgreSQL: only entries of transactions older than the snapshot's ``xmin``; one that is still running (it may
    have numbered its entry before one that committed first) shows up, in its place, once it has ended. SQLite: one
    writer at a time, entries are numbered in commit order (``xid`` is 0)."""
    if dialect == "postgresql":
        conditions = [tuple_(RecipeChange.xid, RecipeChange.seq) > _position(after), RecipeChange.xid < SNAPSHOT_XMIN]
        order = [RecipeChange.xid, RecipeChange.seq]
    else:
        # Every xid is 0: a range of the primary key (a row-value range would start at xid >= 0, from the start).
        conditions = [RecipeChange.seq > after[1]]
        order = [RecipeChange.seq]
    return (
        select(
            RecipeChange.xid.label("change_xid"),
            RecipeChange.seq.label("change_seq"),
            RecipeChange.kind.label("change_kind"),
            RecipeChange.recipe_id.label("change_recipe_id"),
            RecipeChange.changed_at.label("change_changed_at"),
            *SUMMARY_COLUMNS,
        )
        .select_from(RecipeChange)
        # A recipe the public may not see is, to the feed, a recipe that is gone (its summary NULL, like a tombstone);
        # showing it again writes a new entry (the recipe's row changes).
        .outerjoin(Recipe, and_(Recipe.id == RecipeChange.recipe_id, shown_recipe()))
        .outerjoin(User, User.id == Recipe.author_id)
        .where(*conditions)
        .order_by(*order)
        .limit(limit)
    )


def change_horizon_statement() -> Select[tuple[int, int]]:
    """The position of the newest pruned tombstone."""
    return select(RecipeChangeHorizon.xid, RecipeChangeHorizon.seq).where(RecipeChangeHorizon.id == 1)


def newest_expired_tombstone_statement(cutoff: datetime) -> Select[tuple[int, int]]:
    """The position of the newest tombstone older than ``cutoff`` (None: nothing to prune)."""
    return (
        select(RecipeChange.xid, RecipeChange.seq)
        .where(RecipeChange.kind == "deleted", RecipeChange.changed_at < cutoff)
        .order_by(RecipeChange.xid.desc(), RecipeChange.seq.desc())
        .limit(1)
    )


def advance_horizon_statement(dialect: str, position: tuple[int, int]) -> Any:
    """Move the horizon forward to ``position``, never back (no row yet: nothing was pruned before)."""
    statement = insert_on_conflict(dialect)(RecipeChangeHorizon).values(id=1, xid=position[0], seq=position[1])
    return statement.on_conflict_do_update(
        index_elements=[RecipeChangeHorizon.id],
        set_={"xid": statement.excluded.xid, "seq": statement.excluded.seq},
        where=tuple_(RecipeChangeHorizon.xid, RecipeChangeHorizon.seq) < _position(position),
    )


def prune_tombstones_statement(cutoff: datetime, horizon: tuple[int, int]) -> Delete:
    """Drop the tombstones older than ``cutoff`` up to the horizon (recorded first, in the same transaction)."""
    return delete(RecipeChange).where(
        RecipeChange.kind == "deleted",
        RecipeChange.changed_at < cutoff,
        tuple_(RecipeChange.xid, RecipeChange.seq) <= _position(horizon),
    )
