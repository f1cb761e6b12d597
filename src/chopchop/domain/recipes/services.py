"""Recipe rules: authorship, the lists, likes and ratings and their counters, the ingredient catalogue and its counts.

The SQL of the measured paths is ``queries``'; ``listing`` decides how a PostgreSQL list is read. Plain rows go
through the repositories; a recipe's write is several statements (the row, its lines, its tags, and the arrays the
filters read) in the request's unit of work, so it runs here, on the service's session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from msgspec import UNSET, UnsetType
from sqlalchemy import delete, insert
from uuid_utils.compat import uuid7

from chopchop.db import Ingredient, Recipe, RecipeChange, RecipeIngredient, RecipeLike, RecipeRating, RecipeTag
from chopchop.domain.photos import queries as photo_queries
from chopchop.domain.recipes import listing, queries
from chopchop.domain.recipes.schemas import (
    AuthorRef,
    ChangeKind,
    IngredientLine,
    IngredientLineInput,
    IngredientRead,
    IngredientRef,
    LikedRecipe,
    LikeState,
    RatingState,
    RatingSummary,
    RecipeCreate,
    RecipeFilters,
    RecipeRead,
    RecipeSort,
    RecipeStatus,
    RecipeSummary,
    RecipeUpdate,
)
from chopchop.domain.visibility import is_public
from chopchop.domain.webhooks.schemas import WebhookEvent
from chopchop.domain.webhooks.services import record_event
from chopchop.lib.cursors import Seek, Slice, take
from chopchop.lib.problems import Forbidden
from chopchop.lib.sql import PLAIN, Service
from chopchop.lib.text import fold

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


def _scaled(quantity: Decimal | None, factor: Decimal | None) -> float | None:
    if quantity is None:
        return None
    if factor is None:
        return float(quantity)
    return float(max((quantity * factor).quantize(_THOUSANDTH, rounding=ROUND_HALF_UP), _THOUSANDTH))


def rating_summary(count: int, total: int) -> RatingSummary:
    """What ``count`` ratings of ``total`` stars in all come to (the average rounded to 2 decimals)."""
    return RatingSummary(average=round(total / count, 2) if count else None, count=count)


def summary_of(row: Any, cover_thumbnail_url: str | None = None) -> RecipeSummary:
    """A recipe's summary from a row of ``queries.SUMMARY_COLUMNS`` (every list of recipes builds it here)."""
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
        rating=rating_summary(row.rating_count, row.rating_sum),
        created_at=row.created_at,
        status=RecipeStatus(row.status),
        cover_thumbnail_url=cover_thumbnail_url,
    )


def _no_such_recipe() -> NotFoundError:
    return NotFoundError("No such recipe.")


class RecipeRepository(SQLAlchemyAsyncRepository[Recipe]):
    model_type = Recipe


class RecipeLikeRepository(SQLAlchemyAsyncRepository[RecipeLike]):
    model_type = RecipeLike


class RecipeRatingRepository(SQLAlchemyAsyncRepository[RecipeRating]):
    model_type = RecipeRating


class IngredientRepository(SQLAlchemyAsyncRepository[Ingredient]):
    model_type = Ingredient


class RecipeChangeRepository(SQLAlchemyAsyncRepository[RecipeChange]):
    model_type = RecipeChange


#: A position in the change feed: (transaction id, sequence number); (0, 0) is before everything.
Position = tuple[int, int]
START: Position = (0, 0)


@dataclass(frozen=True, slots=True)
class Change:
    """An entry of the feed as the service reads it (the controller gives it its cursor)."""

    position: Position
    kind: ChangeKind
    recipe_id: UUID
    changed_at: datetime
    recipe: RecipeSummary | None


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    changes: list[Change]
    has_more: bool
    #: The position of the last entry read (None: nothing after the position asked for): where to resume.
    last: Position | None


class ChangeFeedExpired(Exception):
    """Tombstones after the position asked for were pruned: the client must resynchronise from the start."""


class RecipeChangeService(Service[RecipeChange, RecipeChangeRepository]):
    """The change feed of sync clients: entries written by the database's triggers (migration 0009), read here."""

    repository_type = RecipeChangeRepository

    async def changes_after(self, position: Position | None, *, limit: int) -> ChangeBatch:
        """Up to ``limit`` entries after ``position`` (None: from the start), in commit order.

        Raises :class:`ChangeFeedExpired` if tombstones after ``position`` were pruned. The horizon is read *after*
        the entries: a prune that commits between the two reads makes the answer a 410 (the client resynchronises),
        never a page that silently lacks a pruned tombstone.
        """
        after = position if position is not None else START
        statement = queries.changes_statement(self.dialect, after, limit=limit + 1)
        rows = (await self.session.execute(statement)).all()
        if position is not None:
            horizon = (await self.session.execute(queries.change_horizon_statement())).tuples().one_or_none()
            if horizon is not None and position < (int(horizon[0]), int(horizon[1])):
                raise ChangeFeedExpired
        changes = []
        last = None
        for row in rows[:limit]:
            last = (int(row.change_xid), int(row.change_seq))
            kind = ChangeKind(row.change_kind)
            summary = summary_of(row) if kind is not ChangeKind.DELETED and row.id is not None else None
            if kind is not ChangeKind.DELETED and summary is None:
                # A recipe the public may no longer see (hidden by a moderator: ``domain/visibility.py``) is gone, to
                # the feed: a deletion. Showing it again changes its row, which writes a new entry with its summary.
                # (A recipe deleted since would be skipped by the trigger's replacement; a repeated deletion is
                # harmless to a client.)
                kind = ChangeKind.DELETED
            changes.append(
                Change(
                    position=last,
                    kind=kind,
                    recipe_id=row.change_recipe_id,
                    changed_at=row.change_changed_at,
                    recipe=summary,
                )
            )
        return ChangeBatch(changes=changes, has_more=len(rows) > limit, last=last)

    async def prune(self, retention: timedelta, now: datetime | None = None) -> Position | None:
        """Drop the tombstones older than ``retention``, after moving the horizon past them (one transaction: the
        caller commits). Returns the new horizon, or None if nothing was old enough."""
        cutoff = (now or datetime.now(UTC)) - retention
        newest = (await self.session.execute(queries.newest_expired_tombstone_statement(cutoff))).tuples().first()
        if newest is None:
            return None
        horizon = (int(newest[0]), int(newest[1]))
        await self.session.execute(queries.advance_horizon_statement(self.dialect, horizon))
        await self.session.execute(queries.prune_tombstones_statement(cutoff, horizon), execution_options=PLAIN)
        return horizon


class RecipeService(Service[Recipe, RecipeRepository]):
    """Recipes: writing them (author only), reading one, and the lists."""

    repository_type = RecipeRepository

    # Writing

    async def create_recipe(self, author_id: UUID, data: RecipeCreate) -> UUID:
        """A new recipe of ``data.status`` (public when absent: an importer creates drafts by saying so)."""
        now = datetime.now(UTC)  # one instant: a recipe never edited has updated_at == created_at
        tags = _unique(data.tags)
        names = [normalise_name(line.ingredient) for line in data.ingredients]
        ids = await self._catalogue(names)
        status = RecipeStatus.PUBLIC if isinstance(data.status, UnsetType) else data.status
        recipe = Recipe(
            author_id=author_id,
            like_count=0,
            comment_count=0,
            created_at=now,
            updated_at=now,
            status=status.value,
            **self._columns(data),
        )
        self._derive(recipe, data, names, tags, ids)
        recipe = await self.create(recipe, auto_refresh=False)
        await self._write_lines(recipe.id, data.ingredients, ids)
        await self._write_tags(recipe.id, tags)
        return recipe.id

    async def lock_owned(self, recipe_id: UUID, actor_id: UUID) -> Recipe:
        """The recipe's row, locked for the rest of the transaction; 404 if missing, 403 unless the actor wrote it.

        Whatever is checked against the recipe before a write (an ``If-Match``) is checked after this: a check
        made before the lock lets two writers that read the same version both pass.
        """
        if self.dialect != "postgresql":
            await self.session.execute(queries.write_lock_statement(recipe_id))
        recipe = await self.repository.get_one_or_none(
            Recipe.id == recipe_id,
            with_for_update=True,  # SELECT ... FOR UPDATE on PostgreSQL; nothing on SQLite (locked above)
            execution_options={"populate_existing": True},  # the row as locked, whatever the session held
        )
        if recipe is None:
            raise _no_such_recipe()
        if recipe.author_id != actor_id:
            msg = "Only the author of a recipe may change or delete it."
            raise Forbidden(msg, slug="not-the-author")
        return recipe

    async def replace_recipe(self, recipe_id: UUID, actor_id: UUID, data: RecipeCreate) -> None:
        recipe = await self.lock_owned(recipe_id, actor_id)
        tags = _unique(data.tags)
        names = [normalise_name(line.ingredient) for line in data.ingredients]
        ids = await self._catalogue(names)
        for column, value in self._columns(data).items():
            setattr(recipe, column, value)
        if not isinstance(data.status, UnsetType):  # a PUT that does not name a status keeps it (never publishes)
            recipe.status = data.status.value
        self._derive(recipe, data, names, tags, ids)
        recipe.updated_at = datetime.now(UTC)
        await self.session.flush()
        await self._write_lines(recipe_id, data.ingredients, ids, replace=True)
        await self._write_tags(recipe_id, tags, replace=True)

    async def update_recipe(self, recipe_id: UUID, actor_id: UUID, data: RecipeUpdate) -> None:
        """PATCH: only the fields that are set change; the derived total and search text follow."""
        recipe = await self.lock_owned(recipe_id, actor_id)
        changes: dict[str, Any] = {}
        for field in ("title", "description", "complexity", "servings", "prep_minutes", "cook_minutes"):
            value = getattr(data, field)
            if value is not UNSET:
                changes[field] = value.strip() if isinstance(value, str) else value
        if not isinstance(data.steps, UnsetType):
            changes["steps"] = [step.strip() for step in data.steps]
        if not isinstance(data.status, UnsetType):
            changes["status"] = data.status.value
        if "prep_minutes" in changes or "cook_minutes" in changes:
            changes["total_minutes"] = changes.get("prep_minutes", recipe.prep_minutes) + changes.get(
                "cook_minutes", recipe.cook_minutes
            )
        tags = None if isinstance(data.tags, UnsetType) else _unique(data.tags)
        lines = None if isinstance(data.ingredients, UnsetType) else data.ingredients
        if lines is not None:
            ids = await self._catalogue(normalise_name(line.ingredient) for line in lines)
            await self._write_lines(recipe_id, lines, ids, replace=True)
            changes["ingredient_ids"] = self._ids_array(ids.values())
        if tags is not None:
            await self._write_tags(recipe_id, tags, replace=True)
            changes["tags"] = sorted(set(tags))
        if {"title", "description", "steps"} & changes.keys() or lines is not None or tags is not None:
            names = (
                [normalise_name(line.ingredient) for line in lines]
                if lines is not None
                else await self._scalars(queries.line_names_statement(recipe_id))
            )
            changes["search_text"] = search_text(
                changes.get("title", recipe.title),
                changes.get("description", recipe.description),
                changes.get("steps", recipe.steps),
                names,
                tags if tags is not None else await self._scalars(queries.tags_statement(recipe_id)),
            )
        changes["updated_at"] = datetime.now(UTC)
        # Assigned last and flushed at once: one UPDATE of the row, after its lines and tags (as before).
        for column, value in changes.items():
            setattr(recipe, column, value)
        await self.session.flush()

    async def delete_recipe(self, recipe_id: UUID, actor_id: UUID) -> None:
        """Delete the recipe (author only); its lines, tags, likes and comments go with it (ON DELETE CASCADE)."""
        recipe = await self.lock_owned(recipe_id, actor_id)
        # The author's own action, but about their own recipe: told to their endpoints (an integration that
        # mirrors their recipes must learn of it whoever deleted it).
        # Only a public recipe's: the others were never shown to anything (the change feed does the same).
        if is_public(recipe.status):
            data = {"recipe_id": str(recipe_id), "title": recipe.title}
            await record_event(self.session, WebhookEvent.RECIPE_DELETED, data, actor_id=None, owner_id=actor_id)
        await photo_queries.record_recipe_photos_deletion(self.session, recipe_id)
        await self.repository.delete(recipe_id)

    @staticmethod
    def _columns(data: RecipeCreate) -> dict[str, Any]:
        """The columns a whole recipe (POST, PUT) writes as they were sent."""
        return {
            "title": data.title.strip(),
            "description": data.description.strip(),
            "complexity": data.complexity,
            "servings": data.servings,
            "prep_minutes": data.prep_minutes,
            "cook_minutes": data.cook_minutes,
            "steps": [step.strip() for step in data.steps],
        }

    def _derive(
        self, recipe: Recipe, data: RecipeCreate, names: Sequence[str], tags: Sequence[str], ids: Mapping[str, UUID]
    ) -> None:
        """The columns a whole recipe derives: its total time, search text, and the arrays the filters read."""
        recipe.total_minutes = data.prep_minutes + data.cook_minutes
        recipe.search_text = search_text(data.title, data.description, data.steps, names, tags)
        recipe.ingredient_ids = self._ids_array(ids.values())
        recipe.tags = sorted(set(tags))

    def _ids_array(self, ingredient_ids: Iterable[UUID]) -> list[Any]:
        """``recipe.ingredient_ids``: distinct and sorted (SQLite: as strings, in JSON)."""
        ids: list[Any] = sorted(set(ingredient_ids))
        if self.dialect != "postgresql":
            ids = [str(ingredient_id) for ingredient_id in ids]
        return ids

    async def _catalogue(self, names: Iterable[str]) -> dict[str, UUID]:
        """Catalogue ids of ``names`` (normalised), creating the missing entries. Safe under concurrency."""
        wanted = sorted(set(names))  # a fixed order: concurrent creators lock the same keys in the same order
        if not wanted:
            return {}
        entries = [(uuid7(), name) for name in wanted]
        await self.session.execute(queries.add_ingredients_statement(self.dialect, entries, datetime.now(UTC)))
        return await listing.ingredient_ids(await self.session.connection(), wanted)

    async def _write_lines(
        self,
        recipe_id: UUID,
        lines: Sequence[IngredientLineInput],
        ids: Mapping[str, UUID],
        *,
        replace: bool = False,
    ) -> None:
        """The lines at their positions; ``ids``: the catalogue ids of their names (``_catalogue``)."""
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

    async def _scalars(self, statement: Any) -> list[Any]:
        return list((await self.session.execute(statement)).scalars())

    # Reading

    async def read_recipe(
        self,
        recipe_id: UUID,
        servings: int | None = None,
        *,
        base_url: str,
        shown_only: bool = True,
        unhidden_only: bool = False,
    ) -> RecipeRead:
        """The whole recipe; with ``servings``, quantities scaled from the recipe's servings to that many. Photo
        URLs start with ``base_url`` (the public base URL). ``shown_only``: 404 for a recipe the public may not see
        (False: its author's writes, moderators); ``unhidden_only`` (with ``shown_only`` False): 404 for one a
        moderator hid (its page: drafts for the author)."""
        statement = queries.recipe_with_author_statement(recipe_id, shown_only=shown_only, unhidden_only=unhidden_only)
        row = (await self.session.execute(statement)).tuples().one_or_none()
        if row is None:
            raise _no_such_recipe()
        recipe, author_name = row
        lines = await self.session.execute(queries.lines_statement(recipe_id))
        factor = None if servings is None else Decimal(servings) / Decimal(recipe.servings)
        photos = await photo_queries.photos_of(self.session, recipe_id)
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
            author=AuthorRef(id=recipe.author_id, display_name=author_name),
            like_count=recipe.like_count,
            comment_count=recipe.comment_count,
            rating=rating_summary(recipe.rating_count, recipe.rating_sum),
            created_at=recipe.created_at,
            updated_at=recipe.updated_at,
            status=RecipeStatus(recipe.status),
            photos=[photo_queries.to_read(photo, base_url) for photo in photos],
        )

    async def list_recipes(
        self,
        filters: RecipeFilters,
        sort: RecipeSort,
        *,
        limit: int,
        offset: int,
        budget: listing.Budget,
        seek: Seek | None = None,
        base_url: str,
    ) -> tuple[Slice, int, bool]:
        """One page of summaries, the number of matches and whether that number is exact (see ``listing``).

        From a cursor (``seek``): ``limit + 1`` rows from its position (the extra one says whether more follow), in
        the walking order, flipped back to the list's order; ``total`` is the list's, as on the first page."""
        wanted = limit + 1 if seek is not None else limit
        rows: Sequence[Any]
        if self.dialect != "postgresql":
            page = queries.embedded_page_statement(filters, sort, limit=wanted, offset=offset, seek=seek)
            rows = (await self.session.execute(page)).all()
            total = int((await self.session.execute(queries.embedded_count_statement(filters))).scalar_one())
            exact = True
        else:
            connection = await self.session.connection()
            listed = await listing.page(
                connection, filters, sort, limit=wanted, offset=offset, budget=budget, seek=seek
            )
            rows, total, exact = listed.rows, listed.total, listed.exact
        found, more = take(rows, limit=limit, seek=seek)
        names = [name for name, _ in queries.SORT_KEYS[sort]]
        keys = [tuple(getattr(row, name) for name in names) for row in found]
        covers = await photo_queries.cover_thumbnails(self.session, base_url, [row.id for row in found])
        return Slice([summary_of(row, covers.get(row.id)) for row in found], keys, more), total, exact

    async def list_own(
        self,
        author_id: UUID,
        status: RecipeStatus | None,
        *,
        limit: int,
        offset: int,
        seek: Seek | None = None,
        base_url: str,
    ) -> tuple[Slice, int]:
        """A page of the author's own recipes of any status (or of ``status``), newest first, and how many."""
        wanted = status.value if status is not None else None
        statement = queries.own_recipes_page_statement(
            author_id, wanted, limit=limit if seek is None else limit + 1, offset=offset, seek=seek
        )
        rows = (await self.session.execute(statement)).all()
        total = (await self.session.execute(queries.own_recipes_count_statement(author_id, wanted))).scalar_one()
        found, more = take(rows, limit=limit, seek=seek)
        covers = await photo_queries.cover_thumbnails(self.session, base_url, [row.id for row in found])
        summaries = [summary_of(row, covers.get(row.id)) for row in found]
        return Slice(summaries, [(row.created_at, row.id) for row in found], more), int(total)

    async def require_active_user(self, user_id: UUID) -> None:
        """404 unless the user exists and is active (public lists are about public profiles)."""
        if (await self.session.execute(queries.active_user_statement(user_id))).scalar_one_or_none() is None:
            msg = "No such user."
            raise NotFoundError(msg)

    async def list_liked(
        self, user_id: UUID, *, limit: int, offset: int, seek: Seek | None = None
    ) -> tuple[Slice, int]:
        """A page of the user's likes (from a cursor: ``limit + 1`` rows from its position) and how many in all."""
        await self.require_active_user(user_id)
        statement = queries.liked_page_statement(
            user_id, limit=limit if seek is None else limit + 1, offset=offset, seek=seek
        )
        rows = (await self.session.execute(statement)).all()
        total = (await self.session.execute(queries.liked_count_statement(user_id))).scalar_one()
        found, more = take(rows, limit=limit, seek=seek)
        items = [LikedRecipe(liked_at=row[0], recipe=summary_of(row)) for row in found]
        return Slice(items, [(row[0], row.id) for row in found], more), int(total)


class RecipeLikeService(Service[RecipeLike, RecipeLikeRepository]):
    """Likes: one per user and recipe; ``recipe.like_count`` moves only when a like row really appears or goes."""

    repository_type = RecipeLikeRepository

    async def _count(self, recipe_id: UUID, delta: int) -> int:
        """Add ``delta`` to the recipe's like counter (0: just read it); a missing recipe is a 404."""
        count = (await self.session.execute(queries.like_count_statement(recipe_id, delta))).scalar_one_or_none()
        if count is None:
            raise _no_such_recipe()
        return int(count)

    async def like(self, recipe_id: UUID, user_id: UUID) -> LikeState:
        await self._count(recipe_id, 0)  # 404 before the insert would fail on the foreign key
        added = queries.add_like_statement(self.dialect, user_id, recipe_id, datetime.now(UTC))
        delta = 1 if (await self.session.execute(added)).scalar_one_or_none() is not None else 0
        if delta:  # only a like that went in is an event (a repeated like is not); never the liker's own endpoints
            data = {"recipe_id": str(recipe_id), "user_id": str(user_id)}
            await record_event(self.session, WebhookEvent.RECIPE_LIKED, data, actor_id=user_id, recipe_id=recipe_id)
        return LikeState(recipe_id=recipe_id, liked=True, like_count=await self._count(recipe_id, delta))

    async def unlike(self, recipe_id: UUID, user_id: UUID) -> LikeState:
        await self._count(recipe_id, 0)  # a recipe that is not public is not there (404), for unlikes too
        removed = await self.session.execute(queries.remove_like_statement(user_id, recipe_id))
        delta = -1 if removed.scalar_one_or_none() is not None else 0
        return LikeState(recipe_id=recipe_id, liked=False, like_count=await self._count(recipe_id, delta))

    async def remove_all_by_user(self, user_id: UUID) -> int:
        """Take back every like of a user and uncount what was removed (an account deletion, in its transaction: ON
        DELETE CASCADE would remove the rows but leave what they counted on other people's recipes). Returns how
        many went. Counting what the DELETE returned, not what a read saw: an unlike that wins the race for a row
        has uncounted it already."""
        removed = (await self.session.execute(queries.remove_likes_of_statement(user_id))).scalars().all()
        for recipe_id in sorted(set(removed)):  # one lock order with the other counter writes: no deadlock
            await self.session.execute(queries.like_count_statement(recipe_id, -1))
        return len(removed)


class RecipeRatingService(Service[RecipeRating, RecipeRatingRepository]):
    """Ratings: 1 to 5 stars, one per user and recipe, not by its author.

    The recipe's ``rating_count``, ``rating_sum`` and ``rating_score`` are never written here: the triggers of
    migration 0013 move them in the statement that inserts, re-rates or deletes a row, by the row's old and new stars
    (no read-modify-write, exact under any concurrency and through ON DELETE CASCADE alike)."""

    repository_type = RecipeRatingRepository

    async def _recipe(self, recipe_id: UUID) -> tuple[UUID, RatingSummary]:
        """The recipe's author and rating counters as this transaction sees them; a missing recipe is a 404."""
        row = (await self.session.execute(queries.rated_recipe_statement(recipe_id))).tuples().one_or_none()
        if row is None:
            raise _no_such_recipe()
        author_id, count, total = row
        return author_id, rating_summary(int(count), int(total))

    async def rating(self, recipe_id: UUID, user_id: UUID) -> RatingState:
        """The user's rating of the recipe (stars None: not rated) and the recipe's counters."""
        _, summary = await self._recipe(recipe_id)
        stars = (await self.session.execute(queries.rating_statement(user_id, recipe_id))).scalar_one_or_none()
        return RatingState(recipe_id=recipe_id, stars=stars, rating=summary)

    async def rate(self, recipe_id: UUID, user_id: UUID, stars: int) -> tuple[RatingState, bool]:
        """Rate the recipe (or change one's stars); True if the rating is new. Its author may not: their stars would
        only ever raise their own recipe's average (403)."""
        author_id, _ = await self._recipe(recipe_id)
        if author_id == user_id:
            msg = "Authors cannot rate their own recipes."
            raise Forbidden(msg, slug="own-recipe")
        previous = (await self.session.execute(queries.rating_statement(user_id, recipe_id))).scalar_one_or_none()
        now = datetime.now(UTC)
        created = False
        # Insert, or else change the row that exists. A concurrent unrate of the same user may delete it between the
        # two statements: then it is inserted again (each try ends the race one way or the other).
        for _ in range(3):
            added = queries.add_rating_statement(self.dialect, user_id, recipe_id, stars, now)
            if (await self.session.execute(added)).scalar_one_or_none() is not None:
                created = True
                break
            changed = queries.change_rating_statement(user_id, recipe_id, stars, now)
            if (await self.session.execute(changed)).scalar_one_or_none() is not None:
                break
        if created or previous != stars:
            # Told to the author's endpoints (never the rater's own). ``previous`` is only what the request saw
            # before its write: at worst a concurrent re-rate of the same user tells one change twice or not at all.
            data = {"recipe_id": str(recipe_id), "user_id": str(user_id), "stars": stars}
            await record_event(self.session, WebhookEvent.RECIPE_RATED, data, actor_id=user_id, recipe_id=recipe_id)
        _, summary = await self._recipe(recipe_id)
        return RatingState(recipe_id=recipe_id, stars=stars, rating=summary), created

    async def unrate(self, recipe_id: UUID, user_id: UUID) -> None:
        """Take the rating back. Idempotent: without a rating nothing changes (a missing recipe is still a 404)."""
        removed = await self.session.execute(queries.remove_rating_statement(user_id, recipe_id))
        if removed.scalar_one_or_none() is None:
            await self._recipe(recipe_id)

    async def remove_all_by_user(self, user_id: UUID) -> int:
        """Take back every rating of a user (an account's deletion, in its transaction, before the account's row goes:
        explicit, though ON DELETE CASCADE would fire the same triggers). Returns how many went."""
        return len((await self.session.execute(queries.remove_ratings_of_statement(user_id))).scalars().all())


class IngredientService(Service[Ingredient, IngredientRepository]):
    """The shared ingredient catalogue."""

    repository_type = IngredientRepository

    async def search(self, prefix: str, *, limit: int, offset: int) -> tuple[list[IngredientRead], int]:
        normalised = normalise_name(prefix)
        page = queries.ingredient_statement(normalised, limit=limit, offset=offset, dialect=self.dialect)
        rows = await self.session.execute(page)
        total = (await self.session.execute(queries.ingredient_count_statement(normalised))).scalar_one()
        return [IngredientRead(id=i, name=n, recipe_count=int(c)) for i, n, c in rows.tuples()], int(total)

    async def fold_usage(self) -> None:
        """PostgreSQL: fold the pending usage deltas into the counts (a job, every minute; the counts read the same
        before and after). SQLite counts the lines instead: nothing to fold."""
        if self.dialect == "postgresql":
            await self.session.execute(queries.FOLD_USAGE_STATEMENT)
