"""The collections' hand-written SQL: the owner's lock (the per-user limit), the collection's lock (its order and
its limit), the pages, and the entries' positions. Every statement that selects recipes is here (``recipe_*`` and
``entry_page_statement``), so that one place decides which recipes a collection may show. Each builder
(``*_statement``) is explained by tests/db/test_explain_collections.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, delete, func, insert, select, update
from sqlalchemy.sql.dml import ReturningDelete

from chopchop.db import Collection, CollectionRecipe, Recipe, User
from chopchop.domain.collections.schemas import Visibility
from chopchop.domain.recipes.queries import SUMMARY_COLUMNS
from chopchop.domain.visibility import shown_recipe
from chopchop.lib.sql import PLAIN


def lock_owner_statement(dialect: str, owner_id: UUID) -> Any:
    """The owner's row, locked until the commit: concurrent creations of the owner's collections count one after
    the other (SQLite has no row locks: a no-op write takes the database's write lock instead; setting updated_at
    to itself keeps its on-update default from moving it)."""
    if dialect == "postgresql":
        return select(User.id).where(User.id == owner_id).with_for_update()
    return update(User).where(User.id == owner_id).values(updated_at=User.updated_at).execution_options(**PLAIN)


def lock_collection_statement(dialect: str, collection_id: UUID, owner_id: UUID) -> Any:
    """The owner's collection, locked until the commit (every change of its entries takes it: their positions and
    their count are decided one writer at a time). PostgreSQL returns its id; SQLite takes the database's write
    lock with a no-op write (``owned_statement`` then says whether the collection is the owner's)."""
    mine = (Collection.id == collection_id, Collection.owner_id == owner_id)
    if dialect == "postgresql":
        return select(Collection.id).where(*mine).with_for_update()
    return update(Collection).where(*mine).values(updated_at=Collection.updated_at).execution_options(**PLAIN)


def owned_statement(collection_id: UUID, owner_id: UUID) -> Select[tuple[UUID]]:
    """The collection's id if it is the owner's."""
    return select(Collection.id).where(Collection.id == collection_id, Collection.owner_id == owner_id)


def _recipe_count(collection: Any) -> ColumnElement[int]:
    # The recipes the public sees (a recipe that became a draft or was hidden stays in, unseen, until it is back).
    return (
        select(func.count())
        .select_from(CollectionRecipe)
        .join(Recipe, Recipe.id == CollectionRecipe.recipe_id)
        .where(CollectionRecipe.collection_id == collection.id, shown_recipe())
        .scalar_subquery()
    )


def owned_count_statement(owner_id: UUID, *, public_only: bool = False) -> Select[tuple[int]]:
    conditions = [Collection.owner_id == owner_id]
    if public_only:
        conditions.append(Collection.visibility == Visibility.PUBLIC.value)
    return select(func.count()).select_from(Collection).where(*conditions)


def owned_page_statement(
    owner_id: UUID, *, public_only: bool, limit: int, offset: int
) -> Select[tuple[Collection, str, int]]:
    """The owner's collections (only the public ones: ``public_only``), oldest first, each with the owner's name
    and its recipe count (an index-only count of at most ``MAX_RECIPES_PER_COLLECTION`` entries)."""
    conditions = [Collection.owner_id == owner_id]
    if public_only:
        conditions.append(Collection.visibility == Visibility.PUBLIC.value)
    return (
        select(Collection, User.display_name, _recipe_count(Collection))
        .join(User, User.id == Collection.owner_id)
        .where(*conditions)
        .order_by(Collection.created_at, Collection.id)
        .limit(limit)
        .offset(offset)
    )


def collection_statement(collection_id: UUID) -> Select[tuple[Collection, str, int]]:
    """The collection, its owner's name and its recipe count."""
    return (
        select(Collection, User.display_name, _recipe_count(Collection))
        .join(User, User.id == Collection.owner_id)
        .where(Collection.id == collection_id)
    )


def active_owner_statement(user_id: UUID) -> Select[tuple[UUID]]:
    return select(User.id).where(User.id == user_id, User.is_active.is_(True))


def recipe_exists_statement(recipe_id: UUID) -> Select[tuple[UUID]]:
    """The recipe's id if it may be put in a collection: one the public sees."""
    return select(Recipe.id).where(Recipe.id == recipe_id, shown_recipe())


def entry_page_statement(collection_id: UUID, *, limit: int, offset: int) -> Select[Any]:
    """A page of the collection's recipes in its order (position, then recipe id), each with when it was added and
    the recipe's summary: a range of the (collection_id, position, recipe_id) index, a primary-key lookup of each
    recipe and of its author."""
    return (
        select(CollectionRecipe.added_at, *SUMMARY_COLUMNS)
        .select_from(CollectionRecipe)
        .join(Recipe, Recipe.id == CollectionRecipe.recipe_id)
        .join(User, User.id == Recipe.author_id)
        .where(CollectionRecipe.collection_id == collection_id, shown_recipe())
        .order_by(CollectionRecipe.position, CollectionRecipe.recipe_id)
        .limit(limit)
        .offset(offset)
    )


def positions_statement(collection_id: UUID) -> Select[tuple[UUID, int]]:
    """Every entry's (recipe id, position) in order (read under the collection's lock, to place one)."""
    return (
        select(CollectionRecipe.recipe_id, CollectionRecipe.position)
        .where(CollectionRecipe.collection_id == collection_id)
        .order_by(CollectionRecipe.position, CollectionRecipe.recipe_id)
    )


def add_entry_statement(collection_id: UUID, recipe_id: UUID, position: int, now: datetime) -> Any:
    return insert(CollectionRecipe).values(
        collection_id=collection_id, recipe_id=recipe_id, position=position, added_at=now
    )


def move_entry_statement(collection_id: UUID, recipe_id: UUID, position: int) -> Any:
    return (
        update(CollectionRecipe)
        .where(CollectionRecipe.collection_id == collection_id, CollectionRecipe.recipe_id == recipe_id)
        .values(position=position)
        .execution_options(**PLAIN)
    )


def renumber_statements(collection_id: UUID, order: Sequence[tuple[UUID, int]]) -> list[Any]:
    """One UPDATE per entry whose position changes (at most ``MAX_RECIPES_PER_COLLECTION``, under the lock)."""
    return [move_entry_statement(collection_id, recipe_id, position) for recipe_id, position in order]


def remove_entry_statement(collection_id: UUID, recipe_id: UUID) -> ReturningDelete[tuple[UUID]]:
    return (
        delete(CollectionRecipe)
        .where(CollectionRecipe.collection_id == collection_id, CollectionRecipe.recipe_id == recipe_id)
        .returning(CollectionRecipe.recipe_id)
        .execution_options(**PLAIN)
    )


def touch_statement(collection_id: UUID, now: datetime) -> Any:
    """The collection's ``updated_at``: its entries changed."""
    return update(Collection).where(Collection.id == collection_id).values(updated_at=now).execution_options(**PLAIN)
