"""Recipe rules: ownership, the ingredient catalogue, counters, and the list/search queries with their indexes.

The list statements are built by plain functions (here for SQLite and the likes; ``listing`` for PostgreSQL's
recipe lists) so that the EXPLAIN test checks exactly the SQL the endpoints run. A list costs a constant number
of statements whatever the page size. Tags of summaries come from ``recipe.tags``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from msgspec import UNSET, UnsetType
from sqlalchemy import (
    ColumnElement,
    Select,
    delete,
    distinct,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from uuid_utils.compat import uuid7

from chopchop.db import Ingredient, IngredientUsage, Recipe, RecipeIngredient, RecipeLike, RecipeTag, User
from chopchop.domain.recipes import listing
from chopchop.domain.recipes.listing import SUMMARY_COLUMNS, fulltext_match
from chopchop.domain.recipes.schemas import (
    AuthorRef,
    IngredientLine,
    IngredientLineInput,
    IngredientRead,
    IngredientRef,
    LikedRecipe,
    LikeState,
    RecipeCreate,
    RecipeFilters,
    RecipeRead,
    RecipeSummary,
    RecipeUpdate,
    SortOrder,
)
from chopchop.lib.problems import Forbidden, TooManyRequests, Unprocessable
from chopchop.lib.text import LIKE_ESCAPE, fold, like_escaped

_PLAIN = {"synchronize_session": False}
#: PostgreSQL's SQLSTATE of a statement cancelled by ``statement_timeout``.
QUERY_CANCELED = "57014"
#: The last resort of a list, until reset: a statement timeout, no sequential scan where an index can serve, and
#: room for exact bitmaps (at 4 MB, the 600,000 recipes with salt make a lossy bitmap whose pages are all read
#: again: 960 ms instead of 170 ms at a million recipes).
_BOUNDED = text(
    "SELECT set_config('statement_timeout', :timeout, true), set_config('enable_seqscan', :seqscan, true), "
    "set_config('work_mem', :work_mem, true)"
)
_THOUSANDTH = Decimal("0.001")


def normalise_name(name: str) -> str:
    """Catalogue form of an ingredient name or a tag: trimmed, single spaces, lower-case (request bodies
    arrive in it already; query filters and older callers get it here, the same function)."""
    return fold(name)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(normalise_name(v) for v in values))


def search_text(
    title: str, description: str, steps: Sequence[str], ingredient_names: Iterable[str], tags: Iterable[str]
) -> str:
    """What ``?q=`` searches: title, description, steps, ingredient names and tags in one text."""
    return "\n".join([title, description, *steps, " ".join(ingredient_names), " ".join(tags)])


def _has_ingredient(names: Sequence[str]) -> ColumnElement[bool]:
    """The recipe has at least one line with one of ``names`` (normalised catalogue names)."""
    return exists(
        select(RecipeIngredient.recipe_id)
        .join(Ingredient, Ingredient.id == RecipeIngredient.ingredient_id)
        .where(RecipeIngredient.recipe_id == Recipe.id, Ingredient.name.in_(names))
    )


def recipe_conditions(filters: RecipeFilters, dialect: str) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``GET /recipes`` for ``filters`` on SQLite (PostgreSQL: ``listing.Criteria``)."""
    conditions: list[ColumnElement[bool]] = []
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
    if filters.q:
        if dialect == "postgresql":
            conditions.append(fulltext_match(filters.q))
        else:
            # The embedded mode's fallback: every word must appear somewhere (case-insensitive substring).
            conditions.extend(
                Recipe.search_text.ilike(f"%{like_escaped(word)}%", escape=LIKE_ESCAPE) for word in filters.q.split()
            )
    return conditions


def recipe_page_statement(
    filters: RecipeFilters, sort: SortOrder, *, limit: int, offset: int, dialect: str
) -> Select[Any]:
    """SQLite: one page of recipe summaries in the sort order."""
    return (
        select(*SUMMARY_COLUMNS)
        .join(User, User.id == Recipe.author_id)
        .where(*recipe_conditions(filters, dialect))
        .order_by(*listing.order_by(Recipe, sort))
        .limit(limit)
        .offset(offset)
    )


def recipe_count_statement(filters: RecipeFilters, dialect: str) -> Select[tuple[int]]:
    return select(func.count()).select_from(Recipe).where(*recipe_conditions(filters, dialect))


def liked_page_statement(user_id: UUID, *, limit: int, offset: int) -> Select[Any]:
    """A user's liked recipes, most recently liked first."""
    return (
        select(RecipeLike.created_at, *SUMMARY_COLUMNS)
        .select_from(RecipeLike)
        .join(Recipe, Recipe.id == RecipeLike.recipe_id)
        .join(User, User.id == Recipe.author_id)
        .where(RecipeLike.user_id == user_id)
        .order_by(RecipeLike.created_at.desc(), RecipeLike.recipe_id.desc())
        .limit(limit)
        .offset(offset)
    )


def liked_count_statement(user_id: UUID) -> Select[tuple[int]]:
    return select(func.count()).select_from(RecipeLike).where(RecipeLike.user_id == user_id)


def ingredient_statement(prefix: str, *, limit: int, offset: int, dialect: str) -> Select[Any]:
    """Catalogue entries starting with ``prefix`` (normalised), alphabetically, with their recipe counts.

    PostgreSQL: the stored count plus the entry's pending ``ingredient_usage`` deltas (exact, a few rows per entry
    between two folds). SQLite: counted from the lines."""
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
            .where(RecipeIngredient.ingredient_id == Ingredient.id)
            .scalar_subquery()
        )
    return (
        select(Ingredient.id, Ingredient.name, used_by)
        .where(Ingredient.name.like(f"{like_escaped(prefix)}%", escape=LIKE_ESCAPE))
        .order_by(Ingredient.name, Ingredient.id)
        .limit(limit)
        .offset(offset)
    )


#: Moves the pending usage deltas into ``ingredient.recipe_count`` in one statement: the rows it deletes are the
#: rows it adds, so a count read at any moment (stored + pending) never changes because of it.
FOLD_INGREDIENT_USAGE = """
WITH folded AS (DELETE FROM ingredient_usage RETURNING ingredient_id, delta),
     sums AS (SELECT ingredient_id, sum(delta) AS delta FROM folded GROUP BY ingredient_id)
UPDATE ingredient i SET recipe_count = i.recipe_count + sums.delta FROM sums
WHERE i.id = sums.ingredient_id AND sums.delta <> 0
"""


#: Every entry's count from the recipes' arrays (about 3 s at a million recipes).
RECOUNT_INGREDIENT_USAGE = """
UPDATE ingredient i SET recipe_count = coalesce(c.n, 0)
FROM ingredient i2 LEFT JOIN (
  SELECT x AS ingredient_id, count(*) AS n FROM recipe, unnest(ingredient_ids) AS x GROUP BY x
) c ON c.ingredient_id = i2.id
WHERE i2.id = i.id AND i.recipe_count IS DISTINCT FROM coalesce(c.n, 0)
"""


async def recount_ingredient_usage(connection: AsyncConnection) -> None:
    """PostgreSQL, in the caller's transaction: count every entry's recipes afresh and drop the pending deltas
    (after bulk loads that skipped the trigger). Writers that add deltas wait for the commit; those that added
    some before are waited for, then counted by the recount: nothing is counted twice or missed."""
    if connection.dialect.name != "postgresql":
        return
    await connection.execute(text("LOCK TABLE ingredient_usage IN EXCLUSIVE MODE"))
    await connection.execute(text("DELETE FROM ingredient_usage"))
    await connection.execute(text(RECOUNT_INGREDIENT_USAGE))


async def fold_ingredient_usage(session: AsyncSession) -> None:
    """PostgreSQL: fold the pending deltas (a job runs it every minute; the counts read the same before and after)."""
    if _dialect(session) == "postgresql":
        await session.execute(text(FOLD_INGREDIENT_USAGE))


def ingredient_count_statement(prefix: str) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(Ingredient)
        .where(Ingredient.name.like(f"{like_escaped(prefix)}%", escape=LIKE_ESCAPE))
    )


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "postgresql"


def _upsert(dialect: str) -> Any:
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def ensure_ingredients(session: AsyncSession, names: Iterable[str]) -> dict[str, UUID]:
    """Catalogue ids of ``names`` (normalised), creating the missing entries. Safe under concurrency."""
    wanted = sorted(set(names))  # a fixed order: concurrent creators lock the same keys in the same order
    if not wanted:
        return {}
    now = datetime.now(UTC)
    await session.execute(
        _upsert(_dialect(session))(Ingredient)
        .values([{"id": uuid7(), "name": name, "created_at": now, "updated_at": now} for name in wanted])
        .on_conflict_do_nothing(index_elements=[Ingredient.name])
    )
    return await listing.ingredient_ids(await session.connection(), wanted)


def _scaled(quantity: Decimal | None, factor: Decimal | None) -> float | None:
    if quantity is None:
        return None
    if factor is None:
        return float(quantity)
    return float(max((quantity * factor).quantize(_THOUSANDTH, rounding=ROUND_HALF_UP), _THOUSANDTH))


def _summary(row: Any) -> RecipeSummary:
    return RecipeSummary(
        id=row.id,
        title=row.title,
        complexity=row.complexity,
        servings=row.servings,
        total_minutes=row.total_minutes,
        tags=list(row.tags),
        author=AuthorRef(id=row.author_id, display_name=row.display_name),
        like_count=row.like_count,
        comment_count=row.comment_count,
        created_at=row.created_at,
    )


class RecipeService(SQLAlchemyAsyncRepositoryService[Recipe]):
    """Recipes: writing them (author only), reading one, and the lists."""

    class Repository(SQLAlchemyAsyncRepository[Recipe]):
        model_type = Recipe

    repository_type = Repository

    @property
    def session(self) -> AsyncSession:
        return cast("AsyncSession", self.repository.session)

    # Writing

    async def create_recipe(self, author_id: UUID, data: RecipeCreate) -> UUID:
        recipe_id: UUID = uuid7()
        now = datetime.now(UTC)
        tags = _unique(data.tags)
        names = [normalise_name(line.ingredient) for line in data.ingredients]
        ids = await ensure_ingredients(self.session, names)
        await self.session.execute(
            insert(Recipe).values(
                id=recipe_id,
                author_id=author_id,
                title=data.title.strip(),
                description=data.description.strip(),
                complexity=data.complexity,
                servings=data.servings,
                prep_minutes=data.prep_minutes,
                cook_minutes=data.cook_minutes,
                total_minutes=data.prep_minutes + data.cook_minutes,
                steps=[step.strip() for step in data.steps],
                like_count=0,
                comment_count=0,
                search_text=search_text(data.title, data.description, data.steps, names, tags),
                **self._arrays(ids.values(), tags),
                created_at=now,
                updated_at=now,
            )
        )
        await self._write_lines(recipe_id, data.ingredients, ids)
        await self._write_tags(recipe_id, tags)
        return recipe_id

    def _arrays(self, ingredient_ids: Iterable[UUID], tags: Iterable[str]) -> dict[str, list[Any]]:
        """``recipe.ingredient_ids`` and ``recipe.tags``: distinct and sorted (SQLite: ids as strings in JSON)."""
        ids: list[Any] = sorted(set(ingredient_ids))
        if _dialect(self.session) != "postgresql":
            ids = [str(ingredient_id) for ingredient_id in ids]
        return {"ingredient_ids": ids, "tags": sorted(set(tags))}

    async def lock_owned(self, recipe_id: UUID, actor_id: UUID) -> Any:
        """The recipe's row, locked for the rest of the transaction; 404 if missing, 403 unless the actor wrote it.

        Whatever is checked against the recipe before a write (an ``If-Match``) is checked after this: a check
        made before the lock lets two writers that read the same version both pass.
        """
        statement = select(
            Recipe.author_id, Recipe.title, Recipe.description, Recipe.steps, Recipe.prep_minutes, Recipe.cook_minutes
        ).where(Recipe.id == recipe_id)
        if _dialect(self.session) == "postgresql":
            statement = statement.with_for_update()
        else:
            # SQLite has no row locks: a no-op write takes the database's write lock until the commit instead.
            await self.session.execute(
                update(Recipe)
                .where(Recipe.id == recipe_id)
                # Setting updated_at to itself also keeps its on-update default from moving it (and the ETag).
                .values(updated_at=Recipe.updated_at)
                .execution_options(**_PLAIN)
            )
        row = (await self.session.execute(statement)).one_or_none()
        if row is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        if row.author_id != actor_id:
            msg = "Only the author of a recipe may change or delete it."
            raise Forbidden(msg, slug="not-the-author")
        return row

    async def replace_recipe(self, recipe_id: UUID, actor_id: UUID, data: RecipeCreate) -> None:
        await self.lock_owned(recipe_id, actor_id)
        tags = _unique(data.tags)
        names = [normalise_name(line.ingredient) for line in data.ingredients]
        ids = await ensure_ingredients(self.session, names)
        await self.session.execute(
            update(Recipe)
            .where(Recipe.id == recipe_id)
            .values(
                title=data.title.strip(),
                description=data.description.strip(),
                complexity=data.complexity,
                servings=data.servings,
                prep_minutes=data.prep_minutes,
                cook_minutes=data.cook_minutes,
                total_minutes=data.prep_minutes + data.cook_minutes,
                steps=[step.strip() for step in data.steps],
                search_text=search_text(data.title, data.description, data.steps, names, tags),
                **self._arrays(ids.values(), tags),
                updated_at=datetime.now(UTC),
            )
            .execution_options(**_PLAIN)
        )
        await self._write_lines(recipe_id, data.ingredients, ids, replace=True)
        await self._write_tags(recipe_id, tags, replace=True)

    async def update_recipe(self, recipe_id: UUID, actor_id: UUID, data: RecipeUpdate) -> None:
        """PATCH: only the fields that are set change; the derived total and search text follow."""
        current = await self.lock_owned(recipe_id, actor_id)
        changes: dict[str, Any] = {}
        for field in ("title", "description", "complexity", "servings", "prep_minutes", "cook_minutes"):
            value = getattr(data, field)
            if value is not UNSET:
                changes[field] = value.strip() if isinstance(value, str) else value
        if not isinstance(data.steps, UnsetType):
            changes["steps"] = [step.strip() for step in data.steps]
        if "prep_minutes" in changes or "cook_minutes" in changes:
            changes["total_minutes"] = changes.get("prep_minutes", current.prep_minutes) + changes.get(
                "cook_minutes", current.cook_minutes
            )
        tags = None if isinstance(data.tags, UnsetType) else _unique(data.tags)
        lines = None if isinstance(data.ingredients, UnsetType) else data.ingredients
        if lines is not None:
            ids = await ensure_ingredients(self.session, (normalise_name(line.ingredient) for line in lines))
            await self._write_lines(recipe_id, lines, ids, replace=True)
            changes["ingredient_ids"] = self._arrays(ids.values(), ())["ingredient_ids"]
        if tags is not None:
            await self._write_tags(recipe_id, tags, replace=True)
            changes["tags"] = sorted(set(tags))
        if {"title", "description", "steps"} & changes.keys() or lines is not None or tags is not None:
            names = (
                [normalise_name(line.ingredient) for line in lines]
                if lines is not None
                else await self._ingredient_names(recipe_id)
            )
            changes["search_text"] = search_text(
                changes.get("title", current.title),
                changes.get("description", current.description),
                changes.get("steps", current.steps),
                names,
                tags if tags is not None else await self._tags(recipe_id),
            )
        changes["updated_at"] = datetime.now(UTC)
        await self.session.execute(
            update(Recipe).where(Recipe.id == recipe_id).values(**changes).execution_options(**_PLAIN)
        )

    async def delete_recipe(self, recipe_id: UUID, actor_id: UUID) -> None:
        await self.lock_owned(recipe_id, actor_id)
        await self.session.execute(delete(Recipe).where(Recipe.id == recipe_id).execution_options(**_PLAIN))

    async def _write_lines(
        self,
        recipe_id: UUID,
        lines: Sequence[IngredientLineInput],
        ids: Mapping[str, UUID],
        *,
        replace: bool = False,
    ) -> None:
        """The lines at their positions; ``ids``: the catalogue ids of their names (``ensure_ingredients``)."""
        if replace:
            await self.session.execute(delete(RecipeIngredient).where(RecipeIngredient.recipe_id == recipe_id))
        if not lines:
            return
        await self.session.execute(
            insert(RecipeIngredient),
            [
                {
                    "recipe_id": recipe_id,
                    "position": position,
                    "ingredient_id": ids[normalise_name(line.ingredient)],
                    "quantity": None if line.quantity is None else Decimal(str(line.quantity)).quantize(_THOUSANDTH),
                    "unit": line.unit,
                    "note": (line.note.strip() or None) if line.note is not None else None,
                }
                for position, line in enumerate(lines, start=1)
            ],
        )

    async def _write_tags(self, recipe_id: UUID, tags: Sequence[str], *, replace: bool = False) -> None:
        if replace:
            await self.session.execute(delete(RecipeTag).where(RecipeTag.recipe_id == recipe_id))
        if tags:
            await self.session.execute(insert(RecipeTag), [{"recipe_id": recipe_id, "tag": tag} for tag in tags])

    async def _ingredient_names(self, recipe_id: UUID) -> list[str]:
        rows = await self.session.execute(
            select(Ingredient.name)
            .join(RecipeIngredient, RecipeIngredient.ingredient_id == Ingredient.id)
            .where(RecipeIngredient.recipe_id == recipe_id)
            .order_by(RecipeIngredient.position)
        )
        return list(rows.scalars())

    async def _tags(self, recipe_id: UUID) -> list[str]:
        rows = await self.session.execute(
            select(RecipeTag.tag).where(RecipeTag.recipe_id == recipe_id).order_by(RecipeTag.tag)
        )
        return list(rows.scalars())

    # Reading

    async def read_recipe(self, recipe_id: UUID, servings: int | None = None) -> RecipeRead:
        """The whole recipe; with ``servings``, quantities scaled from the recipe's servings to that many."""
        row = (
            await self.session.execute(
                select(Recipe, User.display_name).join(User, User.id == Recipe.author_id).where(Recipe.id == recipe_id)
            )
        ).one_or_none()
        if row is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        recipe: Recipe = row[0]
        lines = await self.session.execute(
            select(RecipeIngredient, Ingredient.name)
            .join(Ingredient, Ingredient.id == RecipeIngredient.ingredient_id)
            .where(RecipeIngredient.recipe_id == recipe_id)
            .order_by(RecipeIngredient.position)
        )
        factor = None if servings is None else Decimal(servings) / Decimal(recipe.servings)
        return RecipeRead(
            id=recipe.id,
            title=recipe.title,
            description=recipe.description,
            complexity=cast("Any", recipe.complexity),
            servings=servings if servings is not None else recipe.servings,
            original_servings=recipe.servings,
            prep_minutes=recipe.prep_minutes,
            cook_minutes=recipe.cook_minutes,
            total_minutes=recipe.total_minutes,
            steps=list(recipe.steps),
            ingredients=[
                IngredientLine(
                    position=line.position,
                    ingredient=IngredientRef(id=line.ingredient_id, name=name),
                    quantity=_scaled(line.quantity, factor),
                    unit=cast("Any", line.unit),
                    note=line.note,
                )
                for line, name in lines.tuples()
            ],
            tags=list(recipe.tags),
            author=AuthorRef(id=recipe.author_id, display_name=row[1]),
            like_count=recipe.like_count,
            comment_count=recipe.comment_count,
            created_at=recipe.created_at,
            updated_at=recipe.updated_at,
        )

    async def list_recipes(
        self, filters: RecipeFilters, sort: SortOrder, *, limit: int, offset: int, budget: listing.Budget
    ) -> tuple[list[RecipeSummary], int, bool]:
        """One page of summaries, the number of matches and whether that number is exact (see ``listing``)."""
        dialect = _dialect(self.session)
        if dialect != "postgresql":
            rows = (
                await self.session.execute(
                    recipe_page_statement(filters, sort, limit=limit, offset=offset, dialect=dialect)
                )
            ).all()
            total = (await self.session.execute(recipe_count_statement(filters, dialect))).scalar_one()
            return [_summary(row) for row in rows], int(total), True
        # Core execution on the session's connection (no ORM result layer).
        connection = await self.session.connection()
        criteria = await listing.resolve(connection, filters)
        if criteria.impossible:
            return [], 0, True
        conditions = criteria.conditions()
        stats = await listing.PLANNER_STATS.get(connection)
        estimated: int | None = None
        # Few matches that an index finds: count them (at most `cap`) and take the page from them.
        narrow = stats.rows <= budget.exact_total_limit
        if not narrow and criteria.indexed:
            narrow = listing.known_narrow(criteria, stats, budget.exact_total_limit)
            if not narrow:
                estimated = await listing.estimate(connection, conditions)
                narrow = estimated <= budget.exact_total_limit
        if narrow:
            statement = listing.narrow_statement(conditions, sort, limit=limit, offset=offset, cap=budget.cap)
            rows = (await connection.execute(statement)).all()
            matched = int(rows[0].total)
            if matched <= budget.cap:
                return [_summary(row) for row in rows if row.id is not None], matched, True
        # Many matches, or none an index finds: walk the sort order, at most WALK_ROWS rows of it.
        statement = listing.broad_statement(conditions, sort, limit=limit, offset=offset)
        rows = (await connection.execute(statement)).all()
        if len(rows) == limit:
            # A full page; more may follow. The estimate, never below what this page proves.
            if estimated is None:
                estimated = await listing.estimate(connection, conditions)
            return [_summary(row) for row in rows], max(listing.about(estimated), offset + limit + 1), False
        # The walk ended before a full page: the matches are few, or far down the order. Read them all, within the
        # search timeout: the answer is exact, or a 422 when no index can find them quickly. A few at a time.
        try:
            await asyncio.wait_for(listing.EVERY_MATCH.acquire(), listing.EVERY_MATCH_WAIT)
        except TimeoutError:
            msg = "Too many searches that read every match are running: retry in a moment."
            raise TooManyRequests(msg, slug="too-many-searches", headers={"Retry-After": "1"}) from None
        try:
            return await self._every_match(connection, conditions, sort, limit=limit, offset=offset, budget=budget)
        finally:
            listing.EVERY_MATCH.release()

    async def _every_match(
        self,
        connection: AsyncConnection,
        conditions: Sequence[ColumnElement[bool]],
        sort: SortOrder,
        *,
        limit: int,
        offset: int,
        budget: listing.Budget,
    ) -> tuple[list[RecipeSummary], int, bool]:
        # For this statement only: bounded by the timeout, and by the indexes wherever they can find the matches
        # (the planner, expecting many matches, would rather read the whole table).
        bounded = {"timeout": str(max(1, budget.search_timeout_ms)), "seqscan": "off", "work_mem": "32MB"}
        await connection.execute(_BOUNDED, bounded)
        statement = listing.narrow_statement(conditions, sort, limit=limit, offset=offset, cap=None)
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
        await connection.execute(_BOUNDED, {"timeout": "0", "seqscan": "on", "work_mem": "4MB"})
        return [_summary(row) for row in rows if row.id is not None], int(rows[0].total), True

    async def require_active_user(self, user_id: UUID) -> None:
        """404 unless the user exists and is active (public lists are about public profiles)."""
        found = await self.session.execute(select(User.id).where(User.id == user_id, User.is_active.is_(True)))
        if found.scalar_one_or_none() is None:
            msg = "No such user."
            raise NotFoundError(msg)

    async def list_liked(self, user_id: UUID, *, limit: int, offset: int) -> tuple[list[LikedRecipe], int]:
        await self.require_active_user(user_id)
        rows = (await self.session.execute(liked_page_statement(user_id, limit=limit, offset=offset))).all()
        total = (await self.session.execute(liked_count_statement(user_id))).scalar_one()
        return [LikedRecipe(liked_at=row[0], recipe=_summary(row)) for row in rows], int(total)


class RecipeLikeService(SQLAlchemyAsyncRepositoryService[RecipeLike]):
    """Likes: one per user and recipe; ``recipe.like_count`` moves only when a like row really appears or goes."""

    class Repository(SQLAlchemyAsyncRepository[RecipeLike]):
        model_type = RecipeLike

    repository_type = Repository

    @property
    def session(self) -> AsyncSession:
        return cast("AsyncSession", self.repository.session)

    async def _count(self, recipe_id: UUID, delta: int) -> int:
        """Add ``delta`` to the recipe's like counter (0: just read it); a missing recipe is a 404."""
        if delta:
            statement: Any = (
                update(Recipe)
                .where(Recipe.id == recipe_id)
                .values(like_count=Recipe.like_count + delta)
                .returning(Recipe.like_count)
                .execution_options(**_PLAIN)
            )
        else:
            statement = select(Recipe.like_count).where(Recipe.id == recipe_id)
        count = (await self.session.execute(statement)).scalar_one_or_none()
        if count is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        return int(count)

    async def like(self, recipe_id: UUID, user_id: UUID) -> LikeState:
        await self._count(recipe_id, 0)  # 404 before the insert would fail on the foreign key
        inserted = await self.session.execute(
            _upsert(_dialect(self.session))(RecipeLike)
            .values(user_id=user_id, recipe_id=recipe_id, created_at=datetime.now(UTC))
            .on_conflict_do_nothing(index_elements=[RecipeLike.user_id, RecipeLike.recipe_id])
            .returning(RecipeLike.recipe_id)
        )
        # Only the request whose row went in counts it: a repeated or concurrent like of the same user adds 0.
        delta = 1 if inserted.scalar_one_or_none() is not None else 0
        return LikeState(recipe_id=recipe_id, liked=True, like_count=await self._count(recipe_id, delta))

    async def unlike(self, recipe_id: UUID, user_id: UUID) -> LikeState:
        removed = await self.session.execute(
            delete(RecipeLike)
            .where(RecipeLike.user_id == user_id, RecipeLike.recipe_id == recipe_id)
            .returning(RecipeLike.recipe_id)
            .execution_options(**_PLAIN)
        )
        delta = -1 if removed.scalar_one_or_none() is not None else 0
        return LikeState(recipe_id=recipe_id, liked=False, like_count=await self._count(recipe_id, delta))


async def forget_likes_of(session: AsyncSession, user_id: UUID) -> None:
    """Take a user's likes off the counters before the account goes (ON DELETE CASCADE removes the rows only)."""
    await session.execute(
        update(Recipe)
        .where(Recipe.id.in_(select(RecipeLike.recipe_id).where(RecipeLike.user_id == user_id)))
        .values(like_count=Recipe.like_count - 1)
        .execution_options(**_PLAIN)
    )


class IngredientService(SQLAlchemyAsyncRepositoryService[Ingredient]):
    """The shared ingredient catalogue."""

    class Repository(SQLAlchemyAsyncRepository[Ingredient]):
        model_type = Ingredient

    repository_type = Repository

    async def search(self, prefix: str, *, limit: int, offset: int) -> tuple[list[IngredientRead], int]:
        session = self.repository.session
        normalised = normalise_name(prefix)
        dialect = _dialect(cast("AsyncSession", session))
        rows = await session.execute(ingredient_statement(normalised, limit=limit, offset=offset, dialect=dialect))
        total = (await session.execute(ingredient_count_statement(normalised))).scalar_one()
        return [IngredientRead(id=i, name=n, recipe_count=int(c)) for i, n, c in rows.tuples()], int(total)
