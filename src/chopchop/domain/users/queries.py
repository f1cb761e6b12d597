"""The public user directory's hand-written SQL: pages of active users by name, and a profile with its counts.
Each builder (``*_statement``) is explained by tests/db/test_explain_social.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from chopchop.db import Comment, Recipe, User
from chopchop.domain.visibility import shown_comment, shown_recipe
from chopchop.lib.cursors import Seek, keyset_condition
from chopchop.lib.text import LIKE_ESCAPE, like_escaped


def _contains_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` anywhere, with the wildcards inside it taken literally."""
    return f"%{like_escaped(text)}%"


def _directory(query: str | None) -> list[ColumnElement[bool]]:
    """Active users (the predicate of the partial index ix_user_account_active_name_id), optionally whose name
    contains ``query``."""
    conditions: list[ColumnElement[bool]] = [User.is_active == True]  # noqa: E712
    if query:
        # lower() on both sides: the same folding in SQL on both dialects; on PostgreSQL the trigram
        # index on lower(display_name) serves it.
        conditions.append(func.lower(User.display_name).like(func.lower(_contains_pattern(query)), escape=LIKE_ESCAPE))
    return conditions


def directory_count_statement(query: str | None) -> Select[tuple[int]]:
    return select(func.count()).select_from(User).where(*_directory(query))


def directory_keys() -> tuple[ColumnElement[str], InstrumentedAttribute[UUID]]:
    """The keys of the directory's order (ascending): the name as the database lower-cases it, then the id."""
    return func.lower(User.display_name), User.id


def directory_page_statement(
    query: str | None, *, limit: int, offset: int, seek: Seek | None = None
) -> Select[tuple[User, str]]:
    """Active users by name (case-insensitive, ties broken by id): the order of the partial index; each with its
    lower-cased name (a cursor's key: Python's ``str.lower`` is not the database's). From a cursor's position
    (``seek`` on ``directory_keys``) it is a range of that index (backward: the other way, flipped by the
    caller)."""
    reverse = seek is not None and seek.backward
    conditions = _directory(query)
    if seek is not None:
        conditions.append(keyset_condition(directory_keys(), seek, descending=False))
    name, id_ = directory_keys()
    order: list[ColumnElement[Any]] = [name.desc(), id_.desc()] if reverse else [name.asc(), id_.asc()]
    return select(User, name).where(*conditions).order_by(*order).limit(limit).offset(offset)


def profile_statement(user_id: UUID) -> Select[tuple[User, int, int, int]]:
    """An active user and the counts of what they published (recipes, likes received, comments), in one statement."""
    shown = shown_recipe()
    recipes = select(func.count()).where(Recipe.author_id == user_id, shown).scalar_subquery()
    likes = (
        select(func.coalesce(func.sum(Recipe.like_count), 0))
        .where(Recipe.author_id == user_id, shown)
        .scalar_subquery()
    )
    # Comments the public can see: shown, under a shown recipe.
    comments = (
        select(func.count())
        .select_from(Comment)
        .join(Recipe, Recipe.id == Comment.recipe_id)
        .where(Comment.author_id == user_id, shown_comment(), shown)
        .scalar_subquery()
    )
    return select(User, recipes, likes, comments).where(User.id == user_id, User.is_active == True)  # noqa: E712
